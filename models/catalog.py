"""What the model manager and deepmapper:listmodels show of the registry, and adding a user's own model to it.

    for entry in list_models(registry, task="segmentation"): print(entry.id, entry.status, entry.scores)
    card_path = install_model(card_dict, "my_unet.onnx", user_folder)   # checked card + copied weights

QGIS-free; the dialogs and algorithms above only format these values.
"""
from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path

from ..plugin.core.engine.errors import DeepMapperError
from ..plugin.core.engine.messages import _
from .card import ModelCard
from .registry import Registry, sha256_of, source_of, weights_path

# metric keys worth a column, in order, with their short labels
SCORE_KEYS = (("overall_accuracy", "OA"), ("kappa", "kappa"), ("mean_f", "mean F"), ("macro_f1", "macro F1"),
              ("f1", "F1"), ("psnr", "PSNR"), ("psnr_bicubic", "PSNR bicubic"), ("ssim", "SSIM"))
WEIGHT_SUFFIXES = {".onnx": "onnx", ".pt": "torch", ".pth": "torch", ".ts": "torchscript", ".txt": "lightgbm"}


@dataclass
class ModelEntry:
    """One row of the model list. status: 'installed', 'downloadable' or 'unavailable' (with `problem`)."""

    id: str
    name: str
    task: str
    format: str
    bands: list[str]
    sensor: str
    resolution_m: float | None
    license: str
    source: str  # 'bundled', 'package', 'user'
    status: str
    size_bytes: int | None
    scores: str
    card_path: str
    weights_url: str
    problem: str

    def as_dict(self) -> dict:
        return asdict(self)


def scores(card: ModelCard) -> str:
    """The card's headline scores, one group per entry of `metrics` (validation, whole scene, ...), e.g.
    'validation (32,455 px): OA 0.938, kappa 0.513, mean F 0.546'; a group with per-class F1 only (metrics.<group>.classes.
    <class>.f1) lists those: 's2 cloud chip: cloud F1 0.864, cloud shadow F1 0.826'; '' when the card has none."""
    groups = []
    for group, values in card.data.get("metrics", {}).items():
        if not isinstance(values, dict):
            continue
        parts = [f"{label} {_score(values[key])}" for key, label in SCORE_KEYS if _is_number(values.get(key))]
        if not parts and isinstance(values.get("classes"), dict):  # per-class scores only (the UKIS cards)
            parts = [f"{name} F1 {cls['f1']:.3f}" for name, cls in values["classes"].items()
                     if isinstance(cls, dict) and _is_number(cls.get("f1"))]
        if parts:
            size = f" ({values['pixels']:,} px)" if _is_number(values.get("pixels")) else ""
            groups.append(f"{group.replace('_', ' ')}{size}: {', '.join(parts)}")
    return "; ".join(groups)


def _score(value: float) -> str:
    """A score as people read it: 3 decimals, 4 when it would round to 1 (0.9999 read as 'OA 1, kappa 1', which no
    analyst believes; the pixel count beside it says how much was checked)."""
    return f"{value:.4f}" if 0.9995 <= value < 1 else f"{value:.3g}" if value >= 1 or value <= 0 else f"{value:.3f}"


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def entry(registry: Registry, card: ModelCard) -> ModelEntry:
    ok, problem = registry.available(card)
    size = None
    if ok:
        status, size = "installed", weights_path(card).stat().st_size
    elif card.data.get("weights_url"):
        status, problem = "downloadable", ""
    else:
        status = "unavailable"
    return ModelEntry(id=card.id, name=card.name, task=card.task, format=card.format, bands=card.bands,
                      sensor=card.data["input"].get("sensor", ""), resolution_m=card.resolution_m,
                      license=card.data["license"], source=source_of(card), status=status, size_bytes=size,
                      scores=scores(card), card_path=str(card.path or ""),
                      weights_url=card.data.get("weights_url", ""), problem=problem)


def list_models(registry: Registry, task: str | None = None, installed_only: bool = False) -> list[ModelEntry]:
    """Every model of the registry (of `task`), sorted by task then id."""
    rows = [entry(registry, registry.cards[cid]) for cid in registry.ids(task)]
    rows = [r for r in rows if r.status == "installed" or not installed_only]
    return sorted(rows, key=lambda r: (r.task, r.id))


def guess_format(path: str | os.PathLike) -> str:
    """The card format of a weights file: 'onnx', 'torchscript', 'torch_state_dict' or 'lightgbm' (a .pt file is
    opened with torch to tell TorchScript from a state dict). Raises DeepMapperError for other files."""
    suffix = Path(path).suffix.lower()
    kind = WEIGHT_SUFFIXES.get(suffix)
    if kind is None:
        raise DeepMapperError(_("'{name}' is not a model file DeepMapper can run: give an ONNX model "
                              "(.onnx), a TorchScript or PyTorch state-dict file (.pt, .pth) or a LightGBM model.").format(
            name=Path(path).name))
    if kind != "torch":
        return kind
    import torch  # only for .pt/.pth files
    try:
        torch.jit.load(str(path), map_location="cpu")
        return "torchscript"
    except Exception:  # noqa: BLE001  not TorchScript: a pickled state dict?
        pass
    try:
        state = torch.load(str(path), map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001
        raise DeepMapperError(_("'{name}' is neither a TorchScript model nor a PyTorch state dict "
                              "({exc}).").format(name=Path(path).name, exc=exc)) from exc
    if not isinstance(state, dict):
        raise DeepMapperError(_("'{name}' holds a {type_name}, not a state dict; save the "
                              "model with torch.save(model.state_dict(), ...) or as TorchScript.").format(
            name=Path(path).name, type_name=type(state).__name__))
    return "torch_state_dict"


def install_model(card: dict, weights: str | os.PathLike, folder: str | os.PathLike,
                  replace: bool = False) -> Path:
    """Copy `weights` into `folder` as `<id><suffix>` and write the card beside it as `<id>.json`, with `weights`
    and `sha256` filled in. The card is checked first, exactly as the engine checks it (CardError names the
    field); an existing model of that id in `folder` is refused unless `replace`. Returns the card path."""
    weights, folder = Path(weights), Path(folder)
    data = dict(card, weights=f"{card.get('id', '')}{weights.suffix.lower()}", sha256=sha256_of(weights))
    ModelCard.from_dict(data)  # raises CardError before anything is copied
    card_path, target = folder / f"{data['id']}.json", folder / data["weights"]
    if not replace and (card_path.exists() or target.exists()):
        raise DeepMapperError(_("A model with the id '{id}' is already in {folder}; choose another id or "
                              "remove that model first.").format(id=data['id'], folder=folder))
    folder.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".part")
    shutil.copyfile(weights, temporary)
    os.replace(temporary, target)
    card_path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return card_path
