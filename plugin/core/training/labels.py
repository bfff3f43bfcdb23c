"""Labelled vectors -> a class table and label rasters on an image's grid (255 = no label), strip by strip.

Text class values become ids 0..K-1 in sorted order (after an optional background class, id 0, given to every
unlabelled valid pixel when the labels are exhaustive, as building footprints are); integer values are kept as ids.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from ..engine import vector_labels as refmod
from ..engine.errors import DeepMapperError
from ..engine.messages import _

IGNORE = 255  # label value of pixels without a (usable) label: never counted in the loss or the metrics

# Colours for class names people use often; other classes take the palette in order.
NAMED_COLORS = {"background": "#000000", "building": "#e31a1c", "buildings": "#e31a1c", "forest": "#1b7837",
                "tree": "#1b7837", "trees": "#1b7837", "grass": "#a6d96a", "grassland": "#a6d96a",
                "cropland": "#fdae61", "urban": "#7f7f7f", "built-up": "#7f7f7f", "road": "#525252",
                "water": "#2166ac", "bare": "#d8b365", "cloud": "#f2f2f2", "snow": "#e0f3f8"}
PALETTE = ("#1f78b4", "#33a02c", "#e31a1c", "#ff7f00", "#6a3d9a", "#b15928", "#a6cee3", "#b2df8a", "#fb9a99",
           "#fdbf6f", "#cab2d6", "#ffff99")


@dataclass
class LabelSource:
    """Label geometries in the image's CRS with class ids, and the class table."""

    classes: list[dict]  # [{"id", "name", "color"}]
    shapes: list
    shape_ids: np.ndarray
    points: list
    point_ids: np.ndarray
    background: int | None = None  # class id of unlabelled valid pixels, or None (unlabelled = IGNORE)
    notes: list[str] = field(default_factory=list)


def class_table(values: Sequence[object], integer: bool, background: str | None) -> tuple[list[dict], dict]:
    """(classes, value -> id) for the distinct values of a class field."""
    distinct = sorted({v for v in values if v is not None and v == v}, key=lambda v: (str(type(v)), v))
    user_id: dict[int, int] = {}  # channel -> the user's class id, when they differ (see integer_channels)
    if integer:
        ids, names, user_id = integer_channels([int(v) for v in distinct], background)
    else:
        names_in = [str(v).strip() for v in distinct]
        if background and background in names_in:
            names_in.remove(background)
        start = 1 if background else 0
        ids = {v: start + names_in.index(str(v).strip()) for v in distinct if str(v).strip() != background}
        if background:
            ids.update({v: 0 for v in distinct if str(v).strip() == background})
        names = {i: n for i, n in zip(range(start, start + len(names_in)), names_in)}
        if background:
            names[0] = background
    classes = []
    for k, cid in enumerate(sorted(names)):
        name = names[cid]
        color = NAMED_COLORS.get(name.lower(), PALETTE[k % len(PALETTE)])
        classes.append({"id": cid, "name": name, "color": color, **({"value": user_id[cid]} if user_id else {})})
    return classes, ids


def integer_channels(user_ids: Sequence[int], background: str | None) -> tuple[dict, dict, dict]:
    """(user id -> channel, channel -> name, channel -> user id) for an integer class field.

    Channels (the model's outputs, the label rasters' values) are 0..K-1 without gaps: ids 0..K-1 (1..K after a
    background class 0) are kept as they are; any other set (1, 2 without background; 10, 20, 30, 40) is renumbered
    in sorted order, and each class records its user id as "value" in dataset.json, which the trained model's card
    turns back into its output ids (export.write_model), so predictions carry the user's ids."""
    bad = [v for v in user_ids if not 0 <= v < IGNORE]
    if bad:
        raise DeepMapperError(_("Class ids must be 0..254 (255 marks unlabelled pixels); the labels hold "
                              "{bad}. Renumber the classes or use a text field.").format(
            bad=', '.join(map(str, bad[:5]))))
    start = 1 if background else 0
    if background and 0 in user_ids:
        raise DeepMapperError(_("BACKGROUND '{background}' would take class id 0, which the labels already "
                              "use; leave BACKGROUND empty or renumber the classes from 1.").format(
            background=background))
    ordered = sorted(set(user_ids))
    channel = {u: start + k for k, u in enumerate(ordered)}
    names = {channel[u]: str(u) for u in ordered}
    if background:
        names[0] = background
    remapped = any(channel[u] != u for u in ordered)
    values = ({**({0: 0} if background else {}), **{channel[u]: u for u in ordered}} if remapped else {})
    return {u: channel[u] for u in ordered}, names, values


def read_labels(path: str, class_field: str, raster_crs_wkt: str | None, pixel_size: float,
                background: str | None = None) -> LabelSource:
    """Read, check and reproject the labels; errors name the problem and the fix."""
    gdf = refmod.read_reference(path)
    if gdf.empty:
        raise DeepMapperError(_("The labels '{path}' hold no features; draw or load some labelled polygons or points.").format(
            path=path))
    refmod.check_class_field(gdf, class_field, layer=_("label layer"))
    gdf, unclassed = refmod.without_unclassed(gdf, class_field)
    if gdf.empty:
        raise DeepMapperError(_("Every feature of '{path}' has an empty '{class_field}'; fill in the classes.").format(
            path=path, class_field=class_field))
    notes: list[str] = [unclassed] if unclassed else []
    gdf, _unused = refmod.to_raster_crs(gdf, raster_crs_wkt, pixel_size, notes)
    integer = refmod.is_integer_field(gdf[class_field])
    values = [int(v) for v in gdf[class_field]] if integer else [str(v).strip() for v in gdf[class_field]]
    classes, ids = class_table(values, integer, background)
    gdf = gdf.assign(_class_id=[ids[v] for v in values])
    if any("value" in c for c in classes):
        notes.append(_("Class ids {ids} renumbered to the model's channels 0..K-1 (dataset.json keeps each class's "
                       "own id as 'value'; a model trained on it writes those ids back).").format(
            ids=", ".join(f"{c['value']} -> {c['id']}" for c in classes)))
    shapes, shape_ids, points, point_ids, skipped = refmod.split_geometries(gdf, "_class_id")
    if skipped:
        notes.append(_("{skipped} empty or unsupported geometries skipped.").format(skipped=skipped))
    return LabelSource(classes, shapes, shape_ids, points, point_ids, 0 if background else None, notes)


def label_strip(source: LabelSource, labeller: refmod.GridLabeller | None, row0: int, row1: int, width: int,
                valid: np.ndarray, point_rows: np.ndarray, point_cols: np.ndarray, point_ids: np.ndarray,
                radius: int = 0) -> np.ndarray:
    """uint8 labels of rows row0..row1: polygon classes, points (a square of `radius` pixels around each), the
    background class on other valid pixels if there is one, IGNORE where the image is invalid or classes overlap."""
    h = row1 - row0
    out = np.full((h, width), IGNORE, dtype=np.uint8)
    if source.background is not None:
        out[:] = source.background
    if labeller is not None:
        strip = labeller.strip(row0, row1)
        out[strip.labelled] = strip.labels[strip.labelled]
        out[strip.ambiguous] = IGNORE
    sel = (point_rows >= row0 - radius) & (point_rows < row1 + radius)
    for r, c, cid in zip(point_rows[sel], point_cols[sel], point_ids[sel]):
        out[max(r - radius - row0, 0):max(r + radius + 1 - row0, 0), max(c - radius, 0):c + radius + 1] = cid
    out[~valid] = IGNORE
    return out
