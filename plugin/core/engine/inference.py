"""Streaming tiled inference: strip by strip, batch by batch, memory flat in the raster's height.

One strip (a row of tiles, `tile.size` rows of the image) is read at a time; tile predictions are weighted
(see tiling.py) into an accumulator of the same height, and rows are written out as soon as no later tile can
touch them. Invalid (nodata) input pixels come out as NaN; tiles whose useful centre holds no valid pixel are
never sent to the model.
"""
from __future__ import annotations

import os
from collections import deque
from typing import Callable, Protocol

import numpy as np

from .errors import DeepMapperError
from .messages import _
from .progress import Monitor
from .raster_io import BackgroundSink, BandReader, PrefetchingReader, malloc_policy
from .tiling import TileSpec, mirror_outside
from .timing import StageTimes


class Predictor(Protocol):
    """What the engine needs from a model: probabilities for a batch of normalised-ready tiles."""

    n_outputs: int

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """(N, C, T, T) float32 in model units -> (N, K, T, T) float32 probabilities."""

    def fill_values(self) -> np.ndarray:
        """(C,) values to put where input pixels are invalid (neutral after normalisation)."""

    def calls_at_once(self, tile_size: int) -> int:
        """How many predict calls may run at once on tiles of `tile_size` pixels (optional: 1 without it)."""

    def prepare_worker(self) -> None:
        """Set up a thread that will make predict calls (optional; e.g. its share of torch's CPU threads)."""

    # Optional attribute reuse_heap: True when the runtime allocates its activations afresh on every call (torch on
    # the CPU), so that glibc should keep freed blocks for reuse (raster_io.malloc_policy).


RowSink = Callable[[int, np.ndarray], None]  # (row0, rows (K, h, W)) -> None


def check_strip_memory(rows: int, span: int, planes: int, width: int) -> None:
    """Refuse a raster too wide to stream: a strip of `rows` tile rows across the whole width (`planes` float32
    planes of rows x span: input bands, outputs, weights) must fit in half the memory that is free now."""
    need = 4 * rows * span * planes
    try:
        free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):  # not POSIX: no check
        return
    if need > free // 2:
        raise DeepMapperError(
            _("The raster is too large to process here: it is {width} pixels wide, and tiled inference holds a strip "
            "of {rows} rows across the whole width ({need:.1f} GB), more than half of the free memory "
            "({free:.1f} GB). Clip it into narrower pieces first (e.g. gdal_translate -srcwin), or lower "
            "TILE_SIZE.").format(width=width, rows=rows, need=need / 2**30, free=free / 2**30))


def predict_tiled(reader: BandReader, model: Predictor, tile: TileSpec, batch_size: int, sink: RowSink,
                  *args, **kwargs) -> dict:
    """Run `model` over the reader's raster; hand finished rows of probabilities (NaN = nodata) to `sink`. The
    next strip is read in a background thread while this one is computed, and a sink that says background_ok
    (raster_io.BlockRowWriter, classify's and super-resolution's sinks) runs in another (threads: see
    raster_io.PrefetchingReader, BackgroundSink). Arguments: see _predict_tiled; the returned counters also hold
    'times', where the time went (timing.StageTimes, said by say_tiles)."""
    malloc_policy(bool(getattr(model, "reuse_heap", False)))
    origins = tile.origins(reader.height)
    times = StageTimes()

    def next_rows(row0: int, row1: int) -> tuple[int, int] | None:  # the image rows of the next tile row
        later = [r for r in origins if max(r, 0) > row0]
        return (max(later[0], 0), min(later[0] + tile.size, reader.height)) if later else None

    prefetch = PrefetchingReader(_TimedReader(reader, times), next_rows)
    background = BackgroundSink(times.timed("write", sink)) if getattr(sink, "background_ok", False) else None
    to_sink = times.timed("wait_write", background) if background is not None else times.timed("write", sink)
    try:
        stats = _predict_tiled(prefetch, model, tile, batch_size, to_sink, *args, times=times, **kwargs)
    finally:
        prefetch.close()
        if background is not None:
            with times("wait_write"):
                background.close()
    stats["times"] = times
    return stats


