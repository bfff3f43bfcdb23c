"""Reference vectors -> class labels on the prediction's pixel grid, for accuracy assessment.

The reference (polygons, lines or points, any CRS) is reprojected onto the prediction's CRS; its class field is
matched to the prediction's class ids (integer values directly, text through the prediction's class names or an
explicit mapping). Polygons are rasterised strip by strip on the prediction grid (a pixel is labelled when its
centre lies inside), so memory stays flat whatever the raster size; points label the pixel they fall in, one
sample per point. Class id 0 is a real class like any other: "unlabelled" is a separate mask, never a value.
"""
from __future__ import annotations

import math
import os
import re
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from .errors import DeepMapperError
from .messages import N_, _
from .raster_io import grid_bounds, read_class_metadata

POLYGONAL = ("Polygon", "MultiPolygon")
LINEAR = ("LineString", "MultiLineString", "LinearRing")
PUNCTUAL = ("Point", "MultiPoint")


# -- the prediction's class names ---------------------------------------------------------------------------------
# Where prediction_classes found them, in English (the report's words); class_source_text translates them for a log
TAG_SOURCE = N_("DEEPMAPPER_CLASSES tag")
CATEGORY_SOURCE = N_("GDAL category names")
RAT_SOURCE = N_("GDAL raster attribute table")
QML_SOURCE = N_("QGIS style {name}")


def prediction_classes(path: str | os.PathLike, band: int = 1) -> tuple[list[dict], str]:
    """Class ids and names the prediction raster carries, and where they were found ("" when none).

    Looked up in order: our DEEPMAPPER_CLASSES tag (every DeepMapper output has it), GDAL category names, a GDAL
    raster attribute table with a name column, a QGIS paletted style (.qml) beside the file.
    """
    try:
        classes = read_class_metadata(path)
    except Exception:  # noqa: BLE001 - unreadable rasters are reported by the caller
        classes = None
    if classes:
        return [dict(c, id=int(c["id"]), name=str(c.get("name", c["id"]))) for c in classes], TAG_SOURCE
    found = _gdal_classes(str(path), band)
    if found:
        return found
    qml = Path(path).with_suffix(".qml")
    if qml.exists():
        try:
            entries = ET.parse(qml).getroot().iter("paletteEntry")
            classes = [{"id": int(float(e.get("value"))), "name": e.get("label") or e.get("value"),
                        "color": e.get("color", "#808080")} for e in entries if e.get("value") is not None]
        except (ET.ParseError, ValueError):
            classes = []
        if classes:
            return classes, QML_SOURCE.format(name=qml.name)
    return [], ""


def class_source_text(source: str) -> str:
    """`source` from prediction_classes in the user's language (the English text is kept for the report)."""
    prefix = QML_SOURCE.split("{", 1)[0]
    if source.startswith(prefix):
        return _(QML_SOURCE).format(name=source[len(prefix):])
    return _(source) if source else source


def _gdal_classes(path: str, band: int) -> tuple[list[dict], str] | None:
    try:
        from osgeo import gdal
    except ImportError:  # pragma: no cover - osgeo ships with rasterio's GDAL on every supported platform
        return None
    try:
        ds = gdal.Open(path)
        b = ds.GetRasterBand(band)
    except Exception:  # noqa: BLE001
        return None
    names = b.GetCategoryNames() or []
    classes = [{"id": i, "name": n} for i, n in enumerate(names) if n]
    if classes:
        return classes, CATEGORY_SOURCE
    rat = b.GetDefaultRAT()
    if rat is not None and rat.GetRowCount():
        usages = [rat.GetUsageOfCol(i) for i in range(rat.GetColumnCount())]
        lower = [rat.GetNameOfCol(i).lower() for i in range(rat.GetColumnCount())]
        name_col = next((i for i, u in enumerate(usages) if u == gdal.GFU_Name), None)
        if name_col is None:
            name_col = next((i for i, n in enumerate(lower) if n in ("class", "name", "class_name", "label")), None)
        value_col = next((i for i, u in enumerate(usages) if u in (gdal.GFU_MinMax, gdal.GFU_Min)), None)
        if value_col is None:
            value_col = next((i for i, n in enumerate(lower) if n in ("value", "class_id", "id")), None)
        if name_col is not None:
            classes = []
            for row in range(rat.GetRowCount()):
                value = rat.GetValueAsInt(row, value_col) if value_col is not None else row
                classes.append({"id": int(value), "name": rat.GetValueAsString(row, name_col)})
            return classes, RAT_SOURCE
    return None


