"""deepmapper:assessaccuracy's engine: a class raster against reference polygons or points, on the raster's grid.

assess_accuracy reads as its steps: check the request, open the prediction, read the reference and match its
classes, place it on the prediction's grid, accumulate the confusion matrix strip by strip, score (metrics.py; the
binary view and object scores of objects.py when asked), build the result (results.py) and write the report and
the table (report.py). The metric names stay importable from here for older callers.
"""
from __future__ import annotations

import datetime as _dt
import math
import os
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ..engine import vector_labels as refmod
from ..engine.errors import DeepMapperError
from ..engine.messages import _
from ..engine.progress import Monitor
from ..engine.raster_io import atomic_path, open_raster, remove_quietly
from ..engine.vectorize import require_bindings
from .metrics import (BinaryScores, ClassScores, ConfusionAccumulator, Scores, binary_view, check_beta,  # noqa: F401
                      cohen_kappa, confusion_matrix, f_beta_from_counts, overall_accuracy, score)
from .objects import ObjectScores, match_objects, object_scores, prediction_objects, reference_objects  # noqa: F401
from .report import render_report, write_table_csv
from .results import TABLE_FIELDS, AccuracyRequest, AccuracyResult  # noqa: F401

Say = Callable[[str], None]


@dataclass
class _Prediction:
    """The prediction raster as the steps need it: its report info, class names and colours (by class id)."""

    info: dict
    classes: list[dict]
    names: dict[int, str]
    colors: dict[int, str]


@dataclass
class _Reference:
    """The reference features with a prediction class (column _class_id), in the prediction's CRS."""

    gdf: object  # geopandas.GeoDataFrame
    info: dict
    matches: list  # engine.vector_labels.ClassMatch
    unmatched: dict[str, int]  # reference value -> features, for values matching no prediction class
    null_class: int  # features with an empty class field


@dataclass
class _Labels:
    """The reference on the prediction's pixel grid: polygons rasterised strip by strip, point samples, and the
    background class of an exhaustive reference (empty list when there is none)."""

    labeller: refmod.GridLabeller
    has_shapes: bool
    samples: object  # engine.vector_labels point samples: rows, cols, class_ids, outside
    background: list[int]
    class_ids: list[int]  # every class the reference can label, ascending
    skipped: int  # geometries neither polygons nor points


