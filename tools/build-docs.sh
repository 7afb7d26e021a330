#!/usr/bin/env bash
# Collection docs with antsibull-docs (from .venv-tools).
#   tools/build-docs.sh lint   - antsibull-docs lint-collection-docs --plugin-docs
#   tools/build-docs.sh build  - static HTML site in docs/docsite/build/html
# kochava.publisher is found through ANSIBLE_COLLECTIONS_PATH (the Makefile
# points it at .build/collections, which links to this checkout).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
tbin="$root/.venv-tools/bin"
export PATH="$tbin:$PATH"
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-$root/.build/collections}"

case "${1:-build}" in
lint)
    cd "$root"
    antsibull-docs lint-collection-docs --plugin-docs .
    ;;
build)
    work="$root/.build/docsite"
    out="$root/docs/docsite/build"
    rm -rf "$work" "$out"
    mkdir -p "$work/rst"
    chmod og-w "$work/rst" # antsibull-docs wants it writable only by itself
    antsibull-docs --config-file "$root/tools/docsite/antsibull-docs.cfg" \
        collection --use-current --cleanup everything --dest-dir "$work/rst" \
        kochava.publisher
    cp "$root/tools/docsite/index.rst" "$root/tools/docsite/ansible_refs.rst" "$work/rst/"
    sphinx-build -M html "$work/rst" "$out" -c "$root/tools/docsite" -W --keep-going -q
    echo "docsite: $out/html/index.html"
    ;;
*)
    echo "usage: $0 lint|build" >&2
    exit 2
    ;;
esac
