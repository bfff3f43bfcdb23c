"""Whether the installed runtimes can use a CUDA GPU, in words for the dependency dialog (imports the runtimes:
call only when the user asks)."""
from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication

from . import Probe, probe


def tr(text: str) -> str:
    return QCoreApplication.translate("DeepMapper", text)


def cuda_status(probe_fn: Probe = probe) -> list[str]:
    """One line per runtime (torch, onnxruntime): CUDA GPU usable or not, and why. Never raises."""
    lines = []
    if probe_fn("torch") is None:
        lines.append(tr("PyTorch: not installed"))
    else:
        try:
            import torch
            if torch.cuda.is_available():
                lines.append(tr("PyTorch: CUDA GPU {} (CUDA {})").format(torch.cuda.get_device_name(0),
                                                                        torch.version.cuda))
            elif torch.version.cuda is None:
                lines.append(tr("PyTorch: CPU only (a build without CUDA)"))
            else:
                lines.append(tr("PyTorch: CPU only (CUDA {} build, but no usable GPU or driver)").format(
                    torch.version.cuda))
        except Exception as exc:  # a broken install: say so rather than fail the dialog
            lines.append(tr("PyTorch: cannot be imported ({})").format(exc))
    if probe_fn("onnxruntime") is None:
        lines.append(tr("ONNX Runtime: not installed"))
    else:
        try:
            import onnxruntime
            providers = onnxruntime.get_available_providers()
            if "CUDAExecutionProvider" in providers:
                lines.append(tr("ONNX Runtime: CUDA GPU available"))
            else:
                lines.append(tr("ONNX Runtime: CPU only (a build without CUDA)"))
        except Exception as exc:
            lines.append(tr("ONNX Runtime: cannot be imported ({})").format(exc))
    return lines
