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


def check_plan(values: Mapping[str, str], outputs: Mapping[str, str], scenes: list[str], batch: bool,
               summary: Path, scene_param: str = "INPUT") -> None:
    """Refuse a run, before any scene runs, that would write over its own files: two scenes with one output (the
    same file name in two folders), an output that is a scene of the run or another input file (a scene folder
    that holds an earlier run's outputs), or the summary on an input or output; and one whose output folders (or the
    summary's) cannot be written. Raises DeepMapperError naming the files and the fix."""
    def key(path: str | Path) -> str:
        return os.path.realpath(path)  # absolute, links resolved: one file, one key

    inputs = {key(s): s for s in scenes}
    inputs.update({key(v): v for p, v in values.items() if p not in outputs and isinstance(v, str) and v
                   and os.path.isfile(v)})
    written: dict[str, tuple[str, str]] = {}  # output file -> (scene, parameter)
    for scene in scenes:
        for param, path in scene_outputs(values, outputs, scene, batch).items():
            k = key(path)
            if k in written:
                raise DeepMapperError(_(
                    "Scenes {first} and {second} would both write {path} ({param}): give {param} a pattern that "
                    "tells them apart, or run them into separate folders.").format(
                    first=written[k][0], second=scene, path=path, param=param))
            if k in inputs:
                raise DeepMapperError(_(
                    "{param} of scene {scene} would be written over the input {path} (an earlier run's output "
                    "among the scenes?): choose an output folder apart from the inputs, or leave that file out "
                    "of {scenes_param}.").format(param=param, scene=scene, path=path, scenes_param=scene_param))
            written[k] = (scene, param)
    if key(summary) in inputs or key(summary) in written:
        raise DeepMapperError(_("--summary {summary} is an input or an output of this run; give the JSON summary "
                                "a file of its own.").format(summary=summary))
    for path in [summary, *(Path(p) for p in written)]:
        folder = Path(path).parent
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not os.access(folder, os.W_OK):
            raise DeepMapperError(_("The folder {folder} cannot be written (read-only or not yours), so {path} "
                                    "cannot be made there; choose another place.").format(folder=folder, path=path))