class _TimedReader:
    """A reader whose reads count as 'read' in `times` (in the prefetching thread, or the caller's)."""

    def __init__(self, reader: BandReader, times: StageTimes) -> None:
        self.height, self.width = reader.height, reader.width
        self.read_rows = times.timed("read", reader.read_rows)


def _predict_tiled(reader: BandReader, model: Predictor, tile: TileSpec, batch_size: int, sink: RowSink,
                   monitor: Monitor | None = None, rows: tuple[int, int] | None = None,
                   cols: tuple[int, int] | None = None, wanted: Callable[[int, int], bool] | None = None,
                   times: StageTimes | None = None) -> dict:
    """Run `model` over the reader's raster; hand finished rows of probabilities (NaN = nodata) to `sink`.

    `rows` = (row0, row1) limits the work to the tile rows that touch image rows [row0, row1) and hands only those
    rows to `sink`: the tile grid stays the whole image's, so they are bit for bit what a whole run gives them (a
    strip of a huge scene run on its own, e.g. on a Dask worker). `cols` = (col0, col1) does the same for columns
    (a window of the image: EXTENT, MASK); the sink then gets (K, h, col1 - col0) rows, and the reader is asked
    for the columns the tiles need (read_rows(row0, row1, col0, col1)). `wanted(tile_row0, tile_col0)` False
    skips a tile whose every pixel lies where no output is wanted (outside a mask). Returns counters (tiles run,
    tiles skipped). `times` collects where the time went (the tiling thread's work and waits, the model's calls).

    A model that serves several calls at once (calls_at_once) gets that many batches at a time (ForwardCalls),
    `batch_size` tiles shared between them; they are blended in the order they were sent, so the result is the same
    bit for bit.
    """
    times = times or StageTimes()
    run = _StripRun(reader, model, tile, monitor or Monitor(), rows, cols, sink, times)
    with ForwardCalls(model, tile.size, times) as calls:
        per_call = calls.batch_per_call(batch_size)
        for n, i in enumerate(run.todo):
            strip = run.read_strip(n, i)
            run.send_strip(strip, per_call, wanted, calls)
        run.drain()
    return run.stats


