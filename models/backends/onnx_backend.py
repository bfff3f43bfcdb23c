"""ONNX Runtime backend: CUDA execution provider where present, CPU otherwise."""
from __future__ import annotations

from pathlib import Path

from ...plugin.core.engine.device import Device
from ...plugin.core.engine.errors import DeepMapperError, require


def onnx_runner(weights: Path, device: Device, threads: int = 0):
    ort = require("onnxruntime", "ONNX models")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    providers = ["CPUExecutionProvider"]
    if device.kind == "cuda":
        if "CUDAExecutionProvider" not in ort.get_available_providers():
            raise DeepMapperError("DEVICE=cuda was asked for, but this onnxruntime has no CUDA support; install "
                                  "onnxruntime-gpu, or use DEVICE=auto or cpu.")
        providers.insert(0, "CUDAExecutionProvider")
    try:
        session = ort.InferenceSession(str(weights), sess_options=options, providers=providers)
    except Exception as exc:  # onnxruntime raises its own exception types
        raise DeepMapperError(f"'{weights}' could not be loaded as an ONNX model ({exc}).") from exc
    name = session.get_inputs()[0].name

    def run(x):
        return session.run(None, {name: x})[0]

    return run
