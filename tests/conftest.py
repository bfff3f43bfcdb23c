"""Test fixtures: the package importable as `deepmapper`, a headless QGIS with Processing, the shared real data."""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
# DEEPMAPPER_TEST_DATA: the shared data elsewhere (a GPU machine that gets a copy of it beside the checkout).
DATA = Path(os.environ.get("DEEPMAPPER_TEST_DATA", "").strip() or ROOT.parent / "shared" / "data")
PLUGINS = ROOT / ".build" / "plugins"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}")
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, exist_ok=True)
# Files the runs derive from the weights (optimised and int8 graphs, models/cache.py) go to a cache of the test run's
# own, shared by its tests and the qgis_process they start, never to the user's ~/.cache/deepmapper.
_CACHE = tempfile.mkdtemp(prefix="deepmapper-test-cache-")
os.environ["DEEPMAPPER_CACHE"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)
# QGIS expects the plugin folder to be named 'deepmapper': link the checkout under that name.
PLUGINS.mkdir(parents=True, exist_ok=True)
if not (PLUGINS / "deepmapper").exists():
    (PLUGINS / "deepmapper").symlink_to(ROOT)
sys.path.insert(0, str(PLUGINS))


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "cuda: needs a CUDA GPU that torch sees (skipped elsewhere, with the reason); "
                                       "`pytest -m cuda tests` runs them alone on a GPU machine")


def data_file(relative: str) -> Path:
    """A file of ../shared/data, or skip the test with the reason."""
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"real sample data not available: {path} is absent (the shared data folder sits beside the "
                    f"project in development and CI)")
    return path


def installed_card(model_id: str):
    """The registry's card of `model_id` once its weights are there and intact, or skip the test with the reason
    (the UKIS models ship inside the ukis-csmask package)."""
    from deepmapper.models.registry import Registry, verified_weights
    card = Registry().get(model_id)
    try:
        verified_weights(card)
    except Exception as exc:  # noqa: BLE001 - DeepMapperError: not installed, or damaged
        pytest.skip(str(exc))
    return card


class ArrayReader:
    """BandReader-like over an in-memory (C, H, W) float array, for engine tests without files; NaN is nodata."""

    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.height, self.width = data.shape[1:]

    def read_rows(self, row0, row1, col0=0, col1=None):
        block = self.data[:, row0:row1, col0:self.width if col1 is None else col1].copy()
        return block, np.isfinite(block).all(axis=0)


def data_copy(relative: str, folder: Path) -> Path:
    """A copy of a file of ../shared/data in `folder`, for tests that hand a raster to QGIS's own layer loading (the
    model builder's inputs), which saves the histograms of its default contrast stretch as .aux.xml beside the file:
    the shared data must stay untouched."""
    import shutil
    return Path(shutil.copy(data_file(relative), folder))


@pytest.fixture(scope="session")
def qgis_app(tmp_path_factory):
    """A headless QgsApplication with Processing and the DeepMapper provider registered, in a profile of its own: the
    user's QGIS settings (a French locale, which the plugin's translator follows) neither reach the tests nor get
    the tests' settings written into them."""
    from qgis.core import QgsApplication
    app = QgsApplication([], False, str(tmp_path_factory.mktemp("qgis-profile")))
    QgsApplication.setPrefixPath("/usr", True)
    app.initQgis()
    # QGIS saves the statistics and histograms behind a raster layer's default contrast stretch as a GDAL .aux.xml
    # beside the file when the layer goes (layers Processing loads for a path, dialogs, the model builder). Tests
    # read ../shared/data, which must stay untouched, so GDAL's PAM is off in the test process; test_bad_inputs turns
    # it back on over its own copies to check that the plugin itself writes no sidecars.
    from osgeo import gdal
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing
    Processing.initialize()
    from deepmapper.plugin.provider import DeepMapperProvider
    provider = DeepMapperProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    yield app
    QgsApplication.processingRegistry().removeProvider(provider)


def f1(pred, ref, cls: int) -> float:
    tp = ((pred == cls) & (ref == cls)).sum()
    fp = ((pred == cls) & (ref != cls)).sum()
    fn = ((pred != cls) & (ref == cls)).sum()
    return float(2 * tp / (2 * tp + fp + fn))