# -- matching reference classes to raster values ------------------------------------------------------------------
def normalize_name(name: object) -> str:
    """Case, spaces, '_' and '-' do not distinguish class names ("Cloud_Shadow" == "cloud shadow")."""
    return re.sub(r"[\s_\-]+", " ", str(name).strip().lower())


def _tokens(name: object) -> frozenset[str]:
    """Words of a name, plurals folded ("clouds" ~ "cloud")."""
    return frozenset(t[:-1] if len(t) > 3 and t.endswith("s") and not t.endswith("ss") else t
                     for t in normalize_name(name).split())


def parse_mapping(text: str | dict | None) -> dict[str, str]:
    """'clear=0,cloud=1,shadow=2' (or ':' instead of '=') -> {normalised reference value: raster id or name}."""
    if not text:
        return {}
    if isinstance(text, dict):
        return {normalize_name(k): str(v).strip() for k, v in text.items()}
    pairs: dict[str, str] = {}
    for part in re.split(r"[,;\n]", str(text)):
        if not part.strip():
            continue
        key, sep, value = part.partition("=") if "=" in part else part.partition(":")
        if not sep or not key.strip() or not value.strip():
            raise DeepMapperError(
                _("MAPPING '{text}' is not understood at '{part}': give reference=raster pairs separated by "
                "commas, e.g. 'clear=0,cloud=1,shadow=2' (raster side: class ids or the prediction's class names).").format(
                    text=text, part=part.strip()))
        pairs[normalize_name(key)] = value.strip()
    return pairs


def _as_int(value: object) -> int | None:
    try:
        f = float(str(value).strip())
    except ValueError:
        return None
    return int(f) if math.isfinite(f) and f == int(f) else None


@dataclass
class ClassMatch:
    """How one distinct reference value was matched to a raster class id (None: unmatched, features ignored)."""

    value: str
    class_id: int | None
    how: str
    features: int


def match_classes(values: Sequence[object], integer_field: bool, classes: Sequence[dict],
                  mapping: dict[str, str] | None = None, field_name: str = "CLASS_FIELD") -> list[ClassMatch]:
    """Match each distinct reference value to a raster class id.

    Order: explicit MAPPING; integer values directly (a text value that is a whole number too, when no class name
    matches it); the prediction's class names: same name, same words, then one name containing the other's words
    when that picks a single class ("shadow" -> "cloud shadow"). Raises when nothing matches.
    """
    mapping = mapping or {}
    index = _ClassIndex.of(classes)
    counts = _count_values(values, integer_field)
    matches = [_match_value(value, n, integer_field, mapping, index) for value, n in counts.items()]
    matched = [m for m in matches if m.class_id is not None]
    if index.by_id and integer_field and not mapping and not any(m.class_id in index.by_id for m in matched):
        matched = []
    if not matched:
        raise _nothing_matched(counts, index.by_id, field_name)
    return matches


@dataclass
class _ClassIndex:
    """The prediction's class names by id, by normalised name and by words: what reference values are compared to."""

    by_id: dict[int, str]
    by_name: dict[str, int]
    by_tokens: dict[frozenset, list[int]]

    @classmethod
    def of(cls, classes: Sequence[dict]) -> _ClassIndex:
        by_id = {int(c["id"]): str(c["name"]) for c in classes}
        by_tokens: dict[frozenset, list[int]] = {}
        for i, n in by_id.items():
            by_tokens.setdefault(_tokens(n), []).append(i)
        return cls(by_id, {normalize_name(n): i for i, n in by_id.items()}, by_tokens)

    def raster_side(self, target: str) -> int | None:
        """A MAPPING target as a class id: a whole number as it is, else a class name's id (None: neither)."""
        as_int = _as_int(target)
        if as_int is not None:
            return as_int
        return self.by_name.get(normalize_name(target))


