"""Faults users hit (../shared/data/bugs, see its README.md), each fixed where it lives, plus inputs of the same kinds
built here: band scale/offset metadata, GDAL mask bands, rotated grids, a reference in a wrong CRS, a model whose
output is smaller than its input, class ids that do not start at 0, enum parameters given by number, and rasters
whose resolution is far from the model's."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest
import rasterio

from conftest import ROOT, data_file

QGIS_PROCESS = ROOT / "scripts" / "qgis_process"


def bug(name: str) -> Path:
    return data_file(f"bugs/{name}")


def run_alg(alg: str, params: dict) -> tuple[dict, str]:
    """processing.run with a feedback that keeps the log: (results, log text)."""
    import processing
    from qgis.core import QgsProcessingFeedback

    class Keep(QgsProcessingFeedback):
        def __init__(self):
            super().__init__()
            self.lines: list[str] = []

        def pushInfo(self, info):  # noqa: N802
            self.lines.append(info)

        def reportError(self, error, fatalError=False):  # noqa: N802
            self.lines.append(error)

        def pushWarning(self, warning):  # noqa: N802
            self.lines.append(warning)

    feedback = Keep()
    res = processing.run(alg, params, feedback=feedback)
    return res, "\n".join(feedback.lines)


def refused(alg: str, params: dict) -> str:
    """The message of the QgsProcessingException that `alg` raises."""
    from qgis.core import QgsProcessingException
    with pytest.raises(QgsProcessingException) as info:
        run_alg(alg, params)
    return str(info.value)


def copy_raster(src_path: Path, dst_path: Path, transform=None, **changes) -> Path:
    """A copy of a raster with profile changes (and optionally new values via `values`)."""
    values = changes.pop("values", None)
    with rasterio.open(src_path) as src:
        profile = src.profile | changes
        if transform is not None:
            profile["transform"] = transform
        data = src.read() if values is None else values
        descriptions = src.descriptions
    with rasterio.open(dst_path, "w", **profile) as dst:
        dst.write(data.astype(profile["dtype"]))
        for i, d in enumerate(descriptions, start=1):
            if d:
                dst.set_band_description(i, d)
    return dst_path


# -- 1. the raster's own band scale/offset -----------------------------------------------------------------------------
def test_m1_band_scale_offset_metadata_gives_the_same_mask(qgis_app, tmp_path):
    a, log_a = run_alg("deepmapper:cloudmask", {"INPUT": str(bug("m1_A.tif")), "SENSOR": "sentinel2_l1c",
                                               "OUTPUT": str(tmp_path / "a.tif")})
    b, log_b = run_alg("deepmapper:cloudmask", {"INPUT": str(bug("m1_Bmeta.tif")), "SENSOR": "sentinel2_l1c",
                                               "OUTPUT": str(tmp_path / "b.tif")})
    mask_a, mask_b = (rasterio.open(r["OUTPUT"]).read(1) for r in (a, b))
    assert int((mask_a != mask_b).sum()) == 0
    assert b["CLOUD_PERCENT"] == pytest.approx(a["CLOUD_PERCENT"]) == pytest.approx(24.32, abs=0.01)
    assert "scale 0.0001 and offset -0.1" in log_b and "offset" not in log_a.split("Units:")[1].split("\n")[0]


def test_other_offset_and_scale_metadata_in_every_reader(tmp_path):
    """DN x 2 + 500 declared as scale 0.00005, offset -0.025: the same reflectance through BandReader (used by
    cloudmask, segment, superresolve, extractpatches, pretrain) and the same detected units."""
    from deepmapper.plugin.core.engine.raster_io import BandReader
    from deepmapper.plugin.core.engine.units import reflectance_scale
    src_path = bug("m1_A.tif")
    with rasterio.open(src_path) as src:
        dn = src.read().astype(np.int64)
    values = np.where(dn == 0, 0, dn * 2 + 500)
    path = copy_raster(src_path, tmp_path / "x2.tif", values=values, dtype="uint16")
    with rasterio.open(path, "r+") as ds:
        ds.scales = [0.00005] * ds.count
        ds.offsets = [-0.025] * ds.count
    with rasterio.open(src_path) as a, rasterio.open(path) as b:
        scale_b, why = reflectance_scale(b, [1, 2, 3])
        assert scale_b == 1.0 and "scale 5e-05 and offset -0.025" in why
        data_a, valid_a = BandReader(a, [1, 2, 3], reflectance_scale(a, [1, 2, 3])[0]).read_rows(0, 40)
        data_b, valid_b = BandReader(b, [1, 2, 3], scale_b).read_rows(0, 40)
    np.testing.assert_array_equal(valid_a, valid_b)
    np.testing.assert_allclose(data_b[:, valid_b], data_a[:, valid_a], atol=1e-6)


# -- 2. GDAL mask bands ------------------------------------------------------------------------------------------------
def test_m2_internal_mask_is_nodata_and_not_counted(qgis_app, tmp_path):
    res, _ = run_alg("deepmapper:cloudmask", {"INPUT": str(bug("m2_mask.tif")), "SENSOR": "sentinel2_l1c",
                                             "OUTPUT": str(tmp_path / "m.tif")})
    with rasterio.open(bug("m2_mask.tif")) as src:
        masked = src.read_masks(1) == 0
    out = rasterio.open(res["OUTPUT"]).read(1)
    assert int(masked.sum()) == 1275 and (out[masked] == 255).all() and (out[~masked] != 255).all()
    valid = out[~masked]
    assert res["CLOUD_PERCENT"] == pytest.approx(100.0 * (valid == 1).sum() / valid.size)


@pytest.mark.parametrize("per_band", [False, True])
def test_own_mask_band_per_dataset_and_per_band(qgis_app, tmp_path, per_band):
    """A mask built here on the cloud chip (a disc; per band: band 2 masks the left columns too)."""
    from osgeo import gdal
    chip = data_file("clouds/s2_cloud_chip.tif")
    path = tmp_path / "masked.tif"
    gdal.Translate(str(path), str(chip), srcWin=[100, 100, 160, 120])
    yy, xx = np.mgrid[:120, :160]
    disc = ((yy - 60) ** 2 + (xx - 80) ** 2 < 30 ** 2)
    ds = gdal.Open(str(path), gdal.GA_Update)
    expected = ~disc
    if per_band:
        for b in range(1, ds.RasterCount + 1):
            band = ds.GetRasterBand(b)
            band.CreateMaskBand(0)
            m = ~disc if b != 2 else ~disc & (xx >= 7)
            band.GetMaskBand().WriteArray(m.astype(np.uint8) * 255)
        expected = ~disc & (xx >= 7)
    else:
        ds.CreateMaskBand(gdal.GMF_PER_DATASET)
        ds.GetRasterBand(1).GetMaskBand().WriteArray((~disc).astype(np.uint8) * 255)
    ds = None
    res, _ = run_alg("deepmapper:cloudmask", {"INPUT": str(path), "SENSOR": "sentinel2_l1c",
                                             "OUTPUT": str(tmp_path / "m.tif")})
    out = rasterio.open(res["OUTPUT"]).read(1)
    np.testing.assert_array_equal(out == 255, ~expected)
    assert res["CLOUD_PERCENT"] == pytest.approx(100.0 * (out[expected] == 1).sum() / expected.sum())


# -- 3. rotated grids ---------------------------------------------------------------------------------------------------
def test_m9_rotated_grid_counts_every_pixel_centre(qgis_app, tmp_path):
    res, _ = run_alg("deepmapper:assessaccuracy", {
        "PREDICTION": str(bug("m9_rot160.tif")), "REFERENCE": str(bug("m9_big.gpkg")), "CLASS_FIELD": "class",
        "OUTPUT_HTML": str(tmp_path / "r.html"), "OUTPUT_TABLE": str(tmp_path / "t.csv")})
    assert res["OVERALL_ACCURACY"] == pytest.approx(1.0)
    assert _pixels_counted(res) == 600


def _pixels_counted(res: dict) -> int:
    import csv
    with open(res["OUTPUT_TABLE"], newline="") as f:
        rows = list(csv.DictReader(f))
    for key in ("support", "reference_pixels", "n"):
        if rows and key in rows[0]:
            return int(sum(float(r[key]) for r in rows if r[key] not in ("", None)))
    raise AssertionError(f"no pixel count column in {list(rows[0]) if rows else rows}")


def _rotated_grid(angle_deg: float, size: int, pixel: float = 10.0):
    from affine import Affine
    return Affine.translation(500000, 5000000) * Affine.rotation(angle_deg) * Affine.scale(pixel, -pixel)


@pytest.mark.parametrize("angle", [-30.0, 40.0, 90.0])
def test_rotated_labeller_matches_centres_in_polygon(angle):
    """GridLabeller on other rotations: exactly the pixel centres inside the polygon are labelled, also in strips."""
    from shapely.geometry import Point, Polygon
    from deepmapper.plugin.core.engine.vector_labels import GridLabeller
    size = 200
    transform = _rotated_grid(angle, size)
    centre = transform * (size / 2, size / 2)
    poly = Polygon([(centre[0] - 300, centre[1] - 200), (centre[0] + 350, centre[1] - 200),
                    (centre[0] + 350, centre[1] + 250), (centre[0] - 300, centre[1] + 250)])
    rows, cols = np.mgrid[:size, :size]
    xs, ys = transform * (cols.ravel() + 0.5, rows.ravel() + 0.5)
    expected = np.array([poly.contains(Point(x, y)) for x, y in zip(xs, ys)]).reshape(size, size)
    labeller = GridLabeller([poly], [3], transform, size, size)
    got = np.concatenate([labeller.strip(r0, min(size, r0 + 37)).labelled for r0 in range(0, size, 37)])
    assert expected.sum() > 1000
    np.testing.assert_array_equal(got, expected)


# -- 4. a reference whose declared CRS is wrong -------------------------------------------------------------------------
def _refusal_without_warnings(params: dict) -> str:
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        message = refused("deepmapper:assessaccuracy", params)
    leaked = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
    assert not leaked, leaked
    return message


def test_m3_wrong_declared_crs_shows_the_declared_extent(qgis_app, tmp_path):
    message = _refusal_without_warnings({
        "PREDICTION": str(bug("m5_pred.tif")), "REFERENCE": str(bug("m3_mislabel.gpkg")), "CLASS_FIELD": "class",
        "OUTPUT_HTML": str(tmp_path / "r.html")})
    assert "inf" not in message.replace("information", "")
    assert "EPSG:4326" in message and "500000" in message and "4.9999e+06" in message
    assert "assign" in message.lower()


def test_own_reference_in_utm_declared_as_etrs89(qgis_app, tmp_path):
    """Cloud-chip coordinates (EPSG:32615) in a layer that declares EPSG:4258 (geographic ETRS89)."""
    import geopandas as gpd
    from shapely.geometry import box
    chip = data_file("clouds/s2_cloud_chip_reference.tif")
    with rasterio.open(chip) as ds:
        left, bottom, right, top = ds.bounds
    layer = tmp_path / "ref.gpkg"
    gpd.GeoDataFrame({"class": [1]}, geometry=[box(left + 300, bottom + 300, left + 900, bottom + 900)],
                     crs="EPSG:4258").to_file(layer)
    message = _refusal_without_warnings({"PREDICTION": str(chip), "REFERENCE": str(layer), "CLASS_FIELD": "class",
                                         "OUTPUT_HTML": str(tmp_path / "r.html")})
    assert "EPSG:4258" in message and f"{left + 300:.6g}" in message and "inf," not in message


# -- 5. a model whose output is smaller than its input -----------------------------------------------------------------
def test_m7_smaller_output_refused_before_any_tile(qgis_app, tmp_path):
    message = refused("deepmapper:segment", {"INPUT": str(bug("m7_img.tif")), "MODEL": str(bug("valid.json")),
                                             "OUTPUT": str(tmp_path / "s.tif")})
    assert "output size differs from its input" in message and '"output_crop": 2' in message
    assert "Traceback" not in message and not (tmp_path / "s.tif").exists()


def _unpadded_torchscript(folder: Path, kernel: int, crop: int | None, margin: int) -> Path:
    """A TorchScript model of one unpadded k x k convolution (loses (k-1)/2 pixels per side) and its card."""
    torch = pytest.importorskip("torch")
    from deepmapper.models.registry import sha256_of
    folder.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(0)
    module = torch.nn.Conv2d(4, 3, kernel)
    weights = folder / f"conv{kernel}.pt"
    torch.jit.script(module).save(str(weights))
    card = json.loads(bug("valid.json").read_text())
    card.update(id=f"conv{kernel}", format="torchscript", weights=weights.name, sha256=sha256_of(weights))
    card["tiling"].update(margin=margin, tile_size=48)
    if crop is not None:
        card["tiling"]["output_crop"] = crop
    path = folder / f"conv{kernel}_{crop}.json"
    path.write_text(json.dumps(card))
    return path


def test_own_unpadded_model_refused_then_run_with_declared_crop(qgis_app, tmp_path):
    img = bug("m7_img.tif")
    message = refused("deepmapper:segment", {"INPUT": str(img), "MODEL": str(_unpadded_torchscript(
        tmp_path / "m", 7, None, 3)), "OUTPUT": str(tmp_path / "a.tif")})
    assert "output size differs from its input" in message and '"output_crop": 3' in message
    res, log = run_alg("deepmapper:segment", {"INPUT": str(img), "MODEL": str(_unpadded_torchscript(
        tmp_path / "m", 7, 3, 4)), "OUTPUT": str(tmp_path / "b.tif")})
    with rasterio.open(res["OUTPUT"]) as ds, rasterio.open(img) as src:
        out = ds.read(1)
        assert out.shape == (src.height, src.width) and (out != 255).all()


# -- 6. integer class ids that do not start at 0 -----------------------------------------------------------------------
def _dataset_meta(folder: str) -> dict:
    return json.loads((Path(folder) / "dataset.json").read_text())


def _relabelled(tmp_path: Path, mapping: dict[int, int], extra: int | None = None) -> Path:
    """m8's polygons with other class ids (optionally one more class: a copy of the first polygon, moved)."""
    import geopandas as gpd
    from shapely.affinity import translate
    gdf = gpd.read_file(bug("m8_labels12.gpkg"))
    gdf["class"] = gdf["class"].map(mapping)
    if extra is not None:
        moved = gdf.iloc[[0]].copy()
        moved["geometry"] = moved.geometry.apply(lambda g: translate(g, 0, -640))
        moved["class"] = extra
        gdf = gpd.GeoDataFrame(pd_concat([gdf, moved]), crs=gdf.crs)
    path = tmp_path / "labels.gpkg"
    gdf.to_file(path)
    return path


