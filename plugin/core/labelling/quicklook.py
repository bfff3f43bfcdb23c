"""Small inline images for HTML reports: a raster window as a stretched colour PNG (base64), with an outline.

The PNG is written with zlib alone (no imaging library), so the reports work wherever the engine does.
"""
from __future__ import annotations

import base64
import struct
import zlib

import numpy as np
from rasterio.windows import Window

OUTLINE = (255, 221, 0)  # yellow: visible on water, vegetation and cloud alike


def png_base64(rgb: np.ndarray) -> str:
    """(h, w, 3) uint8 -> a base64 PNG, for <img src="data:image/png;base64,...">."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[r].tobytes() for r in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode("ascii")


def display_bands(src) -> list[int]:
    """Bands shown as red, green, blue: those named so in the descriptions, else 3, 2, 1 (Sentinel-2 order B2, B3,
    B4 first), else the first band as grey."""
    names = [(d or "").lower() for d in src.descriptions]
    wanted = []
    for key in (("red", "b4", "b04"), ("green", "b3", "b03"), ("blue", "b2", "b02")):
        hit = [i + 1 for i, n in enumerate(names) if n in key or n.split(" ")[0] in key]
        wanted.append(hit[0] if hit else None)
    if all(wanted):
        return wanted
    return [3, 2, 1] if src.count >= 3 else [1, 1, 1]


def quicklook(src, geometry, pad: int = 8, size: int = 160) -> str:
    """A base64 PNG of the window around `geometry` (in the raster's CRS), stretched 2-98 %, the geometry's pixels
    outlined; nearest-neighbour scaled to at most `size` pixels across."""
    from rasterio import features
    from rasterio.windows import from_bounds, transform as window_transform
    from scipy.ndimage import binary_erosion
    win = from_bounds(*geometry.bounds, transform=src.transform).round_offsets(op="floor").round_lengths(op="ceil")
    r0, c0 = max(int(win.row_off) - pad, 0), max(int(win.col_off) - pad, 0)
    r1 = min(int(win.row_off + win.height) + pad + 1, src.height)
    c1 = min(int(win.col_off + win.width) + pad + 1, src.width)
    window = Window(c0, r0, max(c1 - c0, 1), max(r1 - r0, 1))
    data = src.read(display_bands(src), window=window).astype(np.float32)
    ok = np.isfinite(data).all(axis=0)
    lo, hi = (np.percentile(data[:, ok], (2, 98), axis=1) if ok.any() else (np.zeros(3), np.ones(3)))
    rgb = np.clip((data - lo[:, None, None]) / np.maximum(hi - lo, 1e-9)[:, None, None], 0, 1)
    rgb = (np.nan_to_num(rgb) * 255).astype(np.uint8).transpose(1, 2, 0)
    inside = features.geometry_mask([geometry], out_shape=rgb.shape[:2], invert=True, all_touched=True,
                                    transform=window_transform(window, src.transform))
    edge = inside & ~binary_erosion(inside)
    rgb[edge] = OUTLINE
    step = max(1, int(np.ceil(max(rgb.shape[:2]) / size)))
    rgb = rgb[::step, ::step]
    zoom = max(1, size // max(rgb.shape[:2]))
    return png_base64(np.ascontiguousarray(rgb.repeat(zoom, axis=0).repeat(zoom, axis=1)))
