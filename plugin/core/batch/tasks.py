"""The tasks a run (command line or Dask) runs: which engine function, request, outputs and headline numbers.

Each task names its Processing algorithm's parameters through the request dataclass (see params.py) and returns the
same headline numbers as the algorithm's Processing outputs (CLOUD_PERCENT, MEAN_F, ...), so a script can read the
JSON summary as it would read `qgis_process --json`.
"""
from __future__ import annotations

import importlib
import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable


def _number(value: Any) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _cloudmask(result: Any) -> dict[str, Any]:
    return {"CLOUD_PERCENT": result.cloud_percent, "SHADOW_PERCENT": result.shadow_percent,
            "POLYGON_COUNT": result.polygons, "MODEL_ID": result.model_id}


def _segment(result: Any) -> dict[str, Any]:
    return {"MODEL_ID": result.model_id, "POLYGON_COUNT": result.polygons,
            "CLASS_PERCENTAGES": json.dumps(result.class_percentages), "NODATA_PIXELS": result.nodata_pixels}


def _superresolve(result: Any) -> dict[str, Any]:
    return {"CONSISTENCY_ERROR_PERCENT": result.consistency_error_percent,
            "NETWORK_CONSISTENCY_ERROR_PERCENT": result.consistency_error_before_percent,
            "PIXEL_SIZE": result.pixel_size, "BAND_COUNT": len(result.band_names), "MODEL_ID": result.model_id}


def _assessaccuracy(result: Any) -> dict[str, Any]:
    scores = result.scores
    return {"OVERALL_ACCURACY": _number(scores.overall_accuracy), "KAPPA": _number(scores.kappa),
            "MEAN_F": _number(scores.macro_f), "WEIGHTED_F": _number(scores.weighted_f),
            "BINARY_F": _number(result.binary.f_beta) if result.binary else None,
            "OBJECT_F1": _number(result.objects.f1) if result.objects else None,
            "ASSESSED_PIXELS": result.counts["assessed"], "NODATA_PIXELS": result.counts["nodata"],
            "AMBIGUOUS_PIXELS": result.counts["ambiguous"]}


@dataclass(frozen=True)
class Task:
    """One command-line task.

    `module` and `names` locate the engine (imported only when the task runs); `scene` is the parameter that batch
    runs iterate over; `outputs` maps each output parameter to the suffix of the file named after a scene in batch
    runs; `aliases` maps parameter names that differ from the request's field names; `strips` says whether one
    scene can be split into strips of rows computed apart (classify.strips: the class-raster tasks).
    """

    name: str
    module: str
    request: str
    run: str
    scene: str
    outputs: dict[str, str]
    headline: Callable[[Any], dict[str, Any]]
    aliases: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    strips: bool = False

    def engine(self) -> tuple[type, Callable]:
        """(request dataclass, run function) of the engine."""
        module = importlib.import_module(self.module, package=__package__)
        return getattr(module, self.request), getattr(module, self.run)


TASKS: dict[str, Task] = {t.name: t for t in (
    Task("cloudmask", "..classify.cloudmask", "CloudMaskRequest", "run_cloudmask", "INPUT",
         {"OUTPUT": "_cloudmask.tif", "OUTPUT_PROBABILITY": "_cloudprob.tif", "OUTPUT_VECTOR": "_clouds.gpkg"},
         _cloudmask, summary="cloud and cloud-shadow mask (0 clear, 1 cloud, 2 shadow, 255 nodata)", strips=True),
    Task("segment", "..classify.segment", "SegmentRequest", "run_segment", "INPUT",
         {"OUTPUT": "_classes.tif", "OUTPUT_PROBABILITY": "_probabilities.tif", "OUTPUT_VECTOR": "_classes.gpkg"},
         _segment, summary="semantic segmentation with a model card (buildings, land cover, your own)", strips=True),
    Task("superresolve", "..superres.pipeline", "SuperResRequest", "run_superres", "INPUT",
         {"OUTPUT": "_10m.tif"}, _superresolve, aliases={"SCALE": "scale_mode"},
         summary="Sentinel-2 20 m bands to 10 m (INPUT_LOWRES), or SCALE=true to double one raster"),
    Task("assessaccuracy", "..accuracy.assess", "AccuracyRequest", "assess_accuracy", "PREDICTION",
         {"OUTPUT_HTML": "_accuracy.html", "OUTPUT_TABLE": "_accuracy.csv"}, _assessaccuracy,
         aliases={"OUTPUT_TABLE": "output_csv"},
         summary="precision, recall, F-beta, IoU, kappa of a class raster against reference polygons or points"),
)}
