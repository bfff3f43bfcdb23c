"""Training and fine-tuning in desktop QGIS. torch's CUDA builds install triton, and torch (its first optimiser step)
and onnx2torch import it; triton's own LLVM then crashes a process that already holds Mesa's libLLVM, as desktop
QGIS does (OpenGL), so the first training run closed QGIS. The plugin keeps triton out of QGIS's Python."""
from __future__ import annotations

import glob
import importlib.util
import os
import subprocess
import sys

import pytest

from conftest import PLUGINS

CODE = """
import sys
sys.path.insert(0, {plugins!r})
from qgis.core import QgsApplication
app = QgsApplication([], False)
app.initQgis()
import deepmapper.plugin.main  # what QGIS imports when it loads the plugin
import torch
module = torch.nn.Conv2d(3, 4, 3)
optimiser = torch.optim.AdamW(module.parameters())
module(torch.randn(2, 3, 8, 8)).sum().backward()
optimiser.step()
import onnx2torch
print("triton blocked:", sys.modules.get("triton", "absent") is None)
"""


def test_training_in_qgis_does_not_load_triton_beside_mesas_llvm():
    llvm = sorted(glob.glob("/usr/lib/*/libLLVM-1[0-9]*.so.1"))
    if not llvm:
        pytest.skip("no Mesa libLLVM on this machine: nothing for triton to clash with")
    if importlib.util.find_spec("triton") is None:
        pytest.skip("triton is not installed (a CPU build of torch): nothing to crash")
    env = dict(os.environ, LD_PRELOAD=llvm[-1], QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", CODE.format(plugins=str(PLUGINS))], capture_output=True, text=True,
                          timeout=300, env=env)
    assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-1500:]}"
    assert "triton blocked: True" in done.stdout
