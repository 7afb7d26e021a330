"""The static docsite (built by `make docs`) has a page per module."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest
from tooling_helpers import ROOT

HTML = os.path.join(ROOT, "docs", "docsite", "build", "html")
MODULES = ["kochava_trigger", "kochava_trigger_info", "kochava_template_info"]


def test_index_page():
    assert os.path.isfile(os.path.join(HTML, "index.html"))
    assert os.path.isfile(os.path.join(HTML, "collections", "kochava", "publisher", "index.html"))


@pytest.mark.parametrize("module", MODULES)
def test_module_page(module):
    page = os.path.join(HTML, "collections", "kochava", "publisher", module + "_module.html")
    assert os.path.isfile(page), page
    with open(page, encoding="utf-8") as f:
        html = f.read()
    assert "kochava.publisher." + module in html
    # The shared connection options come from the doc fragment.
    assert "api_key" in html


def test_guide_page():
    """docs/docsite/rst/guide.rst, listed in docs/docsite/extra-docs.yml."""
    assert os.path.isfile(os.path.join(HTML, "collections", "kochava", "publisher", "docsite", "guide.html"))


def test_architecture_page():
    """docs/docsite/rst/architecture.rst (the contributors' page), listed in docs/docsite/extra-docs.yml."""
    page = os.path.join(HTML, "collections", "kochava", "publisher", "docsite", "architecture.html")
    assert os.path.isfile(page), page
    with open(page, encoding="utf-8") as f:
        html = f.read()
    assert "Where each rule lives" in html and "_glue/module.py" in html
