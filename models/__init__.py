"""Models: the card schema and checks (card.py), the registry of installed models with SHA-256 verified weights
(registry.py), backends that turn a card into a predictor (backends/: ONNX Runtime, torch, LightGBM) and torch
architectures (architectures/). Sits above the engine (it may import plugin.core.engine: errors, device) and below
every task package; never imports qgis.
"""
