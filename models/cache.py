"""Files the plugin derives from a model's verified weights and keeps between runs (int8 graphs, onnxruntime's
optimised graphs): where they go, and how one is published and checked.

A derived file is written under a temporary name beside its target and moved into place with its SHA-256 written
next to it (`<name>.sha256`), so a concurrent run (a Dask worker, a second QGIS) finds a whole file or none, and a
truncated or damaged file is built again instead of being used.
"""
from __future__ import annotations

import os
from pathlib import Path

from .card import ModelCard
from .registry import sha256_of

CACHE_ENV = "DEEPMAPPER_CACHE"


def cache_root(card: ModelCard) -> Path:
    """$DEEPMAPPER_CACHE when set (one cache for QGIS, qgis_process and the command line), else the download folder
    of the settings (the registry's download_dir), else ~/.cache/deepmapper ($XDG_CACHE_HOME/deepmapper)."""
    base = os.environ.get(CACHE_ENV) or card.extra.get("download_dir") or (
        Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "deepmapper")
    return Path(base)


def digest_path(path: Path) -> Path:
    """Where the SHA-256 of the derived file `path` is kept."""
    return path.with_name(path.name + ".sha256")


def intact(path: Path) -> bool:
    """True when the derived file exists and matches the SHA-256 recorded when it was built."""
    try:
        return path.is_file() and digest_path(path).read_text().strip() == sha256_of(path)
    except OSError:  # no digest (or unreadable): build again
        return False


def publish(built: Path, target: Path) -> None:
    """Move the finished file `built` (in the same folder as `target`) into place, its digest first; raises OSError
    when the folder cannot be written."""
    digest = built.with_name(digest_path(target).name + f".{os.getpid()}")
    digest.write_text(sha256_of(built))
    os.replace(digest, digest_path(target))
    os.replace(built, target)  # atomic: a concurrent run finds a whole file or none
