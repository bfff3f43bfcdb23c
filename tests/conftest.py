"""Test fixtures: the package importable as `deepmapper`, a headless QGIS with Processing, the shared real data."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
PLUGINS = ROOT / ".build" / "plugins"

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_RUNTIME_DIR", f"/tmp/runtime-{os.getuid()}")
Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(mode=0o700, exist_ok=True)
# QGIS expects the plugin folder to be named 'deepmapper': link the checkout under that name.
PLUGINS.mkdir(parents=True, exist_ok=True)
if not (PLUGINS / "deepmapper").exists():
    (PLUGINS / "deepmapper").symlink_to(ROOT)
sys.path.insert(0, str(PLUGINS))


def data_file(relative: str) -> Path:
    """A file of ../shared/data, or skip the test with the reason."""
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"real sample data not available: {path} is absent (the shared data folder sits beside the "
                    f"project in development and CI)")
    return path


@pytest.fixture(scope="session")
def qgis_app():
    """A headless QgsApplication with Processing and the DeepMapper provider registered."""
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    QgsApplication.setPrefixPath("/usr", True)
    app.initQgis()
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
