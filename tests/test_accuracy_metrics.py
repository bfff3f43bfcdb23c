"""Accuracy assessment engine (no QGIS): hand-worked cases, perfect predictions, shifted grids, other CRS, bad input."""
from __future__ import annotations

import csv
import math

import geopandas as gpd
import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin
from shapely.geometry import Point, box

from conftest import data_file, f1
from deepmapper.plugin.core.accuracy.assess import (AccuracyRequest, assess_accuracy, cohen_kappa, confusion_matrix,
                                             f_beta_from_counts, score)
from deepmapper.plugin.core.engine.errors import DeepMapperError
from deepmapper.plugin.core.engine.raster_io import write_class_metadata
from deepmapper.plugin.core.engine.vector_labels import match_classes, parse_mapping

UTM = "EPSG:32631"
X0, Y0, PX = 500000.0, 4400040.0, 10.0  # 4 x 4 grid of 10 m pixels
CLASSES = [{"id": 0, "name": "clear", "color": "#3a7d44"}, {"id": 1, "name": "cloud", "color": "#f2f2f2"},
           {"id": 2, "name": "shadow", "color": "#5c4d9a"}]

# The prediction of the hand-worked case (255 = nodata):
PRED = np.array([[0, 1, 1, 1],
                 [0, 0, 2, 2],
                 [0, 2, 1, 1],
                 [2, 0, 2, 255]], dtype=np.uint8)


def cells(col0, row0, col1, row1, x0=X0, y0=Y0, px=PX):
    """The box covering pixel columns col0..col1-1 and rows row0..row1-1 of the grid."""
    return box(x0 + col0 * px, y0 - row1 * px, x0 + col1 * px, y0 - row0 * px)


def write_raster(path, data, transform=None, crs=UTM, nodata=255, classes=CLASSES, dtype=None):
    data = np.asarray(data)
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[1], height=data.shape[0], count=1,
                       dtype=dtype or data.dtype, crs=crs, transform=transform or from_origin(X0, Y0, PX, PX),
                       nodata=nodata) as ds:
        ds.write(data.astype(dtype or data.dtype), 1)
        if classes:
            write_class_metadata(ds, classes)
    return str(path)


def write_vector(path, rows, crs=UTM):
    gdf = gpd.GeoDataFrame([{k: v for k, v in r.items() if k != "geometry"} for r in rows],
                           geometry=[r["geometry"] for r in rows], crs=crs)
    gdf.to_file(path, driver="GPKG")
    return str(path)


def hand_polygons():
    """clear: columns 0-1, rows 0-2; cloud: columns 2-3, rows 0-1; shadow: row 3; plus a 'cloud' square on pixel
    (row 2, column 1), inside the clear polygon: covered by two classes, so ambiguous and excluded."""
    return [{"class": "clear", "class_id": 0, "geometry": cells(0, 0, 2, 3)},
            {"class": "cloud", "class_id": 1, "geometry": cells(2, 0, 4, 2)},
            {"class": "shadow", "class_id": 2, "geometry": cells(0, 3, 4, 4)},
            {"class": "cloud", "class_id": 1, "geometry": cells(1, 2, 2, 3)}]


@pytest.fixture
def hand_case(tmp_path):
    return (write_raster(tmp_path / "pred.tif", PRED), write_vector(tmp_path / "ref.gpkg", hand_polygons()))


