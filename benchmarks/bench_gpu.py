#!/usr/bin/env python3
"""Benchmark on a CUDA machine: Mpixel/s of each algorithm on a full Sentinel-2 tile (10980 x 10980 pixels), and the
GPU against the same machine's CPU, in one run.

Every case is one process of the QGIS-free command line (``python -m deepmapper TASK ...``, the engine the Processing
algorithms run; GPU machines here have no QGIS), timed from its start to its end: Python and runtime imports, model
loading (the ONNX graph's conversion to torch included), reading, normalising, tiling, writing. Peak RSS is that
process's own (``os.wait4``); GPU memory and utilisation are sampled from ``nvidia-smi`` every 0.25 s while it runs.

Scenes (VRT mosaics of the real shared scenes, mirrored so they have no seams: bench_cloudmask.write_mosaic_vrt):

* ``cloudmask``: the cloud chip (6 bands, float32 reflectance) with ``ukis_csmask_6b_l1c``;
* ``landcover``: Aberystwyth (10 bands, uint16) with ``landcover_s2``; ``buildings``: Atlanta 0.5 m (1 band) with
  ``buildings``;
* ``guided``: T33UUB 10 m (4 bands) and 20 m (6 bands, half the side) with ``s2_superres_guided``;
* ``scale``: the 13-band Betsiboka L1C scene (856 x 512, as it is), SCALE mode (every band x2).

``--size`` is the side of the full tile (Mpixel/s are the pixels of INPUT per second of the whole process: the 10 m
grid for guided super-resolution, the grid before doubling in SCALE mode); ``--pair-size`` the side on which each algorithm also runs with DEVICE=cpu, for the same-run ratio.
Results are written after every case to ``<out>/gpu-<timestamp>.json`` and ``.md`` (a run stopped early keeps what
it measured).

    python benchmarks/bench_gpu.py --data ../shared/data --work /tmp/gpu --out benchmarks/results \
        [--size 10980] [--pair-size 2048] [--algorithms cloudmask landcover ...] [--devices cuda cpu]
"""
from __future__ import annotations

import argparse
import json
import numpy as np
import os
import platform
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_cloudmask as bc  # noqa: E402  (also makes the repository importable as `deepmapper`)

ALGORITHMS = ("cloudmask", "landcover", "guided", "buildings", "scale")
WARM_SIZE = 256  # side of the untimed first CPU run of each algorithm


def scenes(algorithm: str, data: Path, work: Path, size: int) -> dict[str, str]:
    """The CLI parameters of `algorithm` on a size x size mosaic (the high-resolution grid), built if needed."""
    def vrt(relative: str, side: int) -> str:
        path = work / f"{Path(relative).stem}-{side}.vrt"
        if not path.exists():
            bc.write_mosaic_vrt(path, side, source=data / relative)
        return str(path)

    if algorithm == "cloudmask":
        return {"task": "cloudmask", "INPUT": vrt("clouds/s2_cloud_chip.tif", size), "MODEL": "ukis_csmask_6b_l1c"}
    if algorithm == "landcover":
        return {"task": "segment", "INPUT": vrt("landcover/aberystwyth_s2_10m.tif", size), "MODEL": "landcover_s2"}
    if algorithm == "buildings":
        return {"task": "segment", "INPUT": vrt("buildings/atlanta_pan_050cm.tif", size), "MODEL": "buildings"}
    if algorithm == "guided":
        return {"task": "superresolve", "INPUT": vrt("superres/T33UUB_10m.tif", size),
                "INPUT_LOWRES": vrt("superres/T33UUB_20m.tif", size // 2)}
    if algorithm == "scale":  # the scene as it is: --size does not apply
        return {"task": "superresolve", "INPUT": str(data / "clouds" / "s2_betsiboka_l1c_13band.tif"), "SCALE": "true"}
    raise ValueError(algorithm)


class GpuSampler:
    """nvidia-smi's used memory (MiB) and utilisation (%) every 0.25 s while a case runs (nothing without a GPU)."""

    def __init__(self) -> None:
        self.memory: list[float] = []
        self.utilisation: list[float] = []
        self._proc = None

    def __enter__(self) -> "GpuSampler":
        try:
            self._proc = subprocess.Popen(["nvidia-smi", "--query-gpu=memory.used,utilization.gpu",
                                           "--format=csv,noheader,nounits", "-lms", "250"],
                                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        except OSError:
            return self
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self) -> None:
        for line in self._proc.stdout:
            try:
                mem, util = (float(v) for v in line.split(","))
            except ValueError:
                continue
            self.memory.append(mem)
            self.utilisation.append(util)

    def __exit__(self, *exc) -> None:
        if self._proc is not None:
            self._proc.terminate()
            self._proc.wait()


def child_env() -> dict:
    """This environment with the repository importable as `deepmapper` (for the cases and the helper children)."""
    return dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(bc._PKGS), os.environ.get("PYTHONPATH")])))


