"""deepmapper:reviewlabels's engine: find wrong labels by confident learning.

Every label feature is judged by a model that never saw it. Without MODEL, quick pixel classifiers (scikit-learn's
histogram gradient boosting on band values and local texture, label_pixels.py) are trained out of fold: the features
are grouped into spatial blocks, the blocks into k folds, and each fold's features are predicted by the model trained
on the other folds. With MODEL, the model's own probabilities judge every feature.

Confident learning (Northcutt et al., 2021), per feature: p = the mean class probabilities over its pixels; the
threshold of class j is the mean p[j] over the features labelled j (its self-confidence). A feature is suspect when
the most probable of the classes whose p reaches their threshold is not its label, and its label agreement (share
of its pixels predicted as its label) is below one half. Steps:

    read_label_features   labels + class table on the raster's grid, errors that name the fix
    feature_pixels        the pixels of each feature (label_pixels.py)
    out_of_fold / model   (n_pixels, K) probabilities no feature was trained on
    judge                 per-feature agreement, suggested class, confidence, suspect
    write outputs         the label layer with the new fields, sorted by suspicion; the HTML summary
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ..engine.errors import DeepMapperError, require
from ..engine.messages import _
from ..engine.progress import Monitor
from ..engine.raster_io import BandReader, atomic_path, bounded_gdal_cache, open_raster, pixel_size
from ..engine.vector_labels import check_class_field, is_integer_field, read_reference, to_raster_crs
from ..training.labels import class_table
from .label_pixels import FeaturePixels, feature_pixels, pixel_features

FIELDS = ("suspect", "label_agreement", "suggested_class", "confidence")
VECTOR_DRIVERS = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON",
                  ".fgb": "FlatGeobuf", ".sqlite": "SQLite"}


@dataclass
class ReviewRequest:
    input: str
    labels: str  # a vector file, or 'file|layername=x'
    class_field: str
    output: str  # the reviewed label layer (.gpkg, .shp, .geojson, ...)
    output_html: str | None = None
    model: str | None = None  # id or card path; None: out-of-fold pixel classifiers
    sensor: str | None = None
    bands: str | None = None
    folds: int = 5
    max_pixels: int = 300  # per feature
    block_size: int = 0  # pixels of a spatial block; 0: from the labels' spread
    quicklooks: int = 6
    seed: int = 0
    device: str = "auto"
    threads: int = 0


@dataclass
class ReviewResult:
    output: str
    output_html: str | None
    suspect_count: int
    features: int
    classes: list[dict]
    per_class: list[dict]  # name, features, suspects, mean_agreement, threshold
    log: list[str] = field(default_factory=list)


@dataclass
class LabelFeatures:
    """The label layer as read (original CRS, for the output) and on the raster's grid, with class ids."""

    original: object  # GeoDataFrame as read
    geometries: list  # in the raster's CRS
    class_ids: np.ndarray  # (features,) int64 channel 0..K-1
    classes: list[dict]  # id, name, color (training.labels.class_table)


def review_labels(req: ReviewRequest, monitor: Monitor | None = None, registry=None) -> ReviewResult:
    """Review req.labels against req.input; writes req.output (and req.output_html) only when all succeeded.

    Raises DeepMapperError for an empty layer, a missing class field, labels off the image, fewer than two
    classes, a model whose bands or classes do not fit; CancelledError when the user cancels."""
    monitor = monitor or Monitor()
    with bounded_gdal_cache():
        return _review(req, monitor, registry)


