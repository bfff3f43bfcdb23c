"""Model cards are checked; bands are matched by description, preset order or BANDS; units are detected."""
from __future__ import annotations

import json

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from deepmapper.models.card import CardError, ModelCard
from deepmapper.models.registry import Registry, verified_weights
from deepmapper.plugin.core.engine.bands import preset, raster_band_names, select_bands
from deepmapper.plugin.core.engine.errors import DeepMapperError
from deepmapper.plugin.core.engine.units import reflectance_scale

CARD = Registry().cards["ukis_csmask_4b_l1c"].data


def test_bundled_cards_are_valid_and_listed():
    reg = Registry()
    assert reg.problems == []
    assert set(reg.ids("cloudmask")) == {"ukis_csmask_6b_l1c", "ukis_csmask_4b_l1c", "ukis_csmask_6b_l2a",
                                         "ukis_csmask_4b_l2a", "s2cloudless"}


@pytest.mark.parametrize("mutate,message", [
    (lambda c: c.pop("license"), "required field 'license'"),
    (lambda c: c.update(task="nonsense"), "'task' is 'nonsense'"),
    (lambda c: c["input"].update(bands="blue"), "'bands' must be list"),
    (lambda c: c["input"]["normalization"].update(mean=[0.1]), "one value per band"),
    (lambda c: c.update(extra_field=1), "unknown field 'extra_field'"),
    (lambda c: c.update(sha256="abc"), "64-hex-digit"),
])
def test_bad_card_is_refused_with_the_field_named(mutate, message):
    data = json.loads(json.dumps(CARD))
    mutate(data)
    with pytest.raises(CardError, match=message):
        ModelCard.from_dict(data)


def test_weights_are_checked_against_sha256(tmp_path):
    weights = tmp_path / "w.onnx"
    weights.write_bytes(b"not the model")
    data = json.loads(json.dumps(CARD)) | {"weights": "w.onnx", "id": "mine"}
    (tmp_path / "mine.json").write_text(json.dumps(data))
    card = Registry().get(str(tmp_path / "mine.json"))
    with pytest.raises(DeepMapperError, match="do not match the SHA-256"):
        verified_weights(card)
    weights.unlink()
    with pytest.raises(DeepMapperError, match="weights of model 'mine' are missing"):
        verified_weights(card)


def test_band_matching_by_description_order_and_explicit():
    s2 = preset("sentinel2_l1c")
    by_desc, how = raster_band_names(["B02", "B03", "B04", "B08"], s2)
    assert by_desc == {"blue": 1, "green": 2, "red": 3, "nir": 4} and "descriptions" in how
    l8, _ = raster_band_names(["SR_B2", "SR_B3", "SR_B4", "SR_B5", "SR_B6", "SR_B7"], preset("landsat8"))
    assert l8["nir"] == 4 and l8["swir22"] == 6
    std, how = raster_band_names([None] * 12, preset("sentinel2_l2a"))
    assert std["nir08"] == 9 and std["swir16"] == 11 and "standard" in how
    l7, _ = raster_band_names([None] * 6, preset("landsat7"))
    assert l7 == {"blue": 1, "green": 2, "red": 3, "nir": 4, "swir16": 5, "swir22": 6}
    explicit, _ = raster_band_names(["x"] * 5, s2, "nir=5, red=1,green=2,blue=3")
    assert explicit == {"nir": 5, "red": 1, "green": 2, "blue": 3}
    with pytest.raises(DeepMapperError, match="no descriptions, and .* has no standard order for 5 bands.*set BANDS"):
        raster_band_names([None] * 5, s2)
    with pytest.raises(DeepMapperError, match="lacks swir16, swir22"):
        select_bands(by_desc, ["blue", "green", "red", "nir", "swir16", "swir22"], "m", how)


def _raster(path, values, dtype):
    arr = np.asarray(values, dtype=dtype)
    with rasterio.open(path, "w", driver="GTiff", width=arr.shape[2], height=arr.shape[1], count=arr.shape[0],
                       dtype=dtype, crs="EPSG:32633", transform=from_origin(0, 0, 10, 10)) as ds:
        ds.write(arr)
    return rasterio.open(path)


def test_units_detected_and_wrong_scale_refused(tmp_path):
    rng = np.random.default_rng(0)
    refl = rng.uniform(0.01, 0.6, (2, 40, 40))
    with _raster(tmp_path / "r.tif", refl, "float32") as ds:
        assert reflectance_scale(ds, [1, 2])[0] == 1.0
        with pytest.raises(DeepMapperError, match="set SCALE=1"):
            reflectance_scale(ds, [1, 2], scale=0.0001)
    with _raster(tmp_path / "d.tif", refl * 10000, "uint16") as ds:
        assert reflectance_scale(ds, [1, 2])[0] == pytest.approx(1e-4)
        with pytest.raises(DeepMapperError, match="SCALE=0.0001"):
            reflectance_scale(ds, [1, 2], scale=1.0)
    with _raster(tmp_path / "z.tif", np.zeros((2, 10, 10)), "float32") as ds:
        with pytest.raises(DeepMapperError, match="no valid pixels"):
            reflectance_scale(ds, [1, 2])


