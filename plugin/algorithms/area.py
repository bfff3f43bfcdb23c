"""EXTENT and MASK: run an algorithm on the visible extent or inside (selected) polygons only.

The engine stays QGIS-free: EXTENT becomes bounds in the raster's CRS, MASK a polygon file (the selected features
exported to a temporary GeoPackage when "Selected features only" is ticked); plugin/core/engine/subset.py turns them
into a pixel window and a mask on the raster's grid.
"""
from __future__ import annotations

from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingParameterExtent,
                       QgsProcessingParameterFeatureSource)

EXTENT, MASK = "EXTENT", "MASK"


def add_area_parameters(alg) -> None:
    """Optional EXTENT and MASK parameters on `alg` (a DeepMapperAlgorithm)."""
    alg.addParameter(QgsProcessingParameterExtent(
        EXTENT, alg.tr("Extent to process (empty: whole image)"), optional=True))
    alg.addParameter(QgsProcessingParameterFeatureSource(
        MASK, alg.tr("Mask polygons (empty: everywhere)"), [QgsProcessing.TypeVectorPolygon],
        optional=True))


def area_options(alg, parameters: dict, context, feedback, crs) -> dict:
    """{'extent': (xmin, ymin, xmax, ymax) in `crs` (the input raster's) or None, 'mask': a polygon file or None}."""
    extent = None
    if parameters.get(EXTENT) not in (None, ""):
        rect = alg.parameterAsExtent(parameters, EXTENT, context, crs)
        if not rect.isNull() and not rect.isEmpty():
            extent = (rect.xMinimum(), rect.yMinimum(), rect.xMaximum(), rect.yMaximum())
    mask = None
    if parameters.get(MASK) not in (None, ""):
        source = alg.parameterAsSource(parameters, MASK, context)
        if source is None:
            raise QgsProcessingException(alg.tr("The mask is not a polygon layer; give polygons, or leave it empty."))
        if source.featureCount() == 0:
            raise QgsProcessingException(alg.tr(
                "The mask layer has no polygons (or none selected, with 'Selected features only' ticked); select the "
                "polygons to process inside, or leave the mask empty."))
        # Selected features only, memory and database layers: exported to a temporary GeoPackage the engine reads.
        mask = alg.parameterAsCompatibleSourceLayerPath(parameters, MASK, context, ["gpkg"], "gpkg", feedback)
    return {"extent": extent, "mask": mask}
