#!/usr/bin/env bash
# Copies the pinned front-end libraries from node_modules into jifen/static/vendor, with their
# licences, so that every page is served from our own server (intranets have no internet).
set -euo pipefail
cd "$(dirname "$0")/.."
dest=jifen/static/vendor
rm -rf "$dest"
mkdir -p "$dest/bootstrap" "$dest/echarts" "$dest/htmx"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/LICENSE "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp node_modules/echarts/dist/echarts.min.js node_modules/echarts/LICENSE "$dest/echarts/"
cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE "$dest/htmx/"
