#!/usr/bin/env python3
"""Rebuild the bundled segmentation models `buildings` and `landcover_s2` from ../shared/data (`make models`).

Runs exactly what users run: extract_patches -> train_model (the engines behind deepmapper:extractpatches and
deepmapper:trainmodel), then segments each training scene with the new model and scores it against all of its
labels (run_segment + assess_accuracy, as deepmapper:segment and deepmapper:assessaccuracy do). The cards record the
validation scores (spatially separate blocks never used for training) and, separately, the whole-scene scores.

    .venv/bin/python scripts/train_models.py [--only buildings|landcover_s2] [--epochs N] [--threads N]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / ".build" / "plugins"))  # the checkout, importable as `deepmapper` (make setup)

MODELS = {
    "buildings": {
        "raster": "buildings/atlanta_pan_050cm.tif", "labels": "buildings/atlanta_buildings.gpkg",
        "patches": dict(patch_size=128, max_patches=400, background="background", sensor="panchromatic",
                        validation_fraction=0.25, seed=0),
        "train": dict(architecture="unet_light", architecture_params={"width": 16, "depth": 3}, epochs=30,
                      batch_size=8, learning_rate=2e-3, patience=15, refit=True),
        "card": {
            "name": "Buildings, 0.5 m panchromatic (light U-Net)",
            "description": "Building footprints from 0.5 m panchromatic satellite imagery (WorldView-2 class, "
                           "SpaceNet-4 Atlanta). Trained by scripts/train_models.py on the solaris sample of "
                           "SpaceNet-4 (900 x 500 px, 30 footprints); unlabelled pixels are background.",
            "license": "CC-BY-SA-4.0 (trained on SpaceNet data, CC-BY-SA-4.0)",
            "source_url": "https://spacenet.ai/off-nadir-building-detection/ (data); scripts/train_models.py",
            "priority": 10,
            "test_time_augmentation": True,
        },
        "positive": "building",
    },
    "landcover_s2": {
        "raster": "landcover/aberystwyth_s2_10m.tif", "labels": "landcover/aberystwyth_training_polygons.gpkg",
        "patches": dict(patch_size=32, max_patches=600, sensor="sentinel2_l2a", validation_fraction=0.25, seed=0),
        "train": dict(architecture="unet_light", architecture_params={"width": 16, "depth": 2}, epochs=30,
                      batch_size=16, learning_rate=2e-3, patience=10),
        "card": {
            "name": "Land cover, Sentinel-2 10 bands (forest, grass, urban, water)",
            "description": "Forest / grass / urban / water from the 10 Sentinel-2 bands at 10 m (B2-B8A, B11, "
                           "B12; surface reflectance x 1000, as in the Aberystwyth mosaic of 2021-05-27). Trained by "
                           "scripts/train_models.py on 28 hand-drawn polygons (rsgislib test data). Values are used "
                           "as they are (units 'dn'): give surface reflectance x 1000.",
            "license": "CC-BY-4.0 (contains modified Copernicus Sentinel data; labels: rsgislib test data)",
            "source_url": "https://github.com/remotesensinginfo/rsgislib (data); scripts/train_models.py",
            "priority": 10,
        },
        "positive": None,
    },
}


def build(name: str, epochs: int | None, threads: int) -> dict:
    from deepmapper.models.card import ModelCard
    from deepmapper.plugin.core.engine.progress import Monitor
    from deepmapper.plugin.core.classify.segment import SegmentRequest, run_segment
    from deepmapper.plugin.core.training.patches import PatchRequest, extract_patches
    from deepmapper.plugin.core.training.pretrain import PretrainRequest, pretrain
    from deepmapper.plugin.core.training.trainer import TrainRequest, train_model

    spec = MODELS[name]
    raster, labels = DATA / spec["raster"], DATA / spec["labels"]
    monitor = Monitor(log=lambda m: print(f"  {m}", flush=True))
    card_path = ROOT / "models" / "cards" / f"{name}.json"
    weights = ROOT / "models" / "weights" / f"{name}.pt"
    started = time.time()
    with tempfile.TemporaryDirectory(prefix=f"deepmapper-{name}-") as tmp:
        print(f"== {name}: patches from {raster.name}", flush=True)
        extract_patches(PatchRequest(str(raster), str(labels), "class", f"{tmp}/patches", **spec["patches"]), monitor)
        train = dict(spec["train"], epochs=epochs or spec["train"]["epochs"])
        if spec.get("pretrain"):
            print(f"== {name}: self-supervised pre-training on the unlabelled pixels of {raster.name}", flush=True)
            pretrain(PretrainRequest([str(raster)], f"{tmp}/pretrained.json", sensor=spec["patches"]["sensor"],
                                     architecture=train["architecture"],
                                     architecture_params=train["architecture_params"], **spec["pretrain"]), monitor)
            train["init_model"] = f"{tmp}/pretrained.json"
        print(f"== {name}: training", flush=True)
        result = train_model(TrainRequest(f"{tmp}/patches", f"{tmp}/{name}.json", model_id=name, threads=threads,
                                          weights=f"{tmp}/{name}.pt", selection_weights=f"{tmp}/selection.pt",
                                          **train), monitor)
        card = json.loads(Path(result.card).read_text(encoding="utf-8"))
        card.update(spec["card"])
        card["input"]["units"] = "dn"
        card["weights"] = f"../weights/{name}.pt"
        training = card["training"]
        training.update(dataset=f"scripts/train_models.py ({spec['patches']})", raster=f"../shared/data/{spec['raster']}",
                        labels=f"../shared/data/{spec['labels']}")
        if spec.get("pretrain"):
            training["init_model"] = f"masked-reconstruction pre-training on {raster.name} ({spec['pretrain']})"
        weights.parent.mkdir(parents=True, exist_ok=True)
        os.replace(result.weights, weights)
        ModelCard.from_dict(card)
        card_path.write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")

        dataset_meta = json.loads(Path(f"{tmp}/patches/dataset.json").read_text())
        if train.get("refit"):
            print(f"== {name}: the selection run's model on the validation blocks (whole-scene inference)", flush=True)
            scores = validation_blocks_scores(card, f"{tmp}/selection.pt", raster, labels, dataset_meta, spec, tmp,
                                              threads, monitor)
            card["metrics"]["validation_scene"] = {
                "overall_accuracy": round(scores.overall_accuracy, 4),
                "f1": {c.name: round(c.f_beta, 4) for c in scores.classes if c.scored},
                "precision": {c.name: round(c.precision, 4) for c in scores.classes if c.scored},
                "recall": {c.name: round(c.recall, 4) for c in scores.classes if c.scored},
                "note": "the model of the selection run (never trained on these pixels), run as deployed (whole "
                        "scene, tiles, test-time augmentation, threshold), scored on the validation blocks only"}
            card_path.write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
        print(f"== {name}: whole scene with the new model", flush=True)
        seg = run_segment(SegmentRequest(input=str(raster), output=f"{tmp}/classes.tif", model=str(card_path),
                                         threads=threads), monitor)
        scores = scene_scores(raster, labels, seg.output, spec["patches"].get("background"))
    whole = {"overall_accuracy": round(scores.overall_accuracy, 4), "kappa": round(scores.kappa, 4),
             "macro_f1": round(scores.macro_f, 4),
             "f1": {c.name: round(c.f_beta, 4) for c in scores.classes if c.scored},
             "note": "whole training scene against all its labels (includes the training pixels: an upper bound; "
                     "the validation scores above are the honest estimate)"}
    card["metrics"]["whole_scene"] = whole
    card["training"]["seconds_total"] = round(time.time() - started, 1)
    card_path.write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    print(f"== {name}: validation {json.dumps(card['metrics']['validation'])}\n   whole scene {json.dumps(whole)}")
    return card


def validation_blocks_scores(card: dict, weights: str, raster: Path, labels: Path, dataset: dict, spec: dict,
                             tmp: str, threads: int, monitor):
    """Scores of the selection run's weights (with the final card's settings) on the validation blocks only."""
    import numpy as np
    import rasterio

    from deepmapper.models.registry import sha256_of
    from deepmapper.plugin.core.classify.segment import SegmentRequest, run_segment
    selection = dict(card, id=f"{card['id']}_selection", weights=weights, sha256=sha256_of(weights))
    Path(f"{tmp}/selection.json").write_text(json.dumps(selection), encoding="utf-8")
    seg = run_segment(SegmentRequest(input=str(raster), output=f"{tmp}/selection.tif", model=f"{tmp}/selection.json",
                                     threads=threads), monitor)
    block = dataset["block_size"]
    with rasterio.open(raster) as src:
        rows, cols = np.indices((src.height, src.width))
    in_val = np.zeros(rows.shape, bool)
    for br, bc in dataset["validation_blocks"]:
        in_val |= (rows // block == br) & (cols // block == bc)
    return scene_scores(raster, labels, seg.output, spec["patches"].get("background"), in_val)


def scene_scores(raster: Path, labels: Path, prediction: str, background: str | None, mask=None):
    """Pixel scores of `prediction` against the labels on the raster's grid, with the same label rules as the
    patches (so exhaustive building labels count every other pixel as background); `mask` limits the pixels."""
    import numpy as np
    import rasterio

    from deepmapper.plugin.core.engine import vector_labels as refmod
    from deepmapper.plugin.core.accuracy.assess import score
    from deepmapper.plugin.core.training.labels import IGNORE, label_strip, read_labels
    with rasterio.open(raster) as src, rasterio.open(prediction) as pred:
        source = read_labels(str(labels), "class", src.crs.to_wkt(), abs(src.transform.a), background)
        labeller = refmod.GridLabeller(source.shapes, source.shape_ids, src.transform, src.width, src.height)
        none = np.zeros(0, np.int64)
        valid = src.read_masks(1) > 0
        truth = label_strip(source, labeller, 0, src.height, src.width, valid, none, none, none)
        guess = pred.read(1)
    k = len(source.classes)
    sel = (truth != IGNORE) & (guess < k) & (True if mask is None else mask)
    matrix = np.bincount(truth[sel].astype(np.int64) * k + guess[sel], minlength=k * k).reshape(k, k)
    return score(list(range(k)), matrix, names={c["id"]: c["name"] for c in source.classes})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=sorted(MODELS))
    parser.add_argument("--epochs", type=int, help="override the epochs (quick trials)")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"{DATA} is absent: the training data sits in ../shared/data beside the project.")
    import torch
    torch.use_deterministic_algorithms(True, warn_only=True)
    for name in ([args.only] if args.only else list(MODELS)):
        build(name, args.epochs, args.threads)


if __name__ == "__main__":
    main()
