#!/usr/bin/env python3
"""Benchmark: one scene of cloud masking split into strips on a Dask LocalCluster of 1, 2 and 4 workers.

The scene is the mirrored mosaic of the real Sentinel-2 chip ../shared/data/clouds/s2_cloud_chip.tif that
bench_cloudmask.py builds (N x N pixels, 6 float32 bands, tiled deflate GeoTIFF). Cases:

* ``one process``: run_scene (as `python -m deepmapper cloudmask`), the model using the machine's default threads;
* ``W workers``: run_scene_in_strips on a LocalCluster of W processes (one Dask thread each, cores // W threads per
  task, as `--workers W`), automatic strip height. The cluster is started (and warmed with one small strip run, so
  that every worker has imported the runtimes) before the clock starts: the time is that of the scene alone.

Every distributed output is checked to be bit for bit the single-process one. Speed-up = one-process time / time.
On a machine with C cores, more than C workers cannot be faster: they share the same cores (and each recomputes the
tile rows at its strips' edges). Run from the repository root::

    .venv/bin/python benchmarks/bench_distributed.py                    # 1536 x 1536, workers 1 2 4
    .venv/bin/python benchmarks/bench_distributed.py --size 4096 --workers 1 2 4 8 --json out.json
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / ".build" / "plugins"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
import rasterio  # noqa: E402

from bench_cloudmask import CHIP, write_mosaic  # noqa: E402
from deepmapper.plugin.core.batch.runner import run_scene  # noqa: E402
from deepmapper.plugin.core.batch.tasks import TASKS  # noqa: E402
from deepmapper.plugin.core.distributed.cluster import connect  # noqa: E402
from deepmapper.plugin.core.distributed.strips import run_scene_in_strips  # noqa: E402

TASK = TASKS["cloudmask"]
VALUES = {"SENSOR": "sentinel2_l1c", "MODEL": "ukis_csmask_6b_l1c"}


def timed(run, output: Path) -> float:
    start = time.perf_counter()
    record = run({**VALUES, "OUTPUT": str(output)})
    if record["status"] != "done":
        raise SystemExit(f"run failed: {record['error']}")
    return time.perf_counter() - start


def same(a: Path, b: Path) -> bool:
    with rasterio.open(a) as x, rasterio.open(b) as y:
        return np.array_equal(x.read(), y.read())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=1536, help="mosaic side in pixels (default 1536)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not Path(CHIP).exists():
        raise SystemExit(f"{CHIP} is absent: the benchmark needs the shared sample data.")
    work = Path(tempfile.mkdtemp(prefix="bench-distributed-"))
    scene = work / "mosaic.tif"
    write_mosaic(scene, args.size)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    rows = [{"case": "one process", "seconds": timed(lambda v: run_scene(TASK, v, str(scene), False),
                                                     work / "one.tif")}]
    for n in args.workers:
        with connect(workers=n) as client:
            warm = work / f"warm{n}.tif"  # every worker imports the runtimes and loads the model once
            run_scene_in_strips(client, TASK, {**VALUES, "OUTPUT": str(warm)}, str(CHIP), False,
                                rows_per_strip=max(1, 512 // (2 * n)))
            out = work / f"dask{n}.tif"
            seconds = timed(lambda v: run_scene_in_strips(client, TASK, v, str(scene), False), out)
        rows.append({"case": f"{n} worker(s)", "seconds": seconds, "identical": same(work / "one.tif", out)})
    base = rows[0]["seconds"]
    print(f"cloudmask on a {args.size} x {args.size} mosaic ({args.size ** 2 / 1e6:.1f} Mpx), {cores} core(s)")
    print(f"{'case':<14}{'seconds':>9}{'speed-up':>10}{'Mpx/s':>8}  identical")
    for r in rows:
        r["speedup"] = base / r["seconds"]
        print(f"{r['case']:<14}{r['seconds']:>9.1f}{r['speedup']:>10.2f}{args.size ** 2 / 1e6 / r['seconds']:>8.3f}"
              f"  {r.get('identical', '-')}")
    if args.json:
        args.json.write_text(json.dumps({"size": args.size, "cores": cores, "runs": rows}, indent=1))


if __name__ == "__main__":
    main()
