"""deepmapper:reviewlabels's engine: find wrong labels by confident learning.

Every label feature is judged by a model that never saw it. Without MODEL, quick pixel classifiers (scikit-learn's
random forests on band values and local texture, label_pixels.py) are trained out of fold: the features
are grouped into spatial blocks, the blocks into k folds, and each fold's features are predicted by the model trained
on the other folds. With MODEL, the model's own probabilities judge every feature.

Per feature, the verdict weighs the evidence by how much of it there is (a Bayesian reading of confident learning,
Northcutt et al., 2021, JAIR 70). Its pixels' out-of-fold log-probability ratios log p(j)/p(label), averaged and
multiplied by an effective pixel count n / (1 + (n - 1) rho), are the log likelihood ratio of class j against the
label; rho = PIXEL_CORRELATION says that the pixels of one feature are one object whose errors go together (a mixed
edge, one odd surface), so a big polygon counts as at most 1 / rho independent looks and a 1-pixel polygon as one.
With the prior share of wrong labels (ReviewRequest.expected_wrong, spread evenly over the other classes; by default
estimated from all features' evidence, estimate_wrong_share), Bayes' rule gives each feature the probability of every
class; it is suspect when another class is the most probable and its own label's probability is below one half. A
one-pixel polygon needs a far stronger contradiction than a large one, so small regions at class edges (where even a
model trained on a dense reference is right about half of the time) are not flagged on weak evidence. Steps:

    read_label_features   labels + class table on the raster's grid, errors that name the fix
    feature_pixels        the pixels of each feature (label_pixels.py)
    out_of_fold / model   (n_pixels, K) probabilities no feature was trained on
    judge                 per-feature agreement, class posterior, suggested class, confidence, suspect
    write outputs         the label layer with the new fields, sorted by suspicion; the HTML summary
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ..engine.errors import DeepMapperError, require
from ..engine.messages import N_, _
from ..engine.progress import Monitor
from ..engine.raster_io import BandReader, atomic_path, bounded_gdal_cache, open_raster, pixel_size
from ..engine.vector_labels import (check_class_field, is_integer_field, read_reference, to_raster_crs,
                                    without_unclassed)
from ..training.labels import class_table
from .label_pixels import FeaturePixels, feature_pixels, pixel_features

FIELDS = ("suspect", "label_agreement", "suggested_class", "confidence")
SOURCE_FID = "source_fid"  # the feature's fid in the reviewed layer: the output is sorted, and written with new fids
PROBABILITY_FLOOR = 0.01  # one pixel is at most log(1 / 0.01) = 4.6 nats of evidence (forests' votes are coarse)
PIXEL_CORRELATION = 0.5  # rho: a feature's pixels count as at most 1 / rho = 2 independent looks
PRIOR_SHARE, PRIOR_WEIGHT = 0.02, 10.0  # estimate_wrong_share's Beta prior: as if 10 more features, 2 % wrong
MIN_SHARE, MAX_SHARE = 0.001, 0.45  # an estimated share stays inside class_posterior's (0, 0.5)
WARN_SHARE = 0.4  # an estimate this high says the labels and the classifiers disagree too much to judge
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
    expected_wrong: float | None = None  # prior share of wrong labels (0..0.5): higher flags more, on weaker evidence;
    # None: estimated from the labels' evidence (estimate_wrong_share)
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
    per_class: list[dict]  # name, features, suspects, mean_agreement, expected_wrong
    log: list[str] = field(default_factory=list)
    expected_wrong: float = PRIOR_SHARE  # the prior share of wrong labels used: as asked, or estimated


@dataclass
class LabelFeatures:
    """The label layer as read (original CRS, for the output) and on the raster's grid, with class ids."""

    original: object  # GeoDataFrame as read
    geometries: list  # in the raster's CRS
    class_ids: np.ndarray  # (features,) int64 channel 0..K-1
    classes: list[dict]  # id, name, color (training.labels.class_table)

    def fids(self) -> list[int] | None:
        """The features' fids in the layer given (SOURCE_FID), or None when its driver has none."""
        return self.original[SOURCE_FID].tolist() if SOURCE_FID in self.original else None


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
        labels = read_label_features(req, src, say)
        pixels = feature_pixels(labels.geometries, src.transform, src.width, src.height, req.max_pixels, rng)
        _check_on_image(labels, pixels, req, say)
        if req.model:
            from .review_model import model_probabilities
            probs, valid = model_probabilities(src, req, labels.classes, pixels, monitor.span(0.0, 0.8), say,
                                               registry)
            _check_valid(valid, req)
        else:
            reader = BandReader(src, list(range(1, src.count + 1)))
            values, valid = pixel_features(reader, pixels.rows, pixels.cols, monitor.span(0.0, 0.2))
            _check_valid(valid, req)
            folds = spatial_folds(labels, pixels, src.width, src.height, req, rng)
            used = len(np.unique(folds[pixels.owner[valid]]))
            if used < 2:
                raise DeepMapperError(_("The labels on the image fall into {used} spatial block(s) only, and each "
                                        "label must be judged by a model trained on labels elsewhere: label more "
                                        "places across the image, or give MODEL to judge them with a model.").format(
                    used=used))
            say(_("Out-of-fold pixel classifiers: {folds} spatial folds, "
                "{pixels} pixels of {features} features.").format(
                folds=used, pixels=int(valid.sum()), features=int(pixels.on_image.sum())))
            probs = out_of_fold(values, valid, labels.class_ids[pixels.owner], folds[pixels.owner],
                                len(labels.classes), req, monitor.span(0.2, 0.8), pixels.owner)
        verdict = judge(probs, valid, pixels, labels.class_ids, len(labels.classes), req.expected_wrong)
        if req.expected_wrong is None:
            say(_("Share of wrong labels estimated from the evidence: {share:.1f} %.").format(
                share=100 * verdict.expected_wrong))
            if verdict.expected_wrong >= WARN_SHARE:
                say(_("Warning: that is at or near the estimate's upper limit ({limit:.0f} %): the classifiers "
                      "disagree with most labels, so the review cannot tell which are wrong. Check that the class "
                      "field is the right one and that the labels were drawn on this image, or give the expected "
                      "share of wrong labels.").format(limit=100 * MAX_SHARE))
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
    say(_("{suspects} of {features} features are suspect: {per_class}.").format(
        suspects=suspects, features=len(labels.class_ids),
        per_class=", ".join(f"{c['name']} {c['suspects']}" for c in per_class)))
    monitor.report(1.0)
    return ReviewResult(req.output, req.output_html, suspects, len(labels.class_ids), labels.classes, per_class, log,
                        verdict.expected_wrong)


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
    if req.expected_wrong is not None and not 0.0 < req.expected_wrong < 0.5:
        raise DeepMapperError(_("The expected share of wrong labels must be between 0 and 50 % "
                              "(got {share:g} %).").format(share=100 * req.expected_wrong))


