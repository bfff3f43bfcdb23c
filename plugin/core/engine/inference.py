"""Streaming tiled inference: strip by strip, batch by batch, memory flat in the raster's height.

One strip (a row of tiles, `tile.size` rows of the image) is read at a time; tile predictions are weighted
(see tiling.py) into an accumulator of the same height, and rows are written out as soon as no later tile can
touch them. Invalid (nodata) input pixels come out as NaN; tiles whose useful centre holds no valid pixel are
never sent to the model.
"""
from __future__ import annotations

import os
from typing import Callable, Protocol

import numpy as np
import rasterio
from rasterio.windows import Window

from .errors import DeepMapperError
from .messages import _
from .progress import Monitor
from .raster_io import BackgroundSink, BandReader, PrefetchingReader, return_freed_buffers
from .tiling import TileSpec, mirror_outside


class Predictor(Protocol):
    """What the engine needs from a model: probabilities for a batch of normalised-ready tiles."""

    n_outputs: int

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """(N, C, T, T) float32 in model units -> (N, K, T, T) float32 probabilities."""

    def fill_values(self) -> np.ndarray:
        """(C,) values to put where input pixels are invalid (neutral after normalisation)."""


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
    next strip is read in a background thread while this one is computed, and a sink made by dataset_sink writes
    in another (threads: see raster_io.PrefetchingReader, BackgroundSink). Arguments: see _predict_tiled."""
    return_freed_buffers()
    origins = tile.origins(reader.height)

    def next_rows(row0: int, row1: int) -> tuple[int, int] | None:  # the image rows of the next tile row
        later = [r for r in origins if max(r, 0) > row0]
        return (max(later[0], 0), min(later[0] + tile.size, reader.height)) if later else None

    prefetch = PrefetchingReader(reader, next_rows)
    background = BackgroundSink(sink) if getattr(sink, "background_ok", False) else None
    try:
        return _predict_tiled(prefetch, model, tile, batch_size, background or sink, *args, **kwargs)
    finally:
        prefetch.close()
        if background is not None:
            background.close()


def _predict_tiled(reader: BandReader, model: Predictor, tile: TileSpec, batch_size: int, sink: RowSink,
                  monitor: Monitor | None = None, rows: tuple[int, int] | None = None,
                  cols: tuple[int, int] | None = None, wanted: Callable[[int, int], bool] | None = None) -> dict:
    """Run `model` over the reader's raster; hand finished rows of probabilities (NaN = nodata) to `sink`.

    `rows` = (row0, row1) limits the work to the tile rows that touch image rows [row0, row1) and hands only those
    rows to `sink`: the tile grid stays the whole image's, so they are bit for bit what a whole run gives them (a
    strip of a huge scene run on its own, e.g. on a Dask worker). `cols` = (col0, col1) does the same for columns
    (a window of the image: EXTENT, MASK); the sink then gets (K, h, col1 - col0) rows, and the reader is asked
    for the columns the tiles need (read_rows(row0, row1, col0, col1)). `wanted(tile_row0, tile_col0)` False
    skips a tile whose every pixel lies where no output is wanted (outside a mask). Returns counters (tiles run,
    tiles skipped).
    """
    monitor = monitor or Monitor()
    height, width = reader.height, reader.width
    size = tile.size
    weights = tile.weights()
    row_origins = tile.origins(height)
    want_c0, want_c1 = cols if cols is not None else (0, width)
    col_origins = [c for c in tile.origins(width) if cols is None or (c + size > want_c0 and c < want_c1)]
    k = model.n_outputs
    fill = np.asarray(model.fill_values(), dtype=np.float32)[:, None, None]
    # Accumulators span the columns of all tiles in a strip: [col_origins[0], col_origins[-1] + size).
    span_w = col_origins[-1] + size - col_origins[0]
    check_strip_memory(size, span_w, len(fill) + k + 2, width)
    acc = np.zeros((k, size, span_w), dtype=np.float32)
    wsum = np.zeros((size, span_w), dtype=np.float32)
    stats = {"tiles": 0, "skipped": 0}
    want0, want1 = rows if rows is not None else (0, height)
    todo = [i for i, r0 in enumerate(row_origins) if r0 + size > want0 and r0 < want1]  # tile rows touching them
    flushed = max(row_origins[todo[0]], 0) if todo else height  # image rows already final (handed to the sink)
    img_c0, img_c1 = max(col_origins[0], 0), min(col_origins[-1] + size, width)  # image columns the strip holds
    left = img_c0 - col_origins[0]  # image column img_c0 inside the strip
    # As for rows below: a right overhang wider than the image columns held mirrors columns left of them too.
    extra_c = min(max(col_origins[-1] + size - width - (img_c1 - img_c0), 0), img_c0)
    read_cols = () if cols is None else (img_c0 - extra_c, img_c1)
    strip = np.empty((len(fill), size, span_w), dtype=np.float32)  # reused: no per-strip copies of the image
    valid = np.zeros((size, span_w), dtype=bool)

    for n, i in enumerate(todo):
        r0 = row_origins[i]
        r1 = r0 + size
        a0, a1 = max(r0, 0), min(r1, height)
        # A last strip that holds fewer image rows than it overhangs the bottom mirrors rows above it: read them too,
        # so that every tile sees the image mirrored as a whole-image padding would (not its own rows repeated).
        extra = min(max(r1 - height - (a1 - a0), 0), a0)
        data, valid_rows = reader.read_rows(a0 - extra, a1, *read_cols)
        np.copyto(data, fill, where=~valid_rows[None])
        valid_rows = valid_rows[extra:, extra_c:]
        top, bottom = a0 - r0, a1 - r0
        if extra or extra_c:  # numpy's 'symmetric' padding of the rows read, copied row by row: no padded copy
            src_rows = np.pad(np.arange(data.shape[1]), (0, r1 - a1 if extra else 0), mode="symmetric")[extra:]
            src_cols = np.pad(np.arange(data.shape[2]), (0, col_origins[-1] + size - img_c1 if extra_c else 0),
                              mode="symmetric")[extra_c:]
            for y, src in enumerate(src_rows):
                strip[:, top + y, left:left + len(src_cols)] = data[:, src, src_cols] if extra_c else data[:, src]
            filled = (len(src_rows), len(src_cols))
        else:
            strip[:, top:top + data.shape[1], left:left + data.shape[2]] = data
            filled = data.shape[1:]
        mirror_outside(strip, top, top + filled[0], axis=1)
        mirror_outside(strip, left, left + filled[1], axis=2)
        valid[:] = False  # mirrored pixels outside the image are context, never valid output
        valid[top:bottom, left:left + img_c1 - img_c0] = valid_rows
        del data, valid_rows  # copied into the strip: while it computes, only the prefetched next read is held

        jobs = []
        for c0 in col_origins:
            x0 = c0 - col_origins[0]
            lo, hi = tile.core
            if valid[lo:hi, x0 + lo:x0 + hi].any() and (wanted is None or wanted(r0, c0)):
                jobs.append(x0)
            else:
                stats["skipped"] += 1
        for b in range(0, len(jobs), batch_size):
            chunk = jobs[b:b + batch_size]
            batch = np.stack([strip[:, :, x0:x0 + size] for x0 in chunk])
            probs = model.predict(batch)
            for x0, p in zip(chunk, probs):
                acc[:, :, x0:x0 + size] += p * weights
                wsum[:, x0:x0 + size] += weights
            stats["tiles"] += len(chunk)
            monitor.check()
            monitor.report((n + (b + len(chunk)) / len(jobs)) / len(todo))  # large tiles: progress within a strip

        # Rows before the next strip's first row are final.
        next_r0 = row_origins[i + 1] if i + 1 < len(row_origins) else height
        done = min(next_r0, height)
        if min(done, want1) > max(flushed, want0):
            lo, hi = max(flushed, want0) - r0, min(done, want1) - r0
            span = slice(want_c0 - col_origins[0], want_c1 - col_origins[0])
            w = wsum[lo:hi, span]
            out = acc[:, lo:hi, span] / np.where(w > 0, w, 1.0)
            out[:, ~(valid[lo:hi, span] & (w > 0))] = np.nan
            sink(lo + r0, out)
        flushed = max(flushed, done)
        # Shift the accumulators up by one stride for the next strip.
        shift = (row_origins[i + 1] - r0) if i + 1 < len(row_origins) else 0
        if shift:
            acc[:, :-shift] = acc[:, shift:]
            acc[:, -shift:] = 0
            wsum[:-shift] = wsum[shift:]
            wsum[-shift:] = 0
        monitor.report((n + 1) / len(todo))
    return stats


def dataset_sink(dataset: rasterio.io.DatasetWriter, dtype: str = "float32") -> RowSink:
    """A RowSink that writes rows into an open dataset."""

    def write(row0: int, rows: np.ndarray) -> None:
        dataset.write(rows.astype(dtype, copy=False),
                      window=Window(0, row0, rows.shape[2], rows.shape[1]))

    write.background_ok = True  # only writes its own dataset: predict_tiled may run it in a writer thread
    return write
