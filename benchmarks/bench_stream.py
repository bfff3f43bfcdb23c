"""How fast the CPU side of the stream can feed a model: cloudmask on a VRT mosaic of the shared cloud chip (and
guided super-resolution on mosaics of the T33UUB 10 m and 20 m bands) with the network replaced by a stand-in that
answers at once, as a GPU that is never the bottleneck would, and the same run with the real model, in one process
each.

Why: on an H200 the GPU was busy 1-8 % of a full Sentinel-2 tile and the stream ran at about 7 Mpixel/s; guided
super-resolution did not finish a tile in 110 s (docs/benchmarks.md, "GPU"). This measures, on any machine without a
GPU, how many pixels a second reading (and, for super-resolution, the bicubic upsampling of the 20 m bands), tiling,
blending, classifying (the consistency projection) and writing can take, and where their time goes (the run's 'Where
the time went' line, engine/timing.py). The stand-in is a measuring device, never a model: it lives here, not in the
plugin.

    .venv/bin/python benchmarks/bench_stream.py [--tasks cloudmask guided] [--sizes 4096 10980] [--batch 32]
                                                [--real] [--modes instant real] [--out FILE.json]

Cases (each in a fresh process, so that peaks and imports do not carry over):
* instant: the runner's `probabilities` returns a ready (N, K, T, T) float32 array (CudaRunner's GPU path: the
  engine hands it the raw batch, normalisation and activation happen on the device), two calls at once; for
  super-resolution it returns the upsampled 20 m bands as they are (a zero residual);
* instant-numpy: the runner returns raw outputs at once and the engine normalises and applies the softmax in numpy
  (the CPU path's own work around the network);
* real (--real): the model itself, on this machine's CPU.
Use --batch 12 for super-resolution: a CUDA batch of 512 px tiles of 10 bands is capped at 12 (device.HOST_BATCH_BYTES).
"""
from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_cloudmask as bc  # noqa: E402

MODEL_ID = bc.MODEL_ID


class InstantRunner:
    """Stands in for a network: outputs of the right shape at once. `on_device`: also takes the normalisation and
    the activation (CudaRunner.probabilities), so that the engine does none of it. `passthrough`: a
    super-resolution stand-in, whose output is its last `classes` input bands as they are (the bicubic bands: a
    network that adds a zero residual)."""

    def __init__(self, classes: int, on_device: bool, passthrough: bool = False) -> None:
        self.classes = classes
        self.passthrough = passthrough
        if not on_device:
            self.probabilities = None

    def calls_at_once(self, tile_size: int) -> int:
        return 2

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.passthrough:
            return np.array(x[:, -self.classes:], np.float32)
        return np.zeros((len(x), self.classes, *x.shape[2:]), np.float32)

    def probabilities(self, batch, offset, scale, activation, flips=((),)) -> np.ndarray:  # noqa: F811
        if self.passthrough:
            return np.array(batch[:, -self.classes:], np.float32)
        out = np.empty((len(batch), self.classes, *batch.shape[2:]), np.float32)
        out.fill(1.0 / self.classes)
        out[:, 0] += 0.01  # one class wins: the classes and polygons are not all ties
        return out


GUIDED_10M, GUIDED_20M = "superres/T33UUB_10m.tif", "superres/T33UUB_20m.tif"


