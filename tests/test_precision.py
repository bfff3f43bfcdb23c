"""PRECISION (auto / float32 / int8): the choice and its reasons, float16 ONNX graphs widened to float32, int8
graphs built from a calibration table and cached, and cloudmask PRECISION=int8 on the real chip through
processing.run and qgis_process."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import rasterio

from conftest import ROOT, data_file, f1
from deepmapper.plugin.core.engine.device import Device, Precision, choose_precision, describe
from deepmapper.plugin.core.engine.errors import DeepMapperError

QGIS_PROCESS = ROOT / "scripts" / "qgis_process"
CPU, GPU = Device("cpu", reason="DEVICE=cpu asked for"), Device("cuda", reason="DEVICE=auto and torch sees a CUDA GPU")


def test_precision_choice_and_its_reason():
    assert choose_precision("auto", CPU, "onnx", True, True) == Precision("float32")
    assert choose_precision("int8", CPU, "onnx", False, True) == Precision("int8")
    assert choose_precision("auto", GPU, "torch_state_dict", True, False) == Precision("float16")
    assert choose_precision("float32", GPU, "torch_state_dict", True, False) == Precision("float32")
    fallback = choose_precision("int8", GPU, "onnx", False, True)  # int8 is for the CPU: as auto, saying why
    assert fallback.kind == "float32" and fallback.reason.startswith("PRECISION=int8 is for the CPU")
    assert describe(CPU, choose_precision("int8", CPU, "onnx", False, True)) == \
        "cpu (DEVICE=cpu asked for), int8 (8-bit quantised graph, PRECISION=int8 asked for)"
    with pytest.raises(DeepMapperError, match="Unknown PRECISION 'int4'; use one of auto, float32, int8"):
        choose_precision("int4", CPU, "onnx", False, True)
    with pytest.raises(DeepMapperError, match="'buildings' has no 8-bit version.*PRECISION=auto.*README's section 'PRECISION=int8'"):
        choose_precision("int8", CPU, "torch_state_dict", True, False, "buildings")


def test_device_and_precision_reasons_are_translated(qgis_app):
    """The run's 'Device ...' log line in French QGIS: the reasons were English inside a French sentence."""
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator
    from deepmapper.plugin.core.engine.device import choose_device
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "deepmapper_fr.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        int8 = describe(choose_device("cpu", "onnx"), choose_precision("int8", CPU, "onnx", False, True))
        fallback = choose_precision("int8", GPU, "onnx", False, True).reason
    finally:
        QCoreApplication.removeTranslator(translator)
    assert int8 == "cpu (DEVICE=cpu demandé), int8 (graphe quantifié en 8 bits, PRECISION=int8 demandé)"
    assert fallback == ("PRECISION=int8 est réservé au CPU, donc comme auto : la demi-précision ne sert qu'aux "
                        "modèles PyTorch, celui-ci est en onnx")


def _conv_graph(path: Path, half: bool) -> None:
    """A two-layer convolutional ONNX graph (4 -> 8 -> 3 channels, 3 x 3, padded); float16 weights behind a Cast
    when `half` (as the UKIS graphs are stored)."""
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(0)
    dtype, elem = (np.float16, TensorProto.FLOAT16) if half else (np.float32, TensorProto.FLOAT)
    inits = [numpy_helper.from_array(rng.normal(0, 0.3, s).astype(dtype), n) for n, s in
             (("w1", (8, 4, 3, 3)), ("b1", (8,)), ("w2", (3, 8, 3, 3)), ("b2", (3,)))]
    nodes = [helper.make_node("Cast", ["input"], ["x"], to=elem),
             helper.make_node("Conv", ["x", "w1", "b1"], ["h"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["h"], ["r"]),
             helper.make_node("Conv", ["r", "w2", "b2"], ["y"], pads=[1, 1, 1, 1]),
             helper.make_node("Cast", ["y"], ["output"], to=TensorProto.FLOAT)]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 4, 32, 32])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 3, 32, 32])], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def _run(path: Path | bytes, x: np.ndarray) -> np.ndarray:
    ort = pytest.importorskip("onnxruntime")
    return ort.InferenceSession(path if isinstance(path, bytes) else str(path)).run(None, {"input": x})[0]


