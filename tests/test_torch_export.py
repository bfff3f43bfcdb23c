"""torch models run on onnxruntime on the CPU through a cached ONNX export (models/backends/torch_export.py): the
same classes as torch, no torch import once cached, torch again when the export cannot be used or is not wanted."""
from __future__ import annotations

import os
import time
import subprocess
import sys

import numpy as np
import pytest

from conftest import PLUGINS
from deepmapper.models.registry import Registry
from deepmapper.plugin.core.engine.device import Device

pytest.importorskip("torch")
pytest.importorskip("onnxruntime")


def _x(card, size=256, seed=0):
    return (np.random.default_rng(seed).random((1, len(card.bands), size, size), dtype=np.float32) * 0.3)


@pytest.mark.parametrize("model_id", ["landcover_s2", "buildings"])
def test_the_export_gives_torchs_classes_and_probabilities_within_float_rounding(model_id, tmp_path, monkeypatch):
    from deepmapper.models.backends import load_model
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path))
    card = Registry().get(model_id)
    said: list[str] = []
    fast = load_model(card, Device("cpu"), say=said.append)
    assert fast.runtime == "onnx" and not fast.reuse_heap
    assert any("Exporting model" in line for line in said)
    monkeypatch.setenv("DEEPMAPPER_TORCH_RUNTIME", "torch")
    slow = load_model(card, Device("cpu"))
    assert slow.runtime == "torch_state_dict" and slow.reuse_heap
    for size in (256, 96):  # the card's tile, and another size: free height and width
        x = _x(card, size)
        a, b = fast.predict(x), slow.predict(x)
        np.testing.assert_allclose(a, b, atol=2e-5)
        assert (a.argmax(1) == b.argmax(1)).mean() > 0.999
    monkeypatch.delenv("DEEPMAPPER_TORCH_RUNTIME")
    said.clear()
    again = load_model(card, Device("cpu"), say=said.append)  # from the cache: no export, the same numbers
    assert again.runtime == "onnx" and said == [f"Model '{model_id}' runs on onnxruntime, through its ONNX export."]
    np.testing.assert_array_equal(again.predict(_x(card)), fast.predict(_x(card)))


def test_a_cached_export_runs_without_importing_torch(tmp_path):
    from deepmapper.models.backends import load_model
    card = Registry().get("landcover_s2")
    env = {**os.environ, "DEEPMAPPER_CACHE": str(tmp_path)}
    load_model  # noqa: B018 - imported here so the child's code below reads the same module
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from deepmapper.models.registry import Registry\n"
            "from deepmapper.models.backends import load_model\n"
            "from deepmapper.plugin.core.engine.device import Device\n"
            "import numpy as np\n"
            "m = load_model(Registry().get('landcover_s2'), Device('cpu'))\n"
            "m.predict(np.zeros((1, %d, 64, 64), np.float32))\n"
            "print(m.runtime, 'torch' in sys.modules)\n") % (str(PLUGINS), len(card.bands))
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr[-2000:]
    assert first.stdout.split() == ["onnx", "True"]  # the export needs torch once
    second = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stdout.split() == ["onnx", "False"]


def test_an_export_that_fails_or_differs_leaves_the_model_on_torch(tmp_path, monkeypatch):
    import torch
    from deepmapper.models.backends import load_model, torch_export
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path))
    card = Registry().get("landcover_s2")

    def broken(*args, **kwargs):
        raise RuntimeError("Exporting the operator 'aten::something' to ONNX opset version 17 is not supported")

    monkeypatch.setattr(torch.onnx, "export", broken)
    said: list[str] = []
    model = load_model(card, Device("cpu"), say=said.append)
    assert model.runtime == "torch_state_dict"
    assert any("runs on torch: its ONNX export could not be used (Exporting the operator" in s for s in said)
    record = torch_export.failure_path(torch_export.export_path(card))
    # nothing half-written left; the failure recorded
    assert [p.name for p in (tmp_path / torch_export.FOLDER).iterdir()] == [record.name]
    monkeypatch.undo()
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path))
    monkeypatch.setattr(torch_export, "TOLERANCE", -1.0)  # any difference from torch is too much
    said.clear()
    record.unlink()
    assert load_model(card, Device("cpu"), say=said.append).runtime == "torch_state_dict"
    assert any("differs from torch" in s for s in said)