def pd_concat(frames):
    import pandas as pd
    return pd.concat(frames, ignore_index=True)


def test_m8_class_ids_1_and_2_train_and_predict_the_users_ids(qgis_app, tmp_path):
    patches, log = run_alg("deepmapper:extractpatches", {
        "INPUT": str(bug("m8_img.tif")), "LABELS": str(bug("m8_labels12.gpkg")), "CLASS_FIELD": "class",
        "PATCH_SIZE": 32, "MAX_PATCHES": 40, "SEED": 1, "OUTPUT": str(tmp_path / "p")})
    classes = _dataset_meta(patches["OUTPUT"])["classes"]
    assert [(c["id"], c["value"], c["name"]) for c in classes] == [(0, 1, "1"), (1, 2, "2")]
    assert "renumbered" in log
    labels = np.load(Path(patches["OUTPUT"]) / "train_labels.npy")
    assert set(np.unique(labels)) <= {0, 1, 255} and {0, 1} <= set(np.unique(labels))
    model = run_alg("deepmapper:trainmodel", {"DATASET": patches["OUTPUT"], "WIDTH": 8, "DEPTH": 1, "EPOCHS": 1,
                                              "BATCH_SIZE": 8, "OUTPUT_MODEL": str(tmp_path / "m.json")})[0]
    card = json.loads(Path(model["OUTPUT_MODEL"]).read_text())
    assert [c["id"] for c in card["output"]["classes"]] == [1, 2]
    assert card["training"]["class_channels"] == {"1": 0, "2": 1}
    seg = run_alg("deepmapper:segment", {"INPUT": str(bug("m8_img.tif")), "MODEL": model["OUTPUT_MODEL"],
                                         "OUTPUT": str(tmp_path / "s.tif")})[0]
    values = set(np.unique(rasterio.open(seg["OUTPUT"]).read(1)).tolist())
    assert values <= {1, 2, 255} and values & {1, 2}


