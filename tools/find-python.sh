#!/usr/bin/env bash
# Print the path of a working pythonX.Y interpreter (pyenv install or PATH).
#   tools/find-python.sh 3.13
# pyenv's shims for versions that are not selected exit 127, so the path of
# the real interpreter under `pyenv root` is preferred, and every candidate
# is run once before it is printed.
set -euo pipefail
want=$1
candidates=()
if command -v pyenv >/dev/null 2>&1; then
    root=$(pyenv root)
    while IFS= read -r v; do
        candidates+=("$root/versions/$v/bin/python$want")
    done < <(pyenv versions --bare 2>/dev/null | grep -E "^${want//./\\.}(\.[0-9]+)?$" | sort -t. -k3,3nr)
fi
if p=$(command -v "python$want" 2>/dev/null); then candidates+=("$p"); fi
for c in "${candidates[@]}"; do
    if [ -x "$c" ] && "$c" -c "import sys; sys.exit(sys.version_info[:2] != tuple(map(int, '$want'.split('.'))))" 2>/dev/null; then
        echo "$c"
        exit 0
    fi
done
echo "no working python$want found (pyenv install $want?)" >&2
exit 1
