#!/usr/bin/env bash
# Refresh the vendored 3Dmol.js (served by the app itself, never from a CDN) from the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-2.5.5}"
tmp="$(mktemp -d)"
(cd "$tmp" && npm pack --silent "3dmol@$version" >/dev/null && tar -xzf 3dmol-*.tgz)
cp "$tmp/package/build/3Dmol-min.js" "$tmp/package/LICENSE" assets/vendor/3dmol/
echo "3dmol@$version" > assets/vendor/3dmol/VERSION
rm -rf "$tmp"
