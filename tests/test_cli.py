"""The QGIS-free command line: `python -m deepmapper <task> NAME=value ...`, one scene or a batch."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import rasterio
from osgeo import gdal

from conftest import PLUGINS, ROOT, data_file

from deepmapper.plugin.core.batch.scenes import expand_scenes, scene_name, scene_outputs
from deepmapper.plugin.core.batch.params import build_request, describe, parse_assignments
from deepmapper.plugin.core.batch.tasks import TASKS
from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
from deepmapper.plugin.core.engine.errors import DeepMapperError
from deepmapper.plugin.core.superres.pipeline import SuperResRequest


def cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(PLUGINS)}
    return subprocess.run([sys.executable, "-m", "deepmapper", *args], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=ROOT)


def crop(src, dst, x: int, y: int, size: int) -> str:
    with rasterio.open(src) as ds:
        window = rasterio.windows.Window(x, y, size, size)
        profile = ds.profile | {"width": size, "height": size, "transform": ds.window_transform(window)}
        with rasterio.open(dst, "w", **profile) as out:
            out.write(ds.read(window=window))
            out.descriptions = ds.descriptions
    return str(dst)


# -- parameters ---------------------------------------------------------------------------------------------------
def test_parameters_follow_processing_names_and_conventions():
    values = parse_assignments(["INPUT=a.tif", "OUTPUT=m.tif", "tile_size=0", "DILATE_CLOUD=-1", "DILATE_SHADOW=0",
                                "SCALE=0.0001", "BATCH_SIZE=4", "MODEL="])
    req = build_request(CloudMaskRequest, values)
    assert (req.input, req.output, req.batch_size, req.scale) == ("a.tif", "m.tif", 4, 0.0001)
    assert req.tile_size is None  # 0 = the model's own, as in the dialog
    assert req.dilate_cloud is None and req.dilate_shadow == 0  # -1 = the model's default; 0 is zero
    assert req.model is None
    sr = build_request(SuperResRequest, {"INPUT": "a.tif", "OUTPUT": "b.tif", "SCALE": "true"}, {"SCALE": "scale_mode"})
    assert sr.scale_mode is True


def test_extent_is_read_as_processing_writes_it():
    """EXTENT=xmin,xmax,ymin,ymax (Processing's order, the raster's CRS) -> the engine's (xmin, ymin, xmax, ymax);
    it used to end every run with 'too many values to unpack'."""
    req = build_request(CloudMaskRequest, parse_assignments(["INPUT=a.tif", "OUTPUT=b.tif",
                                                             "EXTENT=300000, 305000,4990000,4995000"]))
    assert req.extent == (300000.0, 4990000.0, 305000.0, 4995000.0)
    assert build_request(CloudMaskRequest, {"INPUT": "a", "OUTPUT": "b", "EXTENT": ""}).extent is None
    assert ("EXTENT", "xmin,xmax,ymin,ymax", "") in describe(CloudMaskRequest)  # what --help shows


@pytest.mark.parametrize("args, message", [
    (["INPUT=a.tif", "OUTPUT=b.tif", "EXTENT=1,2,3"], "EXTENT takes four numbers"),
    (["INPUT=a.tif", "OUTPUT=b.tif", "EXTENT=5,2,3,4"], "xmin must be below xmax"),
    (["INPUT=a.tif", "OUTPUT=b.tif", "EXTENT=1,2,3,4 [EPSG:4326]"], "in the raster's own CRS"),
    (["INPUT=a.tif", "TILESIZE=3"], "Unknown parameter(s) TILESIZE"),
    (["INPUT=a.tif"], "Missing parameter(s): OUTPUT"),
    (["INPUT=a.tif", "OUTPUT=b.tif", "TILE_SIZE=big"], "TILE_SIZE takes a whole number"),
    (["INPUT"], "not a NAME=value pair"),
    (["INPUT=a", "INPUT=b"], "INPUT is given twice"),
])
def test_bad_parameters_are_named(args, message):
    with pytest.raises(DeepMapperError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build_request(CloudMaskRequest, parse_assignments(args))


def test_scenes_from_folder_glob_list_and_file(tmp_path):
    for name in ("b.tif", "a.tif", "notes.txt", "a.tif.aux.xml"):
        (tmp_path / name).write_text("x")
    assert expand_scenes(str(tmp_path)) == ([str(tmp_path / "a.tif"), str(tmp_path / "b.tif")], True)
    assert expand_scenes(str(tmp_path / "*.tif")) == ([str(tmp_path / "a.tif"), str(tmp_path / "b.tif")], True)
    listing = tmp_path / "list.txt"
    listing.write_text("# scenes\nb.tif\n\na.tif  # second\n")
    assert expand_scenes(f"@{listing}") == ([str(tmp_path / "b.tif"), str(tmp_path / "a.tif")], True)
    assert expand_scenes(f"{tmp_path / 'a.tif'},{tmp_path / 'b.tif'}")[0] == [str(tmp_path / "a.tif"),
                                                                               str(tmp_path / "b.tif")]
    assert expand_scenes(str(tmp_path / "a.tif")) == ([str(tmp_path / "a.tif")], False)
    with pytest.raises(DeepMapperError, match="No file matches"):
        expand_scenes(str(tmp_path / "*.jp2"))
    with pytest.raises(DeepMapperError, match="do not exist"):
        expand_scenes(f"{tmp_path / 'a.tif'},{tmp_path / 'zz.tif'}")


def test_batch_outputs_are_named_after_scenes(tmp_path):
    outs = {"OUTPUT": "_cloudmask.tif", "OUTPUT_VECTOR": "_clouds.gpkg"}
    got = scene_outputs({"OUTPUT": str(tmp_path / "masks") + "/", "OUTPUT_VECTOR": str(tmp_path / "v/{name}.gpkg")},
                        outs, "/data/T31TCJ.tif", batch=True)
    assert got == {"OUTPUT": str(tmp_path / "masks" / "T31TCJ_cloudmask.tif"),
                   "OUTPUT_VECTOR": str(tmp_path / "v" / "T31TCJ.gpkg")}
    with pytest.raises(DeepMapperError, match="several scenes"):
        scene_outputs({"OUTPUT": str(tmp_path / "one.tif")}, outs, "/data/a.tif", batch=True)
    assert scene_name("/d/S2A_MSIL1C_X.SAFE/MTD_MSIL1C.xml") == "S2A_MSIL1C_X"


@pytest.mark.parametrize("scale, suffix", [("", "_10m.tif"), ("false", "_10m.tif"), ("true", "_x2.tif"),
                                           ("Yes", "_x2.tif")])
def test_scale_mode_batch_outputs_do_not_claim_10_m(tmp_path, scale, suffix):
    """SCALE mode doubles a raster of any resolution: a 2 m scene's output is at 1 m, not '_10m'."""
    values = {"INPUT": "/data/a.tif", "OUTPUT": str(tmp_path) + "/", "SCALE": scale}
    got = scene_outputs(values, TASKS["superresolve"].suffixes(values), "/data/a.tif", batch=True)
    assert got == {"OUTPUT": str(tmp_path / f"a{suffix}")}


