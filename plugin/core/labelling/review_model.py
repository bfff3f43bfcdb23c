"""Label review with a user's MODEL: the model's class probabilities at the sampled label pixels.

The raster is run through the model strip by strip (engine.inference.predict_tiled, only the rows that hold label
pixels); each finished block of rows hands over the probabilities of the label pixels it contains, so no probability
raster is written or held. The model's classes are matched to the label classes by name (or integer id); a label
class the model does not know is refused with the fix.
"""
from __future__ import annotations

import numpy as np

from ..classify.pipeline import ClassifyRequest, choose_model_and_bands
from ..engine.device import auto_batch_size, choose_device
from ..engine.errors import DeepMapperError
from ..engine.messages import _
from ..engine.inference import predict_tiled
from ..engine.progress import Monitor
from ..engine.raster_io import BandReader
from ..engine.tiling import tile_spec
from ..engine.vector_labels import normalize_name
from ....models.backends import load_model
from ....models.registry import Registry
from .label_pixels import FeaturePixels


def class_columns(model_classes: list[dict], label_classes: list[dict], model_id: str) -> list[int]:
    """For each label class (in id order), the model's output channel of the same class (by name, else by id)."""
    by_name = {normalize_name(c["name"]): k for k, c in enumerate(model_classes)}
    by_id = {str(c["id"]): k for k, c in enumerate(model_classes)}
    columns, missing = [], []
    for c in label_classes:
        k = by_name.get(normalize_name(c["name"]), by_id.get(str(c.get("value", c["name"]))))
        if k is None:
            missing.append(c["name"])
        columns.append(k)
    if missing:
        known = ", ".join(c["name"] for c in model_classes)
        raise DeepMapperError(_("Model '{model_id}' has no class {missing} of LABELS (its classes: "
                              "{known}). Name the label classes as the model does, or leave MODEL empty to "
                              "review with classifiers trained on the labels themselves.").format(
            model_id=model_id, missing=', '.join(missing), known=known))
    return columns


def model_probabilities(src, req, label_classes: list[dict], pixels: FeaturePixels, monitor: Monitor, say,
                        registry: Registry | None = None) -> tuple[np.ndarray, np.ndarray]:
    """((n, K) probabilities of the label classes at the sampled pixels, renormalised; (n,) bool valid)."""
    registry = registry or Registry()
    creq = ClassifyRequest(input=req.input, output="", model=req.model, sensor=req.sensor, bands=req.bands,
                           device=req.device, threads=req.threads)
    chosen = choose_model_and_bands(src, creq, registry, None, say)
    card = chosen.card
    columns = class_columns(card.classes, label_classes, card.id)
    device = choose_device(req.device, card.format)
    model = load_model(card, device, req.threads)
    reader = BandReader(src, chosen.indexes, chosen.scale, chosen.offset)
    tile = tile_spec(card, shape=(src.height, src.width))
    batch = auto_batch_size(device, tile.size, len(card.bands))
    n = len(pixels.rows)
    probs = np.full((n, len(label_classes)), np.nan)
    order = np.argsort(pixels.rows, kind="stable")
    sorted_rows = pixels.rows[order]

    def sink(row0: int, rows: np.ndarray) -> None:
        lo, hi = np.searchsorted(sorted_rows, [row0, row0 + rows.shape[1]])
        here = order[lo:hi]
        if len(here):
            p = rows[:, pixels.rows[here] - row0, pixels.cols[here]].T[:, columns]
            probs[here] = p / np.where(p.sum(axis=1, keepdims=True) > 0, p.sum(axis=1, keepdims=True), 1.0)

    if n:
        predict_tiled(reader, model, tile, batch, sink, monitor,
                      rows=(int(pixels.rows.min()), int(pixels.rows.max()) + 1))
    return probs, np.isfinite(probs).all(axis=1)