def test_float16_graph_widened_to_float32_computes_the_same():
    onnx = pytest.importorskip("onnx")
    from deepmapper.models.quantization import float32_graph
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "half.onnx"
        _conv_graph(path, half=True)
        model = onnx.load(str(path))
        float32_graph(model)
        assert all(t.data_type == onnx.TensorProto.FLOAT for t in model.graph.initializer)
        x = np.random.default_rng(1).normal(size=(1, 4, 32, 32)).astype(np.float32)
        np.testing.assert_allclose(_run(model.SerializeToString(), x), _run(path, x), atol=2e-2)


def _card_with_table(tmp_path: Path):
    """A cloud-mask card for the small graph, calibrated on 8 random tiles (the way scripts/calibrate_int8.py does
    for the UKIS models)."""
    pytest.importorskip("ml_dtypes")
    from deepmapper.models.quantization import calibrate
    from deepmapper.models.registry import Registry, sha256_of
    weights = tmp_path / "small.onnx"
    _conv_graph(weights, half=True)
    card = json.loads((ROOT / "models" / "cards" / "ukis_csmask_4b_l1c.json").read_text())
    card.update(id="small", weights="small.onnx", sha256=sha256_of(weights),
                quantization={"int8_calibration": "small.int8.json"})
    card["tiling"] = {"tile_size": 32, "margin": 4, "blend": "crop"}
    (tmp_path / "small.json").write_text(json.dumps(card))
    loaded = Registry().get(str(tmp_path / "small.json"))
    rng = np.random.default_rng(2)
    calibrate(loaded, (rng.normal(size=(1, 4, 32, 32)).astype(np.float32) for _ in range(8)),
              tmp_path / "small.int8.json")
    return loaded, weights


def test_int8_graph_is_built_from_the_table_once_and_close_to_float(tmp_path, monkeypatch):
    from deepmapper.models.backends import load_model
    from deepmapper.models.quantization import int8_weights
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path / "cache"))
    card, weights = _card_with_table(tmp_path)
    built = int8_weights(card)
    assert built.parent == tmp_path / "cache" / "int8" and built.is_file()
    stamp = built.stat().st_mtime_ns
    assert int8_weights(card) == built and built.stat().st_mtime_ns == stamp  # cached, not built again
    assert sorted(p.name for p in built.parent.iterdir()) == [built.name, built.name + ".sha256"]  # no temporary
    x = np.random.default_rng(3).normal(size=(1, 4, 32, 32)).astype(np.float32)
    reference, quantised = _run(weights, x), _run(built, x)
    assert np.abs(quantised - reference).max() < 0.05 * np.abs(reference).max()
    int8 = load_model(card, CPU, threads=1, precision="int8")
    plain = load_model(card, CPU, threads=1)
    p8, p32 = int8.predict(x * 0.1 + 0.3), plain.predict(x * 0.1 + 0.3)
    assert p8.shape == p32.shape == (1, 3, 32, 32) and (p8.argmax(1) == p32.argmax(1)).mean() > 0.95


def test_int8_table_of_another_graph_is_refused_with_the_fix(tmp_path, monkeypatch):
    from deepmapper.models.quantization import int8_weights
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path / "cache"))
    card, _weights = _card_with_table(tmp_path)
    (tmp_path / "small.int8.json").write_text('{"calibration_method": "Percentile", "data": {}}')
    with pytest.raises(DeepMapperError, match="does not fit its graph.*README's section 'PRECISION=int8'"):
        int8_weights(card)
    (tmp_path / "small.int8.json").write_text('{"CLS": "TensorsData", "data": {"x": {"lowest"')  # cut short
    with pytest.raises(DeepMapperError, match="table of model 'small' is damaged.*not a calibration table"):
        int8_weights(card)
    (tmp_path / "small.int8.json").unlink()
    with pytest.raises(DeepMapperError, match="calibration table of model 'small' is missing"):
        int8_weights(card)
    assert not list((tmp_path / "cache" / "int8").iterdir())  # nothing half-built left


