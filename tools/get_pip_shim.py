"""Offline stand-in for the get-pip.py script that ansible-test downloads.

ansible-test bootstraps pip into the empty venvs it builds for sanity tests by
running ``get-pip-<version>.py`` fetched from a host that is not reachable from
CI.  It looks for a cached copy at ``~/.ansible/test/cache/get_pip_<ver>.py``
first; ``install_get_pip_shim()`` in ``noxfile.py`` copies this file there before
every ansible-test session (tools/README.md).

It runs the pip wheel bundled with the interpreter's ``ensurepip`` and lets
that pip install the requested pip version (and anything else asked for) from
the package index, which is what get-pip.py does too.
"""

import glob
import os
import sys

# get-pip.py options that pip itself does not understand.
GET_PIP_ONLY_OPTIONS = {"--no-setuptools", "--no-wheel"}


def bundled_pip_wheel():
    import ensurepip

    bundled = os.path.join(os.path.dirname(ensurepip.__file__), "_bundled")
    wheels = sorted(glob.glob(os.path.join(bundled, "pip-*.whl")))
    if not wheels:
        sys.exit("get_pip shim: no pip wheel bundled with ensurepip in %s" % bundled)
    return wheels[-1]


def main():
    args = [arg for arg in sys.argv[1:] if arg not in GET_PIP_ONLY_OPTIONS]
    sys.path.insert(0, bundled_pip_wheel())
    from pip._internal.cli.main import main as pip_main

    return pip_main(["install", "--upgrade", "--force-reinstall"] + args)


if __name__ == "__main__":
    sys.exit(main())
