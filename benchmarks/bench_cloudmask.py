#!/usr/bin/env python3
"""Benchmark: DeepMapper cloud masking versus ukis-csmask's own CSmask, throughput and peak memory.

What it measures, in one run:

* ``plugin-N``: ``run_cloudmask(CloudMaskRequest(input=mosaic.tif, output=..., model="ukis_csmask_6b_l1c"))`` on an
  N x N GeoTIFF mosaic (file in, file out: reading, inference, post-processing and writing all count);
* ``ukis-N``: ``CSmask(img, band_order=[...6 bands...], product_level="l1c", providers=["CPUExecutionProvider"])``
  on the same mosaic held in memory as a (rows, cols, bands) float32 array (array already built; the call counts).

The mosaic is the real Sentinel-2 chip ``../shared/data/clouds/s2_cloud_chip.tif`` (512 x 512, 6 float32 bands)
tiled with mirroring (chip, flipped left-right, flipped up-down, both) so it has no seams; its georeference is the
chip's, with the pixel grid extended. The mosaic file (tiled, deflate) is written window by window by the parent
process, so building it never counts towards a case's memory.

Every case runs in its own fresh subprocess (this script with ``--case NAME``), which reports JSON on stdout: the
time of the call, ``ru_maxrss`` at the end (peak RSS of the whole process), the RSS after imports (baseline) and, for
ukis, the RSS once the input array exists. Peaks therefore never mix between cases.

Run from the repository root::

    .venv/bin/python benchmarks/bench_cloudmask.py                 # plugin 4096^2 and 8192^2, ukis 4096^2
    .venv/bin/python benchmarks/bench_cloudmask.py --sizes 2048 --skip-ukis

Results go to ``benchmarks/results/cloudmask-<timestamp>.json`` and ``.md`` (``--out``). Skips (exit 0) with a message
when ``../shared/data`` is absent.
"""
from __future__ import annotations

# --- import path: make the repository importable as `deepmapper` (via .build/pkgs/deepmapper -> repo root) -------
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_PKGS = REPO / ".build" / "pkgs"
_LINK = _PKGS / "deepmapper"
if not _LINK.exists():
    _PKGS.mkdir(parents=True, exist_ok=True)
    if _LINK.is_symlink():  # dangling link
        _LINK.unlink()
    _LINK.symlink_to(REPO, target_is_directory=True)
if str(_PKGS) not in sys.path:
    sys.path.insert(0, str(_PKGS))
# -------------------------------------------------------------------------------------------------------------------

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import datetime  # noqa: E402

import numpy as np  # noqa: E402

DATA = REPO.parent / "shared" / "data"
CHIP = DATA / "clouds" / "s2_cloud_chip.tif"
MODEL_ID = "ukis_csmask_6b_l1c"
UKIS_BANDS = ["blue", "green", "red", "nir", "swir16", "swir22"]
STRIP_ROWS = 512  # rows per write / fill step while building mosaics
DEFAULT_UKIS_MAX = 4096  # CSmask holds the whole scene (and its tiles) in memory: ~16 GB at 8192^2


# --- memory helpers --------------------------------------------------------------------------------------------

