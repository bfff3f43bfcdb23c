"""Sentinel-2 super-resolution: the streaming pipeline (pipeline.py), 2x resampling and the consistency projection
(resample.py), Sentinel-2 product input (s2_product.py), and the Wald-protocol validation (validation.py) with its
scores (metrics.py), result (results.py) and report (report.py, markup in
plugin/core/reporting/templates). May import the engine, the shared report templates and models.
"""
