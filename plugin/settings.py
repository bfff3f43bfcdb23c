"""DeepMapper's user settings (QgsSettings under "deepmapper/"): the algorithms' defaults and where models live.

    settings = Settings.load()      # a plain dataclass; the algorithms read their parameter defaults from it
    settings.threads = 4
    settings.save()

User model folders replace the DEEPMAPPER_MODEL_PATH environment variable, which the registry still reads as a
fallback (models/registry.py card_dirs): both are searched.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, fields

from qgis.core import QgsApplication, QgsSettings

from .core.engine.device import DEVICES

PREFIX = "deepmapper/"


def default_cache_folder() -> str:
    """Downloaded model weights: inside the QGIS profile, so they survive QGIS updates and go with the profile."""
    return os.path.join(QgsApplication.qgisSettingsDirPath(), "cache", "deepmapper")


@dataclass
class Settings:
    device: str = "auto"  # one of DEVICES
    threads: int = 0  # CPU threads per model; 0: the runtime's own choice (every core)
    tile_size: int = 0  # pixels; 0: the model's own
    batch_size: int = 0  # tiles per batch; 0: from free memory
    model_folders: list[str] = field(default_factory=list)  # folders of model cards, searched after the bundled
    cache_folder: str = ""  # where downloaded weights go; '' = default_cache_folder()

    @classmethod
    def load(cls) -> "Settings":
        """The saved settings; a missing or unreadable value falls back to its default."""
        store, default = QgsSettings(), cls()
        values = {}
        for f in fields(cls):
            raw = store.value(PREFIX + f.name, None)
            values[f.name] = _coerce(raw, getattr(default, f.name))
        settings = cls(**values)
        if settings.device not in DEVICES:
            settings.device = "auto"
        return settings

    def save(self) -> None:
        store = QgsSettings()
        for f in fields(self):
            value = getattr(self, f.name)
            store.setValue(PREFIX + f.name, list(value) if isinstance(value, list) else value)

    @property
    def cache(self) -> str:
        return self.cache_folder or default_cache_folder()


def _coerce(raw, default):
    """QgsSettings gives strings (INI files) or None; turn them back into the default's type."""
    if raw is None or raw == "":
        return default if not isinstance(default, list) else list(default)
    if isinstance(default, list):
        items = raw if isinstance(raw, (list, tuple)) else [raw]
        return [str(i) for i in items if str(i).strip()]
    if isinstance(default, int):
        try:
            return max(0, int(raw))
        except (TypeError, ValueError):
            return default
    return str(raw)
