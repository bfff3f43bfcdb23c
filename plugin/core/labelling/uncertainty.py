"""Per-pixel uncertainty of a model's class probabilities, each in 0..1 (1 = most uncertain).

- entropy: Shannon entropy of the class probabilities divided by log(K) (1 = all classes equally likely);
- margin: 1 - (highest - second highest probability) (1 = a tie between the two best classes);
- tta_disagreement: how much the predictions of the flipped images disagree (test-time augmentation with the
  four flips): the mean total-variation distance 0.5 * sum_k |p_a,k - mean_k| over the flips;
- random: no score from the model (the baseline; the patch scores are drawn at random).
"""
from __future__ import annotations

import numpy as np

from ..engine.errors import DeepMapperError
from ..engine.messages import _

STRATEGIES = ("entropy", "margin", "tta_disagreement", "random")
FLIPS = ((), (-1,), (-2,), (-2, -1))  # identity, left-right, up-down, both: axes of a (N, C, H, W) batch


def check_strategy(strategy: str) -> str:
    if strategy not in STRATEGIES:
        raise DeepMapperError(_("Unknown STRATEGY '{strategy}'; use one of {strategies}.").format(
            strategy=strategy, strategies=', '.join(STRATEGIES)))
    return strategy


def entropy(probs: np.ndarray) -> np.ndarray:
    """(K, ...) probabilities -> (...) float32 normalised entropy in 0..1 (NaN where the input is NaN)."""
    k = probs.shape[0]
    if k < 2:
        return np.zeros(probs.shape[1:], dtype=np.float32)
    p = np.clip(probs, 1e-12, 1.0)
    return (-(p * np.log(p)).sum(axis=0) / np.log(k)).astype(np.float32)


def margin(probs: np.ndarray) -> np.ndarray:
    """(K, ...) probabilities -> (...) float32 1 - (p_best - p_second) in 0..1 (NaN where the input is NaN)."""
    if probs.shape[0] < 2:
        return np.zeros(probs.shape[1:], dtype=np.float32)
    top2 = np.partition(probs, probs.shape[0] - 2, axis=0)[-2:]
    return (1.0 - (top2[1] - top2[0])).astype(np.float32)


def disagreement(stack: np.ndarray) -> np.ndarray:
    """(A, K, ...) probabilities of A augmented predictions -> (...) float32 mean total-variation distance of each
    to their mean, in 0..1 (0: all agree)."""
    mean = stack.mean(axis=0)
    return (0.5 * np.abs(stack - mean[None]).sum(axis=1).mean(axis=0)).astype(np.float32)


def pixel_scores(strategy: str, probs: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
    """(h, W) float32 scores of `strategy` for (K, h, W) probabilities; tta_disagreement takes its plane from
    `extra` (the FlipTTA predictor's last output); random gives zeros (patch scores are drawn later)."""
    if strategy == "entropy":
        return entropy(probs)
    if strategy == "margin":
        return margin(probs)
    if strategy == "tta_disagreement":
        if extra is None:
            raise ValueError("tta_disagreement needs the FlipTTA disagreement plane")
        return extra.astype(np.float32, copy=False)
    return np.where(np.isfinite(probs).all(axis=0), 0.0, np.nan).astype(np.float32)


class FlipTTA:
    """A Predictor (engine.inference.Predictor) that runs `model` on the four flips of each batch and returns the
    mean probabilities (K planes) plus their disagreement (one more plane): n_outputs = K + 1."""

    def __init__(self, model) -> None:
        self.model = model
        self.n_outputs = model.n_outputs + 1

    def fill_values(self) -> np.ndarray:
        return self.model.fill_values()

    def predict(self, batch: np.ndarray) -> np.ndarray:
        """(N, C, T, T) float32 -> (N, K + 1, T, T) float32."""
        n = len(batch)
        flipped = np.concatenate([np.flip(batch, axes) if axes else batch for axes in FLIPS])
        probs = self.model.predict(np.ascontiguousarray(flipped))
        stack = np.stack([np.flip(probs[i * n:(i + 1) * n], axes) if axes else probs[i * n:(i + 1) * n]
                          for i, axes in enumerate(FLIPS)])  # (A, N, K, T, T), back in the original orientation
        mean = stack.mean(axis=0)
        spread = disagreement(stack.transpose(0, 2, 1, 3, 4))  # (A, K, N, T, T) -> (N, T, T)
        return np.concatenate([mean, spread[:, None]], axis=1).astype(np.float32)
