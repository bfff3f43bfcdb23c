"""onnxruntime's optimised graph kept between runs (models/backends/optimized_graph.py): the same bits as a session
optimised afresh, built again when damaged, keyed by CPU and onnxruntime version, never a reason for a run to fail."""
from __future__ import annotations

import os
import time

import numpy as np
import pytest

from deepmapper.models.registry import Registry, verified_weights

MODEL = "ukis_csmask_6b_l1c"


@pytest.fixture(scope="module")
def graph():
    card = Registry().get(MODEL)
    try:
        return verified_weights(card)
    except Exception as exc:  # ukis-csmask not installed
        pytest.skip(str(exc))


def _options(ort, threads=1):
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    return options


def _tile(seed=0):
    return np.random.default_rng(seed).normal(0.3, 0.2, (1, 6, 256, 256)).astype(np.float32)


def _run(session, x):
    return session.run(None, {session.get_inputs()[0].name: x})[0]


def _loads(monkeypatch, ort):
    """The graph files sessions are created from, in order."""
    seen: list[str] = []
    real = ort.InferenceSession

    def recording(path, *args, **kwargs):
        seen.append(str(path))
        return real(path, *args, **kwargs)

    monkeypatch.setattr(ort, "InferenceSession", recording)
    return seen


@pytest.mark.parametrize("threads", [1, 2])
def test_the_cached_graph_gives_the_bits_of_a_fresh_session_and_is_used_next_time(graph, tmp_path, monkeypatch,
                                                                                  threads):
    ort = pytest.importorskip("onnxruntime")
    from deepmapper.models.backends.optimized_graph import cpu_session
    x = _tile()
    fresh = _run(ort.InferenceSession(str(graph), sess_options=_options(ort, threads), providers=["CPUExecutionProvider"]), x)
    seen = _loads(monkeypatch, ort)
    first = cpu_session(ort, graph, _options(ort, threads), tmp_path)  # optimises and saves
    cached = list(tmp_path.glob("*.onnx"))
    assert len(cached) == 1 and (tmp_path / (cached[0].name + ".sha256")).is_file()
    assert oct(cached[0].stat().st_mode & 0o777) == oct(0o644)  # readable by the other users of a shared cache
    assert not list(tmp_path.glob(".optimizing-*"))
    options = _options(ort, threads)
    second = cpu_session(ort, graph, options, tmp_path)  # from the cache, optimisation off
    assert seen == [str(graph), str(cached[0])]
    assert options.graph_optimization_level == ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    np.testing.assert_array_equal(_run(first, x), fresh)
    np.testing.assert_array_equal(_run(second, x), fresh)


