"""Pixel-classifier backend (LightGBM boosters such as s2cloudless): every pixel is classified on its own."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ...plugin.core.engine.errors import require
from ...plugin.core.engine.messages import N_


def lightgbm_runner(weights: Path, threads: int = 0):
    lightgbm = require("lightgbm", N_("pixel-classifier models such as s2cloudless"))
    booster = lightgbm.Booster(model_file=str(weights))
    params = {"num_threads": threads} if threads else {}

    def run(x: np.ndarray) -> np.ndarray:
        n, c, h, w = x.shape
        pixels = np.ascontiguousarray(x.transpose(0, 2, 3, 1).reshape(-1, c), dtype=np.float64)
        proba = booster.predict(pixels, **params)
        return proba.reshape(n, 1, h, w).astype(np.float32)

    return run
