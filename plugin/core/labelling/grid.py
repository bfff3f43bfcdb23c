"""Candidate patches: a grid of square cells of `size` pixels from the raster's top-left pixel.

Only whole cells count (the last rows and columns that do not fill a cell are never proposed), so the cells are
disjoint by construction: picks taken from them never overlap. Cells are numbered row-major (index = row * cols +
col). Shared by every labelling tool that works on patches (suggestions, search by example).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.errors import DeepMapperError
from ..engine.messages import _


@dataclass(frozen=True)
class PatchGrid:
    height: int  # raster rows
    width: int  # raster columns
    size: int  # cell side, pixels

    def __post_init__(self) -> None:
        if self.size < 1:
            raise DeepMapperError(_("PATCH_SIZE must be at least 1 pixel (got {size}).").format(size=self.size))
        if self.rows == 0 or self.cols == 0:
            raise DeepMapperError(
                _("PATCH_SIZE {size} is larger than the raster ({width} x {height} pixels): not one "
                "patch fits. Choose a PATCH_SIZE of at most {largest} pixels.").format(
                    size=self.size, width=self.width, height=self.height, largest=min(self.width, self.height)))

    @property
    def rows(self) -> int:
        return self.height // self.size

    @property
    def cols(self) -> int:
        return self.width // self.size

    @property
    def count(self) -> int:
        return self.rows * self.cols

    def origin(self, index: int) -> tuple[int, int]:
        """(row, col) of the cell's top-left pixel."""
        r, c = divmod(int(index), self.cols)
        return r * self.size, c * self.size

    def centres(self) -> np.ndarray:
        """(count, 2) float64 (row, col) pixel coordinates of every cell's centre, row-major."""
        r, c = np.divmod(np.arange(self.count), self.cols)
        return np.stack([(r + 0.5) * self.size, (c + 0.5) * self.size], axis=1).astype(np.float64)

    def polygon(self, index: int, transform) -> list[tuple[float, float]]:
        """The cell's outline in map coordinates (closed ring of 5 (x, y) points) through the full affine transform,
        so rotated grids give rotated squares."""
        r0, c0 = self.origin(index)
        corners = [(c0, r0), (c0 + self.size, r0), (c0 + self.size, r0 + self.size), (c0, r0 + self.size), (c0, r0)]
        return [tuple(map(float, transform * pt)) for pt in corners]

    def cell_rows(self, row0: int, row1: int) -> np.ndarray:
        """(row1 - row0,) int: the cell row of each image row (-1 for rows below the last whole cell)."""
        rows = np.arange(row0, row1) // self.size
        return np.where(rows < self.rows, rows, -1)
