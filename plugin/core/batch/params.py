"""`NAME=value` pairs (the Processing parameter names) -> an engine request dataclass.

The CLI takes the same parameter names as the Processing algorithms (INPUT, OUTPUT, TILE_SIZE, ...). A name maps to
the request field of the same name in lower case (TILE_SIZE -> tile_size) unless the task gives an alias (SCALE ->
scale_mode for super-resolution). Values are converted with the field's type hint; the conventions of the dialogs
hold: an empty value is "not given", 0 means "automatic" for TILE_SIZE, OVERLAP and SCALE, and -1 means "the model's
default" for optional integers.
"""
from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any, Mapping

from ..engine.errors import DeepMapperError
from ..engine.messages import _

AUTO_ZERO = frozenset({"tile_size", "overlap", "scale"})  # 0 = automatic, as in the dialogs
TRUE, FALSE = {"1", "true", "yes", "on", "y"}, {"0", "false", "no", "off", "n"}


def parse_assignments(args: list[str]) -> dict[str, str]:
    """['INPUT=a.tif', 'TILE_SIZE=512'] -> {'INPUT': 'a.tif', 'TILE_SIZE': '512'}.

    Raises DeepMapperError for an argument without '=' or a name given twice.
    """
    values: dict[str, str] = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        name = name.strip().upper()
        if not sep or not name:
            raise DeepMapperError(_("'{arg}' is not a NAME=value pair; write parameters as e.g. INPUT=scene.tif.").format(
                arg=arg))
        if name in values:
            raise DeepMapperError(_("{name} is given twice; give each parameter once.").format(name=name))
        values[name] = value.strip()
    return values


def field_names(request_type: type, aliases: Mapping[str, str]) -> dict[str, str]:
    """Parameter name -> request field, for every field of the dataclass (aliases first)."""
    names = {f.name.upper(): f.name for f in dataclasses.fields(request_type)}
    for param, field_name in aliases.items():
        names.pop(field_name.upper(), None)
        names[param] = field_name
    return names


def _base_type(hint: Any) -> tuple[type, bool]:
    """The concrete type behind a hint such as `int | None`, and whether None is allowed."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        optional = type(None) in args
        concrete = [a for a in args if a is not type(None)]
        if any(typing.get_origin(a) is tuple for a in concrete):
            return tuple, optional  # EXTENT: xmin, ymin, xmax, ymax (see _extent)
        for preferred in (bool, int, float, str):
            if preferred in concrete:
                return preferred, optional
        return str, optional
    if hint in (bool, int, float, str):
        return hint, False
    return str, False


def convert(name: str, field_name: str, hint: Any, text: str) -> Any:
    """One value, converted by the field's type; raises DeepMapperError naming the parameter and what it takes."""
    kind, optional = _base_type(hint)
    if text == "":
        return None if optional else ("" if kind is str else None)
    try:
        if kind is bool:
            low = text.lower()
            if low not in TRUE | FALSE:
                raise ValueError(text)
            return low in TRUE
        if kind is tuple:
            return _extent(name, text)
        if kind is int:
            value: Any = int(text)
        elif kind is float:
            value = float(text)
        else:
            return text
    except ValueError:
        what = {bool: "true or false", int: "a whole number", float: "a number"}[kind]
        raise DeepMapperError(_("{name}={text}: {name} takes {what}.").format(
            name=name, text=text, what=what)) from None
    if optional and ((field_name in AUTO_ZERO and value == 0) or (kind is int and value < 0)):
        return None
    return value


def _extent(name: str, text: str) -> tuple[float, float, float, float]:
    """EXTENT as Processing writes it, 'xmin,xmax,ymin,ymax', in the raster's CRS -> (xmin, ymin, xmax, ymax), the
    engine's order. Raises DeepMapperError for anything else, a CRS suffix included (the command line has no map
    canvas to transform from)."""
    if "[" in text:
        raise DeepMapperError(_("{name}={text}: on the command line {name} is in the raster's own CRS; give "
                              "xmin,xmax,ymin,ymax without a [CRS].").format(name=name, text=text))
    try:
        xmin, xmax, ymin, ymax = (float(v) for v in text.split(","))
    except ValueError:
        raise DeepMapperError(_("{name}={text}: {name} takes four numbers xmin,xmax,ymin,ymax in the raster's CRS, "
                              "as Processing writes an extent.").format(name=name, text=text)) from None
    if not (xmin < xmax and ymin < ymax):
        raise DeepMapperError(_("{name}={text}: xmin must be below xmax and ymin below ymax (the order is "
                              "xmin,xmax,ymin,ymax).").format(name=name, text=text))
    return xmin, ymin, xmax, ymax


def build_request(request_type: type, values: Mapping[str, str], aliases: Mapping[str, str] | None = None) -> Any:
    """A request dataclass from parameter values; raises DeepMapperError for unknown or missing parameters."""
    names = field_names(request_type, aliases or {})
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise DeepMapperError(_("Unknown parameter(s) {unknown}; this task takes "
                              "{names}.").format(unknown=', '.join(unknown), names=', '.join(sorted(names))))
    hints = typing.get_type_hints(request_type)
    kwargs = {names[n]: convert(n, names[n], hints[names[n]], v) for n, v in values.items()}
    required = [p for p, f in names.items() if _is_required(request_type, f) and kwargs.get(f) in (None, "")]
    if required:
        raise DeepMapperError(_("Missing parameter(s): {required}.").format(required=', '.join(sorted(required))))
    return request_type(**{k: v for k, v in kwargs.items() if v is not None})  # not given: the field's default


def _is_required(request_type: type, field_name: str) -> bool:
    field = {f.name: f for f in dataclasses.fields(request_type)}[field_name]
    return field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING


def describe(request_type: type, aliases: Mapping[str, str] | None = None) -> list[tuple[str, str, str]]:
    """(parameter, type, default) rows for --help."""
    hints = typing.get_type_hints(request_type)
    fields = {f.name: f for f in dataclasses.fields(request_type)}
    rows = []
    for param, name in sorted(field_names(request_type, aliases or {}).items()):
        kind, _ = _base_type(hints[name])
        field = fields[name]
        default = "required" if _is_required(request_type, name) else (
            "" if field.default in (None, dataclasses.MISSING) else str(field.default))
        rows.append((param, "xmin,xmax,ymin,ymax" if kind is tuple else kind.__name__, default))
    return rows
