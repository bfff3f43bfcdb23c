#!/usr/bin/env python3
"""Benchmark: DeepMapper cloud masking versus ukis-csmask's own CSmask, throughput and peak memory.

What it measures, in one run:

* ``plugin-N``: ``run_cloudmask(CloudMaskRequest(input=mosaic.tif, output=..., model="ukis_csmask_6b_l1c"))`` on an
  N x N GeoTIFF mosaic (file in, file out: reading, inference, post-processing and writing all count);
* ``ukis-N``: ``CSmask(img, band_order=[...6 bands...], product_level="l1c", providers=["CPUExecutionProvider"])``
  on the same mosaic held in memory as a (rows, cols, bands) float32 array (array already built; the call counts).

The mosaic is the real Sentinel-2 chip ``../shared/data/clouds/s2_cloud_chip.tif`` (512 x 512, 6 float32 bands)
tiled with mirroring (chip, flipped left-right, flipped up-down, both) so it has no seams; its georeference is the
chip's, with the pixel grid extended. The mosaic file (tiled, deflate) is written window by window in a process of its
own, so building it never counts towards a case's memory.

Every case runs in its own fresh subprocess (this script with ``--case NAME``), which reports JSON on stdout: the
time and CPU time of the call, ``ru_maxrss`` at the end (peak RSS of the whole process; cross-checked against
VmHWM), the RSS after imports (baseline) and, for ukis, the RSS once the input array exists; for the plugin also the
RSS along the run (is it flat?). Peaks therefore never mix between cases. The parent imports neither GDAL nor the
runtimes while cases run: on Linux a child's ru_maxrss starts from the parent's peak.

On a shared machine other processes distort wall times: each run first waits (``--quiet-wait``) until the CPUs are
idle, ``--repeat N`` runs every case N times interleaved (ukis, plugin, ukis, plugin, ...) and keeps the fastest, and
the table shows the CPU seconds of the call and the CPU seconds other processes used meanwhile.

Run from the repository root::

    .venv/bin/python benchmarks/bench_cloudmask.py                 # plugin 4096^2 and 8192^2, ukis 4096^2
    .venv/bin/python benchmarks/bench_cloudmask.py --repeat 3      # as in docs/benchmarks.md (~10 min, 2 cores)
    .venv/bin/python benchmarks/bench_cloudmask.py --sizes 2048 --skip-ukis
    .venv/bin/python benchmarks/bench_cloudmask.py --sizes 4096 --precision auto int8 --repeat 2  # + PRECISION=int8

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
import itertools  # noqa: E402
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


def hwm_rss_mb() -> float:
    """Peak RSS of this process image only (Linux VmHWM). Unlike ru_maxrss it does not inherit the parent's peak
    across fork/exec; the two agree as long as the parent stays small, which is why the parent never builds data."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
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


def read_chip(source: Path = CHIP):
    import rasterio
    with rasterio.open(source) as src:
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


def write_unit(path: Path, source: Path = CHIP) -> None:
    """The mirrored unit (2h x 2w: the chip, or the raster `source`, and its mirror images) as a GeoTIFF with the
    source's georeference."""
    import rasterio
    chip, profile, descriptions = read_chip(source)
    unit = mirrored_unit(chip)
    profile = dict(profile, driver="GTiff", width=unit.shape[2], height=unit.shape[1], tiled=True, blockxsize=256,
                   blockysize=256, compress="deflate", interleave="pixel")
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(unit)
        for i, name in enumerate(descriptions, start=1):
            if name:
                dst.set_band_description(i, name)