def test_damaged_cached_int8_graph_is_built_again_and_the_build_is_announced(tmp_path, monkeypatch):
    """A cached graph cut short (a full disk, a copy interrupted) used to fail every later run with 'reinstall the
    model'; it is now checked against the SHA-256 written when it was built, and built again."""
    from deepmapper.models.quantization import int8_weights
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path / "cache"))
    card, _weights = _card_with_table(tmp_path)
    said: list[str] = []
    built = int8_weights(card, said.append)
    assert len(said) == 1 and "Building the 8-bit version of model 'small'" in said[0] and str(built.parent) in said[0]
    whole = built.read_bytes()
    assert int8_weights(card, said.append) == built and len(said) == 1  # cached: nothing to announce
    built.write_bytes(whole[: len(whole) // 2])
    assert int8_weights(card, said.append) == built and len(said) == 2
    assert built.read_bytes() == whole  # the same bytes again: the build is deterministic


def test_cancel_during_an_int8_build_returns_at_once_and_the_build_still_lands(tmp_path, monkeypatch):
    """onnxruntime's quantiser cannot be interrupted: a cancel during the first int8 build (10-15 s for the UKIS
    model) used to wait for it. The wait now returns at the next check; the build finishes in the background and
    its graph is cached, whole, for the next run."""
    import threading
    import time
    from deepmapper.models import quantization
    from deepmapper.models.backends import load_model
    from deepmapper.plugin.core.engine.errors import CancelledError
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path / "cache"))
    card, _weights = _card_with_table(tmp_path)
    started, release = threading.Event(), threading.Event()
    real = quantization._quantize

    def slow_quantize(*args):  # the real build, held until the test lets it go
        started.set()
        assert release.wait(60)
        real(*args)

    def check():  # the user cancels once the build is under way
        if started.is_set():
            raise CancelledError()

    monkeypatch.setattr(quantization, "_quantize", slow_quantize)
    t0 = time.monotonic()
    with pytest.raises(CancelledError):
        load_model(card, CPU, threads=1, precision="int8", check=check)
    assert time.monotonic() - t0 < 10  # the build itself is held for up to 60 s
    folder = tmp_path / "cache" / "int8"
    assert not list(folder.glob("*.onnx"))  # nothing published while the build runs
    release.set()
    deadline = time.monotonic() + 60
    while not list(folder.glob("*.onnx.sha256")) and time.monotonic() < deadline:
        time.sleep(0.1)
    while list(folder.glob(".int8-*")) and time.monotonic() < deadline:  # the build folder goes with the build
        time.sleep(0.1)
    monkeypatch.setattr(quantization, "_quantize", real)
    said: list[str] = []
    built = quantization.int8_weights(card, said.append)
    assert not said  # cached by the cancelled run's build: nothing to build again
    assert sorted(p.name for p in folder.iterdir()) == [built.name, built.name + ".sha256"]
    failed = quantization.int8_weights  # an error inside the build thread reaches the caller
    (tmp_path / "cache2").write_text("a file where the cache folder should be")
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path / "cache2"))
    with pytest.raises(DeepMapperError, match="cannot be written to the folder"):
        failed(card, check=lambda: None)


def test_cancel_by_signal_waits_for_the_build_and_a_rerun_joins_a_running_build(tmp_path, monkeypatch):
    """qgis_process exits right after a cancel, and ends without finalising Python: a build thread still inside
    onnx/onnxruntime then crashed it (rc 139). A cancel by SIGINT/SIGTERM therefore waits for the build. And a run
    of the same model while a cancelled run's build still goes on in this process joins it instead of building a
    second copy."""
    import threading
    from deepmapper.models import cache, quantization
    from deepmapper.plugin.core.engine import progress
    from deepmapper.plugin.core.engine.errors import CancelledError
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path / "cache"))
    card, _weights = _card_with_table(tmp_path)
    started, release, calls = threading.Event(), threading.Event(), []
    real = quantization._quantize

    def slow_quantize(*args):
        calls.append(1)
        started.set()
        assert release.wait(60)
        real(*args)

    def cancelled():
        if started.is_set():
            raise CancelledError()

    monkeypatch.setattr(quantization, "_quantize", slow_quantize)
    with pytest.raises(CancelledError):  # a user's cancel: returns while the build is held
        quantization.int8_weights(card, check=cancelled)
    joined: list = []
    rerun = threading.Thread(target=lambda: joined.append(quantization.int8_weights(card, check=lambda: None)))
    rerun.start()
    rerun.join(1.0)
    assert rerun.is_alive() and len(calls) == 1  # waiting on the first build, not building again
    monkeypatch.setattr(progress, "_signalled", threading.Event())
    progress._signalled.set()  # as after a SIGINT under stop_on_signals
    threading.Timer(0.5, release.set).start()
    said: list = []
    with pytest.raises(CancelledError):
        quantization.int8_weights(card, say=said.append, check=cancelled)
    assert cache.intact(joined[0] if joined else next((tmp_path / "cache" / "int8").glob("*.onnx")))
    assert any("waiting for the 8-bit build" in line for line in said), said  # the wait is said, not a silent hang
    rerun.join(30)
    assert joined and cache.intact(joined[0]) and len(calls) == 1


