"""Several forward calls at once (engine.inference.ForwardCalls): the same rows bit for bit as one call at a time,
whatever order the calls finish in; errors and cancels leave no thread running; the CPU split of the threads."""
from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from conftest import ArrayReader
from deepmapper.plugin.core.engine.device import cpu_calls, physical_cores
from deepmapper.plugin.core.engine.errors import CancelledError
from deepmapper.plugin.core.engine.inference import ForwardCalls, predict_tiled
from deepmapper.plugin.core.engine.progress import Monitor
from deepmapper.plugin.core.engine.tiling import TileSpec


class ShuffledModel:
    """A model that depends on each pixel's neighbours and serves `at_once` calls, each sleeping a random while so
    that calls finish out of order."""

    n_outputs = 2

    def __init__(self, at_once: int, seed: int = 0, fail_at: int | None = None) -> None:
        self.at_once, self.fail_at = at_once, fail_at
        self.rng = np.random.default_rng(seed)
        self.calls = 0
        self.lock = threading.Lock()

    def fill_values(self):
        return np.zeros(1, np.float32)

    def calls_at_once(self, tile_size: int) -> int:
        return self.at_once

    def predict(self, batch):
        with self.lock:
            self.calls += 1
            n, pause = self.calls, float(self.rng.uniform(0, 0.004))
        if n == self.fail_at:
            raise RuntimeError("broken call")
        time.sleep(pause)
        blurred = ndimage.uniform_filter(batch[:, 0], size=(1, 7, 7), mode="reflect")
        return np.stack([np.tanh(blurred), np.cos(blurred)], axis=1).astype(np.float32)


def run(data, model, tile, batch, rows=None, cols=None, monitor=None):
    h = (rows[1] - rows[0]) if rows else data.shape[1]
    w = (cols[1] - cols[0]) if cols else data.shape[2]
    out = np.full((2, h, w), -7.0, np.float32)
    order = []

    def sink(r, block):
        order.append(r)
        r -= rows[0] if rows else 0
        out[:, r:r + block.shape[1]] = block

    stats = predict_tiled(ArrayReader(data), model, tile, batch, sink, monitor, rows=rows, cols=cols)
    assert order == sorted(order)  # rows reach the sink top to bottom
    return out, stats


def forward_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("deepmapper-forward")]


@settings(max_examples=25, deadline=None)
@given(h=st.integers(1, 140), w=st.integers(1, 120), size=st.sampled_from([16, 24, 32]),
       margin=st.integers(0, 6), mode=st.sampled_from(["crop", "blend"]), batch=st.integers(1, 4),
       at_once=st.integers(2, 4), gap=st.tuples(st.integers(0, 140), st.integers(0, 60)),
       window=st.one_of(st.none(), st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))),
       seed=st.integers(0, 1000))
