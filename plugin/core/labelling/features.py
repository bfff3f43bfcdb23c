"""Per-patch features built on the fly: per-pixel planes (uncertainty, class probabilities, anything a model gives
per pixel) summed into the cells of a PatchGrid strip by strip, so that only (cells x planes) numbers are kept, never
the planes of the whole image. The per-patch means are the features k-centre and similarity searches compare."""
from __future__ import annotations

import numpy as np

from .grid import PatchGrid


class PatchAccumulator:
    """Sums of `planes` per-pixel values and the number of valid pixels, per grid cell.

    add() takes rows in any order (each image row at most once); pixels outside whole cells are ignored.
    """

    def __init__(self, grid: PatchGrid, planes: int) -> None:
        self.grid = grid
        self.sums = np.zeros((grid.rows, grid.cols, planes), dtype=np.float64)
        self.counts = np.zeros((grid.rows, grid.cols), dtype=np.int64)

    def add(self, row0: int, planes: np.ndarray, valid: np.ndarray | None = None) -> None:
        """Add rows row0.. of (P, h, W) values; `valid` (h, W) bool marks the pixels that count (None: all).
        Values of invalid pixels are ignored (they may be NaN)."""
        g = self.grid
        h = planes.shape[1]
        cell_rows = g.cell_rows(row0, row0 + h)
        keep = cell_rows >= 0
        if not keep.any():
            return
        span = g.cols * g.size
        values = planes[:, keep, :span].astype(np.float64)
        ok = np.ones(values.shape[1:], dtype=bool) if valid is None else valid[keep, :span]
        values = np.where(ok[None], values, 0.0)
        cell_rows = cell_rows[keep]
        # (P, h, cols, size) -> per image row and cell column, then rows grouped by cell row (contiguous, sorted)
        per_col = values.reshape(values.shape[0], values.shape[1], g.cols, g.size).sum(axis=3)
        ok_col = ok.reshape(ok.shape[0], g.cols, g.size).sum(axis=2)
        starts = np.flatnonzero(np.r_[True, cell_rows[1:] != cell_rows[:-1]])
        targets = cell_rows[starts]
        self.sums[targets] += np.add.reduceat(per_col, starts, axis=1).transpose(1, 2, 0)
        self.counts[targets] += np.add.reduceat(ok_col, starts, axis=0)

    def means(self) -> np.ndarray:
        """(cells, P) float64 mean of each plane over the valid pixels of each cell, row-major; NaN where a cell
        has no valid pixel."""
        with np.errstate(invalid="ignore", divide="ignore"):
            out = self.sums / self.counts[..., None]
        return out.reshape(self.grid.count, -1)

    def totals(self) -> np.ndarray:
        """(cells, P) float64 sums, row-major."""
        return self.sums.reshape(self.grid.count, -1)

    def full(self) -> np.ndarray:
        """(cells,) bool: every pixel of the cell was valid."""
        return (self.counts == self.grid.size ** 2).reshape(-1)