def test_a_full_disk_during_the_build_is_named_not_blamed_on_the_table(tmp_path, monkeypatch):
    """On a full disk onnx writes a truncated graph without an error, and reading it back fails with 'Wire format
    was corrupt': that used to be reported as a calibration table that does not fit."""
    import shutil
    from collections import namedtuple
    from deepmapper.models import quantization
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path / "cache"))
    card, _weights = _card_with_table(tmp_path)

    def truncated(weights, folder):
        raise RuntimeError("Error parsing message with type 'onnx.ModelProto': Wire format was corrupt")

    monkeypatch.setattr(quantization, "_prepared_graph", truncated)
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 1000, 1000))
    with pytest.raises(DeepMapperError, match="cannot be written to the folder .*No space left on device"):
        quantization.int8_weights(card)
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**12, 0, 10**12))  # space left: another fault
    with pytest.raises(RuntimeError, match="Wire format was corrupt"):
        quantization.int8_weights(card)


def test_unwritable_int8_cache_folder_names_the_fix(tmp_path, monkeypatch):
    from deepmapper.models.quantization import int8_weights
    card, _weights = _card_with_table(tmp_path)
    (tmp_path / "not_a_folder").write_text("a file where the cache folder should be")
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path / "not_a_folder"))
    with pytest.raises(DeepMapperError, match="cannot be written to the folder .*not_a_folder/int8.*"
                                              "DEEPMAPPER_CACHE.*DeepMapper settings.*PRECISION=auto"):
        int8_weights(card)


def test_build_folders_left_by_killed_runs_are_removed(tmp_path, monkeypatch):
    """A run killed mid-build leaves its '.int8-*' folder (about 150 MB for the UKIS model), and so does a
    qgis_process cancelled during its first build (it exits before the background build ends). Every int8 run
    removes the folders of ended processes of this host at once, and any other folder once older than an hour; it
    keeps a recent one of an unknown or live process (another run may be building there)."""
    import socket
    import sys
    from deepmapper.models.quantization import STALE_BUILD_S, int8_weights
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path / "cache"))
    card, _weights = _card_with_table(tmp_path)
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True).stdout.strip()
    host = socket.gethostname()
    cache = tmp_path / "cache" / "int8"
    old, recent = cache / ".int8-killed", cache / ".int8-running"
    dead, alive = cache / f".int8-{ended}@{host}-abc123", cache / f".int8-{os.getpid()}@{host}-def456"
    elsewhere = cache / f".int8-{ended}@another-{host}-ghi789"
    odd = [cache / f".int8-{pid}@{host}-x" for pid in ("2147483648", "9" * 20, "\u00b2", "", "-1")]
    for folder in (old, recent, dead, alive, elsewhere, *odd):
        folder.mkdir(parents=True)
        (folder / "x.float32.onnx").write_bytes(b"0" * 1000)
    past = old.stat().st_mtime - STALE_BUILD_S - 60
    os.utime(old, (past, past))
    built = int8_weights(card)
    assert not old.exists() and not dead.exists()
    assert all((f / "x.float32.onnx").is_file() for f in (recent, alive, elsewhere, *odd))  # odd names: by age only
    dead.mkdir()  # left by a cancelled qgis_process after the graph was cached: a cached run removes it too
    assert int8_weights(card) == built and not dead.exists()