def _count_values(values: Sequence[object], integer_field: bool) -> dict[str, int]:
    """Features per distinct reference value, as text (integer fields as whole numbers): each is matched once."""
    counts: dict[str, int] = {}
    for v in values:
        key = str(int(v)) if integer_field else str(v)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _match_value(value: str, n: int, integer_field: bool, mapping: dict[str, str], index: _ClassIndex) -> ClassMatch:
    """One distinct reference value's class, trying match_classes' rules in their order (raises for a MAPPING
    target that is no class)."""
    norm = normalize_name(value)
    if norm in mapping:
        target = index.raster_side(mapping[norm])
        if target is None:
            raise DeepMapperError(
                _("MAPPING sends '{value}' to '{target}', which is neither a class id nor a class name of "
                "PREDICTION ({describe}); use a class id, e.g. '{value}=1'.").format(
                    value=value, target=mapping[norm], describe=_describe(index.by_id)))
        return ClassMatch(value, target, "MAPPING", n)
    if integer_field:
        return ClassMatch(value, int(value), "value", n)
    if norm in index.by_name:
        return ClassMatch(value, index.by_name[norm], "name", n)
    same_words = index.by_tokens.get(_tokens(value), [])
    if len(same_words) == 1:
        return ClassMatch(value, same_words[0], "name", n)
    tokens = _tokens(value)
    partial = [i for i, n_ in index.by_id.items() if tokens and (tokens <= _tokens(n_) or _tokens(n_) <= tokens)
               and _tokens(n_)]
    if len(partial) == 1:
        return ClassMatch(value, partial[0], "partial name", n)
    if _as_int(value) is not None:
        return ClassMatch(value, _as_int(value), "value", n)
    return ClassMatch(value, None, "no match", n)


def _nothing_matched(counts: dict[str, int], by_id: dict[int, str], field_name: str) -> DeepMapperError:
    """The error when no reference value found a class: what to give instead depends on whether PREDICTION has
    class names."""
    example = ",".join(f"{v}={i}" for i, v in enumerate(sorted(counts)[:3]))
    shown = ", ".join(sorted(counts)[:12]) + (", ..." if len(counts) > 12 else "")
    if by_id:
        return DeepMapperError(
            _("The classes in {field_name} ({shown}) match no class of PREDICTION ({describe}). Give MAPPING "
            "(reference=raster pairs, e.g. '{reference_example}={raster_example}'), or choose the field "
            "that holds the class.").format(
                field_name=field_name, shown=shown, describe=_describe(by_id),
                reference_example=next(iter(sorted(counts))), raster_example=next(iter(sorted(by_id)))))
    return DeepMapperError(
        _("The classes in {field_name} ({shown}) are names, but PREDICTION carries no class names (no "
        "DEEPMAPPER_CLASSES tag, category names or .qml style). Give MAPPING from reference names to raster "
        "values (e.g. '{example}'), or use an integer class field.").format(
            field_name=field_name, shown=shown, example=example))


def _describe(by_id: dict[int, str]) -> str:
    return ", ".join(f"{i} {n}" for i, n in sorted(by_id.items())) or "no class names"


def resolve_class_list(text: str | Sequence | None, names: dict[int, str], matches: Sequence[ClassMatch],
                       parameter: str) -> list[int]:
    """Class ids from '1,2' or 'cloud,cloud shadow' or reference names ('shadow'), for POSITIVE_CLASSES etc."""
    if text is None or text == "" or (not isinstance(text, str) and not list(text)):
        return []
    items = [t.strip() for t in text.split(",")] if isinstance(text, str) else [str(t).strip() for t in text]
    by_name = {normalize_name(n): i for i, n in names.items()}
    by_ref = {normalize_name(m.value): m.class_id for m in matches if m.class_id is not None}
    ids: list[int] = []
    for item in filter(None, items):
        norm = normalize_name(item)
        cid = _as_int(item)
        if cid is None:
            cid = by_name.get(norm, by_ref.get(norm))
        if cid is None:
            known = ", ".join(f"{i} {n}" for i, n in sorted(names.items()))
            raise DeepMapperError(_("{parameter}: '{item}' is not a class of this assessment ({known}); give class ids "
                                  "or names separated by commas, e.g. '{parameter}=1,2'.").format(
                parameter=parameter, item=item, known=known))
        if cid not in ids:
            ids.append(cid)
    return ids


