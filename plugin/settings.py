"""DeepMapper's user settings (QgsSettings under "deepmapper/"): the algorithms' defaults and where models live.

    settings = Settings.load()      # a plain dataclass; the algorithms read their parameter defaults from it
    settings.threads = 4
    settings.save()

User model folders replace the DEEPMAPPER_MODEL_PATH environment variable, which the registry still reads as a
fallback (models/registry.py card_dirs): both are searched. Models trained without a model folder set go to the
default model folder, `<QGIS profile>/deepmapper/models` (default_model_folder), which is always searched too.
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


def profile_folder(*parts: str) -> str:
    """`<QGIS profile settings folder>/deepmapper/<parts>`: DeepMapper's own files that go with the profile."""
    return os.path.join(QgsApplication.qgisSettingsDirPath(), "deepmapper", *parts)


def default_model_folder() -> str:
    """Where trained models go when the user set no model folder: inside the QGIS profile (searched by the registry
    whatever the settings say), so a trained model is listed in the MODEL dropdowns and the model manager."""
    return profile_folder("models")


def default_patches_folder() -> str:
    """Where 'Extract training patches' puts a dataset unless told otherwise (beside the default model folder)."""
    return profile_folder("patches")


def numbered_path(path: str) -> str:
    """`path` when no such file exists, else the first free `<stem>_2<ext>`, `<stem>_3<ext>`, ...: a default output
    never replaces an earlier result."""
    stem, ext = os.path.splitext(path)
    n = 2
    while os.path.exists(path):
        path, n = f"{stem}_{n}{ext}", n + 1
    return path


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

    @property
    def save_folder(self) -> str:
        """Where new models go: the first user model folder, else default_model_folder()."""
        return self.model_folders[0] if self.model_folders else default_model_folder()

    @property
    def search_folders(self) -> list[str]:
        """The folders the registry reads after the bundled cards: the default model folder, then the user's (a
        later folder overrides a card of the same id)."""
        return list(dict.fromkeys([default_model_folder(), *self.model_folders]))


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
