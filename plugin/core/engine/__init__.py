"""The streaming engine: the bottom layer that every task stands on.

Raster I/O with atomic outputs and scratch files (raster_io), tile arithmetic (tiling), streaming tiled inference
(inference), band matching and sensor presets (bands), reflectance units (units), device choice (device), progress
and cancellation (progress), the project's errors (errors), vector labels rasterised on a pixel grid
(vector_labels) and class rasters to polygons (vectorize). It imports nothing else of the project (only numpy,
GDAL/rasterio, shapely, geopandas) and never qgis; everything above may import it.
"""