# Worked by hand. Labelled pixels (reference class -> predicted value):
#   clear  (rows 0-2, cols 0-1, minus the ambiguous (2,1)): 0,1,0,0,0   -> [4, 1, 0]
#   cloud  (rows 0-1, cols 2-3): 1,1,2,2                               -> [0, 2, 2]
#   shadow (row 3): 2,0,2 and (3,3) nodata, excluded                    -> [1, 0, 2]
#   row 2 cols 2-3 are unlabelled and do not count.
# n = 12, diagonal 8, column totals 5, 3, 4; row totals 5, 4, 3.
# OA = 8/12 = 2/3.  pe = (5*5 + 4*3 + 3*4)/144 = 49/144;  kappa = (96/144 - 49/144)/(95/144) = 47/95.
# clear:  TP 4, FP 1, FN 1 -> P 4/5, R 4/5, F1 4/5, F2 = 5*4/(5*4 + 4*1 + 1) = 20/25 = 4/5, IoU 4/6
# cloud:  TP 2, FP 1, FN 2 -> P 2/3, R 1/2, F1 = 2*2/(2*2 + 2 + 1) = 4/7, F2 = 5*2/(5*2 + 4*2 + 1) = 10/19, IoU 2/5
# shadow: TP 2, FP 2, FN 1 -> P 1/2, R 2/3, F1 = 4/(4 + 1 + 2) = 4/7,     F2 = 10/(10 + 4*1 + 2) = 10/16, IoU 2/5
# macro F1 = (4/5 + 4/7 + 4/7)/3 = 68/105;  macro F2 = (4/5 + 10/19 + 5/8)/3
# weighted F1 = (5*4/5 + 4*4/7 + 3*4/7)/12 = 8/12 = 2/3
HAND_MATRIX = [[4, 1, 0], [0, 2, 2], [1, 0, 2]]
HAND = {"oa": 2 / 3, "kappa": 47 / 95, "macro_f1": 68 / 105, "macro_f2": (4 / 5 + 10 / 19 + 5 / 8) / 3,
        "weighted_f1": 2 / 3}


@pytest.mark.parametrize("field,mapping", [("class", None), ("class_id", None),
                                           ("class", "clear=0, cloud=1, shadow=2")])
def test_hand_worked_case(hand_case, field, mapping):
    pred, ref = hand_case
    res = assess_accuracy(AccuracyRequest(pred, ref, field, mapping=mapping))
    s = res.scores
    assert s.class_ids == [0, 1, 2]
    assert s.matrix.tolist() == HAND_MATRIX
    assert s.overall_accuracy == pytest.approx(HAND["oa"], abs=1e-12)
    assert s.kappa == pytest.approx(HAND["kappa"], abs=1e-12)
    assert s.macro_f == pytest.approx(HAND["macro_f1"], abs=1e-12)
    assert s.weighted_f == pytest.approx(HAND["weighted_f1"], abs=1e-12)
    by = {c.name: c for c in s.classes}
    assert (by["clear"].precision, by["clear"].recall, by["clear"].iou) == pytest.approx((0.8, 0.8, 4 / 6))
    assert (by["cloud"].precision, by["cloud"].recall, by["cloud"].f_beta) == pytest.approx((2 / 3, 0.5, 4 / 7))
    assert (by["shadow"].precision, by["shadow"].recall, by["shadow"].iou) == pytest.approx((0.5, 2 / 3, 0.4))
    assert [c.support for c in s.classes] == [5, 4, 3]
    assert res.counts["assessed"] == 12 and res.counts["nodata"] == 1 and res.counts["ambiguous"] == 1
    assert res.counts["labelled"] == 13


def test_hand_worked_case_f2(hand_case):
    pred, ref = hand_case
    s = assess_accuracy(AccuracyRequest(pred, ref, "class", beta=2.0)).scores
    assert [c.f_beta for c in s.classes] == pytest.approx([0.8, 10 / 19, 10 / 16], abs=1e-12)
    assert s.macro_f == pytest.approx(HAND["macro_f2"], abs=1e-12)
    assert s.overall_accuracy == pytest.approx(HAND["oa"]) and s.kappa == pytest.approx(HAND["kappa"])


def test_binary_view(hand_case):
    # cloud + shadow against clear: TP = 2+2+0+2 = 6, FN = 0+1 = 1, FP = 1, TN = 4.
    # P = R = F1 = 6/7; OA = 10/12; rows/cols 7 and 5: pe = (49 + 25)/144, kappa = (120 - 74)/(144 - 74) = 23/35.
    pred, ref = hand_case
    for positive in ("cloud,shadow", "1, 2", ["cloud", 2]):
        b = assess_accuracy(AccuracyRequest(pred, ref, "class", positive_classes=positive)).binary
        assert (b.tp, b.fn, b.fp, b.tn) == (6, 1, 1, 4)
        assert (b.precision, b.recall, b.f_beta) == pytest.approx((6 / 7, 6 / 7, 6 / 7))
        assert b.overall_accuracy == pytest.approx(10 / 12) and b.kappa == pytest.approx(23 / 35)
    with pytest.raises(DeepMapperError, match="POSITIVE_CLASSES: 'haze'"):
        assess_accuracy(AccuracyRequest(pred, ref, "class", positive_classes="cloud,haze"))


