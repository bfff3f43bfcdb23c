"""deepmapper:suggestsamples's engine: where to label next (active learning).

A segmentation or cloud model runs over the image tile by tile (engine.inference.predict_tiled, the same model,
band and units choice as classify/pipeline.py). Each finished strip of class probabilities becomes per-pixel
uncertainty (uncertainty.py) and is summed at once into the cells of a PATCH_SIZE grid (features.py): only per-patch
numbers are kept, never the probabilities of the whole image. Patches that are not wholly valid image, that touch an
existing label (LABELS) or are not wholly inside MASK are left out; the rest are ranked by their score (the mean
uncertainty of all their pixels, or with TOP_SHARE below 1 of their most uncertain share, from a per-patch histogram:
a patch with a small uncertain cloud edge among clear pixels is not drowned by its easy pixels) and spread
(diversity.py) in a feature space of the patch's mean class probabilities, predicted-class shares and band means and
standard deviations, each standardised over the candidates. The squares of the COUNT picks are written with their
rank, score, predicted class and class mix; the per-pixel uncertainty raster optionally. Outputs appear only when
the whole run succeeded.
"""
from __future__ import annotations

import json
import os
from contextlib import nullcontext
from dataclasses import dataclass, field, replace

import numpy as np
import rasterio
from rasterio.windows import Window

from ..classify.cloudmask import DEFAULT_SENSOR as CLOUD_SENSOR
from ..classify.pipeline import ChosenModel, Say, choose_model_and_bands, inference_plan
from ..engine.errors import DeepMapperError, NoValidPixelsError
from ..engine.messages import _
from ..engine.inference import predict_tiled, say_tiles
from ..engine.progress import Monitor
from ..engine.raster_io import BandReader, atomic_path, bounded_gdal_cache, geotiff_profile, open_raster
from ..engine.units import require_valid_pixels
from ....models.registry import Registry
from .areas import VectorArea
from .diversity import check_diversity, select
from .features import PatchAccumulator, PatchHistogram, WithBands, band_statistics, standardised
from .grid import PatchGrid
from .output import check_vector_path, write_squares
from .uncertainty import FlipTTA, check_strategy, pixel_scores

TASKS = {"segmentation": "segmentation model", "cloudmask": "cloud model"}  # registry task -> kind in messages (_())
FIELDS = {"rank": int, "score": float, "strategy": str, "predicted_class": str, "class_mix": str, "model": str}


@dataclass
class SuggestRequest:
    input: str
    output: str  # polygons: .gpkg, .shp, .geojson, .fgb
    model: str | None = None  # id or card path; None: the best installed segmentation, else cloud, model
    count: int = 10
    patch_size: int = 64  # pixels
    strategy: str = "margin"  # uncertainty.STRATEGIES; defaults: the best of docs/benchmarks.md's active learning
    diversity: str = "cluster"  # diversity.DIVERSITY
    top_share: float = 0.1  # a patch's score: the mean uncertainty of this share of its most uncertain pixels
    labels: str | None = None  # existing labels: patches touching them are not proposed
    mask: str | None = None  # polygons: only patches wholly inside are proposed
    seed: int = 0
    min_distance: float = 0.0  # pixels between pick centres (DIVERSITY spatial); 0: twice PATCH_SIZE
    output_uncertainty: str | None = None  # float32 GeoTIFF of the per-pixel score
    sensor: str | None = None
    bands: str | None = None
    scale: float | None = None
    offset: float = 0.0
    device: str = "auto"
    tile_size: int | None = None
    overlap: int | None = None
    batch_size: int = 0
    threads: int = 0


@dataclass
class Suggestion:
    rank: int  # 1 = label first
    cell: int  # index in the PatchGrid
    row: int  # top-left pixel
    col: int
    score: float  # mean per-pixel uncertainty of the patch (of its TOP_SHARE most uncertain pixels), 0..1
    predicted_class: str  # the class most pixels of the patch are predicted as
    class_mix: dict[str, float]  # class name -> share of the patch's pixels predicted as it