# -- reading and reprojecting the reference ----------------------------------------------------------------------
def read_reference(path: str | os.PathLike, layer: str | None = None, fid_column: str | None = None):
    """The reference layer as a GeoDataFrame, with errors that say what is wrong with it. `fid_column`: also the
    features' own ids (OGR FIDs: what QGIS shows as fid) in a column of that name, so that rows can be traced back
    to the layer after filtering or sorting; left out when the driver cannot give them."""
    import geopandas as gpd
    path = str(path)
    if "|" in path and layer is None:  # a QGIS-style 'file.gpkg|layername=x' source
        path, _unused, options = path.partition("|")
        for option in options.split("|"):
            key, _unused, value = option.partition("=")
            if key.strip().lower() == "layername":
                layer = value
    if not Path(path).exists() and not path.startswith("/vsi"):
        raise DeepMapperError(_("The reference layer '{path}' does not exist; check the path.").format(path=path))
    try:
        gdf = gpd.read_file(path, layer=layer) if layer else gpd.read_file(path)
    except Exception as exc:  # noqa: BLE001 - fiona/pyogrio raise many types
        raise DeepMapperError(_("'{path}' could not be read as a vector layer ({exc}); give a GeoPackage, shapefile "
                              "or GeoJSON with polygons or points.").format(path=path, exc=exc)) from exc
    if fid_column:
        try:
            import fiona
            with fiona.open(path, layer=layer) as features:  # geopandas' fiona engine reads in this order
                fids = [int(k) for k in features.keys()]
        except Exception:  # noqa: BLE001 - a driver without ids: the rows stay untraced
            fids = []
        if len(fids) == len(gdf):
            gdf[fid_column] = fids
    return gdf


def check_class_field(gdf, class_field: str, layer: str | None = None) -> None:
    """Raise DeepMapperError unless `class_field` is a field of `gdf`; `layer` names it (translated by the caller)."""
    layer = layer or _("reference layer")
    fields = ", ".join(c for c in gdf.columns if c != gdf.geometry.name) or "none"
    if not class_field:
        raise DeepMapperError(_("CLASS_FIELD is empty; name the field of the {layer} that holds the class "
                              "(fields: {fields}).").format(layer=layer, fields=fields))
    if class_field not in gdf.columns or class_field == gdf.geometry.name:
        raise DeepMapperError(_("The {layer} has no field '{class_field}' (CLASS_FIELD); its fields are: "
                              "{fields}. Pick the field that holds the class.").format(
            layer=layer, class_field=class_field, fields=fields))


def without_unclassed(gdf, class_field: str):
    """(gdf without the features whose `class_field` is empty, the note saying how many were left out or None):
    a label layer with empty classes lost them without a word (an adversarial session: 185 of 554)."""
    empty = gdf[class_field].isna()
    count = int(empty.sum())
    if not count:
        return gdf, None
    return gdf[~empty], _("{count} of {total} features have no class in '{class_field}' and are left out; fill "
                          "in their class to use them.").format(count=count, total=len(gdf), class_field=class_field)


def is_integer_field(series) -> bool:
    """Integer dtype, or floats that are all whole numbers (shapefiles with nulls read integers as float)."""
    kind = series.dtype.kind
    if kind in "iu":
        return True
    if kind == "f":
        values = series.dropna().to_numpy()
        return bool(values.size) and bool(np.all(np.isfinite(values) & (values == np.round(values))))
    return False


