"""Resampling by a factor of 2 for super-resolution: bicubic upsampling identical to torch's, 2 x 2 block means (the
Wald protocol's degradation and the sensor model of the 20 m bands), and the consistency projection."""
from __future__ import annotations

import warnings

import numpy as np

# Cubic convolution kernel with a = -0.75: the one torch.nn.functional.interpolate(mode="bicubic") uses (and OpenCV).
_A = -0.75


def _cubic(d: float) -> float:
    d = abs(d)
    if d <= 1:
        return (_A + 2) * d ** 3 - (_A + 3) * d ** 2 + 1
    return _A * d ** 3 - 5 * _A * d ** 2 + 8 * _A * d - 4 * _A


# For a x2 upsampling with align_corners=False, even outputs sit 0.25 before a source pixel, odd ones 0.25 after.
_EVEN = np.array([_cubic(1.75), _cubic(0.75), _cubic(0.25), _cubic(1.25)], np.float32)  # source k-2 .. k+1
_ODD = _EVEN[::-1].copy()  # source k-1 .. k+2
HALO = 2  # source pixels each side that bicubic x2 needs


def _upsample_axis(p: np.ndarray, axis: int) -> np.ndarray:
    """Bicubic x2 along `axis` of `p`, which carries HALO extra pixels on each side of that axis."""
    p = np.moveaxis(p, axis, 0)
    n = p.shape[0] - 2 * HALO
    even = sum(w * p[i:i + n] for i, w in enumerate(_EVEN))
    odd = sum(w * p[i + 1:i + 1 + n] for i, w in enumerate(_ODD))
    out = np.empty((2 * n,) + p.shape[1:], np.float32)
    out[0::2], out[1::2] = even, odd
    return np.moveaxis(out, 0, axis)


def bicubic_upsample2(x: np.ndarray, padded: bool = False) -> np.ndarray:
    """Bicubic x2 of the last two axes, identical to torch's interpolate(scale 2, bicubic, align_corners=False).

    `padded`: `x` already carries HALO real pixels of context on each side (strip-wise use, so strips join without
    seams); otherwise the edges are replicated, as torch does at image borders.
    """
    x = np.asarray(x, np.float32)
    if not padded:
        x = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(HALO, HALO), (HALO, HALO)], mode="edge")
    return _upsample_axis(_upsample_axis(x, x.ndim - 2), x.ndim - 1)


def block_mean2(x: np.ndarray) -> np.ndarray:
    """2 x 2 block means of the last two axes (odd trailing rows/columns dropped): the Wald protocol's degradation
    and the sensor model behind the consistency rule."""
    h, w = x.shape[-2] // 2 * 2, x.shape[-1] // 2 * 2
    x = np.asarray(x[..., :h, :w], np.float32)
    return x.reshape(x.shape[:-2] + (h // 2, 2, w // 2, 2)).mean(axis=(-3, -1))


def project_consistent(high: np.ndarray, low: np.ndarray) -> np.ndarray:
    """Add to each 2 x 2 block of `high` the difference between `low` and the block's mean over its valid (finite)
    pixels, so the result averages back to `low` exactly. `high` (C, 2h, 2w), `low` (C, h, w); NaN stays NaN."""
    c, h, w = low.shape
    blocks = high.reshape(c, h, 2, w, 2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN blocks (nodata) stay NaN
        mean = np.nanmean(blocks, axis=(2, 4))
    delta = np.where(np.isfinite(mean) & np.isfinite(low), low - mean, 0.0).astype(np.float32)
    return (blocks + delta[:, :, None, :, None]).reshape(high.shape)
