"""Two algorithms running at the same time in one QGIS (QgsProcessingAlgRunnerTask on the task manager, as the
toolbox runs them) give byte-identical results to the same runs alone: nothing (model sessions, GDAL settings,
cancellation state) is shared unsafely between their threads."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest

from conftest import data_file

pytest.importorskip("onnxruntime")


def srcwin(name: str, dst: Path, x: int, y: int, w: int, h: int) -> str:
    subprocess.run(["gdal_translate", "-q", "-srcwin", str(x), str(y), str(w), str(h), str(data_file(name)), str(dst)],
                   check=True)
    return str(dst)


def run_together(jobs: list[tuple[str, dict]], timeout: float = 300) -> list[dict]:
    """Start every (algorithm id, parameters) as a task at once; wait, serving the event loop, until all end."""
    from qgis.core import (QgsApplication, QgsProcessingAlgRunnerTask, QgsProcessingContext,
                           QgsProcessingFeedback)
    keep, results = [], [None] * len(jobs)
    for k, (alg_id, params) in enumerate(jobs):
        alg = QgsApplication.processingRegistry().createAlgorithmById(alg_id)
        context, feedback = QgsProcessingContext(), QgsProcessingFeedback()
        task = QgsProcessingAlgRunnerTask(alg, params, context, feedback)

        def done(ok, res, k=k):
            results[k] = (ok, dict(res))

        task.executed.connect(done)
        keep.append((alg, context, feedback, task))
    for *_, task in keep:
        QgsApplication.taskManager().addTask(task)
    deadline = time.monotonic() + timeout
    busiest = 0
    while any(r is None for r in results):
        assert time.monotonic() < deadline, "the tasks did not finish"
        busiest = max(busiest, QgsApplication.taskManager().countActiveTasks())
        QgsApplication.processEvents()
        time.sleep(0.02)
    assert busiest == len(jobs), "the tasks did not run at the same time"
    for (alg_id, _), (ok, _res) in zip(jobs, results):
        assert ok, f"{alg_id} failed"
    return [res for _, res in results]


def run_alone(alg_id: str, params: dict) -> dict:
    import processing
    return processing.run(alg_id, params)


def same_bytes(a: str, b: str) -> None:
    assert Path(a).read_bytes() == Path(b).read_bytes(), f"{a} and {b} differ"


def test_two_cloudmasks_at_once_equal_each_alone(qgis_app, tmp_path):
    chips = [srcwin("clouds/s2_cloud_chip.tif", tmp_path / f"chip{k}.tif", 256 * k, 256 * k, 256, 256)
             for k in (0, 1)]

    def params(k: int, tag: str) -> dict:
        return {"INPUT": chips[k], "SENSOR": "sentinel2_l1c", "OUTPUT": str(tmp_path / f"{tag}{k}.tif"),
                "OUTPUT_PROBABILITY": str(tmp_path / f"{tag}{k}_prob.tif")}

    alone = [run_alone("deepmapper:cloudmask", params(k, "alone")) for k in (0, 1)]
    together = run_together([("deepmapper:cloudmask", params(k, "together")) for k in (0, 1)])
    for a, t in zip(alone, together):
        same_bytes(a["OUTPUT"], t["OUTPUT"])
        same_bytes(a["OUTPUT_PROBABILITY"], t["OUTPUT_PROBABILITY"])
        assert a["CLOUD_PERCENT"] == t["CLOUD_PERCENT"] and a["SHADOW_PERCENT"] == t["SHADOW_PERCENT"]


def test_cloudmask_and_segment_at_once_equal_each_alone(qgis_app, segmentation_models, tmp_path):
    pytest.importorskip("torch")
    chip = srcwin("clouds/s2_cloud_chip.tif", tmp_path / "chip.tif", 0, 0, 256, 256)
    scene = srcwin("landcover/aberystwyth_s2_10m.tif", tmp_path / "scene.tif", 0, 0, 400, 400)

    def jobs(tag: str) -> list[tuple[str, dict]]:
        return [("deepmapper:cloudmask", {"INPUT": chip, "SENSOR": "sentinel2_l1c",
                                          "OUTPUT": str(tmp_path / f"{tag}_mask.tif")}),
                ("deepmapper:segment", {"INPUT": scene, "MODEL": str(segmentation_models["landcover"]),
                                        "TILE_SIZE": 128, "OUTPUT": str(tmp_path / f"{tag}_classes.tif")})]

    alone = [run_alone(alg, params) for alg, params in jobs("alone")]
    together = run_together(jobs("together"))
    for a, t in zip(alone, together):
        same_bytes(a["OUTPUT"], t["OUTPUT"])


def test_gdal_cache_cap_is_restored_when_runs_overlap():
    """Each run caps GDAL's (process-wide) block cache; overlapping runs must neither lift the cap while one still
    runs nor leave it capped after the last one ends."""
    from osgeo import gdal
    from deepmapper.plugin.core.engine.raster_io import bounded_gdal_cache
    before = gdal.GetCacheMax()
    first, second = bounded_gdal_cache(16), bounded_gdal_cache(16)
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first run ends while the second still streams
    assert gdal.GetCacheMax() <= 16 * 1024 * 1024
    second.__exit__(None, None, None)
    assert gdal.GetCacheMax() == before
