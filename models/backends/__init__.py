"""Backends turn a card into a Predictor (see plugin/core/engine/inference.py): normalise, run, activate.

Heavy runtimes (onnxruntime, torch, lightgbm) are imported only when a model of that format is loaded, so the
plugin loads, and tells the user what is missing, even when they are not installed.
"""
from __future__ import annotations

import numpy as np

from ...plugin.core.engine.device import Device
from ..card import ModelCard
from ..registry import verified_weights


class LoadedModel:
    """A card plus a runtime session; implements the engine's Predictor protocol."""

    def __init__(self, card: ModelCard, runner, device: Device) -> None:
        self.card = card
        self.runner = runner  # callable: (N, C, H, W) normalised float32 -> (N, K', H, W) raw outputs
        self.device = device
        norm = card.normalization
        n = len(card.bands)
        if norm["type"] == "standard":
            self._offset = np.asarray(norm["mean"], np.float32)
            self._scale = 1.0 / np.asarray(norm["std"], np.float32)
        elif norm["type"] == "minmax":
            self._offset = np.asarray(norm["min"], np.float32)
            self._scale = 1.0 / (np.asarray(norm["max"], np.float32) - self._offset)
        else:
            self._offset = np.zeros(n, np.float32)
            self._scale = np.ones(n, np.float32)
        self.n_outputs = len(card.classes)

    def fill_values(self) -> np.ndarray:
        return self._offset.copy()

    def predict(self, batch: np.ndarray) -> np.ndarray:
        x = (batch - self._offset[None, :, None, None]) * self._scale[None, :, None, None]
        x = x.astype(np.float32, copy=False)
        if not self.card.test_time_augmentation:
            return activate(np.asarray(self.runner(x), dtype=np.float32), self.card.activation)
        # Test-time augmentation: the mean over the four flips (each undone), a cheap ensemble for small models.
        out = None
        for axes in ((), (-1,), (-2,), (-2, -1)):
            xi = np.ascontiguousarray(np.flip(x, axes)) if axes else x
            p = activate(np.asarray(self.runner(xi), dtype=np.float32), self.card.activation)
            p = np.flip(p, axes) if axes else p
            out = p if out is None else out + p
        return out / 4.0


def activate(raw: np.ndarray, activation: str) -> np.ndarray:
    if activation == "softmax":
        e = np.exp(raw - raw.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    if activation == "sigmoid":
        return 1.0 / (1.0 + np.exp(-raw))
    if activation == "binary":  # a single probability of the positive class -> [P(neg), P(pos)]
        return np.concatenate([1.0 - raw, raw], axis=1)
    return raw


def load_model(card: ModelCard, device: Device, threads: int = 0) -> LoadedModel:
    """Load the card's weights on `device` (weights are checked against the card's SHA-256 first)."""
    weights = verified_weights(card)
    if card.format == "onnx":
        from .onnx_backend import onnx_runner
        runner = onnx_runner(weights, device, threads)
    elif card.format in ("torch_state_dict", "torchscript"):
        from .torch_backend import torch_runner
        runner = torch_runner(card, weights, device)
    elif card.format == "lightgbm":
        from .pixel_backend import lightgbm_runner
        runner = lightgbm_runner(weights, threads)
    else:  # the card schema makes this unreachable
        raise ValueError(card.format)
    return LoadedModel(card, runner, device)
