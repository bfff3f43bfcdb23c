#!/usr/bin/env bash
# Idempotent set-up on Debian 12: Debian's QGIS and geo stack, a venv that sees them, pinned pip packages,
# and the plugin linked where QGIS and the tests find it. Safe to run again; does only what is missing.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
APT_PACKAGES="qgis python3-qgis qgis-providers python3-rasterio python3-geopandas python3-shapely python3-scipy python3-jinja2 python3-venv python3-pip"

missing=$(for p in $APT_PACKAGES; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || echo "$p"; done)
if [ -n "$missing" ]; then
  echo "== Installing Debian packages: $missing"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
fi

if [ ! -x .venv/bin/python ]; then
  echo "== Creating .venv (sees Debian's qgis, GDAL, rasterio)"
  /usr/bin/python3 -m venv --system-site-packages .venv
fi
stamp=.venv/.deepmapper-requirements
want=$(cat requirements/*.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "== Installing pinned Python packages"
  .venv/bin/pip install -q -c requirements/constraints.txt -r requirements/runtime.txt -r requirements/test.txt
  .venv/bin/pip install -q --no-deps -r requirements/models.txt
  echo "$want" > "$stamp"
fi

# The plugin folder must be called 'deepmapper' for QGIS: link the checkout under that name.
mkdir -p .build/plugins
ln -sfn "$ROOT" .build/plugins/deepmapper
scripts/qgis_process plugins enable deepmapper >/dev/null 2>&1 || true
echo "== Set-up complete: $(.venv/bin/python -c 'import numpy, torch, onnxruntime; print("numpy", numpy.__version__, "torch", torch.__version__, "onnxruntime", onnxruntime.__version__)')"
