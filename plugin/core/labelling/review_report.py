"""The label review's HTML summary: per-class counts of suspects and quicklooks of the most suspicious features,
rendered with the shared report templates (reporting/templates/label_review.html)."""
from __future__ import annotations

import os
from datetime import datetime

import numpy as np

from ..engine.raster_io import atomic_path
from ..reporting import render
from .quicklook import quicklook


def quicklook_images(src, labels, verdict, count: int) -> list[dict]:
    """Up to `count` of the most suspicious features (suspects first) as inline PNGs with what they are."""
    names = {c["id"]: c["name"] for c in labels.classes}
    fids = labels.fids()
    out = []
    for i in verdict.order[:count]:
        if verdict.suggested[i] < 0:
            continue
        out.append({"png": quicklook(src, labels.geometries[i]), "label": names[int(labels.class_ids[i])],
                    "suggested": names[int(verdict.suggested[i])], "suspect": bool(verdict.suspect[i]),
                    "agreement": float(verdict.agreement[i]), "confidence": float(verdict.confidence[i]),
                    "feature": int(fids[i]) if fids else int(i) + 1, "fid": fids is not None})
    return out


def write_report(req, labels, verdict, per_class: list[dict], quicklooks: list[dict] | None, log: list[str]) -> None:
    names = {c["id"]: c["name"] for c in labels.classes}
    moves: dict[tuple[str, str], int] = {}
    for i in np.flatnonzero(verdict.suspect):
        key = (names[int(labels.class_ids[i])], names[int(verdict.suggested[i])])
        moves[key] = moves.get(key, 0) + 1
    html = render(
        "label_review.html", title="Label review", created=datetime.now().strftime("%Y-%m-%d %H:%M"),
        image=os.path.basename(req.input), labels=os.path.basename(req.labels.split("|")[0]),
        class_field=req.class_field, judge=(f"model {req.model}" if req.model else
                                            f"out-of-fold pixel classifiers ({req.folds} spatial folds)"),
        features=len(labels.class_ids), suspects=int(verdict.suspect.sum()), per_class=per_class,
        expected_wrong=verdict.expected_wrong, estimated=req.expected_wrong is None,
        moves=[{"label": a, "suggested": b, "count": n} for (a, b), n in sorted(moves.items(), key=lambda x: -x[1])],
        quicklooks=quicklooks or [], notes=log)
    with atomic_path(req.output_html) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(html)
