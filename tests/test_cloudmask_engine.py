"""Cloud masking on real Sentinel-2 data through the engine (no QGIS): accuracy, s2cloudless parity, units, errors."""
from __future__ import annotations

import numpy as np
import pytest
import rasterio

from conftest import data_file, f1
from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
from deepmapper.plugin.core.engine.errors import CancelledError, DeepMapperError
from deepmapper.plugin.core.engine.progress import Monitor

pytest.importorskip("onnxruntime")


def read(path, band=1):
    with rasterio.open(path) as ds:
        return ds.read(band)


def copy_bands(src_path, dst_path, bands, scale=1.0, dtype=None):
    with rasterio.open(src_path) as src:
        data = src.read(bands) * scale
        profile = src.profile | {"count": len(bands), "dtype": dtype or src.dtypes[0]}
        descriptions = [src.descriptions[b - 1] for b in bands]
    with rasterio.open(dst_path, "w", **profile) as dst:
        dst.write(data.astype(profile["dtype"]))
        for i, d in enumerate(descriptions, start=1):
            dst.set_band_description(i, d)
    return dst_path


@pytest.mark.parametrize("model,cloud,shadow", [(None, 0.86, 0.82), ("ukis_csmask_4b_l1c", 0.89, 0.83)])
def test_chip_accuracy_matches_native_ukis(tmp_path, model, cloud, shadow):
    chip = data_file("clouds/s2_cloud_chip.tif")
    ref = read(data_file("clouds/s2_cloud_chip_reference.tif"))
    res = run_cloudmask(CloudMaskRequest(str(chip), str(tmp_path / "m.tif"), model=model))
    pred = read(tmp_path / "m.tif")
    assert f1(pred, ref, 1) >= cloud and f1(pred, ref, 2) >= shadow
    assert res.model_id == (model or "ukis_csmask_6b_l1c")
    assert res.cloud_percent == pytest.approx(100 * (pred == 1).mean())


def test_s2cloudless_reproduces_its_probabilities(tmp_path):
    scene = data_file("clouds/s2_betsiboka_l1c_13band.tif")
    expected = read(data_file("clouds/s2_betsiboka_s2cloudless_prob.tif"))
    res = run_cloudmask(CloudMaskRequest(str(scene), str(tmp_path / "m.tif"), model="s2cloudless",
                                         output_probability=str(tmp_path / "p.tif")))
    prob = read(tmp_path / "p.tif")
    assert np.abs(prob - expected).max() < 0.005
    mask = read(tmp_path / "m.tif")
    # s2cloudless's own post-processing, recomputed here from its reference probabilities: disk average
    # (radius 4, reflected borders), threshold 0.4, disk dilation (radius 2).
    from scipy import ndimage
    yy, xx = np.mgrid[-4:5, -4:5]
    kernel = (xx ** 2 + yy ** 2 <= 16).astype(float)
    smooth = ndimage.convolve(expected.astype(np.float64), kernel / kernel.sum(), mode="reflect")
    yy, xx = np.mgrid[-2:3, -2:3]
    truth = ndimage.binary_dilation(smooth > 0.4, structure=xx ** 2 + yy ** 2 <= 4)
    assert (mask == truth).mean() > 0.999
    assert set(np.unique(mask)) <= {0, 1}
    assert res.shadow_percent == 0.0


def test_dn_input_is_detected_and_wrong_scale_refused(tmp_path):
    chip = data_file("clouds/s2_cloud_chip.tif")
    dn = copy_bands(chip, tmp_path / "dn.tif", [1, 2, 3, 4, 5, 6], scale=10000, dtype="uint16")
    res = run_cloudmask(CloudMaskRequest(str(dn), str(tmp_path / "a.tif")))
    assert any("digital numbers" in line for line in res.log)
    ref = read(data_file("clouds/s2_cloud_chip_reference.tif"))
    assert f1(read(tmp_path / "a.tif"), ref, 1) >= 0.86
    with pytest.raises(DeepMapperError, match="SCALE=0.0001"):
        run_cloudmask(CloudMaskRequest(str(dn), str(tmp_path / "b.tif"), scale=1.0))
    assert not (tmp_path / "b.tif").exists()


