"""Patch embeddings: one feature vector per square patch of the raster, from a model.

- torch U-Nets (models/architectures/unet.py, and the self-supervised pretrainmodel output, which is one): the
  encoder's bottleneck feature map, mean- and max-pooled over the patch;
- any other model (ONNX, pixel classifiers): the patch's mean class probabilities;
and, for every model, each band's mean and standard deviation over the patch (in the model's normalised units), so
patches that the model sees alike but that differ in brightness still separate.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..engine.errors import DeepMapperError
from ..engine.messages import _
from ....models.backends import LoadedModel, load_model
from ....models.card import ModelCard


@dataclass
class PatchEmbedder:
    """embed((N, C, s, s) float32 patches in model units) -> (N, D) float64 features."""

    model: LoadedModel
    encoder: object | None  # a torch module returning the encoder's feature maps, or None
    kind: str  # "encoder" or "probabilities"

    def normalised(self, batch: np.ndarray) -> np.ndarray:
        """The card's normalisation, as the model sees its input."""
        norm = self.model.card.normalization
        if norm["type"] == "standard":
            lo, scale = np.asarray(norm["mean"]), 1.0 / np.asarray(norm["std"])
        elif norm["type"] == "minmax":
            lo = np.asarray(norm["min"])
            scale = 1.0 / (np.asarray(norm["max"]) - lo)
        else:
            return batch
        return ((batch - lo[None, :, None, None]) * scale[None, :, None, None]).astype(np.float32)

    def embed(self, batch: np.ndarray) -> np.ndarray:
        x = self.normalised(batch)
        stats = [x.mean(axis=(2, 3)), x.std(axis=(2, 3))]
        if self.encoder is not None:
            import torch
            with torch.inference_mode():
                feats = self.encoder(torch.from_numpy(np.ascontiguousarray(x)))[-1]
                deep = [feats.mean(dim=(2, 3)).numpy(), feats.amax(dim=(2, 3)).numpy()]
        else:
            deep = [self.probabilities(batch).mean(axis=(2, 3))]
        return np.concatenate([*deep, *stats], axis=1).astype(np.float64)

    def probabilities(self, batch: np.ndarray) -> np.ndarray:
        """(N, K, s, s) class probabilities of the patches. A model that takes only multiples of its size multiple
        (the UKIS U-Nets: 32) gets each patch mirrored out to the next multiple and its own s x s pixels back:
        PATCH_SIZE 48 failed with a Concat error inside the graph."""
        size = batch.shape[-1]
        multiple = max(int(self.model.card.tiling.get("size_multiple", 1)), 1)
        grown = -(-size // multiple) * multiple
        if grown == size:
            return self.model.predict(batch)
        extra = grown - size
        padded = np.pad(batch, ((0, 0), (0, 0), (0, extra), (0, extra)), mode="symmetric")
        return self.model.predict(np.ascontiguousarray(padded))[:, :, :size, :size]


def patch_embedder(card: ModelCard, device, threads: int = 0) -> PatchEmbedder:
    """The embedder of `card`: its U-Net encoder when it has one, else its class probabilities."""
    model = load_model(card, device, threads)
    arch = card.data.get("architecture")
    if card.format == "torch_state_dict" and isinstance(arch, dict) and arch.get("name", "").startswith("unet"):
        from ....models.architectures import build
        from ....models.backends.torch_backend import load_state_dict
        from ....models.registry import verified_weights
        module = build(arch, in_channels=len(card.bands), n_classes=len(card.classes))
        try:
            module.load_state_dict(load_state_dict(verified_weights(card), card.id))
        except RuntimeError as exc:
            raise DeepMapperError(_("The weights of '{model}' do not fit its architecture "
                                  "({splitlines}).").format(
                model=card.id, splitlines=str(exc).splitlines()[0])) from exc
        return PatchEmbedder(model, module.encoder.eval(), "encoder")
    return PatchEmbedder(model, None, "probabilities")
