#!/usr/bin/env bash
# Build a venv afresh from pinned files, then mark it built.
#
#   tools/make-venv.sh DIR PYTHON PIP_INSTALL_ARGS...
#
# Removes DIR, creates it with PYTHON (a command or a path), runs
# `pip install -q PIP_INSTALL_ARGS` in it and touches DIR/.stamp, the file the
# Makefile's targets depend on. A failed build leaves no .stamp, so the next
# make builds it again.
set -euo pipefail
dir=$1
python=$2
shift 2
rm -rf "$dir"
"$python" -m venv "$dir"
"$dir/bin/pip" install -q --disable-pip-version-check "$@"
touch "$dir/.stamp"
