"""Which optional Python packages are importable, without importing them (cheap; safe at plugin load)."""
from __future__ import annotations

import importlib.util

# package -> what it is needed for (shown to the user)
PACKAGES = {
    "rasterio": "reading and writing rasters",
    "scipy": "smoothing and dilating masks",
    "geopandas": "reading reference vectors (accuracy assessment)",
    "shapely": "geometry operations (object matching, polygons)",
    "onnxruntime": "ONNX models (the UKIS cloud models)",
    "lightgbm": "pixel classifiers (s2cloudless)",
    "torch": "PyTorch models, training",
    "torchvision": "ResNet encoders",
    "ukis_csmask": "the bundled UKIS cloud models' weights",
    "s2cloudless": "the s2cloudless model's weights",
}
REQUIRED_FOR_CLOUDMASK = ("rasterio", "scipy", "onnxruntime")


def missing(packages=None) -> list[str]:
    return [p for p in (packages or PACKAGES) if importlib.util.find_spec(p) is None]


def install_hint(packages: list[str]) -> str:
    names = " ".join(p.replace("_", "-") for p in packages)
    return (f"Install into the Python that QGIS uses: `python3 -m pip install {names}` "
            f"(on Debian/Ubuntu, or from the plugin folder: `make setup`).")
