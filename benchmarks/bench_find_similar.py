#!/usr/bin/env python3
"""Search by example: are deepmapper:findsimilar's top hits of the examples' class?

On the Aberystwyth Sentinel-2 mosaic, the first 3 training polygons of a class (water, then urban) are the
examples; findsimilar (MODEL landcover_s2: its U-Net encoder's bottleneck, pooled per patch, plus band statistics)
returns the COUNT=20 most similar patches. A hit is right when the majority class of its pixels in the bundled
land-cover map (the engine's run_segment with landcover_s2, computed once) is the examples' class. Goal of issue 9:
precision of the 20 top hits >= 0.9.

    .venv/bin/python benchmarks/bench_find_similar.py [--patch-sizes 16,32] [--classes water,urban]

Prints the markdown table of docs/benchmarks.md and writes benchmarks/results/find_similar.json.
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "landcover"
sys.path.insert(0, str(ROOT.parent))
PACKAGE = ROOT.name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patch-sizes", default="16,32")
    parser.add_argument("--classes", default="water,urban")
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: the benchmark needs the shared real data.")
    import geopandas as gpd
    import rasterio
    segment = importlib.import_module(f"{PACKAGE}.plugin.core.classify.segment")
    similar = importlib.import_module(f"{PACKAGE}.plugin.core.labelling.similar")
    image = str(DATA / "aberystwyth_s2_10m.tif")
    polygons = gpd.read_file(DATA / "aberystwyth_training_polygons.gpkg")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        seg = segment.run_segment(segment.SegmentRequest(image, str(tmp / "map.tif"), model="landcover_s2"))
        ids = {c["name"]: c["id"] for c in seg.classes}
        with rasterio.open(seg.output) as ds:
            classes_map = ds.read(1)
        for name in args.classes.split(","):
            polygons[polygons["class"] == name].iloc[:3].to_file(tmp / f"{name}.gpkg")
            for size in map(int, args.patch_sizes.split(",")):
                t0 = time.perf_counter()
                result = similar.find_similar(similar.SimilarRequest(
                    image, "landcover_s2", str(tmp / f"{name}.gpkg"), str(tmp / "hits.gpkg"), args.count, size))
                right = 0
                for cell in result.cells:
                    r, c = divmod(int(cell), classes_map.shape[1] // size)
                    block = classes_map[r * size:(r + 1) * size, c * size:(c + 1) * size]
                    counts = np.bincount(block[block != 255].ravel(), minlength=256)
                    right += int(counts.argmax() == ids[name])
                rows.append({"class": name, "patch_size": size, "count": args.count,
                             "candidates": result.candidates, "precision": right / len(result.cells),
                             "seconds": round(time.perf_counter() - t0, 1)})
                print(json.dumps(rows[-1]), flush=True)
    (ROOT / "benchmarks" / "results").mkdir(exist_ok=True)
    (ROOT / "benchmarks" / "results" / "find_similar.json").write_text(json.dumps(rows, indent=1))
    print("\n| examples (3 polygons) | patch size | patches searched | precision of the top 20 | seconds |\n"
          "|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['class']} | {r['patch_size']} px | {r['candidates']} | {r['precision']:.2f} | {r['seconds']:.0f} |")


if __name__ == "__main__":
    main()
