"""The pipeline every per-pixel classification shares: bands -> model -> units -> tiled inference -> classes -> outputs.

cloudmask, segment (and any later task whose model gives one probability per class) differ only in which models
they accept, which classes and colours they write, how probabilities become classes (ClassRules) and which classes
become polygons. They decide those and call, in order:

    check_outputs(req)                                  refuse bad output paths before any work
    with open_raster(req.input) as src:
        chosen = choose_model_and_bands(src, req, registry, task, say)  # ChosenModel: card, sensor, bands, units
        job = ClassifyJob(chosen.card, chosen.indexes, chosen.scale, req.offset, rules, classes, tags, ...)
        result = classify_raster(src, req, job, monitor, say)          # ClassifyResult: counts, polygons, tiles

All of it streams window by window (memory flat in the raster's size), and every output appears only when the whole
run succeeded: a failure or a cancel leaves no output behind and an earlier result at the same path untouched.
"""
from __future__ import annotations

import os
import threading
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Callable, Sequence, TypeVar

import numpy as np
import rasterio

from ..engine.bands import COMMON_NAMES, SensorPreset, preset, raster_band_names, select_bands
from ..engine.device import auto_batch_size, choose_device, describe
from ..engine.errors import CancelledError, DeepMapperError
from ..engine.messages import _
from ..engine.inference import predict_tiled, say_tiles
from .postprocess import NODATA_CLASS, ClassRules, StreamingClassifier, StripWriter
from .strips import StripJob, StripRunner, current_strip_runner
from ..engine.progress import Monitor
from ..engine.subset import PixelWindow, Subset, plan_subset
from ..engine.raster_io import (BandReader, BlockRowWriter, atomic_path, geotiff_profile, pixel_size_m,
                                refuse_folder, write_class_metadata)
from ..engine.tiling import TileSpec, tile_spec
from ..engine.units import own_units_note, reflectance_scale
from ..engine.vectorize import polygonize, require_bindings
from ....models.card import ModelCard
from ....models.registry import Registry

DEFAULT_SENSOR = "sentinel2_l2a"  # band matching for a model whose card names no sensor, when SENSOR is not given
Say = Callable[[str], None]
T = TypeVar("T")


@dataclass
class ClassifyRequest:
    """What the user asks of any class-raster task; task requests (CloudMaskRequest, SegmentRequest) extend it."""

    input: str
    output: str
    model: str | None = None  # id or card path; None: the best installed model for the raster's bands
    sensor: str | None = None  # SENSOR preset key; None: the card's input.sensor, else DEFAULT_SENSOR
    bands: str | None = None  # explicit band mapping (bands.parse_band_mapping syntax)
    scale: float | None = None  # reflectance models: None/0 detects reflectance vs DN
    offset: float = 0.0
    device: str = "auto"
    precision: str = "auto"  # PRECISION: auto, float32, int8 (engine.device.choose_precision)
    tile_size: int | None = None
    overlap: int | None = None
    batch_size: int = 0  # 0: from free memory
    output_probability: str | None = None
    output_vector: str | None = None
    min_area: float = 0.0  # map units squared, for polygons
    simplify: float | None = None  # map units; None: one pixel
    threads: int = 0
    extent: tuple[float, float, float, float] | None = None  # EXTENT: xmin, ymin, xmax, ymax in the raster's CRS
    mask: str | None = None  # MASK: a polygon file; outputs are nodata outside its polygons


@dataclass
class ChosenModel:
    """The model for a run and how the raster feeds it."""

    card: ModelCard
    sensor: SensorPreset
    indexes: list[int]  # 1-based raster bands, in the model's band order
    scale: float  # raw value x scale + offset = model units
    model: object | None = None  # the LoadedModel, when choose_model_and_bands loaded it (see its `preload`)
    offset: float = 0.0  # OFFSET for reflectance models; 0 for models that take the values as they are


