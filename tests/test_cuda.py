"""CUDA: the GPU paths give the CPU's results, and fall back cleanly where there is no GPU.

Tests marked `cuda` need a GPU that torch sees and are skipped elsewhere (CI and the development machines have
none); on a GPU machine run them with `pytest -m cuda tests` (the figures of the last such run are in
docs/benchmarks.md, "GPU"). The others run everywhere: they exercise the GPU code's decisions on the CPU.
"""
from __future__ import annotations

import sys
import types

import numpy as np
import pytest
import rasterio

from conftest import data_file, f1, installed_card
from deepmapper.models.backends import load_model
from deepmapper.models.backends.cuda_runner import CudaRunner
from deepmapper.plugin.core.engine import device as device_module
from deepmapper.plugin.core.engine.device import Device, auto_batch_size, choose_device
from deepmapper.plugin.core.engine.errors import DeepMapperError

torch = pytest.importorskip("torch")
CUDA_HERE = torch.cuda.is_available()
cuda = pytest.mark.skipif(not CUDA_HERE, reason="needs a CUDA GPU that torch sees; this machine has none (the "
                                                "fallback tests below run here instead)")
CPU = Device("cpu", reason="test")
UKIS = "ukis_csmask_6b_l1c"


# -- everywhere: the decisions -------------------------------------------------------------------------------------

def test_onnx_models_use_a_cuda_torch_when_onnxruntime_has_no_cuda(monkeypatch):
    """A CUDA torch with the CPU onnxruntime (what the plugin's PyTorch group installs) runs ONNX graphs on the GPU
    through onnx2torch when DEVICE=cuda is asked for, and the log says so; without onnx2torch that is refused."""
    monkeypatch.setattr(device_module, "cuda_available", lambda runtime: runtime == "torch")
    chosen = choose_device("cuda", "onnx")
    assert chosen.kind == "cuda" and "onnx2torch" in chosen.reason
    # DEVICE=auto stays on onnxruntime: below ~4000² the GPU path lost to the CPU (docs/benchmarks.md, "GPU")
    auto = choose_device("auto", "onnx")
    assert auto.kind == "cpu" and "onnxruntime" in auto.reason
    assert choose_device("cpu", "onnx").kind == "cpu"
    assert choose_device("auto", "torch_state_dict").kind == "cuda"
    import importlib.util
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnx2torch" else object())
    with pytest.raises(DeepMapperError, match="DEVICE=cuda"):
        choose_device("cuda", "onnx")


def test_no_gpu_means_cpu_with_the_reason_and_no_runtime_imported(monkeypatch):
    monkeypatch.setattr(device_module, "nvidia_driver_present", lambda: False)
    monkeypatch.setitem(sys.modules, "onnx2torch", None)
    for fmt in ("onnx", "torch_state_dict"):
        chosen = choose_device("auto", fmt)
        assert chosen.kind == "cpu" and "CUDA" in chosen.reason
        with pytest.raises(DeepMapperError, match="DEVICE=cuda was asked for"):
            choose_device("cuda", fmt)