def read_label_features(req: ReviewRequest, src, say=None) -> LabelFeatures:
    """The labels with their class ids, reprojected onto the raster's grid (features without a class are left out,
    said through `say`). Errors name the fix."""
    gdf = read_reference(req.labels, fid_column=SOURCE_FID)  # a reviewed layer's own source_fid is replaced
    if gdf.empty:
        raise DeepMapperError(_("The LABELS layer '{labels}' has no features; give the labelled polygons or "
                              "points to review.").format(labels=req.labels))
    check_class_field(gdf, req.class_field, layer=_("LABELS layer"))
    if any(name in gdf.columns for name in FIELDS):
        gdf = gdf.drop(columns=[name for name in FIELDS if name in gdf.columns])  # a layer reviewed before
    gdf, unclassed = without_unclassed(gdf, req.class_field)
    if unclassed and say is not None:
        say(unclassed)
    gdf = gdf[gdf.geometry.notna()].reset_index(drop=True)
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


def _check_valid(valid: np.ndarray, req: ReviewRequest) -> None:
    """Refuse an image with no valid pixel under the labels: every verdict would be empty, reported as 'no suspect'."""
    if not valid.any():
        raise DeepMapperError(_("The image '{image}' holds no valid pixel under the labels (nodata everywhere "
                                "there), so no label can be judged: check that INPUT is the image the labels were "
                                "drawn on.").format(image=os.path.basename(req.input)))


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


def balanced_weights(owner: np.ndarray, targets: np.ndarray, valid: np.ndarray, n_classes: int) -> np.ndarray:
    """(n,) float64 training weight of each pixel: 1 / (valid pixels of its feature), then scaled so that every
    class sums to the same total (0 for invalid pixels)."""
    per_feature = np.bincount(owner[valid], minlength=int(owner.max()) + 1 if len(owner) else 0).astype(float)
    w = np.where(valid, 1.0 / np.maximum(per_feature[owner], 1.0), 0.0)
    per_class = np.bincount(targets, weights=w, minlength=n_classes)
    return w / np.where(per_class > 0, per_class, 1.0)[targets] * len(w) / max(int((per_class > 0).sum()), 1)


