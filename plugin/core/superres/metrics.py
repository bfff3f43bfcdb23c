"""Image-quality scores for super-resolution (Wald protocol): RMSE, PSNR, SSIM, SAM, ERGAS, per band and overall.

All take (C, H, W) arrays in the same units and a (H, W) mask of pixels to score; NaN marks nodata.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.ndimage import gaussian_filter

SSIM_SIGMA = 1.5  # Wang et al. 2004: Gaussian window, sigma 1.5 (11 x 11)


@dataclass
class Scores:
    """Scores of one prediction against a reference: per band lists and overall values."""

    rmse: list[float]
    psnr: list[float]
    ssim: list[float]
    overall: dict[str, float] = field(default_factory=dict)  # rmse, psnr, ssim, sam, ergas

    def as_dict(self) -> dict:
        return {"rmse": self.rmse, "psnr": self.psnr, "ssim": self.ssim, **self.overall}


def score(pred: np.ndarray, ref: np.ndarray, ratio: float = 0.5, mask: np.ndarray | None = None) -> Scores:
    """Scores of `pred` against `ref`. `ratio` is high / low pixel size (0.5 for 10 m from 20 m), used by ERGAS.

    PSNR's peak is each band's largest reference value (the reference's own dynamic range), as in DSen2's tables.
    """
    pred = pred.astype(np.float64)
    ref = ref.astype(np.float64)
    ok = np.isfinite(pred).all(0) & np.isfinite(ref).all(0)
    if mask is not None:
        ok &= mask
    if not ok.any():
        raise ValueError("no valid pixel to score")
    p, r = pred[:, ok], ref[:, ok]
    mse = ((p - r) ** 2).mean(axis=1)
    rmse = np.sqrt(mse)
    peak = np.abs(r).max(axis=1)
    psnr = 20 * np.log10(peak / np.maximum(rmse, 1e-12))
    ssim = [ssim_band(pred[b], ref[b], ok) for b in range(len(pred))]
    means = np.abs(r.mean(axis=1))
    ergas = 100.0 * ratio * float(np.sqrt(np.mean((rmse / np.maximum(means, 1e-12)) ** 2)))
    overall_rmse = float(np.sqrt(mse.mean()))
    overall = {"rmse": overall_rmse, "psnr": float(20 * np.log10(peak.max() / max(overall_rmse, 1e-12))),
               "ssim": float(np.mean(ssim)), "sam": sam_degrees(p, r), "ergas": ergas}
    return Scores([float(v) for v in rmse], [float(v) for v in psnr], [float(v) for v in ssim], overall)


def ssim_band(x: np.ndarray, y: np.ndarray, mask: np.ndarray) -> float:
    """Mean SSIM over masked pixels, Gaussian-weighted local statistics, data range of the reference."""
    fill = float(y[mask].mean())
    x = np.where(mask, x, fill)
    y = np.where(mask, y, fill)
    data_range = float(y[mask].max() - y[mask].min()) or 1.0
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    f = lambda a: gaussian_filter(a, SSIM_SIGMA, truncate=3.5)  # noqa: E731  (11 x 11 window)
    mx, my = f(x), f(y)
    vx, vy, cxy = f(x * x) - mx * mx, f(y * y) - my * my, f(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))
    return float(s[mask].mean())


def sam_degrees(p: np.ndarray, r: np.ndarray) -> float:
    """Mean spectral angle (degrees) between predicted and reference spectra, (C, N) arrays."""
    dot = (p * r).sum(axis=0)
    norm = np.linalg.norm(p, axis=0) * np.linalg.norm(r, axis=0)
    ok = norm > 0
    cos = np.clip(dot[ok] / norm[ok], -1.0, 1.0)
    return float(np.degrees(np.arccos(cos)).mean()) if ok.any() else 0.0