def write_mosaic_vrt(path: Path, size: int, width: int | None = None, source: Path = CHIP) -> None:
    """The size x size (or size x width) mosaic as a GDAL VRT that repeats the mirrored unit (seamless, built in no
    time and ~no disk: the large sizes, 8192² and 10980², without writing gigabytes). Same pixels as write_mosaic.
    `source`: another raster to repeat (bench_gpu's full Sentinel-2 tiles of the other algorithms' scenes)."""
    import rasterio
    from xml.sax.saxutils import escape
    unit_path = path.with_name("unit.tif" if source == CHIP else f"unit-{source.stem}.tif")
    if not unit_path.exists():
        write_unit(unit_path, source)
    with rasterio.open(unit_path) as unit:
        uh, uw, count, dtype = unit.height, unit.width, unit.count, unit.dtypes[0]
        gt, crs, descriptions = unit.transform.to_gdal(), unit.crs.to_wkt(), unit.descriptions
        nodata = unit.nodata
    vrt_type = {"float32": "Float32", "uint16": "UInt16", "int16": "Int16", "uint8": "Byte"}[dtype]
    width = width or size
    parts = [f'<VRTDataset rasterXSize="{width}" rasterYSize="{size}">',
             f"<SRS>{escape(crs)}</SRS>", f"<GeoTransform>{', '.join(map(repr, gt))}</GeoTransform>"]
    for b in range(1, count + 1):
        parts.append(f'<VRTRasterBand dataType="{vrt_type}" band="{b}">')
        if descriptions[b - 1]:
            parts.append(f"<Description>{escape(descriptions[b - 1])}</Description>")
        if nodata is not None:
            parts.append(f"<NoDataValue>{nodata!r}</NoDataValue>")
        for r0 in range(0, size, uh):
            for c0 in range(0, width, uw):
                h, w = min(uh, size - r0), min(uw, width - c0)
                parts.append(f'<SimpleSource><SourceFilename relativeToVRT="1">{unit_path.name}</SourceFilename>'
                             f"<SourceBand>{b}</SourceBand><SrcRect xOff=\"0\" yOff=\"0\" xSize=\"{w}\" "
                             f'ySize="{h}"/><DstRect xOff="{c0}" yOff="{r0}" xSize="{w}" ySize="{h}"/>'
                             f"</SimpleSource>")
        parts.append("</VRTRasterBand>")
    parts.append("</VRTDataset>")
    path.write_text("\n".join(parts))


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
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
    from deepmapper.plugin.core.engine.progress import Monitor
    return CSmask, CloudMaskRequest, run_cloudmask, Monitor


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _heavy_modules() -> list[str]:
    """Heavy runtimes present in this process (the common imports load neither torch nor lightgbm)."""
    return [m for m in ("torch", "lightgbm") if m in sys.modules]


def case_plugin(size: int, mosaic: Path, workdir: Path, tile_size: int | None = None, precision: str = "auto") -> dict:
    _CSmask, CloudMaskRequest, run_cloudmask, Monitor = _common_imports()
    baseline, baseline_now = peak_rss_mb(), current_rss_mb()
    trace: list[tuple[float, float]] = []  # (progress, current RSS MB): is memory flat along the raster?

    def progress(fraction: float) -> None:
        if not trace or fraction - trace[-1][0] >= 0.05 or fraction >= 1.0:
            trace.append((round(fraction, 3), round(current_rss_mb(), 1)))

    output = workdir / f"mask-{size}.tif"
    in_model = timed_runners()
    t0, c0 = time.perf_counter(), _cpu_seconds()
    result = run_cloudmask(CloudMaskRequest(input=str(mosaic), output=str(output), model=MODEL_ID,
                                            tile_size=tile_size, precision=precision),
                           monitor=Monitor(progress=progress))
    seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    in_model = in_model()
    out = {"seconds": seconds, "cpu_seconds": cpu, "baseline_rss_mb": baseline,
           "baseline_current_rss_mb": baseline_now,
           "input_rss_mb": baseline, "peak_rss_mb": peak_rss_mb(), "vm_hwm_mb": hwm_rss_mb(),
           "end_current_rss_mb": current_rss_mb(),
           "rss_trace": trace, "modules_loaded_by_call": _heavy_modules(),
           "cloud_percent": result.cloud_percent, "shadow_percent": result.shadow_percent,
           "clear_percent": result.clear_percent, "log": result.log,
           # Robust to the machine's speed drifting between the run and the bare pass measured after it: the wall
           # seconds this run spent outside the network (reading, units, loading, blending, classes, writing).
           "model_seconds_in_run": in_model, "seconds_outside_model": seconds - in_model}
    out.update(forward_pass_seconds("\n".join(result.log), precision=precision))  # after the peaks: not counted
    out["pipeline_efficiency"] = out["forward_seconds"] / seconds
    out["pipeline_efficiency_cpu"] = out["forward_cpu_seconds"] / cpu
    return out