def _review(req: ReviewRequest, monitor: Monitor, registry) -> ReviewResult:
    log: list[str] = []
    say = monitor.recorder(log)
    _check_request(req)
    rng = np.random.default_rng(req.seed)
    with open_raster(req.input) as src:
        labels = read_label_features(req, src)
        pixels = feature_pixels(labels.geometries, src.transform, src.width, src.height, req.max_pixels, rng)
        _check_on_image(labels, pixels, req, say)
        if req.model:
            from .review_model import model_probabilities
            probs, valid = model_probabilities(src, req, labels.classes, pixels, monitor.span(0.0, 0.8), say,
                                               registry)
        else:
            reader = BandReader(src, list(range(1, src.count + 1)))
            values, valid = pixel_features(reader, pixels.rows, pixels.cols, monitor.span(0.0, 0.2))
            folds = spatial_folds(labels, pixels, src.width, src.height, req, rng)
            say(_("Out-of-fold pixel classifiers: {folds} spatial folds, "
                "{pixels} pixels of {features} features.").format(
                folds=len(np.unique(folds[folds >= 0])), pixels=int(valid.sum()), features=int(pixels.on_image.sum())))
            probs = out_of_fold(values, valid, labels.class_ids[pixels.owner], folds[pixels.owner],
                                len(labels.classes), req, monitor.span(0.2, 0.8))
        verdict = judge(probs, valid, pixels, labels.class_ids, len(labels.classes))
        quicklooks = None
        if req.output_html:
            from .review_report import quicklook_images
            quicklooks = quicklook_images(src, labels, verdict, req.quicklooks)
    monitor.report(0.9)
    per_class = class_summary(labels, verdict)
    _write_layer(req, labels, verdict)
    if req.output_html:
        from .review_report import write_report
        write_report(req, labels, verdict, per_class, quicklooks, log)
    suspects = int(verdict.suspect.sum())
    say(f"{suspects} of {len(labels.class_ids)} features are suspect: " +
        ", ".join(f"{c['name']} {c['suspects']}" for c in per_class) + ".")
    monitor.report(1.0)
    return ReviewResult(req.output, req.output_html, suspects, len(labels.class_ids), labels.classes, per_class, log)


# -- inputs ------------------------------------------------------------------------------------------------------
def _check_request(req: ReviewRequest) -> None:
    ext = os.path.splitext(req.output)[1].lower()
    if ext not in VECTOR_DRIVERS:
        raise DeepMapperError(_("OUTPUT '{output}' must be a vector file: {formats}.").format(
            output=req.output, formats=', '.join(VECTOR_DRIVERS)))
    for path in (req.output, req.output_html):
        if path and os.path.abspath(path) in (os.path.abspath(req.input), os.path.abspath(req.labels.split("|")[0])):
            raise DeepMapperError(_("An output is an input file; choose another path (inputs are never overwritten)."))
    if req.folds < 2:
        raise DeepMapperError(_("FOLDS must be at least 2 (got {folds}): each label is judged by a model trained "
                              "on the other folds.").format(folds=req.folds))


def read_label_features(req: ReviewRequest, src) -> LabelFeatures:
    """The labels with their class ids, reprojected onto the raster's grid. Errors name the fix."""
    gdf = read_reference(req.labels)
    if gdf.empty:
        raise DeepMapperError(_("The LABELS layer '{labels}' has no features; give the labelled polygons or "
                              "points to review.").format(labels=req.labels))
    check_class_field(gdf, req.class_field, layer=_("LABELS layer"))
    if any(name in gdf.columns for name in FIELDS):
        gdf = gdf.drop(columns=[name for name in FIELDS if name in gdf.columns])  # a layer reviewed before
    gdf = gdf[gdf[req.class_field].notna() & gdf.geometry.notna()].reset_index(drop=True)
    if gdf.empty:
        raise DeepMapperError(_("Every feature of LABELS has an empty '{class_field}' or no geometry; fill in "
                              "the classes.").format(class_field=req.class_field))
    integer = is_integer_field(gdf[req.class_field])
    values = [int(v) for v in gdf[req.class_field]] if integer else [str(v).strip() for v in gdf[req.class_field]]
    classes, ids = class_table(values, integer, None)
    if len(classes) < 2:
        raise DeepMapperError(_("LABELS holds only one class ({name}) in '{class_field}': a review "
                              "compares classes, so label at least two.").format(
            name=classes[0]['name'], class_field=req.class_field))
    projected, _unused = to_raster_crs(gdf, src.crs.to_wkt() if src.crs else None, pixel_size(src.transform), [])
    return LabelFeatures(gdf, list(projected.geometry), np.array([ids[v] for v in values], np.int64), classes)


