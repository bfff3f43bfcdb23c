"""The QGIS-free engine: tiling, streaming inference, raster/vector I/O, metrics. Never imports qgis."""
