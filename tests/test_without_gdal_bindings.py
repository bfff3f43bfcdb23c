"""The engine in a Python without GDAL's bindings (osgeo): rasterio's wheels bundle GDAL but not them, which is how
GPU servers and Dask workers set up with pip alone look. Raster tasks run; polygons are refused before any work."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import rasterio

from conftest import PLUGINS, data_file
from deepmapper.plugin.core.engine import vectorize
from deepmapper.plugin.core.engine.errors import DeepMapperError


def test_the_command_line_masks_clouds_without_osgeo(tmp_path):
    chip = data_file("clouds/s2_cloud_chip.tif")
    blocker = tmp_path / "block"
    (blocker / "osgeo").mkdir(parents=True)
    (blocker / "osgeo" / "__init__.py").write_text("raise ImportError('osgeo is blocked for this test')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(blocker), str(PLUGINS)]))
    env.pop("GDAL_CACHEMAX", None)
    out = tmp_path / "mask.tif"
    probe = ("import runpy, sys; sys.argv = ['deepmapper', 'cloudmask', 'INPUT=%s', 'OUTPUT=%s', "
             "'MODEL=ukis_csmask_6b_l1c', '--quiet']\n"
             "try:\n    runpy.run_module('deepmapper', run_name='__main__')\n"
             "except SystemExit as exc:\n"
             "    import os; print('GDAL_CACHEMAX', os.environ.get('GDAL_CACHEMAX')); print('osgeo' in sys.modules and "
             "sys.modules['osgeo'] is not None); raise\n") % (chip, out)
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=300)
    if "is not installed" in done.stdout + done.stderr:
        pytest.skip("ukis-csmask is not installed")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "GDAL_CACHEMAX 64" in done.stdout and "False" in done.stdout  # the cache capped without the bindings
    with rasterio.open(out) as mask:
        assert mask.read(1).max() == 2  # clear, cloud and shadow


def test_polygons_are_refused_before_any_work_without_osgeo(tmp_path, monkeypatch):
    from deepmapper.plugin.core.accuracy.assess import assess_accuracy
    from deepmapper.plugin.core.accuracy.results import AccuracyRequest
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
    monkeypatch.setattr(vectorize, "ogr", None)
    chip = str(data_file("clouds/s2_cloud_chip.tif"))
    with pytest.raises(DeepMapperError, match="OUTPUT_VECTOR needs polygons.*osgeo"):
        run_cloudmask(CloudMaskRequest(input=chip, output=str(tmp_path / "m.tif"),
                                       output_vector=str(tmp_path / "m.gpkg")))
    with pytest.raises(DeepMapperError, match="OBJECT_CLASS needs polygons"):
        assess_accuracy(AccuracyRequest(prediction=chip, reference=str(data_file(
            "clouds/s2_cloud_chip_reference.gpkg")), class_field="class", object_class="cloud"))
    assert list(tmp_path.iterdir()) == []  # nothing written, no temporary files


def test_the_command_line_refuses_polygons_once_for_a_batch_without_osgeo(tmp_path, monkeypatch, capsys):
    from deepmapper.plugin.core.cli.main import EXIT_USAGE, main
    monkeypatch.setattr(vectorize, "ogr", None)
    chip = str(data_file("clouds/s2_cloud_chip.tif"))
    out = tmp_path / "masks"
    status = main(["cloudmask", f"INPUT={chip},{chip}", f"OUTPUT={out}", f"OUTPUT_VECTOR={out}", "--quiet"])
    assert status == EXIT_USAGE
    err = capsys.readouterr().err
    assert err.count("OUTPUT_VECTOR needs polygons") == 1  # said once, before any scene runs
    assert not out.exists()
