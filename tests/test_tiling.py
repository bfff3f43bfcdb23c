"""Tiled inference equals whole-image inference for fully convolutional models; nodata and cancel behave."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from deepmapper.plugin.core.engine.errors import CancelledError
from deepmapper.plugin.core.engine.inference import predict_tiled
from deepmapper.plugin.core.engine.progress import Monitor
from deepmapper.plugin.core.engine.raster_io import BandReader
from deepmapper.plugin.core.engine.tiling import TileSpec

torch = pytest.importorskip("torch")


class TorchPredictor:
    """A torch module as an engine Predictor (raw outputs, no activation, so equality is exact)."""

    def __init__(self, module, n_outputs):
        self.module = module.eval()
        self.n_outputs = n_outputs

    def fill_values(self):
        return np.zeros(3, np.float32)

    def predict(self, batch):
        with torch.no_grad():
            return self.module(torch.from_numpy(batch)).numpy()


def fcn(radius: int):
    torch.manual_seed(0)
    layers = []
    for i in range(radius):
        layers += [torch.nn.Conv2d(3 if i == 0 else 8, 8, 3, padding=1), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers, torch.nn.Conv2d(8, 2, 1))


class PoolNet(torch.nn.Module):
    """Conv, 2x2 max-pool, conv, upsample: translation-equivariant only on even shifts (needs size_multiple=2)."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(1)
        self.a = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.b = torch.nn.Conv2d(8, 8, 3, padding=1)
        self.c = torch.nn.Conv2d(16, 2, 1)

    def forward(self, x):
        f = torch.relu(self.a(x))
        g = torch.relu(self.b(torch.nn.functional.max_pool2d(f, 2)))
        g = torch.nn.functional.interpolate(g, scale_factor=2, mode="nearest")
        return self.c(torch.cat([f, g], 1))


def write_raster(path, array, nodata=None):
    profile = dict(driver="GTiff", width=array.shape[2], height=array.shape[1], count=array.shape[0],
                   dtype=str(array.dtype), crs="EPSG:32633", transform=from_origin(0, 0, 10, 10), nodata=nodata)
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(array)
    return path


def whole_image(module, image, margin, multiple):
    """Reference: the model run once on the whole image, mirrored by `margin` and padded to a multiple."""
    c, h, w = image.shape
    ph = (-(h + 2 * margin)) % multiple
    pw = (-(w + 2 * margin)) % multiple
    padded = np.pad(image, ((0, 0), (margin, margin + ph), (margin, margin + pw)), mode="symmetric")
    with torch.no_grad():
        out = module(torch.from_numpy(padded[None])).numpy()[0]
    return out[:, margin:margin + h, margin:margin + w]


def tiled(tmp_path, module, image, spec, batch=3, nodata=None):
    path = write_raster(tmp_path / "in.tif", image, nodata)
    rows = []
    with rasterio.open(path) as ds:
        stats = predict_tiled(BandReader(ds, [1, 2, 3]), TorchPredictor(module, 2), spec, batch,
                              lambda r0, block: rows.append((r0, block.copy())))
    out = np.concatenate([b for _, b in sorted(rows, key=lambda x: x[0])], axis=1)
    return out, stats


@pytest.mark.parametrize("shape,size,margin", [((3, 100, 130), 32, 4), ((3, 77, 41), 48, 8), ((3, 20, 20), 64, 8)])
def test_tiled_equals_whole_image_for_fcn(tmp_path, shape, size, margin):
    image = np.random.default_rng(0).random(shape, dtype=np.float32)
    module = fcn(radius=4)  # receptive radius 4 <= margin
    out, stats = tiled(tmp_path, module, image, TileSpec(size, margin, "crop"))
    ref = whole_image(module, image, margin, 1)
    assert out.shape == ref.shape
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)
    assert stats["tiles"] >= 1


def test_tiled_equals_whole_image_with_pooling(tmp_path):
    image = np.random.default_rng(1).random((3, 90, 70), dtype=np.float32)
    module = PoolNet()  # receptive radius 1 + 2*1 + 1 = 4 (max-pool doubles the second conv's reach)
    out, _ = tiled(tmp_path, module, image, TileSpec(40, 6, "crop", size_multiple=2))
    ref = whole_image(module, image, 6, 2)
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-5)


def test_too_small_margin_is_not_seamless(tmp_path):
    """The equality above is not automatic: with a margin below the receptive radius, tiles disagree."""
    image = np.random.default_rng(2).random((3, 64, 64), dtype=np.float32)
    module = fcn(radius=4)
    out, _ = tiled(tmp_path, module, image, TileSpec(16, 1, "crop"))
    assert not np.allclose(out, whole_image(module, image, 1, 1), atol=1e-4)


def test_nodata_stays_nodata_and_empty_tiles_are_skipped(tmp_path):
    image = np.random.default_rng(3).random((3, 64, 64), dtype=np.float32)
    image[:, :32, :] = -9999  # top half nodata: whole tiles there must be skipped
    image[:, 40, 40] = -9999
    out, stats = tiled(tmp_path, fcn(2), image, TileSpec(16, 2, "crop"), nodata=-9999)
    assert np.isnan(out[:, :32]).all()
    assert np.isnan(out[:, 40, 40]).all()
    assert np.isfinite(out[:, 33:, :]).sum() == 2 * (31 * 64 - 1)
    assert stats["skipped"] > 0


def test_blend_weights_average_to_identity(tmp_path):
    """Blending a constant prediction must give the constant everywhere (weights normalised, no seams)."""

    class Constant:
        n_outputs = 2

        def fill_values(self):
            return np.zeros(3, np.float32)

        def predict(self, batch):
            return np.full((batch.shape[0], 2) + batch.shape[2:], 0.25, np.float32)

    path = write_raster(tmp_path / "c.tif", np.ones((3, 150, 170), np.float32))
    rows = []
    with rasterio.open(path) as ds:
        predict_tiled(BandReader(ds, [1, 2, 3]), Constant(), TileSpec(64, 12, "blend"), 4,
                      lambda r0, b: rows.append(b))
    out = np.concatenate(rows, axis=1)
    assert out.shape == (2, 150, 170)
    np.testing.assert_allclose(out, 0.25, rtol=1e-5)


def test_cancel_stops_between_batches(tmp_path):
    path = write_raster(tmp_path / "in.tif", np.ones((3, 64, 64), np.float32))
    with rasterio.open(path) as ds, pytest.raises(CancelledError):
        predict_tiled(BandReader(ds, [1, 2, 3]), TorchPredictor(fcn(1), 2), TileSpec(16, 2, "crop"), 1,
                      lambda *_: None, Monitor(is_cancelled=lambda: True))