@pytest.fixture(scope="module")
def int8_cache(tmp_path_factory):
    """One int8 build of the UKIS 6-band model for the tests below (about 15 s)."""
    folder = tmp_path_factory.mktemp("int8cache")
    old = os.environ.get("DEEPMAPPER_CACHE")
    os.environ["DEEPMAPPER_CACHE"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("DEEPMAPPER_CACHE", None)
    else:
        os.environ["DEEPMAPPER_CACHE"] = old


def test_cloudmask_int8_on_the_chip_keeps_the_scores(qgis_app, tmp_path, int8_cache):
    """PRECISION=int8 through processing.run: the table was made on another scene (Betsiboka), the scores here are
    those of docs/benchmarks.md (float32: cloud 0.864, shadow 0.826)."""
    pytest.importorskip("ml_dtypes")
    import processing
    chip = data_file("clouds/s2_cloud_chip.tif")
    ref = rasterio.open(data_file("clouds/s2_cloud_chip_reference.tif")).read(1)
    base = processing.run("deepmapper:cloudmask", {"INPUT": str(chip), "OUTPUT": str(tmp_path / "f.tif")})
    fast = processing.run("deepmapper:cloudmask", {"INPUT": str(chip), "PRECISION": "int8",
                                                   "OUTPUT": str(tmp_path / "q.tif")})
    pred, plain = rasterio.open(fast["OUTPUT"]).read(1), rasterio.open(base["OUTPUT"]).read(1)
    assert f1(pred, ref, 1) >= 0.864 and f1(pred, ref, 2) >= 0.826
    assert 0.97 < (pred == plain).mean() < 1.0  # a different graph, nearly the same mask
    assert len(list((int8_cache / "int8").glob("ukis_csmask_6b_l1c-*.onnx"))) == 1


def test_qgis_process_int8_option_number_and_refusal_for_a_model_without_table(tmp_path, int8_cache):
    if not QGIS_PROCESS.exists() or not Path("/usr/bin/qgis_process.bin").exists():
        pytest.skip("qgis_process.bin not installed (run `make setup`)")
    pytest.importorskip("ml_dtypes")
    chip = data_file("clouds/s2_cloud_chip.tif")
    env = {**os.environ, "DEEPMAPPER_CACHE": str(int8_cache)}
    ok = subprocess.run([str(QGIS_PROCESS), "--json", "run", "deepmapper:cloudmask", "--", f"INPUT={chip}",
                         "PRECISION=2", f"OUTPUT={tmp_path / 'q.tif'}"], capture_output=True, text=True,
                        timeout=600, env=env)  # option 2 = int8, as qgis_process help lists them
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert "int8 (8-bit quantised graph" in ok.stdout
    refused = subprocess.run([str(QGIS_PROCESS), "run", "deepmapper:cloudmask", "--", f"INPUT={chip}",
                              "MODEL=ukis_csmask_6b_l2a", "PRECISION=int8",
                              f"OUTPUT={tmp_path / 'r.tif'}"], capture_output=True, text=True, timeout=600, env=env)
    assert refused.returncode != 0
    assert "'ukis_csmask_6b_l2a' has no 8-bit version" in refused.stdout + refused.stderr
    assert not (tmp_path / "r.tif").exists()


def test_a_batch_the_graph_refuses_is_named_with_the_fix(tmp_path):
    """A graph exported for batch 1 given 2 tiles: DeepMapperError naming both shapes and BATCH_SIZE=1, not
    onnxruntime's traceback (the engine's other calls in flight are then dropped by ForwardCalls)."""
    pytest.importorskip("onnxruntime")
    from deepmapper.models.backends.onnx_backend import onnx_runner
    path = tmp_path / "batch1.onnx"
    _conv_graph(path, half=False)
    run = onnx_runner(path, CPU, threads=2)
    assert run(np.zeros((1, 4, 32, 32), np.float32)).shape == (1, 3, 32, 32)
    with pytest.raises(DeepMapperError, match=r"refused a batch of 2 x 4 x 32 x 32 \(its input is 1 x 4 x 32 x 32\)"
                                              r".*BATCH_SIZE=1"):
        run(np.zeros((2, 4, 32, 32), np.float32))