@dataclass
class SuggestResult:
    output: str
    model_id: str
    strategy: str
    diversity: str
    suggestions: list[Suggestion]
    candidates: int  # patches that could have been proposed
    output_uncertainty: str | None = None
    log: list[str] = field(default_factory=list)

    @property
    def count_written(self) -> int:
        return len(self.suggestions)

    @property
    def mean_score(self) -> float:
        return float(np.mean([s.score for s in self.suggestions])) if self.suggestions else 0.0


@dataclass
class _Scan:
    """Per-patch numbers of one pass over the image."""

    means: np.ndarray  # (cells, 1 + 2K): the patch score, mean class probabilities, shares of predicted classes
    looks: np.ndarray  # (cells, 2C): means and standard deviations of the model's input bands
    eligible: np.ndarray  # (cells,) bool
    classes: list[dict]


def run_suggest(req: SuggestRequest, monitor: Monitor | None = None, registry: Registry | None = None
                ) -> SuggestResult:
    """The COUNT patches of req.input most worth labelling next, as squares in req.output.

    Raises DeepMapperError for a bad request (unknown STRATEGY/DIVERSITY, COUNT above the patches available, a
    model that is not a per-pixel classifier or whose bands the raster lacks, an empty LABELS/MASK layer or one off
    the image), CancelledError when cancelled (no output is left)."""
    with bounded_gdal_cache():
        return _run(req, monitor or Monitor(), registry or Registry())


def _run(req: SuggestRequest, monitor: Monitor, registry: Registry) -> SuggestResult:
    log: list[str] = []
    say = monitor.recorder(log)
    _check_request(req)
    with open_raster(req.input) as src:
        require_valid_pixels(src)  # before COUNT and the models' bands: neither is the problem then
        grid = PatchGrid(src.height, src.width, req.patch_size)
        _check_count(req, grid.count, "")
        chosen = choose_model(src, req, registry, say)
        labels = VectorArea.read(req.labels, "LABELS", src, _("Leave LABELS empty when nothing is labelled yet, or "
                                 "give the layer that holds your labels.")) if req.labels else None
        mask = VectorArea.read(req.mask, "MASK", src, _("Draw the polygons to search within, or leave MASK empty to "
                               "search the whole image."), polygons=True) if req.mask else None
        for note in (labels.notes if labels else []) + (mask.notes if mask else []):
            say(note)
        with atomic_path(req.output_uncertainty) if req.output_uncertainty else nullcontext() as unc_tmp:
            scan = _scan(src, chosen, grid, req, labels, mask, unc_tmp, monitor.span(0.0, 0.95), say)
            suggestions = _pick(scan, grid, req, say)
            write_squares(req.output, [grid.polygon(s.cell, src.transform) for s in suggestions],
                          [_record(s, req.strategy, chosen.card.id) for s in suggestions], FIELDS,
                          src.crs.to_wkt() if src.crs else None)
    result = SuggestResult(req.output, chosen.card.id, req.strategy, req.diversity, suggestions,
                           int(scan.eligible.sum()), req.output_uncertainty, log)
    say(_("{count} suggestions written (mean score {score:.4f}).").format(
        count=result.count_written, score=result.mean_score))
    monitor.report(1.0)
    return result


# -- before the work ------------------------------------------------------------------------------------------------
def _check_request(req: SuggestRequest) -> None:
    check_strategy(req.strategy)
    check_diversity(req.diversity)
    if req.count < 1:
        raise DeepMapperError(_("COUNT must be at least 1 (got {count}).").format(count=req.count))
    if not 0 < req.top_share <= 1:
        raise DeepMapperError(_("TOP_SHARE must be above 0 and at most 1 (got {top_share:g}): the share of a "
                              "patch's most uncertain pixels its score is the mean of (1: all pixels).").format(
            top_share=req.top_share))
    if req.min_distance < 0:
        raise DeepMapperError(_("MIN_DISTANCE must be 0 or more pixels (got {min_distance:g}).").format(
            min_distance=req.min_distance))
    check_vector_path(req.output)
    if req.output_uncertainty and not req.output_uncertainty.lower().endswith((".tif", ".tiff")):
        raise DeepMapperError(_("OUTPUT_UNCERTAINTY '{output_uncertainty}' must be a GeoTIFF (.tif).").format(
            output_uncertainty=req.output_uncertainty))
    paths = [os.path.abspath(p) for p in (req.output, req.output_uncertainty) if p]
    if os.path.abspath(req.input) in paths or len(set(paths)) != len(paths):
        raise DeepMapperError(_("An output is the input file or both outputs share a path; give each output its own "
                              "file (inputs are never overwritten)."))