def timed_runners():
    """Time the network calls of the models loaded from now on (LoadedModel._run: the backend's forward pass, not
    normalisation or blending); returns a function that stops timing and gives the wall seconds during which at
    least one call was running (calls at once, see ForwardCalls, are counted once)."""
    import threading
    from deepmapper.models import backends
    spent, original = [0.0], backends.LoadedModel._run
    lock, running, since = threading.Lock(), [0], [0.0]

    def run(self, x):
        with lock:
            if not running[0]:
                since[0] = time.perf_counter()
            running[0] += 1
        try:
            return original(self, x)
        finally:
            with lock:
                running[0] -= 1
                if not running[0]:
                    spent[0] += time.perf_counter() - since[0]

    backends.LoadedModel._run = run

    def stop() -> float:
        backends.LoadedModel._run = original
        return spent[0]
    return stop


BARE_BUDGET_S = 30.0  # seconds of back-to-back forward calls timed for a bare pass (all of a run's, when fewer)


def forward_pass_seconds(log: str, repeat: int = 3, model_id: str = MODEL_ID, precision: str = "auto") -> dict:
    """The model's bare forward-pass time for the tiles a run needed: the same card, backend, device, threads and
    precision, on batches of tiles of the run's size and batch size (read from its log). `forward_seconds`: the run's
    number of batches times the mean of back-to-back calls (mean_forward), which is what the pipeline efficiency's
    numerator means; `forward_seconds_best`: the fastest of `repeat` calls times the batches, a lower bound (one
    lucky call), which the tables used until 2026-11-30."""
    import re
    from deepmapper.models.backends import load_model
    from deepmapper.models.registry import Registry
    from deepmapper.plugin.core.engine.device import choose_device
    size = int(re.search(r"tiles (\d+) px", log).group(1))
    tiles = int(re.search(r"(\d+) tiles run", log).group(1))
    batch = int(re.search(r"batch (\d+)", log).group(1))
    card = Registry().get(model_id)
    model = load_model(card, choose_device("auto", card.format), precision=precision)
    from deepmapper.plugin.core.engine.inference import ForwardCalls
    with ForwardCalls(model, size) as sender:  # the tiles of one call, as the run shares BATCH_SIZE between its calls
        batch = sender.batch_per_call(batch)
    x = np.random.default_rng(0).random((batch, len(card.bands), size, size), dtype=np.float32)
    best, best_cpu = best_forward(model, x, repeat)
    batches = -(-tiles // batch)
    per_call, per_call_cpu, calls = mean_forward(model, x, batches)
    # CPU seconds are what other processes on a shared machine disturb least: see pipeline_efficiency_cpu.
    return {"tile_size": size, "tiles": tiles, "batch": batch, "forward_seconds_per_tile": per_call / batch,
            "forward_seconds": per_call * batches, "forward_cpu_seconds": per_call_cpu * batches,
            "forward_calls_timed": calls, "forward_seconds_best": best / batch * tiles,
            "forward_cpu_seconds_best": best_cpu / batch * tiles}


def mean_forward(model, x: np.ndarray, calls: int, budget_s: float = BARE_BUDGET_S) -> tuple[float, float, int]:
    """(wall, CPU) seconds per model.predict(x) call, the mean of `calls` back-to-back calls after one warm-up, or of
    as many as fit in `budget_s` (at least 3), and the number of calls timed. The calls go as a run sends them:
    as many at once as the model serves (the engine's ForwardCalls: 2 for ONNX on 2 or more CPU cores)."""
    from deepmapper.plugin.core.engine.inference import ForwardCalls
    with ForwardCalls(model, x.shape[-1]) as sender:
        at_once = sender.workers
        for future in [sender.submit(x) for _ in range(at_once)]:  # warm-up: one call per worker
            future.result()
        n, t0, c0 = 0, time.perf_counter(), _cpu_seconds()
        running = []
        while n < calls and (n < 3 or time.perf_counter() - t0 < budget_s):
            running.append(sender.submit(x))
            n += 1
            if len(running) > sender.limit:
                running.pop(0).result()
        for future in running:
            future.result()
    return (time.perf_counter() - t0) / n, (_cpu_seconds() - c0) / n, n


def best_forward(model, x: np.ndarray, repeat: int) -> tuple[float, float]:
    """(wall, CPU) seconds per call in the fastest of `repeat` rounds of as many model.predict(x) calls at once as the
    model serves (one round: one call per worker), after one warm-up round (as a run's first tiles were)."""
    from deepmapper.plugin.core.engine.inference import ForwardCalls
    best = best_cpu = float("inf")
    with ForwardCalls(model, x.shape[-1]) as sender:
        for attempt in range(repeat + 1):
            t0, c0 = time.perf_counter(), _cpu_seconds()
            for future in [sender.submit(x) for _ in range(sender.workers)]:
                future.result()
            if attempt:
                best = min(best, (time.perf_counter() - t0) / sender.workers)
                best_cpu = min(best_cpu, (_cpu_seconds() - c0) / sender.workers)
    return best, best_cpu


def run_qgis_process(algorithm: str, params: dict) -> dict:
    """Run `scripts/qgis_process run ALGORITHM -- K=V ...` (the real qgis_process with this checkout's plugin):
    wall seconds of the whole command (QGIS start-up included), its log, and its peak RSS (ru_maxrss of the
    children of this process, which starts none before it)."""
    cmd = [str(REPO / "scripts" / "qgis_process"), "run", algorithm, "--"] + [f"{k}={v}" for k, v in params.items()]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=str(REPO))
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"qgis_process {algorithm} failed ({proc.returncode}): {(proc.stderr or proc.stdout)[-2000:]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime, "peak_rss_mb": peak,
            "vm_hwm_mb": peak, "baseline_rss_mb": float("nan"), "log": proc.stdout}


