#!/usr/bin/env python3
"""Active learning simulated with an oracle: do suggestsamples' strategies need fewer labelled patches than random?

Data: the Sentinel-2 chip ../shared/data/clouds/s2_cloud_chip.tif (512 x 512, 6 bands) and its dense reference
raster s2_cloud_chip_reference.tif (0 clear, 1 cloud, 2 cloud shadow), which plays the oracle: a "labelled" patch
gets its reference pixels. Pool: the left three quarters (columns 0..383) cut into 32 px patches (16 x 12 = 192);
test area: the right quarter (columns 384..511), never labelled, never proposed.

Loop, per seed and strategy: 4 random patches (the same 4 for every strategy of a seed); train a light U-Net on
the labelled patches with the training engine (plugin/core/training, train_model: cross-entropy with square-root
class weights + Dice, augmentation) FROM SCRATCH EVERY ROUND for about --steps optimiser steps in batches of 8
(epochs = steps / batches per epoch, so 4 patches get as many updates as 48, one-cycle schedule peaking at
--learning-rate); with a few patches there is no separate validation split, so the validation arrays are the
training patches. Retraining from scratch with a fixed number of steps (rather than fine-tuning the previous
round's model) means no round inherits a bad start: the earlier protocol (15 epochs = 15 steps on the 4 start
patches, then 5-epoch fine-tunes) left seed 4 at cloud F1 0.000 up to 48 patches although its start patches hold
526 cloud pixels: the first model was under-trained and the short fine-tunes never recovered. Score the test
quarter (F1 of cloud and of shadow of run_segment's class raster against the reference); then ask run_suggest for
4 more patches with the strategy on the pool (the left three quarters, as a raster of its own) with LABELS = the
patches labelled so far; repeat up to 48 patches. A strategy is written name[@top_share][+diversity]: `random`
is run_suggest's random strategy (the baseline); `entropy@0.1` scores a patch by its 10 % most uncertain pixels
(TOP_SHARE); `+kcenter`, `+cluster` add DIVERSITY.

    .venv/bin/python benchmarks/bench_active_learning.py [--seeds 5] [--steps 200] [--learning-rate 0.005]
        [--strategies random,entropy,margin,tta_disagreement,entropy+kcenter,entropy@0.1+cluster] [--out a.json]
    .venv/bin/python benchmarks/bench_active_learning.py --merge a.json,b.json   # table + plot of several runs

Two processes with --threads 1 and different --strategies run side by side on two cores; --merge joins their JSONs.
Writes benchmarks/results/active_learning.json, docs/active_learning.png (curves) and prints the markdown table of
docs/benchmarks.md. Exits with a message when ../shared/data is absent.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from cloud_chip import band_statistics, f1, write_oracle_dataset  # noqa: E402 (beside this script)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "clouds"
sys.path.insert(0, str(ROOT / ".build" / "plugins"))
PATCH, POOL_COLS, BATCH = 32, 384, 8


def write_dataset(folder: Path, image: np.ndarray, ref: np.ndarray, cells: list[int], cols: int, stats: dict,
                  chip: Path) -> None:
    """A training-engine patch dataset of the labelled cells, each PATCH x PATCH pixels labelled whole."""
    windows = [divmod(c, cols) for c in cells]
    x = np.stack([image[:, r * PATCH:(r + 1) * PATCH, c * PATCH:(c + 1) * PATCH] for r, c in windows])
    y = np.stack([ref[r * PATCH:(r + 1) * PATCH, c * PATCH:(c + 1) * PATCH] for r, c in windows]).astype(np.uint8)
    write_oracle_dataset(folder, x.astype(np.float32), y, [[r * PATCH, c * PATCH] for r, c in windows], stats, chip)


def round_epochs(patches: int, steps: int, batch: int) -> int:
    """Epochs that give about `steps` optimiser steps on `patches` patches in batches of `batch` (at least 1): every
    round's model gets the same training effort whatever its patch count, so 4 patches are not under-trained."""
    return max(1, math.ceil(steps / math.ceil(patches / batch)))


def cell_ring(transform, r: int, c: int, rows: int = 1, cols: int = 1) -> list[tuple[float, float]]:
    pts = [(c, r), (c + cols, r), (c + cols, r + rows), (c, r + rows), (c, r)]
    return [tuple(map(float, transform * (pc * PATCH, pr * PATCH))) for pc, pr in pts]


