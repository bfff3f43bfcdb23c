"""Starting a model from another one: fine-tuning, transfer to another sensor's bands, self-supervised weights.

Band adaptation follows the CNES Sentinel-2 -> SPOT study: the bands both sensors share keep their learnt filters
(matched by name, in whatever order), bands the old model never saw start from the mean filter. Tensors whose
shape still fits are copied; the head is re-initialised when the classes differ (or the start was pre-training).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..engine.errors import DeepMapperError
from ..engine.messages import N_, _

COPIED = N_("copied")  # how a new model's first-layer band was filled: from the same band of the old model
MEAN_OF_OLD = N_("mean of the old bands")  # ... or, the old model lacking it, the mean of its bands


@dataclass
class InitReport:
    copied: int = 0
    reinitialised: list[str] = field(default_factory=list)
    band_map: dict[str, str] = field(default_factory=dict)  # new band -> COPIED or MEAN_OF_OLD (English; _() them)


def load_init(model: str):
    """(card, state dict) of the model to start from: a registry id or a card path; weights checked by SHA-256."""
    from ....models.registry import Registry, verified_weights
    card = Registry().get(model)
    if card.format == "onnx":  # converted to a torch module (onnx_init.py)
        from .onnx_init import onnx_state
        return card, onnx_state(card)
    if card.format != "torch_state_dict":
        raise DeepMapperError(_("INIT_MODEL '{model}' is a {format} model; only torch models (format "
                              "torch_state_dict) and ONNX graphs can be fine-tuned.").format(
            model=card.id, format=card.format))
    from ....models.backends.torch_backend import load_state_dict
    state = load_state_dict(verified_weights(card), card.id)
    return card, state


def first_conv_key(state: dict, in_channels: int) -> str | None:
    """The first convolution that reads the input bands (4-D weight whose input dimension is the band count)."""
    for key, value in state.items():
        if key.endswith("weight") and value.ndim == 4 and value.shape[1] == in_channels:
            return key
    return None


def adapt_state(module, init_state: dict, old_bands: list[str], new_bands: list[str],
                keep_head: bool) -> InitReport:
    """Load what fits of `init_state` into `module` (in place)."""
    import torch
    report = InitReport()
    target = module.state_dict()
    conv = first_conv_key(init_state, len(old_bands))
    for key, value in target.items():
        src = init_state.get(key)
        if key.startswith("head.") and not keep_head:
            report.reinitialised.append(key)
            continue
        if src is None:
            report.reinitialised.append(key)
            continue
        if key == conv and (src.shape[1] != value.shape[1] or old_bands != new_bands):
            mean = src.mean(dim=1)
            new = torch.empty_like(value)
            for i, band in enumerate(new_bands):
                if band in old_bands:
                    new[:, i] = src[:, old_bands.index(band)]
                    report.band_map[band] = COPIED
                else:
                    new[:, i] = mean
                    report.band_map[band] = MEAN_OF_OLD
            target[key] = new
            report.copied += 1
        elif tuple(src.shape) == tuple(value.shape):
            target[key] = src.clone()
            report.copied += 1
        else:
            report.reinitialised.append(key)
    module.load_state_dict(target)
    if report.copied == 0:
        raise DeepMapperError(_("INIT_MODEL shares no weights with the new model: use the same ARCHITECTURE as the "
                              "model you start from."))
    return report


def merged_normalization(init_card, new_bands: list[str], mean: list[float], std: list[float]
                         ) -> tuple[list[float], list[float]]:
    """Keep the start model's normalisation for bands it knows (its filters expect it); dataset statistics for
    the others."""
    norm = init_card.normalization if init_card is not None else {"type": "none"}
    if norm.get("type") != "standard":
        return mean, std
    old = init_card.bands
    out_mean = [norm["mean"][old.index(b)] if b in old else m for b, m in zip(new_bands, mean)]
    out_std = [norm["std"][old.index(b)] if b in old else s for b, s in zip(new_bands, std)]
    return out_mean, out_std


def encoder_modules(module) -> list:
    """The encoder's modules: `module.encoder` (our U-Nets), or for a converted ONNX graph (onnx2torch keeps the
    exporter's module paths, e.g. 'model/encoder/_blocks/0/...') every module whose name has an 'encoder' part."""
    if hasattr(module, "encoder"):
        return [module.encoder]
    return [m for name, m in module.named_modules() if "encoder" in name.replace(".", "/").split("/")]


def freeze_encoder(module) -> int:
    """Stop gradients in the encoder (encoder_modules); returns the number of frozen tensors."""
    parts = encoder_modules(module)
    if not parts:
        raise DeepMapperError(_("FREEZE_ENCODER needs an architecture with an encoder (unet_light, unet_resnet, or an "
                              "ONNX U-Net such as the UKIS cloud models)."))
    params = {id(p): p for part in parts for p in part.parameters()}
    for p in params.values():
        p.requires_grad_(False)
    return len(params)


def train_mode(module, frozen_encoder: bool, hold_norm: bool) -> None:
    """module.train(), except the frozen encoder (its BatchNorm statistics too) and, with `hold_norm`, every
    BatchNorm: fine-tuning a model trained on many scenes with a few small patches would otherwise replace its
    running statistics by those of a handful of batches."""
    import torch
    module.train()
    if frozen_encoder:
        for part in encoder_modules(module):
            part.eval()
    if hold_norm:
        for m in module.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                m.eval()


def count_parameters(module) -> tuple[int, int]:
    total = sum(int(np.prod(p.shape)) for p in module.parameters())
    trainable = sum(int(np.prod(p.shape)) for p in module.parameters() if p.requires_grad)
    return total, trainable