def test_calls_at_once_give_the_same_rows(h, w, size, margin, mode, batch, at_once, gap, window, seed):
    """Rows of nodata make strips with no tile to run (flushed between strips that have some); a window (EXTENT)
    limits rows and columns; results and counters must equal one call at a time bit for bit."""
    margin = min(margin, size // 2 - 1)
    data = np.random.default_rng(seed).normal(size=(1, h, w)).astype(np.float32)
    data[:, gap[0]:gap[0] + gap[1]] = np.nan
    rows = cols = None
    if window is not None:
        r = sorted(int(v * h) for v in window[:2])
        c = sorted(int(v * w) for v in window[2:])
        rows, cols = (r[0], max(r[1], r[0] + 1)), (c[0], max(c[1], c[0] + 1))
        if rows[1] > h or cols[1] > w:
            return
    tile = TileSpec(size, margin, mode)
    one, stats_one = run(data, ShuffledModel(1), tile, batch, rows, cols)
    many, stats_many = run(data, ShuffledModel(at_once, seed), tile, batch, rows, cols)
    assert (stats_one["tiles"], stats_one["skipped"]) == (stats_many["tiles"], stats_many["skipped"])
    np.testing.assert_array_equal(one, many)
    assert not forward_threads()


def test_the_log_says_where_the_time_went():
    """A run's seconds alone did not say whether the disk, the model or the tiling thread held it up (the GPU was
    busy 1-8 % of a full tile on an H200): each stage is timed in its own thread, and the tiling thread's waits."""
    from deepmapper.plugin.core.engine.inference import say_tiles

    class SlowReader(ArrayReader):
        def read_rows(self, *args):
            time.sleep(0.05)
            return super().read_rows(*args)

    class SlowModel(ShuffledModel):
        def predict(self, batch):
            time.sleep(0.02)
            return super().predict(batch)

    data = np.random.default_rng(0).normal(size=(1, 100, 64)).astype(np.float32)
    model = SlowModel(2)

    def slow_sink(row0, rows):
        time.sleep(0.01)

    slow_sink.background_ok = True
    stats = predict_tiled(SlowReader(data), model, TileSpec(32, 4, "blend"), 2, slow_sink)
    times = stats["times"]
    strips = len(TileSpec(32, 4, "blend").origins(100))
    assert times.seconds["model"] >= 0.02 * model.calls and times.calls_at_once == 2
    assert times.seconds["read"] >= 0.05 * strips
    assert times.seconds["write"] >= 0.01 * strips * 0.9
    assert times.seconds["tiling"] > 0 and times.seconds["wait_model"] > 0
    lines: list[str] = []
    say_tiles(lines.append, stats)
    assert lines[0].startswith(f"Inference: {stats['tiles']} tiles run") and len(lines) == 2
    assert "Where the time went: the model" in lines[1] and "2 calls at once" in lines[1] and "waited" in lines[1]


def test_an_error_in_a_call_reaches_the_caller_and_no_call_is_left_running():
    data = np.random.default_rng(0).normal(size=(1, 200, 200)).astype(np.float32)
    model = ShuffledModel(2, fail_at=9)
    with pytest.raises(RuntimeError, match="broken call"):
        run(data, model, TileSpec(32, 4, "blend"), 1)
    assert not forward_threads()
    assert model.calls < 60  # calls not started when the error surfaced were dropped (the image has 64 tiles)


def test_cancel_with_calls_in_flight_stops_and_leaves_no_thread():
    data = np.random.default_rng(1).normal(size=(1, 200, 200)).astype(np.float32)
    model = ShuffledModel(2)
    checks = [0]

    def cancelled():  # the user presses Cancel at the sixth check
        checks[0] += 1
        return checks[0] > 5

    monitor = Monitor(is_cancelled=cancelled)
    with pytest.raises(CancelledError):
        run(data, model, TileSpec(32, 4, "blend"), 1, monitor=monitor)
    assert not forward_threads()
    assert model.calls < 20


def test_forward_calls_with_one_worker_run_in_the_callers_thread():
    class Inline:
        def predict(self, batch):
            return threading.current_thread() is threading.main_thread()

    with ForwardCalls(Inline(), 16) as calls:
        assert calls.workers == 1
        assert calls.submit(np.zeros(1)).result() is True


@pytest.mark.parametrize("threads,expected", [(1, (1, 1)), (2, (2, 1)), (3, (2, 1)), (4, (2, 2)), (16, (2, 8))])
def test_cpu_threads_are_split_between_two_calls(threads, expected):
    assert cpu_calls(threads) == expected
    assert cpu_calls(threads, 256) == expected


@pytest.mark.parametrize("threads", [1, 2, 8])
def test_large_tiles_run_one_call_of_every_thread(threads):
    """Two calls of 512 px tiles would hold two sets of activations (guided super-resolution: +350 MB)."""
    assert cpu_calls(threads, 512) == (1, threads)


def test_default_split_uses_the_cores_there_are():
    calls, each = cpu_calls(0)
    assert calls * each <= physical_cores()
    assert calls == (2 if physical_cores() >= 2 else 1)


def test_onnx_model_serves_calls_at_once_on_its_declared_tiles_only():
    """The UKIS graph serves 2 calls of 256 px tiles at once on a CPU of 2 cores or more; large free-size tiles run
    one at a time (two would hold twice the activations), and the outputs of both are those of one call."""
    pytest.importorskip("onnxruntime")
    pytest.importorskip("ukis_csmask")
    from deepmapper.models.backends import load_model
    from deepmapper.models.registry import Registry
    from deepmapper.plugin.core.engine.device import choose_device
    card = Registry().get("ukis_csmask_6b_l1c")
    model = load_model(card, choose_device("cpu", card.format), threads=2)
    assert model.calls_at_once(256) == 2
    assert model.calls_at_once(512) == 1
    x = np.random.default_rng(0).random((1, 6, 256, 256), dtype=np.float32)
    alone = model.predict(x)
    with ForwardCalls(model, 256) as calls:
        futures = [calls.submit(x) for _ in range(3)]
        for future in futures:
            np.testing.assert_array_equal(future.result(), alone)


def test_torch_model_serves_two_calls_with_half_the_threads_each(monkeypatch):
    """landcover_s2 on torch (DEEPMAPPER_TORCH_RUNTIME=torch; by default it runs on its ONNX export) on a 2-core
    CPU: two calls of one thread each; the worker threads' count does not change the caller's; the probabilities are
    those of one call of two threads within float32 rounding (torch's reductions split by thread count), the classes
    the same."""
    torch = pytest.importorskip("torch")
    monkeypatch.setenv("DEEPMAPPER_TORCH_RUNTIME", "torch")
    from deepmapper.models.backends import load_model
    from deepmapper.models.backends.torch_backend import set_torch_threads
    from deepmapper.models.registry import Registry
    from deepmapper.plugin.core.engine.device import choose_device
    card = Registry().get("landcover_s2")
    before = torch.get_num_threads()
    try:
        set_torch_threads(2)
        model = load_model(card, choose_device("cpu", card.format))
        assert model.runtime == "torch_state_dict"
        assert model.calls_at_once(256) == 2
        assert model.calls_at_once(512) == 1
        x = np.random.default_rng(0).random((1, len(card.bands), 256, 256), dtype=np.float32) * 0.3
        alone = model.predict(x)
        with ForwardCalls(model, 256) as calls:
            futures = [calls.submit(x) for _ in range(3)]
            results = [f.result() for f in futures]
        assert torch.get_num_threads() == 2
        for r in results:
            np.testing.assert_array_equal(r, results[0])  # one thread per call: the same every time
            np.testing.assert_allclose(r, alone, atol=1e-5)
            assert (r.argmax(1) == alone.argmax(1)).mean() > 0.999
    finally:
        torch.set_num_threads(before)


def test_batch_size_is_shared_between_the_calls():
    """BATCH_SIZE tiles in flight in all, as with one call (two calls of 16 tiles held 1.89 GB against 1.31 GB)."""
    sizes = []

    class Recording(ShuffledModel):
        def predict(self, batch):
            sizes.append(len(batch))
            return super().predict(batch)

    data = np.random.default_rng(2).normal(size=(1, 100, 200)).astype(np.float32)
    one, _ = run(data, ShuffledModel(1), TileSpec(32, 4, "blend"), 4)
    many, _ = run(data, Recording(2), TileSpec(32, 4, "blend"), 4)
    np.testing.assert_array_equal(one, many)
    assert max(sizes) == 2
    with ForwardCalls(ShuffledModel(2), 32) as calls:
        assert [calls.batch_per_call(b) for b in (1, 2, 3, 16)] == [1, 1, 2, 8]


def test_malloc_policy_follows_the_runtime():
    """ONNX runs return large freed blocks to the system (4 MB mmap threshold); torch runs on the CPU reuse them
    (glibc's dynamic default while nothing was set, else 32 MB)."""
    from deepmapper.plugin.core.engine import raster_io
    if not raster_io.sys.platform.startswith("linux"):
        pytest.skip("glibc only")
    keep = raster_io._MALLOC_POLICY
    try:
        raster_io._MALLOC_POLICY = None
        raster_io.malloc_policy(reuse_heap=True)
        assert raster_io._MALLOC_POLICY is None  # glibc's dynamic default already reuses: left alone
        raster_io.malloc_policy(reuse_heap=False)
        assert raster_io._MALLOC_POLICY == "return"
        raster_io.malloc_policy(reuse_heap=True)
        assert raster_io._MALLOC_POLICY == "reuse"
    finally:  # glibc's dynamic default (None) cannot come back: "reuse" is the nearest
        raster_io.malloc_policy(reuse_heap=keep != "return")


def test_threads_for_torch_models_are_honoured(monkeypatch):
    """THREADS=1 on a torch model run on torch: one call at a time, in the calling thread, with one torch thread."""
    torch = pytest.importorskip("torch")
    monkeypatch.setenv("DEEPMAPPER_TORCH_RUNTIME", "torch")
    from deepmapper.models.backends import load_model
    from deepmapper.models.registry import Registry
    from deepmapper.plugin.core.engine.device import choose_device
    card = Registry().get("landcover_s2")
    before = torch.get_num_threads()
    try:
        model = load_model(card, choose_device("cpu", card.format), threads=1)
        assert model.calls_at_once(256) == 1
        assert torch.get_num_threads() == 1
        assert model.reuse_heap
    finally:
        torch.set_num_threads(before)


def test_the_fixed_size_session_is_released_once_large_tiles_run():
    """After the first large tile the free-size session serves every size and the graph-as-exported session goes:
    one session's weights in memory, not two (the refused-batch message must not keep it alive)."""
    import gc
    ort = pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    pytest.importorskip("ukis_csmask")
    from deepmapper.models.backends import load_model
    from deepmapper.models.registry import Registry
    from deepmapper.plugin.core.engine.device import choose_device
    card = Registry().get("ukis_csmask_6b_l1c")
    gc.collect()
    before = sum(isinstance(o, ort.InferenceSession) for o in gc.get_objects())
    model = load_model(card, choose_device("cpu", card.format), threads=2)
    model.predict(np.zeros((1, 6, 288, 288), np.float32))
    gc.collect()
    assert sum(isinstance(o, ort.InferenceSession) for o in gc.get_objects()) == before + 1