def densify(geom, max_segment: float):
    """Add vertices so no segment is longer than `max_segment`: edges stay where they were after reprojection."""
    from shapely.geometry import LinearRing, LineString, MultiLineString, MultiPolygon, Polygon
    if geom is None or geom.is_empty or not (max_segment > 0):
        return geom

    def ring(coords) -> list:
        pts = np.asarray(coords, dtype=float)
        if len(pts) < 2:
            return pts.tolist()
        seg = np.diff(pts[:, :2], axis=0)
        steps = np.minimum(np.ceil(np.hypot(seg[:, 0], seg[:, 1]) / max_segment), 1000).astype(int)
        if steps.max(initial=1) <= 1:
            return pts.tolist()
        out = []
        for a, b, k in zip(pts[:-1], pts[1:], np.maximum(steps, 1)):
            t = np.arange(k)[:, None] / k
            out.append(a + (b - a) * t)
        out.append(pts[-1:])
        return np.vstack(out).tolist()

    if isinstance(geom, Polygon):
        return Polygon(ring(geom.exterior.coords), [ring(i.coords) for i in geom.interiors])
    if isinstance(geom, MultiPolygon):
        return MultiPolygon([densify(p, max_segment) for p in geom.geoms])
    if isinstance(geom, (LineString, LinearRing)):
        return type(geom)(ring(geom.coords))
    if isinstance(geom, MultiLineString):
        return MultiLineString([densify(g, max_segment) for g in geom.geoms])
    return geom


def to_raster_crs(gdf, raster_crs_wkt: str | None, pixel_size: float, notes: list[str]):
    """Reproject onto the raster's CRS (densified to about a pixel first, so long edges stay in place)."""
    from pyproj import CRS
    if not raster_crs_wkt:
        notes.append(_("PREDICTION has no CRS: the reference coordinates are taken as the raster's."))
        return gdf, False
    target = CRS.from_wkt(raster_crs_wkt)
    if gdf.crs is None:
        notes.append(_("The reference layer has no CRS: its coordinates are taken to be in the prediction's CRS."))
        return gdf.set_crs(target, allow_override=True), False
    if CRS(gdf.crs).equals(target, ignore_axis_order=True):
        return gdf, False
    declared = CRS(gdf.crs)
    src_bounds = gdf.total_bounds
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # PROJ gives inf outside a CRS's domain: reported below
        dst_bounds = gdf.to_crs(target).total_bounds
    extent = f"({', '.join(f'{v:.6g}' for v in src_bounds)})"
    if not np.all(np.isfinite(dst_bounds)):
        raise DeepMapperError(
            _("The reference's coordinates cannot be in its declared CRS {declared}: its extent "
            "{extent} in that CRS lies outside the CRS's valid area, so it cannot be reprojected to the "
            "raster's CRS {target}. The layer's CRS is probably set wrong: if its coordinates are in "
            "{target}, assign that CRS to the layer (QGIS: Assign projection; GDAL: ogr2ogr -a_srs) "
            "and run again.").format(declared=declared.to_string(), extent=extent, target=target.to_string()))
    src_diag = math.hypot(src_bounds[2] - src_bounds[0], src_bounds[3] - src_bounds[1])
    dst_diag = math.hypot(dst_bounds[2] - dst_bounds[0], dst_bounds[3] - dst_bounds[1])
    if src_diag > 0 and dst_diag > 0:
        step = pixel_size * src_diag / dst_diag
        gdf = gdf.set_geometry(gdf.geometry.apply(lambda g: densify(g, step)), crs=gdf.crs)
    notes.append(_("Reference reprojected from {declared} (extent {extent} there) to the prediction's CRS "
                   "{target}.").format(declared=declared.to_string(), extent=extent, target=target.to_string()))
    return gdf.to_crs(target), True


# -- labels on the grid ------------------------------------------------------------------------------------------
@dataclass
class LabelStrip:
    """Reference labels for rows row0..row1 of the grid: `labels` is meaningful only where `labelled`."""

    row0: int
    row1: int
    labels: np.ndarray  # int64 class ids
    labelled: np.ndarray  # bool: exactly one class covers the pixel centre
    ambiguous: np.ndarray  # bool: features of different classes cover the pixel centre (excluded)


