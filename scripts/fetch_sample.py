"""Fetch a public, real Sentinel-2 L1C scene for the demo when ../shared/data is absent.

The s2cloudless 1.2.0 source distribution on PyPI carries a 13-band L1C scene (Betsiboka estuary, 856 x 512
pixels at 60 m, reflectance 0..1) as a NumPy archive; this writes it as a GeoTIFF with band descriptions and a
nominal georeference (the archive has none). Licence of the data: CC-BY-SA-4.0 (s2cloudless).
"""
from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import rasterio
from rasterio.transform import from_origin

BANDS = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B10", "B11", "B12"]
MEMBER = "s2cloudless-1.2.0/s2cloudless/TestInputs/input_arrays.npz"


def fetch(dest: Path) -> Path:
    if dest.exists():
        return dest
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                        "s2cloudless==1.2.0", "-d", tmp], check=True)
        archive = next(Path(tmp).glob("s2cloudless-1.2.0.tar.gz"))
        with tarfile.open(archive) as tar:
            tar.extract(MEMBER, tmp)
        scene = np.load(Path(tmp) / MEMBER)["s2_im"][0]  # (rows, cols, 13)
    profile = dict(driver="GTiff", height=scene.shape[0], width=scene.shape[1], count=13, dtype="float32",
                   crs="EPSG:32738", transform=from_origin(500000, 8200000, 60, 60), tiled=True,
                   compress="deflate")
    tmp_dest = dest.with_suffix(".part.tif")
    with rasterio.open(tmp_dest, "w", **profile) as ds:
        ds.write(np.moveaxis(scene, -1, 0).astype("float32"))
        for i, name in enumerate(BANDS, start=1):
            ds.set_band_description(i, name)
    tmp_dest.replace(dest)
    return dest


if __name__ == "__main__":
    print(fetch(Path(sys.argv[1] if len(sys.argv) > 1 else ".build/samples/s2_betsiboka_l1c_13band.tif")))
