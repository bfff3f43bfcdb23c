#!/usr/bin/env python3
"""Does self-supervised pre-training save labels? Validation F of land-cover models trained on a share of the
labelled patches, from scratch and from masked-reconstruction weights, in the same run with the same seeds.

Pre-training sees only unlabelled pixels of the scene (random patches, no labels); the fine-tuning runs use the
same patch dataset, epochs and seeds; only the starting weights differ. Several seeds per share, because a few
patches make single runs noisy. Writes benchmarks/results/pretraining.json and prints a table.

    .venv/bin/python benchmarks/bench_pretraining.py [--shares 0.05,0.1,0.25,1] [--seeds 3] [--epochs 8]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "landcover"
sys.path.insert(0, str(ROOT / ".build" / "plugins"))
ARCH = {"width": 16, "depth": 2}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shares", default="0.05,0.1,0.25,1")
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--pretrain-epochs", type=int, default=15)
    args = parser.parse_args()
    from deepmapper.plugin.core.training.patches import PatchRequest, extract_patches
    from deepmapper.plugin.core.training.pretrain import PretrainRequest, pretrain
    from deepmapper.plugin.core.training.trainer import TrainRequest, train_model

    scene, polygons = DATA / "aberystwyth_s2_10m.tif", DATA / "aberystwyth_training_polygons.gpkg"
    if not scene.exists():
        sys.exit(f"{scene} is absent (../shared/data)")
    shares = [float(s) for s in args.shares.split(",")]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        extract_patches(PatchRequest(str(scene), str(polygons), "class", f"{tmp}/ds", patch_size=32,
                                     max_patches=400, validation_fraction=0.25, seed=0))
        t0 = time.time()
        pre = pretrain(PretrainRequest([str(scene)], f"{tmp}/ssl.json", patch_size=32, patches=1024,
                                       epochs=args.pretrain_epochs, architecture_params=ARCH, seed=0))
        pre_seconds = time.time() - t0
        print(f"pre-training: masked MSE {pre.loss:.3f} (band mean 1.0), {pre_seconds:.0f} s", flush=True)
        for share in shares:
            for start in ("scratch", "pretrained"):
                fs, oas = [], []
                for seed in range(args.seeds):
                    r = train_model(TrainRequest(f"{tmp}/ds", f"{tmp}/m.json", architecture_params=ARCH,
                                                 epochs=args.epochs, batch_size=8, train_fraction=share, seed=seed,
                                                 patience=args.epochs,
                                                 init_model=f"{tmp}/ssl.json" if start == "pretrained" else None))
                    fs.append(r.validation["mean_f"])
                    oas.append(r.validation["overall_accuracy"])
                row = {"share": share, "start": start, "mean_f": round(float(np.mean(fs)), 4),
                       "mean_f_min": round(float(np.min(fs)), 4), "oa": round(float(np.mean(oas)), 4)}
                rows.append(row)
                print(f"share {share:>5.2f}  {start:<10}  validation F {row['mean_f']:.4f} "
                      f"(min {row['mean_f_min']:.4f})  OA {row['oa']:.4f}", flush=True)
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pretraining.json").write_text(json.dumps({"rows": rows, "pretrain_mse": pre.loss,
                                                      "pretrain_seconds": pre_seconds, "args": vars(args)},
                                                     indent=1))


if __name__ == "__main__":
    main()