def assess_accuracy(req: AccuracyRequest, monitor: Monitor | None = None) -> AccuracyResult:
    """Compare a class raster with reference polygons/points on the raster's grid; write the report if asked.

    Only labelled pixels count: pixel centres inside exactly one class's polygons, and the pixels that points fall
    in. Pixels covered by polygons of different classes (ambiguous) and pixels that are nodata in the prediction are
    excluded and counted. Nothing is written unless the whole assessment succeeds. Raises DeepMapperError for bad
    parameters, a reference that is empty, unmatched or outside the prediction, and a prediction that is not a
    class raster.
    """
    monitor = monitor or Monitor()
    notes: list[str] = []
    say = monitor.recorder(notes)
    _check_request(req)
    with open_raster(req.prediction) as ds:
        prediction = _open_prediction(req, ds, say)
        reference = _read_reference(req, prediction, say)
        reference = _on_prediction_grid(reference, ds, prediction, say)
        labels = _label_grid(req, ds, prediction, reference, say)
        class_ids, matrix, counts = _accumulate(req, ds, labels, reference, monitor)
        _check_counts(counts, matrix, say)
        scores = score(class_ids, matrix, req.beta, prediction.names, prediction.colors)
        binary = _binary(req, scores, reference)
        objects = _objects(req, ds, scores, reference, monitor)
        monitor.report(0.97)
    result = AccuracyResult(scores, counts, reference.matches, prediction.info, reference.info, binary, objects,
                            req.output_html, req.output_csv, notes,
                            _dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z").strip())
    say(_("Overall accuracy {accuracy:.4f}, kappa {kappa:.4f}, macro F{beta:g} "
        "{macro_f:.4f} over {pixels} pixels.").format(
        accuracy=scores.overall_accuracy, kappa=scores.kappa, beta=req.beta, macro_f=scores.macro_f,
        pixels=counts['assessed']))
    _write_outputs(result)
    monitor.progress(1.0)
    return result


# -- the steps, in order --------------------------------------------------------------------------------------------
def _check_request(req: AccuracyRequest) -> None:
    """Parameters that need no file: output extensions, BETA, the object IoU threshold."""
    if req.output_html and os.path.splitext(req.output_html)[1].lower() not in (".html", ".htm"):
        raise DeepMapperError(_("OUTPUT_HTML '{path}' must end in .html.").format(path=req.output_html))
    if req.output_csv and os.path.splitext(req.output_csv)[1].lower() != ".csv":
        raise DeepMapperError(_("The table '{path}' must end in .csv.").format(path=req.output_csv))
    check_beta(req.beta)
    if req.object_class not in (None, ""):
        require_bindings("OBJECT_CLASS")
    if not 0 < req.object_iou <= 1:
        raise DeepMapperError(_("The object IoU threshold must be in (0, 1] (SpaceNet uses 0.5), not {object_iou}.").format(
            object_iou=req.object_iou))


def _open_prediction(req: AccuracyRequest, ds, say: Say) -> _Prediction:
    """Check the band; read the class names and colours the raster records, and what the report shows of it."""
    if not 1 <= req.band <= ds.count:
        raise DeepMapperError(_("PREDICTION has {bands} band(s); BAND {band} does not exist. "
                              "Choose a BAND from 1 to {bands}.").format(bands=ds.count, band=req.band))
    classes, class_source = refmod.prediction_classes(req.prediction, req.band)
    names = {int(c["id"]): str(c["name"]) for c in classes}
    colors = {int(c["id"]): c["color"] for c in classes if c.get("color")}
    info = {
        "path": req.prediction, "name": req.prediction_name or os.path.basename(req.prediction),
        "width": ds.width, "height": ds.height, "band": req.band, "dtype": ds.dtypes[req.band - 1],
        "crs": ds.crs.to_string() if ds.crs else "none", "pixel_size": (abs(ds.transform.a), abs(ds.transform.e)),
        "nodata": ds.nodatavals[req.band - 1], "classes": classes, "class_source": class_source,
        "description": ds.descriptions[req.band - 1] or "",
        "tags": {k: v for k, v in ds.tags().items() if k.upper().startswith("DEEPMAPPER") and k != "DEEPMAPPER_CLASSES"},
        "bounds": tuple(ds.bounds),
    }
    if class_source:
        say(_("Prediction classes ({source}): {classes}").format(
            source=refmod.class_source_text(class_source),
            classes=", ".join(f"{i} {n}" for i, n in sorted(names.items()))))
    return _Prediction(info, classes, names, colors)


def _read_reference(req: AccuracyRequest, prediction: _Prediction, say: Say) -> _Reference:
    """Read the reference, keep features with a geometry and a class, and match their classes to the prediction's
    (names the prediction lacks are taken from the reference)."""
    gdf = refmod.read_reference(req.reference, req.reference_layer)
    info = {"path": req.reference, "layer": req.reference_layer,
            "name": req.reference_name or os.path.basename(str(req.reference).split("|")[0]),
            "class_field": req.class_field, "features": len(gdf),
            "crs": gdf.crs.to_string() if gdf.crs is not None else "none"}
    if len(gdf) == 0:
        raise DeepMapperError(_("The reference layer '{layer}' has no features; give a layer with "
                              "polygons or points labelled in CLASS_FIELD.").format(layer=info['name']))
    refmod.check_class_field(gdf, req.class_field)
    gdf = gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]
    null_class = int(gdf[req.class_field].isna().sum())
    gdf = gdf[gdf[req.class_field].notna()]
    if len(gdf) == 0:
        raise DeepMapperError(_("The reference layer '{layer}' has no feature with both a geometry "
                              "and a value in '{class_field}'; fill in the class field.").format(
            layer=info['name'], class_field=req.class_field))
    integer_field = refmod.is_integer_field(gdf[req.class_field])
    names = prediction.names
    matches = refmod.match_classes(gdf[req.class_field].tolist(), integer_field, prediction.classes,
                                   refmod.parse_mapping(req.mapping), f"CLASS_FIELD '{req.class_field}'")
    lookup = {m.value: m.class_id for m in matches}
    keys = gdf[req.class_field].map(lambda v: str(int(v)) if integer_field else str(v))
    gdf = gdf.assign(_class_id=keys.map(lookup))
    unmatched = {m.value: m.features for m in matches if m.class_id is None}
    if unmatched:
        say(_("Reference classes matching no prediction class, ignored: {values}. Add them to MAPPING to count "
              "them.").format(values=", ".join(_("'{value}' ({features} features)").format(value=v, features=n)
                                               for v, n in unmatched.items())))
    for m in matches:
        if m.class_id is not None and m.how == "partial name":
            say(_("Reference class '{value}' matched to {class_id} '{class_name}' by a partial name; "
                "give MAPPING if that is wrong.").format(
                value=m.value, class_id=m.class_id, class_name=names.get(m.class_id)))
        if m.class_id is not None and names and m.class_id not in names:
            say(_("Reference class '{value}' is id {class_id}, which PREDICTION does not list among its classes.").format(
                value=m.value, class_id=m.class_id))
    gdf = gdf[gdf["_class_id"].notna()]
    gdf = gdf.assign(_class_id=gdf["_class_id"].astype(np.int64))
    for m in matches:  # a raster without names: name classes after the reference
        if m.class_id is not None and m.class_id not in names and not (integer_field and m.how == "value"):
            names[m.class_id] = m.value
    return _Reference(gdf, info, matches, unmatched, null_class)


