"""Strips of one scene computed on their own (e.g. on Dask workers) and written in order by classify_raster.

A strip is a band of image rows [row0, row1). classify_strip runs the tiles that touch its rows plus the
post-processing halo, on the whole image's tile grid (predict_tiled's `rows`), so its classes and probabilities are
bit for bit those of a run over the whole scene. A runner (see strips_run_by) decides where the strips run; while one
is set, classify_raster hands it the work and only writes the strips it gets back, in row order, through the usual
temporary files, so outputs, polygons and headline numbers come from the same code as a run in one process.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

import numpy as np

from ..engine.device import choose_device
from ..engine.inference import predict_tiled
from ..engine.progress import Monitor
from ..engine.raster_io import BandReader, open_raster
from ..engine.tiling import TileSpec


@dataclass(frozen=True)
class StripJob:
    """What every strip of one scene needs (picklable: it travels to the workers)."""

    request: Any  # the task's ClassifyRequest
    job: Any  # the task's ClassifyJob: card, bands, scale, rules
    tile: TileSpec
    batch: int
    height: int  # image rows


@dataclass
class Strip:
    """Rows [row0, row0 + h) of a scene: classes (h, W) uint8 as the rules give them (probability band indexes,
    NODATA_CLASS for nodata) and, when the run writes probabilities, (K, h, W) float32 probabilities (NaN = nodata)."""

    row0: int
    classes: np.ndarray
    probabilities: np.ndarray | None
    tiles: int = 0
    skipped: int = 0


StripRunner = Callable[[StripJob, Monitor], Iterable[Strip]]  # yields the strips covering all rows, in row order
_runner: ContextVar[StripRunner | None] = ContextVar("deepmapper_strip_runner", default=None)
_models: dict[tuple, Any] = {}  # loaded models of this process (a worker runs many strips of the same model)


@contextmanager
def strips_run_by(runner: StripRunner) -> Iterator[None]:
    """Within the block, classify_raster gets its strips from `runner` instead of running the model itself."""
    token = _runner.set(runner)
    try:
        yield
    finally:
        _runner.reset(token)


def current_strip_runner() -> StripRunner | None:
    return _runner.get()


def strip_bounds(height: int, rows_per_strip: int) -> list[tuple[int, int]]:
    """[(row0, row1), ...] covering `height` rows in strips of `rows_per_strip` (the last may be shorter)."""
    step = max(1, rows_per_strip)
    return [(r, min(height, r + step)) for r in range(0, height, step)]


def classify_strip(spec: StripJob, row0: int, row1: int, threads: int | None = None) -> Strip:
    """Classes (and probabilities when asked) of rows [row0, row1); `threads` overrides the request's THREADS (a
    worker's share of its machine). The model is loaded once per process and kept for the next strips."""
    req, job, tile = spec.request, spec.job, spec.tile
    halo = job.rules.halo
    p0, p1 = max(0, row0 - halo), min(spec.height, row1 + halo)
    model = _model(job.card, req.device, req.threads if threads is None else threads, req.precision)
    with open_raster(req.input) as src:
        reader = BandReader(src, list(job.indexes), job.scale, job.offset)
        probs = np.full((model.n_outputs, p1 - p0, src.width), np.nan, dtype=np.float32)

        def sink(r: int, rows: np.ndarray) -> None:
            probs[:, r - p0:r - p0 + rows.shape[1]] = rows

        stats = predict_tiled(reader, model, tile, spec.batch, sink, rows=(p0, p1))
    classes = job.rules.apply(probs)[row0 - p0:row1 - p0]
    kept = probs[:, row0 - p0:row1 - p0] if req.output_probability else None
    return Strip(row0, classes, kept, stats["tiles"], stats["skipped"])


def _model(card: Any, device: str, threads: int, precision: str) -> Any:
    key = (str(card.path), card.id, device, threads, precision)
    if key not in _models:
        from ....models.backends import load_model  # heavy runtimes load only now
        _models.clear()  # one model at a time per process: memory stays that of one run
        _models[key] = load_model(card, choose_device(device, card.format), threads, precision)
    return _models[key]
