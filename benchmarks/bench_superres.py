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

* ``scale-B`` / ``scale-bicubic-B``: SCALE mode (``scale_mode=True``, the bundled s2_superres_single model, every
  band doubled on its own) on the first B of the 13 bands of the real Betsiboka L1C scene
  (``../shared/data/clouds/s2_betsiboka_l1c_13band.tif``, 856 x 512 pixels, 1712 x 1024 out), against the same
  path with the network replaced by the identity (bicubic): time and peak RSS as the band count grows.

    .venv/bin/python benchmarks/bench_superres.py                     # 1200^2, 2400^2, 4800^2; SCALE 1, 4, 13 bands
    .venv/bin/python benchmarks/bench_superres.py --sizes 1200 2400   # quicker
    .venv/bin/python benchmarks/bench_superres.py --sizes --scale-bands 1 4 13   # SCALE mode only

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
SCENE = REPO.parent / "shared" / "data" / "clouds" / "s2_betsiboka_l1c_13band.tif"


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


def first_bands(src_path: Path, dst_path: str, count: int) -> None:
    """The first `count` bands of a raster as a new GeoTIFF (band descriptions kept)."""
    import rasterio
    with rasterio.open(src_path) as src:
        with rasterio.open(dst_path, "w", **(src.profile | {"count": count})) as dst:
            dst.write(src.read(list(range(1, count + 1))))
            dst.descriptions = src.descriptions[:count]


class Identity:
    """A one-band model that returns its (bicubically upsampled) input: SCALE mode's bicubic baseline."""

    def predict(self, batch):
        return batch


def run_case(method: str, hr: str, lr: str, out: str) -> dict:
    import numpy as np
    import rasterio
    from deepmapper.plugin.core.superres.pipeline import SuperResRequest, run_superres
    import torch  # noqa: F401  (counted in the baseline, as a real run imports it)
    baseline = rss_mb()
    t0, c0 = time.time(), time.process_time()
    usage0 = resource.getrusage(resource.RUSAGE_SELF)
    if method == "model":
        run_superres(SuperResRequest(hr, out, lr))
    elif method in ("scale", "scale-bicubic"):
        import deepmapper.models.backends as backends
        keep = backends.load_model
        if method == "scale-bicubic":
            backends.load_model = lambda card, device, threads=0: Identity()
        try:
            run_superres(SuperResRequest(hr, out, scale_mode=True))
        finally:
            backends.load_model = keep
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
    usage = resource.getrusage(resource.RUSAGE_SELF)
    with rasterio.open(out) as ds:
        pixels = ds.width * ds.height
    return {"method": method, "pixels": pixels, "wall_s": wall, "cpu_s": cpu, "mpx_per_s": pixels / wall / 1e6,
            "user_s": usage.ru_utime - usage0.ru_utime, "system_s": usage.ru_stime - usage0.ru_stime,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "baseline_rss_mb": baseline}


def subprocess_case(method: str, hr: str, lr: str, out: str) -> dict:
    """One case in a fresh process (its own peak RSS); the output is removed afterwards."""
    proc = subprocess.run([sys.executable, __file__, "--case", method, hr, lr, out], capture_output=True, text=True)
    if proc.returncode:
        sys.exit(proc.stderr[-3000:])
    if os.path.exists(out):
        os.remove(out)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1200, 2400, 4800])
    ap.add_argument("--scale-bands", type=int, nargs="*", default=[1, 4, 13],
                    help="SCALE mode on the first B bands of the 13-band Betsiboka scene (none: skip)")
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
        for bands in args.scale_bands if SCENE.exists() else []:
            scene = os.path.join(tmp, f"scene{bands}.tif")
            first_bands(SCENE, scene, bands)
            for method in ("scale-bicubic", "scale"):
                res = subprocess_case(method, scene, "-", os.path.join(tmp, f"{method}{bands}.tif")) | {"bands": bands}
                results.append(res)
                print(f"{method}-{bands} bands: {res['wall_s']:.1f} s (user {res['user_s']:.1f} s, system "
                      f"{res['system_s']:.1f} s), peak RSS {res['peak_rss_mb']:.0f} MB", flush=True)
        for size in args.sizes:
            hr, lr = os.path.join(tmp, f"hr{size}.tif"), os.path.join(tmp, f"lr{size}.tif")
            build_mosaic(DATA / "T33UUB_10m.tif", Path(hr), size)
            build_mosaic(DATA / "T33UUB_20m.tif", Path(lr), size // 2)
            for method in ("bicubic", "model"):
                res = subprocess_case(method, hr, lr, os.path.join(tmp, f"{method}{size}.tif")) | {"size": size}
                results.append(res)
                print(f"{method}-{size}: {res['wall_s']:.1f} s, {res['mpx_per_s']:.3f} Mpx/s, peak RSS "
                      f"{res['peak_rss_mb']:.0f} MB", flush=True)
            os.remove(hr)
            os.remove(lr)
    by = {(r["method"], r.get("size", r.get("bands"))): r for r in results}
    lines = ["| output size | model Mpx/s | model s (CPU s) | model peak RSS MB | bicubic Mpx/s | bicubic s (CPU s) "
             "| bicubic peak RSS MB | model time / bicubic time |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    lines = lines if args.sizes else []
    for size in args.sizes:
        m, b = by[("model", size)], by[("bicubic", size)]
        lines.append(f"| {size}² x 6 bands | {m['mpx_per_s']:.3f} | {m['wall_s']:.1f} ({m['cpu_s']:.0f}) | "
                     f"{m['peak_rss_mb']:.0f} | {b['mpx_per_s']:.2f} | {b['wall_s']:.1f} ({b['cpu_s']:.0f}) | "
                     f"{b['peak_rss_mb']:.0f} | {m['wall_s'] / b['wall_s']:.1f} |")
    if args.scale_bands and SCENE.exists():
        lines += ["", "| SCALE mode, Betsiboka 856 x 512 -> 1712 x 1024 | model s (user, system) | model peak RSS MB | "
                  "bicubic s (user, system) | bicubic peak RSS MB | model time / bicubic time |",
                  "|---|---:|---:|---:|---:|---:|"]
        for bands in args.scale_bands:
            m, b = by[("scale", bands)], by[("scale-bicubic", bands)]
            lines.append(f"| {bands} band{'s' if bands > 1 else ''} | {m['wall_s']:.1f} ({m['user_s']:.0f}, "
                         f"{m['system_s']:.0f}) | {m['peak_rss_mb']:.0f} | {b['wall_s']:.1f} ({b['user_s']:.0f}, "
                         f"{b['system_s']:.0f}) | {b['peak_rss_mb']:.0f} | {m['wall_s'] / b['wall_s']:.1f} |")
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
