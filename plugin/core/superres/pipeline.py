"""Sentinel-2 super-resolution: the 20 m bands sharpened to 10 m with the 10 m bands as guide (or one raster doubled).

Pipeline: a reader streams the 10 m rows and the matching 20 m rows (with a halo), upsamples the 20 m bands to 10 m
(bicubic) on the fly, and hands the stacked bands to the shared tiled engine (inference.predict_tiled); the network
adds a residual to the upsampled bands; a sink applies the consistency projection (every 2 x 2 block's mean equals the
20 m input pixel again) and writes rows to a temporary GeoTIFF that is moved into place at the end.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import numpy as np
import rasterio
from affine import Affine

from ..engine.bands import SensorPreset, common_name, preset, raster_band_names, select_bands
from ..engine.device import RUNTIMES, auto_batch_size, choose_device, describe
from ..engine.errors import DeepMapperError
from ..engine.messages import _
from ..engine.inference import predict_tiled, say_tiles
from ..engine.progress import Monitor
from ..engine.raster_io import BandReader, BlockRowWriter, atomic_path, bounded_gdal_cache, geotiff_profile, open_raster
from ..engine.subset import PixelWindow, Subset, plan_subset
from .resample import HALO, bicubic_upsample2, block_mean2, project_consistent
from ..engine.tiling import tile_spec
from ..engine.units import reflectance_scale, sample_percentile


# -- grids -------------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GridPair:
    """How the low-resolution grid nests in the high-resolution one: LR pixel (i, j) covers HR rows 2i + row_offset,
    2i + row_offset + 1 and columns 2j + col_offset, 2j + col_offset + 1 (offsets in HR pixels, any integer)."""

    row_offset: int
    col_offset: int

    def lr_row(self, hr_row: int) -> int:
        return (hr_row - self.row_offset) // 2

    def lr_col(self, hr_col: int) -> int:
        return (hr_col - self.col_offset) // 2


def check_grids(high: rasterio.DatasetReader, low: rasterio.DatasetReader, high_name: str = "INPUT",
                low_name: str = "INPUT_LOWRES") -> GridPair:
    """The nesting of `low` in `high`, or an error naming what does not fit and how to fix it."""
    if high.crs != low.crs:
        raise DeepMapperError(
            _("{high_name} is in {high_crs} but {low_name} is in {low_crs}; both must share one "
            "CRS. Reproject {low_name} onto {high_name}'s CRS at twice its pixel size, e.g. `gdalwarp -t_srs "
            "{high_crs} -tr {need_x:g} {need_y:g} -tap -r average low.tif fixed.tif`.").format(
                high_name=high_name, high_crs=_crs_name(high.crs), low_name=low_name, low_crs=_crs_name(low.crs),
                need_x=2 * high.res[0], need_y=2 * high.res[1]))
    for t, name in ((high.transform, high_name), (low.transform, low_name)):
        if t.b or t.d:
            raise DeepMapperError(_("{name} has a rotated geotransform; warp it to a north-up grid first "
                                  "(gdalwarp without options does that).").format(name=name))
    hx, hy = high.res
    lx, ly = low.res
    if lx < hx and ly < hy:
        raise DeepMapperError(_(
            "{low_name} has finer pixels ({lx:g} x {ly:g}) than {high_name} ({hx:g} x {hy:g}): the inputs look "
            "swapped. INPUT takes the high-resolution bands (e.g. Sentinel-2's 10 m bands), INPUT_LOWRES the bands to "
            "sharpen (e.g. the 20 m bands).").format(low_name=low_name, high_name=high_name, lx=lx, ly=ly, hx=hx,
                                                     hy=hy))
    if not (math.isclose(lx, 2 * hx, rel_tol=1e-6) and math.isclose(ly, 2 * hy, rel_tol=1e-6)):
        raise DeepMapperError(
            _("The pixel sizes do not nest: {high_name} has {hx:g} x {hy:g}, {low_name} has {lx:g} x {ly:g}, but "
            "{low_name} must have exactly twice {high_name}'s pixel size (e.g. Sentinel-2's 10 m and 20 m bands). "
            "Resample it with `gdalwarp -tr {need_x:g} {need_y:g} -tap -r average`, or use SCALE mode for a single "
            "raster.").format(
                high_name=high_name, hx=hx, hy=hy, low_name=low_name, lx=lx, ly=ly, need_x=2 * hx, need_y=2 * hy))
    cols = (low.transform.c - high.transform.c) / hx
    rows = (high.transform.f - low.transform.f) / hy
    if abs(cols - round(cols)) > 1e-3 or abs(rows - round(rows)) > 1e-3:
        raise DeepMapperError(
            _("The grids do not nest: {low_name}'s origin is {cols:g} x {rows:g} pixels of {high_name} away from "
            "{high_name}'s origin, not a whole number of pixels, so its pixels do not cover whole 2 x 2 blocks. "
            "Align it with `gdalwarp -tr {need_x:g} {need_y:g} -tap` (and the same for {high_name}).").format(
                low_name=low_name, cols=cols, rows=rows, high_name=high_name, need_x=2 * hx, need_y=2 * hy))
    grid = GridPair(int(round(rows)), int(round(cols)))
    if not (grid.col_offset < high.width and grid.col_offset + 2 * low.width > 0 and grid.row_offset < high.height
            and grid.row_offset + 2 * low.height > 0):
        raise DeepMapperError(
            _("The extents of {high_name} and {low_name} do not overlap; give two rasters of the same place.").format(
                high_name=high_name, low_name=low_name))
    return grid


def _crs_name(crs) -> str:
    if crs is None:
        return _("no CRS")
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_string()


def read_low(dataset: rasterio.DatasetReader, indexes: Sequence[int], rows: tuple[int, int], cols: tuple[int, int]
             ) -> tuple[np.ndarray, np.ndarray]:
    """Low-resolution pixels [rows) x [cols), which may reach beyond the raster: (float32 values with NaN for nodata and
    outside, inside mask). Reads only the part inside."""
    (i0, i1), (j0, j1) = rows, cols
    out = np.full((len(indexes), i1 - i0, j1 - j0), np.nan, np.float32)
    inside = np.zeros((i1 - i0, j1 - j0), bool)
    a0, a1, b0, b1 = max(i0, 0), min(i1, dataset.height), max(j0, 0), min(j1, dataset.width)
    if a0 < a1 and b0 < b1:
        data, valid = BandReader(dataset, indexes).read_rows(a0, a1, b0, b1)
        data[:, ~valid] = np.nan
        out[:, a0 - i0:a1 - i0, b0 - j0:b1 - j0] = data
        inside[a0 - i0:a1 - i0, b0 - j0:b1 - j0] = True
    return out, inside


# -- the reader the tiled engine streams ---------------------------------------------------------------------------
@dataclass
class GuidedReader:
    """BandReader-like: rows of the high-resolution grid holding the guide bands (if any) followed by the
    low-resolution bands upsampled bicubically, in model units (value x scale). A pixel is valid where the guide
    bands are valid and its low-resolution pixel is inside the low raster and valid.

    Each strip reads its low-resolution rows with a HALO, so the upsampling, and hence the whole result, does not
    depend on where strips and tiles fall."""

    low: rasterio.DatasetReader
    low_indexes: Sequence[int]  # model order
    scale: float
    fill: np.ndarray  # (C_low,) raw values put where low pixels are nodata (global, so strips agree)
    grid: GridPair = GridPair(0, 0)
    high: BandReader | None = None  # None: single-image (SCALE) mode, the grid is the low grid doubled

    @property
    def height(self) -> int:
        return self.high.height if self.high else 2 * self.low.height

    @property
    def width(self) -> int:
        return self.high.width if self.high else 2 * self.low.width

    def read_rows(self, row0: int, row1: int, col0: int = 0, col1: int | None = None
                  ) -> tuple[np.ndarray, np.ndarray]:
        col1 = self.width if col1 is None else col1
        g = self.grid
        i0, i1 = g.lr_row(row0) - HALO, g.lr_row(row1 - 1) + HALO + 1
        j0, j1 = g.lr_col(col0) - HALO, g.lr_col(col1 - 1) + HALO + 1
        low, inside = read_low(self.low, self.low_indexes, (i0, i1), (j0, j1))
        valid_low = inside & np.isfinite(low).all(axis=0)
        rr, cc = np.nonzero(inside.any(axis=1))[0], np.nonzero(inside.any(axis=0))[0]
        if len(rr):  # nodata -> a fixed value; beyond the raster's edge -> the edge repeated (as torch does)
            core = low[:, rr[0]:rr[-1] + 1, cc[0]:cc[-1] + 1]
            core = np.where(np.isfinite(core), core, self.fill[:, None, None])
            low = np.pad(core, ((0, 0), (rr[0], len(inside) - rr[-1] - 1), (cc[0], inside.shape[1] - cc[-1] - 1)),
                         mode="edge")
        else:
            low = np.zeros_like(low)
        up = bicubic_upsample2(low, padded=True)  # HR rows from 2(i0 + HALO) + offset
        r = row0 - (2 * (i0 + HALO) + g.row_offset)
        c = col0 - (2 * (j0 + HALO) + g.col_offset)
        up = up[:, r:r + row1 - row0, c:c + col1 - col0]
        vr = row0 - (2 * i0 + g.row_offset)
        vc = col0 - (2 * j0 + g.col_offset)
        valid = valid_low.repeat(2, 0).repeat(2, 1)[vr:vr + row1 - row0, vc:vc + col1 - col0]
        guide = 0 if self.high is None else len(self.high.indexes)
        out = np.empty((guide + len(up), *up.shape[1:]), np.float32)  # the strip: one pass into it, no concatenation
        np.multiply(up, np.float32(self.scale), out=out[guide:])
        if self.high is None:
            return out, valid
        hi, hi_valid = self.high.read_rows(row0, row1, col0, col1)
        out[:guide] = hi
        return out, valid & hi_valid


class PerBand:
    """A one-band model applied to every band of a tile, each band a separate batch item: the single-image (SCALE)
    Predictor. At most `items` band-tiles go through one forward pass, so the activations stay bounded however many
    bands the raster has (13 bands of a 512-pixel tile in one pass took 5 GB)."""

    def __init__(self, model, bands: int, items: int = 0) -> None:
        self.model = model
        self.n_outputs = bands
        self.items = items  # band-tiles per forward pass; 0: all of a batch at once
        self.reuse_heap = getattr(model, "reuse_heap", False)  # the engine's malloc policy follows the model's runtime

    def fill_values(self) -> np.ndarray:
        return np.zeros(self.n_outputs, np.float32)

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """(N, C, T, T) float32 -> (N, C, T, T): the model on N x C one-band items, `items` at a time."""
        n, c, h, w = batch.shape
        flat = batch.reshape(n * c, 1, h, w)  # a view: no copy of the tiles
        step = self.items or n * c
        if step >= n * c:
            return self.model.predict(flat).reshape(n, c, h, w)
        out = np.empty((n * c, 1, h, w), np.float32)
        for i in range(0, n * c, step):
            out[i:i + step] = self.model.predict(flat[i:i + step])
        return out.reshape(n, c, h, w)


_CPU_FEATURE_MAP_BYTES = 16 << 20  # see band_batch


def band_batch(device, tile_size: int, architecture: dict | None) -> int:
    """Band-tiles per forward pass of a one-band model, from memory. On the CPU one feature map of a pass stays
    under 16 MB: below glibc's largest mmap threshold (32 MB), freed maps are reused from the heap instead of being
    unmapped and faulted in again by the kernel for every layer (measured: 4 x the system time at 33 MB maps), and
    larger passes are not faster on the CPU. On CUDA: a quarter of the free GPU memory. Architectures that do not
    say what a feature map costs are counted as 64 features at full resolution."""
    from ....models.architectures.dsen2 import activation_bytes
    name = (architecture or {}).get("name")
    params = (architecture or {}).get("params", {}) if name in ("dsen2", "dsen2_lowres") else {}
    per_map = activation_bytes(tile_size, params, lowres=name == "dsen2_lowres")
    if device.kind == "cuda":
        try:
            import torch
            free, _total = torch.cuda.mem_get_info(device.index)
        except Exception:  # noqa: BLE001 (no usable CUDA: a safe small pass)
            return 4
        return int(max(1, min(256, free // 4 // (4 * per_map))))
    return int(max(1, _CPU_FEATURE_MAP_BYTES // per_map))


# -- the sink: units back, consistency projection, writing ---------------------------------------------------------
class ConsistentSink:
    """Receives finished rows (model order, model units, NaN = nodata) from the tiled engine, buffers them to whole
    2 x 2 blocks, returns them to input units and file order, projects them onto the low-resolution input and writes
    them. Keeps the consistency error (before and after the projection) over complete valid blocks. It may run in
    predict_tiled's writer thread (background_ok): `low` must then be a handle no other thread reads."""

    background_ok = True
    FLUSH_ROWS = 64  # output rows projected and written at a time (see _flush_to)

    def __init__(self, write: Callable[[int, np.ndarray], None], low: rasterio.DatasetReader,
                 low_indexes: Sequence[int], order: Sequence[int], scale: float, grid: GridPair, height: int,
                 width: int, row0: int = 0, col0: int = 0) -> None:
        # Rows row0 .. height - 1 and columns col0 .. col0 + width - 1 of the output grid arrive (a window: EXTENT).
        self.write, self.low, self.low_indexes, self.order = write, low, list(low_indexes), list(order)
        self.scale, self.grid, self.height, self.width, self.col0 = scale, grid, height, width, col0
        self.pending: np.ndarray | None = None
        self.start = row0
        k = len(self.low_indexes)
        self.err_before, self.err_after, self.total = np.zeros(k), np.zeros(k), np.zeros(k)

    def __call__(self, row0: int, rows: np.ndarray) -> None:
        held = self.pending is not None and self.pending.shape[1]
        self.pending = np.concatenate([self.pending, rows], axis=1) if held else rows
        end = self.start + self.pending.shape[1]
        self._flush_to(end if end >= self.height else end - (end - self.grid.row_offset) % 2)  # whole blocks only

    def close(self) -> None:
        if self.pending is not None and self.pending.shape[1]:
            self._flush_to(self.start + self.pending.shape[1])

    def _flush_to(self, cut: int) -> None:
        """Project and write the rows before `cut`, FLUSH_ROWS at a time (ending on block boundaries): the copies a
        flush makes (units, padding, projection, nodata) stay that small, not a whole strip (6 bands x 410 rows x
        10980 columns is 108 MB a copy)."""
        while self.start < cut:
            step = self.start + self.FLUSH_ROWS
            self._flush(min(cut, step - (step - self.grid.row_offset) % 2))

    def _flush(self, cut: int) -> None:
        n = cut - self.start
        chunk, self.pending = self.pending[:, :n], self.pending[:, n:]
        chunk = chunk[self.order] / np.float32(self.scale)
        g = self.grid
        top, left = (self.start - g.row_offset) % 2, (self.col0 - g.col_offset) % 2
        bottom, right = (top + n) % 2, (left + self.width) % 2
        blocks = np.pad(chunk, ((0, 0), (top, bottom), (left, right)), constant_values=np.nan)
        i0, j0 = g.lr_row(self.start), g.lr_col(self.col0)
        low, _inside = read_low(self.low, self.low_indexes, (i0, i0 + blocks.shape[1] // 2),
                                (j0, j0 + blocks.shape[2] // 2))
        means = block_mean2(blocks)  # NaN where a block has a NaN: such blocks are not measured
        projected = project_consistent(blocks, low, means)
        full = np.ones(low.shape[1:], bool)  # blocks wholly inside this raster: the only ones that can be measured
        full[0, :] &= top == 0
        full[-1, :] &= bottom == 0
        full[:, 0] &= left == 0
        full[:, -1] &= right == 0
        for acc, mean in ((self.err_before, means), (self.err_after, block_mean2(projected))):
            diff = np.abs(mean - low)
            ok = full[None] & np.isfinite(diff)
            acc += np.where(ok, diff, 0).sum(axis=(1, 2))
        ok = full[None] & np.isfinite(means) & np.isfinite(low)
        self.total += np.where(ok, np.abs(low), 0).sum(axis=(1, 2))
        self.write(self.start, projected[:, top:top + n, left:left + self.width])
        self.start = cut

    def error_percent(self, after: bool = True) -> float:
        """Largest per-band mean |block mean - low pixel| as a percentage of the band's mean |low pixel|."""
        err = self.err_after if after else self.err_before
        with np.errstate(invalid="ignore", divide="ignore"):
            per_band = np.where(self.total > 0, 100.0 * err / self.total, 0.0)
        return float(per_band.max()) if len(per_band) else 0.0


# -- super-resolution, end to end ----------------------------------------------------------------------------------
DEFAULT_GUIDED = "s2_superres_guided"
DEFAULT_SINGLE = "s2_superres_single"
_PLAUSIBLE_FALLBACK = 0.3  # SCALE mode on values that are not reflectance: their 99th percentile is mapped here


@dataclass
class SuperResRequest:
    input: str  # high-resolution bands (guided), the raster to double (SCALE mode), or a Sentinel-2 product
    output: str
    input_lowres: str | None = None  # the bands to sharpen; None: SCALE mode (or the product's 20 m bands)
    scale_mode: bool = False
    model: str | None = None  # None: the bundled model for the mode
    bands: str | None = None  # explicit band names of INPUT, e.g. 'B2,B3,B4,B8'
    bands_lowres: str | None = None  # explicit band names of INPUT_LOWRES, e.g. 'B5,B6,B7,B8A,B11,B12'
    device: str = "auto"
    tile_size: int | None = None
    overlap: int | None = None
    batch_size: int = 0
    threads: int = 0
    extent: tuple[float, float, float, float] | None = None  # xmin, ymin, xmax, ymax in INPUT's CRS; None: all
    mask: str | None = None  # polygon file: nodata outside its polygons


@dataclass
class SuperResResult:
    output: str
    model_id: str
    band_names: list[str]
    width: int
    height: int
    pixel_size: float
    consistency_error_percent: float  # after the projection (the guarantee)
    consistency_error_before_percent: float  # the network's own, before the projection
    tiles: int = 0
    log: list[str] = field(default_factory=list)

    def headline(self) -> dict[str, object]:
        """The numbers deepmapper:superresolve returns as Processing outputs (and the command line's summary)."""
        return {"CONSISTENCY_ERROR_PERCENT": self.consistency_error_percent,
                "NETWORK_CONSISTENCY_ERROR_PERCENT": self.consistency_error_before_percent,
                "PIXEL_SIZE": self.pixel_size, "BAND_COUNT": len(self.band_names), "MODEL_ID": self.model_id}


def run_superres(req: SuperResRequest, monitor: Monitor | None = None, registry=None) -> SuperResResult:
    """Super-resolve INPUT_LOWRES onto INPUT's grid (or double INPUT in SCALE mode); see the module docstring."""
    with bounded_gdal_cache():
        return _run(req, monitor or Monitor(), registry)


def _run(req: SuperResRequest, monitor: Monitor, registry) -> SuperResResult:
    """Inputs and model, then the plan (output grid, bands, units), the model, and the tiled run into the sink."""
    log: list[str] = []
    say = monitor.recorder(log)
    high_path, low_path, from_product = _inputs(req, say)
    scale_mode = req.scale_mode or low_path is None
    _check_output(req.output, [p for p in (req.input, req.input_lowres) if p])
    card = _model_card(req, registry, scale_mode, say)
    sensor = preset(card.data["input"].get("sensor", "sentinel2_l1c"))
    with open_raster(high_path) as high, (open_raster(low_path) if low_path else open_raster(high_path)) as low:
        plan = _scale_plan(low, say) if scale_mode else _guided_plan(req, card, sensor, high, low, from_product, say)
        subset = _subset(req, plan, say)
        window = subset.window if subset else PixelWindow(0, plan.height, 0, plan.width)
        reader = plan.reader()
        tile, batch, predictor = _predictor(req, card, plan, scale_mode, say, monitor.check, window)
        nodata = plan.nodata()
        with atomic_path(req.output) as tmp:
            # The sink runs in predict_tiled's writer thread: it reads the low-resolution raster through a handle of
            # its own (a GDAL dataset is not to be read from two threads; the reader's prefetching thread has one).
            with rasterio.open(tmp, "w", **plan.profile(nodata, window)) as dst, BlockRowWriter(dst) as rows_out, \
                    open_raster(plan.low.name) as sink_low:
                _describe(dst, plan.names, card, req.input, low_path)
                sink = plan.sink(_in_window(subset, plan.transform, _nan_as(nodata, rows_out)), window, sink_low)
                stats = predict_tiled(reader, predictor, tile, batch, sink, monitor, **_window_options(subset, plan,
                                                                                                      tile.size))
                sink.close()
    say_tiles(say, stats)
    result = SuperResResult(req.output, card.id, plan.names, window.width, window.height,
                            float(abs(plan.transform.a)), sink.error_percent(True), sink.error_percent(False),
                            stats["tiles"], log)
    against = _("Consistency (2 x 2 block means against INPUT): {after:.2g} % after the projection, {before:.2g} % "
                "from the network alone.") if scale_mode else _(
        "Consistency (2 x 2 block means against INPUT_LOWRES): {after:.2g} % after the projection, {before:.2g} % "
        "from the network alone.")
    say(against.format(after=result.consistency_error_percent, before=result.consistency_error_before_percent))
    monitor.progress(1.0)
    return result


def _inputs(req: SuperResRequest, say: Callable[[str], None]) -> tuple[str, str | None, bool]:
    """(the high-resolution raster, the low-resolution one or None, whether they are a Sentinel-2 product's)."""
    from .s2_product import product_rasters
    if req.scale_mode and req.input_lowres:
        raise DeepMapperError(_("SCALE mode doubles INPUT alone, but INPUT_LOWRES is set too. Leave INPUT_LOWRES "
                                "empty to double INPUT, or turn SCALE mode off to sharpen INPUT_LOWRES with INPUT."))
    if not req.scale_mode and req.input_lowres is None:
        product = product_rasters(req.input)
        if product is not None:
            high_path, low_path, from_product = product
            say(_("Sentinel-2 product: 10 m bands from {high_path}, 20 m bands from {low_path}.").format(
                high_path=high_path, low_path=low_path))
            return high_path, low_path, from_product
    return req.input, req.input_lowres, False


def _model_card(req: SuperResRequest, registry, scale_mode: bool, say: Callable[[str], None]):
    """MODEL's card (or the bundled one for the mode); refused when it does not fit the mode."""
    from ....models.registry import Registry
    registry = registry or Registry()
    card = registry.get(req.model or (DEFAULT_SINGLE if scale_mode else DEFAULT_GUIDED), "superresolution")
    guides = _guide_bands(card)
    if scale_mode and guides:
        raise DeepMapperError(_("Model '{model}' needs guide bands (INPUT_LOWRES and INPUT), so it cannot run in SCALE "
                              "mode; use {default_single} or give INPUT_LOWRES.").format(
            model=card.id, default_single=DEFAULT_SINGLE))
    if not scale_mode and not guides:
        raise DeepMapperError(_("Model '{model}' is a single-image model; use it with SCALE mode (no INPUT_LOWRES), "
                              "or a guided model such as {default_guided}.").format(
            model=card.id, default_guided=DEFAULT_GUIDED))
    say(_("Model: {summary}").format(summary=card.summary(translated=True)))
    return card


def _guide_bands(card) -> list[str]:
    return list(card.data["input"].get("guide_bands") or [])


@dataclass
class _Plan:
    """What one run reads and writes: the low-resolution bands to sharpen, their units, how their grid nests in the
    output grid, the guide bands (if any) and the output grid and band names."""

    low: rasterio.DatasetReader
    low_idx: list[int]  # 1-based bands of `low` in the model's order
    names: list[str]  # output band names, in file order
    order: list[int]  # model order -> file order
    scale: float  # input units -> model units (reflectance)
    grid: GridPair
    high: BandReader | None  # the guide bands; None in SCALE mode
    template: rasterio.DatasetReader  # the raster whose profile the output takes
    transform: Affine  # the output's
    height: int
    width: int

    def reader(self) -> GuidedReader:
        """What the tiled engine streams; low-resolution nodata is filled with each band's median."""
        fill = np.array([sample_percentile(self.low, [b], 50.0) for b in self.low_idx], np.float32)
        return GuidedReader(self.low, self.low_idx, self.scale, fill, self.grid, self.high)

    def nodata(self) -> float:
        """The output's nodata value: the low raster's (NaN when it has none)."""
        nodata = self.low.nodatavals[self.low_idx[0] - 1]
        return float("nan") if nodata is None else float(nodata)

    def profile(self, nodata: float, window: PixelWindow) -> dict:
        """The output GeoTIFF's profile: float32, the output grid, the template's CRS."""
        profile = geotiff_profile(self.template, len(self.names), "float32", nodata)
        profile.update(width=window.width, height=window.height, transform=window.transform(self.transform),
                       crs=self.template.crs)
        return profile

    def sink(self, write: Callable[[int, np.ndarray], None], window: PixelWindow,
             low: rasterio.DatasetReader | None = None) -> ConsistentSink:
        """The sink that projects the rows of `window` onto the low-resolution input (read through `low`, another
        handle of self.low's raster when the sink runs in a thread of its own) before handing them to `write`."""
        return ConsistentSink(write, low or self.low, [self.low_idx[i] for i in self.order], self.order, self.scale,
                              self.grid, window.row1, window.width, window.row0, window.col0)


def _scale_plan(low: rasterio.DatasetReader, say: Callable[[str], None]) -> _Plan:
    """SCALE mode: every band of `low` doubled, in file order, on the low grid halved."""
    low_idx = list(range(1, low.count + 1))
    return _Plan(low, low_idx, names=[d or f"band {i}" for i, d in enumerate(low.descriptions, start=1)],
                 order=list(range(low.count)), scale=_scale_any(low, low_idx, say), grid=GridPair(0, 0), high=None,
                 template=low, transform=low.transform * Affine.scale(0.5), height=2 * low.height,
                 width=2 * low.width)


def _guided_plan(req: SuperResRequest, card, sensor: SensorPreset, high: rasterio.DatasetReader,
                 low: rasterio.DatasetReader, from_product: bool, say: Callable[[str], None]) -> _Plan:
    """Guided mode: the model's guide bands from INPUT, the bands it sharpens from INPUT_LOWRES, on INPUT's grid;
    refused when the grids do not nest, bands are missing or the two rasters' units differ."""
    guides = _guide_bands(card)
    grid = check_grids(high, low)
    hmap, how = raster_band_names(high.descriptions, sensor, req.bands)
    high_idx = select_bands(hmap, guides, card.id, _("INPUT's {how}").format(how=how))
    sharpen = [b for b in card.bands if b not in guides]
    low_idx, names, order = _low_bands(low, sensor, sharpen, req.bands_lowres, card.id, strict=not from_product)
    scale, why = reflectance_scale(high, high_idx)
    low_scale, _unused = reflectance_scale(low, low_idx)
    if low_scale != scale:
        raise DeepMapperError(
            _("INPUT and INPUT_LOWRES are in different units (INPUT: {why}; INPUT_LOWRES scaled by "
            "{low_scale:g}); give both as digital numbers or both as reflectance.").format(
                why=why, low_scale=low_scale))
    say(_("Units: {why}. INPUT_LOWRES nests in INPUT's grid at offset {col_offset}, {row_offset} "
        "pixels.").format(why=why, col_offset=grid.col_offset, row_offset=grid.row_offset))
    return _Plan(low, low_idx, names, order, scale, grid, high=BandReader(high, high_idx, scale), template=high,
                 transform=high.transform, height=high.height, width=high.width)


def _predictor(req: SuperResRequest, card, plan: _Plan, scale_mode: bool, say: Callable[[str], None],
               check: Callable[[], None], window: PixelWindow):
    """(tile spec, batch size, the loaded model as a Predictor: band by band in SCALE mode); `window`: the output's
    pixels (EXTENT, MASK), for the log."""
    tile = tile_spec(card, req.tile_size, req.overlap)
    if tile.margin % 2 and tile.mode == "crop":  # tiles start on 2 x 2 block corners (models on the 20 m grid)
        tile = replace(tile, margin=tile.margin + 1)
    device = choose_device(req.device, card.format)
    bands = len(plan.low_idx)
    if scale_mode:  # BATCH_SIZE counts band-tiles: each band is one item of the one-band model's batch
        items = req.batch_size or band_batch(device, tile.size, card.data.get("architecture"))
        batch, what = max(1, items // bands), _("{items} band-tiles per pass").format(items=items)
    else:
        batch = req.batch_size or auto_batch_size(device, tile.size, len(card.bands))
        what = _("batch {batch}").format(batch=batch)  # 'batch N': benchmarks read it from the English log
    from ....models.backends import load_model, precision_for  # the runtime loads only now
    # On the CPU the net runs on onnxruntime through its cached ONNX export (models/backends/torch_export), which
    # never imports torch. torch's own pool is set up only where torch runs the net: on a GPU before the model loads
    # (its inter-op pool can be sized only before first use); on the CPU with DEEPMAPPER_TORCH_RUNTIME=torch or an
    # export that failed, after.
    model = load_model(card, device, req.threads, say=say, check=check) if device.kind == "cpu" else None
    threads = ""
    if RUNTIMES.get(model.runtime if model is not None else card.format) == "torch":
        from ....models.backends.torch_backend import set_torch_threads
        threads = ", " + _("{threads} torch threads").format(threads=set_torch_threads(req.threads))
    model = model or load_model(card, device, req.threads, say=say, check=check)
    say(_("Device {device}{threads}; tiles {tile_size} px, overlap "
        "{tile_margin} px, {what}; output {width} x {height} pixels, {bands} bands "
        "({names}).").format(
        device=describe(device, precision_for(card, device)), threads=threads, tile_size=tile.size,
        tile_margin=tile.margin, what=what, width=window.width, height=window.height, bands=bands,
        names=', '.join(plan.names)))
    return tile, batch, (PerBand(model, bands, items) if scale_mode else model)


def _describe(dst, names: list[str], card, input_path: str, low_path: str | None) -> None:
    """Band names and tags saying which model made the output from which inputs."""
    for i, name in enumerate(names, start=1):
        dst.set_band_description(i, name)
    dst.update_tags(DEEPMAPPER_MODEL=card.summary(), DEEPMAPPER_INPUT=os.path.basename(input_path),
                    DEEPMAPPER_INPUT_LOWRES=os.path.basename(low_path or ""))


def _subset(req: SuperResRequest, plan: _Plan, say: Callable[[str], None]) -> Subset | None:
    """EXTENT and MASK on the output grid (engine/subset.py), the window grown to whole low-resolution pixels (2 x 2
    blocks of the output), so that the consistency projection sees the blocks of a whole run; None: everything."""
    subset = plan_subset(plan.template, req.extent, req.mask, (plan.transform, plan.height, plan.width))
    if subset is None:
        return None
    win = subset.window.aligned(2, plan.grid.row_offset, plan.grid.col_offset, plan.height, plan.width)
    if win.is_whole(plan.height, plan.width) and subset.polygons is None:
        return None
    say(win.note(plan.height, plan.width, bool(req.mask)))
    return replace(subset, window=win)


def _window_options(subset: Subset | None, plan: _Plan, tile_size: int) -> dict:
    """predict_tiled's rows/cols/wanted for a subset: the window's tiles on the whole grid, with their context;
    tiles that miss the mask polygons by more than a 2 x 2 block are skipped (no output pixel can depend on them)."""
    if subset is None:
        return {}
    w = subset.window
    return {"rows": (w.row0, w.row1), "cols": (w.col0, w.col1),
            "wanted": subset.tile_wanted(plan.transform, tile_size, 2)}


def _in_window(subset: Subset | None, transform: Affine, write: Callable[[int, np.ndarray], None]
               ) -> Callable[[int, np.ndarray], None]:
    """`write` (rows of the output file) fed with rows of the output grid: moved to the window's first row, NaN
    outside the mask polygons."""
    if subset is None:
        return write

    def write_window(row0: int, rows: np.ndarray) -> None:
        r = row0 - subset.window.row0
        if subset.polygons is not None:
            rows = np.where(subset.mask(transform, r, r + rows.shape[1])[None], rows, np.float32(np.nan))
        write(r, rows)

    return write_window


def _nan_as(nodata: float, write: Callable[[int, np.ndarray], None]) -> Callable[[int, np.ndarray], None]:
    """`write` with NaN replaced by the nodata value first (unless that is NaN too)."""

    def write_nodata(row0: int, rows: np.ndarray) -> None:
        if not math.isnan(nodata):
            rows = np.where(np.isnan(rows), np.float32(nodata), rows)
        write(row0, rows)

    return write_nodata


def _scale_any(ds: rasterio.DatasetReader, indexes: list[int], say: Callable[[str], None]) -> float:
    """Reflectance scale for SCALE mode; values that are not reflectance-like are scaled to look like it."""
    try:
        scale, why = reflectance_scale(ds, indexes)
    except DeepMapperError:
        p99 = sample_percentile(ds, indexes)
        scale = _PLAUSIBLE_FALLBACK / p99
        why = _("values are not reflectance (99th percentile {p99:g}); scaled by {scale:.3g} so that they look "
                "like it (the model was trained on reflectance)").format(p99=p99, scale=scale)
    say(_("Units: {why}.").format(why=why))
    return scale


def _low_bands(low: rasterio.DatasetReader, sensor: SensorPreset, sharpen: list[str], explicit: str | None,
               model_id: str, strict: bool) -> tuple[list[int], list[str], list[int]]:
    """INPUT_LOWRES bands: 1-based indexes in the model's order, output names in file order, and the permutation from
    model order to file order. `strict`: every band of the raster must be one the model sharpens."""
    ids = {v: k for k, v in sensor.names.items()}  # common name -> B5 ...
    described = {}
    for i, desc in enumerate(low.descriptions, start=1):
        name = common_name(desc, sensor) if desc else None
        if name:
            described[i] = name
    if explicit and explicit.strip():
        mapping, how = raster_band_names(low.descriptions, sensor, explicit)
        by_index = {i: n for n, i in mapping.items()}
    elif described and len(described) == low.count:
        by_index, how = described, _("its band descriptions")
    elif low.count == len(sharpen):
        by_index, how = dict(enumerate(sharpen, start=1)), _("the model's order ({bands})").format(
            bands=", ".join(ids[b] for b in sharpen))
    else:
        raise DeepMapperError(
            _("INPUT_LOWRES has {low_count} bands without descriptions naming them, but model '{model_id}' sharpens "
            "{n_sharpen} bands ({sharpen}). Give a raster with exactly these "
            "bands, name them with BANDS_LOWRES, or set band descriptions.").format(
                low_count=low.count, model_id=model_id, n_sharpen=len(sharpen),
                sharpen=', '.join(ids.get(b, b) for b in sharpen)))
    missing = [b for b in sharpen if b not in by_index.values()]
    extra = [_("band {index} ({name})").format(index=i, name=ids.get(n, n)) for i, n in by_index.items()
             if n not in sharpen]
    if missing or (strict and extra):
        problem = (_("lacks {bands}").format(bands=", ".join(ids.get(b, b) for b in missing)) if missing else
                   _("also holds {bands}, which it does not sharpen").format(bands=", ".join(extra)))
        raise DeepMapperError(
            _("Model '{model_id}' sharpens {sharpen}; INPUT_LOWRES (bands from {how}) "
            "{problem}. Give a raster with exactly these bands (e.g. `gdal_translate -b ...`).").format(
                model_id=model_id, sharpen=', '.join(ids.get(b, b) for b in sharpen), how=how, problem=problem))
    file_order = sorted((i, n) for i, n in by_index.items() if n in sharpen)
    model_idx = [next(i for i, n in file_order if n == b) for b in sharpen]
    names = [low.descriptions[i - 1] or ids.get(n, n) for i, n in file_order]
    order = [sharpen.index(n) for _i, n in file_order]
    return model_idx, names, order


def _check_output(path: str, inputs: list[str]) -> None:
    if os.path.splitext(path)[1].lower() not in (".tif", ".tiff"):
        raise DeepMapperError(_("Output '{path}' must be a GeoTIFF (.tif).").format(path=path))
    for p in inputs:
        if os.path.abspath(path) == os.path.abspath(p):
            raise DeepMapperError(_("OUTPUT is an input file; choose another path (inputs are never overwritten)."))
