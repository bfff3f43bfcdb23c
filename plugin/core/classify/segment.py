"""Semantic segmentation with any segmentation model that has a card (buildings, land cover, a user's own): the
shared classification pipeline (classify_raster.py) with the model's own classes, colours and post-processing."""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Sequence

from .pipeline import ClassifyJob, ClassifyRequest, check_outputs, choose_model_and_bands, classify_raster
from ..engine.errors import DeepMapperError
from ..engine.messages import _
from .postprocess import NODATA_CLASS, ClassRules
from ..engine.progress import Monitor
from ..engine.raster_io import bounded_gdal_cache, open_raster
from ....models.card import ModelCard, class_label
from ....models.registry import Registry

TASK = "segmentation"
BACKGROUND = "background"  # a class with this name is not polygonised by default
# Colours for classes whose card gives none (ColorBrewer Set1/Dark2-like, distinct on a map).
PALETTE = ("#e41a1c", "#377eb8", "#4daf4a", "#984ea3", "#ff7f00", "#ffff33", "#a65628", "#f781bf", "#999999",
           "#1b9e77", "#d95f02", "#7570b3")


@dataclass
class SegmentRequest(ClassifyRequest):
    # Class names or ids to polygonise ("building", "forest,water", "1,3"); None: all but a class named background.
    vector_classes: str | Sequence[str | int] | None = None


@dataclass
class SegmentResult:
    output: str
    model_id: str
    classes: list[dict]  # id, name, colour: what the class raster holds
    class_percentages: dict[str, float]  # class name -> % of valid pixels
    valid_pixels: int
    nodata_pixels: int
    output_probability: str | None = None
    output_vector: str | None = None
    polygons: int = 0
    log: list[str] = field(default_factory=list)

    def headline(self) -> dict[str, object]:
        """The numbers deepmapper:segment returns as Processing outputs (CLASS_PERCENTAGES as JSON text)."""
        return {"MODEL_ID": self.model_id, "POLYGON_COUNT": self.polygons,
                "CLASS_PERCENTAGES": json.dumps(self.class_percentages), "NODATA_PIXELS": self.nodata_pixels}


def run_segment(req: SegmentRequest, monitor: Monitor | None = None, registry: Registry | None = None
                ) -> SegmentResult:
    """Segment req.input with req.model (None: the best installed segmentation model for the raster's bands)."""
    with bounded_gdal_cache():
        return _run_segment(req, monitor or Monitor(), registry or Registry())


def _run_segment(req: SegmentRequest, monitor: Monitor, registry: Registry) -> SegmentResult:
    log: list[str] = []
    say = monitor.recorder(log)
    check_outputs(req)
    with open_raster(req.input) as src:
        chosen = choose_model_and_bands(src, req, registry, TASK, say, noun=_("segmentation model"), preload=monitor)
        card = chosen.card
        classes = styled_classes(card)
        keep = vector_class_ids(classes, req.vector_classes)
        names = {c["id"]: c["name"] for c in classes}
        if req.output_vector:
            say(_("Polygons for: {classes}").format(
                classes=", ".join(class_label(names[i]) for i in keep) or _("no class")))
        foreground = [i for i, c in enumerate(classes) if c["name"].lower() != BACKGROUND] or list(range(len(classes)))
        job = ClassifyJob(
            card, chosen.indexes, chosen.scale, chosen.offset, class_rules(card, classes), classes,
            tags={"DEEPMAPPER_MODEL": card.summary(), "DEEPMAPPER_INPUT": os.path.basename(req.input),
                  "DEEPMAPPER_SENSOR": chosen.sensor.key, "DEEPMAPPER_TASK": TASK},
            description=f"{card.name}: " + ", ".join(f"{c['id']} {c['name']}" for c in classes)
                        + f", {NODATA_CLASS} nodata",
            probability_bands=foreground, vector_classes=keep, model=chosen.model)
        done = classify_raster(src, req, job, monitor, say)

    percentages = done.percentages(classes)
    say(_("Classes (% of valid pixels): {classes}.").format(
        classes=", ".join(f"{class_label(n)} {p:.2f}" for n, p in percentages.items())))
    monitor.progress(1.0)
    return SegmentResult(req.output, card.id, classes, percentages, done.valid_pixels, done.nodata_pixels,
                         req.output_probability, req.output_vector, done.polygons, log)


def styled_classes(card: ModelCard) -> list[dict]:
    """The card's classes with a colour each (the card's, else one of PALETTE), in probability band order."""
    return [{"id": int(c["id"]), "name": c["name"], "color": c.get("color") or PALETTE[i % len(PALETTE)]}
            for i, c in enumerate(card.classes)]


def class_rules(card: ModelCard, classes: Sequence[dict]) -> ClassRules:
    """The card's post-processing: smoothing, a threshold for two-class models, dilation of every class but
    background (rules work on probability band indexes, not class ids)."""
    post = card.postprocess
    radius = post.get("dilation_radius", 0)
    dilation = {i: radius for i, c in enumerate(classes) if c["name"].lower() != BACKGROUND} if radius else {}
    return ClassRules(smoothing_radius=post.get("smoothing_radius", 0), threshold=post.get("threshold"),
                      dilation=dilation)


def vector_class_ids(classes: Sequence[dict], wanted: str | Sequence[str | int] | None) -> list[int]:
    """Class ids to polygonise from names or ids (case-insensitive); None/empty: every class but background."""
    if wanted is None or (isinstance(wanted, str) and not wanted.strip()):
        return [c["id"] for c in classes if c["name"].lower() != BACKGROUND]
    items = [t.strip() for t in re.split(r"[,;]", wanted)] if isinstance(wanted, str) else [str(w).strip()
                                                                                             for w in wanted]
    by_name = {c["name"].lower(): c["id"] for c in classes}
    ids = {c["id"] for c in classes}
    chosen: list[int] = []
    for item in filter(None, items):
        if item.lower() in by_name:
            cid = by_name[item.lower()]
        elif item.isdigit() and int(item) in ids:
            cid = int(item)
        else:
            known = ", ".join(f"{c['id']} {c['name']}" for c in classes)
            raise DeepMapperError(_("VECTOR_CLASSES entry '{item}' is not a class of this model; its classes are "
                                  "{known}. Give names or ids separated by commas.").format(item=item, known=known))
        if cid not in chosen:
            chosen.append(cid)
    return chosen
