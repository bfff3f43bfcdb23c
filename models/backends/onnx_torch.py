"""ONNX graphs on a CUDA GPU through torch, where onnxruntime has no CUDA.

The plugin's PyTorch group brings a CUDA build of torch; onnxruntime-gpu is a second GPU runtime of several hundred
MB that must match the CUDA and cuDNN versions. So when onnxruntime cannot use the GPU and torch can
(device.onnx_on_torch_cuda: DEVICE=cuda asked for), the graph is converted once per run with the maintained
onnx2torch converter (the same conversion fine-tuning uses: models/architectures/onnx_graph.convert_graph, float16
initialisers widened to float32) and run by torch_backend.module_runner. Measured against onnxruntime on the CPU in docs/benchmarks.md.
"""
from __future__ import annotations

from pathlib import Path

from ...plugin.core.engine.device import Device
from ...plugin.core.engine.errors import DeepMapperError
from ...plugin.core.engine.messages import _
from ..architectures.onnx_graph import convert_graph
from .torch_backend import module_runner

RUNTIME = "onnx2torch"  # LoadedModel.runtime of such a model



def onnx_torch_runner(weights: Path, device: Device, half: bool = False):
    """A callable (N, C, H, W) float32 -> the graph's first output (float32 numpy) on `device`, batch and tile size
    free where the graph's operators allow (fully convolutional graphs). `half`: float16 on CUDA.

    Raises DeepMapperError when onnx or onnx2torch is missing or an operator cannot be converted."""
    try:
        module = convert_graph(weights)
    except DeepMapperError as exc:
        raise DeepMapperError(_("The ONNX model '{weights}' cannot run on torch's GPU: {reason} Use DEVICE=cpu, or "
                                "install onnxruntime-gpu for this CUDA.").format(weights=weights.name,
                                                                                  reason=exc)) from exc
    return module_runner(module, device, half=half)