def test_too_few_bands_names_the_missing_band(tmp_path):
    three = copy_bands(data_file("clouds/s2_cloud_chip.tif"), tmp_path / "rgb.tif", [1, 2, 3])
    with pytest.raises(DeepMapperError, match="lacks nir|No installed cloud model"):
        run_cloudmask(CloudMaskRequest(str(three), str(tmp_path / "o.tif")))
    with pytest.raises(DeepMapperError, match="lacks nir"):
        run_cloudmask(CloudMaskRequest(str(three), str(tmp_path / "o.tif"), model="ukis_csmask_4b_l1c"))
    assert list(tmp_path.iterdir()) == [three]


def test_cancel_leaves_nothing_and_keeps_existing_output(tmp_path):
    chip = data_file("clouds/s2_cloud_chip.tif")
    out = tmp_path / "m.tif"
    out.write_bytes(b"previous result")
    calls = []
    monitor = Monitor(is_cancelled=lambda: len(calls) > 2, progress=lambda f: calls.append(f))
    with pytest.raises(CancelledError):
        run_cloudmask(CloudMaskRequest(str(chip), str(out), output_probability=str(tmp_path / "p.tif")), monitor)
    assert out.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.tif"]


def test_dilation_and_polygons(tmp_path):
    chip = data_file("clouds/s2_cloud_chip.tif")
    base = run_cloudmask(CloudMaskRequest(str(chip), str(tmp_path / "a.tif")))
    grown = run_cloudmask(CloudMaskRequest(str(chip), str(tmp_path / "b.tif"), dilate_cloud=3,
                                           output_vector=str(tmp_path / "v.gpkg"), min_area=30 * 30 * 20))
    assert grown.cloud_percent > base.cloud_percent
    import geopandas as gpd
    polys = gpd.read_file(tmp_path / "v.gpkg")
    assert len(polys) == grown.polygons > 0
    assert set(polys["class"]) <= {"cloud", "cloud shadow"}
    assert polys["area"].min() >= 30 * 30 * 20


def test_unknown_model_and_not_a_raster(tmp_path):
    chip = data_file("clouds/s2_cloud_chip.tif")
    with pytest.raises(DeepMapperError, match="Unknown model 'nope'.*ukis_csmask_6b_l1c"):
        run_cloudmask(CloudMaskRequest(str(chip), str(tmp_path / "o.tif"), model="nope"))
    text = tmp_path / "notes.tif"
    text.write_text("not an image")
    with pytest.raises(DeepMapperError, match="could not be read as a raster"):
        run_cloudmask(CloudMaskRequest(str(text), str(tmp_path / "o.tif")))
    assert not (tmp_path / "o.tif").exists()


def test_incomplete_output_is_refused_and_leaves_the_old_result(tmp_path):
    """A raster that GDAL could not finish writing (a full disk: GDAL only logs the failed flush) is not moved into
    place as if the run had succeeded: atomic_path reads its last row of blocks back first."""
    from deepmapper.plugin.core.engine.raster_io import atomic_path
    out = tmp_path / "mask.tif"
    out.write_bytes(b"previous result")
    with pytest.raises(DeepMapperError, match="incomplete .*disk is probably full"):
        with atomic_path(out) as tmp:
            with rasterio.open(tmp, "w", driver="GTiff", width=512, height=512, count=1, dtype="uint8",
                               tiled=True, blockxsize=256, blockysize=256) as ds:
                ds.write(np.random.default_rng(0).integers(0, 4, (1, 512, 512), dtype=np.uint8))
            with open(tmp, "r+b") as f:  # what a full disk leaves: the file cut short
                f.truncate(2 * 65536)
    assert out.read_bytes() == b"previous result"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mask.tif"]


def test_full_disk_fails_the_run_with_the_reason(tmp_path):
    """The whole run on a real full disk (a 64 KiB tmpfs, when this machine lets the tests mount one)."""
    import shutil
    import subprocess
    disk = tmp_path / "small"
    disk.mkdir()
    if not shutil.which("mount") or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)],
                                                   capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): the truncation test above covers the check")
    try:
        with pytest.raises(DeepMapperError, match="disk is probably full"):
            run_cloudmask(CloudMaskRequest(str(data_file("clouds/s2_cloud_chip.tif")), str(disk / "m.tif"),
                                           output_probability=str(disk / "p.tif")))
        assert list(disk.iterdir()) == []
    finally:
        subprocess.run(["umount", str(disk)], capture_output=True)