@dataclass
class ClassifyJob:
    """Everything a task decides; the shared pipeline does the rest."""

    card: ModelCard
    indexes: Sequence[int]
    scale: float = 1.0
    offset: float = 0.0
    rules: ClassRules = field(default_factory=ClassRules)
    classes: list[dict] = field(default_factory=list)  # one per probability band, in band order: id, name, colour
    tags: dict[str, str] = field(default_factory=dict)  # provenance written into the class raster
    description: str = "classes"  # band description of the class raster
    probability_bands: Sequence[int] | None = None  # which probability bands OUTPUT_PROBABILITY gets; None: all
    vector_classes: Sequence[int] | None = None  # class ids polygonised; None: every class
    model: object | None = None  # ChosenModel.model: the model already loaded, else classify_raster loads it


@dataclass
class ClassifyResult:
    counts: np.ndarray  # pixels per class id (index 0..255; NODATA_CLASS is nodata)
    polygons: int = 0
    tiles: int = 0
    skipped_tiles: int = 0

    @property
    def valid_pixels(self) -> int:
        return int(self.counts[:NODATA_CLASS].sum())

    @property
    def nodata_pixels(self) -> int:
        return int(self.counts[NODATA_CLASS])

    def percent(self, class_id: int) -> float:
        """Share of valid pixels in `class_id`, in %, 0 when no pixel is valid."""
        valid = self.valid_pixels
        return float(100.0 * self.counts[class_id] / valid) if valid else 0.0

    def percentages(self, classes: Sequence[dict]) -> dict[str, float]:
        """Class name -> % of valid pixels, for every class of the model (0 for classes never predicted)."""
        return {c["name"]: round(self.percent(int(c["id"])), 4) for c in classes}


# -- before the work ------------------------------------------------------------------------------------------------
def check_outputs(req: ClassifyRequest) -> None:
    """Refuse output paths that cannot work, before anything is computed."""
    for path in (req.output, req.output_probability):
        if path and os.path.splitext(path)[1].lower() not in (".tif", ".tiff"):
            raise DeepMapperError(_("Output '{path}' must be a GeoTIFF (.tif).").format(path=path))
    for path in (req.output, req.output_probability, req.output_vector):
        if path and os.path.abspath(path) == os.path.abspath(req.input):
            raise DeepMapperError(_("An output is the input file; choose another path (inputs are never overwritten)."))
    paths = [os.path.abspath(p) for p in (req.output, req.output_probability, req.output_vector) if p]
    if len(set(paths)) != len(paths):
        raise DeepMapperError(_("Two outputs have the same path; give each output its own file."))
    for path in paths:
        refuse_folder(path)
    if req.output_vector:
        require_bindings()


def sensor_for(req: ClassifyRequest, card: ModelCard | None = None) -> SensorPreset:
    """SENSOR as given, else the card's own preset (input.sensor), else DEFAULT_SENSOR."""
    key = req.sensor or (card.data["input"].get("sensor") if card is not None else None) or DEFAULT_SENSOR
    return preset(key)


def match_bands(src: rasterio.DatasetReader, sensor: SensorPreset, explicit: str | None,
                card: ModelCard) -> tuple[dict[str, int], str]:
    """Common name -> 1-based band of the raster, and how it was decided.

    As bands.raster_band_names, plus one last resort: a raster whose bands cannot be named but which has exactly as
    many bands as the model (a 1-band panchromatic image for a 1-band model, an RGB image for an RGB model) is
    taken in the model's own band order; the log says so, and BANDS overrides it.
    """
    try:
        return raster_band_names(src.descriptions, sensor, explicit)
    except DeepMapperError as exc:
        if explicit and explicit.strip():
            raise
        if src.count != len(card.bands):
            raise DeepMapperError(_("Model '{model}' needs the bands {bands}, which this "
                                  "{count}-band raster lacks or does not name. {exc}").format(
                model=card.id, bands=', '.join(card.bands), count=src.count, exc=exc)) from exc
    return ({b: i for i, b in enumerate(card.bands, start=1)},
            _("the model's own band order ({bands}): the raster has exactly the model's {count} band(s) and no "
              "descriptions naming them; set BANDS if that is wrong").format(
                bands=", ".join(card.bands), count=len(card.bands)))


