"""The accuracy report: one self-contained HTML page (templates/accuracy.html of plugin/core/reporting) and the
per-class CSV table. This module only turns an AccuracyResult into plain data for the template: the markup, the
section order and the wording live in the template."""
from __future__ import annotations

import csv
import math
from dataclasses import asdict

from ..reporting import bar_chart, fmt, mix, render
from .results import TABLE_FIELDS, AccuracyResult

GOOD, BAD = (26, 152, 80), (215, 48, 39)  # diagonal / off-diagonal heat colours
METRIC_COLORS = {"precision": "#4575b4", "recall": "#91bfdb", "F": "#1a9850", "IoU": "#fdae61"}
METRIC_FIELDS = {"precision": "precision", "recall": "recall", "F": "f_beta", "IoU": "iou"}


def render_report(result: AccuracyResult) -> str:
    """The whole report as one HTML string."""
    return render("accuracy.html", **report_context(result))


def report_context(result: AccuracyResult) -> dict:
    """Everything accuracy.html shows, as plain dicts, lists, numbers and strings."""
    s = result.scores
    beta = f"{s.beta:g}"
    classes = [dict(asdict(c), scored=c.scored) for c in s.classes]
    scored = [c for c in s.classes if c.scored]
    return {
        "scores": {"overall_accuracy": s.overall_accuracy, "kappa": s.kappa, "macro_f": s.macro_f,
                   "weighted_f": s.weighted_f, "total": s.total},
        "beta": beta, "classes": classes, "confusion": confusion_rows(s.matrix),
        "column_totals": [int(v) for v in s.matrix.sum(axis=0)],
        "macro_iou": _mean([c.iou for c in scored]),
        "legend": [("F" + beta if k == "F" else k, color) for k, color in METRIC_COLORS.items()],
        "bars": class_bars(scored),
        "binary": _binary(result), "objects": asdict(result.objects) if result.objects else None,
        "prediction": result.prediction_info, "reference": result.reference_info,
        "matches": [{"value": m.value, "class_id": m.class_id, "name": _name(result, m.class_id), "how": m.how,
                     "features": m.features}
                    for m in sorted(result.matches, key=lambda m: (m.class_id is None, m.class_id or 0, m.value))],
        "counts": result.counts, "notes": list(result.notes), "created": result.created,
    }


def confusion_rows(matrix) -> list[dict]:
    """Heat-map cells of a confusion matrix (rows reference): count, share of the reference row, background colour
    (green on the diagonal by the share, red off it by twice the share) and a text colour that stays readable."""
    rows = []
    for i, row in enumerate(matrix):
        total = int(row.sum())
        cells = []
        for j, v in enumerate(row):
            share = int(v) / total if total else float("nan")
            diagonal = i == j
            undefined = math.isnan(share)
            dark = not undefined and (share > 0.55 if diagonal else share > 0.3)
            cells.append({"count": int(v), "share": share, "text": "#fff" if dark else "#222",
                          "background": mix(GOOD if diagonal else BAD,
                                            0 if undefined else share if diagonal else min(1.0, 2 * share))})
        rows.append({"cells": cells, "total": total})
    return rows


def class_bars(classes: list) -> dict:
    """Bar chart geometry: per class, precision, recall, F-beta and IoU on a 0..1 axis."""
    groups = [{"label": c.name, "color": c.color,
               "bars": [{"value": getattr(c, attr), "color": METRIC_COLORS[label],
                         "title": f"{c.name} {label}: {fmt(getattr(c, attr))}", "text": fmt(getattr(c, attr))}
                        for label, attr in METRIC_FIELDS.items()]} for c in classes]
    return bar_chart(groups, label_width=170, right=70, top=26, bottom=14, label_gap=10, group_gap=14,
                     ticks=[t / 10 for t in range(0, 11, 2)], label="per-class precision, recall, F and IoU")


def _binary(result: AccuracyResult) -> dict | None:
    """The binary view's scores and its 2 x 2 matrix as heat cells (rows: positive, rest)."""
    b = result.binary
    if b is None:
        return None
    total = b.tp + b.fp + b.fn + b.tn

    def cell(v: int, good: bool) -> dict:
        return {"count": v, "background": mix(GOOD if good else BAD, min(1, 3 * (v / total if total else 0)))}
    return dict(asdict(b), cells=[[cell(b.tp, True), cell(b.fn, False)], [cell(b.fp, False), cell(b.tn, True)]])


def _name(result: AccuracyResult, class_id: int | None) -> str:
    if class_id is None:
        return "(ignored)"
    return next((c.name for c in result.scores.classes if c.class_id == class_id), f"class {class_id}")


def _mean(values: list[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return sum(values) / len(values) if values else float("nan")


def write_table_csv(result: AccuracyResult, path: str) -> None:
    """The per-class table as CSV (undefined values as empty cells)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=TABLE_FIELDS)
        writer.writeheader()
        for row in result.table_rows():
            writer.writerow({k: ("" if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()})
