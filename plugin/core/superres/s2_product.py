"""Sentinel-2 products (a .SAFE folder, its zip, or its MTD_MSIL1C/L2A.xml) as input, through GDAL's SENTINEL2 driver.

The driver exposes one subdataset per resolution ("SENTINEL2_L1C:.../MTD_MSIL1C.xml:10m:EPSG_32633"); the 10 m one
holds B2, B3, B4, B8 and the 20 m one B5, B6, B7, B8A, B11, B12 (plus, for L2A, other bands, which are left aside).
"""
from __future__ import annotations

import os
from pathlib import Path

from ..engine.errors import DeepMapperError
from ..engine.messages import _


def is_product(path: str) -> bool:
    p = Path(path)
    name = p.name.upper()
    return (p.is_dir() and name.endswith(".SAFE")) or (name.endswith(".ZIP") and "MSIL" in name) or \
        (name.startswith("MTD_MSIL") and name.endswith(".XML"))


def product_rasters(path: str) -> tuple[str, str, bool] | None:
    """(10 m subdataset, 20 m subdataset, True) for a Sentinel-2 product; None for any other input."""
    if not is_product(path):
        return None
    import rasterio
    target = str(path)
    if Path(path).is_dir():
        found = sorted(Path(path).glob("MTD_MSIL*.xml"))
        if not found:
            raise DeepMapperError(_("'{path}' looks like a Sentinel-2 .SAFE folder but holds no MTD_MSIL1C.xml or "
                                  "MTD_MSIL2A.xml; give the complete product.").format(path=path))
        target = str(found[0])
    try:
        with rasterio.open(target) as ds:
            subs = list(ds.subdatasets)
    except Exception as exc:  # rasterio raises several types for drivers that cannot open the file
        raise DeepMapperError(_("GDAL's SENTINEL2 driver could not open '{path}' ({exc}); give a complete .SAFE "
                              "folder or its zip as downloaded.").format(path=path, exc=exc)) from exc

    def pick(res: str) -> str:
        for s in subs:
            if f":{res}:" in s:
                return s
        raise DeepMapperError(_("The Sentinel-2 product '{name}' has no {res} subdataset "
                              "(found: {found}).").format(
            name=os.path.basename(path), res=res, found=', '.join(subs) or 'none'))

    return pick("10m"), pick("20m"), True