class _Doubler(torch.nn.Module):
    """Doubles its input; runs out of GPU memory (raises it) for batches above `limit`."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit, self.sizes = limit, []

    def forward(self, x):
        self.sizes.append(len(x))
        if len(x) > self.limit:
            raise torch.cuda.OutOfMemoryError("CUDA out of memory (test)")
        return x * 2


def test_a_batch_the_gpu_has_no_memory_for_is_split_and_later_batches_start_small():
    module = _Doubler(limit=3)
    run = CudaRunner(torch, module, torch.device("cpu"), half=False)  # the splitting itself needs no GPU
    x = np.arange(8 * 2 * 4 * 4, dtype=np.float32).reshape(8, 2, 4, 4)
    np.testing.assert_array_equal(run(x), x * 2)
    assert module.sizes[:3] == [8, 4, 2] and run.fits == 2
    module.sizes.clear()
    np.testing.assert_array_equal(run(x[:5]), x[:5] * 2)
    assert module.sizes == [2, 2, 1]  # starts at the size that fitted
    with pytest.raises(DeepMapperError, match="no memory left for one tile of 4 x 4"):
        CudaRunner(torch, _Doubler(limit=0), torch.device("cpu"), half=False)(x)


def test_batches_grow_back_after_a_passing_shortage_of_gpu_memory():
    """One out-of-memory error (another program held the memory for a moment) halved the batches for the rest of
    the run; they now grow back while they fit, and halve again when they do not."""
    from deepmapper.models.backends.cuda_runner import REGROW_AFTER
    module = _Doubler(limit=1)
    run = CudaRunner(torch, module, torch.device("cpu"), half=False)
    x = np.ones((8, 1, 2, 2), np.float32)
    run(x)
    assert run.fits == 1
    module.limit = 4  # the other program let go of part of the memory
    module.sizes.clear()
    for _ in range(4 * REGROW_AFTER):
        np.testing.assert_array_equal(run(x), x * 2)
    assert 4 in module.sizes[-3:] and run.fits in (4, 8)  # back to what fits
    failed = [i for i, size in enumerate(module.sizes) if size > module.limit]
    assert len(failed) <= 3 and all(b - a > 2 for a, b in zip(failed, failed[1:]))  # tries ever more rarely
    assert np.diff(failed[-3:]).tolist() == sorted(np.diff(failed[-3:]).tolist())


# -- on a GPU: the same results as the CPU ---------------------------------------------------------------------------

def _chip_tiles(n: int = 4) -> np.ndarray:
    with rasterio.open(data_file("clouds/s2_cloud_chip.tif")) as src:
        chip = src.read().astype(np.float32)
    return np.stack([chip[:, r:r + 256, c:c + 256] for r, c in ((0, 0), (0, 256), (256, 0), (256, 256))][:n])


@cuda
def test_ukis_graph_on_the_gpu_through_onnx2torch_gives_the_cpu_probabilities():
    pytest.importorskip("onnx2torch")
    card = installed_card(UKIS)
    gpu_device = choose_device("cuda", card.format)
    assert gpu_device.kind == "cuda"
    gpu, cpu = load_model(card, gpu_device), load_model(card, CPU)
    assert gpu.runtime in ("onnx2torch", "onnx")  # torch, or onnxruntime-gpu where installed
    x = _chip_tiles()
    p_gpu, p_cpu = gpu.predict(x), cpu.predict(x)
    assert p_gpu.shape == p_cpu.shape == (4, 3, 256, 256)
    assert np.abs(p_gpu - p_cpu).max() < 0.02  # TF32 convolutions on the GPU, float16 casts in the graph
    assert (p_gpu.argmax(1) == p_cpu.argmax(1)).mean() > 0.999
    # a batch's tiles are independent (cuDNN may pick other kernels for another batch size: 1.06e-3 measured)
    np.testing.assert_allclose(gpu.predict(x[:1]), p_gpu[:1], atol=5e-3)


@cuda
def test_cloudmask_on_the_gpu_scores_as_the_cpu_on_the_cloud_chip(tmp_path):
    """F1 against the chip's reference: the CPU reaches 0.864 cloud / 0.826 shadow (test_free_tiling)."""
    pytest.importorskip("onnx2torch")
    installed_card(UKIS)
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
    ref = rasterio.open(data_file("clouds/s2_cloud_chip_reference.tif")).read(1)
    masks = {}
    for dev in ("cpu", "cuda"):
        out = tmp_path / f"{dev}.tif"
        result = run_cloudmask(CloudMaskRequest(input=str(data_file("clouds/s2_cloud_chip.tif")), output=str(out),
                                                model=UKIS, device=dev))
        masks[dev] = rasterio.open(out).read(1)
        if dev == "cuda":
            assert any("cuda" in line for line in result.log)
    agree = (masks["cpu"] == masks["cuda"]).mean()
    assert agree > 0.998
    for cls in (1, 2):
        assert f1(masks["cuda"], ref, cls) >= f1(masks["cpu"], ref, cls) - 0.005


