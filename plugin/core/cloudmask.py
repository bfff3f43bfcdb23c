"""Cloud and cloud-shadow masking, end to end: bands -> units -> tiled inference -> classes -> outputs."""
from __future__ import annotations

import os
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import rasterio
from rasterio.windows import Window

from .bands import preset, raster_band_names, select_bands
from .device import auto_batch_size, choose_device
from .errors import DeepMapperError
from .inference import dataset_sink, predict_tiled
from .postprocess import NODATA_CLASS, ClassRules, classify_strips
from .progress import Monitor
from .raster_io import (BandReader, atomic_path, bounded_gdal_cache, geotiff_profile, open_raster, remove_quietly,
                              scratch_path, scratch_profile, write_class_metadata)
from .tiling import tile_spec
from .units import reflectance_scale
from .vectorize import polygonize
from ...models.card import ModelCard
from ...models.registry import Registry

CLEAR, CLOUD, SHADOW = 0, 1, 2
CLOUDMASK_CLASSES = [{"id": 0, "name": "clear", "color": "#3a7d44"},
                     {"id": 1, "name": "cloud", "color": "#f2f2f2"},
                     {"id": 2, "name": "cloud shadow", "color": "#5c4d9a"}]


@dataclass
class CloudMaskRequest:
    input: str
    output: str
    sensor: str = "sentinel2_l1c"
    model: str | None = None  # None: the best model for the bands the raster has
    bands: str | None = None
    scale: float | None = None  # None/0: detect reflectance vs DN
    offset: float = 0.0
    device: str = "auto"
    tile_size: int | None = None
    overlap: int | None = None
    batch_size: int = 0  # 0: from free memory
    output_probability: str | None = None
    output_vector: str | None = None
    min_area: float = 0.0  # map units squared, for polygons
    simplify: float | None = None  # map units; None: one pixel
    dilate_cloud: int | None = None  # pixels; None: the card's default
    dilate_shadow: int | None = None
    threads: int = 0


@dataclass
class CloudMaskResult:
    output: str
    model_id: str
    cloud_percent: float
    shadow_percent: float
    clear_percent: float
    nodata_pixels: int
    output_probability: str | None = None
    output_vector: str | None = None
    polygons: int = 0
    log: list[str] = field(default_factory=list)


def choose_model(registry: Registry, available_bands: Sequence[str], level: str) -> ModelCard:
    """The highest-priority installed cloud model whose bands the raster has, preferring the sensor's level."""
    candidates = []
    for cid in registry.ids("cloudmask"):
        card = registry.cards[cid]
        if not all(b in available_bands for b in card.bands) or not registry.available(card)[0]:
            continue
        level_match = card.product_level in (level, "any")
        candidates.append((level_match, card.priority, card))
    if not candidates:
        raise DeepMapperError(
            f"No installed cloud model can run on these bands ({', '.join(available_bands) or 'none'}). Every model "
            f"needs at least blue, green, red and NIR; check SENSOR and BANDS, and that ukis-csmask is installed.")
    return max(candidates, key=lambda c: (c[0], c[1]))[2]


def run_cloudmask(req: CloudMaskRequest, monitor: Monitor | None = None, registry: Registry | None = None
                  ) -> CloudMaskResult:
    with bounded_gdal_cache():
        return _run_cloudmask(req, monitor or Monitor(), registry)


