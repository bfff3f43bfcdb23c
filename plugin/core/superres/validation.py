"""deepmapper:validatesuperres' engine: the Wald protocol on a user's scene (degrade both inputs by 2, super-resolve
the degraded bands back to their own resolution, score model and bicubic interpolation against the originals)."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass

import numpy as np
import rasterio
from affine import Affine

from ..engine.errors import DeepMapperError
from ..engine.messages import _
from ..engine.progress import Monitor
from ..engine.raster_io import (BandReader, atomic_path, geotiff_profile, open_raster, remove_quietly,
                               require_free_space, scratch_path)
from .resample import bicubic_upsample2, block_mean2
from .pipeline import GridPair, SuperResRequest, check_grids, run_superres
from .report import render_validation, validation_csv
from .results import ValidateResult


@dataclass
class ValidateRequest:
    input: str
    input_lowres: str | None = None
    scale_mode: bool = False
    model: str | None = None
    bands: str | None = None
    bands_lowres: str | None = None
    device: str = "auto"
    tile_size: int | None = None
    overlap: int | None = None
    batch_size: int = 0
    output_html: str | None = None
    output_csv: str | None = None


def degrade(path: str, out_path: str, row_start: int = 0, col_start: int = 0, rows_per_strip: int = 512) -> None:
    """2 x 2 block means of every band, blocks starting at (row_start, col_start), strip by strip, as float32 with
    NaN for blocks that touch nodata. The Wald protocol's degradation (and the sensor model of the 20 m bands)."""
    with open_raster(path) as src:
        h, w = (src.height - row_start) // 2, (src.width - col_start) // 2
        if h < 1 or w < 1:
            raise DeepMapperError(_("'{path}' is too small to degrade by 2 ({width} x {height} pixels).").format(
                path=path, width=src.width, height=src.height))
        profile = geotiff_profile(src, src.count, "float32", float("nan"))
        profile.update(width=w, height=h,
                       transform=src.transform * Affine.translation(col_start, row_start) * Affine.scale(2))
        reader = BandReader(src, list(range(1, src.count + 1)))
        with rasterio.open(out_path, "w", **profile) as dst:
            dst.descriptions = src.descriptions
            for r0 in range(0, h, rows_per_strip // 2):
                r1 = min(h, r0 + rows_per_strip // 2)
                data, valid = reader.read_rows(row_start + 2 * r0, row_start + 2 * r1, col_start, col_start + 2 * w)
                data[:, ~valid] = np.nan
                dst.write(block_mean2(data), window=rasterio.windows.Window(0, r0, w, r1 - r0))


def validate_superres(req: ValidateRequest, monitor: Monitor | None = None, registry=None) -> ValidateResult:
    """Wald protocol on the user's scene: degrade both inputs by 2, super-resolve the degraded low-resolution bands back
    to their own resolution, and score the result (and bicubic interpolation) against the original bands."""
    monitor = monitor or Monitor()
    scale_mode = req.scale_mode or not req.input_lowres
    reference = req.input if scale_mode else req.input_lowres
    _check_outputs(req, reference)
    paths = {k: scratch_path(f"wald-{k}") for k in ("high", "low", "out")}
    try:
        _degrade_inputs(req, reference, scale_mode, paths, monitor)
        sr = run_superres(SuperResRequest(
            input=paths["low"] if scale_mode else paths["high"], output=paths["out"],
            input_lowres=None if scale_mode else paths["low"], scale_mode=scale_mode, model=req.model,
            bands=req.bands, bands_lowres=req.bands_lowres, device=req.device, tile_size=req.tile_size,
            overlap=req.overlap, batch_size=req.batch_size), monitor.span(0.05, 0.9), registry)
        compared = _compared(reference, paths, list(sr.band_names), scale_mode)
        result = _scored(req, sr, compared, scale_mode)
        monitor.log(_("Model RMSE {model_rmse:.4g} vs bicubic {bicubic_rmse:.4g} "
                    "(ratio {ratio:.3f}).").format(
            model_rmse=result.model.overall['rmse'], bicubic_rmse=result.bicubic.overall['rmse'],
            ratio=result.rmse_ratio))
        _write_reports(result)
        monitor.progress(1.0)
        return result
    finally:
        for p in paths.values():
            remove_quietly(p)


def _check_outputs(req: ValidateRequest, reference: str) -> None:
    """Refuse reports written over an input before any work: inputs are never overwritten."""
    for path in (req.output_html, req.output_csv):
        if path and os.path.abspath(path) in (os.path.abspath(req.input), os.path.abspath(reference)):
            raise DeepMapperError(_("An output is an input file; choose another path (inputs are never overwritten)."))


def _degrade_inputs(req: ValidateRequest, reference: str, scale_mode: bool, paths: dict[str, str],
                    monitor: Monitor) -> None:
    """The degraded copies into paths['low'] (and paths['high'] in guided mode, its 2 x 2 blocks aligned with the
    low-resolution pixels), after checking the grids and the free space they and the model's output need."""
    with open_raster(req.input) as high, open_raster(reference) as low:
        grid = GridPair(0, 0) if scale_mode else check_grids(high, low)
        # the degraded copies (float32, 4 bytes, at a quarter of the pixels) and the model's output over them
        need = sum(ds.count * ds.width * ds.height for ds in {id(high): high, id(low): low}.values())
        require_free_space(paths["low"], 3 * need, "the Wald protocol's degraded copies of the inputs")
    monitor.log(_("Wald protocol: degrading the inputs by 2 x 2 block means."))
    if scale_mode:
        degrade(reference, paths["low"])
    else:
        degrade(req.input, paths["high"], grid.row_offset % 2, grid.col_offset % 2)
        degrade(reference, paths["low"])


@dataclass
class _Compared:
    """The reference bands, the model's output and bicubic interpolation of the degraded bands over the window all
    three cover, float32 (bands, rows, cols) with NaN where invalid; `window` = (r0, r1, c0, c1) in the reference."""

    ref: np.ndarray
    pred: np.ndarray
    bicubic: np.ndarray
    names: list[str]
    window: tuple[int, int, int, int]
    pixel: float


def _compared(reference: str, paths: dict[str, str], names: list[str], scale_mode: bool) -> _Compared:
    """Read what is scored on one grid: the output may start off the reference's origin and cover less of it."""
    with rasterio.open(reference) as ref_ds, rasterio.open(paths["out"]) as out_ds, \
            rasterio.open(paths["low"]) as deg_ds:
        dr = int(round((ref_ds.transform.f - out_ds.transform.f) / ref_ds.res[1]))
        dc = int(round((out_ds.transform.c - ref_ds.transform.c) / ref_ds.res[0]))
        r0, c0 = max(0, dr), max(0, dc)
        r1 = min(ref_ds.height, dr + out_ds.height, 2 * deg_ds.height)
        c1 = min(ref_ds.width, dc + out_ds.width, 2 * deg_ds.width)
        if scale_mode:
            ref_idx = list(range(1, ref_ds.count + 1))
        else:  # the output holds INPUT_LOWRES's model bands in file order: read the same ones
            ref_idx = [i for i, d in enumerate(ref_ds.descriptions, start=1) if d in names] \
                if all(d in ref_ds.descriptions for d in names) else list(range(1, len(names) + 1))
        ref, valid = BandReader(ref_ds, ref_idx).read_rows(r0, r1, c0, c1)
        ref[:, ~valid] = np.nan
        pred = out_ds.read(window=rasterio.windows.Window(c0 - dc, r0 - dr, c1 - c0, r1 - r0)).astype(np.float32)
        if out_ds.nodata is not None and not math.isnan(out_ds.nodata):
            pred[pred == out_ds.nodata] = np.nan
        deg = deg_ds.read(ref_idx).astype(np.float32)  # degraded from the reference: same band order
        bic = bicubic_upsample2(deg)[:, r0:r1, c0:c1]
        return _Compared(ref, pred, bic, names, (r0, r1, c0, c1), ref_ds.res[0])


def _scored(req: ValidateRequest, sr, compared: _Compared, scale_mode: bool) -> ValidateResult:
    """Model and bicubic scores over the pixels where reference, output and interpolation are all valid, with what
    the report says about the run."""
    from .metrics import score

    ref, pred, bic, pixel = compared.ref, compared.pred, compared.bicubic, compared.pixel
    r0, r1, c0, c1 = compared.window
    mask = np.isfinite(ref).all(0) & np.isfinite(pred).all(0) & np.isfinite(bic).all(0)
    model_scores = score(pred, ref, 0.5, mask)
    bic_scores = score(bic, ref, 0.5, mask)
    info = {"input": req.input, "input_lowres": req.input_lowres or "", "mode": "SCALE (single image)" if scale_mode
            else "guided (INPUT guides INPUT_LOWRES)", "model": sr.model_id, "pixel_size": pixel,
            "scored": f"{c1 - c0} x {r1 - r0} pixels at {pixel:g} (window {c0},{r0} of the reference)",
            "consistency": sr.consistency_error_percent,
            "consistency_before": sr.consistency_error_before_percent}
    return ValidateResult(model_scores, bic_scores, compared.names, sr.model_id, int(mask.sum()),
                          sr.consistency_error_percent, info, req.output_html, req.output_csv, sr.log)


def _write_reports(result: ValidateResult) -> None:
    if result.output_csv:
        with atomic_path(result.output_csv) as tmp:
            with open(tmp, "w", encoding="utf-8", newline="") as f:
                f.write(validation_csv(result))
    if result.output_html:
        try:
            with atomic_path(result.output_html) as tmp:
                with open(tmp, "w", encoding="utf-8") as f:
                    f.write(render_validation(result))
        except BaseException:
            if result.output_csv:
                remove_quietly(result.output_csv)
            raise
