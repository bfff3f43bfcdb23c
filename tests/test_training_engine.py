"""Patch extraction, training, transfer and pre-training on the real Aberystwyth scene (tiny settings: seconds)."""
from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import data_file

SCENE = "landcover/aberystwyth_s2_10m.tif"
POLYGONS = "landcover/aberystwyth_training_polygons.gpkg"
TINY = {"width": 8, "depth": 2}


def _extract(tmp_path, name="ds", **kw):
    from deepmapper.plugin.core.training.patches import PatchRequest, extract_patches
    args = dict(patch_size=32, max_patches=80, seed=1)
    args.update(kw)
    return extract_patches(PatchRequest(str(data_file(SCENE)), str(data_file(POLYGONS)), "class",
                                        str(tmp_path / name), **args))


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return _extract(tmp_path_factory.mktemp("patches"), output_footprints=None)


def _train(dataset, out, **kw):
    from deepmapper.plugin.core.training.trainer import TrainRequest, train_model
    args = dict(epochs=2, batch_size=16, architecture_params=TINY, threads=2, patience=5)
    args.update(kw)
    return train_model(TrainRequest(dataset.output, str(out), **args))


def test_dataset_layout_classes_statistics(dataset):
    from deepmapper.plugin.core.training.dataset import PatchDataset
    ds = PatchDataset.open(dataset.output)
    assert [c["name"] for c in ds.classes] == ["forest", "grass", "urban", "water"]
    assert ds.bands == ["blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "swir16", "swir22"]
    x, y = ds.arrays("train")
    assert x.shape[1:] == (10, 32, 32) and x.dtype == np.float32 and y.dtype == np.uint8
    assert dataset.counts["train"] >= 20 and dataset.counts["validation"] >= 5
    assert set(np.unique(y)) <= {0, 1, 2, 3, 255}
    for split in ("train", "validation"):  # every class is in both splits (stratified)
        assert all(n > 0 for n in dataset.class_pixels[split]), (split, dataset.class_pixels)
    stats = ds.statistics
    valid = x[:, 6][np.isfinite(x[:, 6])]
    assert stats["mean"][6] == pytest.approx(valid.mean(), rel=1e-3)  # NIR, surface reflectance x 1000


def test_no_labelled_pixel_in_both_splits(dataset):
    from deepmapper.plugin.core.training.dataset import PatchDataset
    ds = PatchDataset.open(dataset.output)
    seen = {}
    for split in ("train", "validation"):
        _, y = ds.arrays(split)
        cover = np.zeros((947, 930), bool)
        for (r0, c0), patch in zip(ds.meta["windows"][split], y):
            cover[r0:r0 + 32, c0:c0 + 32] |= patch != 255
        seen[split] = cover
    assert seen["train"].any() and seen["validation"].any()
    assert not (seen["train"] & seen["validation"]).any()


def test_nodata_pixels_carry_no_label(tmp_path):
    ds = _extract(tmp_path, max_patches=200)
    from deepmapper.plugin.core.training.dataset import PatchDataset
    x, y = PatchDataset.open(ds.output).arrays("train")
    assert not (np.isnan(x).any(axis=1) & (y != 255)).any()


def test_footprints_written(tmp_path):
    import geopandas as gpd
    ds = _extract(tmp_path, output_footprints=str(tmp_path / "patches.gpkg"))
    gdf = gpd.read_file(tmp_path / "patches.gpkg")
    assert len(gdf) == ds.counts["train"] + ds.counts["validation"]
    assert set(gdf["split"]) == {"train", "validation"} and gdf.crs.to_epsg() == 27700


@pytest.mark.parametrize("case, message", [
    ("outside", "lie outside it"),
    ("no_field", "has no field 'kind'.*class"),
    ("too_big", "smaller than PATCH_SIZE 2048"),
    ("one_polygon", "Too few samples for PATCH_SIZE"),
])
def test_bad_inputs_are_explained(tmp_path, case, message):
    import geopandas as gpd
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    gdf = gpd.read_file(data_file(POLYGONS))
    kw = {}
    if case == "outside":
        gdf = gdf.set_geometry(gdf.geometry.translate(50_000, 0))
    elif case == "too_big":
        kw["patch_size"] = 2048
    elif case == "one_polygon":
        gdf = gdf.iloc[[0]]
    labels = tmp_path / "labels.gpkg"
    gdf.to_file(labels)
    from deepmapper.plugin.core.training.patches import PatchRequest, extract_patches
    with pytest.raises(DeepMapperError, match=message):
        extract_patches(PatchRequest(str(data_file(SCENE)), str(labels), "kind" if case == "no_field" else "class",
                                     str(tmp_path / "out"), patch_size=kw.get("patch_size", 32)))
    assert not (tmp_path / "out").exists()


def test_output_folder_with_other_files_is_refused(tmp_path):
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    (tmp_path / "ds").mkdir()
    (tmp_path / "ds" / "thesis.docx").write_text("precious")
    with pytest.raises(DeepMapperError, match="not a patch dataset folder"):
        _extract(tmp_path)
    assert (tmp_path / "ds" / "thesis.docx").read_text() == "precious"


def test_training_writes_a_card_usable_as_model(dataset, tmp_path):
    from deepmapper.models.backends import load_model
    from deepmapper.models.registry import Registry
    from deepmapper.plugin.core.engine.device import Device
    result = _train(dataset, tmp_path / "lc.json", epochs=3)
    card = Registry().get(str(tmp_path / "lc.json"), "segmentation")
    assert card.bands[0] == "blue" and [c["name"] for c in card.classes] == ["forest", "grass", "urban", "water"]
    assert card.data["metrics"]["validation"]["overall_accuracy"] == result.validation["overall_accuracy"]
    assert card.data["training"]["epochs_run"] == 3 and len(card.data["training"]["history"]) == 3
    model = load_model(card, Device("cpu"))
    probs = model.predict(np.zeros((1, 10, 64, 64), np.float32))
    assert probs.shape == (1, 4, 64, 64) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)