# -- runs ---------------------------------------------------------------------------------------------------------
def test_batch_run_equals_engine_and_reports_the_failed_scene(tmp_path):
    chip = data_file("clouds/s2_cloud_chip.tif")
    scenes = tmp_path / "scenes"
    scenes.mkdir()
    a = crop(chip, scenes / "a.tif", 0, 0, 192)
    crop(chip, scenes / "b.tif", 200, 160, 192)
    (scenes / "broken.tif").write_text("not a raster")
    out = tmp_path / "out"
    run = cli("cloudmask", f"INPUT={scenes}", f"OUTPUT={out}/", f"OUTPUT_VECTOR={out}/", "SENSOR=sentinel2_l1c",
              "--quiet")
    assert run.returncode == 1, run.stderr  # one scene failed, the others are done
    summary = json.loads((out / "cloudmask_summary.json").read_text())
    assert (summary["scenes"], summary["done"], summary["failed"]) == (3, 2, 1)
    by_name = {os.path.basename(r["scene"]): r for r in summary["runs"]}
    assert "could not be read as a raster" in by_name["broken.tif"]["error"]
    broken = by_name["broken.tif"]  # a failed scene lists no output, only where they would have gone
    assert broken["outputs"] == {} and broken["planned_outputs"]["OUTPUT"] == str(out / "broken_cloudmask.tif")
    assert by_name["a.tif"]["outputs"]["OUTPUT"] == str(out / "a_cloudmask.tif") and "planned_outputs" not in \
        by_name["a.tif"]
    assert "Traceback" not in run.stderr
    assert [line.split(": failed: ")[0] for line in run.stderr.splitlines() if ": failed: " in line] == [
        "[3/3] broken.tif"], run.stderr  # --quiet: still why a scene failed
    assert sorted(p.name for p in out.iterdir()) == ["a_cloudmask.tif", "a_clouds.gpkg", "b_cloudmask.tif",
                                                     "b_clouds.gpkg", "cloudmask_summary.json"]
    direct = run_cloudmask(CloudMaskRequest(a, str(tmp_path / "direct.tif"), sensor="sentinel2_l1c"))
    with rasterio.open(out / "a_cloudmask.tif") as x, rasterio.open(direct.output) as y:
        assert np.array_equal(x.read(), y.read())
    assert by_name["a.tif"]["results"]["CLOUD_PERCENT"] == pytest.approx(direct.cloud_percent)
    assert by_name["a.tif"]["results"]["MODEL_ID"] == "ukis_csmask_6b_l1c"