def test_points_sample_their_pixel(tmp_path):
    # Points (each one sample): two in pixel (0,0) clear -> 0, 0; (2,2) cloud -> 1; (2,3) shadow -> 1 (wrong);
    # (3,3) shadow -> nodata, excluded; one off the raster.
    # Matrix: clear [2,0,0], cloud [0,1,0], shadow [0,1,0]. n 4, OA 3/4. rows 2,1,1; cols 2,2,0:
    # pe = (4 + 2 + 0)/16, kappa = (12 - 6)/(16 - 6) = 0.6. F1: clear 1, cloud 2/3, shadow 0 (never predicted:
    # precision undefined) -> macro (1 + 2/3 + 0)/3 = 5/9.
    pred = write_raster(tmp_path / "pred.tif", PRED)
    pt = (lambda col, row, dx=0.5, dy=0.5: Point(X0 + (col + dx) * PX, Y0 - (row + dy) * PX))
    ref = write_vector(tmp_path / "points.gpkg", [
        {"class": "clear", "geometry": pt(0, 0)}, {"class": "clear", "geometry": pt(0, 0, 0.1, 0.9)},
        {"class": "cloud", "geometry": pt(2, 2)}, {"class": "shadow", "geometry": pt(3, 2, 0.99, 0.01)},
        {"class": "shadow", "geometry": pt(3, 3)}, {"class": "cloud", "geometry": pt(7, 1)}])
    res = assess_accuracy(AccuracyRequest(pred, ref, "class"))
    s = res.scores
    assert s.matrix.tolist() == [[2, 0, 0], [0, 1, 0], [0, 1, 0]]
    assert s.overall_accuracy == pytest.approx(0.75) and s.kappa == pytest.approx(0.6)
    assert s.macro_f == pytest.approx(5 / 9)
    assert math.isnan(s.classes[2].precision) and s.classes[2].recall == 0 and s.classes[2].f_beta == 0
    assert res.counts["points_outside"] == 1 and res.counts["nodata"] == 1


def test_perfect_prediction_scores_one(tmp_path):
    polys = hand_polygons()[:3]
    truth = np.array([[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 9, 9], [2, 2, 2, 2]], dtype=np.uint8)  # 9: unlabelled
    pred = write_raster(tmp_path / "pred.tif", truth)
    with rasterio.open(pred, "r+") as ds:  # what a model output may record: shown in the report's inputs
        ds.update_tags(DEEPMAPPER_MODEL="ukis_csmask_6b_l1c")
    ref = write_vector(tmp_path / "ref.gpkg", polys)
    res = assess_accuracy(AccuracyRequest(pred, ref, "class", positive_classes="cloud", beta=2.0,
                                          output_html=str(tmp_path / "r.html"), output_csv=str(tmp_path / "t.csv")))
    s = res.scores
    assert s.overall_accuracy == 1.0 and s.kappa == 1.0 and s.macro_f == 1.0 and s.weighted_f == 1.0
    assert all(c.precision == c.recall == c.f_beta == c.iou == 1.0 for c in s.classes)
    assert res.binary.f_beta == 1.0 and res.binary.kappa == 1.0
    rows = list(csv.DictReader(open(tmp_path / "t.csv")))
    assert [r["class"] for r in rows] == ["clear", "cloud", "shadow"]
    assert all(float(r[k]) == 1.0 for r in rows for k in ("precision", "recall", "f_beta", "iou"))
    page = (tmp_path / "r.html").read_text()
    assert "ukis_csmask_6b_l1c" in page and "<svg" in page and "100.0 %" in page and "http" not in page.replace("http://www.w3.org/2000/svg", "")
    # A single class everywhere: kappa's formula is 0/0; perfect agreement still scores 1.
    one = write_raster(tmp_path / "one.tif", np.zeros((4, 4), np.uint8))
    ref1 = write_vector(tmp_path / "one.gpkg", [{"class": "clear", "geometry": cells(0, 0, 4, 4)}])
    s1 = assess_accuracy(AccuracyRequest(one, ref1, "class")).scores
    assert (s1.overall_accuracy, s1.kappa, s1.macro_f) == (1.0, 1.0, 1.0)


