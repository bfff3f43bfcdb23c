#!/usr/bin/env python3
"""Benchmark: segmentation, super-resolution and s2cloudless through qgis_process, in one run, with the pipeline
efficiency.

* ``segment``: ``deepmapper:segment`` with the bundled ``landcover_s2`` on the Aberystwyth scene
  (``../shared/data/landcover/aberystwyth_s2_10m.tif``, 947 x 930, 10 bands) through qgis_process; pipeline
  efficiency = the model's bare forward-pass time for the tiles the run needed (same card, backend and threads,
  measured afterwards in the same case process) / the qgis_process wall time (QGIS start-up included).
* ``superresolve``: ``deepmapper:superresolve`` in SCALE mode (every band x2 with ``s2_superres_single``) on the
  Betsiboka 13-band scene below through qgis_process; the forward pass is the one-band model on the run's
  band-tiles per pass (sr_forward_seconds).
* ``s2cloudless``: ``deepmapper:cloudmask MODEL=s2cloudless`` on the Betsiboka 13-band L1C scene
  (``../shared/data/clouds/s2_betsiboka_l1c_13band.tif``, 856 x 512) through qgis_process and in-process
  (``run_cloudmask``: no QGIS start-up), against s2cloudless's own code for
  ``S2PixelCloudDetector(all_bands=True).get_cloud_probability_maps`` (its PixelClassifier on its LightGBM model)
  on the same scene held in memory (model loading and the call are timed; the peer's smoothing and dilation, OpenCV
  calls, are not run, so the peer does less work than the plugin).

Each case runs in a fresh process (bench_cloudmask.spawn_case), interleaved with ``--repeat``; the fastest run is kept.
Results go to ``benchmarks/results/models-<timestamp>.json`` and ``.md``. Skips (exit 0) when the data is absent.

    .venv/bin/python benchmarks/bench_models.py [--repeat 3] [--quiet-wait 60]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_cloudmask as bc  # noqa: E402  (also makes the repository importable as `deepmapper`)

LANDCOVER = bc.DATA / "landcover" / "aberystwyth_s2_10m.tif"
BETSIBOKA = bc.DATA / "clouds" / "s2_betsiboka_l1c_13band.tif"
S2CLOUDLESS_MODEL = "pixel_s2_cloud_detector_lightGBM_v0.1.txt"


def _pixels(path: Path) -> int:
    import rasterio
    with rasterio.open(path) as src:
        return src.width * src.height


def case_qgis(algorithm: str, model_id: str, scene: Path, workdir: Path) -> dict:
    out = bc.run_qgis_process(algorithm, {"INPUT": scene, "MODEL": model_id, "OUTPUT": workdir / f"{model_id}.tif"})
    log = "\n".join(ln for ln in out.pop("log").splitlines() if "tiles" in ln)
    out.update(bc.forward_pass_seconds(log, model_id=model_id))  # after qgis_process: its memory is not counted
    out["pipeline_efficiency"] = out["forward_seconds"] / out["seconds"]
    out["pipeline_efficiency_cpu"] = out["forward_cpu_seconds"] / out["cpu_seconds"]
    return out


def sr_forward_seconds(log: str, model_id: str = "s2_superres_single", repeat: int = 3) -> dict:
    """The single-image super-resolution model's bare forward-pass time for the tiles a SCALE-mode run needed: one
    pass of the run's band-tiles per pass (from its log), the mean of back-to-back passes (bench_cloudmask's
    mean_forward; the fastest of `repeat` as forward_seconds_best), per band-tile, times tiles x bands. The same card,
    backend (onnxruntime through the cached export on the CPU), device and threads as the run."""
    import re
    import numpy as np
    from deepmapper.models.backends import load_model
    from deepmapper.models.backends.torch_backend import set_torch_threads
    from deepmapper.models.registry import Registry
    from deepmapper.plugin.core.engine.device import RUNTIMES, choose_device
    size = int(re.search(r"tiles (\d+) px", log).group(1))
    items = int(re.search(r"(\d+) band-tiles per pass", log).group(1))
    bands = int(re.search(r"(\d+) bands \(", log).group(1))
    tiles = int(re.search(r"(\d+) tiles run", log).group(1))
    card = Registry().get(model_id)
    model = load_model(card, choose_device("auto", card.format))  # on the CPU its ONNX export, as the run
    if RUNTIMES.get(model.runtime) == "torch":
        set_torch_threads(0)
    x = np.random.default_rng(0).random((items, 1, size, size), dtype=np.float32)
    best, best_cpu = bc.best_forward(model, x, repeat)
    passes = -(-bands * tiles // items)
    per_pass, per_pass_cpu, calls = bc.mean_forward(model, x, passes)
    return {"tile_size": size, "tiles": tiles, "batch": items, "bands": bands,
            "forward_seconds": per_pass / items * bands * tiles,
            "forward_cpu_seconds": per_pass_cpu / items * bands * tiles,
            "forward_calls_timed": calls, "forward_seconds_best": best / items * bands * tiles,
            "forward_cpu_seconds_best": best_cpu / items * bands * tiles}


def case_superresolve_qgis(workdir: Path) -> dict:
    """deepmapper:superresolve in SCALE mode (every band x2 by the single-image model) on the 13-band Betsiboka
    scene, as `make demo` runs it without ../shared."""
    out = bc.run_qgis_process("deepmapper:superresolve", {"INPUT": BETSIBOKA, "OUTPUT": workdir / "sr.tif"})
    out.update(sr_forward_seconds(out.pop("log")))
    out["pipeline_efficiency"] = out["forward_seconds"] / out["seconds"]
    out["pipeline_efficiency_cpu"] = out["forward_cpu_seconds"] / out["cpu_seconds"]
    return out


def case_engine_s2cloudless(workdir: Path) -> dict:
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
    t0, c0 = time.perf_counter(), bc._cpu_seconds()
    result = run_cloudmask(CloudMaskRequest(input=str(BETSIBOKA), output=str(workdir / "engine.tif"),
                                            model="s2cloudless"))
    seconds, cpu = time.perf_counter() - t0, bc._cpu_seconds() - c0
    out = {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": bc.peak_rss_mb(), "vm_hwm_mb": bc.hwm_rss_mb(),
           "cloud_percent": result.cloud_percent}
    out.update(bc.forward_pass_seconds("\n".join(result.log), model_id="s2cloudless"))
    out["pipeline_efficiency"] = out["forward_seconds"] / seconds
    out["pipeline_efficiency_cpu"] = out["forward_cpu_seconds"] / cpu
    return out


def case_peer_s2cloudless() -> dict:
    """S2PixelCloudDetector(all_bands=True).get_cloud_probability_maps, which is: bands MODEL_BAND_IDS of the 13,
    then PixelClassifier(Booster(model)).image_predict_proba(...)[..., 1]. s2cloudless's package __init__ imports
    OpenCV and sentinelhub (masks, downloads), which the probabilities never use and this machine may lack, so its
    pixel_classifier module is loaded on its own: the same code, without them."""
    import importlib.util
    import numpy as np
    import rasterio
    from lightgbm import Booster
    package = Path(importlib.util.find_spec("s2cloudless").origin).parent
    spec = importlib.util.spec_from_file_location("s2cloudless_pixel_classifier", package / "pixel_classifier.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    band_ids = [0, 1, 3, 4, 7, 8, 9, 10, 11, 12]  # s2cloudless.utils.MODEL_BAND_IDS (B01 B02 B04 B05 B08 B8A B09 ...)
    with rasterio.open(BETSIBOKA) as src:
        img = np.moveaxis(src.read().astype(np.float32), 0, -1)[None]  # (1, H, W, 13)
    t0, c0 = time.perf_counter(), bc._cpu_seconds()
    classifier = module.PixelClassifier(Booster(model_file=str(package / "models" / S2CLOUDLESS_MODEL)))
    prob = classifier.image_predict_proba(img[..., band_ids])[..., 1].astype(np.float32)
    seconds, cpu = time.perf_counter() - t0, bc._cpu_seconds() - c0
    return {"seconds": seconds, "cpu_seconds": cpu, "peak_rss_mb": bc.peak_rss_mb(), "vm_hwm_mb": bc.hwm_rss_mb(),
            "cloud_percent": float((prob > 0.4).mean() * 100)}


def run_case(name: str, workdir: Path) -> None:
    if name == "segment-qgis":
        result = case_qgis("deepmapper:segment", "landcover_s2", LANDCOVER, workdir)
        scene = LANDCOVER
    elif name == "s2cloudless-qgis":
        result = case_qgis("deepmapper:cloudmask", "s2cloudless", BETSIBOKA, workdir)
        scene = BETSIBOKA
    elif name == "superresolve-qgis":
        result, scene = case_superresolve_qgis(workdir), BETSIBOKA
    elif name == "s2cloudless-engine":
        result, scene = case_engine_s2cloudless(workdir), BETSIBOKA
    elif name == "s2cloudless-peer":
        result, scene = case_peer_s2cloudless(), BETSIBOKA
    else:
        raise SystemExit(f"unknown case {name!r}")
    result.setdefault("baseline_rss_mb", float("nan"))
    result.update(case=name, pixels=_pixels(scene))
    print("BENCH-RESULT " + json.dumps(result))


def markdown(results: list[dict]) -> str:
    peer = next((r for r in results if r.get("case") == "s2cloudless-peer" and "error" not in r), None)
    rows = ["| case | pixels | seconds | Mpixel/s | peak RSS MB | CPU s | others' CPU s | tiles x px | "
            "pipeline efficiency (wall) | pipeline efficiency (CPU s) | throughput vs s2cloudless's own |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        if "error" in r:
            rows.append(f"| {r['case']} | failed: {r['error']} ||||||||||")
            continue
        ratio = ""
        if peer is not None and r["case"].startswith("s2cloudless"):
            ratio = f"{peer['seconds'] / r['seconds']:.2f}x" if r is not peer else "1.00x (reference)"
        tiles = f"{r['tiles']} x {r['tile_size']}²" if "tiles" in r else ""
        eff = (f"{r['pipeline_efficiency']:.2f} | {r['pipeline_efficiency_cpu']:.2f}" if "pipeline_efficiency" in r
               else " | ")
        rows.append(f"| {r['case']} | {r['pixels'] / 1e6:.2f} M | {r['seconds']:.1f} | "
                    f"{r['pixels'] / r['seconds'] / 1e6:.3f} | {r['peak_rss_mb']:.0f} | {r['cpu_seconds']:.1f} | "
                    f"{r.get('other_cpu_seconds', float('nan')):.1f} | {tiles} | {eff} | {ratio} |")
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--quiet-wait", type=float, default=60, metavar="S")
    parser.add_argument("--timeout", type=float, default=1800)
    parser.add_argument("--out", default=str(bc.REPO / "benchmarks" / "results"))
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        run_case(args.case, Path(args.workdir))
        return 0
    missing = [p for p in (LANDCOVER, BETSIBOKA) if not p.exists()]
    if missing:
        print(f"SKIP: benchmark data not found: {', '.join(map(str, missing))}. Nothing was measured.")
        return 0
    load_before, started = bc._loadavg(), time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="deepmapper-bench-") as workdir:
        cases = [(name, ["--workdir", workdir]) for name in
                 ("segment-qgis", "superresolve-qgis", "s2cloudless-peer", "s2cloudless-qgis",
                  "s2cloudless-engine")]
        # spawn_case runs this script's own --case (bench_cloudmask's, by default): point it here.
        results = _spawn_here(cases, args)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out)
    json_path = out if out.suffix == ".json" else out / f"models-{stamp}.json"
    json_path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"date": datetime.now().isoformat(timespec="seconds"), "repeat": args.repeat,
            "load_average_before": load_before, "load_average_after": bc._loadavg(),
            "total_seconds": time.perf_counter() - started, "machine": bc.machine_info()}
    json_path.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    table = markdown(results)
    json_path.with_suffix(".md").write_text(
        f"# Segmentation and s2cloudless benchmark ({meta['date']})\n\nLoad average before {load_before}, after "
        f"{meta['load_average_after']}.\n\n{table}\n")
    print(table)
    print(f"\nresults: {json_path}; total {meta['total_seconds']:.0f} s")
    return 1 if any("error" in r for r in results) else 0


def _spawn_here(cases, args) -> list[dict]:
    original = bc.__file__
    bc.__file__ = __file__  # spawn_case starts `python <bc.__file__> --case NAME`
    try:
        return bc.spawn_interleaved(cases, args, {})
    finally:
        bc.__file__ = original


if __name__ == "__main__":
    sys.exit(main())