@pytest.mark.parametrize("error", [DeepMapperError("bad scene"), RuntimeError("crash"), "cancel"])
def test_failed_scene_reports_no_outputs_and_leaves_none(tmp_path, error):
    """A scene whose run wrote part of an output and then failed: the record says no output was written, names the
    planned ones, and none is left; a file that was there before the run stays."""
    from types import SimpleNamespace
    from deepmapper.plugin.core.batch.runner import run_scene
    from deepmapper.plugin.core.engine.errors import CancelledError
    before = tmp_path / "old.gpkg"
    before.write_text("an earlier result")

    def run(request, monitor):
        with open(request.output, "w") as f:
            f.write("half")
        raise CancelledError() if error == "cancel" else error

    outputs = {"OUTPUT": "_m.tif", "OUTPUT_VECTOR": ".gpkg"}
    task = SimpleNamespace(engine=lambda: (CloudMaskRequest, run), scene="INPUT", aliases={}, outputs=outputs,
                           suffixes=lambda values: outputs)
    values = {"INPUT": "s.tif", "OUTPUT": str(tmp_path / "mask.tif"), "OUTPUT_VECTOR": str(before)}
    record = run_scene(task, values, "s.tif", batch=False)
    assert record["status"] == ("cancelled" if error == "cancel" else "failed")
    assert record["outputs"] == {} and record["planned_outputs"] == {"OUTPUT": str(tmp_path / "mask.tif"),
                                                                     "OUTPUT_VECTOR": str(before)}
    assert not (tmp_path / "mask.tif").exists() and before.read_text() == "an earlier result"


def test_usage_errors_exit_2_without_traceback(tmp_path):
    run = cli("cloudmask", "INPUT=/nowhere/*.tif", f"OUTPUT={tmp_path}/")
    assert run.returncode == 2 and "No file matches" in run.stderr and "Traceback" not in run.stderr
    assert "TILE_SIZE" in cli("segment", "--help").stdout


def test_quiet_still_prints_why_a_scene_failed(tmp_path):
    """--quiet hides the progress bar and the closing summary line, never the error of a failed scene (stderr)."""
    broken = tmp_path / "broken.tif"
    broken.write_text("not a raster")
    args = ["cloudmask", f"INPUT={broken}", f"OUTPUT={tmp_path}/mask.tif"]
    quiet, loud = cli(*args, "--quiet"), cli(*args)
    for run in (quiet, loud):
        assert run.returncode == 1 and run.stdout == "", run.stderr
        assert "[1/1] broken.tif: failed: " in run.stderr and "could not be read as a raster" in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
    assert "scene(s) done, 1 failed" in loud.stderr and "%|" in loud.stderr  # the summary line, the progress bar
    assert "scene(s) done" not in quiet.stderr and "%|" not in quiet.stderr, quiet.stderr
    assert json.loads((tmp_path / "cloudmask_summary.json").read_text())["failed"] == 1


