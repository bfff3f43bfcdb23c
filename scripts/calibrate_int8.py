"""Make the int8 calibration table of an ONNX cloud model (models/quantization.py) from a public scene.

    .venv/bin/python scripts/calibrate_int8.py [MODEL_ID or CARD.json ...] [--raster PATH] [--sensor sentinel2_l1c]

Without --raster the public Sentinel-2 L1C sample (Betsiboka estuary, the s2cloudless 1.2.0 sdist's test scene,
CC-BY-SA-4.0, fetched by scripts/fetch_sample.py; ../shared's copy when present) is used: 15 tiles of the model's
size on a regular grid (overlapping, covering the scene), read, scaled to reflectance and normalised exactly as
cloudmask does. The table is written beside the card (models/calibration/<id>.int8.json for the bundled cards),
and its path and provenance into the card. The cloud chip the benchmarks score on is not used, so the int8 scores
there are not tuned to it.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import rasterio

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".build" / "plugins"))  # the checkout, importable as `deepmapper` (make setup)
sys.path.insert(0, str(Path(__file__).resolve().parent))

from deepmapper.models.backends import LoadedModel  # noqa: E402
from deepmapper.models.quantization import calibrate  # noqa: E402
from deepmapper.models.registry import Registry  # noqa: E402
from deepmapper.plugin.core.classify.pipeline import ClassifyRequest, choose_model_and_bands  # noqa: E402
from deepmapper.plugin.core.engine.device import Device  # noqa: E402
from deepmapper.plugin.core.engine.raster_io import BandReader  # noqa: E402

SHARED_SAMPLE = ROOT.parent / "shared" / "data" / "clouds" / "s2_betsiboka_l1c_13band.tif"
DEFAULT_MODELS = ("ukis_csmask_6b_l1c", "ukis_csmask_4b_l1c")


def tiles(raster: Path, model_id: str, sensor: str, count: int = 15):
    """(1, C, T, T) normalised float32 tiles of the model's tile size T on a grid over the raster."""
    with rasterio.open(raster) as src:
        req = ClassifyRequest(input=str(raster), output="unused.tif", model=model_id, sensor=sensor)
        chosen = choose_model_and_bands(src, req, Registry(), Registry().get(model_id).task, print)
        size = int(chosen.card.tiling["tile_size"])
        model = LoadedModel(chosen.card, runner=None, device=Device("cpu"))
        reader = BandReader(src, list(chosen.indexes), chosen.scale, 0.0)
        rows = _starts(src.height, size, 5)
        cols = _starts(src.width, size, -(-count // 5))
        for r in rows:
            values, _valid = reader.read_rows(r, r + size)
            for c in cols:
                yield model.normalise(values[None, :, :, c:c + size])


def _starts(length: int, size: int, n: int) -> list[int]:
    if length < size:
        raise SystemExit(f"the raster is smaller than the model's {size} px tile")
    return sorted({round(i * (length - size) / max(n - 1, 1)) for i in range(n)})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", default=list(DEFAULT_MODELS))
    parser.add_argument("--raster", type=Path)
    parser.add_argument("--sensor", default="sentinel2_l1c")
    args = parser.parse_args()
    raster = args.raster
    if raster is None:
        if SHARED_SAMPLE.exists():
            raster = SHARED_SAMPLE
        else:
            from fetch_sample import fetch
            raster = fetch(ROOT / ".build" / "samples" / SHARED_SAMPLE.name)
    for model_id in args.models:
        card = Registry().get(model_id)
        card_path = card.path.resolve()
        bundled = card_path.parent == (ROOT / "models" / "cards").resolve()
        table = (ROOT / "models" / "calibration" if bundled else card_path.parent).resolve() / f"{card.id}.int8.json"
        table.parent.mkdir(exist_ok=True)
        calibrate(card, tiles(raster, model_id, args.sensor), table)
        table.chmod(0o644)  # written through a private temporary file
        data = json.loads(card_path.read_text())
        data["quantization"] = {
            "int8_calibration": os.path.relpath(table, card_path.parent),
            "calibration_data": "15 tiles of the Sentinel-2 L1C Betsiboka scene (s2cloudless 1.2.0 sdist test "
                                "input, CC-BY-SA-4.0) made by scripts/calibrate_int8.py" if args.raster is None
                                else f"15 tiles of {raster.name} made by scripts/calibrate_int8.py"}
        card_path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        print(f"{card.id}: {table} ({table.stat().st_size // 1024} kB), card {card_path}")


if __name__ == "__main__":
    main()
