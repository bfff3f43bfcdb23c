"""The command line on the QGIS-free engine: `python -m deepmapper <task> NAME=value ...`, with the Processing
algorithms' parameter names, a progress bar, and batch runs over a folder, a glob or a list of scenes (one JSON
summary per run; a scene that fails is reported and the others are still done), in this process or on a Dask cluster
(--scheduler / --workers). May import plugin.core.batch, plugin.core.distributed (only when asked to distribute, so
dask stays optional) and the engine; never qgis, and nothing imports it but the package's __main__.
"""