def _check_on_image(labels: LabelFeatures, pixels: FeaturePixels, req: ReviewRequest, say) -> None:
    off = int((~pixels.on_image).sum())
    if off == len(labels.class_ids):
        raise DeepMapperError(
            _("None of the {off} features of LABELS lies on the image '{image}': check that "
            "the labels were drawn on this image and that the layer's CRS is right (QGIS: Assign projection).").format(
                off=off, image=os.path.basename(req.input)))
    if off:
        say(_("{off} features lie outside the image (or on no pixel centre): they are kept, not judged.").format(
            off=off))
    seen = np.unique(labels.class_ids[pixels.on_image])
    if len(seen) < 2:
        raise DeepMapperError(_("Only one class of LABELS lies on the image; a review compares classes, so give "
                              "labels of at least two classes on this image."))


# -- out-of-fold probabilities --------------------------------------------------------------------------------------
def spatial_folds(labels: LabelFeatures, pixels: FeaturePixels, width: int, height: int, req: ReviewRequest,
                  rng: np.random.Generator) -> np.ndarray:
    """(features,) int fold of each feature (-1: off the image). Features are grouped into square blocks of pixels
    (by the centre of their pixels) and whole blocks go to folds, each block to the fold with the fewest features of
    the block's classes so far, so that every fold's training set keeps every class."""
    n = len(labels.class_ids)
    folds = np.full(n, -1, dtype=np.int64)
    on = np.flatnonzero(pixels.on_image)
    counts = np.bincount(pixels.owner, minlength=n).astype(float)
    cr = np.bincount(pixels.owner, weights=pixels.rows, minlength=n)[on] / counts[on]
    cc = np.bincount(pixels.owner, weights=pixels.cols, minlength=n)[on] / counts[on]
    block = req.block_size or max(8, int(np.sqrt(width * height / max(4 * len(on), 1))))
    key = (cr // block).astype(np.int64) * (width // block + 1) + (cc // block).astype(np.int64)
    k = len(labels.classes)
    load = np.zeros((req.folds, k))
    blocks = np.unique(key)
    for b in rng.permutation(blocks):
        members = on[key == b]
        mix = np.bincount(labels.class_ids[members], minlength=k)
        cost = (load * (mix > 0)).sum(axis=1) + 1e-3 * load.sum(axis=1)
        f = int(np.argmin(cost + 1e-6 * rng.random(req.folds)))
        folds[members] = f
        load[f] += mix
    return folds


def out_of_fold(values: np.ndarray, valid: np.ndarray, targets: np.ndarray, folds: np.ndarray, n_classes: int,
                req: ReviewRequest, monitor: Monitor) -> np.ndarray:
    """(n, K) float64 probabilities of each pixel from the classifier trained without its fold (NaN rows where the
    pixel is invalid). Each feature weighs the same in training (its pixels share one unit of weight)."""
    require("sklearn", "the label review's out-of-fold classifiers (pip package scikit-learn)")
    from sklearn.ensemble import RandomForestClassifier
    probs = np.full((len(values), n_classes), np.nan)
    fold_ids = np.unique(folds[folds >= 0])
    for i, f in enumerate(fold_ids):
        test = valid & (folds == f)
        train = valid & (folds != f) & (folds >= 0)
        present = np.unique(targets[train])
        if not test.any():
            continue
        if len(present) < 2:
            probs[test] = 1.0 / n_classes
            continue
        # A random forest, one thread: fast and reproducible on a busy machine (gradient boosting's OpenMP threads
        # were 30x slower there), and its vote shares are calibrated enough for per-class thresholds.
        model = RandomForestClassifier(n_estimators=60, min_samples_leaf=2, max_features="sqrt", n_jobs=1,
                                       class_weight="balanced", random_state=req.seed)
        model.fit(values[train], targets[train])
        p = np.zeros((int(test.sum()), n_classes))
        p[:, model.classes_] = model.predict_proba(values[test])
        probs[test] = p
        monitor.report((i + 1) / len(fold_ids))
    return probs


# -- the verdict ---------------------------------------------------------------------------------------------------
@dataclass
class Verdict:
    """Per feature (NaN / -1 / False where it was not judged)."""

    mean_probs: np.ndarray  # (features, K)
    agreement: np.ndarray  # (features,) share of pixels predicted as the label
    suggested: np.ndarray  # (features,) int class id
    confidence: np.ndarray  # (features,) mean probability of the suggested class
    suspect: np.ndarray  # (features,) bool
    suspicion: np.ndarray  # (features,) higher = more likely wrong (the suggested class's lead over the label)
    thresholds: np.ndarray  # (K,) per-class self-confidence thresholds
    order: np.ndarray  # feature indices, most suspicious first


def judge(probs: np.ndarray, valid: np.ndarray, pixels: FeaturePixels, class_ids: np.ndarray,
          n_classes: int) -> Verdict:
    """Confident learning on per-feature mean probabilities (see the module docstring)."""
    n = len(class_ids)
    ok = valid & np.isfinite(probs).all(axis=1)
    owner = pixels.owner[ok]
    p = probs[ok]
    count = np.bincount(owner, minlength=n).astype(float)
    judged = count > 0
    mean = np.full((n, n_classes), np.nan)
    for j in range(n_classes):
        mean[:, j] = np.bincount(owner, weights=p[:, j], minlength=n) / np.maximum(count, 1)
    mean[~judged] = np.nan
    hits = (p.argmax(axis=1) == class_ids[owner]).astype(float)
    agreement = np.where(judged, np.bincount(owner, weights=hits, minlength=n) / np.maximum(count, 1), np.nan)
    thresholds = np.array([np.nanmean(mean[judged & (class_ids == j), j]) if (judged & (class_ids == j)).any()
                           else 1.0 for j in range(n_classes)])
    suggested = np.full(n, -1, dtype=np.int64)
    suspect = np.zeros(n, dtype=bool)
    confidence = np.full(n, np.nan)
    suspicion = np.full(n, -np.inf)
    idx = np.flatnonzero(judged)
    m = mean[idx]
    above = m >= thresholds[None]
    best_above = np.where(above, m, -1.0).argmax(axis=1)
    best = m.argmax(axis=1)
    suggested[idx] = np.where(above.any(axis=1), best_above, best)
    confidence[idx] = m[np.arange(len(idx)), suggested[idx]]
    own = m[np.arange(len(idx)), class_ids[idx]]
    suspicion[idx] = confidence[idx] - own
    suspect[idx] = above.any(axis=1) & (best_above != class_ids[idx]) & (agreement[idx] < 0.5)
    order = np.lexsort((-suspicion, ~suspect))
    return Verdict(mean, agreement, suggested, confidence, suspect, suspicion, thresholds, order)


def class_summary(labels: LabelFeatures, verdict: Verdict) -> list[dict]:
    rows = []
    for c in labels.classes:
        mine = labels.class_ids == c["id"]
        rows.append({"id": c["id"], "name": c["name"], "color": c["color"], "features": int(mine.sum()),
                     "suspects": int((mine & verdict.suspect).sum()),
                     "mean_agreement": float(np.nanmean(verdict.agreement[mine])) if
                     np.isfinite(verdict.agreement[mine]).any() else float("nan"),
                     "threshold": float(verdict.thresholds[c["id"]])})
    return rows


def _write_layer(req: ReviewRequest, labels: LabelFeatures, verdict: Verdict) -> None:
    """The label layer with the review's fields, most suspicious first, in the layer's own CRS."""
    names = {c["id"]: c["name"] for c in labels.classes}
    gdf = labels.original.copy()
    gdf["suspect"] = verdict.suspect
    gdf["label_agreement"] = np.round(verdict.agreement, 4)
    gdf["suggested_class"] = [names.get(int(s)) if s >= 0 else None for s in verdict.suggested]
    gdf["confidence"] = np.round(verdict.confidence, 4)
    gdf = gdf.iloc[verdict.order].reset_index(drop=True)
    ext = os.path.splitext(req.output)[1].lower()
    with atomic_path(req.output) as tmp:
        gdf.to_file(tmp, driver=VECTOR_DRIVERS[ext], **({"layer": "reviewed_labels"} if ext == ".gpkg" else {}))
