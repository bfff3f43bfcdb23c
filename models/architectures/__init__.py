"""Torch architectures a card can name (card["architecture"] = {"name": ..., "params": {...}}).

Every module in this folder registers its factories with @register; build() imports them all on first use, so a
new architecture needs only a new file here.
"""
from __future__ import annotations

import importlib
import pkgutil

from ...plugin.core.engine.errors import DeepMapperError
from ...plugin.core.engine.messages import _

ARCHITECTURES = {}


def register(name: str):
    def deco(factory):
        ARCHITECTURES[name] = factory
        return factory
    return deco


def _load_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{info.name}")


def build(spec: dict, in_channels: int, n_classes: int):
    _load_all()
    name = spec.get("name")
    if name not in ARCHITECTURES:
        raise DeepMapperError(_("Unknown architecture '{name}' in a model card; known: {architectures}.").format(
            name=name, architectures=', '.join(ARCHITECTURES)))
    return ARCHITECTURES[name](in_channels=in_channels, n_classes=n_classes, **spec.get("params", {}))
