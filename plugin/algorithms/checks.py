"""Checks every algorithm runs on its parameter values before any work (DeepMapperAlgorithm.checkParameterValues).

They refuse, with the problem and the fix in words, what would otherwise fail half-way or with a traceback: inputs
QGIS cannot load (not a raster, not a vector, complex pixel values) and output paths that cannot be written (a
folder that does not exist, a file where a folder should be, no write permission, an output that is an input).
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Callable, Iterator

from qgis.core import (Qgis, QgsProcessing, QgsProcessingOutputLayerDefinition, QgsProcessingParameterFolderDestination,
                       QgsProperty)

COMPLEX_TYPES = {Qgis.CInt16, Qgis.CInt32, Qgis.CFloat32, Qgis.CFloat64}
Tr = Callable[[str], str]


@contextmanager
def no_sidecars() -> Iterator[None]:
    """Layers opened inside never write GDAL .aux.xml files beside the user's inputs.

    QGIS computes band statistics for a raster layer's default style when it loads it, and GDAL keeps them in a
    .aux.xml beside the file when the dataset closes. A dataset opened while PAM is disabled (thread-local, so the
    rest of QGIS is unaffected) never writes one; parameter layers are first loaded here, then reused from the
    processing context.
    """
    from osgeo import gdal
    previous = gdal.GetThreadLocalConfigOption("GDAL_PAM_ENABLED", None)
    gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", "NO")
    try:
        yield
    finally:
        gdal.SetThreadLocalConfigOption("GDAL_PAM_ENABLED", previous)


def file_of(source: str) -> str:
    """The file path of a layer source or parameter value ('x.gpkg|layername=a' -> 'x.gpkg')."""
    return source.split("|", 1)[0]


def input_problem(alg, parameters: dict, context, tr: Tr) -> str | None:
    """What is wrong with an input layer parameter, or None."""
    for param in alg.parameterDefinitions():
        value = parameters.get(param.name())
        if value in (None, "", []) or param.isDestination():
            continue
        kind = param.type()
        if kind == "raster":
            layer = alg.parameterAsRasterLayer(parameters, param.name(), context)
            if layer is None:
                return tr("{}: '{}' is not a raster layer or a raster file GDAL can read; give a GeoTIFF or another "
                          "GDAL-readable image.").format(param.description(), value)
            problem = _complex_problem(layer, param.description(), tr)
            if problem:
                return problem
        elif kind == "source":
            if alg.parameterAsSource(parameters, param.name(), context) is None:
                return tr("{}: '{}' is not a vector layer or a vector file OGR can read; give a GeoPackage, a "
                          "shapefile or another OGR-readable vector file.").format(param.description(), value)
        elif kind == "multilayer":
            given = value if isinstance(value, (list, tuple)) else [value]
            layers = alg.parameterAsLayerList(parameters, param.name(), context)
            if len(layers) < len(given):
                loaded = {file_of(layer.source()) for layer in layers}
                bad = [str(v) for v in given if not isinstance(v, str) or file_of(v) not in loaded]
                return tr("{}: '{}' is not a raster layer or a raster file GDAL can read; give GeoTIFFs or other "
                          "GDAL-readable images.").format(param.description(), ", ".join(bad) or given)
            for layer in layers:
                problem = _complex_problem(layer, param.description(), tr)
                if problem:
                    return problem
    return None


def _complex_problem(layer, description: str, tr: Tr) -> str | None:
    provider = layer.dataProvider() if hasattr(layer, "dataProvider") else None
    if provider is None or not hasattr(provider, "bandCount"):
        return None
    if any(provider.dataType(b) in COMPLEX_TYPES for b in range(1, provider.bandCount() + 1)):
        return tr("{}: '{}' holds complex pixel values (e.g. radar CInt16/CFloat32), which no model here takes; "
                  "convert it to real values first (e.g. its amplitude with gdal_calc.py, or gdal_translate -ot "
                  "Float32).").format(description, file_of(layer.source()))
    return None


def input_files(alg, parameters: dict, context) -> set[str]:
    """Absolute paths of every file given as an input (layers and files)."""
    files = set()
    for param in alg.parameterDefinitions():
        value = parameters.get(param.name())
        if value in (None, "", []) or param.isDestination():
            continue
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if isinstance(v, str) and v:
                files.add(os.path.abspath(file_of(v)))
        if param.type() in ("raster", "source", "vector", "layer"):
            layer = alg.parameterAsLayer(parameters, param.name(), context)
            if layer is not None:
                files.add(os.path.abspath(file_of(layer.source())))
    return files


def destination_path(value, context) -> str | None:
    """The file path a destination parameter value names, or None (temporary outputs, databases, memory)."""
    if isinstance(value, QgsProcessingOutputLayerDefinition):
        value = value.sink
    if isinstance(value, QgsProperty):
        value = value.valueAsString(context.expressionContext())[0] \
            if value.propertyType() != QgsProperty.StaticProperty else value.staticValue()
    if not isinstance(value, str) or not value or value == QgsProcessing.TEMPORARY_OUTPUT:
        return None
    if value.startswith(("memory:", "postgres:", "postgis:", "spatialite:", "ogr:", "/vsi")) or "://" in value:
        return None
    return file_of(value)


def output_problem(alg, parameters: dict, context, tr: Tr) -> str | None:
    """What is wrong with an output path, or None: its folder must exist and be writable, and it must be no input."""
    inputs = input_files(alg, parameters, context)
    for param in alg.destinationParameterDefinitions():
        path = destination_path(parameters.get(param.name()), context)
        if path is None:
            continue
        path = os.path.abspath(path)
        if path in inputs:
            return tr("{}: '{}' is also an input file; choose another output path (inputs are never "
                      "overwritten).").format(param.description(), path)
        inside = next((i for i in inputs if os.path.isdir(i) and path.startswith(i.rstrip(os.sep) + os.sep)), None)
        if inside is not None:  # e.g. a model card written into the patch dataset it is trained on
            return tr("{}: '{}' is inside the input folder '{}'; choose a path outside it (inputs are never "
                      "changed).").format(param.description(), path, inside)
        if isinstance(param, QgsProcessingParameterFolderDestination) and os.path.exists(path) and \
                not os.path.isdir(path):
            return tr("{}: '{}' is a file, not a folder; choose a folder path.").format(param.description(), path)
        folder = os.path.dirname(path)
        ancestor = folder
        while ancestor and not os.path.exists(ancestor):
            ancestor = os.path.dirname(ancestor) if os.path.dirname(ancestor) != ancestor else ""
        if ancestor and not os.path.isdir(ancestor):
            return tr("{}: '{}' cannot be written: '{}' is a file, not a folder; choose a path in an existing "
                      "folder.").format(param.description(), path, ancestor)
        if not os.path.isdir(folder):
            return tr("{}: the folder '{}' does not exist; create it first or choose an existing folder.").format(
                param.description(), folder)
        if not os.access(folder, os.W_OK | os.X_OK):
            return tr("{}: the folder '{}' is not writable; choose a folder you may write in.").format(
                param.description(), folder)
    return None