def probe(paths: list[str]) -> dict:
    """The machine and the pixel count of each of `paths`, from a child process: the parent imports neither GDAL nor
    the runtimes, since on Linux a child's peak RSS starts from its parent's (bench_cloudmask)."""
    done = subprocess.run([sys.executable, __file__, "--probe-child", *paths], capture_output=True, text=True,
                          timeout=300, env=child_env())
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.splitlines()[-1])


def _probe_here(paths: list[str]) -> None:
    import rasterio
    counts = {}
    for path in paths:
        with rasterio.open(path) as src:
            counts[path] = src.width * src.height
    print(json.dumps({"machine": machine_info(), "pixels": counts}))


def run_case(algorithm: str, device: str, size: int, args: argparse.Namespace) -> dict:
    params = scenes(algorithm, args.data, args.work, size)
    task = params.pop("task")
    output = args.work / f"{algorithm}-{device}-{size}.tif"
    summary = args.work / f"{algorithm}-{device}-{size}.json"
    log = args.work / f"{algorithm}-{device}-{size}.log"
    for stale in (output, summary):
        stale.unlink(missing_ok=True)
    command = [sys.executable, "-m", "deepmapper", task, *(f"{k}={v}" for k, v in params.items()),
               f"OUTPUT={output}", f"DEVICE={device}", "--summary", str(summary)]
    env = child_env()
    started = time.perf_counter()
    with GpuSampler() as gpu, open(log, "w") as log_file:
        proc = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)
        reaped = threading.Lock()  # held once wait4 has the exit status: the timer then kills no recycled pid

        def kill() -> None:
            with reaped:
                if proc.returncode is None:
                    proc.kill()

        timer = threading.Timer(args.case_timeout, kill)
        timer.start()
        _pid, status, usage = os.wait4(proc.pid, 0)
        with reaped:
            proc.returncode = os.waitstatus_to_exitcode(status)
        timer.cancel()
    seconds = time.perf_counter() - started
    text = log.read_text(errors="replace").replace("\r", "\n")
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and "%|" not in ln]
    result = {"algorithm": algorithm, "device": device, "size": size, "returncode": proc.returncode,
              "seconds": round(seconds, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
              "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
              "gpu_memory_peak_mib": max(gpu.memory, default=None),
              "gpu_utilisation_mean": round(sum(gpu.utilisation) / len(gpu.utilisation), 1) if gpu.utilisation
              else None,
              "log": [ln for ln in lines if any(k in ln for k in ("Device", "tiles", "Inference", "fail", "rror",
                                                                   "time went"))][-9:]}
    result["tiles"] = _logged_number(lines, r"Inference: (\d+) tiles run")
    result["batch"] = _logged_number(lines, r"batch (\d+)")
    if result["returncode"] == 0:
        px = probe([params["INPUT"]])["pixels"][params["INPUT"]]
        result["input_pixels"] = px
        result["mpixel_per_s"] = round(px / seconds / 1e6, 2)
        run = json.loads(summary.read_text())["runs"][0]
        result["engine_seconds"] = run.get("seconds")
    else:
        result["tail"] = lines[-6:]
    if not args.keep:
        output.unlink(missing_ok=True)
    return result


MODELS = {"cloudmask": "ukis_csmask_6b_l1c", "landcover": "landcover_s2", "buildings": "buildings",
          "guided": "s2_superres_guided"}


def _bare_here(model_id: str, device_name: str, batch: int, seconds: float = 5.0) -> None:
    """The model's own time on `device_name`: the fixed costs of a run (torch's import, the GPU's start, loading and
    converting the model, cuDNN's first choice of kernels), then the bare pass of LoadedModel.predict on batches of
    `batch` tiles of random values near the card's normalisation offset, after two warm-up batches, for `seconds`
    (the network's time does not depend on the values). On CUDA the same again with cuDNN's heuristics in place of
    its autotuning (torch.backends.cudnn.benchmark, which CudaRunner turns on), on a batch one tile smaller (a new
    shape): whether autotuning's first-batch cost pays off in a run whose GPU waits for the CPU anyway."""
    clock = time.perf_counter
    t0 = clock()
    import torch
    from deepmapper.models.backends import load_model
    from deepmapper.models.registry import Registry
    from deepmapper.plugin.core.engine.device import choose_device
    timings = {"import_torch_s": clock() - t0}
    card = Registry().get(model_id)
    device = choose_device(device_name, card.format)
    t = clock()
    if device.kind == "cuda":
        torch.cuda.init()
        torch.zeros(1, device="cuda")
    timings["gpu_start_s"] = clock() - t
    t = clock()
    model = load_model(card, device)
    timings["load_model_s"] = clock() - t
    size = int(card.tiling["tile_size"])
    x = np.random.default_rng(0).random((batch, len(card.bands), size, size), dtype=np.float32)
    x = model.fill_values()[None, :, None, None] + 0.1 * x  # near the card's mean: plausible activations
    t = clock()
    model.predict(x)
    timings["first_batch_s"] = clock() - t
    model.predict(x)
    done, t = 0, clock()
    while clock() - t < seconds or done < 3:
        model.predict(x)
        done += 1
    timings["per_tile_s"] = (clock() - t) / (done * batch)
    if device.kind == "cuda" and len(x) > 1:  # cuDNN's heuristics instead of its autotuning, on a new batch shape
        torch.backends.cudnn.benchmark = False
        y = np.ascontiguousarray(x[:-1])
        t = clock()
        model.predict(y)
        timings["first_batch_heuristic_s"] = clock() - t
        done, t = 0, clock()
        while clock() - t < seconds or done < 3:
            model.predict(y)
            done += 1
        timings["per_tile_heuristic_s"] = (clock() - t) / (done * len(y))
    timings.update(model=model_id, runtime=model.runtime, batch=batch, device=device.torch_name)
    print(json.dumps({k: round(v, 5) if isinstance(v, float) else v for k, v in timings.items()}))


def bare_pass(algorithm: str, device: str, batch: int) -> dict:
    """_bare_here in a child process (its imports stay out of this parent)."""
    done = subprocess.run([sys.executable, __file__, "--bare-child", MODELS[algorithm], device, str(batch)],
                          capture_output=True, text=True, timeout=300, env=child_env())
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.splitlines()[-1])


