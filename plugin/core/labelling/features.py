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


class PatchHistogram:
    """A histogram of one per-pixel score in 0..1 per grid cell (BINS bins: pixel counts and score sums), streamed
    like PatchAccumulator, so a patch can be scored by the mean of its highest scores (top_means) without keeping
    the pixels: (cells x BINS) numbers, whatever the image size."""

    BINS = 64

    def __init__(self, grid: PatchGrid) -> None:
        self.grid = grid
        self.counts = np.zeros(grid.count * self.BINS, dtype=np.float64)
        self.sums = np.zeros(grid.count * self.BINS, dtype=np.float64)

    def add(self, row0: int, score: np.ndarray, valid: np.ndarray) -> None:
        """Add rows row0.. of an (h, W) float score in 0..1; only `valid` (h, W) bool pixels inside whole cells
        count (their score may be NaN elsewhere)."""
        g = self.grid
        h = score.shape[0]
        cell_rows = g.cell_rows(row0, row0 + h)
        span = g.cols * g.size
        ok = valid[:, :span] & (cell_rows >= 0)[:, None]
        r, c = np.nonzero(ok)
        s = np.clip(score[:, :span][ok].astype(np.float64), 0.0, 1.0)
        bins = np.minimum((s * self.BINS).astype(np.int64), self.BINS - 1)
        index = (cell_rows[r] * g.cols + c // g.size) * self.BINS + bins
        self.counts += np.bincount(index, minlength=self.counts.size)
        self.sums += np.bincount(index, weights=s, minlength=self.sums.size)

    def top_means(self, share: float) -> np.ndarray:
        """(cells,) float64 mean of the highest `share` (0 < share <= 1) of each cell's scores (at least one
        pixel); the bin the cut falls in counts with its mean score. NaN for cells without pixels."""
        counts = self.counts.reshape(-1, self.BINS)[:, ::-1]  # highest bin first
        sums = self.sums.reshape(-1, self.BINS)[:, ::-1]
        total = counts.sum(axis=1)
        want = np.maximum(np.ceil(share * total), 1.0)[:, None]
        before = np.cumsum(counts, axis=1) - counts  # pixels in higher bins
        take = np.clip(want - before, 0.0, counts)  # pixels each bin gives
        with np.errstate(invalid="ignore", divide="ignore"):
            bin_mean = np.where(counts > 0, sums / counts, 0.0)
            out = (take * bin_mean).sum(axis=1) / take.sum(axis=1)
        return np.where(total > 0, out, np.nan)


class WithBands:
    """A Predictor (engine.inference.Predictor) that appends to `predictor`'s outputs the C input bands and their
    squares, so the per-patch band means and standard deviations (what the patch looks like, whatever the model
    thinks of it) can be accumulated in the same pass: n_outputs = predictor's + 2 C."""

    def __init__(self, predictor, bands: int) -> None:
        self.predictor = predictor
        self.bands = bands
        self.n_outputs = predictor.n_outputs + 2 * bands

    def fill_values(self) -> np.ndarray:
        return self.predictor.fill_values()

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """(N, C, T, T) float32 in model units -> (N, predictor outputs + 2 C, T, T) float32."""
        x = batch.astype(np.float32, copy=False)
        return np.concatenate([self.predictor.predict(batch), x, x * x], axis=1)


def band_statistics(means: np.ndarray) -> np.ndarray:
    """(cells, 2 C) per-patch means of the bands and of their squares -> (cells, 2 C) band means and standard
    deviations."""
    c = means.shape[1] // 2
    mean, square = means[:, :c], means[:, c:]
    return np.concatenate([mean, np.sqrt(np.maximum(square - mean ** 2, 0.0))], axis=1)


def standardised(features: np.ndarray) -> np.ndarray:
    """(n, d) features with every column scaled to mean 0 and standard deviation 1 over the n rows (constant
    columns become 0), so that no feature dominates a distance by its units."""
    x = np.asarray(features, dtype=np.float64)
    std = x.std(axis=0)
    return np.where(std > 0, (x - x.mean(axis=0)) / np.where(std > 0, std, 1.0), 0.0)