def _on_prediction_grid(reference: _Reference, ds, prediction: _Prediction, say: Say) -> _Reference:
    """The reference reprojected to the prediction's CRS; raises when it does not overlap the prediction."""
    from shapely.geometry import box

    pixel = math.hypot(ds.transform.a, ds.transform.d) or 1.0
    crs_notes: list[str] = []
    gdf, reprojected = refmod.to_raster_crs(reference.gdf, ds.crs.to_wkt() if ds.crs else None, pixel, crs_notes)
    for n in crs_notes:
        say(n)
    reference.info["reprojected"] = reprojected
    reference.info["geometry_types"] = gdf.geom_type.value_counts().to_dict()
    raster_box = box(*ds.bounds)
    ref_bounds = gdf.total_bounds
    if not np.all(np.isfinite(ref_bounds)) or not raster_box.intersects(box(*ref_bounds)) or \
            not gdf.geometry.intersects(raster_box).any():
        raise DeepMapperError(
            _("The reference layer does not overlap PREDICTION: reference extent {reference_extent}, "
            "prediction extent {prediction_extent} (both in {crs}). Check that both "
            "cover the same area and that their CRS are set correctly.").format(
                reference_extent=_fmt_bounds(ref_bounds), prediction_extent=_fmt_bounds(ds.bounds),
                crs=prediction.info['crs']))
    reference.gdf = gdf
    return reference


def _label_grid(req: AccuracyRequest, ds, prediction: _Prediction, reference: _Reference, say: Say) -> _Labels:
    """Polygons and points on the pixel grid, and BACKGROUND for an exhaustive reference."""
    shapes, shape_ids, points, point_ids, skipped = refmod.split_geometries(reference.gdf, "_class_id")
    labeller = refmod.GridLabeller(shapes, shape_ids, ds.transform, ds.width, ds.height)
    samples = refmod.point_samples(points, point_ids, ds.transform, ds.width, ds.height)
    names = prediction.names
    background = refmod.resolve_class_list(None if req.background in (None, "") else str(req.background),
                                            names, reference.matches, "BACKGROUND")[:1]
    if background and not shapes:
        raise DeepMapperError(_("BACKGROUND needs reference polygons (every pixel outside them is background); "
                              "the reference holds only points. Leave BACKGROUND empty."))
    if background:
        say(_("Pixels outside every reference polygon count as {class_id} "
            "'{class_name}' (BACKGROUND): the reference is taken as exhaustive.").format(
            class_id=background[0], class_name=names.get(background[0], background[0])))
    matched = {m.class_id for m in reference.matches if m.class_id is not None}
    return _Labels(labeller, bool(shapes), samples, background, sorted(matched | set(background)), skipped)


def _accumulate(req: AccuracyRequest, ds, labels: _Labels, reference: _Reference,
                monitor: Monitor) -> tuple[list[int], np.ndarray, dict[str, int]]:
    """The confusion matrix, strip by strip over the prediction, and the pixel counts the report shows."""
    import rasterio

    acc = ConfusionAccumulator(labels.class_ids)
    samples = labels.samples
    counts = {"labelled": 0, "assessed": 0, "nodata": 0, "ambiguous": 0, "points": len(samples.rows),
              "points_outside": samples.outside, "points_nodata": 0, "null_class": reference.null_class,
              "unmatched_features": sum(reference.unmatched.values()),
              "skipped_geometries": labels.skipped, "features_used": len(reference.gdf)}
    strips = list(refmod.iter_strips(ds.height, ds.width))
    for k, (r0, r1) in enumerate(strips):
        window = rasterio.windows.Window(0, r0, ds.width, r1 - r0)
        pred = ds.read(req.band, window=window)
        valid = ds.read_masks(req.band, window=window) > 0
        if pred.dtype.kind == "f":
            valid &= np.isfinite(pred)
        if labels.has_shapes:
            _add_polygons(acc, counts, labels, labels.labeller.strip(r0, r1), pred, valid)
        _add_points(acc, counts, samples, r0, r1, pred, valid)
        monitor.report(0.9 * (k + 1) / len(strips))
    class_ids, matrix = acc.result()
    counts["assessed"] = int(matrix.sum())
    return class_ids, matrix, counts


