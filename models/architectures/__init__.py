"""Torch architectures a card can name (card["architecture"] = {"name": ..., "params": {...}})."""
from __future__ import annotations

from ...plugin.core.errors import DeepMapperError

ARCHITECTURES = {}


def register(name: str):
    def deco(factory):
        ARCHITECTURES[name] = factory
        return factory
    return deco


def build(spec: dict, in_channels: int, n_classes: int):
    from . import fcn  # noqa: F401  (registers its architectures)
    name = spec.get("name")
    if name not in ARCHITECTURES:
        raise DeepMapperError(f"Unknown architecture '{name}' in a model card; known: {', '.join(ARCHITECTURES)}.")
    return ARCHITECTURES[name](in_channels=in_channels, n_classes=n_classes, **spec.get("params", {}))
