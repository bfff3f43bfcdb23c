#!/usr/bin/env bash
# The DeepMapper demo: runs the algorithms through qgis_process on real Sentinel-2 scenes with the bundled models.
#   make demo                         the shared sample scenes (../shared/data), or a public sample from PyPI
#   make demo INPUT=scene.tif SENSOR=landsat8   your own image
# With ../shared/data it ends with an HTML accuracy report of the chip's cloud mask against its reference polygons.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OUT=${DEMO_OUT:-$ROOT/demo_output}
DATA="$ROOT/../shared/data"
QP=scripts/qgis_process
mkdir -p "$OUT"

cloudmask() {  # name input sensor [extra qgis_process args]
  local name=$1 input=$2 sensor=$3; shift 3
  echo "== cloudmask: $name ($input, SENSOR=$sensor $*)"
  $QP --json run deepmapper:cloudmask -- INPUT="$input" SENSOR="$sensor" "$@" \
      OUTPUT="$OUT/$name.tif" OUTPUT_PROBABILITY="$OUT/${name}_probability.tif" \
      OUTPUT_VECTOR="$OUT/${name}_polygons.gpkg" 2>"$OUT/$name.log" > "$OUT/$name.json" \
    || { echo "cloudmask failed; see $OUT/$name.log:"; tail -5 "$OUT/$name.log"; exit 1; }
  .venv/bin/python - "$OUT/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"   model {r['MODEL_ID']}: cloud {r['CLOUD_PERCENT']:.1f} %, shadow {r['SHADOW_PERCENT']:.1f} %, "
      f"{r['POLYGON_COUNT']} polygons")
for key in ("OUTPUT", "OUTPUT_PROBABILITY", "OUTPUT_VECTOR"):
    print(f"   {key:<19} {r[key]}")
PY
}

accuracy() {  # name prediction reference: HTML report + table against reference polygons
  local name=$1 prediction=$2 reference=$3
  echo "== assessaccuracy: $(basename "$prediction") against $(basename "$reference")"
  $QP --json run deepmapper:assessaccuracy -- PREDICTION="$prediction" REFERENCE="$reference" CLASS_FIELD=class \
      POSITIVE_CLASSES="cloud,cloud shadow" OUTPUT_HTML="$OUT/$name.html" OUTPUT_TABLE="$OUT/$name.csv" \
      2>"$OUT/$name.log" > "$OUT/$name.json" \
    || { echo "assessaccuracy failed; see $OUT/$name.log:"; tail -5 "$OUT/$name.log"; exit 1; }
  .venv/bin/python - "$OUT/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
print(f"   overall accuracy {r['OVERALL_ACCURACY']:.3f}, kappa {r['KAPPA']:.3f}, macro F1 {r['MEAN_F']:.3f}, "
      f"cloud+shadow F1 {r['BINARY_F']:.3f}")
print(f"   {'OUTPUT_HTML':<19} {r['OUTPUT_HTML']}")
PY
}

if [ -n "${INPUT:-}" ]; then
  cloudmask "$(basename "${INPUT%.*}")_cloudmask" "$INPUT" "${SENSOR:-sentinel2_l1c}"
elif [ -d "$DATA" ]; then
  cloudmask chip_cloudmask "$DATA/clouds/s2_cloud_chip.tif" sentinel2_l1c
  accuracy chip_accuracy "$OUT/chip_cloudmask.tif" "$DATA/clouds/s2_cloud_chip_reference.gpkg"
  cloudmask betsiboka_s2cloudless "$DATA/clouds/s2_betsiboka_l1c_13band.tif" sentinel2_l1c MODEL=s2cloudless
else
  echo "== ../shared/data is absent: fetching the public Sentinel-2 sample from the s2cloudless 1.2.0 sdist"
  sample=$(.venv/bin/python scripts/fetch_sample.py "$ROOT/.build/samples/s2_betsiboka_l1c_13band.tif")
  cloudmask betsiboka_cloudmask "$sample" sentinel2_l1c
  cloudmask betsiboka_s2cloudless "$sample" sentinel2_l1c MODEL=s2cloudless
fi
echo "== Demo outputs are in $OUT (open the .tif files in QGIS: the .qml beside each gives the class style)"