def choose_model_and_bands(src: rasterio.DatasetReader, req: ClassifyRequest, registry: Registry, task: str,
                           say: Say, noun: str | None = None, hint: str = "",
                           preload: Monitor | None = None) -> ChosenModel:
    """The card (req.model, else the best installed model of `task` whose bands the raster has), the raster bands
    that feed it and the scale to its units. Errors name the missing bands and what to do; `noun` is what the models
    are called there (e.g. _("cloud model")), `hint` what they need. With `preload` (the run's monitor) the model
    is also loaded, as req's DEVICE, PRECISION and threads ask, in a thread of its own while the units are detected
    (on 2 cores that hides most of either: 0.5-0.9 s and 0.5-0.7 s at 4096²), into ChosenModel.model."""
    if req.model:
        card = registry.get(req.model, task)
        sensor = sensor_for(req, card)
        mapping, how = match_bands(src, sensor, req.bands, card)
        say(_("Bands matched by {how}.").format(how=how))
    else:
        card, sensor, mapping, how = _best_model(src, req, registry, task, noun or _("{task} model").format(task=task), hint)
        say(_("Bands matched by {how}.").format(how=how))
    say(_("Model: {summary}").format(summary=card.summary(translated=True)))
    indexes = select_bands(mapping, card.bands, card.id, how)  # missing bands first: the bigger problem
    note = card.check_resolution(*pixel_size_m(src))
    if note:
        say(note)

    def units() -> tuple[float, str]:
        if card.units == "reflectance":
            return reflectance_scale(src, indexes, req.scale, req.offset)
        if (req.scale or 1.0) != 1.0 or req.offset:  # documented as reflectance-only: say so rather than apply them
            return 1.0, own_units_note(src, indexes, _(
                "model takes values as they are; SCALE and OFFSET convert to reflectance, which this model does not "
                "take, so they were not applied"))
        return 1.0, own_units_note(src, indexes, _("model takes values as they are"))

    model = None
    if preload is not None and current_strip_runner() is None:  # strips run elsewhere: no model here
        (scale, why), model = _while_loading(card, req, preload, say, units)
    else:
        scale, why = units()
    say(_("Units: {why}.").format(why=why))
    if card.product_level not in ("any", sensor.product_level):
        say(_("Note: model '{model}' was trained on {model_level} data; the SENSOR preset says "
            "{sensor_level}.").format(
            model=card.id, model_level=card.product_level.upper(), sensor_level=sensor.product_level.upper()))
    return ChosenModel(card, sensor, indexes, scale, model, req.offset if card.units == "reflectance" else 0.0)


def _while_loading(card: ModelCard, req: ClassifyRequest, monitor: Monitor, say: Say, work: Callable[[], T]
                   ) -> tuple[T, object | None]:
    """(work(), the LoadedModel or None) with the model loaded in a background thread while `work` runs here. The
    thread is always joined before this returns or raises, so no runtime is left half-built (qgis_process, which
    ends without finalising Python, crashes when a thread is still inside onnxruntime). A loading error other than
    a cancel gives None: classify_raster loads again and raises it where a run without preloading does."""
    from ....models.backends import load_model  # heavy runtimes load only in the thread
    stop = threading.Event()
    loaded: list = []

    def check() -> None:  # the run's cancel, or `work` failed: an int8 build is left to finish in the background
        if stop.is_set():
            raise CancelledError()
        monitor.check()

    def load() -> None:
        try:
            loaded.append(load_model(card, choose_device(req.device, card.format), req.threads, req.precision,
                                     say, check))
        except BaseException as exc:  # noqa: B036 - handed to the calling thread
            loaded.append(exc)

    thread = threading.Thread(target=load, name=f"load {card.id}", daemon=True)
    thread.start()
    try:
        result = work()
    except BaseException:
        stop.set()
        thread.join()
        raise
    thread.join()
    outcome = loaded[0] if loaded else None
    if isinstance(outcome, CancelledError):
        raise outcome
    return result, None if isinstance(outcome, BaseException) else outcome


