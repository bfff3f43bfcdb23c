"""Fine-tuning an ONNX model (the UKIS cloud U-Nets): INIT_MODEL's graph becomes a trainable torch module.

The graph is converted with onnx2torch (models/architectures/onnx_graph.py, architecture "onnx2torch"); the written
model is that module's state dict, and its card names the parent graph so the backends rebuild it. The fine-tuned
model keeps the parent's classes (output channels), normalisation of the shared bands and tiling, so cloudmask and
segment run it like the parent; the dataset's class ids must be ids of the parent's classes (0 clear, 1 cloud,
2 cloud shadow for the UKIS models), because they index the graph's output channels.
"""
from __future__ import annotations

from pathlib import Path

from ..engine.errors import DeepMapperError
from ..engine.messages import _


def is_onnx(card) -> bool:
    return card is not None and card.format == "onnx"


def onnx_spec(card) -> dict:
    """The architecture entry of a model fine-tuned from `card`: the parent graph's weights reference (as in its
    card; a relative path made absolute) and SHA-256, which the backend checks when it rebuilds the module."""
    from ....models.registry import weights_path
    ref = card.data["weights"]
    graph = ref if ref.startswith("package:") else str(weights_path(card).resolve())
    return {"name": "onnx2torch", "params": {"parent": card.id, "graph": graph, "graph_sha256": card.sha256,
                                             "parent_bands": card.bands}}


def onnx_state(card) -> dict:
    """The converted graph's tensors (float32 state dict): what a model fine-tuned from `card` starts from."""
    from ....models.architectures.onnx_graph import convert_graph
    from ....models.registry import verified_weights
    return convert_graph(verified_weights(card)).state_dict()


def check_classes(card, classes: list[dict]) -> int:
    """The number of output channels (the parent's class count) after checking that every dataset class id is one
    of the parent's; raises DeepMapperError naming the parent's classes otherwise."""
    parent = {c["id"]: c["name"] for c in card.classes}
    bad = [c for c in classes if c["id"] not in parent]
    if bad:
        named = ", ".join(f"{c['id']} ({c['name']})" for c in bad)
        raise DeepMapperError(
            (_("INIT_MODEL '{model}' predicts the classes {parent_classes}; the dataset's classes {named} are not "
               "among them. Label with the parent's class ids (the class field's values) and extract the patches "
               "again, or train a new model without INIT_MODEL.") if len(bad) > 1 else
             _("INIT_MODEL '{model}' predicts the classes {parent_classes}; the dataset's class {named} is not among "
               "them. Label with the parent's class ids (the class field's values) and extract the patches again, or "
               "train a new model without INIT_MODEL.")).format(
                model=card.id, parent_classes=', '.join(f'{i} {n}' for i, n in parent.items()), named=named))
    if sorted(parent) != list(range(len(parent))):
        raise DeepMapperError(_("INIT_MODEL '{model}': its class ids must be 0..{n_parent} (its output "
                              "channels) to be fine-tuned.").format(model=card.id, n_parent=len(parent) - 1))
    return len(parent)


def check_patch_size(card, patch_size: int) -> None:
    """The graph's U-Net needs sides that are multiples of its size multiple (32 for the UKIS models)."""
    multiple = int(card.tiling.get("size_multiple", 1))
    if patch_size % multiple:
        raise DeepMapperError(_("INIT_MODEL '{model}' needs patches whose side is a multiple of {multiple} pixels; "
                              "the dataset's are {patch_size}. Extract the patches again with a PATCH_SIZE of "
                              "{smaller} or "
                              "{larger}.").format(
            model=card.id, multiple=multiple, patch_size=patch_size,
            smaller=max(multiple, patch_size // multiple * multiple), larger=-(-patch_size // multiple) * multiple))


def parent_fields(card: dict, parent, dataset_meta: dict, mean: list[float], std: list[float]) -> dict:
    """The trainer's card with what a fine-tuned ONNX model inherits from its parent: task, classes (names and
    colours), activation, tiling, units, product level, half precision, and a `training.parent` record; `mean`,
    `std`: the normalisation trained with (the parent's, unrounded, for the bands it knows)."""
    out = dict(card, task=parent.task)
    out["output"] = {"activation": parent.activation, "classes": parent.classes}
    out["tiling"] = dict(parent.tiling)  # the converted module takes any tile size the graph's card allows
    out["input"] = dict(card["input"], units=parent.units, product_level=parent.product_level,
                        resolution_m=dataset_meta.get("resolution_m") or parent.resolution_m,
                        normalization={"type": "standard", "mean": list(mean), "std": list(std)})
    out["half_precision"] = False  # float32 weights; the parent's graph was converted to float32 as well
    out["description"] = (f"{parent.name}, fine-tuned by DeepMapper on {Path(dataset_meta['source']['raster']).name} "
                          f"(bands {', '.join(card['input']['bands'])}).")
    out["license"] = parent.data.get("license", card["license"])
    out["training"] = dict(card["training"], parent={
        "id": parent.id, "name": parent.name, "format": parent.format, "weights": parent.data["weights"],
        "sha256": parent.sha256, "bands": parent.bands, "source_url": parent.data.get("source_url")})
    return out
