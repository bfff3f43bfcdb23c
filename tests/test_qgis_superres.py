"""deepmapper:superresolve and deepmapper:validatesuperres inside real QGIS: processing.run, qgis_process, SCALE mode."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import rasterio

from conftest import ROOT, data_file
from test_superres_engine import crop

QGIS_PROCESS = ROOT / "scripts" / "qgis_process"


@pytest.fixture()
def pair(tmp_path):
    high = crop(data_file("superres/T33UUB_10m.tif"), tmp_path / "hi.tif", 200, 200, 160, 120)
    low = crop(data_file("superres/T33UUB_20m.tif"), tmp_path / "lo.tif", 100, 100, 80, 60)
    return high, low


def test_superresolve_processing_run(qgis_app, pair, tmp_path):
    import processing
    high, low = pair
    res = processing.run("deepmapper:superresolve", {"INPUT": high, "INPUT_LOWRES": low,
                                                     "OUTPUT": str(tmp_path / "sr.tif")})
    assert res["MODEL_ID"] == "s2_superres_guided" and res["BAND_COUNT"] == 6 and res["PIXEL_SIZE"] == 10
    assert 0 <= res["CONSISTENCY_ERROR_PERCENT"] < 1
    with rasterio.open(res["OUTPUT"]) as ds:
        assert (ds.width, ds.height, ds.count) == (160, 120, 6)
        assert ds.descriptions == ("B5", "B6", "B7", "B8A", "B11", "B12")
    _assert_composite(res["OUTPUT"], (5, 4, 1))  # B11, B8A, B5: the false colour of the 20 m bands


def _assert_composite(path: str, bands: tuple[int, int, int]) -> None:
    """The output's saved style (.qml beside it, as a layer loads it) is an RGB of `bands`, each stretched to its
    own 2-98 % cut, not QGIS's default min/max of bands 1-3."""
    from qgis.core import QgsRasterLayer
    assert Path(path).with_suffix(".qml").exists()
    layer = QgsRasterLayer(path, "sr", "gdal")
    renderer = layer.renderer()
    assert renderer.type() == "multibandcolor"
    assert (renderer.redBand(), renderer.greenBand(), renderer.blueBand()) == bands
    for enhancement in (renderer.redContrastEnhancement(), renderer.greenContrastEnhancement(),
                        renderer.blueContrastEnhancement()):
        assert enhancement is not None and enhancement.minimumValue() < enhancement.maximumValue()


def test_superresolve_scale_mode(qgis_app, pair, tmp_path):
    import processing
    _high, low = pair
    res = processing.run("deepmapper:superresolve", {"INPUT": low, "SCALE": True, "OUTPUT": str(tmp_path / "x2.tif")})
    assert res["MODEL_ID"] == "s2_superres_single" and res["PIXEL_SIZE"] == 10
    with rasterio.open(res["OUTPUT"]) as ds:
        assert (ds.width, ds.height, ds.count) == (160, 120, 6)
    _assert_composite(res["OUTPUT"], (5, 4, 1))


def test_validatesuperres_processing_run(qgis_app, pair, tmp_path):
    import processing
    high, low = pair
    res = processing.run("deepmapper:validatesuperres", {
        "INPUT": high, "INPUT_LOWRES": low, "OUTPUT_HTML": str(tmp_path / "report.html"),
        "OUTPUT_CSV": str(tmp_path / "scores.csv")})
    for key in ("RMSE", "RMSE_BICUBIC", "RMSE_RATIO", "PSNR", "SSIM", "SAM", "ERGAS", "ERGAS_BICUBIC"):
        assert isinstance(res[key], float), key
    assert res["RMSE_RATIO"] == pytest.approx(res["RMSE"] / res["RMSE_BICUBIC"])
    assert res["RMSE_RATIO"] < 1
    assert "<svg" in (tmp_path / "report.html").read_text()
    assert len((tmp_path / "scores.csv").read_text().splitlines()) == 1 + 6 + 3


def test_bad_grid_is_a_processing_error_and_writes_nothing(qgis_app, pair, tmp_path):
    import processing
    from qgis.core import QgsProcessingException
    high, _low = pair
    other = crop(data_file("superres/T33UUB_20m.tif"), tmp_path / "utm34.tif", 100, 100, 80, 60, crs="EPSG:32634")
    (tmp_path / "out").mkdir()  # an existing output folder: the refusal must come from the grids themselves
    with pytest.raises(QgsProcessingException, match="CRS"):
        processing.run("deepmapper:superresolve", {"INPUT": high, "INPUT_LOWRES": other,
                                                   "OUTPUT": str(tmp_path / "out" / "sr.tif")})
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def _qgis_process(*args: str) -> dict:
    if not QGIS_PROCESS.exists() or not Path("/usr/bin/qgis_process.bin").exists():
        pytest.skip("qgis_process.bin not installed (run `make setup`)")
    subprocess.run([str(QGIS_PROCESS), "plugins", "enable", "deepmapper"], capture_output=True, check=False)
    proc = subprocess.run([str(QGIS_PROCESS), "--json", "run", *args], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout)["results"]


def test_qgis_process_superresolve_and_validate(pair, tmp_path):
    high, low = pair
    res = _qgis_process("deepmapper:superresolve", "--", f"INPUT={high}", f"INPUT_LOWRES={low}",
                        f"OUTPUT={tmp_path / 'sr.tif'}")
    assert res["MODEL_ID"] == "s2_superres_guided" and res["CONSISTENCY_ERROR_PERCENT"] < 1
    assert rasterio.open(res["OUTPUT"]).count == 6
    res = _qgis_process("deepmapper:validatesuperres", "--", f"INPUT={low}", "SCALE=true",
                        f"OUTPUT_HTML={tmp_path / 'scale.html'}")
    assert res["MODEL_ID"] == "s2_superres_single" and res["RMSE_RATIO"] < 1
    assert (tmp_path / "scale.html").exists()