def independent_matrix(pred, transform, polygons, nodata=255):
    """Brute force: each pixel centre against every polygon with shapely; labelled when exactly one class covers it."""
    counts = {}
    for r in range(pred.shape[0]):
        for c in range(pred.shape[1]):
            x, y = transform * (c + 0.5, r + 0.5)
            classes = {p["class_id"] for p in polygons if p["geometry"].contains(Point(x, y))}
            if len(classes) == 1 and pred[r, c] != nodata:
                key = (classes.pop(), int(pred[r, c]))
                counts[key] = counts.get(key, 0) + 1
    ids = sorted({k for pair in counts for k in pair})
    return ids, np.array([[counts.get((a, b), 0) for b in ids] for a in ids])


def test_shifted_grid_is_rasterised_on_the_prediction_grid(tmp_path):
    # A 7 x 6 prediction whose grid is shifted by a fraction of a pixel against the polygons' edges.
    rng = np.random.default_rng(0)
    pred = rng.integers(0, 3, size=(6, 7)).astype(np.uint8)
    transform = from_origin(X0 - 13.0, Y0 + 6.5, PX, PX)
    polys = hand_polygons()
    res = assess_accuracy(AccuracyRequest(write_raster(tmp_path / "pred.tif", pred, transform),
                                          write_vector(tmp_path / "ref.gpkg", polys), "class_id"))
    ids, matrix = independent_matrix(pred, transform, polys)
    assert res.scores.class_ids == ids and res.scores.matrix.tolist() == matrix.tolist()
    assert res.scores.kappa == pytest.approx(cohen_kappa(matrix))
    # Shifted by whole pixels, on a larger grid: the same pixels are labelled; a perfect map stays perfect.
    big = np.full((8, 9), 7, dtype=np.uint8)
    big[2:6, 3:7] = [[0, 0, 1, 1], [0, 0, 1, 1], [0, 0, 5, 5], [2, 2, 2, 2]]
    res = assess_accuracy(AccuracyRequest(write_raster(tmp_path / "big.tif", big, from_origin(X0 - 30, Y0 + 20, PX, PX)),
                                          write_vector(tmp_path / "ref3.gpkg", polys[:3]), "class"))
    assert res.scores.overall_accuracy == 1.0 and res.scores.macro_f == 1.0 and res.counts["assessed"] == 14


def test_reference_in_another_crs_is_reprojected(tmp_path, hand_case):
    pred, ref = hand_case
    wgs84 = tmp_path / "ref_wgs84.gpkg"
    gpd.read_file(ref).to_crs("EPSG:4326").to_file(wgs84, driver="GPKG")
    res = assess_accuracy(AccuracyRequest(pred, str(wgs84), "class"))
    assert res.scores.matrix.tolist() == HAND_MATRIX and res.reference_info["reprojected"]
    # The prediction in another CRS (Web Mercator, resampled grid): compared with an independent brute force.
    with rasterio.open(pred) as src:
        from rasterio.warp import Resampling, calculate_default_transform, reproject
        transform, w, h = calculate_default_transform(src.crs, "EPSG:3857", src.width, src.height, *src.bounds)
        merc = np.full((h, w), 255, np.uint8)
        reproject(src.read(1), merc, src_transform=src.transform, src_crs=src.crs, dst_transform=transform,
                  dst_crs="EPSG:3857", resampling=Resampling.nearest, src_nodata=255, dst_nodata=255)
    pred_merc = write_raster(tmp_path / "merc.tif", merc, transform, crs="EPSG:3857")
    res = assess_accuracy(AccuracyRequest(pred_merc, str(wgs84), "class"))
    polys = [dict(p, geometry=g) for p, g in zip(hand_polygons(), gpd.read_file(ref).to_crs("EPSG:3857").geometry)]
    ids, matrix = independent_matrix(merc, transform, polys)
    assert res.scores.matrix.tolist() == matrix.tolist() and matrix.sum() >= 10