def test_a_damaged_cached_graph_is_built_again(graph, tmp_path, monkeypatch):
    ort = pytest.importorskip("onnxruntime")
    from deepmapper.models.backends.optimized_graph import cpu_session
    cpu_session(ort, graph, _options(ort), tmp_path)
    cached = next(tmp_path.glob("*.onnx"))
    with open(cached, "r+b") as f:  # same size, different bytes: only the digest can tell
        f.seek(cached.stat().st_size // 2)
        f.write(b"\0" * 64)
    seen = _loads(monkeypatch, ort)
    session = cpu_session(ort, graph, _options(ort), tmp_path)
    assert seen == [str(graph)]  # not the damaged file
    fresh = ort.InferenceSession(str(graph), sess_options=_options(ort), providers=["CPUExecutionProvider"])
    np.testing.assert_array_equal(_run(session, _tile(1)), _run(fresh, _tile(1)))
    seen.clear()
    cpu_session(ort, graph, _options(ort), tmp_path)
    assert seen == [str(cached)]  # saved again, whole


def test_an_unwritable_cache_only_costs_the_optimisation(graph, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    from deepmapper.models.backends.optimized_graph import cpu_session
    blocked = tmp_path / "not_a_folder"
    blocked.write_text("a file where the cache folder should be")
    session = cpu_session(ort, graph, _options(ort), blocked / "optimized")
    assert _run(session, _tile()).shape == (1, 3, 256, 256)


def test_the_key_holds_the_cpu_and_the_onnxruntime_version(graph, tmp_path, monkeypatch):
    ort = pytest.importorskip("onnxruntime")
    from deepmapper.models.backends import optimized_graph
    level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    here = optimized_graph.cached_graph_path(ort, graph, tmp_path, level)
    assert "flags=" in optimized_graph.cpu_identity() or not os.path.exists("/proc/cpuinfo")
    optimized_graph.cpu_identity.cache_clear()
    monkeypatch.setattr(optimized_graph.platform, "processor", lambda: "another CPU")
    try:
        assert optimized_graph.cached_graph_path(ort, graph, tmp_path, level) != here
    finally:
        optimized_graph.cpu_identity.cache_clear()
    monkeypatch.setattr(ort, "__version__", "0.0.1")
    assert optimized_graph.cached_graph_path(ort, graph, tmp_path, level) != here
    assert optimized_graph.cached_graph_path(ort, graph, tmp_path, ort.GraphOptimizationLevel.ORT_ENABLE_BASIC) != \
        optimized_graph.cached_graph_path(ort, graph, tmp_path, level)


def test_a_killed_save_is_cleaned_up_later(graph, tmp_path):
    ort = pytest.importorskip("onnxruntime")
    from deepmapper.models.backends.optimized_graph import cpu_session
    from deepmapper.models.cache import STALE_S
    old, recent = tmp_path / ".optimizing-old.onnx", tmp_path / ".optimizing-recent.onnx"
    for f in (old, recent):
        f.write_bytes(b"half a graph")
    past = time.time() - STALE_S - 10
    os.utime(old, (past, past))
    cpu_session(ort, graph, _options(ort), tmp_path)
    assert not old.exists() and recent.exists()  # a recent one may be another run's save in progress


def test_load_model_keeps_the_optimised_graph_in_the_cache_folder_on_the_cpu_only(graph, tmp_path, monkeypatch):
    pytest.importorskip("onnxruntime")
    from deepmapper.models.backends import OPTIMIZED_FOLDER, load_model
    from deepmapper.plugin.core.engine.device import Device
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(tmp_path))
    card = Registry().get(MODEL)
    model = load_model(card, Device("cpu"), threads=1)
    assert len(list((tmp_path / OPTIMIZED_FOLDER).glob(f"{graph.stem}-*.onnx"))) == 1
    again = load_model(card, Device("cpu"), threads=1)
    x = np.random.default_rng(2).random((1, 6, 256, 256)).astype(np.float32)
    np.testing.assert_array_equal(model.predict(x), again.predict(x))


def test_a_graph_with_external_data_is_not_cached(graph, tmp_path):
    """The saved graph would hold the weights, and the key (the .onnx file's SHA-256) would not see the data file
    change: a changed data file then ran with the old weights."""
    ort = pytest.importorskip("onnxruntime")
    onnx = pytest.importorskip("onnx")
    from deepmapper.models.backends.optimized_graph import cpu_session, uses_external_data
    model = onnx.load(str(graph))
    split = tmp_path / "model" / "split.onnx"
    split.parent.mkdir()
    onnx.save(model, str(split), save_as_external_data=True, location="split.onnx.data", size_threshold=0)
    assert uses_external_data(split) and not uses_external_data(graph)
    cache = tmp_path / "cache"
    session = cpu_session(ort, split, _options(ort), cache)
    assert not cache.exists() or not any(cache.iterdir())
    fresh = ort.InferenceSession(str(graph), sess_options=_options(ort), providers=["CPUExecutionProvider"])
    np.testing.assert_array_equal(_run(session, _tile()), _run(fresh, _tile()))


def test_a_cached_graph_others_may_write_is_not_trusted(graph, tmp_path, monkeypatch):
    """The SHA-256 beside a cached graph proves it whole, not who made it: in a cache folder other accounts can
    write, a graph planted there (another model with a matching digest) ran silently. Only this account's (or
    root's) files that no one else may write are used; the others are left alone and the graph optimised afresh."""
    ort = pytest.importorskip("onnxruntime")
    from deepmapper.models.backends.optimized_graph import cpu_session
    cpu_session(ort, graph, _options(ort), tmp_path)
    cached = next(tmp_path.glob("*.onnx"))
    os.chmod(cached, 0o664)  # group-writable: anyone of the group could have replaced it
    seen = _loads(monkeypatch, ort)
    cpu_session(ort, graph, _options(ort), tmp_path)
    assert seen == [str(graph)]
    if hasattr(os, "getuid") and os.getuid() == 0:  # owned by another account (needs root to set up)
        os.chmod(cached, 0o644)
        os.chown(cached, 65534, -1)
        seen.clear()
        cpu_session(ort, graph, _options(ort), tmp_path)
        assert seen == [str(graph)]


def test_a_path_onnxruntime_cannot_take_only_costs_the_cache(graph, tmp_path):
    """A cache path with bytes that are not UTF-8 (a legacy locale): onnxruntime refuses the save path with a
    TypeError, which was reported as a corrupt model. The run goes on without the cache and leaves nothing."""
    ort = pytest.importorskip("onnxruntime")
    from deepmapper.models.backends.optimized_graph import cpu_session
    folder = tmp_path / os.fsdecode(b"caf\xe9")
    session = cpu_session(ort, graph, _options(ort), folder)
    assert _run(session, _tile()).shape == (1, 3, 256, 256)
    assert not [p for p in folder.iterdir() if p.name.startswith(".optimizing-")]


def test_a_failed_publish_leaves_no_temporary_file(graph, tmp_path, monkeypatch):
    ort = pytest.importorskip("onnxruntime")
    from deepmapper.models import cache
    from deepmapper.models.backends.optimized_graph import cpu_session

    def refused(*args):
        raise PermissionError("another account's file")

    monkeypatch.setattr(cache.os, "replace", refused)
    session = cpu_session(ort, graph, _options(ort), tmp_path)
    assert _run(session, _tile()).shape == (1, 3, 256, 256)
    assert list(tmp_path.iterdir()) == []


def test_unused_graphs_and_leftovers_are_deleted_and_a_used_graph_is_kept(graph, tmp_path, monkeypatch):
    """Each onnxruntime version, CPU and model version leaves its own 80 MB graph: those no run used for UNUSED_S
    go, as do digests a killed run left; the graph in use is marked as used."""
    ort = pytest.importorskip("onnxruntime")
    from deepmapper.models.backends.optimized_graph import cpu_session
    from deepmapper.models.cache import UNUSED_S
    cpu_session(ort, graph, _options(ort), tmp_path)
    cached = next(tmp_path.glob("*.onnx"))
    old_graph = tmp_path / "model_6b_l1c-0123456789abcdef.onnx"  # of another onnxruntime version
    old_graph.write_bytes(b"graph")
    (tmp_path / (old_graph.name + ".sha256")).write_text("x")
    digest_left = tmp_path / (cached.name + ".sha256.999999")  # a run killed while publishing
    digest_left.write_text("x")
    long_ago, last_week = time.time() - UNUSED_S - 10, time.time() - 7 * 86400
    for path in (old_graph, digest_left):
        os.utime(path, (long_ago, long_ago))
    os.utime(cached, (last_week, last_week))
    seen = _loads(monkeypatch, ort)
    cpu_session(ort, graph, _options(ort), tmp_path)
    assert seen == [str(cached)]  # used, so marked as used now
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([cached.name, cached.name + ".sha256"])
    assert time.time() - cached.stat().st_mtime < 60


def test_a_cache_folder_that_cannot_protect_its_files_gives_way_to_the_private_cache(graph, tmp_path, monkeypatch):
    """On FAT/exFAT, or a network share mounted with one mode (0777) for every file, no derived file can be trusted
    (test above), so each run optimised, quantised or exported the model again (up to 20 s) while saying 'first run
    only'. Such a folder now gives way to the private default cache, where the files are kept and used."""
    pytest.importorskip("onnxruntime")
    from deepmapper.models import cache
    from deepmapper.models.backends import OPTIMIZED_FOLDER, load_model
    from deepmapper.plugin.core.engine.device import Device
    share, home = tmp_path / "share", tmp_path / "home-cache"
    monkeypatch.setenv("DEEPMAPPER_CACHE", str(share))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    card = Registry().get(MODEL)
    cache._protects.cache_clear()
    try:
        assert cache.cache_root(card) == share  # an ordinary folder keeps its permissions
        cache._protects.cache_clear()
        real = cache.trusted
        # what a FAT file system or a share mounted with file_mode=0777 shows for every file: writable by all
        monkeypatch.setattr(cache, "trusted", lambda path: not str(path).startswith(str(share)) and real(path))
        assert cache.cache_root(card) == home / "deepmapper"
        assert not [p for p in share.rglob("*") if p.is_file()]  # the probe left nothing there
        load_model(card, Device("cpu"), threads=1)
        saved = list((home / "deepmapper" / OPTIMIZED_FOLDER).glob(f"{graph.stem}-*.onnx"))
        assert len(saved) == 1
        import onnxruntime as ort
        seen = _loads(monkeypatch, ort)
        load_model(card, Device("cpu"), threads=1)
        assert seen and all(path == str(saved[0]) for path in seen)  # the kept graph, not the source again
    finally:
        cache._protects.cache_clear()
