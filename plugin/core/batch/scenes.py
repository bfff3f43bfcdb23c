"""Scenes of a batch run and the output paths named after them.

INPUT (or PREDICTION for assessaccuracy) may be one raster, a folder (its rasters, not recursive), a glob pattern
(`scenes/*.tif`), a comma-separated list, or `@list.txt` (one path a line, `#` comments). With more than one scene,
each output parameter names a folder (created when missing) or a pattern holding `{name}` (the scene's file name
without extension); the outputs are then `<folder>/<name><suffix>`. One scene keeps its outputs as given, unless an
output names an existing folder.
"""
from __future__ import annotations

import glob
import os
from pathlib import Path
from typing import Mapping

from ..engine.errors import DeepMapperError
from ..engine.messages import _

RASTER_SUFFIXES = (".tif", ".tiff", ".vrt", ".jp2", ".img", ".nc", ".hdr", ".dat", ".zip", ".xml", ".safe")


def expand_scenes(value: str) -> tuple[list[str], bool]:
    """(scene paths, whether the value named several scenes); raises DeepMapperError when nothing matches."""
    if value.startswith("@"):
        listing = Path(value[1:])
        if not listing.is_file():
            raise DeepMapperError(_("The scene list {listing} does not exist; give a text file with one path a line.").format(
                listing=listing))
        base = listing.parent
        scenes = [str((base / line).resolve()) if not os.path.isabs(line) else line
                  for line in (raw.split("#", 1)[0].strip() for raw in listing.read_text().splitlines()) if line]
        return _existing(scenes, value), True
    if os.path.isdir(value) and not value.lower().rstrip("/").endswith(".safe"):
        scenes = sorted(str(p) for p in Path(value).iterdir()
                        if p.is_file() and p.suffix.lower() in RASTER_SUFFIXES and not p.name.endswith(".aux.xml"))
        if not scenes:
            raise DeepMapperError(_("The folder {value} holds no raster ({raster_suffixes}, ...).").format(
                value=value, raster_suffixes=', '.join(RASTER_SUFFIXES[:4])))
        return scenes, True
    if any(ch in value for ch in "*?["):
        scenes = sorted(glob.glob(value))
        if not scenes:
            raise DeepMapperError(_("No file matches {value}; check the pattern (quote it so the shell leaves it).").format(
                value=value))
        return scenes, True
    if "," in value and not os.path.exists(value):
        return _existing([p.strip() for p in value.split(",") if p.strip()], value), True
    return [value], False


def _existing(scenes: list[str], given: str) -> list[str]:
    if not scenes:
        raise DeepMapperError(_("{given} names no scene.").format(given=given))
    missing = [s for s in scenes if not os.path.exists(s)]
    if missing:
        raise DeepMapperError(_("These scenes do not exist: {missing}"
                              "{value}; correct the list.").format(
            missing=', '.join(missing[:5]), value=_(" ...") if len(missing) > 5 else _("")))
    return scenes


def scene_name(path: str) -> str:
    """A scene's name for its outputs: the file name without extension (the product folder's for SAFE/MTD)."""
    p = Path(path.rstrip("/"))
    if p.name.upper().startswith("MTD") and p.parent.suffix.upper() == ".SAFE":
        p = p.parent
    name = p.name
    for suffix in (".SAFE", ".safe", ".zip"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
    return Path(name).stem if "." in name else name


def scene_outputs(values: Mapping[str, str], outputs: Mapping[str, str], scene: str, batch: bool
                  ) -> dict[str, str]:
    """The output parameters of one scene: folders and {name} patterns resolved, other values as given.

    Raises DeepMapperError when a batch run gives an output as a plain file (every scene would overwrite it).
    """
    name = scene_name(scene)
    resolved = {}
    for param, suffix in outputs.items():
        value = values.get(param, "")
        if not value:
            continue
        if "{name}" in value:
            resolved[param] = value.replace("{name}", name)
        elif value.endswith(("/", os.sep)) or os.path.isdir(value) or (batch and not Path(value).suffix):
            os.makedirs(value, exist_ok=True)
            resolved[param] = os.path.join(value, name + suffix)
        elif batch:
            raise DeepMapperError(_("{param}={value} is one file, but there are several scenes; give a folder "
                                  "({param}=out/) or a pattern with {{name}} ({param}=out/{{name}}{suffix}).").format(
                param=param, value=value, suffix=suffix))
        else:
            resolved[param] = value
    return resolved