def case_qgis(size: int, mosaic: Path, workdir: Path, tile_size: int | None, precision: str = "auto") -> dict:
    """The plugin through qgis_process, file to file: the figure the goals name."""
    params = {"INPUT": mosaic, "MODEL": MODEL_ID, "OUTPUT": workdir / f"mask-{size}.tif"}
    if tile_size:
        params["TILE_SIZE"] = tile_size
    if precision != "auto":
        params["PRECISION"] = precision
    out = run_qgis_process("deepmapper:cloudmask", params)
    out["log"] = [ln for ln in out["log"].splitlines() if "tiles" in ln or "Cloud" in ln]
    out.update(forward_pass_seconds("\n".join(out["log"]), precision=precision))  # after qgis_process: not counted
    out["pipeline_efficiency"] = out["forward_seconds"] / out["seconds"]
    out["pipeline_efficiency_cpu"] = out["forward_cpu_seconds"] / out["cpu_seconds"]
    return out


def case_ukis(size: int) -> dict:
    CSmask, _req, _run, _mon = _common_imports()
    baseline, baseline_now = peak_rss_mb(), current_rss_mb()
    img = mosaic_array_hwc(size)
    input_rss = current_rss_mb()
    t0, c0 = time.perf_counter(), _cpu_seconds()
    csmask = CSmask(img, band_order=UKIS_BANDS, product_level="l1c", providers=["CPUExecutionProvider"])
    seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - c0
    classes = csmask.csm[..., 0]
    counts = np.bincount(classes.ravel(), minlength=3).astype(float)
    pct = 100.0 * counts / counts.sum()
    return {"seconds": seconds, "cpu_seconds": cpu, "baseline_rss_mb": baseline,
            "baseline_current_rss_mb": baseline_now, "input_rss_mb": input_rss, "peak_rss_mb": peak_rss_mb(),
            "vm_hwm_mb": hwm_rss_mb(),
            "end_current_rss_mb": current_rss_mb(), "modules_loaded_by_call": _heavy_modules(),
            "cloud_percent": pct[1], "shadow_percent": pct[2], "clear_percent": pct[0]}


