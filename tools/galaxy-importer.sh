#!/usr/bin/env bash
# Run galaxy-importer (the checks Galaxy runs on upload) on a built tarball.
#   tools/galaxy-importer.sh VENV TARBALL
# Fails when the import fails or when it logs any ERROR line.
set -euo pipefail

venv=$(cd "$1" && pwd)
tarball=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
work="$root/.build/importer"
rm -rf "$work"
mkdir -p "$work"
cd "$work" # it writes importer_result.json into the working directory

export GALAXY_IMPORTER_CONFIG="$root/tools/galaxy-importer.cfg"
export PATH="$venv/bin:$PATH" # ansible-doc and ansible-lint from the importer's venv
# A clean collection search path: only what the importer unpacks.
unset ANSIBLE_COLLECTIONS_PATH ANSIBLE_COLLECTIONS_PATHS

rc=0
"$venv/bin/python" -m galaxy_importer.main "$tarball" > importer.log 2>&1 || rc=$?
cat importer.log
if [ "$rc" -ne 0 ] || [ ! -s importer_result.json ]; then
    echo "galaxy-importer: import failed (exit $rc)" >&2
    exit 1
fi
if grep -E '^(ERROR|CRITICAL):' importer.log >/dev/null; then
    echo "galaxy-importer: errors reported (see above)" >&2
    exit 1
fi
echo "galaxy-importer: no errors ($(grep -c '^WARNING:' importer.log || true) warnings)"