def cloudmask_model(name: str):
    """A QgsProcessingModelAlgorithm with a raster parameter 'scene' feeding a cloudmask child 'mask' whose OUTPUT
    is the model output 'mask:cloudmask' (the start of every model-builder chain test)."""
    from qgis.core import (QgsProcessingModelAlgorithm, QgsProcessingModelChildAlgorithm,
                           QgsProcessingModelChildParameterSource, QgsProcessingModelOutput,
                           QgsProcessingModelParameter, QgsProcessingParameterRasterLayer)
    model = QgsProcessingModelAlgorithm(name, "tests")
    model.addModelParameter(QgsProcessingParameterRasterLayer("scene", "Scene"), QgsProcessingModelParameter("scene"))
    mask = QgsProcessingModelChildAlgorithm("deepmapper:cloudmask")
    mask.setChildId("mask")
    mask.addParameterSources("INPUT", [QgsProcessingModelChildParameterSource.fromModelParameter("scene")])
    mask.addParameterSources("SENSOR", [QgsProcessingModelChildParameterSource.fromStaticValue("sentinel2_l1c")])
    mask_out = QgsProcessingModelOutput("cloudmask", "Cloud mask")
    mask_out.setChildOutputName("OUTPUT")
    mask.setModelOutputs({"cloudmask": mask_out})
    model.addChildAlgorithm(mask)
    return model


# -- small deterministic segmentation models (cards + torch state dicts) for the segment tests -------------------------
LANDCOVER_CLASSES = [{"id": 1, "name": "forest", "color": "#1b7837"}, {"id": 2, "name": "grass", "color": "#a6dba0"},
                     {"id": 3, "name": "urban", "color": "#d73027"}, {"id": 4, "name": "water", "color": "#4575b4"}]


def _box_fcn(in_channels: int, n_classes: int, weight, bias, shift: float):
    """The registered 'fcn' (depth 1) set by hand: a 3x3 mean of each normalised band plus `shift` (which keeps it
    positive, so the ReLU is the identity), then a linear classifier."""
    import torch
    from deepmapper.models.architectures import build
    spec = {"name": "fcn", "params": {"width": in_channels, "depth": 1}}
    module = build(spec, in_channels=in_channels, n_classes=n_classes)
    conv, bn, _relu, head = module
    with torch.no_grad():
        conv.weight.zero_()
        for c in range(in_channels):
            conv.weight[c, c] = 1.0 / 9.0
        conv.bias.fill_(shift)
        bn.running_mean.zero_()
        bn.running_var.fill_(1.0 - bn.eps)  # BatchNorm in eval mode is then exactly the identity
        bn.weight.fill_(1.0)
        bn.bias.zero_()
        head.weight.copy_(torch.as_tensor(weight, dtype=torch.float32)[:, :, None, None])
        head.bias.copy_(torch.as_tensor(bias, dtype=torch.float32))
    return spec, module


def write_card(folder: Path, card_id: str, spec, module, bands, units, mean, std, classes, tile=64, margin=2,
               priority=1000, sensor=None, **extra) -> Path:
    """Save `module`'s state dict and a valid card for it in `folder`; returns the card path."""
    import json
    import torch
    from deepmapper.models.registry import sha256_of
    folder.mkdir(parents=True, exist_ok=True)
    weights = folder / f"{card_id}.pt"
    torch.save(module.state_dict(), weights)
    card = {"schema_version": 1, "id": card_id, "name": card_id.replace("_", " "), "task": "segmentation",
            "format": "torch_state_dict", "architecture": spec, "weights": weights.name, "sha256": sha256_of(weights),
            "license": "CC0-1.0", "source_url": "tests/conftest.py", "priority": priority,
            "input": {"bands": list(bands), "units": units,
                      "normalization": {"type": "standard", "mean": list(map(float, mean)),
                                        "std": list(map(float, std))},
                      **({"sensor": sensor} if sensor else {})},
            "output": {"activation": "softmax", "classes": classes},
            "tiling": {"tile_size": tile, "margin": margin, "blend": "crop"}, **extra}
    path = folder / f"{card_id}.json"
    path.write_text(json.dumps(card, indent=1))
    return path


