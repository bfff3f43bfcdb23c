"""Translatable engine messages without Qt: `_()` marks the errors and log lines users read.

The engine never imports qgis, so it cannot call QCoreApplication.translate itself. Messages are written as
templates with named fields, `_("Model '{model}' needs {bands}.").format(model=..., bands=...)`, so that a
translation can reorder the fields and keep number formats ("{p:.2f}"). By default `_` returns the text unchanged
(plain Python, the CLI, Dask workers speak English); the plugin layer installs Qt's translator once, with the
"DeepMapper" context that scripts/update_translations.py collects these strings into. Text defined before any
translator is installed (module constants such as a sensor preset's label) is marked with `N_("...")`, which only
marks it for collection, and translated where it is used, `_(label)`.
"""
from __future__ import annotations

from typing import Callable

Translator = Callable[[str], str]


def _identity(text: str) -> str:
    return text


_translator: Translator = _identity


def install_translator(translate: Translator | None) -> None:
    """Route every later `_()` through `translate` (None restores English). The function must be thread-safe:
    engine work runs in QgsTask threads (QCoreApplication.translate is)."""
    global _translator
    _translator = translate or _identity


def _(text: str) -> str:  # noqa: N802 (gettext's name, so that the templates read as text)
    """The translation of the template `text`, or `text` itself when no translation is known."""
    try:
        translated = _translator(text)
    except Exception:  # a broken translator must never hide the message it was asked for
        return text
    return translated or text


def N_(text: str) -> str:  # noqa: N802 (gettext's name)
    """Mark `text` for translation without translating it now (gettext's N_): for module-level constants, which exist
    before the plugin installs its translator. Translate them where they are shown: `_(CONSTANT)`."""
    return text
