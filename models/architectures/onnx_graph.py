"""Architecture "onnx2torch": a parent ONNX graph (e.g. the UKIS cloud U-Nets) converted to a torch module.

A fine-tuned ONNX model is stored as the state dict of this module; its card's architecture entry names the parent
graph (its weights reference and SHA-256), so the module is rebuilt from the parent with the maintained onnx2torch
converter and the fine-tuned tensors are loaded into it. The UKIS graphs are stored in float16 (with Cast nodes
around the resizes): they are converted to float32 first, because float16 convolutions on CPUs are slow in torch and
training needs float32. Their head returns logits (the card's softmax activation is applied by the backend).
"""
from __future__ import annotations

import warnings
from pathlib import Path

from ...plugin.core.engine.errors import DeepMapperError, require
from ...plugin.core.engine.messages import N_, _
from . import register

NAME = "onnx2torch"

# onnx2torch 1.5's Slice indexes with a list of slices, which torch (2.9 to 2.13 at least) still accepts with this
# notice at every first call, on the GPU and in every training run (QGIS showed it with a traceback in its log):
# nothing a user can act on, so it stays out of the run's output.
warnings.filterwarnings("ignore", message="Using a non-tuple sequence for multidimensional indexing",
                        category=UserWarning)


def float32_graph(model):
    """The onnx ModelProto `model` with float16 initialisers, constants and casts turned into float32 (in place;
    also returned). Inferred intermediate types (value_info) are dropped: they still say float16."""
    onnx = require("onnx", N_("fine-tuning ONNX models"))
    from onnx import TensorProto, numpy_helper

    def widen(t) -> None:
        if t.data_type == TensorProto.FLOAT16:
            t.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(t).astype("float32"), t.name))

    for t in model.graph.initializer:
        widen(t)
    for node in model.graph.node:
        for attr in node.attribute:
            if node.op_type == "Cast" and attr.name == "to" and attr.i == TensorProto.FLOAT16:
                attr.i = TensorProto.FLOAT
            elif attr.type == onnx.AttributeProto.TENSOR:
                widen(attr.t)
    for value in (*model.graph.input, *model.graph.output):
        if value.type.tensor_type.elem_type == TensorProto.FLOAT16:
            value.type.tensor_type.elem_type = TensorProto.FLOAT
    del model.graph.value_info[:]
    return model


def convert_graph(path: str | Path):
    """The ONNX graph at `path` as a float32 torch module (an fx GraphModule from onnx2torch): input (N, C, H, W)
    float32, H and W multiples of the network's size multiple; output the graph's first output (logits).

    Raises DeepMapperError when onnx/onnx2torch are missing or the graph uses an operator onnx2torch cannot convert."""
    onnx = require("onnx", N_("fine-tuning ONNX models"))
    convert = require("onnx2torch", N_("fine-tuning ONNX models")).convert
    try:
        model = float32_graph(onnx.load(str(path)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # onnx2torch's own deprecation notices
            module = convert(model)
    except Exception as exc:  # noqa: BLE001 (protobuf and converter errors have no common type)
        raise DeepMapperError(_("The ONNX graph '{path}' could not be converted to a trainable torch module "
                              "({value}); only graphs made "
                              "of standard operators (Conv, BatchNormalization, Resize, ...) can be fine-tuned.").format(
            path=path, value=str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) \
            from exc
    return module.float().eval()


def first_conv(module, in_channels: int) -> tuple[str, object]:
    """(name, Conv2d) of the convolution that reads the input bands: the first Conv2d with `in_channels` inputs."""
    import torch
    for name, child in module.named_modules():
        if isinstance(child, torch.nn.Conv2d) and child.in_channels == in_channels and child.groups == 1:
            return name, child
    raise DeepMapperError(_("The ONNX graph has no convolution reading {in_channels} bands; it cannot be adapted "
                          "to other bands.").format(in_channels=in_channels))


def set_input_bands(module, old: int, new: int) -> None:
    """Replace the first convolution (reading `old` bands) by one reading `new` bands, same kernel and stride, in
    place; its weights are uninitialised until a state dict (or the band transfer) fills them."""
    import torch
    name, conv = first_conv(module, old)
    fresh = torch.nn.Conv2d(new, conv.out_channels, conv.kernel_size, conv.stride, conv.padding, conv.dilation,
                            conv.groups, conv.bias is not None, conv.padding_mode)
    owner = module.get_submodule(name.rpartition(".")[0]) if "." in name else module
    setattr(owner, name.rpartition(".")[2], fresh)


def parent_graph(graph: str, graph_sha256: str, parent: str) -> Path:
    """The parent's ONNX file, found and SHA-256-checked as the registry does for any card's weights."""
    from ..card import ModelCard
    from ..registry import verified_weights
    return verified_weights(ModelCard({"id": parent, "weights": graph, "sha256": graph_sha256}, None))


@register(NAME)
def onnx2torch_module(in_channels: int, n_classes: int, graph: str, graph_sha256: str, parent: str,
                      parent_bands: list[str], **_unused):
    """The parent graph as a torch module reading `in_channels` bands (its first convolution replaced when that
    differs from the parent's band count). Raises DeepMapperError when the graph's classes are not `n_classes`."""
    import torch
    module = convert_graph(parent_graph(graph, graph_sha256, parent))
    if in_channels != len(parent_bands):
        set_input_bands(module, len(parent_bands), in_channels)
    head = [m for m in module.modules() if isinstance(m, torch.nn.Conv2d)][-1]  # the segmentation head
    if head.out_channels != n_classes:
        raise DeepMapperError(_("The model '{parent}' has {head_out_channels} output classes, its card "
                              "{n_classes}: a fine-tuned ONNX model keeps its parent's classes.").format(
            parent=parent, head_out_channels=head.out_channels, n_classes=n_classes))
    return module
