"""Many scenes and one scene in strips on a Dask LocalCluster: outputs bit for bit those of the single-process run,
also when a worker dies mid-run."""
from __future__ import annotations

import json
import os
import sys

import numpy as np
import pytest
import rasterio

from conftest import data_file
from test_cli import cli, crop

distributed = pytest.importorskip("distributed")
import cloudpickle  # noqa: E402 - shipped with distributed

from deepmapper.plugin.core.batch.runner import run_scene  # noqa: E402
from deepmapper.plugin.core.batch.tasks import TASKS  # noqa: E402
from deepmapper.plugin.core.classify.strips import strip_bounds  # noqa: E402
from deepmapper.plugin.core.distributed.cluster import connect  # noqa: E402
from deepmapper.plugin.core.distributed.scenes import run_scenes  # noqa: E402
from deepmapper.plugin.core.distributed.strips import run_scene_in_strips  # noqa: E402

cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the worker plugin below travels by value
CLOUDMASK = TASKS["cloudmask"]


@pytest.fixture(scope="module")
def client():
    with connect(workers=2) as c:  # the CLI's own LocalCluster: 2 processes, 1 Dask thread each, threads limited
        yield c


@pytest.fixture(scope="module")
def scenes(tmp_path_factory):
    chip = data_file("clouds/s2_cloud_chip.tif")
    folder = tmp_path_factory.mktemp("scenes")
    return [crop(chip, folder / f"{name}.tif", x, y, 160)
            for name, (x, y) in {"a": (0, 0), "b": (200, 160), "c": (320, 300)}.items()]


def same_rasters(a: str, b: str) -> None:
    with rasterio.open(a) as x, rasterio.open(b) as y:
        assert repr(x.profile) == repr(y.profile) and x.tags() == y.tags()  # repr: a NaN nodata equals itself
        assert np.array_equal(x.read(), y.read(), equal_nan=True), f"{a} and {b} differ"


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """scene -> the record of its single-process cloud mask (SENSOR=sentinel2_l1c), run once per scene."""
    folder, done = tmp_path_factory.mktemp("one"), {}

    def record(scene: str) -> dict:
        if scene not in done:
            done[scene] = run_scene(CLOUDMASK, {"OUTPUT": f"{folder}/", "SENSOR": "sentinel2_l1c"}, scene, True)
            assert done[scene]["status"] == "done", done[scene]["error"]
        return done[scene]
    return record


