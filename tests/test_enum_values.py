"""A wrong option of a SENSOR/DEVICE/... parameter is answered with the valid values, not QGIS's bare
"Incorrect parameter value"; option names and numbers still pass."""
from __future__ import annotations

import subprocess

from conftest import ROOT, data_file


def _check(alg_id: str, **params):
    from qgis.core import QgsApplication, QgsProcessingContext
    alg = QgsApplication.processingRegistry().createAlgorithmById(f"deepmapper:{alg_id}")
    return alg.checkParameterValues(params, QgsProcessingContext())


def test_a_wrong_option_names_the_valid_ones(qgis_app, tmp_path):
    chip = str(data_file("clouds/s2_cloud_chip.tif"))
    ok, message = _check("cloudmask", INPUT=chip, SENSOR="sentinel3", OUTPUT=str(tmp_path / "m.tif"))
    assert not ok and message.startswith("SENSOR must be one of sentinel2_l1c, sentinel2_l2a, landsat8"), message
    assert "(or their option numbers 0 to 5); 'sentinel3' is not." in message
    ok, message = _check("cloudmask", INPUT=chip, DEVICE="tpu", OUTPUT=str(tmp_path / "m.tif"))
    assert not ok and message.startswith("DEVICE must be one of auto, cpu"), message
    for sensor in ("landsat8", "2", 2):
        assert _check("cloudmask", INPUT=chip, SENSOR=sensor, OUTPUT=str(tmp_path / "m.tif")) == (True, ""), sensor


def test_qgis_process_shows_the_valid_values(tmp_path):
    run = subprocess.run([str(ROOT / "scripts" / "qgis_process"), "run", "deepmapper:cloudmask", "--",
                          f"INPUT={data_file('clouds/s2_cloud_chip.tif')}", "SENSOR=sentinel3",
                          f"OUTPUT={tmp_path / 'm.tif'}"], capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and "SENSOR must be one of sentinel2_l1c" in run.stdout + run.stderr, run.stdout
    assert not (tmp_path / "m.tif").exists()