def run_case(args: argparse.Namespace) -> None:
    kind, _, size = args.case.partition("-")
    size = int(size)
    tile_size = (args.tile_size or [0])[0] or None
    precision = (args.precision or ["auto"])[0]
    if kind == "int8":  # the int8 graph, built once before the timed cases (DEEPMAPPER_CACHE is the run's cache)
        from deepmapper.models.quantization import int8_weights
        from deepmapper.models.registry import Registry
        t0 = time.perf_counter()
        int8_weights(Registry().get(MODEL_ID))
        print("BENCH-RESULT " + json.dumps({"seconds": time.perf_counter() - t0, "peak_rss_mb": peak_rss_mb()}))
        return
    if kind == "build":  # the mosaic file, in its own process so its memory (GDAL's cache) never reaches a case
        t0 = time.perf_counter()
        (write_mosaic_vrt if args.mosaic.endswith(".vrt") else write_mosaic)(Path(args.mosaic), size)
        print("BENCH-RESULT " + json.dumps({"seconds": time.perf_counter() - t0, "peak_rss_mb": peak_rss_mb()}))
        return
    if kind.startswith("plugin"):
        result = case_plugin(size, Path(args.mosaic), Path(args.workdir), tile_size, precision)
    elif kind.startswith("qgis"):  # qgis, or qgisT: TILE_SIZE=T (a suffix 'int8': PRECISION=int8)
        result = case_qgis(size, Path(args.mosaic), Path(args.workdir), tile_size, precision)
    elif kind == "ukis":
        result = case_ukis(size)
    else:
        raise SystemExit(f"unknown case {args.case!r}")
    result.update(case=args.case, kind=kind, size=size, pixels=size * size)
    print("BENCH-RESULT " + json.dumps(result))


def wait_for_quiet(max_wait: float, threshold: float = 0.25, sample: float = 3.0) -> float:
    """Wait (at most `max_wait` s) until other processes use under `threshold` CPU cores over `sample` seconds, so a
    case does not start in the middle of someone else's work on a shared machine. Returns the seconds waited."""
    t0 = time.perf_counter()
    while True:
        a = _system_cpu()
        if a is None:
            return 0.0
        time.sleep(sample)
        b = _system_cpu()
        if (b[0] - a[0]) / sample < threshold or time.perf_counter() - t0 >= max_wait:
            return time.perf_counter() - t0


def spawn_case(name: str, extra: list[str], timeout: float, env: dict | None = None) -> dict:
    """Run one case in a fresh interpreter. The parent stays small (it imports neither GDAL nor the runtimes before
    the cases end): on Linux a child's ru_maxrss starts from the parent's peak at fork/exec."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--case", name] + extra
    t0, stat0, child0 = time.perf_counter(), _system_cpu(), _children_cpu()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=str(REPO),
                          env={**os.environ, **(env or {})})
    wall = time.perf_counter() - t0
    stat1, child1 = _system_cpu(), _children_cpu()
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("BENCH-RESULT ")]
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr or proc.stdout)[-3000:]
        return {"case": name, "error": f"exit {proc.returncode}", "stderr_tail": tail, "wall_seconds": wall}
    result = json.loads(lines[-1][len("BENCH-RESULT "):])
    result["wall_seconds"] = wall
    if stat0 and stat1:  # CPU that other processes (or the hypervisor: steal) took while this case ran
        result["other_cpu_seconds"] = max(0.0, round(stat1[0] - stat0[0] - (child1 - child0), 1))
        result["steal_seconds"] = round(stat1[1] - stat0[1], 1)
    return result


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _system_cpu() -> tuple[float, float] | None:
    """(busy seconds of all CPUs, steal seconds) since boot, from /proc/stat (Linux only)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    tick = os.sysconf("SC_CLK_TCK")
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq) / tick, steal / tick


