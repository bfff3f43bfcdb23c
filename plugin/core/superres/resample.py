"""Resampling by a factor of 2 for super-resolution: bicubic upsampling identical to torch's, 2 x 2 block means (the
Wald protocol's degradation and the sensor model of the 20 m bands), and the consistency projection."""
from __future__ import annotations

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
    """Bicubic x2 along `axis` of `p`, which carries HALO extra pixels on each side of that axis.

    Each output phase (even, odd) is summed in place in the output's own strided view, one weighted source slice at
    a time, in the order w0 p0 + w1 p1 + w2 p2 + w3 p3: no moved axes, no interleaving copy, one scratch slice. About
    1.9x faster than summing temporaries and interleaving them, with bit-identical results (same operations, same
    order)."""
    axis %= p.ndim
    n = p.shape[axis] - 2 * HALO
    out = np.empty(p.shape[:axis] + (2 * n,) + p.shape[axis + 1:], np.float32)
    scratch = np.empty(p.shape[:axis] + (n,) + p.shape[axis + 1:], np.float32)
    lead = (slice(None),) * axis

    for phase, (weights, first) in enumerate(((_EVEN, 0), (_ODD, 1))):
        acc = out[lead + (slice(phase, None, 2),)]
        np.multiply(p[lead + (slice(first, first + n),)], weights[0], out=acc)
        for i in range(1, 4):
            np.multiply(p[lead + (slice(first + i, first + i + n),)], weights[i], out=scratch)
            np.add(acc, scratch, out=acc)
    return out


def bicubic_upsample2(x: np.ndarray, padded: bool = False) -> np.ndarray:
    """Bicubic x2 of the last two axes, identical to torch's interpolate(scale 2, bicubic, align_corners=False).

    `padded`: `x` already carries HALO real pixels of context on each side (strip-wise use, so strips join without
    seams); otherwise the edges are replicated, as torch does at image borders.
    """
    x = np.asarray(x, np.float32)
    if not padded:
        x = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(HALO, HALO), (HALO, HALO)], mode="edge")
    return _upsample_axis(_upsample_axis(x, x.ndim - 2), x.ndim - 1)


def _block_sum2(x: np.ndarray) -> np.ndarray:
    """Sums of the 2 x 2 blocks of the last two axes (even sizes), from the four strided quarters: elementwise adds,
    several times faster than a reduction over the two block axes of a reshaped array."""
    s = np.add(x[..., 0::2, 0::2], x[..., 0::2, 1::2], dtype=np.float32)
    s += x[..., 1::2, 0::2]
    s += x[..., 1::2, 1::2]
    return s


def block_mean2(x: np.ndarray) -> np.ndarray:
    """2 x 2 block means of the last two axes (odd trailing rows/columns dropped): the Wald protocol's degradation
    and the sensor model behind the consistency rule. (..., 2h, 2w) -> (..., h, w) float32; a block with a NaN is NaN."""
    h, w = x.shape[-2] // 2 * 2, x.shape[-1] // 2 * 2
    s = _block_sum2(np.asarray(x[..., :h, :w], np.float32))
    s *= np.float32(0.25)
    return s


def project_consistent(high: np.ndarray, low: np.ndarray, means: np.ndarray | None = None) -> np.ndarray:
    """Add to each 2 x 2 block of `high` the difference between `low` and the block's mean over its valid (finite)
    pixels, so the result averages back to `low` exactly. `high` (C, 2h, 2w), `low` (C, h, w) float32; NaN stays NaN.
    `means`: block_mean2(high), when the caller has it already (used where no pixel of `high` is NaN)."""
    c, h, w = low.shape
    finite = np.isfinite(high)
    if finite.all():
        mean = block_mean2(high) if means is None else means
    else:  # the mean of each block's finite pixels; none finite: NaN (nodata stays nodata)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = _block_sum2(np.where(finite, high, np.float32(0))) / _block_sum2(finite.astype(np.float32))
    delta = np.subtract(low, mean, dtype=np.float32)
    delta[~(np.isfinite(mean) & np.isfinite(low))] = 0.0
    return (high.reshape(c, h, 2, w, 2) + delta[:, :, None, :, None]).reshape(high.shape)