def test_worker_threads_are_limited(client):
    limits = client.run(lambda: (os.environ.get("OMP_NUM_THREADS"), os.environ.get("DEEPMAPPER_WORKER_THREADS")))
    cores = len(os.sched_getaffinity(0))
    assert set(limits.values()) == {(str(max(1, cores // 2)),) * 2}


def test_scenes_on_two_workers_equal_the_single_process_run(client, scenes, reference, tmp_path):
    values = {"OUTPUT": f"{tmp_path}/dask/", "SENSOR": "sentinel2_l1c"}
    seen = []
    records = run_scenes(client, CLOUDMASK, values, scenes, True, progress=seen.append)
    assert [r["status"] for r in records] == ["done"] * 3 and len(seen) == 3
    assert [r["scene"] for r in records] == scenes  # in the order given, whatever order they finished in
    for scene, record in zip(scenes, records):
        same_rasters(reference(scene)["outputs"]["OUTPUT"], record["outputs"]["OUTPUT"])
        assert record["results"] == reference(scene)["results"]


def test_one_scene_in_strips_equals_the_single_process_run(client, tmp_path):
    chip = str(data_file("clouds/s2_cloud_chip.tif"))
    # dilation: the strips need the post-processing halo; 96-row strips cut the 256-px, 204-stride tiles anywhere
    values = {"SENSOR": "sentinel2_l1c", "DILATE_CLOUD": "3", "OUTPUT_VECTOR": f"{tmp_path}/dask/"}
    ref = run_scene(CLOUDMASK, {**values, "OUTPUT": f"{tmp_path}/one/", "OUTPUT_PROBABILITY": f"{tmp_path}/one/",
                                "OUTPUT_VECTOR": f"{tmp_path}/one/"}, chip, True)
    assert len(strip_bounds(512, 96)) == 6
    got = run_scene_in_strips(client, CLOUDMASK, {**values, "OUTPUT": f"{tmp_path}/dask/",
                                                  "OUTPUT_PROBABILITY": f"{tmp_path}/dask/"}, chip, True,
                              rows_per_strip=96)
    assert got["status"] == "done", got.get("traceback") or got["error"]
    same_rasters(ref["outputs"]["OUTPUT"], got["outputs"]["OUTPUT"])
    same_rasters(ref["outputs"]["OUTPUT_PROBABILITY"], got["outputs"]["OUTPUT_PROBABILITY"])
    assert got["results"] == ref["results"] and got["results"]["POLYGON_COUNT"] > 0
    assert sorted(p.name for p in (tmp_path / "dask").iterdir()) == sorted(p.name for p in (tmp_path / "one").iterdir())


def _set_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def test_int8_strips_equal_the_single_process_int8_run(client, tmp_path, monkeypatch):
    """PRECISION=int8: each worker loads the int8 graph from the shared cache (built once, by the first run here)
    and the strips give the single-process int8 mask bit for bit."""
    pytest.importorskip("ml_dtypes")
    cache = str(tmp_path / "cache")
    monkeypatch.setenv("DEEPMAPPER_CACHE", cache)
    client.run(_set_env, "DEEPMAPPER_CACHE", cache)
    try:
        chip = str(data_file("clouds/s2_cloud_chip.tif"))
        values = {"SENSOR": "sentinel2_l1c", "PRECISION": "int8"}
        ref = run_scene(CLOUDMASK, {**values, "OUTPUT": f"{tmp_path}/one/"}, chip, True)
        assert ref["status"] == "done", ref.get("traceback") or ref["error"]
        got = run_scene_in_strips(client, CLOUDMASK, {**values, "OUTPUT": f"{tmp_path}/dask/"}, chip, True,
                                  rows_per_strip=96)
        assert got["status"] == "done", got.get("traceback") or got["error"]
        same_rasters(ref["outputs"]["OUTPUT"], got["outputs"]["OUTPUT"])
        assert got["results"] == ref["results"]
        assert len(list((tmp_path / "cache" / "int8").glob("*.onnx"))) == 1  # built once, reused by the workers
    finally:
        client.run(_set_env, "DEEPMAPPER_CACHE", None)


class DieOnce(distributed.WorkerPlugin):
    """Kills its worker process (no clean-up: as a crash or an OOM kill) when the first task starts executing."""

    name = "deepmapper-test-die-once"

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def transition(self, key, start, finish, **kwargs) -> None:
        if finish == "executing":
            try:
                os.close(os.open(self.marker, os.O_CREAT | os.O_EXCL))
            except FileExistsError:
                return
            os._exit(1)


def test_a_worker_killed_mid_run_loses_nothing(client, scenes, reference, tmp_path):
    marker = tmp_path / "died"
    client.register_plugin(DieOnce(str(marker)))
    try:
        values = {"OUTPUT": f"{tmp_path}/dask/", "SENSOR": "sentinel2_l1c"}
        records = run_scenes(client, CLOUDMASK, values, scenes[:2], True)
        chip = str(data_file("clouds/s2_cloud_chip.tif"))
        marker.unlink()  # and once more while a scene is split into strips
        strips = run_scene_in_strips(client, CLOUDMASK, {**values, "OUTPUT": f"{tmp_path}/strips/"}, chip, True,
                                     rows_per_strip=204)
    finally:
        client.unregister_worker_plugin(DieOnce.name)
    assert marker.exists(), "no worker was killed"
    assert [r["status"] for r in records] == ["done", "done"]
    for scene, record in zip(scenes, records):
        same_rasters(reference(scene)["outputs"]["OUTPUT"], record["outputs"]["OUTPUT"])
    assert strips["status"] == "done", strips["error"]
    same_rasters(reference(chip)["outputs"]["OUTPUT"], strips["outputs"]["OUTPUT"])


def test_command_line_on_a_local_cluster(scenes, reference, tmp_path):
    folder = os.path.dirname(scenes[0])
    run = cli("cloudmask", f"INPUT={folder}", f"OUTPUT={tmp_path}/dask/", "SENSOR=sentinel2_l1c", "--workers", "2",
              "--quiet")
    assert run.returncode == 0, run.stderr
    summary = json.loads((tmp_path / "dask" / "cloudmask_summary.json").read_text())
    assert (summary["scenes"], summary["done"]) == (3, 3)
    for scene, record in zip(scenes, summary["runs"]):
        same_rasters(reference(scene)["outputs"]["OUTPUT"], record["outputs"]["OUTPUT"])
        assert record["results"] == reference(scene)["results"]
    run = cli("superresolve", f"INPUT={scenes[0]}", f"OUTPUT={tmp_path}/x.tif", "--workers", "1", "--split", "strips")
    assert run.returncode == 2 and "cannot be split into strips" in run.stderr
