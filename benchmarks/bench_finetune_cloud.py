#!/usr/bin/env python3
"""Fine-tuning the bundled ONNX cloud model: ukis_csmask_6b_l1c against the model fine-tuned from it on 48 patches.

Data: ../shared/data/clouds/s2_cloud_chip.tif (512 x 512, 6 bands) and its dense reference raster
s2_cloud_chip_reference.tif (0 clear, 1 cloud, 2 cloud shadow). Pool: the left three quarters (columns 0..383) cut
into 32 px cells (16 x 12 = 192); test area: the right quarter (columns 384..511), never labelled.

Choice of the 48 cells: deepmapper:suggestsamples' engine (run_suggest) on the pool with the base model, STRATEGY
--strategy (default entropy) and DIVERSITY --diversity (default kcenter), in one round; `--strategy random` draws them
at random instead. Each chosen cell is labelled from the reference (the oracle). The patch dataset (the training
engine's format) holds, per cell, a 64 px image window around it, kept inside the pool, whose labels are the cell's
32 x 32 reference pixels only (the rest is unlabelled, 255): the model sees some context, as it does when it maps.
With 48 patches there is no separate validation split: the validation arrays are the training patches, and epochs
are fixed (patience larger than --epochs).

Fine-tuning: plugin/core/training train_model with INIT_MODEL ukis_csmask_6b_l1c (onnx2torch conversion),
--epochs, peak --lr, batch 8, flips/rotations/brightness augmentation, BatchNorm statistics held, encoder frozen
unless --train-encoder. Both models then mask the whole chip with run_cloudmask (the card's tiling and
post-processing) and are scored (F1 of cloud and of shadow) on the test quarter and on the whole chip.

    .venv/bin/python benchmarks/bench_finetune_cloud.py [--epochs 8] [--lr 3e-4] [--strategy entropy]
        [--diversity kcenter] [--train-encoder] [--threads 1] [--out benchmarks/results/finetune_cloud.json]

Prints the markdown table of docs/benchmarks.md. Exits with a message when ../shared/data is absent.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from cloud_chip import band_statistics, f1, write_oracle_dataset  # noqa: E402 (beside this script)

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "clouds"
sys.path.insert(0, str(ROOT / ".build" / "plugins"))
PATCH, WINDOW, POOL_COLS, BUDGET = 32, 64, 384, 48
PARENT = "ukis_csmask_6b_l1c"


def choose_cells(args, chip: Path, tmp: Path, transform, rows: int, cols: int) -> list[tuple[int, int]]:
    """(row, col) of the 48 pool cells to label: suggestsamples' strategy on the pool with the base model, or random."""
    if args.strategy == "random":
        rng = np.random.default_rng(args.seed)
        cells = rng.choice(rows * cols, BUDGET, replace=False)
        return [divmod(int(c), cols) for c in cells]
    import rasterio

    from deepmapper.plugin.core.labelling.suggest import SuggestRequest, run_suggest
    pool = tmp / "pool.tif"
    with rasterio.open(chip) as src:
        with rasterio.open(pool, "w", **dict(src.profile, width=POOL_COLS)) as dst:
            dst.write(src.read(window=((0, src.height), (0, POOL_COLS))))
            dst.descriptions = src.descriptions
    picks = run_suggest(SuggestRequest(input=str(pool), output=str(tmp / "suggest.gpkg"), model=PARENT, count=BUDGET,
                                       patch_size=PATCH, strategy=args.strategy, diversity=args.diversity,
                                       top_share=1.0,  # the documented protocol: all of a patch's pixels
                                       seed=args.seed, device="cpu", threads=args.threads, sensor="sentinel2_l1c"))
    return [(s.row // PATCH, s.col // PATCH) for s in picks.suggestions]


def write_dataset(folder: Path, image: np.ndarray, ref: np.ndarray, cells: list[tuple[int, int]], chip: Path) -> None:
    """The training engine's patch dataset (training/dataset.py): a WINDOW px image window around each cell, inside the
    pool; labels only on the cell's own PATCH x PATCH pixels; validation = the training patches."""
    xs, ys, windows = [], [], []
    pad = (WINDOW - PATCH) // 2
    for r, c in cells:
        r0 = min(max(r * PATCH - pad, 0), image.shape[1] - WINDOW)
        c0 = min(max(c * PATCH - pad, 0), POOL_COLS - WINDOW)
        y = np.full((WINDOW, WINDOW), 255, np.uint8)
        y[r * PATCH - r0:r * PATCH - r0 + PATCH, c * PATCH - c0:c * PATCH - c0 + PATCH] = \
            ref[r * PATCH:(r + 1) * PATCH, c * PATCH:(c + 1) * PATCH]
        xs.append(image[:, r0:r0 + WINDOW, c0:c0 + WINDOW])
        ys.append(y)
        windows.append([r0, c0])
    x, y = np.stack(xs).astype(np.float32), np.stack(ys)
    stats = band_statistics(x.transpose(1, 0, 2, 3))
    write_oracle_dataset(folder, x, y, windows, stats, chip)


def score(model: str, chip: Path, ref: np.ndarray, out: Path, threads: int) -> dict:
    import rasterio

    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
    t0 = time.time()
    run_cloudmask(CloudMaskRequest(input=str(chip), output=str(out), model=model, sensor="sentinel2_l1c",
                                   device="cpu", threads=threads))
    with rasterio.open(out) as ds:
        pred = ds.read(1)
    test, whole = (pred[:, POOL_COLS:], ref[:, POOL_COLS:]), (pred, ref)
    return {"test_f1_cloud": f1(*test, 1), "test_f1_shadow": f1(*test, 2),
            "chip_f1_cloud": f1(*whole, 1), "chip_f1_shadow": f1(*whole, 2), "seconds": round(time.time() - t0, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--lr", type=float, default=3e-4)
    parser.add_argument("--strategy", default="entropy", help="suggestsamples STRATEGY, or random")
    parser.add_argument("--diversity", default="kcenter")
    parser.add_argument("--train-encoder", action="store_true", help="also train the encoder (slower)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "finetune_cloud.json"))
    args = parser.parse_args()
    chip, reference = DATA / "s2_cloud_chip.tif", DATA / "s2_cloud_chip_reference.tif"
    if not chip.exists() or not reference.exists():
        sys.exit(f"the sample data is absent ({chip}); it sits in ../shared/data beside the project")
    import rasterio

    from deepmapper.plugin.core.training.trainer import TrainRequest, train_model
    with rasterio.open(chip) as src:
        image, transform = src.read().astype(np.float32), src.transform
    with rasterio.open(reference) as src:
        ref = src.read(1)
    rows, cols = ref.shape[0] // PATCH, POOL_COLS // PATCH
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        base = score(PARENT, chip, ref, tmp / "base.tif", args.threads)
        print(f"base {PARENT}: {base}", flush=True)
        t0 = time.time()
        cells = choose_cells(args, chip, tmp, transform, rows, cols)
        choose_s = round(time.time() - t0, 1)
        assert len(set(cells)) == BUDGET and all(c < cols for _, c in cells), "picks outside the pool"
        write_dataset(tmp / "ds", image, ref, cells, chip)
        t0 = time.time()
        trained = train_model(TrainRequest(str(tmp / "ds"), str(tmp / "ft.json"), init_model=PARENT,
                                           freeze_encoder=not args.train_encoder, epochs=args.epochs, batch_size=8,
                                           learning_rate=args.lr, patience=args.epochs + 1, seed=args.seed,
                                           threads=args.threads, device="cpu"))
        train_s = round(time.time() - t0, 1)
        print("\n".join(trained.log[-args.epochs - 2:]), flush=True)
        tuned = score(trained.card, chip, ref, tmp / "tuned.tif", args.threads)
        print(f"fine-tuned: {tuned}", flush=True)
    labelled = np.zeros(3, np.int64)
    for r, c in cells:
        labelled += np.bincount(ref[r * PATCH:(r + 1) * PATCH, c * PATCH:(c + 1) * PATCH].ravel(), minlength=3)[:3]
    result = {"base": base, "fine_tuned": tuned, "cells": [list(map(int, rc)) for rc in cells],
              "labelled_pixels": {"clear": int(labelled[0]), "cloud": int(labelled[1]), "shadow": int(labelled[2])},
              "settings": {**vars(args), "choose_seconds": choose_s, "train_seconds": train_s,
                           "best_epoch": trained.best_epoch}}
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=1) + "\n")
    gain = {k: 100 * (tuned[f"test_f1_{k}"] - base[f"test_f1_{k}"]) for k in ("cloud", "shadow")}
    print("\n| model | test quarter F1 cloud | test quarter F1 shadow | whole chip F1 cloud | whole chip F1 shadow |")
    print("|---|---|---|---|---|")
    for name, s in ((f"{PARENT} (base)", base), (f"fine-tuned on 48 patches ({args.strategy}"
                                                  f"{'+' + args.diversity if args.strategy != 'random' else ''})",
                                                  tuned)):
        print(f"| {name} | {s['test_f1_cloud']:.3f} | {s['test_f1_shadow']:.3f} | {s['chip_f1_cloud']:.3f} | "
              f"{s['chip_f1_shadow']:.3f} |")
    print(f"\nGain on the test quarter: cloud {gain['cloud']:+.1f}, shadow {gain['shadow']:+.1f} F1 points "
          f"(goal +3 each): {'met' if min(gain.values()) >= 3 else 'not met'}. Choosing {choose_s} s, "
          f"training {train_s} s.")


if __name__ == "__main__":
    main()