def test_cancel_keeps_the_best_checkpoint(dataset, tmp_path):
    from deepmapper.plugin.core.engine.progress import Monitor
    from deepmapper.plugin.core.training.trainer import TrainRequest, train_model
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 12  # after the first epoch (a handful of batches) has been validated

    result = train_model(TrainRequest(dataset.output, str(tmp_path / "c.json"), epochs=50, batch_size=8,
                                      architecture_params=TINY), Monitor(is_cancelled=cancelled))
    assert result.cancelled and 1 <= result.best_epoch < 50
    card = json.loads((tmp_path / "c.json").read_text())
    assert card["training"]["cancelled"] is True and (tmp_path / "c.pt").exists()


def test_cancel_before_any_epoch_leaves_nothing(dataset, tmp_path):
    from deepmapper.plugin.core.engine.errors import CancelledError
    from deepmapper.plugin.core.engine.progress import Monitor
    from deepmapper.plugin.core.training.trainer import TrainRequest, train_model
    with pytest.raises(CancelledError):
        train_model(TrainRequest(dataset.output, str(tmp_path / "c.json"), architecture_params=TINY),
                    Monitor(is_cancelled=lambda: True))
    assert list(tmp_path.iterdir()) == []


def test_band_subset_and_transfer_from_a_model_with_other_bands(dataset, tmp_path):
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    ten = _train(dataset, tmp_path / "ten.json", epochs=1)
    four = _train(dataset, tmp_path / "four.json", epochs=1, bands="B2,B3,B4,B8", init_model=ten.card)
    card = json.loads((tmp_path / "four.json").read_text())
    assert card["input"]["bands"] == ["blue", "green", "red", "nir"]
    assert card["training"]["init_model"] == "ten"
    assert any("copied" in line and "nir copied" in line for line in four.log)
    # LEARNING_RATE automatic (a new user's session: the dialog fine-tuned at the scratch rate 0.002)
    assert json.loads((tmp_path / "ten.json").read_text())["training"]["learning_rate"] == 2e-3
    assert card["training"]["learning_rate"] == 1e-4 and any("Learning rate 0.0001" in line for line in four.log)
    fixed = _train(dataset, tmp_path / "fixed.json", epochs=1, init_model=ten.card, learning_rate=5e-4,
                   architecture="unet_resnet", architecture_params=None)
    assert any("ARCHITECTURE 'unet_resnet' is not used" in line for line in fixed.log), fixed.log
    assert json.loads((tmp_path / "fixed.json").read_text())["training"]["learning_rate"] == 5e-4, fixed.log
    with pytest.raises(DeepMapperError, match="BANDS names 'pan'.*its bands are blue"):
        _train(dataset, tmp_path / "x.json", bands="pan")
    with pytest.raises(DeepMapperError, match="FREEZE_ENCODER needs INIT_MODEL"):
        _train(dataset, tmp_path / "x.json", freeze_encoder=True)


def test_freeze_encoder_keeps_encoder_weights(dataset, tmp_path):
    import torch
    first = _train(dataset, tmp_path / "a.json", epochs=1)
    _train(dataset, tmp_path / "b.json", epochs=1, init_model=first.card, freeze_encoder=True)
    a = torch.load(tmp_path / "a.pt", weights_only=True)
    b = torch.load(tmp_path / "b.pt", weights_only=True)
    assert all(torch.equal(a[k], b[k]) for k in a if k.startswith("encoder.") and "weight" in k)
    assert not all(torch.equal(a[k], b[k]) for k in a if k.startswith("decoder."))