@pytest.mark.parametrize("signals", [1, 2])
def test_sigterm_stops_the_run_and_leaves_no_output(tmp_path, signals):
    """One signal: the run stops at its next batch and writes its summary. Two (an impatient user): it stops at
    once, without the two tracebacks an adversarial session met, and still leaves no output."""
    chip = data_file("clouds/s2_cloud_chip.tif")
    big = tmp_path / "big.vrt"  # the chip repeated 10 x 10 (26 Mpixel): long enough to interrupt
    with rasterio.open(chip) as ds:
        w, h = ds.width, ds.height
    tiles = []
    for i in range(10):
        for j in range(10):
            t = tmp_path / f"t{i}_{j}.vrt"
            gdal.Translate(str(t), str(chip), format="VRT",
                           outputBounds=[j * w * 30, -i * h * 30, (j + 1) * w * 30, -(i + 1) * h * 30])
            tiles.append(str(t))
    gdal.BuildVRT(str(big), tiles).FlushCache()
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(PLUGINS)}
    proc = subprocess.Popen([sys.executable, "-m", "deepmapper", "cloudmask", f"INPUT={big}",
                             f"OUTPUT={out}/mask.tif", "SENSOR=sentinel2_l1c", "--quiet"], env=env, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(6)  # model loaded, inference under way
    assert proc.poll() is None, "the run ended before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    if signals == 2:
        time.sleep(0.05)
        proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("SIGTERM did not stop the run within 30 s")
    assert proc.returncode == 130, err
    assert not (out / "mask.tif").exists() and "Traceback" not in err, err
    if signals == 2:
        assert "interrupted twice" in err and not list(out.iterdir()), err
        return
    assert [p.name for p in out.iterdir()] == ["cloudmask_summary.json"]
    assert json.loads((out / "cloudmask_summary.json").read_text())["cancelled"] == 1


def test_a_run_that_would_write_over_its_own_files_is_refused_before_any_scene(tmp_path):
    """An adversarial session: --summary on the input replaced the raster with JSON; two scenes named a.tif in two
    folders wrote one output (the first lost); a folder holding an earlier run's outputs had one scene's output
    written over another scene (and a rerun with OUTPUT = the scene folder processed its own outputs again)."""
    from deepmapper.plugin.core.batch.scenes import check_plan
    chip = data_file("clouds/s2_cloud_chip.tif")
    one, two = tmp_path / "b", tmp_path / "other"
    one.mkdir()
    two.mkdir()
    a = crop(chip, one / "a.tif", 0, 0, 64)
    crop(chip, two / "a.tif", 64, 0, 64)
    before = open(a, "rb").read()
    run = cli("cloudmask", f"INPUT={a}", f"OUTPUT={tmp_path / 'm.tif'}", "--summary", a)
    assert run.returncode == 2 and "give the JSON summary a file of its own" in run.stderr, run.stderr
    assert open(a, "rb").read() == before and not (tmp_path / "m.tif").exists()
    run = cli("cloudmask", f"INPUT={a},{two / 'a.tif'}", f"OUTPUT={tmp_path / 'out'}/")
    assert run.returncode == 2 and "would both write" in run.stderr and "Traceback" not in run.stderr
    assert not list((tmp_path / "out").glob("*.tif"))
    crop(chip, one / "a_cloudmask.tif", 0, 64, 64)  # an earlier run's output beside its scene
    run = cli("cloudmask", f"INPUT={one}", f"OUTPUT={one}/")
    assert run.returncode == 2 and "would be written over the input" in run.stderr, run.stderr
    values = {"INPUT": str(one), "OUTPUT": str(tmp_path / "ro") + "/"}
    (tmp_path / "ro").mkdir()
    os.chmod(tmp_path / "ro", 0o555)
    try:
        if not os.access(tmp_path / "ro", os.W_OK):  # root may write anywhere but a read-only file system
            with pytest.raises(DeepMapperError, match="cannot be written"):
                check_plan(values, {"OUTPUT": "_cloudmask.tif"}, [a], True, tmp_path / "s.json")
    finally:
        os.chmod(tmp_path / "ro", 0o755)


def test_negative_strip_rows_are_refused():
    """An adversarial session: --strip-rows -5 ran as 1-row strips (3.5 minutes for a 512 px chip)."""
    run = cli("cloudmask", f"INPUT={data_file('clouds/s2_cloud_chip.tif')}", "OUTPUT=/tmp/never.tif", "--workers",
              "1", "--strip-rows", "-5")
    assert run.returncode == 2 and "--strip-rows takes a number of rows" in run.stderr, run.stderr