def spawn_interleaved(cases: list[tuple[str, list[str]]], args: argparse.Namespace, env: dict) -> list[dict]:
    """`--repeat` fresh runs of each case, interleaved (A B A B ...) so that load from other processes, which
    comes and goes, hits every case alike. Per case: the fastest run's record, every run's time, the highest peak,
    and the pipeline efficiency as the median of the runs' own ratios (each run against the bare pass measured right
    after it: this host's speed drifts by more than the pipeline's overhead between runs, so the fastest run's wall
    time against its own bare pass can land on either side of the truth)."""
    runs: dict[str, list[dict]] = {name: [] for name, _extra in cases}
    failed: dict[str, dict] = {}
    for i in range(args.repeat):
        for name, extra in cases:
            if name in failed:
                continue
            print(f"  running {name}" + (f" ({i + 1}/{args.repeat})" if args.repeat > 1 else "") + " ...", flush=True)
            waited = wait_for_quiet(args.quiet_wait) if args.quiet_wait > 0 else 0.0
            r = spawn_case(name, extra, args.timeout, env)
            r["waited_for_quiet_s"] = round(waited, 1)
            _say(r)
            if "error" in r:
                failed[name] = r
            else:
                runs[name].append(r)
    out = []
    for name, _extra in cases:
        if name in failed:
            out.append(failed[name])
            continue
        done = runs[name]
        best = dict(min(done, key=lambda r: r["seconds"]))
        best.update(runs=len(done), seconds_all=[round(r["seconds"], 2) for r in done],
                    cpu_seconds_all=[round(r["cpu_seconds"], 2) for r in done],
                    other_cpu_seconds_all=[r.get("other_cpu_seconds") for r in done],
                    peak_rss_all=[round(r["peak_rss_mb"], 1) for r in done],
                    peak_rss_mb=max(r["peak_rss_mb"] for r in done), vm_hwm_mb=max(r["vm_hwm_mb"] for r in done))
        for key in ("pipeline_efficiency", "pipeline_efficiency_cpu"):
            if all(key in r for r in done):
                best[key + "_all"] = [round(r[key], 3) for r in done]
                best[key] = float(np.median([r[key] for r in done]))
        out.append(best)
    return out


# --- report -------------------------------------------------------------------------------------------------------

def add_derived(results: list[dict]) -> None:
    ukis = {r["size"]: r for r in results if r.get("kind") == "ukis" and "error" not in r}
    for r in results:
        if "error" in r:
            continue
        r["mpix_per_s"] = r["pixels"] / r["seconds"] / 1e6
        r["min_cpu_seconds"] = min(r.get("cpu_seconds_all") or [r["cpu_seconds"]])
        r["increment_rss_mb"] = r["peak_rss_mb"] - r["baseline_rss_mb"]
        hwm = r.get("vm_hwm_mb")
        if hwm and hwm == hwm and abs(r["peak_rss_mb"] - hwm) > 0.05 * hwm:
            r["warning"] = (f"ru_maxrss {r['peak_rss_mb']:.0f} MB differs from VmHWM {hwm:.0f} MB: the parent's "
                            f"peak leaked into the child's ru_maxrss")
            print(f"WARNING {r['case']}: {r['warning']}")
        if not r["kind"].startswith(("plugin", "qgis")) or not ukis:
            continue
        ref_size = r["size"] if r["size"] in ukis else max(ukis)  # throughput is per pixel: nearest is largest
        ref = ukis[ref_size]
        r["ratio_vs_ukis"] = r["mpix_per_s"] / (ref["pixels"] / ref["seconds"] / 1e6)
        r["ratio_vs_ukis_size"] = ref_size
        # CPU time per pixel is much less disturbed by other processes than wall time (on a shared machine)
        r["cpu_ratio_vs_ukis"] = (ref["min_cpu_seconds"] / ref["pixels"]) / (r["min_cpu_seconds"] / r["pixels"])
        r["peak_rss_ratio_vs_ukis"] = r["peak_rss_mb"] / ref["peak_rss_mb"] if ref_size == r["size"] else None