def test_pretraining_then_fine_tuning(dataset, tmp_path):
    from deepmapper.plugin.core.training.pretrain import PretrainRequest, pretrain
    pre = pretrain(PretrainRequest([str(data_file(SCENE))], str(tmp_path / "ssl.json"), patch_size=32, patches=32,
                                   epochs=3, batch_size=16, architecture_params=TINY))
    card = json.loads((tmp_path / "ssl.json").read_text())
    assert card["task"] == "pretrained" and len(card["input"]["bands"]) == 10
    assert pre.loss < 1.0  # better than predicting the band mean
    tuned = _train(dataset, tmp_path / "tuned.json", epochs=1, init_model=pre.card)
    assert any("Started from 'ssl'" in line for line in tuned.log)
    assert json.loads((tmp_path / "tuned.json").read_text())["training"]["learning_rate"] == 2e-3  # a new head


def test_resnet_unet_takes_any_band_count():
    import torch
    from deepmapper.models.architectures import build
    for bands in (1, 4, 13):
        net = build({"name": "unet_resnet", "params": {"depth": 18}}, in_channels=bands, n_classes=3).eval()
        with torch.no_grad():
            assert net(torch.zeros(1, bands, 64, 64)).shape == (1, 3, 64, 64)


def test_refit_trains_on_every_labelled_patch_for_the_best_epoch_count(dataset, tmp_path):
    result = _train(dataset, tmp_path / "r.json", epochs=2, refit=True)
    card = json.loads((tmp_path / "r.json").read_text())
    assert card["training"]["refit_on_all_patches"] is True and "refit" in card["metrics"]["note"]
    assert any(f"Refit on training and validation patches for {result.best_epoch} epochs" in m for m in result.log)


def test_best_threshold_maximises_f1_of_the_positive_class():
    from deepmapper.plugin.core.training.trainer import THRESHOLD_BINS, best_threshold
    hist = np.zeros((2, THRESHOLD_BINS), np.int64)
    hist[0, 10] = 1000  # background mostly at P(1) = 0.10
    hist[0, 35] = 50  # a few bright background pixels at 0.35
    hist[1, 30] = 300  # an under-confident model: buildings at 0.30 ...
    hist[1, 80] = 100  # ... and 0.80
    threshold, f1 = best_threshold(hist)
    assert 0.10 < threshold <= 0.30  # takes the 0.30 buildings, accepting the 50 bright background pixels
    assert f1 == pytest.approx(2 * 400 / (400 + 50 + 400))


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_receptive_radius_bounds_the_context_the_light_unet_uses(depth):
    import torch
    from deepmapper.models.architectures import build
    from deepmapper.models.architectures.unet import receptive_radius
    net = build({"name": "unet_light", "params": {"width": 4, "depth": depth}}, 1, 2).eval()
    x = torch.randn(1, 1, 160, 160, requires_grad=True)
    net(x)[0, 0, 80, 80].backward()
    rows = (x.grad[0, 0].abs() > 0).nonzero()[:, 0]
    reach = int(max(80 - rows.min(), rows.max() - 80))
    assert reach <= receptive_radius({"name": "unet_light", "params": {"depth": depth}}) <= reach + 3


@pytest.mark.parametrize("damage, words", [
    ("fields", "lacks or garbles 'bands'"),
    ("truncated", "train patches cannot be read"),
    ("shape", "the validation arrays are"),
    ("json", "dataset.json cannot be read"),
])
def test_a_damaged_dataset_is_named_not_a_traceback(dataset, tmp_path, damage, words):
    """An adversarial session: a description without 'bands' ended in KeyError, a truncated array in 'mmap length is
    greater than file size'."""
    import shutil
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    copy = tmp_path / "ds"
    shutil.copytree(dataset.output, copy)
    meta = json.loads((copy / "dataset.json").read_text())
    if damage == "fields":
        del meta["bands"]
        (copy / "dataset.json").write_text(json.dumps(meta))
    elif damage == "truncated":
        with open(copy / "train_images.npy", "r+b") as f:
            f.truncate(1000)
    elif damage == "shape":
        np.save(copy / "validation_labels.npy", np.zeros((1, 3, 3), np.uint8))
    else:
        (copy / "dataset.json").write_text('{"format": "deepmapper-patches", ')
    with pytest.raises(DeepMapperError, match=f"is damaged: .*{words}.*Extract it again"):
        _train(type("Extracted", (), {"output": str(copy)}), tmp_path / "m.json", epochs=1)
    assert not (tmp_path / "m.json").exists()