@dataclass
class PointSamples:
    rows: np.ndarray
    cols: np.ndarray
    class_ids: np.ndarray
    outside: int = 0


@dataclass
class GridLabeller:
    """Rasterises reference geometries (with their class ids) on a pixel grid, strip by strip."""

    geometries: Sequence  # polygons and lines, in the grid's CRS
    class_ids: np.ndarray
    transform: object  # affine.Affine of the full grid
    width: int
    height: int
    _bounds: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.class_ids = np.asarray(self.class_ids, dtype=np.int64)
        self._bounds = np.array([g.bounds for g in self.geometries], dtype=float).reshape(-1, 4)

    def strip(self, row0: int, row1: int) -> LabelStrip:
        from rasterio import features
        from rasterio.windows import Window, transform as window_transform
        h = row1 - row0
        wt = window_transform(Window(0, row0, self.width, h), self.transform)
        x0, y0, x1, y1 = grid_bounds(self.transform, self.width, row0, row1)
        b = self._bounds
        hit = np.flatnonzero((b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0)) \
            if len(b) else np.array([], dtype=int)
        labels = np.zeros((h, self.width), dtype=np.int64)
        cover = np.zeros((h, self.width), dtype=np.uint16)
        for cid in np.unique(self.class_ids[hit]):
            shapes = [(self.geometries[i], 1) for i in hit[self.class_ids[hit] == cid]]
            mask = features.rasterize(shapes, out_shape=(h, self.width), transform=wt, fill=0, dtype="uint8",
                                      all_touched=False).astype(bool)
            cover += mask
            labels[mask] = cid
        return LabelStrip(row0, row1, labels, cover == 1, cover > 1)


def point_samples(points: Sequence, class_ids: Sequence[int], transform, width: int, height: int) -> PointSamples:
    """The pixel each point falls in (multipoints: each part); points off the grid are counted as outside."""
    xs, ys, ids = [], [], []
    for geom, cid in zip(points, class_ids):
        parts = getattr(geom, "geoms", [geom])
        for p in parts:
            xs.append(p.x)
            ys.append(p.y)
            ids.append(cid)
    if not xs:
        return PointSamples(np.zeros(0, int), np.zeros(0, int), np.zeros(0, np.int64))
    inv = ~transform
    cols_f, rows_f = inv * (np.asarray(xs, dtype=float), np.asarray(ys, dtype=float))
    cols, rows = np.floor(cols_f).astype(np.int64), np.floor(rows_f).astype(np.int64)
    inside = (cols >= 0) & (cols < width) & (rows >= 0) & (rows < height)
    return PointSamples(rows[inside], cols[inside], np.asarray(ids, dtype=np.int64)[inside],
                        int((~inside).sum()))


def split_geometries(gdf, id_column: str) -> tuple[list, np.ndarray, list, np.ndarray, int]:
    """(areal/linear geometries, their ids, points, their ids, number of empty or unsupported geometries)."""
    shapes, shape_ids, points, point_ids, skipped = [], [], [], [], 0
    for geom, cid in zip(gdf.geometry, gdf[id_column]):
        if geom is None or geom.is_empty:
            skipped += 1
        elif geom.geom_type in POLYGONAL or geom.geom_type in LINEAR:
            shapes.append(geom)
            shape_ids.append(cid)
        elif geom.geom_type in PUNCTUAL:
            points.append(geom)
            point_ids.append(cid)
        elif geom.geom_type == "GeometryCollection":
            for part in geom.geoms:
                if part.geom_type in POLYGONAL + LINEAR:
                    shapes.append(part)
                    shape_ids.append(cid)
                elif part.geom_type in PUNCTUAL:
                    points.append(part)
                    point_ids.append(cid)
        else:
            skipped += 1
    return (shapes, np.asarray(shape_ids, dtype=np.int64), points, np.asarray(point_ids, dtype=np.int64), skipped)


def iter_strips(height: int, width: int, pixels_per_strip: int = 4_000_000) -> Iterator[tuple[int, int]]:
    rows = max(1, pixels_per_strip // max(width, 1))
    for row0 in range(0, height, rows):
        yield row0, min(height, row0 + rows)