@pytest.fixture(scope="session")
def segmentation_models(tmp_path_factory):
    """A folder with two hand-made segmentation models, deterministic and quick on the CPU:

    test_landcover: 10 Sentinel-2 bands (raw uint16 values, units 'dn'), nearest class centre of the Aberystwyth
    training polygons after a 3x3 mean; classes forest/grass/urban/water with ids 1..4 (not 0-based on purpose).
    test_buildings: 1 band 'pan', 3x3 mean brighter than the scene's 85th percentile -> building, else background.
    """
    pytest.importorskip("torch")
    import geopandas as gpd
    import rasterio
    from rasterio.features import rasterize
    from scipy import ndimage
    scene, polygons = data_file("landcover/aberystwyth_s2_10m.tif"), data_file(
        "landcover/aberystwyth_training_polygons.gpkg")
    pan = data_file("buildings/atlanta_pan_050cm.tif")
    folder = tmp_path_factory.mktemp("models")

    with rasterio.open(scene) as src:
        data = src.read().astype(np.float64)
        valid = (data != 0).all(axis=0)
        shapes = gpd.read_file(polygons).to_crs(src.crs)
        index = {c["name"]: i for i, c in enumerate(LANDCOVER_CLASSES)}
        labels = rasterize(zip(shapes.geometry, shapes["class"].map(index)), out_shape=valid.shape,
                           transform=src.transform, fill=255, dtype="uint8")
    mean = np.array([b[valid].mean() for b in data])
    std = np.array([b[valid].std() for b in data])
    z = ndimage.uniform_filter((data - mean[:, None, None]) / std[:, None, None], size=(1, 3, 3), mode="mirror")
    centres = np.stack([z[:, (labels == k) & valid].mean(axis=1) for k in range(len(LANDCOVER_CLASSES))])
    shift = float(np.ceil(-z[:, valid].min())) + 1.0
    # logits_k = c_k . z - |c_k|^2 / 2 (nearest centre), with z = y - shift
    bias = -(centres * shift).sum(axis=1) - (centres ** 2).sum(axis=1) / 2
    spec, module = _box_fcn(10, 4, centres, bias, shift)
    landcover = write_card(folder, "test_landcover", spec, module,
                           ["blue", "green", "red", "rededge1", "rededge2", "rededge3", "nir", "nir08", "swir16",
                            "swir22"], "dn", mean, std, LANDCOVER_CLASSES, tile=256, sensor="sentinel2_l2a")

    with rasterio.open(pan) as src:
        values = src.read(1).astype(np.float64)
    m, s = float(values.mean()), float(values.std())
    threshold = (np.percentile(values, 85) - m) / s
    shift = float(np.ceil((m - values.min()) / s)) + 1.0
    spec, module = _box_fcn(1, 2, [[0.0], [4.0]], [0.0, -4.0 * (shift + threshold)], shift)
    buildings = write_card(folder, "test_buildings", spec, module, ["pan"], "any", [m], [s],
                           [{"id": 0, "name": "background"}, {"id": 1, "name": "building", "color": "#ff00ff"}],
                           tile=256)
    return {"folder": folder, "landcover": landcover, "buildings": buildings, "scene": scene, "polygons": polygons,
            "pan": pan, "labels": labels}


BLOCKED_RUNTIMES = ("torch", "onnxruntime", "lightgbm")


def run_without_runtimes(code: str) -> subprocess.CompletedProcess:
    """Run `code` in a child interpreter where torch, onnxruntime and lightgbm can be neither imported nor found,
    after a headless QGIS with the DeepMapper provider has started (`registry` is its processing registry)."""
    preamble = f"""
import sys, importlib.abc, importlib.util
BLOCKED = {BLOCKED_RUNTIMES!r}
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in BLOCKED:
            raise ImportError('blocked ' + name)
sys.meta_path.insert(0, Block())
_find = importlib.util.find_spec
importlib.util.find_spec = lambda n, *a: None if n.split('.')[0] in BLOCKED else _find(n, *a)
sys.path.insert(0, {str(PLUGINS)!r})
sys.path.insert(0, '/usr/share/qgis/python/plugins')
from qgis.core import QgsApplication, QgsProcessingContext, QgsProcessingFeedback
app = QgsApplication([], False); app.initQgis()
from deepmapper.plugin.provider import DeepMapperProvider
provider = DeepMapperProvider()  # keep a reference: the registry does not own Python providers
QgsApplication.processingRegistry().addProvider(provider)
registry = QgsApplication.processingRegistry()
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", preamble + code], capture_output=True, text=True, env=env,
                          timeout=120)