def out_of_fold(values: np.ndarray, valid: np.ndarray, targets: np.ndarray, folds: np.ndarray, n_classes: int,
                req: ReviewRequest, monitor: Monitor, owner: np.ndarray) -> np.ndarray:
    """(n, K) float64 probabilities of each pixel from the classifier trained without its fold (NaN rows where the
    pixel is invalid). Each feature weighs the same in training (its pixels share one unit of weight, so small
    features at class edges are learnt, not drowned by big ones), and each class as much as the others."""
    require("sklearn", N_("the label review's out-of-fold classifiers (pip package scikit-learn)"))
    from sklearn.ensemble import RandomForestClassifier
    probs = np.full((len(values), n_classes), np.nan)
    weights = balanced_weights(owner, targets, valid, n_classes)
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
        # were 30x slower there); its vote shares, floored at PROBABILITY_FLOOR, give the log-probability ratios.
        model = RandomForestClassifier(n_estimators=60, min_samples_leaf=2, max_features="sqrt", n_jobs=1,
                                       random_state=req.seed)
        model.fit(values[train], targets[train], sample_weight=weights[train])
        p = np.zeros((int(test.sum()), n_classes))
        p[:, model.classes_] = model.predict_proba(values[test])
        probs[test] = p
        monitor.report((i + 1) / len(fold_ids))
    return probs


# -- the verdict ---------------------------------------------------------------------------------------------------
@dataclass
class Verdict:
    """Per feature (NaN / -1 / False where it was not judged)."""

    posterior: np.ndarray  # (features, K) probability of each class given the label, the pixels and the prior
    agreement: np.ndarray  # (features,) share of pixels predicted as the label
    suggested: np.ndarray  # (features,) int class id, the most probable class
    confidence: np.ndarray  # (features,) posterior probability of the suggested class
    suspect: np.ndarray  # (features,) bool
    suspicion: np.ndarray  # (features,) probability that the label is wrong (1 - posterior of the label)
    order: np.ndarray  # feature indices, most suspicious first
    expected_wrong: float = PRIOR_SHARE  # the prior share of wrong labels used (given, or estimated)


