"""Accuracy of a class raster against reference vectors: confusion matrix, per-class and overall metrics.

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

import csv
import datetime as _dt
import math
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from typing import Iterable, Sequence

import numpy as np

from ..engine import vector_labels as refmod
from ..engine.errors import DeepMapperError
from ..engine.progress import Monitor
from ..engine.raster_io import atomic_path, open_raster, remove_quietly
from .report import render_report
from ..engine.vectorize import polygonize


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
def _ratio(num: float, den: float) -> float:
    return float(num) / float(den) if den else float("nan")


def f_beta_from_counts(tp: float, fp: float, fn: float, beta: float = 1.0) -> float:
    """F-beta from counts: (1 + b²) TP / ((1 + b²) TP + b² FN + FP); NaN when there is nothing to score."""
    b2 = beta * beta
    return _ratio((1 + b2) * tp, (1 + b2) * tp + b2 * fn + fp)


def overall_accuracy(matrix: np.ndarray) -> float:
    return _ratio(np.trace(matrix), matrix.sum())


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


def score(class_ids: Sequence[int], matrix: np.ndarray, beta: float = 1.0,
          names: dict[int, str] | None = None, colors: dict[int, str] | None = None) -> Scores:
    """Every metric of a confusion matrix (rows reference, columns prediction)."""
    if beta <= 0 or not math.isfinite(beta):
        raise DeepMapperError(f"BETA must be a positive number (1 for F1, 2 for F2), not {beta}.")
    names, colors = names or {}, colors or {}
    matrix = np.asarray(matrix, dtype=np.int64)
    support, predicted, tps = matrix.sum(axis=1), matrix.sum(axis=0), np.diag(matrix)
    rows = []
    for k, cid in enumerate(class_ids):
        tp, fp, fn = int(tps[k]), int(predicted[k] - tps[k]), int(support[k] - tps[k])
        rows.append(ClassScores(int(cid), names.get(int(cid), f"class {cid}"), _ratio(tp, tp + fp), _ratio(tp, tp + fn),
                                f_beta_from_counts(tp, fp, fn, beta), _ratio(tp, tp + fp + fn), int(support[k]),
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
                        tp, fp, fn, tn, _ratio(tp, tp + fp), _ratio(tp, tp + fn),
                        f_beta_from_counts(tp, fp, fn, scores.beta), _ratio(tp, tp + fp + fn),
                        overall_accuracy(two), cohen_kappa(two))


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
    tp, ious = match_objects(reference, predicted, threshold)
    n_ref, n_pred = len(reference), len(predicted)
    precision, recall = _ratio(tp, n_pred), _ratio(tp, n_ref)
    return ObjectScores(int(class_id), name, threshold, n_ref, n_pred, tp, precision, recall,
                        _ratio(2 * tp, n_pred + n_ref), float(np.mean(ious)) if ious else float("nan"))


# -- the whole assessment -----------------------------------------------------------------------------------------
@dataclass
class AccuracyRequest:
    prediction: str
    reference: str
    class_field: str
    reference_layer: str | None = None
    band: int = 1
    beta: float = 1.0
    mapping: str | dict | None = None  # 'clear=0,cloud=1,shadow=2'
    positive_classes: str | Sequence | None = None  # binary view: '1,2' or 'cloud,cloud shadow'
    object_class: str | int | None = None  # object-level scores for this class
    object_iou: float = 0.5
    background: str | int | None = None  # exhaustive reference: unlabelled pixels are this prediction class
    output_html: str | None = None
    output_csv: str | None = None
    reference_name: str | None = None  # shown in the report instead of the path (e.g. a QGIS layer name)
    prediction_name: str | None = None


@dataclass
class AccuracyResult:
    scores: Scores
    counts: dict[str, int]
    matches: list  # reference.ClassMatch
    prediction_info: dict
    reference_info: dict
    binary: BinaryScores | None = None
    objects: ObjectScores | None = None
    output_html: str | None = None
    output_csv: str | None = None
    notes: list[str] = field(default_factory=list)
    created: str = ""

    @property
    def overall_accuracy(self) -> float:
        return self.scores.overall_accuracy

    @property
    def kappa(self) -> float:
        return self.scores.kappa

    @property
    def mean_f(self) -> float:
        return self.scores.macro_f

    def f(self, class_id: int) -> float:
        return next(c.f_beta for c in self.scores.classes if c.class_id == class_id)

    def table_rows(self) -> list[dict]:
        """Per-class rows: class_id, class, precision, recall, f_beta, iou, support (NaN where undefined)."""
        return [{"class_id": c.class_id, "class": c.name, "precision": c.precision, "recall": c.recall,
                 "f_beta": c.f_beta, "iou": c.iou, "support": c.support} for c in self.scores.classes]


TABLE_FIELDS = ("class_id", "class", "precision", "recall", "f_beta", "iou", "support")


def assess_accuracy(req: AccuracyRequest, monitor: Monitor | None = None) -> AccuracyResult:
    """Compare a class raster with reference polygons/points on the raster's grid; write the report if asked.

    Only labelled pixels count: pixel centres inside exactly one class's polygons, and the pixels that points fall
    in. Pixels covered by polygons of different classes (ambiguous) and pixels that are nodata in the prediction are
    excluded and counted. Nothing is written unless the whole assessment succeeds.
    """
    import rasterio

    monitor = monitor or Monitor()
    notes: list[str] = []
    say = monitor.recorder(notes)
    _check_outputs(req)
    if not (req.beta > 0 and math.isfinite(req.beta)):
        raise DeepMapperError(f"BETA must be a positive number (1 for F1, 2 for F2), not {req.beta}.")
    if not 0 < req.object_iou <= 1:
        raise DeepMapperError(f"The object IoU threshold must be in (0, 1] (SpaceNet uses 0.5), not {req.object_iou}.")

    with open_raster(req.prediction) as ds:
        if not 1 <= req.band <= ds.count:
            raise DeepMapperError(f"PREDICTION has {ds.count} band(s); BAND {req.band} does not exist.")
        classes, class_source = refmod.prediction_classes(req.prediction, req.band)
        names = {int(c["id"]): str(c["name"]) for c in classes}
        colors = {int(c["id"]): c["color"] for c in classes if c.get("color")}
        nodata = ds.nodatavals[req.band - 1]
        pixel = math.hypot(ds.transform.a, ds.transform.d) or 1.0
        prediction_info = {
            "path": req.prediction, "name": req.prediction_name or os.path.basename(req.prediction),
            "width": ds.width, "height": ds.height, "band": req.band, "dtype": ds.dtypes[req.band - 1],
            "crs": ds.crs.to_string() if ds.crs else "none", "pixel_size": (abs(ds.transform.a), abs(ds.transform.e)),
            "nodata": nodata, "classes": classes, "class_source": class_source,
            "description": ds.descriptions[req.band - 1] or "",
            "tags": {k: v for k, v in ds.tags().items() if k.upper().startswith("DEEPMAPPER") and k != "DEEPMAPPER_CLASSES"},
            "bounds": tuple(ds.bounds),
        }
        if class_source:
            say(f"Prediction classes ({class_source}): " + ", ".join(f"{i} {n}" for i, n in sorted(names.items())))

        # Reference: read, check, match classes, reproject.
        gdf = refmod.read_reference(req.reference, req.reference_layer)
        reference_info = {"path": req.reference, "layer": req.reference_layer,
                          "name": req.reference_name or os.path.basename(str(req.reference).split("|")[0]),
                          "class_field": req.class_field, "features": len(gdf),
                          "crs": gdf.crs.to_string() if gdf.crs is not None else "none"}
        if len(gdf) == 0:
            raise DeepMapperError(f"The reference layer '{reference_info['name']}' has no features; give a layer with "
                                  f"polygons or points labelled in CLASS_FIELD.")
        refmod.check_class_field(gdf, req.class_field)
        gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
        null_class = int(gdf[req.class_field].isna().sum())
        gdf = gdf[gdf[req.class_field].notna()]
        if len(gdf) == 0:
            raise DeepMapperError(f"The reference layer '{reference_info['name']}' has no feature with both a geometry "
                                  f"and a value in '{req.class_field}'; fill in the class field.")
        integer_field = refmod.is_integer_field(gdf[req.class_field])
        mapping = refmod.parse_mapping(req.mapping)
        matches = refmod.match_classes(gdf[req.class_field].tolist(), integer_field, classes, mapping,
                                       f"CLASS_FIELD '{req.class_field}'")
        lookup = {m.value: m.class_id for m in matches}
        keys = gdf[req.class_field].map(lambda v: str(int(v)) if integer_field else str(v))
        gdf = gdf.assign(_class_id=keys.map(lookup))
        unmatched = {m.value: m.features for m in matches if m.class_id is None}
        if unmatched:
            say("Reference classes matching no prediction class, ignored: " +
                ", ".join(f"'{v}' ({n} features)" for v, n in unmatched.items()) + ". Add them to MAPPING to count them.")
        for m in matches:
            if m.class_id is not None and m.how == "partial name":
                say(f"Reference class '{m.value}' matched to {m.class_id} '{names.get(m.class_id)}' by a partial name; "
                    f"give MAPPING if that is wrong.")
            if m.class_id is not None and names and m.class_id not in names:
                say(f"Reference class '{m.value}' is id {m.class_id}, which PREDICTION does not list among its classes.")
        gdf = gdf[gdf["_class_id"].notna()]
        gdf = gdf.assign(_class_id=gdf["_class_id"].astype(np.int64))
        for m in matches:  # a raster without names: name classes after the reference
            if m.class_id is not None and m.class_id not in names and not (integer_field and m.how == "value"):
                names[m.class_id] = m.value
        crs_notes: list[str] = []
        gdf, reprojected = refmod.to_raster_crs(gdf, ds.crs.to_wkt() if ds.crs else None, pixel, crs_notes)
        for n in crs_notes:
            say(n)
        reference_info["reprojected"] = reprojected
        reference_info["geometry_types"] = gdf.geom_type.value_counts().to_dict()

        # Overlap.
        from shapely.geometry import box
        raster_box = box(*ds.bounds)
        ref_bounds = gdf.total_bounds
        if not np.all(np.isfinite(ref_bounds)) or not raster_box.intersects(box(*ref_bounds)) or \
                not gdf.geometry.intersects(raster_box).any():
            raise DeepMapperError(
                f"The reference layer does not overlap PREDICTION: reference extent {_fmt_bounds(ref_bounds)}, "
                f"prediction extent {_fmt_bounds(ds.bounds)} (both in {prediction_info['crs']}). Check that both "
                f"cover the same area and that their CRS are set correctly.")

        shapes, shape_ids, points, point_ids, skipped = refmod.split_geometries(gdf, "_class_id")
        labeller = refmod.GridLabeller(shapes, shape_ids, ds.transform, ds.width, ds.height)
        samples = refmod.point_samples(points, point_ids, ds.transform, ds.width, ds.height)

        background = refmod.resolve_class_list(None if req.background in (None, "") else str(req.background),
                                                names, matches, "BACKGROUND")[:1]
        if background and not shapes:
            raise DeepMapperError("BACKGROUND needs reference polygons (every pixel outside them is background); "
                                  "the reference holds only points. Leave BACKGROUND empty.")
        if background:
            say(f"Pixels outside every reference polygon count as {background[0]} "
                f"'{names.get(background[0], background[0])}' (BACKGROUND): the reference is taken as exhaustive.")
        acc = ConfusionAccumulator(sorted(set(lookup.values()) - {None} | set(background)))
        counts = {"labelled": 0, "assessed": 0, "nodata": 0, "ambiguous": 0, "points": len(samples.rows),
                  "points_outside": samples.outside, "points_nodata": 0, "null_class": null_class,
                  "unmatched_features": sum(unmatched.values()), "skipped_geometries": skipped,
                  "features_used": len(gdf)}
        strips = list(refmod.iter_strips(ds.height, ds.width))
        for k, (r0, r1) in enumerate(strips):
            window = rasterio.windows.Window(0, r0, ds.width, r1 - r0)
            pred = ds.read(req.band, window=window)
            valid = ds.read_masks(req.band, window=window) > 0
            if pred.dtype.kind == "f":
                valid &= np.isfinite(pred)
            lab = labeller.strip(r0, r1) if shapes else None
            if lab is not None:
                counts["ambiguous"] += int(lab.ambiguous.sum())
                counts["labelled"] += int(lab.labelled.sum())
                counts["nodata"] += int((lab.labelled & ~valid).sum())
                use = lab.labelled & valid
                acc.add(lab.labels[use], _as_classes(pred[use]))
                if background:  # exhaustive reference: every other valid pixel is background
                    rest = ~lab.labelled & ~lab.ambiguous & valid
                    counts["labelled"] += int(rest.sum())
                    acc.add(np.full(int(rest.sum()), background[0], np.int64), _as_classes(pred[rest]))
            sel = (samples.rows >= r0) & (samples.rows < r1)
            if sel.any():
                rr, cc = samples.rows[sel] - r0, samples.cols[sel]
                ok = valid[rr, cc]
                counts["labelled"] += int(sel.sum())
                counts["points_nodata"] += int((~ok).sum())
                counts["nodata"] += int((~ok).sum())
                acc.add(samples.class_ids[sel][ok], _as_classes(pred[rr[ok], cc[ok]]))
            monitor.report(0.9 * (k + 1) / len(strips))
        class_ids, matrix = acc.result()
        counts["assessed"] = int(matrix.sum())
        if counts["assessed"] == 0:
            if counts["labelled"] == 0:
                raise DeepMapperError(
                    "The reference overlaps PREDICTION but labels none of its pixels: no pixel centre lies inside a "
                    "reference polygon (polygons smaller than a pixel?) and no point falls on the raster. Use larger "
                    "polygons, points, or a finer prediction.")
            raise DeepMapperError(f"All {counts['labelled']} pixels the reference labels are nodata in PREDICTION; "
                                  f"assess a prediction that covers the reference area.")
        if counts["ambiguous"]:
            say(f"{counts['ambiguous']} pixels covered by reference polygons of different classes were excluded.")
        if counts["nodata"]:
            say(f"{counts['nodata']} labelled pixels are nodata in the prediction and were excluded.")

        if int((matrix.sum(axis=1) > 0).sum()) == 1:
            say("The reference labels a single class: pixel scores then only say how much of it was found (recall); "
                "add reference polygons of the other classes to measure false detections.")
        scores = score(class_ids, matrix, req.beta, names, colors)
        names_all = {c.class_id: c.name for c in scores.classes}
        binary = None
        positive = refmod.resolve_class_list(req.positive_classes, names_all, matches, "POSITIVE_CLASSES")
        if positive:
            binary = binary_view(scores, positive)
        objects = None
        object_ids = refmod.resolve_class_list(
            None if req.object_class in (None, "") else str(req.object_class), names_all, matches, "OBJECT_CLASS")
        if len(object_ids) > 1:
            raise DeepMapperError("OBJECT_CLASS takes one class (an id or a name), e.g. 'building' or '1'.")
        if object_ids:
            monitor.log("Object-level scores: polygonising the prediction ...")
            objects = _object_scores(req, ds, gdf, object_ids[0], names_all.get(object_ids[0], str(object_ids[0])))
        monitor.report(0.97)

    result = AccuracyResult(scores, counts, matches, prediction_info, reference_info, binary, objects,
                            req.output_html, req.output_csv, notes,
                            _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip())
    say(f"Overall accuracy {scores.overall_accuracy:.4f}, kappa {scores.kappa:.4f}, macro F{_beta_label(req.beta)} "
        f"{scores.macro_f:.4f} over {counts['assessed']} pixels.")
    _write_outputs(result)
    monitor.progress(1.0)
    return result


def _as_classes(values: np.ndarray) -> np.ndarray:
    """Prediction values as integer class ids; a raster of non-integer values is not a class raster."""
    if values.dtype.kind in "iub":
        return values.astype(np.int64, copy=False)
    if values.size and not np.all(values == np.round(values)):
        raise DeepMapperError("PREDICTION holds non-integer values: it must be a raster of class ids (e.g. the OUTPUT "
                              "of deepmapper:cloudmask), not probabilities or reflectances.")
    return values.astype(np.int64)


def _object_scores(req: AccuracyRequest, ds, gdf, class_id: int, name: str) -> ObjectScores:
    """Reference polygons of the class vs connected regions of the class in the prediction, over the prediction's
    extent (as SpaceNet scores a tile: the reference is taken as complete for that class there)."""
    import geopandas as gpd
    from shapely.geometry import box

    if req.band != 1:
        raise DeepMapperError("Object-level scores read band 1 of PREDICTION; leave BAND at 1 or clear OBJECT_CLASS.")
    extent = box(*ds.bounds)
    refs = [g for g, c in zip(gdf.geometry, gdf["_class_id"]) if c == class_id
            and g.geom_type in ("Polygon", "MultiPolygon") and g.intersects(extent)]
    with tempfile.TemporaryDirectory(prefix="deepmapper-objects-") as tmp:
        out = os.path.join(tmp, "objects.gpkg")
        polygonize(req.prediction, out, [{"id": class_id, "name": name}], keep=[class_id], simplify=0.0)
        predicted = [g for g in gpd.read_file(out).geometry if g is not None and not g.is_empty]
    return object_scores(class_id, name, refs, predicted, req.object_iou)


def _check_outputs(req: AccuracyRequest) -> None:
    if req.output_html and os.path.splitext(req.output_html)[1].lower() not in (".html", ".htm"):
        raise DeepMapperError(f"OUTPUT_HTML '{req.output_html}' must end in .html.")
    if req.output_csv and os.path.splitext(req.output_csv)[1].lower() != ".csv":
        raise DeepMapperError(f"The table '{req.output_csv}' must end in .csv.")


def _write_outputs(result: AccuracyResult) -> None:
    """HTML report and CSV table, each written to a temporary file and moved into place only when complete."""
    if result.output_csv:
        with atomic_path(result.output_csv) as tmp:
            write_table_csv(result, tmp)
    if result.output_html:
        text = render_report(result)
        try:
            with atomic_path(result.output_html) as tmp:
                with open(tmp, "w", encoding="utf-8") as fh:
                    fh.write(text)
        except BaseException:
            if result.output_csv:
                remove_quietly(result.output_csv)
            raise


def write_table_csv(result: AccuracyResult, path: str) -> None:
    """The per-class table as CSV (undefined values as empty cells)."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=TABLE_FIELDS)
        writer.writeheader()
        for row in result.table_rows():
            writer.writerow({k: ("" if isinstance(v, float) and math.isnan(v) else v) for k, v in row.items()})


def _fmt_bounds(b) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in b) + ")"


def _beta_label(beta: float) -> str:
    return f"{beta:g}"