def _run_cloudmask(req: CloudMaskRequest, monitor: Monitor, registry: Registry | None) -> CloudMaskResult:
    registry = registry or Registry()
    log: list[str] = []

    def say(msg: str) -> None:
        log.append(msg)
        monitor.log(msg)

    _check_outputs(req)
    sensor = preset(req.sensor)
    with open_raster(req.input) as src:
        mapping, how = raster_band_names(src.descriptions, sensor, req.bands)
        say(f"Bands matched by {how}.")
        card = registry.get(req.model, "cloudmask") if req.model else choose_model(registry, list(mapping),
                                                                                   sensor.product_level)
        say(f"Model: {card.summary()}")
        indexes = select_bands(mapping, card.bands, card.id, how)
        scale, why = reflectance_scale(src, indexes, req.scale, req.offset) if card.units == "reflectance" \
            else (req.scale or 1.0, "model takes values as they are")
        say(f"Units: {why}.")
        if card.product_level not in ("any", sensor.product_level):
            say(f"Note: model '{card.id}' was trained on {card.product_level.upper()} data; the SENSOR preset says "
                f"{sensor.product_level.upper()}.")
        tile = tile_spec(card, req.tile_size, req.overlap)
        device = choose_device(req.device, card.format)
        batch = req.batch_size or auto_batch_size(device, tile.size, len(card.bands))
        say(f"Device {device.kind}, tiles {tile.size} px, overlap {tile.margin} px ({tile.mode}), batch {batch}.")
        from ...models.backends import load_model  # heavy runtimes load only now
        model = load_model(card, device, req.threads)

        rules = ClassRules(
            smoothing_radius=card.postprocess.get("smoothing_radius", 0),
            threshold=card.postprocess.get("threshold"),
            dilation={SHADOW: req.dilate_shadow if req.dilate_shadow is not None else 0,
                      CLOUD: req.dilate_cloud if req.dilate_cloud is not None
                      else card.postprocess.get("dilation_radius", 0)})
        classes = [c for c in CLOUDMASK_CLASSES if c["id"] < model.n_outputs]
        scratch_dir = os.path.dirname(os.path.abspath(req.output))
        probs_path = scratch_path(scratch_dir, "probabilities")
        reader = BandReader(src, indexes, scale, req.offset)
        try:
            with rasterio.open(probs_path, "w", **scratch_profile(src, model.n_outputs, "float32")) as dst:
                stats = predict_tiled(reader, model, tile, batch, dataset_sink(dst), monitor.span(0.0, 0.85))
            say(f"Inference: {stats['tiles']} tiles run, {stats['skipped']} all-nodata tiles skipped.")
            tags = {"DEEPMAPPER_MODEL": card.summary(), "DEEPMAPPER_INPUT": os.path.basename(req.input),
                    "DEEPMAPPER_SENSOR": req.sensor}
            counts = _write_outputs(src, probs_path, req, rules, classes, tags, monitor.span(0.85, 0.95))
        finally:
            remove_quietly(probs_path)

    valid = counts[:NODATA_CLASS].sum()
    pct = (lambda c: float(100.0 * counts[c] / valid) if valid else 0.0)
    result = CloudMaskResult(req.output, card.id, pct(CLOUD), pct(SHADOW), pct(CLEAR), int(counts[NODATA_CLASS]),
                             req.output_probability, req.output_vector, log=log)
    if req.output_vector:
        with rasterio.open(req.output) as out:
            pixel = abs(out.transform.a)
        try:
            result.polygons = polygonize(req.output, req.output_vector, classes, keep=[CLOUD, SHADOW],
                                         min_area=req.min_area, simplify=pixel if req.simplify is None else req.simplify,
                                         monitor=monitor.span(0.95, 1.0))
        except BaseException:
            for path in (req.output, req.output_probability):
                if path:
                    remove_quietly(path)
            raise
        say(f"Polygons: {result.polygons} written.")
    say(f"Cloud {result.cloud_percent:.2f} %, shadow {result.shadow_percent:.2f} % of valid pixels.")
    monitor.progress(1.0)
    return result


def _check_outputs(req: CloudMaskRequest) -> None:
    for path in (req.output, req.output_probability):
        if path and os.path.splitext(path)[1].lower() not in (".tif", ".tiff"):
            raise DeepMapperError(f"Output '{path}' must be a GeoTIFF (.tif).")
    if os.path.abspath(req.output) == os.path.abspath(req.input):
        raise DeepMapperError("OUTPUT is the input file; choose another path (inputs are never overwritten).")


def _write_outputs(src, probs_path: str, req: CloudMaskRequest, rules: ClassRules, classes: list[dict],
                   tags: dict[str, str], monitor: Monitor) -> np.ndarray:
    """Class raster (and probability raster) from the temporary probabilities; both appear only if both succeed."""
    with rasterio.open(probs_path) as probs, atomic_path(req.output) as class_tmp:
        prob_ctx = atomic_path(req.output_probability) if req.output_probability else nullcontext()
        with prob_ctx as prob_tmp:
            class_profile = geotiff_profile(src, 1, "uint8", NODATA_CLASS)
            with rasterio.open(class_tmp, "w", **class_profile) as cls_ds:
                write_class_metadata(cls_ds, classes)
                cls_ds.update_tags(**tags)  # provenance, shown by assessaccuracy's report
                cls_ds.set_band_description(1, "cloud mask: 0 clear, 1 cloud, 2 cloud shadow, 255 nodata")
                prob_ds = None
                if prob_tmp:
                    prob_ds = rasterio.open(prob_tmp, "w", **geotiff_profile(src, len(classes) - 1, "float32",
                                                                             float("nan")))
                    for i, c in enumerate(classes[1:], start=1):
                        prob_ds.set_band_description(i, f"{c['name']} probability")

                def read(r0: int, r1: int) -> np.ndarray:
                    return probs.read(window=Window(0, r0, probs.width, r1 - r0))

                def write(r0: int, p: np.ndarray, c: np.ndarray) -> None:
                    window = Window(0, r0, c.shape[1], c.shape[0])
                    cls_ds.write(c[None], window=window)
                    if prob_ds is not None:
                        prob_ds.write(p[1:], window=window)

                try:
                    counts = classify_strips(read, probs.height, rules, write, monitor=monitor)
                finally:
                    if prob_ds is not None:
                        prob_ds.close()
    return counts

