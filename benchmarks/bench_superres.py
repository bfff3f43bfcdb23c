#!/usr/bin/env python3
"""Benchmark: guided super-resolution (20 m -> 10 m) throughput and peak memory on growing mosaics, against bicubic.

* ``model-N``: ``run_superres(SuperResRequest(input=hr.tif, input_lowres=lr.tif, output=...))`` with the bundled
  s2_superres_guided model: N x N 10 m output pixels, 6 bands (file in, file out: reading, upsampling, inference,
  consistency projection and writing all count);
* ``bicubic-N``: the same streaming path without the network (the reader's bicubic upsampling, the consistency
  projection and the writing), i.e. what a plain bicubic resampling costs in the same engine.

Mosaics are the real chip ``../shared/data/superres/T33UUB_{10,20}m.tif`` tiled with mirroring (chip, flipped, ...),
so they have no seams; the 20 m mosaic is the same mirroring at 20 m, so the grids nest. They are built once, window
by window, before the cases. Every case runs in a fresh subprocess (``--case``) and reports JSON: wall and CPU seconds,
Mpixel/s of output, and ``ru_maxrss`` (peak RSS of that process) plus the RSS after imports.

    .venv/bin/python benchmarks/bench_superres.py                     # 1200^2, 2400^2, 4800^2
    .venv/bin/python benchmarks/bench_superres.py --sizes 1200 2400   # quicker

Results go to ``benchmarks/results/superres-<timestamp>.json`` and ``.md``.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_PKGS = REPO / ".build" / "plugins"
if not (_PKGS / "deepmapper").exists():
    _PKGS.mkdir(parents=True, exist_ok=True)
    (_PKGS / "deepmapper").symlink_to(REPO, target_is_directory=True)
sys.path.insert(0, str(_PKGS))

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "superres"


def mirrored_index(n: int, size: int):
    """Indices 0..size-1 -> 0..n-1 mirrored (0..n-1, n-1..0, 0..n-1, ...): a seamless tiling of a chip."""
    import numpy as np
    k = np.arange(size) % (2 * n)
    return np.where(k < n, k, 2 * n - 1 - k)


def build_mosaic(src_path: Path, dst_path: Path, size: int) -> None:
    import rasterio
    from rasterio.windows import Window
    with rasterio.open(src_path) as src:
        chip = src.read()
        profile = src.profile | {"width": size, "height": size, "tiled": True, "blockxsize": 256,
                                 "blockysize": 256, "compress": "deflate"}
        cols = mirrored_index(src.width, size)
        with rasterio.open(dst_path, "w", **profile) as dst:
            dst.descriptions = src.descriptions
            for r0 in range(0, size, 256):
                rows = mirrored_index(src.height, size)[r0:r0 + 256]
                dst.write(chip[:, rows][:, :, cols], window=Window(0, r0, size, len(rows)))


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def run_case(method: str, hr: str, lr: str, out: str) -> dict:
    import numpy as np
    import rasterio
    from deepmapper.plugin.core.superres.pipeline import SuperResRequest, run_superres
    import torch  # noqa: F401  (counted in the baseline, as a real run imports it)
    baseline = rss_mb()
    t0, c0 = time.time(), time.process_time()
    if method == "model":
        run_superres(SuperResRequest(hr, out, lr))
    else:
        import deepmapper.models.backends as backends

        class Bicubic:  # the engine's Predictor protocol, returning the upsampled bands unchanged
            n_outputs = 6

            def fill_values(self):
                return np.zeros(10, np.float32)

            def predict(self, batch):
                return batch[:, 4:]

        keep = backends.load_model  # run_superres looks it up at call time
        backends.load_model = lambda card, device, threads=0: Bicubic()
        try:
            run_superres(SuperResRequest(hr, out, lr))
        finally:
            backends.load_model = keep
    wall, cpu = time.time() - t0, time.process_time() - c0
    with rasterio.open(out) as ds:
        pixels = ds.width * ds.height
    return {"method": method, "pixels": pixels, "wall_s": wall, "cpu_s": cpu, "mpx_per_s": pixels / wall / 1e6,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "baseline_rss_mb": baseline}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1200, 2400, 4800])
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results"))
    ap.add_argument("--case", nargs=4, metavar=("METHOD", "HR", "LR", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.case:
        print(json.dumps(run_case(*args.case)))
        return
    if not DATA.exists():
        print(f"skipped: {DATA} is absent")
        return
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            hr, lr = os.path.join(tmp, f"hr{size}.tif"), os.path.join(tmp, f"lr{size}.tif")
            build_mosaic(DATA / "T33UUB_10m.tif", Path(hr), size)
            build_mosaic(DATA / "T33UUB_20m.tif", Path(lr), size // 2)
            for method in ("bicubic", "model"):
                out = os.path.join(tmp, f"{method}{size}.tif")
                proc = subprocess.run([sys.executable, __file__, "--case", method, hr, lr, out], capture_output=True,
                                      text=True)
                if proc.returncode:
                    sys.exit(proc.stderr[-3000:])
                res = json.loads(proc.stdout.strip().splitlines()[-1]) | {"size": size}
                results.append(res)
                print(f"{method}-{size}: {res['wall_s']:.1f} s, {res['mpx_per_s']:.3f} Mpx/s, peak RSS "
                      f"{res['peak_rss_mb']:.0f} MB", flush=True)
                os.remove(out)
            os.remove(hr)
            os.remove(lr)
    by = {(r["method"], r["size"]): r for r in results}
    lines = ["| output size | model Mpx/s | model s (CPU s) | model peak RSS MB | bicubic Mpx/s | bicubic s (CPU s) "
             "| bicubic peak RSS MB | model time / bicubic time |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for size in args.sizes:
        m, b = by[("model", size)], by[("bicubic", size)]
        lines.append(f"| {size}² x 6 bands | {m['mpx_per_s']:.3f} | {m['wall_s']:.1f} ({m['cpu_s']:.0f}) | "
                     f"{m['peak_rss_mb']:.0f} | {b['mpx_per_s']:.2f} | {b['wall_s']:.1f} ({b['cpu_s']:.0f}) | "
                     f"{b['peak_rss_mb']:.0f} | {m['wall_s'] / b['wall_s']:.1f} |")
    table = "\n".join(lines)
    print(table)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    os.makedirs(args.out, exist_ok=True)
    meta = {"machine": f"{platform.machine()}, {os.cpu_count()} CPUs", "python": platform.python_version(),
            "results": results}
    Path(args.out, f"superres-{stamp}.json").write_text(json.dumps(meta, indent=2) + "\n")
    Path(args.out, f"superres-{stamp}.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