@cuda
def test_landcover_in_half_precision_on_the_gpu_gives_the_cpu_classes(tmp_path):
    from deepmapper.plugin.core.classify.segment import SegmentRequest, run_segment
    scene = data_file("landcover/aberystwyth_s2_10m.tif")
    classes = {}
    for dev in ("cpu", "cuda"):
        out = tmp_path / f"{dev}.tif"
        result = run_segment(SegmentRequest(input=str(scene), output=str(out), model="landcover_s2", device=dev))
        classes[dev] = rasterio.open(out).read(1)
        if dev == "cuda":
            assert any("float16" in line for line in result.log)  # the card allows half precision
    assert (classes["cpu"] == classes["cuda"]).mean() > 0.995


@cuda
def test_guided_super_resolution_on_the_gpu_gives_the_cpu_reflectance(tmp_path):
    from deepmapper.plugin.core.superres.pipeline import SuperResRequest, run_superres
    out = {}
    for dev in ("cpu", "cuda"):
        path = tmp_path / f"{dev}.tif"
        run_superres(SuperResRequest(input=str(data_file("superres/T33UUB_10m.tif")), output=str(path),
                                     input_lowres=str(data_file("superres/T33UUB_20m.tif")), device=dev))
        out[dev] = rasterio.open(path).read().astype(np.float64)
    diff = np.abs(out["cpu"] - out["cuda"])
    scale = np.nanpercentile(np.abs(out["cpu"]), 99)  # the output is in the input's units (DN here)
    # float16 on the GPU (the card allows it): measured mean 0.57 DN, 1.1e-4 of the 99th percentile
    assert np.nanmean(diff) < 1e-3 * scale and np.nanpercentile(diff, 99.9) < 1e-2 * scale


class _TwoClasses(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 2, 3, padding=1)

    def forward(self, x):
        return self.conv(x) * torch.linspace(0.0, 1.0, x.shape[-1])  # not symmetric: the flips matter


@pytest.mark.parametrize("activation,tta", [("softmax", False), ("softmax", True), ("sigmoid", False),
                                            ("binary", True), ("none", False)])
def test_normalising_flips_and_activation_on_the_device_give_the_numpy_probabilities(activation, tta):
    """What CudaRunner.probabilities does on the GPU equals LoadedModel's numpy path (run here on the CPU)."""
    from deepmapper.models.backends import LoadedModel
    from deepmapper.models.card import ModelCard
    torch.manual_seed(0)
    module = _TwoClasses().eval()
    n_out = 1 if activation == "binary" else 2
    if n_out == 1:
        module.conv = torch.nn.Conv2d(3, 1, 3, padding=1)
    card = ModelCard({"id": "t", "input": {"bands": ["red", "green", "blue"], "normalization": {
        "type": "standard", "mean": [100.0, 200.0, 300.0], "std": [10.0, 20.0, 30.0]}},
        "output": {"classes": [{"id": i, "name": str(i)} for i in range(2)], "activation": activation},
        "tiling": {"tile_size": 16}, "format": "torch_state_dict", "test_time_augmentation": tta})
    runner = CudaRunner(torch, module, torch.device("cpu"), half=False)
    x = np.random.default_rng(1).normal(200, 50, (3, 3, 16, 16)).astype(np.float32)
    fused = LoadedModel(card, runner, CPU).predict(x)

    def plain(batch):
        with torch.inference_mode():
            return module(torch.from_numpy(batch)).numpy()

    numpy_path = LoadedModel(card, plain, CPU).predict(x)
    assert fused.shape == numpy_path.shape and fused.dtype == np.float32
    np.testing.assert_allclose(fused, numpy_path, rtol=1e-5, atol=1e-6)