def test_class_zero_is_a_class_and_names_match_loosely(tmp_path):
    # A prediction of 0 where the reference says 0 counts as correct; it is never "background".
    pred = write_raster(tmp_path / "p.tif", np.zeros((4, 4), np.uint8),
                        classes=[{"id": 0, "name": "Clear_Sky"}, {"id": 1, "name": "Cloud"},
                                 {"id": 2, "name": "Cloud Shadow"}])
    ref = write_vector(tmp_path / "r.gpkg", [{"class": "clear sky", "geometry": cells(0, 0, 4, 2)},
                                             {"class": "shadow", "geometry": cells(0, 2, 4, 4)}])
    res = assess_accuracy(AccuracyRequest(pred, ref, "class"))
    assert res.scores.matrix.tolist() == [[8, 0], [8, 0]] and res.scores.class_ids == [0, 2]
    assert {m.value: (m.class_id, m.how) for m in res.matches} == {"clear sky": (0, "name"),
                                                                   "shadow": (2, "partial name")}
    assert res.scores.overall_accuracy == 0.5


def test_unit_metrics():
    ids, m = confusion_matrix([0, 0, 1, 1, 5], [0, 1, 1, 1, 0])
    assert ids == [0, 1, 5] and m.tolist() == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]
    assert f_beta_from_counts(3, 1, 2, beta=2) == pytest.approx(5 * 0.75 * 0.6 / (4 * 0.75 + 0.6))
    s = score([0, 1, 2], np.array([[5, 0, 0], [0, 0, 0], [0, 0, 0]]))
    assert s.macro_f == 1.0 and math.isnan(s.classes[1].f_beta)  # classes absent everywhere are not scored
    assert parse_mapping("Clear=0; cloud shadow:2") == {"clear": "0", "cloud shadow": "2"}
    with pytest.raises(DeepMapperError, match="e.g. 'clear=0,cloud=1,shadow=2'"):
        parse_mapping("clear,cloud=1")
    matches = match_classes(["a", "b"], False, [], {"a": "3"})
    assert [(m.value, m.class_id) for m in matches] == [("a", 3), ("b", None)]


def test_object_scores_spacenet_style(tmp_path):
    # Prediction (1 = building) on a 10 x 10 grid of 1 m pixels: A rows 1-2 cols 1-2, B rows 5-6 cols 1-2,
    # C row 8 cols 7-8. Reference: A exactly (IoU 1), B moved one column right (IoU 2/6 = 1/3), and one building
    # (rows 1-2, cols 6-8) the prediction missed. At IoU >= 0.5: TP 1 of 3 predicted and 3 reference objects ->
    # precision 1/3, recall 1/3, F1 1/3. At IoU >= 0.3, B matches too: TP 2 -> 2/3 each.
    grid = np.zeros((10, 10), np.uint8)
    grid[1:3, 1:3] = grid[5:7, 1:3] = grid[8, 7:9] = 1
    t = from_origin(0, 10, 1, 1)
    pred = write_raster(tmp_path / "b.tif", grid, t, nodata=None,
                        classes=[{"id": 0, "name": "background"}, {"id": 1, "name": "building"}])
    c = (lambda c0, r0, c1, r1: cells(c0, r0, c1, r1, 0, 10, 1))
    ref = write_vector(tmp_path / "b.gpkg", [{"class": "building", "geometry": c(1, 1, 3, 3)},
                                             {"class": "building", "geometry": c(2, 5, 4, 7)},
                                             {"class": "building", "geometry": c(6, 1, 9, 3)}])
    o = assess_accuracy(AccuracyRequest(pred, ref, "class", object_class="building",
                                        output_html=str(tmp_path / "b.html"))).objects
    assert (o.reference_objects, o.predicted_objects, o.tp) == (3, 3, 1)
    assert (o.precision, o.recall, o.f1) == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert "object F1" in (tmp_path / "b.html").read_text()
    o = assess_accuracy(AccuracyRequest(pred, ref, "class", object_class="1", object_iou=0.3)).objects
    assert o.tp == 2 and o.f1 == pytest.approx(2 / 3) and o.mean_iou == pytest.approx((1 + 1 / 3) / 2)


def _empty_layer(path):
    from osgeo import ogr, osr
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(path))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(32631)
    layer = ds.CreateLayer("empty", srs=srs, geom_type=ogr.wkbPolygon)
    layer.CreateField(ogr.FieldDefn("class", ogr.OFTString))
    ds = None
    return str(path)


