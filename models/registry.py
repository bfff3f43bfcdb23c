"""The model zoo: bundled cards, cards of models shipped inside installed packages, and users' own cards.

Weights are referred to by a path relative to the card, an absolute path, or `package:NAME/PATH` for a file inside
an installed Python package (found without importing the package). Every load checks the SHA-256 of the weights.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Callable, Collection, Iterable

from ..plugin.core.engine.errors import DeepMapperError
from .card import CardError, ModelCard

BUNDLED_CARDS = Path(__file__).parent / "cards"
MODEL_PATH_ENV = "DEEPMAPPER_MODEL_PATH"


def card_dirs(extra: Iterable[str | os.PathLike] = ()) -> list[Path]:
    """Folders searched for cards: bundled, then $DEEPMAPPER_MODEL_PATH (os.pathsep-separated), then `extra`."""
    dirs = [BUNDLED_CARDS]
    dirs += [Path(p) for p in os.environ.get(MODEL_PATH_ENV, "").split(os.pathsep) if p]
    dirs += [Path(p) for p in extra]
    return dirs


class Registry:
    def __init__(self, extra_dirs: Iterable[str | os.PathLike] = ()) -> None:
        self.cards: dict[str, ModelCard] = {}
        self.problems: list[str] = []  # cards that could not be read; shown by the model manager, never fatal
        for folder in card_dirs(extra_dirs):
            for path in sorted(Path(folder).glob("*.json")) if Path(folder).is_dir() else []:
                try:
                    card = ModelCard.load(path)
                except CardError as exc:
                    self.problems.append(str(exc))
                    continue
                self.cards[card.id] = card  # later folders override: a user may replace a bundled model

    def ids(self, task: str | None = None) -> list[str]:
        return [cid for cid, c in self.cards.items() if task is None or c.task == task]

    def get(self, model: str | os.PathLike, task: str | None = None) -> ModelCard:
        """A card by id, or by the path of a card file (a user's own model)."""
        text = str(model).strip()
        if text.endswith(".json") and Path(text).exists():
            card = ModelCard.load(text)
        elif text in self.cards:
            card = self.cards[text]
        else:
            known = ", ".join(self.ids(task)) or "none"
            raise DeepMapperError(
                f"Unknown model '{text}'. Known {task or ''} models: {known}. "
                f"Give one of these ids or the path of a model card (.json).")
        if task and card.task != task:
            raise DeepMapperError(f"Model '{card.id}' is a {card.task} model, not a {task} model; "
                                  f"choose one of: {', '.join(self.ids(task)) or 'none is installed'}.")
        return card

    def best_for(self, task: str, bands: Collection[str] | Callable[[ModelCard], Collection[str]],
                 level: str | None = None) -> ModelCard | None:
        """The model to use when the user names none, or None if no installed model of `task` fits.

        A model fits when every band it needs is in `bands` (or in `bands(card)`, for callers whose band matching
        depends on the card, e.g. on its sensor preset) and its weights are installed. Among those: a product level
        matching `level` ('any' always matches; None: no preference), then the highest priority, then the most
        bands (more information), then the id, so the choice never depends on the order folders were read in.
        """
        ranked = []
        for cid in self.ids(task):
            card = self.cards[cid]
            have = bands(card) if callable(bands) else bands
            if not all(b in have for b in card.bands) or not self.available(card)[0]:
                continue
            level_match = level is None or card.product_level in (level, "any")
            ranked.append(((level_match, card.priority, len(card.bands), card.id), card))
        return max(ranked, key=lambda r: r[0])[1] if ranked else None

    def available(self, card: ModelCard) -> tuple[bool, str]:
        try:
            weights_path(card)
        except DeepMapperError as exc:
            return False, str(exc)
        return True, ""


def weights_path(card: ModelCard) -> Path:
    """Where the card's weights are, or an error that says how to get them."""
    ref = card.data["weights"]
    if ref.startswith("package:"):
        package, _, rel = ref[len("package:"):].partition("/")
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise DeepMapperError(
                f"Model '{card.id}' ships inside the Python package '{package}', which is not installed. "
                f"In QGIS: Raster > DeepMapper > Install dependencies; elsewhere: "
                f"`pip install --no-deps {package.replace('_', '-')}` into the Python that runs DeepMapper.")
        path = Path(list(spec.submodule_search_locations)[0]) / rel
    else:
        path = Path(ref)
        if not path.is_absolute() and card.path is not None:
            path = card.path.parent / path
    if not path.exists():
        raise DeepMapperError(f"The weights of model '{card.id}' are missing: '{path}' does not exist. "
                              f"Reinstall the model or fix 'weights' in its card.")
    return path


def verified_weights(card: ModelCard) -> Path:
    path = weights_path(card)
    digest = _sha256(str(path), path.stat().st_size, path.stat().st_mtime_ns)
    if digest != card.sha256:
        raise DeepMapperError(
            f"The weights of model '{card.id}' ({path}) do not match the SHA-256 in its card "
            f"(expected {card.sha256[:12]}..., found {digest[:12]}...). The file is corrupt or belongs to another "
            f"model: reinstall it, or update the card if you changed the weights on purpose.")
    return path


@lru_cache(maxsize=64)
def _sha256(path: str, _size: int, _mtime: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def sha256_of(path: str | os.PathLike) -> str:
    p = Path(path)
    return _sha256(str(p), p.stat().st_size, p.stat().st_mtime_ns)