def test_cancel_at_the_very_end_publishes_no_polygons(tmp_path):
    """A cancel that arrives with the polygons' last progress report (100 %) leaves every earlier result as it was:
    the last check comes before the polygons are moved into place (they were published, then cancelled, before)."""
    chip = data_file("clouds/s2_cloud_chip.tif")
    (tmp_path / "v.gpkg").write_bytes(b"previous polygons")
    seen = []
    monitor = Monitor(is_cancelled=lambda: bool(seen) and seen[-1] >= 0.999, progress=seen.append)
    with pytest.raises(CancelledError):
        run_cloudmask(CloudMaskRequest(str(chip), str(tmp_path / "m.tif"), output_vector=str(tmp_path / "v.gpkg"),
                                       output_probability=str(tmp_path / "p.tif")), monitor)
    assert (tmp_path / "v.gpkg").read_bytes() == b"previous polygons"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["v.gpkg"]


@pytest.mark.parametrize("which", ["output", "output_probability", "output_vector"])
def test_an_output_that_is_a_folder_is_refused_before_any_work(tmp_path, which):
    chip = data_file("clouds/s2_cloud_chip.tif")
    paths = {"output": tmp_path / "m.tif", "output_probability": tmp_path / "p.tif",
             "output_vector": tmp_path / "v.gpkg"}
    paths[which].mkdir()
    seen = []
    with pytest.raises(DeepMapperError, match="is an existing folder; give a file name in it"):
        run_cloudmask(CloudMaskRequest(str(chip), **{k: str(v) for k, v in paths.items()}),
                      Monitor(progress=seen.append))
    assert not [f for f in seen if f > 0], "refused only after work had started"
    assert sorted(p.name for p in tmp_path.iterdir()) == [paths[which].name]


def test_model_loads_while_the_units_are_detected(tmp_path, monkeypatch):
    """The model is loaded in a thread of its own while the units are detected (both take about half a second on a
    large raster): the units detection here waits until the load has begun, which it could not if they ran one
    after the other; the run then uses the model loaded there, once."""
    import threading

    import deepmapper.models.backends as backends
    import deepmapper.plugin.core.classify.pipeline as pipeline
    started, loads = threading.Event(), []
    real_load, real_units = backends.load_model, pipeline.reflectance_scale

    def load(*args, **kwargs):
        loads.append(threading.current_thread().name)
        started.set()
        return real_load(*args, **kwargs)

    def units(*args, **kwargs):
        assert started.wait(30), "the model did not start loading while the units were detected"
        return real_units(*args, **kwargs)

    monkeypatch.setattr(backends, "load_model", load)
    monkeypatch.setattr(pipeline, "reflectance_scale", units)
    chip = data_file("clouds/s2_cloud_chip.tif")
    res = run_cloudmask(CloudMaskRequest(str(chip), str(tmp_path / "m.tif")))
    assert len(loads) == 1 and loads[0] != threading.current_thread().name
    assert res.cloud_percent > 0 and (tmp_path / "m.tif").exists()


@pytest.mark.parametrize("fault", ["units", "cancel"])
def test_a_failed_or_cancelled_run_leaves_no_loading_thread(tmp_path, monkeypatch, fault):
    """When the units are refused while the model loads, the load is told to stop and waited for (a thread left
    inside onnxruntime crashes qgis_process on exit), and the units' error is the one raised; a cancel during the
    load raises CancelledError. No output either way."""
    import threading

    import deepmapper.models.backends as backends
    import deepmapper.plugin.core.classify.pipeline as pipeline
    stopped = []

    def load(card, device, threads, precision, say, check):  # a long load that checks for a stop, as int8 builds do
        for _ in range(300):
            try:
                check()
            except CancelledError:
                stopped.append(True)
                raise
            threading.Event().wait(0.01)
        raise AssertionError("the load was never told to stop")

    def units(*args, **kwargs):
        raise DeepMapperError("units refused")

    monkeypatch.setattr(backends, "load_model", load)
    if fault == "units":
        monkeypatch.setattr(pipeline, "reflectance_scale", units)
        monitor, expected = Monitor(), DeepMapperError
    else:
        cancelled = threading.Event()
        monitor, expected = Monitor(is_cancelled=cancelled.is_set), CancelledError
        threading.Timer(0.3, cancelled.set).start()
    chip = data_file("clouds/s2_cloud_chip.tif")
    with pytest.raises(expected) as raised:
        run_cloudmask(CloudMaskRequest(str(chip), str(tmp_path / "m.tif")), monitor)
    assert stopped == [True]
    assert (fault != "units") or "units refused" in str(raised.value)
    assert not [t for t in threading.enumerate() if t.name.startswith("load ")]
    assert list(tmp_path.iterdir()) == []