def feature_log_probs(probs: np.ndarray, valid: np.ndarray, owner: np.ndarray,
                      n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """((n,) judged pixels per feature, (n, K) mean log-probability over them (floored at PROBABILITY_FLOOR and
    renormalised), (n,) share of them whose most probable class is the label's — filled by `judge`) of n features."""
    ok = valid & np.isfinite(probs).all(axis=1)
    o, p = owner[ok], np.clip(probs[ok], PROBABILITY_FLOOR, 1.0)
    logp = np.log(p / p.sum(axis=1, keepdims=True))
    count = np.bincount(o, minlength=n).astype(float)
    mean_log = np.stack([np.bincount(o, weights=logp[:, j], minlength=n) for j in range(p.shape[1])], axis=1)
    return count, mean_log / np.maximum(count, 1.0)[:, None], ok


def log_likelihood_ratios(mean_log: np.ndarray, count: np.ndarray, class_ids: np.ndarray) -> np.ndarray:
    """(n, K) log likelihood ratio of each class against the label (0 for the label itself): the mean
    log-probability ratio times the effective pixel count n / (1 + (n - 1) rho) (see the module docstring)."""
    rows = np.arange(len(mean_log))
    looks = count / (1.0 + (np.maximum(count, 1.0) - 1.0) * PIXEL_CORRELATION)
    return (mean_log - mean_log[rows, class_ids][:, None]) * looks[:, None]


def class_posterior(mean_log: np.ndarray, count: np.ndarray, class_ids: np.ndarray,
                    expected_wrong: float) -> np.ndarray:
    """(n, K) P(true class | label, pixels): log prior (1 - expected_wrong for the label, expected_wrong / (K - 1)
    for each other class) plus the log likelihood ratio against the label (log_likelihood_ratios)."""
    n, k = mean_log.shape
    log_odds = log_likelihood_ratios(mean_log, count, class_ids) + np.log(expected_wrong / (k - 1))
    log_odds[np.arange(n), class_ids] = np.log(1.0 - expected_wrong)
    post = np.exp(log_odds - log_odds.max(axis=1, keepdims=True))
    return post / post.sum(axis=1, keepdims=True)


def estimate_wrong_share(mean_log: np.ndarray, count: np.ndarray, class_ids: np.ndarray,
                         prior_share: float = PRIOR_SHARE, prior_weight: float = PRIOR_WEIGHT) -> float:
    """The share of wrong labels that best explains the features' evidence: the maximum a posteriori mixing
    proportion of "label wrong" in the two-component mixture of class_posterior, by expectation-maximisation
    (Dempster, Laird & Rubin, 1977, JRSS B 39). Each step sets the share to the mean probability of being wrong over
    the judged features, shrunk towards `prior_share` as if `prior_weight` more features had been seen at that rate
    (a Beta prior), so that a handful of features cannot claim that half the labels are wrong. Arguments as
    class_posterior's, for judged features only. Returns a share in [MIN_SHARE, MAX_SHARE]."""
    from scipy.special import expit, logsumexp
    n, k = mean_log.shape
    llr = log_likelihood_ratios(mean_log, count, class_ids)
    llr[np.arange(n), class_ids] = -np.inf  # the other classes only
    other = logsumexp(llr, axis=1) - np.log(k - 1)  # log of their mean likelihood ratio
    share = prior_share
    for _step in range(200):
        # P(wrong | evidence, share) = share * L / (share * L + 1 - share), L = mean likelihood ratio of the others
        wrong = expit(other + np.log(share) - np.log1p(-share))
        new = float(np.clip((wrong.sum() + prior_weight * prior_share) / (n + prior_weight), MIN_SHARE, MAX_SHARE))
        if abs(new - share) < 1e-6:
            return new
        share = new
    return share


def judge(probs: np.ndarray, valid: np.ndarray, pixels: FeaturePixels, class_ids: np.ndarray, n_classes: int,
          expected_wrong: float | None = 0.02) -> Verdict:
    """The verdict on every feature from (n_pixels, K) out-of-fold probabilities (see the module docstring);
    `expected_wrong` None: the share of wrong labels is estimated from the evidence (estimate_wrong_share) and
    returned in Verdict.expected_wrong."""
    n = len(class_ids)
    count, mean_log, ok = feature_log_probs(probs, valid, pixels.owner, n)
    judged = count > 0
    hits = (probs[ok].argmax(axis=1) == class_ids[pixels.owner[ok]]).astype(float)
    agreement = np.where(judged, np.bincount(pixels.owner[ok], weights=hits, minlength=n) / np.maximum(count, 1),
                         np.nan)
    posterior = np.full((n, n_classes), np.nan)
    suggested = np.full(n, -1, dtype=np.int64)
    confidence = np.full(n, np.nan)
    suspicion = np.full(n, -np.inf)
    idx = np.flatnonzero(judged)
    if expected_wrong is None:
        expected_wrong = estimate_wrong_share(mean_log[idx], count[idx], class_ids[idx]) if len(idx) else PRIOR_SHARE
    posterior[idx] = class_posterior(mean_log[idx], count[idx], class_ids[idx], expected_wrong)
    suggested[idx] = posterior[idx].argmax(axis=1)
    confidence[idx] = posterior[idx, suggested[idx]]
    suspicion[idx] = 1.0 - posterior[idx, class_ids[idx]]
    suspect = judged & (suggested != class_ids) & (suspicion > 0.5)
    order = np.lexsort((-suspicion, ~suspect))
    return Verdict(posterior, agreement, suggested, confidence, suspect, suspicion, order, expected_wrong)


def class_summary(labels: LabelFeatures, verdict: Verdict) -> list[dict]:
    rows = []
    for c in labels.classes:
        mine = labels.class_ids == c["id"]
        rows.append({"id": c["id"], "name": c["name"], "color": c["color"], "features": int(mine.sum()),
                     "suspects": int((mine & verdict.suspect).sum()),
                     "mean_agreement": float(np.nanmean(verdict.agreement[mine])) if
                     np.isfinite(verdict.agreement[mine]).any() else float("nan"),
                     "expected_wrong": float(np.nansum(np.where(np.isfinite(verdict.suspicion[mine]),
                                                               verdict.suspicion[mine], 0.0)))})
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