def _logged_number(lines: list[str], pattern: str) -> int | None:
    import re
    for line in lines:
        found = re.search(pattern, line)
        if found:
            return int(found.group(1))
    return None


def markdown(results: list[dict], machine: dict) -> str:
    rows = ["| algorithm | device | side (px) | Mpixel/s | process s | engine s | peak RSS MB | GPU MiB | GPU util % |"
            " GPU / CPU | tiles | pipeline efficiency |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        pair = next((c for c in results if c is not r and c["algorithm"] == r["algorithm"] and c["size"] == r["size"]
                     and c["device"] == "cpu" and c.get("mpixel_per_s")), None)
        ratio = f"{r['mpixel_per_s'] / pair['mpixel_per_s']:.2f}x" if r["device"] == "cuda" and pair and \
            r.get("mpixel_per_s") else ""
        side = r["size"] or "856 x 512"
        rows.append(f"| {r['algorithm']} | {r['device']} | {side} | {r.get('mpixel_per_s', 'failed')} | "
                    f"{r['seconds']} | {r.get('engine_seconds', '')} | {r['peak_rss_mb']} | "
                    f"{r['gpu_memory_peak_mib'] if r['gpu_memory_peak_mib'] is not None else ''} | "
                    f"{r['gpu_utilisation_mean'] if r['gpu_utilisation_mean'] is not None else ''} | {ratio} | "
                    f"{r.get('tiles') or ''} | {r.get('pipeline_efficiency', '')} |")
    return "\n".join([f"Machine: {machine}", "", *rows, ""])


