# Sphinx configuration for the kochava.publisher HTML docsite.
# Started from `antsibull-docs sphinx-init --use-current` (antsibull-docs 2.28.0);
# tools/build-docs.sh generates the RST with antsibull-docs and runs sphinx-build.
# Intersphinx is off: the build runs without network access, and -W turns an
# unreachable inventory into an error.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

project = "kochava.publisher"
copyright = "kochava.publisher maintainers"  # noqa: A001  (Sphinx setting name)
title = "Kochava Publisher Collection"
html_short_title = "kochava.publisher"

extensions = ["sphinx.ext.autodoc", "sphinx_antsibull_ext"]

pygments_style = "ansible"
highlight_language = "YAML+Jinja"

html_theme = "sphinx_ansible_theme"
html_show_sphinx = False
display_version = False
html_use_smartypants = True
html_use_modindex = False
html_use_index = False
html_copy_source = False

default_role = "any"
nitpicky = True