def peak_rss_mb() -> float:
    """Peak resident set size of this process so far (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def current_rss_mb() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20
    except OSError:  # not Linux
        return float("nan")


# --- the mosaic ---------------------------------------------------------------------------------------------------

def mirrored_unit(chip: np.ndarray) -> np.ndarray:
    """(C, 2h, 2w): the chip and its mirror images; tiling this repeats seamlessly."""
    top = np.concatenate([chip, chip[:, :, ::-1]], axis=2)
    return np.ascontiguousarray(np.concatenate([top, top[:, ::-1, :]], axis=1))


def mosaic_window(unit: np.ndarray, r0: int, r1: int, c0: int, c1: int) -> np.ndarray:
    """(C, r1-r0, c1-c0) window of the infinite mirrored tiling of `unit` (same as np.tile, without building it)."""
    rows = np.arange(r0, r1) % unit.shape[1]
    cols = np.arange(c0, c1) % unit.shape[2]
    return unit[:, rows[:, None], cols[None, :]]


def read_chip():
    import rasterio
    with rasterio.open(CHIP) as src:
        return src.read(), src.profile, src.descriptions


def write_mosaic(path: Path, size: int) -> None:
    """Write the size x size mosaic as a tiled, deflate GeoTIFF, strip by strip (parent memory stays small)."""
    import rasterio
    from rasterio.windows import Window
    chip, profile, descriptions = read_chip()
    unit = mirrored_unit(chip)
    profile = dict(profile)
    profile.update(driver="GTiff", width=size, height=size, tiled=True, blockxsize=256, blockysize=256,
                   compress="deflate", BIGTIFF="IF_SAFER", interleave="pixel")
    # Same origin and pixel size as the chip: the grid is just extended to the right and downwards.
    with rasterio.open(path, "w", **profile) as dst:
        for i, name in enumerate(descriptions, start=1):
            if name:
                dst.set_band_description(i, name)
        for r0 in range(0, size, STRIP_ROWS):
            r1 = min(size, r0 + STRIP_ROWS)
            dst.write(mosaic_window(unit, r0, r1, 0, size), window=Window(0, r0, size, r1 - r0))


def mosaic_array_hwc(size: int) -> np.ndarray:
    """The same mosaic in memory, (rows, cols, bands) float32, filled strip by strip (no temporary full copies)."""
    chip, _profile, _descriptions = read_chip()
    unit = mirrored_unit(chip)
    img = np.empty((size, size, unit.shape[0]), dtype=np.float32)
    for r0 in range(0, size, STRIP_ROWS):
        r1 = min(size, r0 + STRIP_ROWS)
        img[r0:r1] = mosaic_window(unit, r0, r1, 0, size).transpose(1, 2, 0)
    return img


# --- cases (each in a fresh subprocess) ---------------------------------------------------------------------------

def _common_imports():
    """The same imports in every case, so baselines compare."""
    import onnxruntime  # noqa: F401
    import rasterio  # noqa: F401
    import scipy.ndimage  # noqa: F401
    from ukis_csmask.mask import CSmask
    from deepmapper.plugin.core.cloudmask import CloudMaskRequest, run_cloudmask
    from deepmapper.plugin.core.progress import Monitor
    return CSmask, CloudMaskRequest, run_cloudmask, Monitor


def _heavy_modules() -> list[str]:
    """Heavy runtimes present in this process (the common imports load neither torch nor lightgbm)."""
    return [m for m in ("torch", "lightgbm") if m in sys.modules]


def case_plugin(size: int, mosaic: Path, workdir: Path) -> dict:
    _CSmask, CloudMaskRequest, run_cloudmask, Monitor = _common_imports()
    baseline = peak_rss_mb()
    baseline_now = current_rss_mb()
    trace: list[tuple[float, float]] = []  # (progress, current RSS MB): is memory flat along the raster?

    def progress(fraction: float) -> None:
        if not trace or fraction - trace[-1][0] >= 0.05 or fraction >= 1.0:
            trace.append((round(fraction, 3), round(current_rss_mb(), 1)))

    output = workdir / f"mask-{size}.tif"
    t0 = time.perf_counter()
    result = run_cloudmask(CloudMaskRequest(input=str(mosaic), output=str(output), model=MODEL_ID),
                           monitor=Monitor(progress=progress))
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "baseline_rss_mb": baseline, "baseline_current_rss_mb": baseline_now,
            "input_rss_mb": baseline, "peak_rss_mb": peak_rss_mb(), "end_current_rss_mb": current_rss_mb(),
            "rss_trace": trace, "modules_loaded_by_call": _heavy_modules(),
            "cloud_percent": result.cloud_percent, "shadow_percent": result.shadow_percent,
            "clear_percent": result.clear_percent, "log": result.log}


def case_ukis(size: int) -> dict:
    CSmask, _req, _run, _mon = _common_imports()
    baseline = peak_rss_mb()
    baseline_now = current_rss_mb()
    img = mosaic_array_hwc(size)
    input_rss = current_rss_mb()
    t0 = time.perf_counter()
    csmask = CSmask(img, band_order=UKIS_BANDS, product_level="l1c", providers=["CPUExecutionProvider"])
    seconds = time.perf_counter() - t0
    classes = csmask.csm[..., 0]
    counts = np.bincount(classes.ravel(), minlength=3).astype(float)
    pct = 100.0 * counts / counts.sum()
    return {"seconds": seconds, "baseline_rss_mb": baseline, "baseline_current_rss_mb": baseline_now,
            "input_rss_mb": input_rss, "peak_rss_mb": peak_rss_mb(), "end_current_rss_mb": current_rss_mb(),
            "modules_loaded_by_call": _heavy_modules(), "cloud_percent": pct[1], "shadow_percent": pct[2], "clear_percent": pct[0]}


def run_case(args: argparse.Namespace) -> None:
    kind, _, size = args.case.partition("-")
    size = int(size)
    if kind == "plugin":
        result = case_plugin(size, Path(args.mosaic), Path(args.workdir))
    elif kind == "ukis":
        result = case_ukis(size)
    else:
        raise SystemExit(f"unknown case {args.case!r}")
    result.update(case=args.case, kind=kind, size=size, pixels=size * size)
    print("BENCH-RESULT " + json.dumps(result))


def spawn_case(name: str, extra: list[str], timeout: float) -> dict:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--case", name] + extra
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=str(REPO))
    wall = time.perf_counter() - t0
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout)[-3000:]
        return {"case": name, "error": f"exit {proc.returncode}", "stderr_tail": tail, "wall_seconds": wall}
    result = json.loads(lines[-1][len("BENCH-RESULT "):])
    result["wall_seconds"] = wall
    return result


# --- report -------------------------------------------------------------------------------------------------------

def add_derived(results: list[dict]) -> None:
    ukis = {r["size"]: r for r in results if r.get("kind") == "ukis" and "error" not in r}
    for r in results:
        if "error" in r:
            continue
        r["mpix_per_s"] = r["pixels"] / r["seconds"] / 1e6
        r["increment_rss_mb"] = r["peak_rss_mb"] - r["baseline_rss_mb"]
        if r["kind"] != "plugin" or not ukis:
            continue
        ref_size = r["size"] if r["size"] in ukis else max(ukis)  # throughput is per pixel: nearest is largest
        ref = ukis[ref_size]
        r["ratio_vs_ukis"] = r["mpix_per_s"] / (ref["pixels"] / ref["seconds"] / 1e6)
        r["ratio_vs_ukis_size"] = ref_size
        r["peak_rss_ratio_vs_ukis"] = r["peak_rss_mb"] / ref["peak_rss_mb"] if ref_size == r["size"] else None


def markdown_table(results: list[dict]) -> str:
    head = ("| case | pixels | seconds | Mpixel/s | peak RSS MB | baseline RSS MB | increment MB | "
            "throughput ratio vs ukis |\n|---|---:|---:|---:|---:|---:|---:|---|")
    rows = [head]
    for r in results:
        if "error" in r:
            rows.append(f"| {r['case']} | | | | | | | failed: {r['error']} |")
            continue
        side = f"{r['size']}² = {r['pixels'] / 1e6:.1f} M"
        ratio = ""
        if r.get("ratio_vs_ukis") is not None:
            ratio = f"{r['ratio_vs_ukis']:.2f}x"
            if r["ratio_vs_ukis_size"] != r["size"]:
                ratio += f" (vs ukis {r['ratio_vs_ukis_size']}²)"
        elif r["kind"] == "ukis":
            ratio = "1.00x (reference)"
        rows.append(f"| {r['case']} | {side} | {r['seconds']:.1f} | {r['mpix_per_s']:.3f} | {r['peak_rss_mb']:.0f} | "
                    f"{r['baseline_rss_mb']:.0f} | {r['increment_rss_mb']:.0f} | {ratio} |")
    return "\n".join(rows)


def machine_info() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()}
    try:
        import onnxruntime
        import rasterio
        info.update(numpy=np.__version__, onnxruntime=onnxruntime.__version__,
                    onnx_providers=onnxruntime.get_available_providers(), rasterio=rasterio.__version__,
                    gdal=rasterio.__gdal_version__)
        from importlib.metadata import version
        info["ukis_csmask"] = version("ukis-csmask")
    except Exception as exc:  # informative only
        info["versions_error"] = str(exc)
    try:
        with open("/proc/meminfo") as f:
            info["mem_total_gb"] = round(int(f.readline().split()[1]) / 2 ** 20, 1)
        with open("/proc/cpuinfo") as f:
            model = [ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name")]
        if model:
            info["cpu_model"] = model[0]
    except OSError:
        pass
    info["gdal_cachemax_env"] = os.environ.get("GDAL_CACHEMAX")
    return info


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[4096, 8192],
                        help="mosaic side lengths in pixels (default: 4096 8192)")
    parser.add_argument("--skip-ukis", action="store_true", help="do not run ukis-csmask's CSmask")
    parser.add_argument("--ukis-max", type=int, default=DEFAULT_UKIS_MAX,
                        help=f"largest side for CSmask, which needs the whole scene in memory (default "
                             f"{DEFAULT_UKIS_MAX}; 8192^2 needs ~16 GB)")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results"),
                        help="folder for cloudmask-<timestamp>.json/.md, or a path ending in .json "
                             "(default: benchmarks/results/)")
    parser.add_argument("--workdir", help="where mosaics and outputs go (default: a temporary folder, removed)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per case (default 1800)")
    # internal: one case in this process
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--mosaic", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.case:
        run_case(args)
        return 0

    if not CHIP.exists():
        print(f"SKIP: benchmark data not found: {CHIP} (needs the shared data folder {DATA} beside the "
              f"repository). Nothing was measured.")
        return 0

    sizes = sorted(set(args.sizes))
    workdir = Path(args.workdir) if args.workdir else Path(tempfile.mkdtemp(prefix="deepmapper-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    results: list[dict] = []
    started = time.perf_counter()
    try:
        for size in sizes:
            mosaic = workdir / f"mosaic-{size}.tif"
            t0 = time.perf_counter()
            write_mosaic(mosaic, size)
            print(f"mosaic {size}x{size}: {mosaic.stat().st_size / 2 ** 20:.0f} MB on disk, "
                  f"built in {time.perf_counter() - t0:.1f} s", flush=True)
            if not args.skip_ukis and size <= args.ukis_max:
                print(f"  running ukis-{size} ...", flush=True)
                results.append(spawn_case(f"ukis-{size}", [], args.timeout))
                _say(results[-1])
            print(f"  running plugin-{size} ...", flush=True)
            results.append(spawn_case(f"plugin-{size}", ["--mosaic", str(mosaic), "--workdir", str(workdir)],
                                      args.timeout))
            _say(results[-1])
            for path in workdir.glob(f"*-{size}.tif"):
                path.unlink()
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)

    add_derived(results)
    table = markdown_table(results)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out)
    json_path = out if out.suffix == ".json" else out / f"cloudmask-{stamp}.json"
    md_path = json_path.with_suffix(".md")
    json_path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"date": datetime.now().isoformat(timespec="seconds"), "model": MODEL_ID, "chip": str(CHIP),
            "sizes": sizes, "total_seconds": time.perf_counter() - started, "machine": machine_info()}
    json_path.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    md_path.write_text(
        f"# Cloud masking benchmark ({meta['date']})\n\nModel `{MODEL_ID}`, mosaic of `{CHIP.name}`; "
        f"{meta['machine'].get('cpus')} CPUs, {meta['machine'].get('mem_total_gb')} GB RAM, "
        f"onnxruntime {meta['machine'].get('onnxruntime')} (CPUExecutionProvider).\n\n{table}\n")
    print()
    print(table)
    print(f"\nresults: {json_path} and {md_path.name}; total {meta['total_seconds']:.0f} s")
    return 1 if any("error" in r for r in results) else 0


def _say(r: dict) -> None:
    if "error" in r:
        print(f"    FAILED ({r['error']}):\n{r['stderr_tail']}", flush=True)
    else:
        print(f"    {r['seconds']:.1f} s, {r['pixels'] / r['seconds'] / 1e6:.3f} Mpixel/s, peak RSS "
              f"{r['peak_rss_mb']:.0f} MB (baseline {r['baseline_rss_mb']:.0f} MB)", flush=True)


if __name__ == "__main__":
    sys.exit(main())