def _check_count(req: SuggestRequest, available: int, where: str) -> None:
    """COUNT must not exceed the patches available; with none at all, lowering COUNT cannot help: say what can."""
    if not available:
        raise DeepMapperError(
            _("No patch of {patch_size} x {patch_size} pixels is left to suggest{where}. Lower PATCH_SIZE, or search "
              "where your labels do not reach yet (a MASK over unlabelled parts, or another image).").format(
                patch_size=req.patch_size, where=where))
    if req.count > available:
        raise DeepMapperError(
            _("COUNT {count} is more than the {available} patches of {patch_size} x {patch_size} pixels "
            "available{where}. Lower COUNT, or lower PATCH_SIZE to cut the image into more patches.").format(
                count=req.count, available=available, patch_size=req.patch_size, where=where))


def choose_model(src, req: SuggestRequest, registry: Registry, say: Say) -> ChosenModel:
    """The model (req.model, else the best installed segmentation model, else the best cloud model, for the
    raster's bands) and its bands and units, as classify/pipeline.py chooses them; refuses models that do not give
    class probabilities per pixel (super-resolution). Without SENSOR a cloud model is chosen as cloudmask chooses
    it (its SENSOR default, L1C), so that the suggestions come from the model the user masks clouds with."""
    if req.model:
        card = registry.get(req.model)
        if card.task not in TASKS:
            known = ", ".join(cid for task in TASKS for cid in registry.ids(task)) or _("none is installed")
            raise DeepMapperError(_("Model '{model}' is a {task} model; suggestions need a model that gives "
                                  "class probabilities per pixel (a segmentation or cloud model): {known}.").format(
                model=card.id, task=card.task, known=known))
        return choose_model_and_bands(src, req, registry, card.task, say, noun=_(TASKS[card.task]))
    errors: list[DeepMapperError] = []
    for task, noun in TASKS.items():
        asked = replace(req, sensor=CLOUD_SENSOR) if task == "cloudmask" and not req.sensor else req
        try:
            return choose_model_and_bands(src, asked, registry, task, say, noun=_(noun))
        except DeepMapperError as exc:
            errors.append(exc)
    errors.sort(key=lambda exc: not isinstance(exc, NoValidPixelsError))  # the data's own fault first
    raise DeepMapperError(" ".join([*map(str, errors), _("Give a model id or card path as MODEL.")]))