@pytest.mark.parametrize("case,match", [
    ("no_overlap", "does not overlap PREDICTION"),
    ("empty", "has no features"),
    ("no_field", "has no field 'kind'.*class, class_id"),
    ("names_match_nothing", "match no class of PREDICTION.*MAPPING"),
    ("names_without_metadata", "carries no class names.*MAPPING"),
    ("bad_mapping_target", "neither a class id nor a class name"),
    ("probabilities", "non-integer values"),
    ("tiny_polygon", "labels none of its pixels"),
    ("all_nodata", "nodata in PREDICTION"),
])
def test_bad_input_raises_and_writes_nothing(tmp_path, hand_case, case, match):
    pred, ref = hand_case
    field, mapping = "class", None
    if case == "no_overlap":
        far = [dict(p, geometry=cells(100, 100, 102, 102)) for p in hand_polygons()]
        ref = write_vector(tmp_path / "far.gpkg", far)
    elif case == "empty":
        ref = _empty_layer(tmp_path / "empty.gpkg")
    elif case == "no_field":
        field = "kind"
    elif case == "names_match_nothing":
        ref = write_vector(tmp_path / "n.gpkg", [{"class": "water", "geometry": cells(0, 0, 2, 2)},
                                                 {"class": "forest", "geometry": cells(2, 2, 4, 4)}])
    elif case == "names_without_metadata":
        pred = write_raster(tmp_path / "plain.tif", PRED, classes=None)
    elif case == "bad_mapping_target":
        mapping = "clear=0,cloud=haze"
    elif case == "probabilities":
        pred = write_raster(tmp_path / "prob.tif", np.full((4, 4), 0.3, np.float32), nodata=None)
        field = "class_id"
    elif case == "tiny_polygon":
        ref = write_vector(tmp_path / "tiny.gpkg", [{"class": "cloud", "geometry": box(X0 + 1, Y0 - 2, X0 + 2, Y0 - 1)}])
    elif case == "all_nodata":
        pred = write_raster(tmp_path / "nd.tif", np.full((4, 4), 255, np.uint8))
    out = tmp_path / "out"
    with pytest.raises(DeepMapperError, match=match):
        assess_accuracy(AccuracyRequest(pred, ref, field, mapping=mapping, output_html=str(out / "r.html"),
                                        output_csv=str(out / "t.csv")))
    assert not out.exists() or not any(out.iterdir())


def test_real_chip_reference_raster_against_its_polygons(tmp_path):
    """The reference raster, assessed as a prediction against the reference polygons: they agree exactly."""
    ref_tif = data_file("clouds/s2_cloud_chip_reference.tif")
    polygons = data_file("clouds/s2_cloud_chip_reference.gpkg")
    res = assess_accuracy(AccuracyRequest(str(ref_tif), str(polygons), "class", mapping="clear=0,cloud=1,shadow=2"))
    assert res.scores.overall_accuracy == 1.0 and res.scores.kappa == 1.0 and res.counts["assessed"] == 512 * 512
    # The same polygons in WGS 84 still label (almost) every pixel correctly.
    wgs84 = tmp_path / "ref4326.gpkg"
    gpd.read_file(polygons).to_crs("EPSG:4326").to_file(wgs84, driver="GPKG")
    res = assess_accuracy(AccuracyRequest(str(ref_tif), str(wgs84), "class_id"))
    assert res.scores.overall_accuracy > 0.999 and res.counts["assessed"] > 0.999 * 512 * 512


def test_real_chip_cloudmask_f1_matches_numpy(tmp_path):
    pytest.importorskip("onnxruntime")
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
    chip = data_file("clouds/s2_cloud_chip.tif")
    polygons = data_file("clouds/s2_cloud_chip_reference.gpkg")
    ref = rasterio.open(data_file("clouds/s2_cloud_chip_reference.tif")).read(1)
    mask = run_cloudmask(CloudMaskRequest(str(chip), str(tmp_path / "m.tif"))).output
    res = assess_accuracy(AccuracyRequest(mask, str(polygons), "class", beta=1.0))
    pred = rasterio.open(mask).read(1)
    assert res.f(1) == pytest.approx(f1(pred, ref, 1), abs=0.005) and res.f(1) >= 0.86
    assert res.f(2) == pytest.approx(f1(pred, ref, 2), abs=0.005) and res.f(2) >= 0.82
    assert res.overall_accuracy == pytest.approx((pred == ref).mean(), abs=0.005)
