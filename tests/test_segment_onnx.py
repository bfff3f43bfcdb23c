"""A model trained here, exported to ONNX with its card, segments through the ONNX backend like the torch original."""
from __future__ import annotations

import json

import pytest
import rasterio

from conftest import data_file


def test_exported_onnx_model_matches_torch(tmp_path):
    pytest.importorskip("onnx", reason="torch.onnx.export needs the onnx package (requirements/test.txt)")
    import torch
    from deepmapper.models.architectures import build
    from deepmapper.models.registry import sha256_of
    from deepmapper.plugin.core.classify.segment import SegmentRequest, run_segment
    from deepmapper.plugin.core.training.patches import PatchRequest, extract_patches
    from deepmapper.plugin.core.training.trainer import TrainRequest, train_model

    scene = data_file("landcover/aberystwyth_s2_10m.tif")
    polygons = data_file("landcover/aberystwyth_training_polygons.gpkg")
    extract_patches(PatchRequest(str(scene), str(polygons), "class", str(tmp_path / "ds"), patch_size=32,
                                 max_patches=60, seed=2))
    trained = train_model(TrainRequest(str(tmp_path / "ds"), str(tmp_path / "lc.json"), epochs=1,
                                       architecture_params={"width": 8, "depth": 2}))
    card = json.loads((tmp_path / "lc.json").read_text())
    net = build(card["architecture"], in_channels=10, n_classes=4).eval()
    net.load_state_dict(torch.load(trained.weights, weights_only=True))
    torch.onnx.export(net, torch.zeros(1, 10, 64, 64), str(tmp_path / "lc.onnx"), dynamo=False,
                      input_names=["x"], output_names=["logits"],
                      dynamic_axes={"x": {0: "n", 2: "h", 3: "w"}, "logits": {0: "n", 2: "h", 3: "w"}})
    onnx_card = dict(card, id="lc_onnx", format="onnx", weights="lc.onnx", sha256=sha256_of(tmp_path / "lc.onnx"))
    onnx_card.pop("architecture")
    (tmp_path / "lc_onnx.json").write_text(json.dumps(onnx_card))

    outputs = {}
    for name in ("lc", "lc_onnx"):
        result = run_segment(SegmentRequest(input=str(scene), output=str(tmp_path / f"{name}.tif"),
                                            model=str(tmp_path / f"{name}.json"), device="cpu"))
        assert result.model_id == name
        outputs[name] = rasterio.open(result.output).read(1)
    agree = (outputs["lc"] == outputs["lc_onnx"]).mean()
    assert agree > 0.999, agree