def test_a_failed_export_is_not_tried_again_until_torch_changes(tmp_path, monkeypatch):
    """Every run of a model whose export fails spent its 5-20 s again on the same failure; now the failure is
    recorded, and the next runs go straight to torch and say why, until torch's version changes."""
    import json
    from deepmapper.models.backends import load_model, torch_export
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path))
    card = Registry().get("landcover_s2")
    calls: list[int] = []
    real = torch_export._export

    def failing(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("Unsupported: ONNX export of operator aten::weird")

    monkeypatch.setattr(torch_export, "_export", failing)
    assert load_model(card, Device("cpu")).runtime == "torch_state_dict" and len(calls) == 1
    said: list[str] = []
    assert load_model(card, Device("cpu"), say=said.append).runtime == "torch_state_dict"
    assert len(calls) == 1, "the failed export was tried again"
    record = torch_export.failure_path(torch_export.export_path(card))
    note = [s for s in said if "failed at an earlier run" in s]
    assert note and "aten::weird" in note[0] and str(record) in note[0], said
    stale = json.loads(record.read_text())
    stale["torch"] = "0.0.1"  # made by another torch: this one may export it
    record.write_text(json.dumps(stale))
    monkeypatch.setattr(torch_export, "_export", real)
    assert load_model(card, Device("cpu")).runtime == "onnx"
    assert not record.exists()  # the export worked: the old record goes


def test_large_tiles_of_an_export_run_one_call_of_every_thread(tmp_path, monkeypatch):
    """As torch models did: two calls at once only up to 256 px tiles (memory); a larger tile gets a session of
    every thread, built when first needed, with the same numbers."""
    from deepmapper.models.backends import load_model
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path))
    card = Registry().get("landcover_s2")
    model = load_model(card, Device("cpu"), threads=2)
    assert model.calls_at_once(256) == 2 and model.calls_at_once(512) == 1
    x = _x(card, 512, seed=3)
    big = model.predict(x)
    small = model.predict(np.ascontiguousarray(x[:, :, :256, :256]))
    assert big.shape == (1, len(card.classes), 512, 512) and small.shape[-1] == 256



def test_device_auto_does_not_import_torch_on_a_machine_without_an_nvidia_driver(tmp_path):
    """DEVICE=auto asked torch about CUDA, importing it (1.1 s, about 465 MB) even when the model then ran on its
    ONNX export; without an NVIDIA driver the answer is known without asking."""
    from deepmapper.plugin.core.engine.device import nvidia_driver_present
    if nvidia_driver_present():
        pytest.skip("this machine has an NVIDIA driver: torch must be asked")
    code = ("import sys; sys.path.insert(0, %r)\n"
            "from deepmapper.plugin.core.engine.device import choose_device\n"
            "d = choose_device('auto', 'torch_state_dict')\n"
            "print(d.kind, 'torch' in sys.modules)\n") % str(PLUGINS)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["cpu", "False"]


def test_a_cached_export_onnxruntime_cannot_use_falls_back_to_torch_and_is_exported_again(tmp_path, monkeypatch):
    """Another model's export in its place (with a matching digest: the same account could have put it there) made
    the run fail with a misleading message about BATCH_SIZE. The model now runs on torch, says why, and the bad
    file goes, so the next run exports again."""
    from deepmapper.models.backends import load_model, torch_export
    from deepmapper.models.cache import digest_path
    from deepmapper.models.registry import sha256_of
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path))
    landcover, buildings = Registry().get("landcover_s2"), Registry().get("buildings")
    load_model(buildings, Device("cpu"))
    target = torch_export.export_path(landcover)
    target.write_bytes(torch_export.export_path(buildings).read_bytes())  # 1 band in, 2 classes out
    digest_path(target).write_text(sha256_of(target))
    said: list[str] = []
    model = load_model(landcover, Device("cpu"), say=said.append)
    assert model.runtime == "torch_state_dict"
    assert any("landcover_s2' runs on torch: its ONNX export could not be used" in s for s in said), said
    assert not target.exists()
    assert load_model(landcover, Device("cpu")).runtime == "onnx"


def test_export_files_stay_in_the_cache_and_leftovers_are_cleaned(tmp_path, monkeypatch):
    """A card id is not a path ('../../x' wrote outside the cache), and a kill -9 during the first export left its
    temporary file for good."""
    from deepmapper.models.backends import torch_export
    from deepmapper.models.cache import STALE_S
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path))
    card = Registry().get("landcover_s2")
    card.data["id"] = "../../escaped"
    path = torch_export.export_path(card)
    assert path.parent == tmp_path / torch_export.FOLDER and path.name.endswith(".onnx") and "escaped" in path.name
    folder = path.parent
    folder.mkdir(parents=True)
    left = folder / (torch_export.TEMP_PREFIX + "killed.onnx")
    left.write_bytes(b"half an export")
    past = time.time() - STALE_S - 10
    os.utime(left, (past, past))
    card.data["id"] = "landcover_s2"
    from deepmapper.models.registry import verified_weights
    assert torch_export.exported_graph(card, verified_weights(card)) is not None
    assert not left.exists()