def mosaics(task: str, size: int, work: Path) -> None:
    """The task's VRT mosaics of size x size on the (high-resolution) output grid."""
    if task == "cloudmask":
        bc.write_mosaic_vrt(work / f"mosaic-{size}.vrt", size)
    else:  # the 10 m guide and the 20 m bands of the same place, mirrored alike (their units nest exactly)
        bc.write_mosaic_vrt(work / f"guide-{size}.vrt", size, source=bc.DATA / GUIDED_10M)
        bc.write_mosaic_vrt(work / f"low-{size}.vrt", size // 2, source=bc.DATA / GUIDED_20M)


def case(task: str, size: int, mode: str, batch: int, work: Path) -> dict:
    """One run in this process: `task` ('cloudmask', or 'guided' super-resolution) on the size x size mosaic (mode
    'instant', 'instant-numpy' or 'real')."""
    from deepmapper.models import backends
    original = backends.load_model

    def load_model(card, device, *args, **kwargs):
        model = original(card, device, *args, **kwargs)
        if mode != "real":
            model.runner = InstantRunner(len(card.classes), on_device=mode == "instant", passthrough=task == "guided")
        return model

    backends.load_model = load_model
    auto = batch if mode != "real" else 0
    t0, c0 = time.perf_counter(), time.process_time()
    if task == "cloudmask":
        from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
        result = run_cloudmask(CloudMaskRequest(input=str(work / f"mosaic-{size}.vrt"), model=MODEL_ID,
                                                output=str(work / f"mask-{mode}-{size}.tif"), batch_size=auto))
    else:
        from deepmapper.plugin.core.superres.pipeline import SuperResRequest, run_superres
        result = run_superres(SuperResRequest(input=str(work / f"guide-{size}.vrt"),
                                              input_lowres=str(work / f"low-{size}.vrt"),
                                              output=str(work / f"sr-{mode}-{size}.tif"), batch_size=auto))
    seconds = time.perf_counter() - t0
    return {"task": task, "size": size, "mode": mode, "batch": batch if mode != "real" else "auto",
            "seconds": round(seconds, 2),
            "cpu_seconds": round(time.process_time() - c0, 2), "mpixel_per_s": round(size * size / seconds / 1e6, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "log": [line for line in result.log if "tiles run" in line or "time went" in line]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4096, 10980])
    parser.add_argument("--tasks", nargs="+", choices=("cloudmask", "guided"), default=["cloudmask"],
                        help="cloudmask (UKIS 6 bands) and/or guided super-resolution (s2_superres_guided on the "
                             "T33UUB 10 m and 20 m bands)")
    parser.add_argument("--batch", type=int, default=32,
                        help="tiles per batch of the stand-in (a GPU run's batches are large); the real model on the "
                             "CPU takes the run's own choice")
    parser.add_argument("--real", action="store_true", help="also the real model on this CPU (minutes at 10980)")
    parser.add_argument("--modes", nargs="+", choices=("instant", "instant-numpy", "real"),
                        help="only these cases (default: instant and instant-numpy, and real with --real)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/deepmapper-bench-stream"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--case", nargs=4, metavar=("TASK", "SIZE", "MODE", "BATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.case:
        print(json.dumps(case(args.case[0], int(args.case[1]), args.case[2], int(args.case[3]), args.work)))
        return 0
    if not bc.CHIP.exists():
        print(f"needs the shared cloud chip ({bc.CHIP})", file=sys.stderr)
        return 2
    results = []
    for task, size in itertools.product(args.tasks, args.sizes):
        mosaics(task, size, args.work)
        for mode in args.modes or ("instant", "instant-numpy", *(["real"] if args.real else [])):
            done = subprocess.run([sys.executable, __file__, "--work", str(args.work), "--case", task, str(size),
                                   mode, str(args.batch)], capture_output=True, text=True)  # bc: plugin on the path
            if done.returncode:
                print(done.stderr[-2000:], file=sys.stderr)
                return 1
            results.append(json.loads(done.stdout.splitlines()[-1]))
            r = results[-1]
            print(f"{r['task']:<9} {r['size']:>6} {r['mode']:<14} {r['seconds']:>7.2f} s {r['mpixel_per_s']:>6.2f} Mpixel/s "
                  f"CPU {r['cpu_seconds']:>6.2f} s  peak {r['peak_rss_mb']:.0f} MB\n       {r['log'][-1]}")
    if args.out:
        args.out.write_text(json.dumps({"machine": bc.machine_info(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