def test_own_class_ids_10_to_40_give_four_classes(qgis_app, tmp_path):
    labels = _relabelled(tmp_path, {1: 10, 2: 40}, extra=30)
    gdf_ids = {10, 30, 40}
    patches, _ = run_alg("deepmapper:extractpatches", {
        "INPUT": str(bug("m8_img.tif")), "LABELS": str(labels), "CLASS_FIELD": "class", "PATCH_SIZE": 32,
        "MAX_PATCHES": 40, "SEED": 2, "OUTPUT": str(tmp_path / "p")})
    classes = _dataset_meta(patches["OUTPUT"])["classes"]
    assert [c["value"] for c in classes] == sorted(gdf_ids) and [c["id"] for c in classes] == [0, 1, 2]


def test_class_ids_already_0_based_are_kept():
    from deepmapper.plugin.core.training.labels import class_table
    classes, ids = class_table([0, 1, 2], True, None)
    assert [c["id"] for c in classes] == [0, 1, 2] and all("value" not in c for c in classes)
    classes, ids = class_table([3, 7], True, "background")
    assert [(c["id"], c["value"]) for c in classes] == [(0, 0), (1, 3), (2, 7)] and ids == {3: 1, 7: 2}


def test_qgis_process_extractpatches_with_ids_1_and_2(tmp_path):
    if not QGIS_PROCESS.exists() or not Path("/usr/bin/qgis_process.bin").exists():
        pytest.skip("qgis_process.bin not installed (run `make setup`)")
    subprocess.run([str(QGIS_PROCESS), "plugins", "enable", "deepmapper"], capture_output=True, check=False)
    out = subprocess.run([str(QGIS_PROCESS), "--json", "run", "deepmapper:extractpatches", "--",
                          f"INPUT={bug('m8_img.tif')}", f"LABELS={bug('m8_labels12.gpkg')}", "CLASS_FIELD=class",
                          "PATCH_SIZE=32", "MAX_PATCHES=40", f"OUTPUT={tmp_path / 'p'}"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:] + out.stdout[-2000:]
    classes = _dataset_meta(str(tmp_path / "p"))["classes"]
    assert [(c["id"], c["value"]) for c in classes] == [(0, 1), (1, 2)]


def test_extractpatches_on_a_rotated_grid(qgis_app, tmp_path):
    """m8's image on a grid rotated by 20 degrees about its origin, with its labels rotated likewise: the same
    labelled pixels as on the upright grid."""
    import geopandas as gpd
    from affine import Affine
    from shapely.affinity import rotate
    with rasterio.open(bug("m8_img.tif")) as src:
        origin = (src.transform.c, src.transform.f)
        upright = src.transform
    rotated = Affine.translation(*origin) * Affine.rotation(-20) * Affine.translation(-origin[0], -origin[1]) * upright
    img = copy_raster(bug("m8_img.tif"), tmp_path / "rot.tif", transform=rotated)
    gdf = gpd.read_file(bug("m8_labels12.gpkg"))
    gdf["geometry"] = gdf.geometry.apply(lambda g: rotate(g, -20, origin=origin))
    gdf.to_file(tmp_path / "rot.gpkg")
    counts = {}
    for name, image, labels in (("up", bug("m8_img.tif"), bug("m8_labels12.gpkg")),
                                ("rot", img, tmp_path / "rot.gpkg")):
        res, _ = run_alg("deepmapper:extractpatches", {
            "INPUT": str(image), "LABELS": str(labels), "CLASS_FIELD": "class", "PATCH_SIZE": 32,
            "MAX_PATCHES": 40, "SEED": 1, "OUTPUT": str(tmp_path / name)})
        meta = _dataset_meta(res["OUTPUT"])["class_pixels"]
        counts[name] = np.add(meta["train"], meta["validation"]).tolist()
    assert min(counts["up"]) > 0
    np.testing.assert_allclose(counts["rot"], counts["up"], rtol=0.02)


# -- 7. enum parameters by number ---------------------------------------------------------------------------------------
def _option(alg: str, name: str, option: str) -> int:
    from qgis.core import QgsApplication
    return QgsApplication.processingRegistry().algorithmById(alg).parameterDefinition(name).options().index(option)


@pytest.mark.parametrize("as_text", [False, True])
def test_enum_parameters_take_option_numbers(qgis_app, tmp_path, as_text):
    l2a = _option("deepmapper:cloudmask", "SENSOR", "sentinel2_l2a")
    cpu = _option("deepmapper:cloudmask", "DEVICE", "cpu")
    res, log = run_alg("deepmapper:cloudmask", {"INPUT": str(bug("m1_A.tif")),
                                                "SENSOR": str(l2a) if as_text else l2a,
                                                "DEVICE": str(cpu) if as_text else cpu,
                                                "OUTPUT": str(tmp_path / "m.tif")})
    assert res["MODEL_ID"] == "ukis_csmask_6b_l2a" and "Device cpu" in log
    message = refused("deepmapper:cloudmask", {"INPUT": str(bug("m1_A.tif")), "SENSOR": 99,
                                               "OUTPUT": str(tmp_path / "n.tif")})
    assert "SENSOR" in message or "Sensor" in message


def test_qgis_process_enum_by_number(tmp_path):
    if not QGIS_PROCESS.exists() or not Path("/usr/bin/qgis_process.bin").exists():
        pytest.skip("qgis_process.bin not installed (run `make setup`)")
    subprocess.run([str(QGIS_PROCESS), "plugins", "enable", "deepmapper"], capture_output=True, check=False)
    out = subprocess.run([str(QGIS_PROCESS), "--json", "run", "deepmapper:cloudmask", "--",
                          f"INPUT={bug('m1_Bmeta.tif')}", "SENSOR=1", "DEVICE=1", f"OUTPUT={tmp_path / 'm.tif'}"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:] + out.stdout[-2000:]
    results = json.loads(out.stdout)["results"]
    assert results["MODEL_ID"] == "ukis_csmask_6b_l2a"


# -- 8. the raster's resolution against the model card's ---------------------------------------------------------------
def _regridded(tmp_path: Path, name: str, pixel: float, crs: str = "EPSG:32615") -> Path:
    from affine import Affine
    return copy_raster(bug("m1_A.tif"), tmp_path / name, transform=Affine(pixel, 0, 500000, 0, -pixel, 4400000),
                       crs=crs)


@pytest.mark.parametrize("pixel,crs,words", [(90.0, "EPSG:32615", ["90 m", "30 m", "3 times coarser"]),
                                             (10.0, "EPSG:32615", ["10 m", "30 m", "3 times finer"]),
                                             (0.0003, "EPSG:4326", ["degrees", "30 m"])])
def test_far_off_resolution_refused_with_both_and_the_fix(qgis_app, tmp_path, pixel, crs, words):
    path = _regridded(tmp_path, "r.tif", pixel, crs)
    message = refused("deepmapper:cloudmask", {"INPUT": str(path), "SENSOR": "sentinel2_l1c",
                                               "OUTPUT": str(tmp_path / "m.tif")})
    for word in words + ["gdalwarp", "-tr 30 30", "resolution_m"]:
        assert word in message, (word, message)
    assert not (tmp_path / "m.tif").exists()


def test_near_resolution_and_agnostic_cards_run(qgis_app, tmp_path):
    path = _regridded(tmp_path, "r.tif", 60.0)  # 2 x the UKIS cards' 30 m: within the tolerance
    res, log = run_alg("deepmapper:cloudmask", {"INPUT": str(path), "SENSOR": "sentinel2_l1c",
                                                "OUTPUT": str(tmp_path / "m.tif")})
    assert "Resolution: raster 60 m, model 30 m." in log
    card = json.loads(bug("valid.json").read_text())
    for agnostic in (False, True):
        card["input"]["resolution_agnostic"] = agnostic
        card["weights"] = str(bug("valid.onnx"))
        card["tiling"]["output_crop"] = 2
        card_path = tmp_path / f"v{agnostic}.json"
        card_path.write_text(json.dumps(card))
        far = copy_raster(bug("m7_img.tif"), tmp_path / "far.tif", transform=rasterio.open(
            bug("m7_img.tif")).transform * __import__("affine").Affine.scale(6))
        params = {"INPUT": str(far), "MODEL": str(card_path), "OUTPUT": str(tmp_path / f"s{agnostic}.tif")}
        if agnostic:
            assert Path(run_alg("deepmapper:segment", params)[0]["OUTPUT"]).exists()
        else:
            assert "60 m" in refused("deepmapper:segment", params)