def markdown_table(results: list[dict]) -> str:
    head = ("| case | pixels | seconds | Mpixel/s | peak RSS MB | baseline RSS MB | increment MB | "
            "throughput ratio vs ukis | CPU s | ratio by CPU s | others' CPU s | tiles x px | pipeline efficiency "
            "(wall) | pipeline efficiency (CPU s) | s outside the network |\n"
            "|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|")
    rows = [head]
    for r in results:
        if "error" in r:
            rows.append(f"| {r['case']} | | | | | | | failed: {r['error']} | | | | | | | |")
            continue
        side = f"{r['size']}² = {r['pixels'] / 1e6:.1f} M"
        ratio = cpu_ratio = ""
        if r.get("ratio_vs_ukis") is not None:
            ratio, cpu_ratio = f"{r['ratio_vs_ukis']:.2f}x", f"{r['cpu_ratio_vs_ukis']:.2f}x"
            if r["ratio_vs_ukis_size"] != r["size"]:
                ratio += f" (vs ukis {r['ratio_vs_ukis_size']}²)"
        elif r["kind"] == "ukis":
            ratio, cpu_ratio = "1.00x (reference)", "1.00x"
        rows.append(f"| {r['case']} | {side} | {r['seconds']:.1f} | {r['mpix_per_s']:.3f} | {r['peak_rss_mb']:.0f} | "
                    f"{r['baseline_rss_mb']:.0f} | {r['increment_rss_mb']:.0f} | {ratio} | "
                    f"{r['min_cpu_seconds']:.1f} | {cpu_ratio} | {r.get('other_cpu_seconds', float('nan')):.1f} | "
                    + (f"{r['tiles']} x {r['tile_size']}² | {r['pipeline_efficiency']:.2f} | "
                       f"{r.get('pipeline_efficiency_cpu', float('nan')):.2f} |" if "tiles" in r else " | | |")
                    + (f" {r['seconds_outside_model']:.2f} |" if "seconds_outside_model" in r else " |"))
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
    parser.add_argument("--via", choices=("qgis", "engine", "both"), default="qgis",
                        help="run the plugin through qgis_process (default: the figure the goals name), in-process "
                             "through run_cloudmask (engine: also an RSS trace along the run), or both")
    parser.add_argument("--tile-size", type=int, nargs="+", default=[0],
                        help="TILE_SIZE values for the plugin, each its own case in the same run (0, the default: "
                             "the card's native grid; above 256: large free tiles), e.g. --tile-size 0 1024")
    parser.add_argument("--precision", nargs="+", default=["auto"], choices=("auto", "float32", "int8"),
                        help="PRECISION values for the plugin, each its own case in the same run (int8: the graph "
                             "is built once before the timed cases, into the run's own DEEPMAPPER_CACHE)")
    parser.add_argument("--vrt-above", type=int, default=4096, metavar="N",
                        help="sides above N are VRT mosaics of the mirrored chip (no gigabytes written; default "
                             "4096), smaller ones deflate GeoTIFFs")
    parser.add_argument("--ukis-max", type=int, default=DEFAULT_UKIS_MAX,
                        help=f"largest side for CSmask, which needs the whole scene in memory (default "
                             f"{DEFAULT_UKIS_MAX}; 8192^2 needs ~16 GB)")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "results"),
                        help="folder for cloudmask-<timestamp>.json/.md, or a path ending in .json "
                             "(default: benchmarks/results/)")
    parser.add_argument("--workdir", help="where mosaics and outputs go (default: a temporary folder, removed)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="fresh runs per case; the table shows the fastest time and the highest peak (default 1)")
    parser.add_argument("--quiet-wait", type=float, default=60, metavar="S",
                        help="before each run, wait up to S seconds for other processes to leave the CPUs idle "
                             "(default 60; 0: start at once)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per case (default 1800)")
    parser.add_argument("--gdal-cachemax", metavar="MB",
                        help="set GDAL_CACHEMAX for the cases (default: GDAL's own, 5%% of RAM); a diagnostic for "
                             "how much of the plugin's memory is GDAL's block cache")
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
    load_before = _loadavg()
    env = {"GDAL_CACHEMAX": str(args.gdal_cachemax)} if args.gdal_cachemax else {}
    if "int8" in args.precision:
        env["DEEPMAPPER_CACHE"] = str(workdir / "cache")
        built = spawn_case("int8-0", [], args.timeout, env)
        if "error" in built:
            print(f"building the int8 graph failed:\n{built['stderr_tail']}")
            return 1
        print(f"int8 graph built in {built['seconds']:.1f} s", flush=True)
    try:
        for size in sizes:
            mosaic = workdir / f"mosaic-{size}.{'vrt' if size > args.vrt_above else 'tif'}"
            built = spawn_case(f"build-{size}", ["--mosaic", str(mosaic)], args.timeout)
            if "error" in built:
                print(f"building the {size}x{size} mosaic failed:\n{built['stderr_tail']}")
                return 1
            print(f"mosaic {size}x{size}: {mosaic.stat().st_size / 2 ** 20:.0f} MB on disk, "
                  f"built in {built['seconds']:.1f} s", flush=True)
            cases = [(f"ukis-{size}", [])] if not args.skip_ukis and size <= args.ukis_max else []
            for tile_size, precision in itertools.product(args.tile_size, args.precision):
                extra = ["--mosaic", str(mosaic), "--workdir", str(workdir), "--tile-size", str(tile_size),
                         "--precision", precision]
                suffix = "" if precision == "auto" else precision
                for kind in (("qgis", "plugin") if args.via == "both" else ("plugin",) if args.via == "engine"
                             else ("qgis",)):
                    cases.append((f"{kind}{tile_size or ''}{suffix}-{size}", extra))
            results.extend(spawn_interleaved(cases, args, env))
            for path in [*workdir.glob(f"*-{size}.tif"), *workdir.glob(f"*-{size}.vrt")]:
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
            "sizes": sizes, "repeat": args.repeat, "via": args.via, "tile_sizes": [t or "native" for t in args.tile_size], "precisions": args.precision, "load_average_before": load_before,
            "load_average_after": _loadavg(), "gdal_cachemax": args.gdal_cachemax or "GDAL default (5% of RAM)",
            "total_seconds": time.perf_counter() - started, "machine": machine_info()}
    json_path.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    md_path.write_text(
        f"# Cloud masking benchmark ({meta['date']})\n\nModel `{MODEL_ID}`, mosaic of `{CHIP.name}`; "
        f"{meta['machine'].get('cpus')} CPUs, {meta['machine'].get('mem_total_gb')} GB RAM, "
        f"onnxruntime {meta['machine'].get('onnxruntime')} (CPUExecutionProvider), GDAL_CACHEMAX: "
        f"{meta['gdal_cachemax']}; plugin via {args.via}, TILE_SIZE {meta['tile_sizes']} (qgisT-N: TILE_SIZE=T), "
        f"PRECISION {meta['precisions']} (a suffix int8: PRECISION=int8); load average before "
        f"{load_before}, after {meta['load_average_after']}.\n\n{table}\n")
    print()
    print(table)
    print(f"\nresults: {json_path} and {md_path.name}; total {meta['total_seconds']:.0f} s")
    return 1 if any("error" in r for r in results) else 0


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _say(r: dict) -> None:
    if "error" in r:
        print(f"    FAILED ({r['error']}):\n{r['stderr_tail']}", flush=True)
    else:
        print(f"    {r['seconds']:.1f} s ({r['cpu_seconds']:.1f} CPU s), {r['pixels'] / r['seconds'] / 1e6:.3f} "
              f"Mpixel/s, peak RSS {r['peak_rss_mb']:.0f} MB (baseline {r['baseline_rss_mb']:.0f} MB); "
              f"other processes used {r.get('other_cpu_seconds', float('nan')):.1f} CPU s, steal "
              f"{r.get('steal_seconds', float('nan')):.1f} s; waited {r.get('waited_for_quiet_s', 0):.0f} s for quiet",
              flush=True)


if __name__ == "__main__":
    sys.exit(main())
