"""Class rasters from images: the pipeline shared by cloud masking and segmentation.

pipeline.py turns a raster and a model card into a class raster (model and band choice, streaming inference,
probabilities, polygons); postprocess.py holds the per-strip rules (thresholds, dilation, nodata); cloudmask.py and
segment.py are the two tasks built on it. May import the engine and models; never training, labelling or qgis.
"""
