"""Errors the engine raises. Messages name the problem and the fix: the QGIS layer shows them as they are."""
from __future__ import annotations

import importlib
from types import ModuleType

from .messages import _


class DeepMapperError(Exception):
    """A problem the user can fix (bad input, missing model, missing dependency)."""


class NoValidPixelsError(DeepMapperError):
    """The raster holds no valid pixel in the bands asked for: a fault of the data, not of a model's choice (so it is
    named before what any model would need)."""


class CancelledError(DeepMapperError):
    """The user cancelled; outputs were not written."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or _("Cancelled by the user; no output was written."))


class MissingDependencyError(DeepMapperError):
    """A Python package the chosen model needs is not installed.

    `purpose` is English marked with `N_()` where `require` is called ("PyTorch models"); it is translated here,
    when the message is built, so that the whole message is in the user's language."""

    def __init__(self, package: str, purpose: str) -> None:
        super().__init__(_(
            "The Python package '{package}' is needed for {purpose} but is not installed. "
            "In QGIS: Raster > DeepMapper > Install dependencies; elsewhere: `pip install {package}` into the "
            "Python that runs DeepMapper.").format(package=package, purpose=_(purpose)))
        self.package = package


def require(package: str, purpose: str) -> ModuleType:
    """Import an optional heavy package when it is first needed, or say how to install it.

    `purpose` completes "is needed for ...": mark it with `N_("...")` at the call (translated in the error)."""
    try:
        return importlib.import_module(package)
    except ImportError as exc:
        raise MissingDependencyError(package, purpose) from exc