class ForwardCalls:
    """Forward calls in flight: `model.predict` on up to `model.calls_at_once(tile_size)` batches at once in a
    thread pool (each thread set up by `model.prepare_worker`), results taken back in the order sent. With one
    worker (CUDA, a one-core CPU, a model that serves one call at a time) each call runs at once in the caller's
    thread.

    Why: on 2 CPU cores, two calls of one thread each push tiles through faster than one call of two threads, whose
    threads wait for each other inside every small operator (device.cpu_calls has the figures), and the engine's
    own work (stacking, blending, flushing rows, the next strip) overlaps the network instead of leaving a core
    idle. Leaving the `with` block waits for every call still running (none is left inside onnxruntime when
    qgis_process exits) and drops the ones not started."""

    def __init__(self, model: Predictor, tile_size: int, times: StageTimes | None = None) -> None:
        self.model = model
        at_once = getattr(model, "calls_at_once", None)
        self.workers = max(int(at_once(tile_size)) if at_once is not None else 1, 1)
        self._predict = times.timed("model", model.predict) if times is not None else model.predict
        if times is not None:
            times.calls_at_once = self.workers
        # batches sent and not yet blended: one queued per busy worker; none when each call runs at once here
        self.limit = 2 * self.workers if self.workers > 1 else 0
        self._pool = None

    def __enter__(self) -> "ForwardCalls":
        if self.workers > 1:
            from concurrent.futures import ThreadPoolExecutor
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="deepmapper-forward",
                                            initializer=getattr(self.model, "prepare_worker", None))
        return self

    def batch_per_call(self, batch_size: int) -> int:
        """Tiles per call so that the calls at once hold `batch_size` tiles between them, as one call did: the
        activations in memory stay those of BATCH_SIZE tiles (two calls of 16 tiles took 1.89 GB, one 1.31 GB)."""
        return max(1, -(-batch_size // self.workers))

    def submit(self, batch: np.ndarray):
        """A future of model.predict(batch); with one worker, an already finished one."""
        if self._pool is not None:
            return self._pool.submit(self._predict, batch)
        from concurrent.futures import Future
        done = Future()
        done.set_result(self._predict(batch))
        return done

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


class _Strip:
    """One tile row on its way through the pass: its place in the grid, its valid pixels (kept until its rows are
    flushed: the next strip is read before this one's last batches are blended) and its batches in flight."""

    def __init__(self, n: int, i: int, r0: int, valid: np.ndarray) -> None:
        self.n, self.i, self.r0, self.valid = n, i, r0, valid
        self.jobs = 0  # tiles sent to the model
        self.blended = 0


class _StripRun:
    """The state of one streaming pass: the tile grid of the rows and columns asked for, the weighted accumulators
    (one strip high, as wide as the tiles of a strip) and the reused strip buffer of the image."""

    def __init__(self, reader: BandReader, model: Predictor, tile: TileSpec, monitor: Monitor,
                 rows: tuple[int, int] | None, cols: tuple[int, int] | None, sink: RowSink, times: StageTimes) -> None:
        self.reader, self.model, self.tile, self.monitor, self.sink = reader, model, tile, monitor, sink
        self.times = times
        self.height, self.width = height, width = reader.height, reader.width
        self.size = size = tile.size
        self.weights = tile.weights()
        self.row_origins = tile.origins(height)
        self.want_c0, self.want_c1 = cols if cols is not None else (0, width)
        self.col_origins = col_origins = [c for c in tile.origins(width)
                                          if cols is None or (c + size > self.want_c0 and c < self.want_c1)]
        k = model.n_outputs
        self.fill = np.asarray(model.fill_values(), dtype=np.float32)[:, None, None]
        # Accumulators span the columns of all tiles in a strip: [col_origins[0], col_origins[-1] + size).
        self.span_w = span_w = col_origins[-1] + size - col_origins[0]
        check_strip_memory(size, span_w, len(self.fill) + k + 2, width)
        self.acc = np.zeros((k, size, span_w), dtype=np.float32)
        self.wsum = np.zeros((size, span_w), dtype=np.float32)
        self.stats = {"tiles": 0, "skipped": 0}
        self.want0, self.want1 = rows if rows is not None else (0, height)
        self.todo = [i for i, r0 in enumerate(self.row_origins)  # tile rows touching the rows asked for
                     if r0 + size > self.want0 and r0 < self.want1]
        # image rows already final (handed to the sink)
        self.flushed = max(self.row_origins[self.todo[0]], 0) if self.todo else height
        self.img_c0, self.img_c1 = max(col_origins[0], 0), min(col_origins[-1] + size, width)  # columns held
        self.left = self.img_c0 - col_origins[0]  # image column img_c0 inside the strip
        # As for rows below: a right overhang wider than the image columns held mirrors columns left of them too.
        self.extra_c = min(max(col_origins[-1] + size - width - (self.img_c1 - self.img_c0), 0), self.img_c0)
        self.read_cols = () if cols is None else (self.img_c0 - self.extra_c, self.img_c1)
        self.strip = np.empty((len(self.fill), size, span_w), dtype=np.float32)  # reused: no per-strip copies
        self.weighted = np.empty((k, size, size), dtype=np.float32)  # one tile's weighted probabilities
        self.strips: deque[_Strip] = deque()  # read, rows not flushed yet
        self.inflight: deque[tuple[_Strip, list[int], np.ndarray, object]] = deque()  # (strip, x0s, buffer, future)
        self._buffers: list[np.ndarray] = []  # batch buffers free for reuse (see batch_buffer)

    def read_strip(self, n: int, i: int) -> _Strip:
        """Read the image rows of the tile row `i` into the strip, mirrored outside the image as a whole-image
        padding would be; the returned _Strip's `valid` marks the image's own valid pixels."""
        size, height = self.size, self.height
        r0 = self.row_origins[i]
        r1 = r0 + size
        a0, a1 = max(r0, 0), min(r1, height)
        # A last strip that holds fewer image rows than it overhangs the bottom mirrors rows above it: read them too,
        # so that every tile sees the image mirrored as a whole-image padding would (not its own rows repeated).
        extra = min(max(r1 - height - (a1 - a0), 0), a0)
        with self.times("wait_read"):
            data, valid_rows = self.reader.read_rows(a0 - extra, a1, *self.read_cols)
        with self.times("tiling"):
            return self._fill_strip(n, i, r0, a0, a1, extra, data, valid_rows)

    def _fill_strip(self, n: int, i: int, r0: int, a0: int, a1: int, extra: int, data: np.ndarray,
                    valid_rows: np.ndarray) -> _Strip:
        """The strip buffer filled from the rows read (a0 - extra to a1), mirrored outside the image."""
        size, strip, r1 = self.size, self.strip, r0 + self.size
        np.copyto(data, self.fill, where=~valid_rows[None])
        valid_rows = valid_rows[extra:, self.extra_c:]
        top, bottom, left = a0 - r0, a1 - r0, self.left
        if extra or self.extra_c:  # numpy's 'symmetric' padding of the rows read, copied row by row: no padded copy
            src_rows = np.pad(np.arange(data.shape[1]), (0, r1 - a1 if extra else 0), mode="symmetric")[extra:]
            src_cols = np.pad(np.arange(data.shape[2]),
                              (0, self.col_origins[-1] + size - self.img_c1 if self.extra_c else 0),
                              mode="symmetric")[self.extra_c:]
            for y, src in enumerate(src_rows):
                strip[:, top + y, left:left + len(src_cols)] = data[:, src, src_cols] if self.extra_c else data[:, src]
            filled = (len(src_rows), len(src_cols))
        else:
            strip[:, top:top + data.shape[1], left:left + data.shape[2]] = data
            filled = data.shape[1:]
        mirror_outside(strip, top, top + filled[0], axis=1)
        mirror_outside(strip, left, left + filled[1], axis=2)
        valid = np.zeros((size, self.span_w), dtype=bool)  # mirrored pixels outside the image: context, never output
        valid[top:bottom, left:left + self.img_c1 - self.img_c0] = valid_rows
        return _Strip(n, i, r0, valid)

    def send_strip(self, strip: _Strip, batch_size: int, wanted: Callable[[int, int], bool] | None,
                   calls: ForwardCalls) -> None:
        """Send the tiles of the strip whose useful centre holds a valid pixel (and that `wanted` keeps) to the
        model in batches; while more than `calls.limit` batches are in flight, blend the oldest (see take_one)."""
        size, lo, hi = self.size, *self.tile.core
        self.strips.append(strip)
        jobs = []
        for c0 in self.col_origins:
            x0 = c0 - self.col_origins[0]
            if strip.valid[lo:hi, x0 + lo:x0 + hi].any() and (wanted is None or wanted(strip.r0, c0)):
                jobs.append(x0)
            else:
                self.stats["skipped"] += 1
        strip.jobs = len(jobs)
        for b in range(0, len(jobs), batch_size):
            chunk = jobs[b:b + batch_size]
            batch = self.batch_buffer(len(chunk))
            with self.times("tiling"):
                np.stack([self.strip[:, :, x0:x0 + size] for x0 in chunk], out=batch)
            self.inflight.append((strip, chunk, batch, calls.submit(batch)))
            while len(self.inflight) > calls.limit:
                self.take_one()
            self.monitor.check()

    def take_one(self) -> None:
        """Blend the oldest batch in flight into the accumulators, after flushing every strip before its own."""
        strip, chunk, batch, future = self.inflight.popleft()
        self.flush_strips_before(strip)
        with self.times("wait_model"):
            probs = future.result()
        size = self.size
        with self.times("tiling"):
            for x0, p in zip(chunk, probs):
                self.acc[:, :, x0:x0 + size] += np.multiply(p, self.weights, out=self.weighted)
                self.wsum[:, x0:x0 + size] += self.weights
        self._buffers.append(batch if batch.base is None else batch.base)  # the whole buffer, not the view
        self.stats["tiles"] += len(chunk)
        strip.blended += len(chunk)
        # large tiles: progress within a strip
        self.monitor.report((strip.n + strip.blended / strip.jobs) / len(self.todo))

    def drain(self) -> None:
        """Blend every batch still in flight and flush every strip left."""
        while self.inflight:
            self.take_one()
            self.monitor.check()
        self.flush_strips_before(None)

    def flush_strips_before(self, strip: _Strip | None) -> None:
        """Flush and shift past every strip read before `strip` (all of them: None); their batches are all blended."""
        while self.strips and self.strips[0] is not strip:
            done = self.strips.popleft()
            self.flush_final_rows(done)
            with self.times("tiling"):
                self.shift_accumulators(done)
            self.monitor.report((done.n + 1) / len(self.todo))

    def batch_buffer(self, n: int) -> np.ndarray:
        """(n, C, T, T) float32: the first n tiles of a buffer reused for the whole pass, one per batch in flight
        (a fresh 1.5 MB array per tile costs page faults on every call)."""
        while self._buffers:
            buffer = self._buffers.pop()
            if len(buffer) >= n:
                return buffer[:n]
        return np.empty((n, *self.strip.shape[:2], self.size), dtype=np.float32)

    def flush_final_rows(self, strip: _Strip) -> None:
        """Hand the rows that no later tile can touch (those before the next strip's first row) to the sink."""
        row_origins, i, r0 = self.row_origins, strip.i, strip.r0
        next_r0 = row_origins[i + 1] if i + 1 < len(row_origins) else self.height
        done = min(next_r0, self.height)
        if min(done, self.want1) > max(self.flushed, self.want0):
            lo, hi = max(self.flushed, self.want0) - r0, min(done, self.want1) - r0
            span = slice(self.want_c0 - self.col_origins[0], self.want_c1 - self.col_origins[0])
            with self.times("tiling"):
                w = self.wsum[lo:hi, span]
                out = self.acc[:, lo:hi, span] / np.where(w > 0, w, 1.0)
                out[:, ~(strip.valid[lo:hi, span] & (w > 0))] = np.nan
            self.sink(lo + r0, out)
        self.flushed = max(self.flushed, done)

    def shift_accumulators(self, strip: _Strip) -> None:
        """Move the accumulators up by one stride for the next strip."""
        i, r0 = strip.i, strip.r0
        shift = (self.row_origins[i + 1] - r0) if i + 1 < len(self.row_origins) else 0
        if shift:
            self.acc[:, :-shift] = self.acc[:, shift:]
            self.acc[:, -shift:] = 0
            self.wsum[:-shift] = self.wsum[shift:]
            self.wsum[-shift:] = 0


def tiles_note(stats: dict, strips: bool = False) -> str:
    """The log line of predict_tiled's counters ({'tiles': run, 'skipped': all-nodata}); benchmarks read the number
    of tiles run from it. `strips`: counters summed over strips run as separate jobs (Dask)."""
    text = (_("Inference in strips: {tiles} tiles run, {skipped} all-nodata tiles skipped.") if strips else
            _("Inference: {tiles} tiles run, {skipped} all-nodata tiles skipped."))
    return text.format(tiles=stats["tiles"], skipped=stats["skipped"])


def say_tiles(say: Callable[[str], None], stats: dict, strips: bool = False, extra: str = "") -> None:
    """Log tiles_note (with `extra` after it) and, when the counters hold it, where the time went (one line each)."""
    say(tiles_note(stats, strips) + (" " + extra if extra else ""))
    times = stats.get("times")
    if times is not None and stats["tiles"]:
        say(times.note())

