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


def test_a_number_out_of_range_names_the_range(qgis_app, tmp_path):
    """TOP_SHARE, EXPECTED_WRONG, COUNT, ...: out of range or not a number, the message gives the parameter, its words
    in the dialog and the valid range; values inside pass this check."""
    chip = str(data_file("clouds/s2_cloud_chip.tif"))
    cases = [("suggestsamples", {"TOP_SHARE": 0}, 'TOP_SHARE "Score from the most uncertain share of each patch '
              "(1: all its pixels)\" must be a number from 0.01 to 1; '0' is not."),
             ("suggestsamples", {"TOP_SHARE": "abc"}, "must be a number from 0.01 to 1; 'abc' is not."),
             ("suggestsamples", {"COUNT": 0}, "must be a whole number of at least 1; '0' is not."),
             ("reviewlabels", {"EXPECTED_WRONG": 80}, "must be a number from 0 to 49.9; '80' is not.")]
    for alg, params, expected in cases:
        ok, message = _check(alg, INPUT=chip, OUTPUT=str(tmp_path / "o.gpkg"), **params)
        assert not ok and expected in message, (params, message)
    ok, message = _check("suggestsamples", INPUT=chip, TOP_SHARE=0.1, OUTPUT=str(tmp_path / "o.gpkg"))
    assert "TOP_SHARE" not in message, message


def test_qgis_process_shows_the_range(tmp_path):
    run = subprocess.run([str(ROOT / "scripts" / "qgis_process"), "run", "deepmapper:suggestsamples", "--",
                          f"INPUT={data_file('clouds/s2_cloud_chip.tif')}", "TOP_SHARE=1.5",
                          f"OUTPUT={tmp_path / 's.gpkg'}"], capture_output=True, text=True, timeout=300)
    assert run.returncode != 0 and "must be a number from 0.01 to 1; '1.5' is not." in run.stdout + run.stderr
    assert not (tmp_path / "s.gpkg").exists()
