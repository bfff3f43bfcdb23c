"""The command line on the QGIS-free engine: `python -m deepmapper <task> NAME=value ...`, with the Processing
algorithms' parameter names, a progress bar, and batch runs over a folder, a glob or a list of scenes (one JSON
summary per run; a scene that fails is reported and the others are still done). May import every task package below
it (classify, superres, accuracy) and the engine; never qgis, and nothing imports it but the package's __main__.
"""
