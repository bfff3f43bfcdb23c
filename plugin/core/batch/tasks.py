"""The tasks a run (command line or Dask) runs: which engine function, request, outputs and headline numbers.

Each task names its Processing algorithm's parameters through the request dataclass (see params.py) and returns the
same headline numbers as the algorithm's Processing outputs (CLOUD_PERCENT, MEAN_F, ...), so a script can read the
JSON summary as it would read `qgis_process --json`.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Callable, Mapping

from .params import convert


@dataclass(frozen=True)
class Task:
    """One command-line task.

    `module` and `names` locate the engine (imported only when the task runs); `scene` is the parameter that batch
    runs iterate over; `outputs` maps each output parameter to the suffix of the file named after a scene in batch
    runs (the result's headline() gives the numbers), and `outputs_when` other suffixes while a true-or-false
    parameter is true (SCALE mode doubles any raster: its output is not at 10 m); `aliases` maps parameter names that
    differ from the request's field names; `strips` says whether one scene can be split into strips of rows computed
    apart (classify.strips: the class-raster tasks).
    """

    name: str
    module: str
    request: str
    run: str
    scene: str
    outputs: dict[str, str]
    aliases: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    strips: bool = False
    outputs_when: dict[str, dict[str, str]] = field(default_factory=dict)

    def suffixes(self, values: Mapping[str, str]) -> dict[str, str]:
        """The output parameters and their batch suffixes for a run with these NAME=value `values`."""
        chosen = dict(self.outputs)
        for param, suffixes in self.outputs_when.items():
            if convert(param, param, bool, str(values.get(param, ""))) is True:
                chosen.update(suffixes)
        return chosen

    def engine(self) -> tuple[type, Callable]:
        """(request dataclass, run function) of the engine."""
        module = importlib.import_module(self.module, package=__package__)
        return getattr(module, self.request), getattr(module, self.run)


TASKS: dict[str, Task] = {t.name: t for t in (
    Task("cloudmask", "..classify.cloudmask", "CloudMaskRequest", "run_cloudmask", "INPUT",
         {"OUTPUT": "_cloudmask.tif", "OUTPUT_PROBABILITY": "_cloudprob.tif", "OUTPUT_VECTOR": "_clouds.gpkg"},
         summary="cloud and cloud-shadow mask (0 clear, 1 cloud, 2 shadow, 255 nodata)", strips=True),
    Task("segment", "..classify.segment", "SegmentRequest", "run_segment", "INPUT",
         {"OUTPUT": "_classes.tif", "OUTPUT_PROBABILITY": "_probabilities.tif", "OUTPUT_VECTOR": "_classes.gpkg"},
         summary="semantic segmentation with a model card (buildings, land cover, your own)", strips=True),
    Task("superresolve", "..superres.pipeline", "SuperResRequest", "run_superres", "INPUT",
         {"OUTPUT": "_10m.tif"}, aliases={"SCALE": "scale_mode"}, outputs_when={"SCALE": {"OUTPUT": "_x2.tif"}},
         summary="Sentinel-2 20 m bands to 10 m (INPUT_LOWRES), or SCALE=true to double one raster"),
    Task("assessaccuracy", "..accuracy.assess", "AccuracyRequest", "assess_accuracy", "PREDICTION",
         {"OUTPUT_HTML": "_accuracy.html", "OUTPUT_TABLE": "_accuracy.csv"},
         aliases={"OUTPUT_TABLE": "output_csv"},
         summary="precision, recall, F-beta, IoU, kappa of a class raster against reference polygons or points"),
)}
