"""Pixel scores of a class map: the confusion matrix (accumulated strip by strip), per-class and overall metrics, and
the binary view (some classes against the rest). Pure numpy; the assessment pipeline (assess.py) and training use it.

Conventions (the report and the README say the same):
- Confusion matrix rows are the reference (truth), columns the prediction; counts are pixels (or point samples).
- Per class: precision = TP / (TP + FP), recall = TP / (TP + FN), F-beta = (1 + b²) TP / ((1 + b²) TP + b² FN + FP)
  (the same as (1 + b²) P R / (b² P + R), but defined when P or R is 0/0), IoU = TP / (TP + FP + FN), support =
  TP + FN (reference pixels of the class).
- Undefined ratios (0/0) are NaN: precision of a class never predicted, recall of a class absent from the reference.
  F-beta and IoU are then still defined (0) as long as the class is in the reference or the prediction.
- Classes that appear in neither the reference nor the prediction (over the assessed pixels) get NaN everywhere and
  are left out of the macro mean. Macro F = unweighted mean of F-beta over the other classes (scikit-learn's
  average='macro'); weighted F = mean weighted by support.
- Overall accuracy = trace / total; Cohen's kappa = (po - pe) / (1 - pe), pe = sum(row_k col_k) / total²; a perfect
  agreement on a single class (pe = 1) has kappa 1.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Sequence

import numpy as np

from ..engine.errors import DeepMapperError
from ..engine.messages import _


# -- confusion matrix --------------------------------------------------------------------------------------------
class ConfusionAccumulator:
    """Adds (reference, prediction) pairs strip by strip; classes appear as they are met (any integer id)."""

    def __init__(self, class_ids: Iterable[int] = ()) -> None:
        self.ids: list[int] = []
        self._index: dict[int, int] = {}
        self.matrix = np.zeros((0, 0), dtype=np.int64)
        self._ensure(class_ids)

    def _ensure(self, ids: Iterable[int]) -> None:
        new = [int(i) for i in ids if int(i) not in self._index]
        for i in new:
            if i not in self._index:
                self._index[i] = len(self.ids)
                self.ids.append(i)
        if len(self.ids) != self.matrix.shape[0]:
            grown = np.zeros((len(self.ids), len(self.ids)), dtype=np.int64)
            k = self.matrix.shape[0]
            grown[:k, :k] = self.matrix
            self.matrix = grown

    def add(self, reference: np.ndarray, prediction: np.ndarray) -> None:
        """Count pixel pairs: two 1-D integer arrays of equal length."""
        reference = np.asarray(reference).ravel()
        prediction = np.asarray(prediction).ravel()
        if reference.shape != prediction.shape:
            raise ValueError("reference and prediction differ in length")
        if not reference.size:
            return
        ref_vals, ref_inv = np.unique(reference, return_inverse=True)
        pred_vals, pred_inv = np.unique(prediction, return_inverse=True)
        self._ensure(ref_vals.tolist() + pred_vals.tolist())
        k = len(self.ids)
        ref_idx = np.array([self._index[int(v)] for v in ref_vals], dtype=np.int64)[ref_inv]
        pred_idx = np.array([self._index[int(v)] for v in pred_vals], dtype=np.int64)[pred_inv]
        self.matrix += np.bincount(ref_idx * k + pred_idx, minlength=k * k).reshape(k, k)

    def result(self) -> tuple[list[int], np.ndarray]:
        """(class ids ascending, matrix in that order)."""
        order = np.argsort(self.ids, kind="stable")
        return [self.ids[i] for i in order], self.matrix[np.ix_(order, order)].copy()


def confusion_matrix(reference: Sequence[int], prediction: Sequence[int],
                     class_ids: Iterable[int] = ()) -> tuple[list[int], np.ndarray]:
    """Confusion matrix of two label arrays (rows reference, columns prediction)."""
    acc = ConfusionAccumulator(class_ids)
    acc.add(np.asarray(reference), np.asarray(prediction))
    return acc.result()


# -- metrics ------------------------------------------------------------------------------------------------------
def ratio(num: float, den: float) -> float:
    """num / den as a float; NaN when den is 0 (an undefined ratio, shown as a dash in the report)."""
    return float(num) / float(den) if den else float("nan")


def defined(value: float | None) -> float | None:
    """An undefined ratio (NaN, e.g. precision of a class never predicted) as None: JSON, CSV cells and attribute
    tables have no NaN, and 0 or 1 would be a lie."""
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def f_beta_from_counts(tp: float, fp: float, fn: float, beta: float = 1.0) -> float:
    """F-beta from counts: (1 + b²) TP / ((1 + b²) TP + b² FN + FP); NaN when there is nothing to score."""
    b2 = beta * beta
    return ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp)


def overall_accuracy(matrix: np.ndarray) -> float:
    """Agreeing / all counts of a square confusion matrix; NaN when it is empty."""
    return ratio(np.trace(matrix), matrix.sum())


def cohen_kappa(matrix: np.ndarray) -> float:
    """(po - pe) / (1 - pe); 1 for a perfect agreement on a single class (where the formula is 0/0)."""
    n = matrix.sum()
    if not n:
        return float("nan")
    po = np.trace(matrix) / n
    pe = float((matrix.sum(axis=1).astype(float) * matrix.sum(axis=0)).sum()) / float(n) ** 2
    if pe >= 1.0:
        return 1.0 if po >= 1.0 else float("nan")
    return float((po - pe) / (1.0 - pe))


@dataclass
class ClassScores:
    class_id: int
    name: str
    precision: float
    recall: float
    f_beta: float
    iou: float
    support: int  # reference pixels of the class
    predicted: int  # pixels predicted as the class (over the assessed pixels)
    tp: int
    color: str | None = None

    @property
    def scored(self) -> bool:
        """Present in the reference or the prediction: counts in the macro mean."""
        return self.support > 0 or self.predicted > 0


@dataclass
class Scores:
    beta: float
    class_ids: list[int]
    matrix: np.ndarray
    classes: list[ClassScores]
    overall_accuracy: float
    kappa: float
    macro_f: float
    weighted_f: float

    @property
    def total(self) -> int:
        return int(self.matrix.sum())


def check_beta(beta: float) -> None:
    """Raise DeepMapperError unless beta is a positive finite number."""
    if not (beta > 0 and math.isfinite(beta)):
        raise DeepMapperError(_("BETA must be a positive number (1 for F1, 2 for F2), not {beta}.").format(beta=beta))


def score(class_ids: Sequence[int], matrix: np.ndarray, beta: float = 1.0,
          names: dict[int, str] | None = None, colors: dict[int, str] | None = None) -> Scores:
    """Every metric of a confusion matrix (rows reference, columns prediction)."""
    check_beta(beta)
    names, colors = names or {}, colors or {}
    matrix = np.asarray(matrix, dtype=np.int64)
    support, predicted, tps = matrix.sum(axis=1), matrix.sum(axis=0), np.diag(matrix)
    rows = []
    for k, cid in enumerate(class_ids):
        tp, fp, fn = int(tps[k]), int(predicted[k] - tps[k]), int(support[k] - tps[k])
        rows.append(ClassScores(int(cid), names.get(int(cid), f"class {cid}"), ratio(tp, tp + fp), ratio(tp, tp + fn),
                                f_beta_from_counts(tp, fp, fn, beta), ratio(tp, tp + fp + fn), int(support[k]),
                                int(predicted[k]), tp, colors.get(int(cid))))
    scored = [r for r in rows if r.scored]
    macro = float(np.mean([r.f_beta for r in scored])) if scored else float("nan")
    weight = sum(r.support for r in scored)
    weighted = float(sum(r.f_beta * r.support for r in scored if r.support) / weight) if weight else float("nan")
    return Scores(beta, [int(c) for c in class_ids], matrix, rows, overall_accuracy(matrix), cohen_kappa(matrix),
                  macro, weighted)


@dataclass
class BinaryScores:
    """One class, or a set of classes, against all others."""

    positive_ids: list[int]
    positive_names: list[str]
    tp: int
    fp: int
    fn: int
    tn: int
    precision: float
    recall: float
    f_beta: float
    iou: float
    overall_accuracy: float
    kappa: float

    @property
    def matrix(self) -> np.ndarray:
        return np.array([[self.tp, self.fn], [self.fp, self.tn]], dtype=np.int64)


def binary_view(scores: Scores, positive_ids: Sequence[int]) -> BinaryScores:
    """Collapse the confusion matrix to positive (the given classes) vs negative (the rest)."""
    ids = np.asarray(scores.class_ids)
    pos = np.isin(ids, list(positive_ids))
    m = scores.matrix
    tp, fn = int(m[np.ix_(pos, pos)].sum()), int(m[np.ix_(pos, ~pos)].sum())
    fp, tn = int(m[np.ix_(~pos, pos)].sum()), int(m[np.ix_(~pos, ~pos)].sum())
    two = np.array([[tp, fn], [fp, tn]])
    names = {c.class_id: c.name for c in scores.classes}
    return BinaryScores([int(i) for i in positive_ids], [names.get(int(i), f"class {i}") for i in positive_ids],
                        tp, fp, fn, tn, ratio(tp, tp + fp), ratio(tp, tp + fn),
                        f_beta_from_counts(tp, fp, fn, scores.beta), ratio(tp, tp + fp + fn),
                        overall_accuracy(two), cohen_kappa(two))