def _best_model(src: rasterio.DatasetReader, req: ClassifyRequest, registry: Registry, task: str, noun: str,
                hint: str) -> tuple[ModelCard, SensorPreset, dict[str, int], str]:
    """Registry.best_for with band matching per card (a card's own sensor preset can change which band is which)."""
    matched: dict[str, tuple[SensorPreset, dict[str, int], str]] = {}
    errors: dict[str, str] = {}

    def bands_of(card: ModelCard) -> dict[str, int]:
        try:
            sensor = sensor_for(req, card)
            matched[card.id] = (sensor, *match_bands(src, sensor, req.bands, card))
        except DeepMapperError as exc:
            errors[card.id] = str(exc)
            return {}
        return matched[card.id][1]

    level = preset(req.sensor).product_level if req.sensor else None
    card = registry.best_for(task, bands_of, level)
    if card is not None:
        return (card, *matched[card.id])
    if errors and len(set(errors.values())) == 1 and not matched:
        raise DeepMapperError(next(iter(errors.values())))  # the bands cannot be named at all: say why
    installed = [registry.cards[cid] for cid in registry.ids(task) if registry.available(registry.cards[cid])[0]]
    if not installed:
        raise DeepMapperError(_("No {kind} is installed. Give the path of a model card (.json) as MODEL, or "
                                "add a folder of cards in Raster > DeepMapper > Settings (or to "
                                "DEEPMAPPER_MODEL_PATH). {hint}").format(kind=noun, hint=hint).strip())
    have = set().union(*(m[1] for m in matched.values())) if matched else set()
    have_text = ", ".join(sorted(have, key=COMMON_NAMES.index)) or _("none that could be named")
    needs = "; ".join(_("'{model}' needs {bands}").format(
        model=c.id, bands=", ".join(b for b in c.bands if b not in matched.get(c.id, (0, {}))[1])) for c in installed)
    raise DeepMapperError(_(
        "No installed {kind} can run on this raster's bands ({have}): {needs}. Check SENSOR and BANDS "
        "(BANDS names the raster's bands, e.g. 'blue=1,nir=4'), give a raster with these bands, or choose a model "
        "with MODEL. {hint}").format(kind=noun, have=have_text, needs=needs, hint=hint).strip())


# -- the work --------------------------------------------------------------------------------------------------------
def inference_plan(card: ModelCard, req, say: Say, shape: tuple[int, int] | None = None):
    """(TileSpec, device, batch size) for running `card` as `req` asks (any request with tile_size, overlap, device
    and batch_size: ClassifyRequest, SuggestRequest; TILE_SIZE, OVERLAP, DEVICE, BATCH_SIZE;
    `shape` = (rows, cols) lets opt-in large tiles fit the raster), said in the run's log. Every task that streams a
    per-pixel classifier over an image plans its pass here."""
    tile = tile_spec(card, req.tile_size, req.overlap, shape=shape)
    device = choose_device(req.device, card.format)
    batch = req.batch_size or auto_batch_size(device, tile.size, len(card.bands))
    from ....models.backends import precision_for
    precision = precision_for(card, device, getattr(req, "precision", "auto"))  # refused here, before any output
    say(_("Device {device}; tiles {tile_size} px, overlap {tile_margin} px "
        "({tile_mode}), batch {batch}.").format(
        device=describe(device, precision), tile_size=tile.size, tile_margin=tile.margin,
        tile_mode=tile.mode, batch=batch))
    return tile, device, batch


def classify_raster(src: rasterio.DatasetReader, req: ClassifyRequest, job: ClassifyJob, monitor: Monitor,
                    say: Say) -> ClassifyResult:
    """Tiled inference, classified as the rows leave the model, into the class raster and the probability raster,
    then the polygons; all appear together only when all succeeded. Progress: inference and classes 0-95 %, polygons
    95-100 %. While a strip runner is set (strips.strips_run_by), the strips are computed there instead and only
    written here, in row order."""
    tile, device, batch = inference_plan(job.card, req, say, shape=(src.height, src.width))
    runner = current_strip_runner()
    subset = plan_subset(src, req.extent, req.mask)
    if subset is not None:
        say(subset.window.note(src.height, src.width, bool(req.mask)))
    if runner is not None and subset is None:
        counts, polygons, stats = _classify_in_strips(src, req, job, tile, batch, runner, monitor, say)
    else:
        counts, polygons, stats = _classify_here(src, req, job, tile, device, batch, subset, monitor, say)
    if req.output_vector:
        say(_("Polygons: {polygons} written.").format(polygons=polygons))
    return ClassifyResult(counts, polygons, tiles=stats["tiles"], skipped_tiles=stats["skipped"])


