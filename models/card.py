"""The model card: one checked JSON description of a model, its inputs, outputs, tiling and provenance.

The schema is SCHEMA below (also written out as models/card.schema.json for people and other tools); a card that
does not match is refused with a message naming the field. See docs/model_card.md.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..plugin.core.engine.errors import DeepMapperError
from ..plugin.core.engine.messages import N_, _

TASKS = ("cloudmask", "segmentation", "superresolution", "pretrained")  # pretrained: self-supervised weights to fine-tune
FORMATS = ("onnx", "torch_state_dict", "torchscript", "lightgbm")
UNITS = ("reflectance", "dn", "any")
NORMALIZATIONS = ("none", "standard", "minmax")
ACTIVATIONS = ("softmax", "sigmoid", "none", "binary")

SUMMARY = N_("{name} [{id}]: {task}, {format}, bands {bands}, licence {licence}")  # ModelCard.summary
CLASS_NAMES = (  # class names of cloudmask and the bundled models: translated in run logs, styles and legends
    N_("clear"), N_("cloud"), N_("cloud shadow"), N_("background"), N_("building"), N_("forest"), N_("grass"),
    N_("urban"), N_("water"))
RESOLUTION_FACTOR = 2.5  # a raster's pixel size may differ from the card's resolution_m by up to this factor

# field: (type(s), required, allowed values or None)
SCHEMA: dict[str, Any] = {
    "schema_version": (int, True, (1,)),
    "id": (str, True, None),
    "name": (str, True, None),
    "task": (str, True, TASKS),
    "format": (str, True, FORMATS),
    "weights": (str, True, None),
    "sha256": (str, True, None),
    "weights_url": (str, False, None),  # where to download the weights from (http, https, file)
    "architecture": (dict, False, None),
    "description": (str, False, None),
    "license": (str, True, None),
    "source_url": (str, True, None),
    "citation": (str, False, None),
    "priority": (int, False, None),
    "input": (dict, True, {
        "bands": (list, True, None),
        "units": (str, True, UNITS),
        "product_level": (str, False, ("l1c", "l2a", "any")),
        "sensor": (str, False, None),  # a SENSOR preset key: how to match bands when the user gives none
        "resolution_m": ((int, float), False, None),
        "resolution_agnostic": (bool, False, None),  # runs at any pixel size: no resolution check
        "guide_bands": (list, False, None),  # super-resolution: the input.bands taken from the high-resolution raster
        "normalization": (dict, True, {
            "type": (str, True, NORMALIZATIONS),
            "mean": (list, False, None),
            "std": (list, False, None),
            "min": (list, False, None),
            "max": (list, False, None),
        }),
    }),
    "output": (dict, True, {
        "activation": (str, True, ACTIVATIONS),
        "scale_factor": (int, False, None),
        "classes": (list, True, None),
    }),
    "tiling": (dict, True, {
        "tile_size": (int, True, None),
        "margin": (int, True, None),
        "blend": (str, True, ("crop", "blend")),
        "size_multiple": (int, False, None),
        "receptive_field": (int, False, None),
        "stride": (int, False, None),
        "taper": ((int, float), False, None),
        "output_crop": (int, False, None),  # pixels an unpadded model loses on each side of a tile
        # The graph's fixed input size is only declared (fully convolutional): tiles up to free_tile_size pixels
        # with free_margin pixels of overlap, fitted to the raster, are used unless TILE_SIZE is given.
        "free_input_size": (bool, False, None),
        "free_tile_size": (int, False, None),
        "free_margin": (int, False, None),
    }),
    "postprocess": (dict, False, {
        "smoothing_radius": (int, False, None),
        "threshold": ((int, float), False, None),
        "dilation_radius": (int, False, None),
    }),
    "half_precision": (bool, False, None),
    # PRECISION=int8 (ONNX, CPU): the activation ranges to quantise with (models/quantization.py) and their source
    "quantization": (dict, False, {
        "int8_calibration": (str, True, None),  # path relative to the card
        "calibration_data": (str, False, None),
    }),
    "test_time_augmentation": (bool, False, None),  # average the predictions of the 4 flips of each tile
    "metrics": (dict, False, None),
    "training": (dict, False, None),
}


class CardError(DeepMapperError):
    pass


def _check(obj: dict, schema: dict, where: str) -> None:
    for key in obj:
        if key not in schema:
            raise CardError(_("{where}: unknown field '{key}' (allowed: {schema}).").format(
                where=where, key=key, schema=', '.join(schema)))
    for key, (types, required, allowed) in schema.items():
        if key not in obj:
            if required:
                raise CardError(_("{where}: required field '{key}' is missing.").format(where=where, key=key))
            continue
        value = obj[key]
        if not isinstance(value, types) or (types is int and isinstance(value, bool)):
            names = types.__name__ if isinstance(types, type) else " or ".join(t.__name__ for t in types)
            raise CardError(_("{where}: field '{key}' must be {names}, not {type_name}.").format(
                where=where, key=key, names=names, type_name=type(value).__name__))
        if isinstance(allowed, dict):
            _check(value, allowed, f"{where}.{key}")
        elif allowed is not None and value not in allowed:
            raise CardError(_("{where}: field '{key}' is '{value}'; allowed: {allowed}.").format(
                where=where, key=key, value=value, allowed=', '.join(map(str, allowed))))


@dataclass
class ModelCard:
    data: dict
    path: Path | None = None  # the card file; relative weights resolve against its folder
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict, path: Path | None = None) -> "ModelCard":
        where = f"Model card {path}" if path else "Model card"
        if not isinstance(data, dict):
            raise CardError(_("{where}: must be a JSON object.").format(where=where))
        try:
            _check(data, SCHEMA, where)
        except CardError as exc:  # the schema names the field; say what to do about it
            raise CardError(_("{exc} Fix the card against the model card schema (docs/model_card.md), or choose "
                            "another model.").format(exc=exc)) from None
        card = cls(data, path)
        card._check_consistency(where)
        return card

    @classmethod
    def load(cls, path: str | Path) -> "ModelCard":
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise CardError(_("Model card '{path}' does not exist.").format(path=path)) from exc
        except json.JSONDecodeError as exc:
            raise CardError(_("Model card '{path}' is not valid JSON ({exc}); fix the file.").format(
                path=path, exc=exc)) from exc
        return cls.from_dict(data, path)

    def _check_consistency(self, where: str) -> None:
        bands = self.bands
        if not bands or not all(isinstance(b, str) for b in bands):
            raise CardError(_("{where}: input.bands must be a non-empty list of band names.").format(where=where))
        norm = self.data["input"]["normalization"]
        needed = {"standard": ("mean", "std"), "minmax": ("min", "max")}.get(norm["type"], ())
        for key in needed:
            if len(norm.get(key, [])) != len(bands):
                raise CardError(_("{where}: input.normalization.{key} needs one value per band ({n_bands}).").format(
                    where=where, key=key, n_bands=len(bands)))
        if norm["type"] == "standard" and any(s == 0 for s in norm["std"]):
            raise CardError(_("{where}: input.normalization.std must not contain 0.").format(where=where))
        ids = []
        for i, cls_ in enumerate(self.classes):
            if not isinstance(cls_, dict) or not isinstance(cls_.get("id"), int) or not isinstance(cls_.get("name"), str):
                raise CardError(_("{where}: output.classes[{i}] needs an integer 'id' and a 'name'.").format(
                    where=where, i=i))
            ids.append(cls_["id"])
        if len(set(ids)) != len(ids):
            raise CardError(_("{where}: output.classes has duplicate ids.").format(where=where))
        if self.format == "torch_state_dict" and "architecture" not in self.data:
            raise CardError(_("{where}: a torch_state_dict model needs an 'architecture' entry.").format(where=where))
        if self.output_crop < 0 or self.output_crop > self.tiling["margin"]:
            raise CardError(_("{where}: tiling.output_crop ({output_crop}) must be between 0 and tiling.margin "
                            "({margin}): the pixels a model loses must lie in the tile's margin.").format(
                where=where, output_crop=self.output_crop, margin=self.tiling['margin']))
        if len(self.sha256) != 64:
            raise CardError(_("{where}: sha256 must be the 64-hex-digit SHA-256 of the weights file.").format(
                where=where))

    # Convenience accessors: the rest of the code reads cards through these.
    id = property(lambda self: self.data["id"])
    name = property(lambda self: self.data["name"])
    task = property(lambda self: self.data["task"])
    format = property(lambda self: self.data["format"])
    sha256 = property(lambda self: self.data["sha256"].lower())
    bands = property(lambda self: list(self.data["input"]["bands"]))
    units = property(lambda self: self.data["input"]["units"])
    product_level = property(lambda self: self.data["input"].get("product_level", "any"))
    normalization = property(lambda self: self.data["input"]["normalization"])
    classes = property(lambda self: list(self.data["output"]["classes"]))
    activation = property(lambda self: self.data["output"]["activation"])
    scale_factor = property(lambda self: int(self.data["output"].get("scale_factor", 1)))
    tiling = property(lambda self: self.data["tiling"])
    postprocess = property(lambda self: dict(self.data.get("postprocess", {})))
    half_precision = property(lambda self: bool(self.data.get("half_precision", False)))
    test_time_augmentation = property(lambda self: bool(self.data.get("test_time_augmentation", False)))
    priority = property(lambda self: int(self.data.get("priority", 0)))
    resolution_m = property(lambda self: self.data["input"].get("resolution_m"))
    output_crop = property(lambda self: int(self.data["tiling"].get("output_crop", 0)))
    free_input_size = property(lambda self: bool(self.data["tiling"].get("free_input_size", False)))

    @property
    def resolution_agnostic(self) -> bool:
        """True when the card says so, or for pixel classifiers (no spatial context: any pixel size fits)."""
        return bool(self.data["input"].get("resolution_agnostic", self.format == "lightgbm"))

    def check_resolution(self, pixel_m: float | None, geographic: bool, pixel_text: str) -> str:
        """Refuse a raster whose pixel size is far from the card's resolution_m (beyond RESOLUTION_FACTOR either
        way) or in degrees (a geographic CRS), unless the card declares resolution_agnostic. `pixel_m`: the
        raster's pixel size in metres (None: unknown, no georeference). Returns a sentence for the log."""
        native = self.resolution_m
        if native is None or self.resolution_agnostic:
            return ""
        if pixel_m is None and not geographic:  # no georeference: the grid is arbitrary, nothing to check
            return _("Resolution: the raster has no CRS, so its pixel size cannot be checked against the model's "
                     "{native:g} m; the output has no CRS either (assign one to the input to georeference it)."
                     ).format(native=native)
        fix = _("Resample the raster to about {native:g} m first: in QGIS, Raster > Projections > Warp (Reproject) "
                "with a projected target CRS (e.g. the UTM zone), 'Output file resolution' {native:g} and resampling "
                "'Average'; or gdalwarp -t_srs <the UTM zone> -tr {native:g} {native:g} -r average in.tif out.tif. "
                "Or use a model whose card declares another input.resolution_m (or \"resolution_agnostic\": true "
                "for a model that works at any pixel size).").format(native=native)
        if geographic:
            raise CardError(_("Model '{model}' was made for {native:g} m pixels, but the raster's pixels are "
                            "{pixel_text} in a geographic CRS (degrees), so its resolution cannot be checked and "
                            "varies across the image. {fix}").format(
                model=self.id, native=native, pixel_text=pixel_text, fix=fix))
        ratio = pixel_m / native
        if not 1 / RESOLUTION_FACTOR <= ratio <= RESOLUTION_FACTOR:
            raise CardError(_("Model '{model}' was made for {native:g} m pixels, but the raster's pixels are "
                            "{pixel_m:.4g} m ({ratio:.2g} times {coarser_or_finer}"
                            "); objects would not look as the model learnt them. {fix}").format(
                model=self.id, native=native, pixel_m=pixel_m, ratio=max(ratio, 1 / ratio),
                coarser_or_finer=_("coarser") if ratio > 1 else _("finer"), fix=fix))
        return _("Resolution: raster {pixel_m:.4g} m, model {native:g} m.").format(pixel_m=pixel_m, native=native)

    def summary(self, translated: bool = False) -> str:
        """Name, id, task, format, bands and licence in one line. English by default: outputs keep it in their
        DEEPMAPPER_MODEL tag; `translated` for the log: the name too where the translation knows it (the bundled
        cards' names, which scripts/update_translations.py collects); the licence text (attribution notices such as
        Copernicus's) always stays as written."""
        return (_(SUMMARY) if translated else SUMMARY).format(
            name=_(self.name) if translated else self.name, id=self.id, task=self.task, format=self.format,
            bands=", ".join(self.bands), licence=self.data["license"])


def class_label(name: str) -> str:
    """A class name as the user reads it: translated when it is one of CLASS_NAMES, else as the model says (the
    names of a user's own model are never looked up in the translation)."""
    return _(name) if name in CLASS_NAMES else name


def write_schema(path: str | Path) -> None:
    """Write SCHEMA as a JSON Schema document (for docs and external validators)."""
    def convert(schema: dict) -> dict:
        props, required = {}, []
        for key, (types, req, allowed) in schema.items():
            tnames = [types] if isinstance(types, type) else list(types)
            jtypes = [{int: "integer", float: "number", str: "string", bool: "boolean", list: "array",
                       dict: "object"}[t] for t in tnames]
            prop: dict = {"type": jtypes[0] if len(jtypes) == 1 else jtypes}
            if isinstance(allowed, dict):
                prop.update(convert(allowed))
            elif allowed is not None:
                prop["enum"] = list(allowed)
            props[key] = prop
            if req:
                required.append(key)
        return {"type": "object", "properties": props, "required": required, "additionalProperties": False}

    doc = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "DeepMapper model card",
           **convert(SCHEMA)}
    Path(path).write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