def test_cuda_batches_are_bounded_in_host_memory_too(monkeypatch):
    gpu = Device("cuda", reason="test")
    monkeypatch.setitem(sys.modules, "torch", types.SimpleNamespace(cuda=types.SimpleNamespace(
        mem_get_info=lambda index: (140 << 30, 141 << 30))))
    assert auto_batch_size(gpu, 256, 6) == 64  # 1.5 MB a tile: the GPU's cap
    assert auto_batch_size(gpu, 512, 10) == 12  # 10.5 MB a tile: 128 MB of input at most
    assert auto_batch_size(gpu, 2048, 13) == 1
    assert auto_batch_size(Device("cpu"), 512, 10) == 1


@cuda
def test_batch_size_from_free_gpu_memory():
    gpu = Device("cuda", reason="test")
    batch = auto_batch_size(gpu, 256, 6)
    free, _total = torch.cuda.mem_get_info(0)
    assert 1 <= batch <= 64
    assert batch * 256 * 256 * 8 * 4 * 64 <= free // 2  # the estimate's budget: half the free memory
    assert auto_batch_size(gpu, 4096, 13) <= batch


@cuda
def test_gpu_runner_takes_pinned_host_memory_and_returns_float32():
    module = torch.nn.Conv2d(3, 2, 3, padding=1).cuda().eval()
    x = np.random.default_rng(0).random((2, 3, 32, 32), dtype=np.float32)
    with torch.inference_mode():
        expected = module(torch.from_numpy(x).cuda()).cpu().numpy()  # float32, before the runner halves the module
    run = CudaRunner(torch, module, torch.device("cuda"), half=True)
    out = run(x)
    assert out.dtype == np.float32 and out.shape == (2, 2, 32, 32)
    assert run._local.pinned.is_pinned()  # this thread's page-locked buffer
    assert np.abs(out - expected).max() < 0.01  # float16


def test_module_types_stay_importable_without_a_gpu():
    """The CPU path of module_runner never touches CUDA (no pinned memory, no cuDNN settings)."""
    from deepmapper.models.backends.torch_backend import module_runner
    run = module_runner(torch.nn.Identity(), CPU)
    assert not isinstance(run, CudaRunner)
    x = np.ones((1, 2, 3, 3), np.float32)
    np.testing.assert_array_equal(run(x), x)


class _TwoOutputs(torch.nn.Module):
    def forward(self, x):
        return [x * 3, x]  # a converted ONNX graph returns every graph output


def test_a_module_with_several_outputs_gives_its_first_as_onnxruntime_does():
    from deepmapper.models.backends.torch_backend import module_runner
    x = np.ones((1, 2, 4, 4), np.float32)
    np.testing.assert_array_equal(module_runner(_TwoOutputs(), CPU)(x), x * 3)
    np.testing.assert_array_equal(CudaRunner(torch, _TwoOutputs(), torch.device("cpu"), half=False)(x), x * 3)


class _CudnnOutOfMemory(torch.nn.Module):
    """Fails as cuDNN does when its workspace cannot be allocated: a plain RuntimeError, for batches above 1."""

    def forward(self, x):
        if len(x) > 1:
            raise RuntimeError("cuDNN error: CUDNN_STATUS_ALLOC_FAILED")
        return x


def test_cudnn_allocation_failures_split_the_batch_and_other_errors_do_not():
    run = CudaRunner(torch, _CudnnOutOfMemory(), torch.device("cpu"), half=False)
    x = np.zeros((4, 1, 2, 2), np.float32)
    np.testing.assert_array_equal(run(x), x)
    assert run.fits == 1

    class Broken(torch.nn.Module):
        def forward(self, x):
            raise RuntimeError("Given groups=1, weight of size [8, 3, 3, 3], expected input to have 3 channels")

    with pytest.raises(RuntimeError, match="expected input"):
        CudaRunner(torch, Broken(), torch.device("cpu"), half=False)(x)