def machine_info() -> dict:
    info = bc.machine_info()
    try:
        info["gpu"] = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version",
                                      "--format=csv,noheader"], capture_output=True, text=True,
                                     timeout=20).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        info["gpu"] = None
    try:
        import torch
        info["torch"] = torch.__version__
        info["cuda"] = torch.version.cuda
    except ImportError:
        pass
    info["python"] = platform.python_version()
    return info


def main() -> int:
    if sys.argv[1:2] == ["--probe-child"]:
        _probe_here(sys.argv[2:])
        return 0
    if sys.argv[1:2] == ["--bare-child"]:
        _bare_here(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=bc.DATA)
    parser.add_argument("--work", type=Path, required=True, help="folder for the mosaics and outputs")
    parser.add_argument("--out", type=Path, default=bc.REPO / "benchmarks" / "results")
    parser.add_argument("--size", type=int, default=10980)
    parser.add_argument("--pair-size", type=int, default=2048)
    parser.add_argument("--algorithms", nargs="+", default=list(ALGORITHMS), choices=ALGORITHMS)
    parser.add_argument("--devices", nargs="+", default=["cuda", "cpu"], choices=["cuda", "cpu"])
    parser.add_argument("--case-timeout", type=float, default=240.0, help="seconds before a case is killed")
    parser.add_argument("--deadline", type=float, default=0.0, help="seconds after which no new case starts")
    parser.add_argument("--keep", action="store_true", help="keep the outputs")
    parser.add_argument("--full", nargs="*", default=None, choices=ALGORITHMS,
                        help="algorithms run at --size on the GPU (default: all but scale)")
    parser.add_argument("--bare", action="store_true",
                        help="after each GPU run, the model's bare pass on the batches the run used (pipeline "
                             "efficiency = tiles x bare seconds per tile / process seconds)")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skipped: the shared data is not at {args.data}")
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    machine = probe([])["machine"]
    results: list[dict] = []
    start = time.perf_counter()
    plan = []
    for algorithm in args.algorithms:
        if algorithm == "scale":  # the scene as it is (size 0), on each device
            plan += [(algorithm, device, 0) for device in args.devices]
            continue
        if "cuda" in args.devices and (args.full is None or algorithm in args.full):
            plan.append((algorithm, "cuda", args.size))
        for device in args.devices:  # the same-run pair: GPU and CPU on the smaller side
            plan.append((algorithm, device, args.pair_size))
    for algorithm in args.algorithms:  # untimed: builds what a first run caches (torch models' ONNX exports for the
        if "cpu" in args.devices and algorithm != "scale":  # CPU, onnxruntime's optimised graphs), as users' later runs find it
            warm = run_case(algorithm, "cpu", WARM_SIZE, args)
            print(f"warm-up {algorithm} cpu: rc {warm['returncode']}, {warm['seconds']} s", flush=True)
    for algorithm, device, size in plan:
        if args.deadline and time.perf_counter() - start > args.deadline:
            print(f"deadline: {algorithm} {device} {size} not run", flush=True)
            continue
        result = run_case(algorithm, device, size, args)
        if args.bare and device == "cuda" and result["returncode"] == 0 and result.get("batch") and \
                algorithm in MODELS:
            bare = result["bare"] = bare_pass(algorithm, device, result["batch"])
            if "per_tile_s" in bare and result.get("tiles"):
                result["pipeline_efficiency"] = round(result["tiles"] * bare["per_tile_s"] / result["seconds"], 3)
        results.append(result)
        print(json.dumps({k: v for k, v in result.items() if k != "log"}), flush=True)
        (args.out / f"gpu-{stamp}.json").write_text(json.dumps({"machine": machine, "results": results}, indent=1))
        (args.out / f"gpu-{stamp}.md").write_text(markdown(results, machine))
    print(markdown(results, machine))
    return 0 if all(r["returncode"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
