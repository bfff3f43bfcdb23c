"""The model zoo: bundled cards, cards of models shipped inside installed packages, and users' own cards.

Weights are referred to by a path relative to the card, an absolute path, or `package:NAME/PATH` for a file inside
an installed Python package (found without importing the package). Every load checks the SHA-256 of the weights.
A card with a `weights_url` whose weights are not there yet is downloadable (models/download.py); the download goes
to `<download_dir>/<id>/<file name>` when the registry has a download folder, else where `weights` points.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import Callable, Collection, Iterable

from ..plugin.core.engine.errors import DeepMapperError
from ..plugin.core.engine.messages import _
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
    def __init__(self, extra_dirs: Iterable[str | os.PathLike] = (),
                 download_dir: str | os.PathLike | None = None) -> None:
        self.cards: dict[str, ModelCard] = {}
        self.problems: list[str] = []  # cards that could not be read; shown by the model manager, never fatal
        self.download_dir = Path(download_dir) if download_dir else None
        for folder in card_dirs(extra_dirs):
            for path in sorted(Path(folder).glob("*.json")) if Path(folder).is_dir() else []:
                try:
                    card = self._attach(ModelCard.load(path))
                except CardError as exc:
                    self.problems.append(str(exc))
                    continue
                self.cards[card.id] = card  # later folders override: a user may replace a bundled model

    def _attach(self, card: ModelCard) -> ModelCard:
        if self.download_dir is not None:
            card.extra["download_dir"] = self.download_dir
        return card

    def ids(self, task: str | None = None) -> list[str]:
        return [cid for cid, c in self.cards.items() if task is None or c.task == task]

    def get(self, model: str | os.PathLike, task: str | None = None) -> ModelCard:
        """A card by id, or by the path of a card file (a user's own model)."""
        text = str(model).strip()
        if text.endswith(".json") and Path(text).exists():
            card = self._attach(ModelCard.load(text))
        elif text in self.cards:
            card = self.cards[text]
        else:
            known = ", ".join(self.ids(task)) or "none"
            raise DeepMapperError(
                _("Unknown model '{text}'. Known {task} models: {known}. "
                "Give one of these ids or the path of a model card (.json).").format(
                    text=text, task=task or '', known=known))
        if task and card.task != task:
            raise DeepMapperError(_("Model '{model}' is a {task} model, not a {wanted} model; "
                                  "choose one of: {ids}.").format(
                model=card.id, task=card.task, wanted=task,
                ids=', '.join(self.ids(task)) or _("none is installed")))
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

    def remove(self, model_id: str) -> list[Path]:
        """Delete a user model: its card, its weights when they sit in the card's folder (or below it) and a
        downloaded copy. Bundled and package models are refused (DeepMapperError). Returns the files deleted."""
        card = self.get(model_id)
        if source_of(card) != "user" or card.path is None:
            raise DeepMapperError(_("Model '{model}' comes with DeepMapper and cannot be removed; a model of your own "
                                  "with the same id in a user model folder replaces it.").format(model=card.id))
        folder = card.path.parent.resolve()
        candidates = [card.path, download_target(card)]
        if not card.data["weights"].startswith("package:"):
            candidates.append(_declared_path(card))
        removed = []
        for path in dict.fromkeys(p for p in candidates if p is not None):
            inside = path.resolve().is_relative_to(folder) or path == download_target(card)
            if inside and path.is_file():
                path.unlink()
                removed.append(path)
        del self.cards[card.id]
        return removed

    def available(self, card: ModelCard) -> tuple[bool, str]:
        try:
            weights_path(card)
        except DeepMapperError as exc:
            return False, str(exc)
        return True, ""


def source_of(card: ModelCard) -> str:
    """Where a model comes from: 'bundled' (a card of the plugin), 'package' (weights inside an installed Python
    package) or 'user' (a card in a user model folder or given by path); the model manager removes only 'user'."""
    if card.path is not None and card.path.parent.resolve() == BUNDLED_CARDS.resolve():
        return "package" if card.data["weights"].startswith("package:") else "bundled"
    return "user"


def download_target(card: ModelCard) -> Path | None:
    """Where a download of the card's weights goes, or None when the card has no weights_url."""
    url = card.data.get("weights_url")
    if not url:
        return None
    folder = card.extra.get("download_dir")
    if folder is None:
        return _declared_path(card)
    name = Path(card.data["weights"].rpartition("/")[2] or url.rstrip("/").rpartition("/")[2]).name
    return Path(folder) / card.id / name


def _declared_path(card: ModelCard) -> Path:
    path = Path(card.data["weights"])
    return card.path.parent / path if not path.is_absolute() and card.path is not None else path


def weights_path(card: ModelCard) -> Path:
    """Where the card's weights are, or an error that says how to get them."""
    ref = card.data["weights"]
    target = download_target(card)
    if target is not None and not ref.startswith("package:") and not _declared_path(card).exists():
        if target.exists():
            return target
        raise DeepMapperError(
            _("The weights of model '{model}' are not downloaded yet. In QGIS: Raster > DeepMapper > Models…, "
            "select '{model}' and press Download; elsewhere download {weights_url} to {target}.").format(
                model=card.id, weights_url=card.data['weights_url'], target=target))
    if ref.startswith("package:"):
        package, _unused, rel = ref[len("package:"):].partition("/")
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise DeepMapperError(
                _("Model '{model}' ships inside the Python package '{package}', which is not installed. "
                "In QGIS: Raster > DeepMapper > Install dependencies; elsewhere: "
                "`pip install --no-deps {pip_name}` into the Python that runs DeepMapper.").format(
                    model=card.id, package=package, pip_name=package.replace('_', '-')))
        path = Path(list(spec.submodule_search_locations)[0]) / rel
    else:
        path = _declared_path(card)
    if not path.exists():
        raise DeepMapperError(_("The weights of model '{model}' are missing: '{path}' does not exist. "
                              "Reinstall the model or fix 'weights' in its card.").format(model=card.id, path=path))
    return path


def verified_weights(card: ModelCard) -> Path:
    path = weights_path(card)
    digest = _sha256(str(path), path.stat().st_size, path.stat().st_mtime_ns)
    if digest != card.sha256:
        raise DeepMapperError(
            _("The weights of model '{model}' ({path}) do not match the SHA-256 in its card "
            "(expected {sha256}..., found {digest}...). The file is corrupt or belongs to another "
            "model: reinstall it, or update the card if you changed the weights on purpose.").format(
                model=card.id, path=path, sha256=card.sha256[:12], digest=digest[:12]))
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