def _tiled(path, arr, nodata=None):
    with rasterio.open(path, "w", driver="GTiff", width=arr.shape[2], height=arr.shape[1], count=arr.shape[0],
                       dtype=arr.dtype, crs="EPSG:32633", transform=from_origin(0, 0, 10, 10), tiled=True,
                       blockxsize=256, blockysize=256, nodata=nodata) as ds:
        ds.write(arr)
    return rasterio.open(path)


def test_large_raster_units_sampled_in_block_windows(tmp_path, monkeypatch):
    """A large raster without overviews is sampled in whole blocks, not read whole (decimated reads decompress every
    block); its percentile matches the whole raster's."""
    from deepmapper.plugin.core.engine import units
    rng = np.random.default_rng(1)
    dn = rng.gamma(2.0, 900.0, (2, 2304, 2304)).clip(1, 20000).astype(np.uint16)
    reads = []
    with _tiled(tmp_path / "big.tif", dn) as ds:
        real_read = type(ds).read
        monkeypatch.setattr(type(ds), "read", lambda self, *a, **kw: reads.append(kw) or real_read(self, *a, **kw))
        p99 = units.sample_percentile(ds, [1, 2])
        assert reads and all("window" in kw for kw in reads)
        assert sum(kw["window"].width * kw["window"].height for kw in reads) < 0.25 * ds.width * ds.height
        # each window is one whole block: no block is decompressed for a part of it
        assert all((w.col_off % 256, w.row_off % 256, w.width, w.height) == (0, 0, 256, 256)
                   for w in (kw["window"] for kw in reads))
        assert p99 == pytest.approx(np.percentile(dn, 99), rel=0.03)
        assert reflectance_scale(ds, [1, 2])[0] == pytest.approx(1e-4)


def test_small_footprint_falls_back_to_a_whole_read(tmp_path, monkeypatch):
    """Valid data only in one corner (a scene's footprint at a tile edge): the windows miss it, the decimated read
    finds it, and no 'no valid pixels' error is raised."""
    from deepmapper.plugin.core.engine.units import sample_percentile
    data = np.zeros((1, 2304, 2304), dtype=np.uint16)
    data[0, 300:400, 300:400] = 3000  # between the sampled blocks (rows and columns 0-256 and 512-768)
    reads = []
    with _tiled(tmp_path / "corner.tif", data, nodata=0) as ds:
        real_read = type(ds).read
        monkeypatch.setattr(type(ds), "read", lambda self, *a, **kw: reads.append(kw) or real_read(self, *a, **kw))
        assert sample_percentile(ds, [1]) == pytest.approx(3000)
    assert "window" in reads[0] and "out_shape" in reads[-1]


def test_french_translation_loads(qgis_app):
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator
    from conftest import ROOT
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "deepmapper_fr.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        assert QCoreApplication.translate("DeepMapper", "Cloud mask") == "Masque de nuages"
    finally:
        QCoreApplication.removeTranslator(translator)


def test_onnx_model_on_cpu_does_not_import_torch(tmp_path):
    """Device choice asks only the model's own runtime: an ONNX run must not pay for importing torch."""
    import subprocess
    import sys
    from conftest import PLUGINS, data_file
    chip = data_file("clouds/s2_cloud_chip.tif")
    code = (f"import sys; sys.path.insert(0, {str(PLUGINS)!r})\n"
            "from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask\n"
            f"run_cloudmask(CloudMaskRequest({str(chip)!r}, {str(tmp_path / 'm.tif')!r}))\n"
            "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.stdout.strip().endswith("NO-TORCH"), out.stderr[-1500:]


def test_a_few_valid_pixels_between_the_samples_are_still_found(tmp_path):
    """A large raster (no overviews) whose only valid pixels fall between the sample windows and the decimated read's
    pixels: units detection reads every pixel before refusing the raster as all nodata."""
    from deepmapper.plugin.core.engine.units import sample_percentile
    data = np.zeros((1, 1500, 1500), dtype=np.uint16)
    data[0, 1001, 777] = 2500  # off the decimation grid (step 3) and outside the 8 x 8 sample windows' rows
    path = tmp_path / "one_pixel.tif"
    with rasterio.open(path, "w", driver="GTiff", width=1500, height=1500, count=1, dtype="uint16", nodata=0,
                       crs="EPSG:32630", transform=from_origin(500000, 5000000, 10, 10)) as ds:
        ds.write(data)
    with rasterio.open(path) as ds:
        assert sample_percentile(ds, [1]) == pytest.approx(2500)
        factor, _ = reflectance_scale(ds, [1])
    assert factor == pytest.approx(1e-4)
