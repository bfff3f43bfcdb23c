"""Cloud and cloud-shadow masking: the shared classification pipeline (classify_raster.py) with cloud classes,
cloud/shadow dilation and cloud percentages."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from .pipeline import ClassifyJob, ClassifyRequest, check_outputs, choose_model_and_bands, classify_raster
from .postprocess import ClassRules
from ..engine.progress import Monitor
from ..engine.raster_io import bounded_gdal_cache, open_raster
from ....models.registry import Registry
from ..engine.messages import _

CLEAR, CLOUD, SHADOW = 0, 1, 2
CLOUDMASK_CLASSES = [{"id": 0, "name": "clear", "color": "#3a7d44"},
                     {"id": 1, "name": "cloud", "color": "#f2f2f2"},
                     {"id": 2, "name": "cloud shadow", "color": "#5c4d9a"}]


DEFAULT_SENSOR = "sentinel2_l1c"  # SENSOR when none is given: the UKIS and s2cloudless models take L1C reflectance


@dataclass
class CloudMaskRequest(ClassifyRequest):
    sensor: str | None = DEFAULT_SENSOR
    dilate_cloud: int | None = None  # pixels; None: the card's default
    dilate_shadow: int | None = None


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

    def headline(self) -> dict[str, object]:
        """The numbers deepmapper:cloudmask returns as Processing outputs (and the command line's summary)."""
        return {"CLOUD_PERCENT": self.cloud_percent, "SHADOW_PERCENT": self.shadow_percent,
                "POLYGON_COUNT": self.polygons, "MODEL_ID": self.model_id}


def run_cloudmask(req: CloudMaskRequest, monitor: Monitor | None = None, registry: Registry | None = None
                  ) -> CloudMaskResult:
    with bounded_gdal_cache():
        return _run_cloudmask(req, monitor or Monitor(), registry or Registry())


def _run_cloudmask(req: CloudMaskRequest, monitor: Monitor, registry: Registry) -> CloudMaskResult:
    log: list[str] = []
    say = monitor.recorder(log)
    check_outputs(req)
    with open_raster(req.input) as src:
        chosen = choose_model_and_bands(
            src, req, registry, "cloudmask", say, noun=_("cloud model"),
            hint=_("Every cloud model needs at least blue, green, red and NIR; the UKIS models need onnxruntime and "
                   "ukis-csmask installed, s2cloudless needs lightgbm and s2cloudless (in QGIS: Raster > DeepMapper > "
                   "Install dependencies)."), preload=monitor)
        card = chosen.card
        rules = ClassRules(
            smoothing_radius=card.postprocess.get("smoothing_radius", 0),
            threshold=card.postprocess.get("threshold"),
            dilation={SHADOW: req.dilate_shadow if req.dilate_shadow is not None else 0,
                      CLOUD: req.dilate_cloud if req.dilate_cloud is not None
                      else card.postprocess.get("dilation_radius", 0)})
        classes = [c for c in CLOUDMASK_CLASSES if c["id"] < len(card.classes)]
        job = ClassifyJob(
            card, chosen.indexes, chosen.scale, chosen.offset, rules, classes,
            tags={"DEEPMAPPER_MODEL": card.summary(), "DEEPMAPPER_INPUT": os.path.basename(req.input),
                  "DEEPMAPPER_SENSOR": chosen.sensor.key},
            description="cloud mask: 0 clear, 1 cloud, 2 cloud shadow, 255 nodata",
            probability_bands=range(1, len(classes)), vector_classes=[CLOUD, SHADOW], model=chosen.model)
        done = classify_raster(src, req, job, monitor, say)

    result = CloudMaskResult(req.output, card.id, done.percent(CLOUD), done.percent(SHADOW), done.percent(CLEAR),
                             done.nodata_pixels, req.output_probability, req.output_vector, done.polygons, log=log)
    say(_("Cloud {cloud:.2f} %, shadow {shadow:.2f} % of valid pixels.").format(
        cloud=result.cloud_percent, shadow=result.shadow_percent))
    monitor.progress(1.0)
    return result