def _classify_in_strips(src: rasterio.DatasetReader, req: ClassifyRequest, job: ClassifyJob, tile: TileSpec,
                        batch: int, runner: StripRunner, monitor: Monitor, say: Say) -> tuple[np.ndarray, int, dict]:
    """(class counts, polygons, tile stats) with the strips computed by `runner` (e.g. on a Dask cluster) and only
    written here, in row order: this process never loads the model."""
    stats = {"tiles": 0, "skipped": 0}

    def fill(write: StripWriter) -> None:
        for strip in runner(StripJob(req, job, tile, batch, src.height), monitor.span(0.0, 0.95)):
            write(strip.row0, strip.probabilities, strip.classes)
            stats["tiles"] += strip.tiles
            stats["skipped"] += strip.skipped

    counts, polygons = _write_outputs(src, fill, req, job, monitor)
    say_tiles(say, stats, strips=True)
    return counts, polygons, stats


def _classify_here(src: rasterio.DatasetReader, req: ClassifyRequest, job: ClassifyJob, tile: TileSpec, device,
                   batch: int, subset: Subset | None, monitor: Monitor, say: Say) -> tuple[np.ndarray, int, dict]:
    """(class counts, polygons, tile stats) with the model run in this process and its probability rows classified
    as they leave it (StreamingClassifier, in the writer thread): no intermediate raster, no second pass. With
    EXTENT or MASK only the subset's window and halo are run."""
    model = job.model
    if model is None:
        from ....models.backends import load_model  # heavy runtimes load only now
        model = load_model(job.card, device, req.threads, req.precision, say, monitor.check)
    reader = BandReader(src, list(job.indexes), job.scale, job.offset)
    # A subset reads around its window what the post-processing needs (its halo), on the whole image's tile grid.
    area = subset.window.grown(job.rules.halo, src.height, src.width) if subset else None
    window_kw = {} if area is None else {"rows": (area.row0, area.row1), "cols": (area.col0, area.col1),
                                         "wanted": subset.tile_wanted(src.transform, tile.size, job.rules.halo)}
    stats: dict = {}

    def fill(write: StripWriter) -> None:
        classifier = StreamingClassifier(job.rules, src.height if area is None else area.height, write,
                                         origin=0 if area is None else area.row0)
        stats.update(predict_tiled(reader, model, tile, batch, classifier, monitor.span(0.0, 0.95), **window_kw))
        say_tiles(say, stats)
        if not stats["tiles"]:  # raised inside the outputs' block: none of them is moved into place
            raise DeepMapperError(
                _("EXTENT or MASK covers no valid pixel of the input in the bands the model reads: there, every "
                  "pixel is nodata. Choose an extent or mask polygons over the image's valid area; no output was "
                  "written.") if subset is not None else
                _("The input raster holds no valid pixel in the bands the model reads: every pixel is nodata. Check "
                  "the file and its nodata value (or BANDS, if other bands were meant); no output was written."))
        classifier.close()

    if subset is not None:
        fill = _cropped(fill, subset, area, src.transform)
    counts, polygons = _write_outputs(src, fill, req, job, monitor, subset.window if subset else None)
    return counts, polygons, stats


def class_lookup(classes: Sequence[dict]) -> np.ndarray | None:
    """Band index -> class id table when a card's ids are not simply 0..K-1 in band order, else None."""
    ids = [int(c["id"]) for c in classes]
    if ids == list(range(len(ids))):
        return None
    if any(not 0 <= i < NODATA_CLASS for i in ids):
        raise DeepMapperError(_("Class ids must be 0..{last} ({nodata} marks nodata); the model's "
                              "are {ids}. Fix output.classes in its card.").format(
            last=NODATA_CLASS - 1, nodata=NODATA_CLASS, ids=', '.join(map(str, ids))))
    lut = np.arange(256, dtype=np.uint8)
    lut[:len(ids)] = ids
    return lut


