"""A user's PyTorch model enters through a card like any other: state dict + architecture, checked and run."""
from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio

from conftest import data_file
from deepmapper.models.registry import sha256_of
from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask

torch = pytest.importorskip("torch")


def test_torch_state_dict_card_runs_cloudmask(tmp_path):
    from deepmapper.models.architectures import build
    spec = {"name": "fcn", "params": {"width": 8, "depth": 2}}
    module = build(spec, in_channels=4, n_classes=3)
    with torch.no_grad():  # zero weights: a known, uniform output
        for p in module.parameters():
            p.zero_()
    torch.save(module.state_dict(), tmp_path / "toy.pt")
    card = {
        "schema_version": 1, "id": "toy_torch", "name": "toy", "task": "cloudmask", "format": "torch_state_dict",
        "architecture": spec, "weights": "toy.pt", "sha256": sha256_of(tmp_path / "toy.pt"), "license": "CC0-1.0",
        "source_url": "tests", "input": {"bands": ["blue", "green", "red", "nir"], "units": "reflectance",
                                         "normalization": {"type": "none"}},
        "output": {"activation": "softmax", "classes": [{"id": 0, "name": "clear"}, {"id": 1, "name": "cloud"},
                                                        {"id": 2, "name": "cloud shadow"}]},
        "tiling": {"tile_size": 64, "margin": 4, "blend": "crop"}}
    (tmp_path / "toy.json").write_text(json.dumps(card))
    chip = data_file("clouds/s2_cloud_chip.tif")
    res = run_cloudmask(CloudMaskRequest(str(chip), str(tmp_path / "m.tif"), model=str(tmp_path / "toy.json"),
                                         output_probability=str(tmp_path / "p.tif")))
    assert res.model_id == "toy_torch"
    with rasterio.open(tmp_path / "p.tif") as ds:
        probs = ds.read()
    np.testing.assert_allclose(probs, 1 / 3, atol=1e-6)  # zero weights: uniform softmax, on every tile, seamlessly
    with rasterio.open(tmp_path / "m.tif") as ds:
        assert ds.read(1).shape == (512, 512)
