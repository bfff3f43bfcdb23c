"""Object-level scores as the SpaceNet challenges compute them: each predicted object (a connected region of a class
in the prediction) is matched one to one with a reference polygon at IoU >= a threshold; precision, recall and F1
count objects, not pixels."""
from __future__ import annotations

import os
import tempfile
import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..engine.vectorize import polygonize
from .metrics import ratio


@dataclass
class ObjectScores:
    """Object-level scores as SpaceNet computes them (one-to-one matches at IoU >= threshold)."""

    class_id: int
    name: str
    threshold: float
    reference_objects: int
    predicted_objects: int
    tp: int
    precision: float
    recall: float
    f1: float
    mean_iou: float  # over the matched pairs


def match_objects(reference: Sequence, predicted: Sequence, threshold: float = 0.5) -> tuple[int, list[float]]:
    """SpaceNet's matching: each predicted polygon, in turn, takes the unmatched reference polygon of highest IoU;
    a match at IoU >= threshold is a true positive and removes that reference polygon. Returns (TP, matched IoUs).

    At threshold >= 0.5 with non-overlapping polygons a match is unique, so the order does not change the result.
    """
    from shapely.strtree import STRtree
    refs = [g for g in reference if g is not None and not g.is_empty]
    if not refs or not predicted:
        return 0, []
    with warnings.catch_warnings():  # shapely 1.8 announces 2.0's STRtree changes; _query_indices handles both
        warnings.simplefilter("ignore")
        tree = STRtree(refs)
    taken = np.zeros(len(refs), dtype=bool)
    ious: list[float] = []
    for p in predicted:
        if p is None or p.is_empty:
            continue
        best, best_iou = -1, 0.0
        for i in _query_indices(tree, p):
            if taken[i]:
                continue
            inter = p.intersection(refs[i]).area
            union = p.area + refs[i].area - inter
            iou = inter / union if union > 0 else 0.0
            if iou > best_iou:
                best, best_iou = i, iou
        if best >= 0 and best_iou >= threshold:
            taken[best] = True
            ious.append(best_iou)
    return len(ious), ious


def _query_indices(tree, geom) -> list[int]:
    """Indices of the tree's geometries whose boxes meet `geom` (shapely 1.8: query_items; 2.x: query)."""
    if hasattr(tree, "query_items"):
        return [int(i) for i in tree.query_items(geom)]
    return [int(i) for i in tree.query(geom)]


def object_scores(class_id: int, name: str, reference: Sequence, predicted: Sequence,
                  threshold: float = 0.5) -> ObjectScores:
    """Match `predicted` against `reference` (shapely polygons in one CRS) and count objects; NaN where undefined."""
    tp, ious = match_objects(reference, predicted, threshold)
    n_ref, n_pred = len(reference), len(predicted)
    precision, recall = ratio(tp, n_pred), ratio(tp, n_ref)
    return ObjectScores(int(class_id), name, threshold, n_ref, n_pred, tp, precision, recall,
                        ratio(2 * tp, n_pred + n_ref), float(np.mean(ious)) if ious else float("nan"))


def prediction_objects(prediction: str, class_id: int, name: str) -> list:
    """The connected regions of `class_id` in band 1 of the class raster `prediction`, as shapely polygons (map units
    of the raster's CRS), polygonised unsimplified in a scratch folder that is removed afterwards."""
    import geopandas as gpd

    with tempfile.TemporaryDirectory(prefix="deepmapper-objects-") as tmp:
        out = os.path.join(tmp, "objects.gpkg")
        polygonize(prediction, out, [{"id": class_id, "name": name}], keep=[class_id], simplify=0.0)
        return [g for g in gpd.read_file(out).geometry if g is not None and not g.is_empty]


def reference_objects(geometries: Sequence, class_ids: Sequence[int], class_id: int, bounds: Sequence[float]) -> list:
    """The reference polygons of `class_id` that meet the box `bounds` (left, bottom, right, top): SpaceNet scores a
    tile, taking the reference as complete for that class there."""
    from shapely.geometry import box

    extent = box(*bounds)
    return [g for g, c in zip(geometries, class_ids) if c == class_id
            and g.geom_type in ("Polygon", "MultiPolygon") and g.intersects(extent)]