def _cropped(fill: Callable[[StripWriter], None], subset: Subset, area: PixelWindow,
             transform) -> Callable[[StripWriter], None]:
    """`fill` over the rows and columns of `area` (the window with its halo) as a fill of the window alone: strips
    cropped to it, nodata (and NaN probabilities) outside the mask polygons."""
    win = subset.window
    top, left = win.row0 - area.row0, win.col0 - area.col0

    def cropped(write: StripWriter) -> None:
        def write_window(r0: int, p: np.ndarray | None, c: np.ndarray) -> None:
            a, b = max(r0, top), min(r0 + c.shape[0], top + win.height)
            if a >= b:
                return
            c = c[a - r0:b - r0, left:left + win.width].copy()
            p = None if p is None else p[:, a - r0:b - r0, left:left + win.width].copy()
            if subset.polygons is not None:
                outside = ~subset.mask(transform, a - top, b - top)
                c[outside] = NODATA_CLASS
                if p is not None:
                    p[:, outside] = np.nan
            write(a - top, p, c)
        fill(write_window)
    return cropped


def _write_outputs(src: rasterio.DatasetReader, fill: Callable[[StripWriter], None], req: ClassifyRequest,
                   job: ClassifyJob, monitor: Monitor, window: PixelWindow | None = None) -> tuple[np.ndarray, int]:
    """Class raster, probability raster and polygons from the strips `fill` writes (in any order; probabilities
    may be None when no OUTPUT_PROBABILITY is asked), each written to a temporary file and moved into place only
    when all of them succeeded (polygons are made from the temporary class raster). Outputs cover `window` of the
    input (None: all of it). Returns the pixel count per class id and the number of polygons."""
    grid = {} if window is None else {"width": window.width, "height": window.height,
                                      "transform": window.transform(src.transform)}
    lut = class_lookup(job.classes)
    prob_bands = list(range(len(job.classes))) if job.probability_bands is None else list(job.probability_bands)
    counts = np.zeros(256, dtype=np.int64)
    with atomic_path(req.output) as class_tmp:
        prob_ctx = atomic_path(req.output_probability) if req.output_probability else nullcontext()
        with prob_ctx as prob_tmp:
            with rasterio.open(class_tmp, "w", **{**geotiff_profile(src, 1, "uint8", NODATA_CLASS), **grid}) as cls_ds:
                write_class_metadata(cls_ds, job.classes)
                cls_ds.update_tags(**job.tags)  # provenance, shown by assessaccuracy's report
                cls_ds.set_band_description(1, job.description)
                prob_ds = None
                if prob_tmp:
                    prob_ds = rasterio.open(prob_tmp, "w", **{**geotiff_profile(src, len(prob_bands), "float32",
                                                                                float("nan")), **grid})
                    for i, b in enumerate(prob_bands, start=1):
                        prob_ds.set_band_description(i, f"{job.classes[b]['name']} probability")

                try:  # whole rows of blocks (see BlockRowWriter); the last rows held are written on a clean exit
                    with BlockRowWriter(cls_ds) as class_rows, \
                            BlockRowWriter(prob_ds) if prob_ds is not None else nullcontext() as prob_rows:
                        def write(r0: int, p: np.ndarray | None, c: np.ndarray) -> None:
                            if lut is not None:
                                c = lut[c]
                            counts[:] += np.bincount(c.ravel(), minlength=256)
                            class_rows(r0, c[None])
                            if prob_rows is not None:
                                prob_rows(r0, p[prob_bands])

                        fill(write)
                finally:
                    if prob_ds is not None:
                        prob_ds.close()
            polygons = 0
            if req.output_vector:
                keep = [int(c["id"]) for c in job.classes] if job.vector_classes is None else list(job.vector_classes)
                polygons = polygonize(class_tmp, req.output_vector, job.classes, keep=keep, min_area=req.min_area,
                                      simplify=abs(src.transform.a) if req.simplify is None else req.simplify,
                                      monitor=monitor.span(0.95, 1.0))
    return counts, polygons