def _add_polygons(acc: ConfusionAccumulator, counts: dict, labels: _Labels, lab, pred: np.ndarray,
                  valid: np.ndarray) -> None:
    """One strip of polygon labels (and of background, for an exhaustive reference)."""
    counts["ambiguous"] += int(lab.ambiguous.sum())
    counts["labelled"] += int(lab.labelled.sum())
    counts["nodata"] += int((lab.labelled & ~valid).sum())
    use = lab.labelled & valid
    acc.add(lab.labels[use], _as_classes(pred[use]))
    if labels.background:  # exhaustive reference: every other valid pixel is background
        rest = ~lab.labelled & ~lab.ambiguous & valid
        counts["labelled"] += int(rest.sum())
        acc.add(np.full(int(rest.sum()), labels.background[0], np.int64), _as_classes(pred[rest]))


def _add_points(acc: ConfusionAccumulator, counts: dict, samples, r0: int, r1: int, pred: np.ndarray,
                valid: np.ndarray) -> None:
    """The point samples that fall in rows r0..r1-1."""
    sel = (samples.rows >= r0) & (samples.rows < r1)
    if not sel.any():
        return
    rr, cc = samples.rows[sel] - r0, samples.cols[sel]
    ok = valid[rr, cc]
    counts["labelled"] += int(sel.sum())
    counts["points_nodata"] += int((~ok).sum())
    counts["nodata"] += int((~ok).sum())
    acc.add(samples.class_ids[sel][ok], _as_classes(pred[rr[ok], cc[ok]]))


def _check_counts(counts: dict[str, int], matrix: np.ndarray, say: Say) -> None:
    """Raise when nothing could be assessed; note exclusions and a single-class reference."""
    if counts["assessed"] == 0:
        if counts["labelled"] == 0:
            raise DeepMapperError(
                _("The reference overlaps PREDICTION but labels none of its pixels: no pixel centre lies inside a "
                "reference polygon (polygons smaller than a pixel?) and no point falls on the raster. Use larger "
                "polygons, points, or a finer prediction."))
        raise DeepMapperError(_("All {labelled} pixels the reference labels are nodata in PREDICTION; "
                              "assess a prediction that covers the reference area.").format(
            labelled=counts['labelled']))
    if counts["ambiguous"]:
        say(_("{ambiguous} pixels covered by reference polygons of different classes were excluded.").format(
            ambiguous=counts['ambiguous']))
    if counts["nodata"]:
        say(_("{nodata} labelled pixels are nodata in the prediction and were excluded.").format(
            nodata=counts['nodata']))
    if int((matrix.sum(axis=1) > 0).sum()) == 1:
        say(_("The reference labels a single class: pixel scores then only say how much of it was found (recall); "
            "add reference polygons of the other classes to measure false detections."))


def _binary(req: AccuracyRequest, scores: Scores, reference: _Reference) -> BinaryScores | None:
    """POSITIVE_CLASSES against the rest, when asked."""
    names = {c.class_id: c.name for c in scores.classes}
    positive = refmod.resolve_class_list(req.positive_classes, names, reference.matches, "POSITIVE_CLASSES")
    return binary_view(scores, positive) if positive else None


def _objects(req: AccuracyRequest, ds, scores: Scores, reference: _Reference,
             monitor: Monitor) -> ObjectScores | None:
    """SpaceNet object scores of OBJECT_CLASS, when asked: reference polygons of the class against the connected
    regions of the class in the prediction, over the prediction's extent."""
    names = {c.class_id: c.name for c in scores.classes}
    ids = refmod.resolve_class_list(None if req.object_class in (None, "") else str(req.object_class), names,
                                    reference.matches, "OBJECT_CLASS")
    if len(ids) > 1:
        raise DeepMapperError(_("OBJECT_CLASS takes one class (an id or a name), e.g. 'building' or '1'."))
    if not ids:
        return None
    if req.band != 1:
        raise DeepMapperError(_("Object-level scores read band 1 of PREDICTION; leave BAND at 1 or clear OBJECT_CLASS."))
    class_id, name = ids[0], names.get(ids[0], str(ids[0]))
    monitor.log(_("Object-level scores: polygonising the prediction ..."))
    refs = reference_objects(reference.gdf.geometry, reference.gdf["_class_id"], class_id, ds.bounds)
    return object_scores(class_id, name, refs, prediction_objects(req.prediction, class_id, name), req.object_iou)


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


# -- helpers ----------------------------------------------------------------------------------------------------------
def _as_classes(values: np.ndarray) -> np.ndarray:
    """Prediction values as integer class ids; a raster of non-integer values is not a class raster."""
    if values.dtype.kind in "iub":
        return values.astype(np.int64, copy=False)
    if values.size and not np.all(values == np.round(values)):
        raise DeepMapperError(_("PREDICTION holds non-integer values: it must be a raster of class ids (e.g. the OUTPUT "
                              "of deepmapper:cloudmask), not probabilities or reflectances."))
    return values.astype(np.int64)


def _fmt_bounds(b) -> str:
    return "(" + ", ".join(f"{v:.6g}" for v in b) + ")"
