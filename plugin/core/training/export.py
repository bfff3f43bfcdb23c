"""Writing a trained model: weights beside a checked card, both atomically, so MODEL=<card path> works at once."""
from __future__ import annotations

import json
import os
from pathlib import Path

from ..engine.errors import DeepMapperError
from ..engine.messages import _
from ..engine.raster_io import atomic_path


def check_card_path(path: str) -> Path:
    card = Path(path)
    if card.suffix.lower() != ".json":
        raise DeepMapperError(_("OUTPUT_MODEL '{path}' must be a .json file (the model card; the weights are written "
                              "beside it as .pt).").format(path=path))
    return card


def weights_path_for(card_path: str | os.PathLike) -> Path:
    return Path(card_path).with_suffix(".pt")


def write_model(card: dict, state_dict: dict, card_path: str | os.PathLike,
                weights: str | os.PathLike | None = None) -> Path:
    """Save `state_dict` (as <card>.pt unless `weights` is given), fill in the card's weights/sha256, check the card,
    write it. Returns the card path. The card is checked before anything is written: a bad card leaves no files."""
    import torch

    from ....models.card import ModelCard
    from ....models.registry import sha256_of
    card_path = check_card_path(str(card_path))
    weights = Path(weights) if weights else weights_path_for(card_path)
    card = dict(user_class_ids(card), weights=os.path.relpath(weights, card_path.parent), sha256="0" * 64)
    ModelCard.from_dict(card)  # schema errors surface before any file exists
    with atomic_path(weights) as tmp_weights:
        torch.save({k: v.detach().cpu() for k, v in state_dict.items()}, tmp_weights)
        card["sha256"] = sha256_of(tmp_weights)
        with atomic_path(card_path) as tmp_card:
            Path(tmp_card).write_text(json.dumps(card, indent=1) + "\n", encoding="utf-8")
    return card_path


def user_class_ids(card: dict) -> dict:
    """The card with output.classes carrying the user's class ids: a dataset whose integer ids were renumbered to
    channels 0..K-1 (labels.integer_channels) lists each class's own id as "value"; the card lists classes in channel
    order with that id, so every prediction raster holds the user's ids. The renumbering is kept in
    training.class_channels (user id -> channel)."""
    classes = card.get("output", {}).get("classes", [])
    if not any("value" in c for c in classes):
        return card
    out = [{**{k: v for k, v in c.items() if k != "value"}, "id": int(c.get("value", c["id"]))} for c in classes]
    training = dict(card.get("training", {}), class_channels={str(c["value"]): c["id"] for c in classes if "value" in c})
    return dict(card, output=dict(card["output"], classes=out), training=training)
