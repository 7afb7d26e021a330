#!/usr/bin/env bash
# Run ansible-test from a copy of the checkout laid out as
# .build/ansible-test/<name>/ansible_collections/kochava/publisher.
#
#   tools/ansible-test.sh VENV PYTHON_VERSION [ansible-test args...]
#
# VENV is a venv holding the ansible-core under test (its ansible-test runs);
# the default arguments are `sanity --venv --python PYTHON_VERSION`.
# ansible-test needs a real directory (a symlink resolves to a path without an
# ansible_collections parent), so the git-tracked and untracked-not-ignored
# files are copied afresh on every run.
set -euo pipefail

venv=$(cd "$1" && pwd)
py=$2
shift 2

root=$(cd "$(dirname "$0")/.." && pwd)
core=$("$venv/bin/python" -c 'import ansible.release as r; print(r.__version__)')
tree="$root/.build/ansible-test/core-$core/ansible_collections/kochava/publisher"

# ansible-test bootstraps pip in its sanity venvs with get-pip.py from a host
# that CI cannot reach; a cached script at this path is used instead. The pip
# version is named only in ansible-test's private python_requirements.py (no
# option or command prints it), so it is read from there (tools/README.md).
pip_ver=$("$venv/bin/python" - <<'PY'
import os, re, sys
import ansible_test
src = open(os.path.join(os.path.dirname(ansible_test.__file__), '_internal', 'python_requirements.py')).read()
m = re.search(r"pip='([0-9.]+)'", src)
if not m:
    sys.exit("ansible-test.sh: no pip='X.Y' in ansible_test/_internal/python_requirements.py; update tools/ansible-test.sh")
print(m.group(1))
PY
)
cache="$HOME/.ansible/test/cache/get_pip_${pip_ver//./_}.py"
mkdir -p "$(dirname "$cache")"
if ! cmp -s "$root/tools/get_pip_shim.py" "$cache"; then
    cp "$root/tools/get_pip_shim.py" "$cache"
fi

rm -rf "$tree"
mkdir -p "$tree"
(
    cd "$root"
    git ls-files -co --exclude-standard -z |
        while IFS= read -r -d '' f; do
            if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
        done |
        tar --null -T - -cf -
) | tar -xf - -C "$tree"
# ansible-test takes its file list from the nearest .git upwards; without one
# here it would find the checkout's and see nothing (.build is ignored). An
# empty repository makes it list the copy's files (untracked, not ignored).
git -C "$tree" init -q

if [ $# -eq 0 ]; then
    set -- sanity --venv --python "$py"
fi

echo "ansible-test (ansible-core $core, Python $py, pip bootstrap $pip_ver) in $tree: $*"
cd "$tree"
# The venv's bin first: ansible-test looks up pythonX.Y on PATH, and pyenv
# shims for unselected versions exit 127.
PATH="$venv/bin:$PATH" exec "$venv/bin/ansible-test" "$@" --color no
