"""Sensor presets and band matching: which raster band feeds which band a model expects.

Models name their inputs by common names (STAC-like: blue, green, red, nir, swir16, ...). A raster's bands are
matched by (1) an explicit mapping from the user, else (2) the band descriptions (B2, B02, B8A, SR_B4, blue, ...),
else (3) the preset's standard band order for that band count.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from .errors import DeepMapperError
from .messages import N_, _


@dataclass(frozen=True)
class SensorPreset:
    key: str
    label: str  # English, marked with N_: messages show `_(label)`
    names: dict[str, str]  # sensor band id (B2, B8A...) -> common name
    standard_orders: dict[int, tuple[str, ...]]  # band count -> sensor band ids in file order
    product_level: str  # l1c (top of atmosphere) or l2a (surface reflectance)


_S2 = {"B1": "coastal", "B2": "blue", "B3": "green", "B4": "red", "B5": "rededge1", "B6": "rededge2",
       "B7": "rededge3", "B8": "nir", "B8A": "nir08", "B9": "nir09", "B10": "cirrus", "B11": "swir16",
       "B12": "swir22"}
_S2_ORDERS = {
    4: ("B2", "B3", "B4", "B8"),
    6: ("B2", "B3", "B4", "B8", "B11", "B12"),
    10: ("B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B11", "B12"),
    12: ("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B11", "B12"),
    13: ("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B10", "B11", "B12"),
}
_L8 = {"B1": "coastal", "B2": "blue", "B3": "green", "B4": "red", "B5": "nir", "B6": "swir16", "B7": "swir22",
       "B8": "pan", "B9": "cirrus", "B10": "lwir11", "B11": "lwir12"}
_L7 = {"B1": "blue", "B2": "green", "B3": "red", "B4": "nir", "B5": "swir16", "B6": "lwir", "B7": "swir22",
       "B8": "pan"}
_FOUR = {"B1": "blue", "B2": "green", "B3": "red", "B4": "nir"}
_SIX = {**_FOUR, "B5": "swir16", "B6": "swir22"}

PRESETS: dict[str, SensorPreset] = {p.key: p for p in (
    SensorPreset("sentinel2_l1c", N_("Sentinel-2 L1C (top of atmosphere)"), _S2, _S2_ORDERS, "l1c"),
    SensorPreset("sentinel2_l2a", N_("Sentinel-2 L2A (surface reflectance)"), _S2,
                 {k: tuple(b for b in v if b != "B10") for k, v in _S2_ORDERS.items() if k != 13}, "l2a"),
    SensorPreset("landsat8", "Landsat 8/9 OLI", _L8,
                 {4: ("B2", "B3", "B4", "B5"), 6: ("B2", "B3", "B4", "B5", "B6", "B7"),
                  7: tuple(f"B{i}" for i in range(1, 8)), 11: tuple(f"B{i}" for i in range(1, 12))}, "l1c"),
    SensorPreset("landsat7", "Landsat 7 ETM+", _L7,
                 {4: ("B1", "B2", "B3", "B4"), 6: ("B1", "B2", "B3", "B4", "B5", "B7"),
                  7: tuple(f"B{i}" for i in range(1, 8)), 8: tuple(f"B{i}" for i in range(1, 9))}, "l1c"),
    SensorPreset("spot_pleiades_4band", N_("SPOT 6/7 or Pleiades, 4 bands (blue, green, red, NIR)"), _FOUR,
                 {4: ("B1", "B2", "B3", "B4")}, "l1c"),
    SensorPreset("panchromatic", N_("Panchromatic, 1 band (e.g. WorldView, Pleiades, SPOT pan)"), {"B1": "pan"},
                 {1: ("B1",)}, "l1c"),
    SensorPreset("generic", N_("Generic (band descriptions, or blue, green, red, NIR[, SWIR1, SWIR2] order)"), _SIX,
                 {4: ("B1", "B2", "B3", "B4"), 6: ("B1", "B2", "B3", "B4", "B5", "B6")}, "l1c"),
)}
SENSOR_KEYS = tuple(PRESETS)
COMMON_NAMES = ("coastal", "blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "nir09",
                "cirrus", "swir16", "swir22", "pan", "lwir", "lwir11", "lwir12")
_ALIASES = {"swir1": "swir16", "swir2": "swir22", "nir2": "nir08", "narrow_nir": "nir08", "rededge": "rededge1",
            "re1": "rededge1", "re2": "rededge2", "re3": "rededge3", "watervapour": "nir09", "wv": "nir09",
            "aerosol": "coastal", "panchromatic": "pan", "r": "red", "g": "green", "b": "blue", "nir1": "nir"}


def preset(key: str) -> SensorPreset:
    if key not in PRESETS:
        raise DeepMapperError(_("Unknown SENSOR '{key}'; use one of {sensor_keys}.").format(
            key=key, sensor_keys=', '.join(SENSOR_KEYS)))
    return PRESETS[key]


def _sensor_band_id(text: str) -> str | None:
    """'B02', 'b8a', 'SR_B4', 'Band 4', 'B4 (red)' -> 'B2', 'B8A', 'B4', 'B4', 'B4'."""
    m = re.search(r"(?:^|[^A-Z0-9])(?:B|BAND\s*)0*(\d{1,2}A?)(?:$|[^A-Z0-9])", text.upper().strip())
    return f"B{m.group(1)}" if m else None


def common_name(label: str, sensor: SensorPreset) -> str | None:
    """The common name a band label stands for under `sensor`, or None if it names none."""
    text = label.strip().lower().replace("-", "").replace(" ", "_")
    if text in COMMON_NAMES:
        return text
    if text in _ALIASES:
        return _ALIASES[text]
    band_id = _sensor_band_id(label)
    if band_id and band_id in sensor.names:
        return sensor.names[band_id]
    return None


def parse_band_mapping(text: str, band_count: int, sensor: SensorPreset) -> dict[str, int]:
    """Parse BANDS: either names in file order ('B2,B3,B4,B8' or 'blue,green,red,nir') or
    'name=band' pairs ('blue=1,nir=4'). Returns common name -> 1-based band index."""
    items = [t.strip() for t in re.split(r"[,;\s]+", text.strip()) if t.strip()]
    mapping: dict[str, int] = {}
    for pos, item in enumerate(items, start=1):
        name, sep, idx = item.partition("=")
        index = pos
        if sep:
            if not idx.strip().isdigit():
                raise DeepMapperError(_("BANDS entry '{item}': the part after '=' must be a band number (1-based).").format(
                    item=item))
            index = int(idx)
        if not 1 <= index <= band_count:
            raise DeepMapperError(_("BANDS entry '{item}' points at band {index}, but the raster has {band_count} "
                                  "bands.").format(item=item, index=index, band_count=band_count))
        cname = common_name(name, sensor)
        if cname is None:
            raise DeepMapperError(_("BANDS entry '{name}' is not a band name known for {sensor_label}; use band ids "
                                  "such as {sensor_names} or common names such as "
                                  "{common_names}.").format(
                name=name, sensor_label=_(sensor.label), sensor_names=', '.join(list(sensor.names)[:4]),
                common_names=', '.join(COMMON_NAMES[:6])))
        mapping[cname] = index
    return mapping


def raster_band_names(descriptions: Sequence[str | None], sensor: SensorPreset,
                      explicit: str | None = None) -> tuple[dict[str, int], str]:
    """Common name -> 1-based band index for a raster, and how it was decided: the end of the log's "Bands matched
    by ..." (translated)."""
    count = len(descriptions)
    if explicit and explicit.strip():
        return parse_band_mapping(explicit, count, sensor), _("the BANDS parameter")
    by_description: dict[str, int] = {}
    for i, desc in enumerate(descriptions, start=1):
        cname = common_name(desc, sensor) if desc else None
        if cname and cname not in by_description:
            by_description[cname] = i
    if by_description and len(by_description) == sum(1 for d in descriptions if d):
        return by_description, _("the band descriptions")
    if count in sensor.standard_orders:
        order = sensor.standard_orders[count]
        return {sensor.names[b]: i for i, b in enumerate(order, start=1)}, \
            _("the standard {sensor_label} order for {count} bands ({order})").format(
                sensor_label=_(sensor.label), count=count, order=", ".join(order))
    if by_description:
        return by_description, _("the band descriptions")
    known = ", ".join(f"{n}: {', '.join(o)}" for n, o in sensor.standard_orders.items())
    example = ",".join(f"{name}={i}" for i, name in enumerate(dict.fromkeys(sensor.names.values()), start=1)
                       if i <= 4)
    named = [d for d in descriptions if d]
    why = (_("their descriptions ({descriptions}) are not {sensor_label} band names").format(
        descriptions=", ".join(named[:6]) + (", ..." if len(named) > 6 else ""), sensor_label=_(sensor.label))
        if named else _("they have no descriptions"))
    raise DeepMapperError(
        _("Cannot tell which of the raster's {count} bands is which: {why}, and {sensor_label} has no standard "
          "order for {count} bands (known: {known}). Choose the SENSOR the raster comes from, or set BANDS, e.g. "
          "'{example}'.").format(count=count, why=why, sensor_label=_(sensor.label), known=known, example=example))


def select_bands(available: dict[str, int], wanted: Sequence[str], model_id: str, how: str) -> list[int]:
    """1-based indexes of `wanted` bands, or an error naming every missing one."""
    missing = [b for b in wanted if b not in available]
    if missing:
        have = ", ".join(sorted(available, key=COMMON_NAMES.index)) or _("none")
        raise DeepMapperError(
            _("Model '{model_id}' needs the bands {wanted}; the raster lacks {missing} "
            "(bands found from {how}: {have}). Choose a model whose bands the raster has (Raster > DeepMapper > "
            "Models lists each model's bands), give a raster with these bands, or map them with BANDS.").format(
                model_id=model_id, wanted=', '.join(wanted), missing=', '.join(missing), how=how, have=have))
    return [available[b] for b in wanted]