# -- the pass over the image ----------------------------------------------------------------------------------------
def _scan(src, chosen: ChosenModel, grid: PatchGrid, req: SuggestRequest, labels: VectorArea | None,
          mask: VectorArea | None, unc_path: str | None, monitor: Monitor, say: Say) -> _Scan:
    """One streaming pass: per-patch means of the score, class probabilities and predicted-class shares; which
    patches are wholly valid, touch no label and lie wholly inside the mask; the uncertainty raster if asked."""
    card = chosen.card
    tile, device, batch = inference_plan(card, req, say)
    from ....models.backends import load_model  # heavy runtimes load only now
    model = load_model(card, device, req.threads)
    k = model.n_outputs
    plane = "entropy" if req.strategy == "random" else req.strategy
    if req.strategy == "random":
        say(_("STRATEGY random: patches are drawn at random; their score is the mean entropy, for comparison."))
    scorer = FlipTTA(model) if plane == "tta_disagreement" else model
    c = len(chosen.indexes)
    predictor = WithBands(scorer, c)
    stats = PatchAccumulator(grid, 1 + 2 * k + 2 * c)
    top = PatchHistogram(grid) if req.top_share < 1 else None
    cover = PatchAccumulator(grid, 2)  # labelled pixels, pixels inside the mask
    unc_ds = rasterio.open(unc_path, "w", **geotiff_profile(src, 1, "float32", float("nan"))) if unc_path else None
    if unc_ds is not None:
        unc_ds.set_band_description(1, f"{plane} (0..1)")

    def sink(row0: int, rows: np.ndarray) -> None:
        probs = rows[:k]
        valid = np.isfinite(probs).all(axis=0)
        score = pixel_scores(plane, probs, rows[k] if scorer is not model else None)
        dominant = np.argmax(np.where(valid[None], probs, 0.0), axis=0)
        onehot = dominant[None] == np.arange(k)[:, None, None]
        bands = rows[scorer.n_outputs:]
        stats.add(row0, np.concatenate([score[None], probs, onehot, bands]), valid)
        if top is not None:
            top.add(row0, score, valid)
        h, w = valid.shape
        cover.add(row0, np.stack([labels.strip(row0, row0 + h) if labels else np.zeros((h, w), bool),
                                  mask.strip(row0, row0 + h) if mask else np.ones((h, w), bool)]))
        if unc_ds is not None:
            unc_ds.write(np.where(valid, score, np.nan).astype(np.float32)[None], window=Window(0, row0, w, h))

    try:
        reader = BandReader(src, chosen.indexes, chosen.scale, chosen.offset)
        done = predict_tiled(reader, predictor, tile, batch, sink, monitor)
    finally:
        if unc_ds is not None:
            unc_ds.close()
    say_tiles(say, done, extra=_("Each tile ran four times, flipped.") if scorer is not model else "")
    covered = cover.totals()
    eligible = stats.full() & (covered[:, 0] == 0) & (covered[:, 1] == grid.size ** 2)
    parts = [_("{count} wholly valid").format(count=int(stats.full().sum()))]
    if labels:
        parts.append(_("{count} touch LABELS").format(count=int((covered[:, 0] > 0).sum())))
    if mask:
        parts.append(_("{count} wholly inside MASK").format(count=int((covered[:, 1] == grid.size ** 2).sum())))
    say(_("Patches of {size} px: {total} in the grid, {parts}: {candidates} candidates.").format(
        size=grid.size, total=grid.count, parts=", ".join(parts), candidates=int(eligible.sum())))
    where = [_("whole patches of valid image")] + ([_("inside MASK")] if mask else []) + \
        ([_("not touching LABELS")] if labels else [])
    _check_count(req, int(eligible.sum()), " (" + ", ".join(where) + ")")
    means = stats.means()
    if top is not None:
        means[:, 0] = top.top_means(req.top_share)
        say(_("Patch score: the mean of the {share:.0%} most uncertain pixels of each patch.").format(
            share=req.top_share))
    looks = band_statistics(means[:, 1 + 2 * k:])
    return _Scan(means[:, :1 + 2 * k], looks, eligible, [dict(c) for c in card.classes])


# -- the picks ------------------------------------------------------------------------------------------------------
def _pick(scan: _Scan, grid: PatchGrid, req: SuggestRequest, say: Say) -> list[Suggestion]:
    """Rank the candidates by score (random draws for STRATEGY random) and spread them (DIVERSITY)."""
    rng = np.random.default_rng(req.seed)
    k = len(scan.classes)
    cells = np.flatnonzero(scan.eligible)
    scores = scan.means[cells, 0]
    ranking = rng.random(grid.count)[cells] if req.strategy == "random" else scores
    # what the model thinks of the patch (mean class probabilities, predicted-class shares) and what it looks like
    features = standardised(np.concatenate([scan.means[cells, 1:], scan.looks[cells]], axis=1))
    min_distance = req.min_distance or 2.0 * grid.size
    order, note = select(ranking, req.count, req.diversity, rng, features, grid.centres()[cells], min_distance)
    if note:
        say(note)
    names = [str(c["name"]) for c in scan.classes]
    out = []
    for rank, i in enumerate(order, start=1):
        cell = int(cells[i])
        shares = scan.means[cell, 1 + k:]
        row, col = grid.origin(cell)
        out.append(Suggestion(rank, cell, row, col, float(scores[i]), names[int(np.argmax(shares))],
                              {n: round(float(s), 4) for n, s in zip(names, shares)}))
    return out


def _record(s: Suggestion, strategy: str, model_id: str) -> dict:
    """The attributes of one suggestion; `model` names the model whose uncertainty chose it (the loop's round)."""
    return {"rank": s.rank, "score": round(s.score, 6), "strategy": strategy, "predicted_class": s.predicted_class,
            "class_mix": json.dumps(s.class_mix), "model": model_id}
