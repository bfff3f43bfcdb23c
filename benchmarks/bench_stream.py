"""How fast the CPU side of the stream can feed a model: cloudmask on a VRT mosaic of the shared cloud chip with
the network replaced by a stand-in that returns its probabilities at once, as a GPU that is never the bottleneck
would, and the same run with the real model, in one process each.

Why: on an H200 the GPU was busy 1-8 % of a full Sentinel-2 tile and the stream ran at about 7 Mpixel/s
(docs/benchmarks.md, "GPU"). This measures, on any machine without a GPU, how many pixels a second reading, tiling,
blending, classifying and writing can take, and where their time goes (the run's 'Where the time went' line,
engine/timing.py). The stand-in is a measuring device, never a model: it lives here, not in the plugin.

    .venv/bin/python benchmarks/bench_stream.py [--sizes 4096 10980] [--batch 32] [--real] [--out FILE.json]

Cases (each in a fresh process, so that peaks and imports do not carry over):
* instant: the runner's `probabilities` returns a ready (N, K, T, T) float32 array (CudaRunner's GPU path: the
  engine hands it the raw batch, normalisation and activation happen on the device), two calls at once;
* instant-numpy: the runner returns raw outputs at once and the engine normalises and applies the softmax in numpy
  (the CPU path's own work around the network);
* real (--real): the model itself, on this machine's CPU.
"""
from __future__ import annotations

import argparse
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
    the activation (CudaRunner.probabilities), so that the engine does none of it."""

    def __init__(self, classes: int, on_device: bool) -> None:
        self.classes = classes
        if not on_device:
            self.probabilities = None

    def calls_at_once(self, tile_size: int) -> int:
        return 2

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.zeros((len(x), self.classes, *x.shape[2:]), np.float32)

    def probabilities(self, batch, offset, scale, activation, flips=((),)) -> np.ndarray:  # noqa: F811
        out = np.empty((len(batch), self.classes, *batch.shape[2:]), np.float32)
        out.fill(1.0 / self.classes)
        out[:, 0] += 0.01  # one class wins: the classes and polygons are not all ties
        return out


def case(size: int, mode: str, batch: int, work: Path) -> dict:
    """One run in this process: cloudmask on the size x size mosaic (mode 'instant', 'instant-numpy' or 'real')."""
    from deepmapper.models import backends
    original = backends.load_model

    def load_model(card, device, *args, **kwargs):
        model = original(card, device, *args, **kwargs)
        if mode != "real":
            model.runner = InstantRunner(len(card.classes), on_device=mode == "instant")
        return model

    backends.load_model = load_model
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
    mosaic = work / f"mosaic-{size}.vrt"
    t0, c0 = time.perf_counter(), time.process_time()
    result = run_cloudmask(CloudMaskRequest(input=str(mosaic), output=str(work / f"mask-{mode}-{size}.tif"),
                                            model=MODEL_ID, batch_size=batch if mode != "real" else 0))
    seconds = time.perf_counter() - t0
    return {"size": size, "mode": mode, "batch": batch if mode != "real" else "auto", "seconds": round(seconds, 2),
            "cpu_seconds": round(time.process_time() - c0, 2), "mpixel_per_s": round(size * size / seconds / 1e6, 2),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "log": [line for line in result.log if "tiles run" in line or "time went" in line]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[4096, 10980])
    parser.add_argument("--batch", type=int, default=32,
                        help="tiles per batch of the stand-in (a GPU run's batches are large); the real model on the "
                             "CPU takes the run's own choice")
    parser.add_argument("--real", action="store_true", help="also the real model on this CPU (minutes at 10980)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/deepmapper-bench-stream"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--case", nargs=3, metavar=("SIZE", "MODE", "BATCH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.case:
        print(json.dumps(case(int(args.case[0]), args.case[1], int(args.case[2]), args.work)))
        return 0
    if not bc.CHIP.exists():
        print(f"needs the shared cloud chip ({bc.CHIP})", file=sys.stderr)
        return 2
    results = []
    for size in args.sizes:
        bc.write_mosaic_vrt(args.work / f"mosaic-{size}.vrt", size)
        for mode in ("instant", "instant-numpy", *(["real"] if args.real else [])):
            done = subprocess.run([sys.executable, __file__, "--work", str(args.work), "--case", str(size), mode,
                                   str(args.batch)], capture_output=True, text=True)  # bc puts the plugin on the path
            if done.returncode:
                print(done.stderr[-2000:], file=sys.stderr)
                return 1
            results.append(json.loads(done.stdout.splitlines()[-1]))
            r = results[-1]
            print(f"{r['size']:>6} {r['mode']:<14} {r['seconds']:>7.2f} s {r['mpixel_per_s']:>6.2f} Mpixel/s "
                  f"CPU {r['cpu_seconds']:>6.2f} s  peak {r['peak_rss_mb']:.0f} MB\n       {r['log'][-1]}")
    if args.out:
        args.out.write_text(json.dumps({"machine": bc.machine_info(), "results": results}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