def run_curve(strategy: str, seed: int, args, chip: Path, image, ref, stats, transform, crs, tmp: Path) -> list[dict]:
    from deepmapper.plugin.core.classify.segment import SegmentRequest, run_segment
    from deepmapper.plugin.core.labelling.output import write_squares
    import rasterio
    from deepmapper.plugin.core.labelling.suggest import SuggestRequest, run_suggest
    from deepmapper.plugin.core.training.trainer import TrainRequest, train_model

    head, _, diversity = strategy.partition("+")
    name, _, share = head.partition("@")
    rows, cols = ref.shape[0] // PATCH, POOL_COLS // PATCH
    grid_cols = ref.shape[1] // PATCH
    pool_raster = tmp / "pool.tif"
    if not pool_raster.exists():  # the left three quarters, same georeference: suggestions never leave the pool
        with rasterio.open(chip) as src:
            profile = dict(src.profile, width=POOL_COLS)
            with rasterio.open(pool_raster, "w", **profile) as dst:
                dst.write(src.read(window=((0, src.height), (0, POOL_COLS))))
                dst.descriptions = src.descriptions
    rng = np.random.default_rng(1000 + seed)
    pool = [r * grid_cols + c for r in range(rows) for c in range(cols)]
    labelled = [int(i) for i in rng.choice(pool, args.start, replace=False)]
    curve, previous = [], None
    while True:
        work = tmp / f"{strategy}-{seed}-{len(labelled)}"
        write_dataset(work / "ds", image, ref, labelled, grid_cols, stats, chip)
        t0 = time.time()
        train_model(TrainRequest(str(work / "ds"), str(work / "model.json"),
                                 architecture_params={"width": args.width, "depth": args.depth},
                                 epochs=round_epochs(len(labelled), args.steps, BATCH), batch_size=BATCH,
                                 learning_rate=args.learning_rate,
                                 patience=10 ** 6, seed=seed, threads=args.threads, device="cpu", tile_size=256))
        previous = str(work / "model.json")
        seg = run_segment(SegmentRequest(input=str(chip), output=str(work / "classes.tif"),
                                         model=str(work / "model.json"), device="cpu", threads=args.threads))
        with rasterio.open(seg.output) as ds:
            pred = ds.read(1)[:, POOL_COLS:]
        test = ref[:, POOL_COLS:]
        point = {"patches": len(labelled), "f1_cloud": f1(pred, test, 1), "f1_shadow": f1(pred, test, 2)}
        point["f1_mean"] = (point["f1_cloud"] + point["f1_shadow"]) / 2
        point["seconds"] = round(time.time() - t0, 1)
        curve.append(point)
        print(f"{strategy:>24} seed {seed} {len(labelled):>2} patches: F1 cloud {point['f1_cloud']:.3f} shadow "
              f"{point['f1_shadow']:.3f} ({point['seconds']} s)", flush=True)
        if len(labelled) >= args.budget:
            return curve
        squares = work / "labelled.gpkg"
        write_squares(str(squares), [cell_ring(transform, *divmod(i, grid_cols)) for i in labelled],
                      [{"cell": i} for i in labelled], {"cell": int}, crs)
        picks = run_suggest(SuggestRequest(
            input=str(pool_raster), output=str(work / "suggest.gpkg"), model=previous, count=args.step,
            patch_size=PATCH, strategy=name, diversity=diversity or "none", top_share=float(share or 1.0),
            labels=str(squares),
            seed=seed * 100 + len(labelled), device="cpu", threads=args.threads))
        new = [(s.row // PATCH) * grid_cols + s.col // PATCH for s in picks.suggestions]  # pool grid -> chip grid
        assert not set(new) & set(labelled) and all(c % grid_cols < cols for c in new), "picks outside the pool"
        labelled += new


def summarise(results: dict, budgets: list[int]) -> tuple[str, list[str]]:
    """The markdown table (mean over seeds of the mean of cloud and shadow F1; cloud / shadow in brackets) and the
    verdict lines."""
    strategies = list(results)
    table = ["| labelled patches | " + " | ".join(strategies) + " |", "|---|" + "---|" * len(strategies)]
    mean = {s: np.array([[p["f1_mean"] for p in curve] for curve in results[s]]).mean(axis=0) for s in strategies}
    cloud = {s: np.array([[p["f1_cloud"] for p in curve] for curve in results[s]]).mean(axis=0) for s in strategies}
    shadow = {s: np.array([[p["f1_shadow"] for p in curve] for curve in results[s]]).mean(axis=0) for s in strategies}
    for i, b in enumerate(budgets):
        table.append(f"| {b} | " + " | ".join(f"{mean[s][i]:.3f} ({cloud[s][i]:.3f} / {shadow[s][i]:.3f})"
                                             for s in strategies) + " |")
    verdict = []
    if "random" in mean:
        target = mean["random"][-1]
        per_seed = {s: np.array([[p["f1_mean"] for p in curve] for curve in results[s]]) for s in strategies}
        for s in strategies:
            if s == "random":
                continue
            reach = next((b for b, v in zip(budgets, mean[s]) if v >= target), None)
            lead = (mean[s] - mean["random"])[1:]  # the first budget is the shared start: equal by construction
            seeds = (per_seed[s] > per_seed["random"]).sum(axis=0)[1:]
            verdict.append(f"{s}: reaches random's {budgets[-1]}-patch F1 ({target:.3f}) with "
                           f"{reach if reach is not None else 'more than ' + str(budgets[-1])} patches; above random "
                           f"at {int((lead > 0).sum())} of {len(lead)} budgets after the start (lead "
                           f"{lead.min():+.3f} to {lead.max():+.3f}); seeds above random per budget: "
                           f"{' '.join(str(int(n)) for n in seeds)} of {len(per_seed[s])}.")
    return "\n".join(table), verdict


def plot(results: dict, budgets: list[int], path: Path) -> None:
    """Curves of the mean of cloud and shadow F1, cloud F1 and shadow F1 (mean of seeds, min..max band), and each
    strategy's lead over random (mean F1 minus random's, paired by seed: the curves alone hide differences of a few
    thousandths under the first round's jump)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(2, 2, figsize=(13, 9), sharex=True)
    for ax, key, title in zip(axes.flat, ("f1_mean", "f1_cloud", "f1_shadow"),
                              ("mean of cloud and shadow F1", "cloud F1", "cloud-shadow F1")):
        for s, curves in results.items():
            values = np.array([[p[key] for p in curve] for curve in curves])
            m = values.mean(axis=0)
            ax.plot(budgets, m, marker="o", ms=3, label=s, lw=2.2 if s == "random" else 1.5,
                    ls="--" if s == "random" else "-", color="black" if s == "random" else None)
            ax.fill_between(budgets, values.min(axis=0), values.max(axis=0), alpha=0.08,
                            color="black" if s == "random" else None)
        ax.set_title(title)
        ax.set_ylabel("test F1 (right quarter), mean of seeds; band = min..max")
    lead = axes[1, 1]
    if "random" in results:
        base = np.array([[p["f1_mean"] for p in curve] for curve in results["random"]])
        for s, curves in results.items():
            diff = (np.array([[p["f1_mean"] for p in curve] for curve in curves]) - base).mean(axis=0)
            lead.plot(budgets, diff, marker="o", ms=3, label=s, lw=2.2 if s == "random" else 1.5,
                      ls="--" if s == "random" else "-", color="black" if s == "random" else None)
    lead.set_title("lead over random (mean F1 minus random's, paired by seed)")
    lead.set_ylabel("F1 difference, mean of seeds")
    for ax in axes.flat:
        ax.grid(alpha=0.3)
    for ax in axes[1]:
        ax.set_xlabel("labelled 32 px patches")
    axes[0, 0].legend(fontsize=8)
    fig.suptitle("Active learning on the S2 cloud chip: suggestsamples strategies vs random")
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--steps", type=int, default=200, help="optimiser steps per round (batches of 8)")
    parser.add_argument("--learning-rate", type=float, default=5e-3, help="peak of the one-cycle schedule")
    parser.add_argument("--width", type=int, default=8)
    parser.add_argument("--depth", type=int, default=2)
    parser.add_argument("--start", type=int, default=4)
    parser.add_argument("--step", type=int, default=4)
    parser.add_argument("--budget", type=int, default=48)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--strategies", default="random,entropy,margin,tta_disagreement,entropy+kcenter,"
                        "entropy@0.1+cluster,margin@0.1+cluster")
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "active_learning.json"))
    parser.add_argument("--plot", default=str(ROOT / "docs" / "active_learning.png"))
    parser.add_argument("--merge", default="", help="comma-separated result JSONs of runs with other --strategies: "
                        "only write the table and the plot of them together")
    args = parser.parse_args()
    if args.merge:
        runs = [json.loads(Path(p).read_text()) for p in args.merge.split(",")]
        results = {k: v for run in runs for k, v in run["results"].items()}
        report(results, runs[0]["budgets"], args)
        return
    chip, reference = DATA / "s2_cloud_chip.tif", DATA / "s2_cloud_chip_reference.tif"
    if not chip.exists() or not reference.exists():
        sys.exit(f"{chip} or its reference is absent (../shared/data)")
    import rasterio
    with rasterio.open(chip) as src, rasterio.open(reference) as rsrc:
        image, ref = src.read().astype(np.float32), rsrc.read(1)
        transform, crs = src.transform, src.crs.to_wkt() if src.crs else None
    # normalisation from every pixel of the chip (unlabelled data, as extractpatches' statistics would be)
    stats = band_statistics(image)
    budgets = list(range(args.start, args.budget + 1, args.step))
    results: dict[str, list] = {}
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for strategy in args.strategies.split(","):
            results[strategy] = [run_curve(strategy, seed, args, chip, image, ref, stats, transform, crs, Path(tmp))
                                 for seed in range(args.seeds)]
            out = Path(args.out)  # after every strategy: a long run stopped early keeps what it finished
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(json.dumps({"settings": vars(args), "budgets": budgets, "results": results,
                                       "minutes": round((time.time() - started) / 60, 1)}, indent=1))
    report(results, budgets, args)
    print(f"{(time.time() - started) / 60:.1f} min; {args.out}")


def report(results: dict, budgets: list[int], args) -> None:
    table, verdict = summarise(results, budgets)
    plot(results, budgets, Path(args.plot))
    print(table)
    print("\n".join(verdict))
    print(f"plot: {args.plot}")


if __name__ == "__main__":
    main()
