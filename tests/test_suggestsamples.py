"""deepmapper:suggestsamples: the labelling engine's pieces (uncertainty, per-patch aggregation, spreading) on known
numbers, the engine on a crop of the real Sentinel-2 cloud chip with the bundled UKIS cloud model (picks valid,
apart, outside LABELS, inside MASK, reproducible, streamed), bad inputs, cancel, and the algorithm through
processing.run and a qgis_process subprocess."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, data_file

pytest.importorskip("onnxruntime")
pytest.importorskip("sklearn")

from deepmapper.plugin.core.engine.errors import CancelledError, DeepMapperError  # noqa: E402
from deepmapper.plugin.core.engine.progress import Monitor  # noqa: E402
from deepmapper.plugin.core.labelling import diversity, uncertainty  # noqa: E402
from deepmapper.plugin.core.labelling.features import (PatchAccumulator, PatchHistogram, WithBands,  # noqa: E402
                                                      band_statistics, standardised)
from deepmapper.plugin.core.labelling.grid import PatchGrid  # noqa: E402
from deepmapper.plugin.core.labelling.suggest import SuggestRequest, run_suggest  # noqa: E402

QGIS_PROCESS = ROOT / "scripts" / "qgis_process"
MODEL = "ukis_csmask_6b_l1c"
PATCH = 32


# -- pieces on known numbers -------------------------------------------------------------------------------------
def test_entropy_and_margin_on_known_probabilities():
    probs = np.array([[1 / 3, 1.0, 0.5, 0.7],
                      [1 / 3, 0.0, 0.5, 0.2],
                      [1 / 3, 0.0, 0.0, 0.1]], dtype=np.float32)  # (K=3, 4 pixels)
    ent = uncertainty.entropy(probs)
    expected = -(0.5 * np.log(0.5) * 2) / np.log(3), -(0.7 * np.log(0.7) + 0.2 * np.log(0.2) + 0.1 * np.log(0.1)) \
        / np.log(3)
    np.testing.assert_allclose(ent, [1.0, 0.0, *expected], atol=1e-5)
    np.testing.assert_allclose(uncertainty.margin(probs), [1.0, 0.0, 1.0, 0.5], atol=1e-6)
    assert np.isnan(uncertainty.entropy(np.full((3, 1), np.nan, np.float32))).all()


def test_flip_disagreement_is_zero_for_agreeing_flips_and_half_for_opposite_ones():
    agree = np.stack([np.array([[0.8], [0.2]])] * 4)  # (A=4, K=2, 1 pixel)
    assert uncertainty.disagreement(agree)[0] == pytest.approx(0.0)
    opposite = np.array([[[1.0], [0.0]], [[0.0], [1.0]]])
    assert uncertainty.disagreement(opposite)[0] == pytest.approx(0.5)

    class LeftRight:
        """A 'model' whose class-1 probability is the column position: flipping left-right changes its answer."""
        n_outputs = 2

        def predict(self, batch):
            ramp = np.broadcast_to(np.linspace(0, 1, batch.shape[-1], dtype=np.float32), batch.shape[-2:])
            p1 = np.broadcast_to(ramp, (len(batch), *ramp.shape))
            return np.stack([1 - p1, p1], axis=1)

        def fill_values(self):
            return np.zeros(1, np.float32)

    out = uncertainty.FlipTTA(LeftRight()).predict(np.zeros((1, 1, 4, 4), np.float32))
    assert out.shape == (1, 3, 4, 4)
    # mean of the flips: the ramp and its mirror average to 0.5 everywhere; they disagree most at the edges
    np.testing.assert_allclose(out[0, 1], 0.5, atol=1e-6)
    assert out[0, 2, 0, 0] > out[0, 2, 0, 1] > 0 and out[0, 2, 0, 0] == pytest.approx(0.5)


def test_patch_aggregation_streamed_in_any_strips_equals_the_whole_image():
    rng = np.random.default_rng(0)
    grid = PatchGrid(70, 45, 8)  # 8 x 5 whole cells; the last 6 rows and 5 columns belong to none
    planes = rng.random((3, 70, 45))
    valid = rng.random((70, 45)) > 0.1
    whole = PatchAccumulator(grid, 3)
    whole.add(0, planes, valid)
    streamed = PatchAccumulator(grid, 3)
    for r0, r1 in ((0, 5), (5, 19), (19, 20), (20, 64), (64, 70)):
        streamed.add(r0, planes[:, r0:r1], valid[r0:r1])
    np.testing.assert_allclose(streamed.means(), whole.means())
    r, c = 2, 3  # one cell by hand
    block = planes[:, r * 8:(r + 1) * 8, c * 8:(c + 1) * 8]
    ok = valid[r * 8:(r + 1) * 8, c * 8:(c + 1) * 8]
    np.testing.assert_allclose(whole.means()[r * 5 + c], [b[ok].mean() for b in block])
    assert whole.full().sum() == sum(valid[i * 8:(i + 1) * 8, j * 8:(j + 1) * 8].all()
                                     for i in range(8) for j in range(5))


def test_kcenter_spreads_picks_over_feature_clusters():
    rng = np.random.default_rng(1)
    centres = np.array([[0, 0], [10, 0], [0, 10], [30, 30]], dtype=float)
    features = np.concatenate([c + rng.normal(0, 0.1, (5, 2)) for c in centres])  # 4 clusters of 5 patches
    scores = np.repeat([0.9, 0.5, 0.4, 0.1], 5) + rng.random(20) * 0.01
    top, _ = diversity.select(scores, 3, "none", np.random.default_rng(0), features)
    assert set(top // 5) == {0}  # the three best all come from the first cluster
    spread, note = diversity.select(scores, 3, "kcenter", np.random.default_rng(0), features)
    # one per cluster among the 15 best (POOL_FACTOR x 3); the far, low-scoring cluster is never in the pool
    assert set(spread // 5) == {0, 1, 2} and "k-centre" in note
    assert spread[0] == top[0]  # k-centre starts from the best-scoring patch


def test_top_share_score_is_the_mean_of_each_patchs_most_uncertain_pixels_streamed_in_any_strips():
    rng = np.random.default_rng(3)
    grid = PatchGrid(40, 33, 8)  # 5 x 4 whole cells
    score = (rng.random((40, 33)) ** 3).astype(np.float32)
    valid = rng.random((40, 33)) > 0.05
    score[~valid] = np.nan
    hist = PatchHistogram(grid)
    for r0, r1 in ((0, 3), (3, 17), (17, 40)):
        hist.add(r0, score[r0:r1], valid[r0:r1])
    plain = PatchAccumulator(grid, 1)
    plain.add(0, score[None], valid)
    np.testing.assert_allclose(hist.top_means(1.0), plain.means()[:, 0])  # share 1: the plain mean, exactly
    for share in (0.1, 0.25, 0.5):
        exact = []
        for cell in range(grid.count):
            r, c = divmod(cell, grid.cols)
            block = score[r * 8:(r + 1) * 8, c * 8:(c + 1) * 8][valid[r * 8:(r + 1) * 8, c * 8:(c + 1) * 8]]
            n = max(int(np.ceil(share * block.size)), 1)
            exact.append(np.sort(block)[::-1][:n].mean())
        # only the bin the cut falls in is approximated (by its mean): off by less than one bin width
        np.testing.assert_allclose(hist.top_means(share), exact, atol=1.0 / PatchHistogram.BINS)
    # a patch with a small, very uncertain corner ranks above an evenly, mildly uncertain one only by its top share
    two = PatchGrid(8, 16, 8)
    planes = np.full((8, 16), 0.3, np.float32)
    planes[:, :8] = 0.05
    planes[:2, :4] = 0.95  # 8 of 64 pixels
    both = PatchHistogram(two)
    both.add(0, planes, np.ones((8, 16), bool))
    assert both.top_means(1.0)[0] < both.top_means(1.0)[1] and both.top_means(0.1)[0] > both.top_means(0.1)[1]


def test_band_planes_give_each_patchs_band_mean_and_deviation():
    class Constant:
        n_outputs = 2

        def predict(self, batch):
            return np.full((len(batch), 2, *batch.shape[2:]), 0.5, np.float32)

        def fill_values(self):
            return np.zeros(3, np.float32)

    batch = np.random.default_rng(4).random((2, 3, 8, 8)).astype(np.float32)
    out = WithBands(Constant(), 3).predict(batch)
    assert out.shape == (2, 2 + 6, 8, 8) and WithBands(Constant(), 3).n_outputs == 8
    np.testing.assert_allclose(out[:, 2:5], batch)
    means = out[:, 2:].mean(axis=(2, 3))  # what PatchAccumulator gives for one 8 px patch per image
    np.testing.assert_allclose(band_statistics(means), np.concatenate([batch.mean(axis=(2, 3)),
                                                                       batch.std(axis=(2, 3))], axis=1), atol=1e-5)
    z = standardised(np.array([[1.0, 5.0, 100.0], [3.0, 5.0, 300.0]]))
    np.testing.assert_allclose(z, [[-1, 0, -1], [1, 0, 1]])  # units do not matter; a constant column counts 0


def test_cluster_takes_one_patch_from_each_group_of_alike_uncertain_patches():
    rng = np.random.default_rng(5)
    centres = np.array([[0, 0], [10, 0], [0, 10], [10, 10], [30, 30]], dtype=float)
    features = np.concatenate([c + rng.normal(0, 0.1, (8, 2)) for c in centres])  # 5 groups of 8 near-copies
    scores = np.repeat([0.9, 0.8, 0.7, 0.6, 0.01], 8) + rng.random(40) * 0.01
    top, _ = diversity.select(scores, 4, "none", np.random.default_rng(0), features)
    assert set(top // 8) == {0}  # the batch-mode cold start: four near-copies of the most uncertain situation
    picks, note = diversity.select(scores, 4, "cluster", np.random.default_rng(0), features)
    assert len(set(picks)) == 4 and "k-means" in note
    # weighted by score, the centres go to the four uncertain groups, not the barely uncertain far one
    assert sorted(picks // 8) == [0, 1, 2, 3]
    assert list(scores[picks]) == sorted(scores[picks], reverse=True)  # rank 1 = the best score
    again, _ = diversity.select(scores, 4, "cluster", np.random.default_rng(0), features)
    assert list(again) == list(picks)  # the same seed, the same picks
    few, _ = diversity.select(scores[:3], 3, "cluster", np.random.default_rng(0), features[:3])
    assert sorted(few) == [0, 1, 2]  # as many picks as candidates: all of them


def test_spatial_spread_keeps_picks_apart_and_fills_up_when_it_must():
    grid = PatchGrid(64, 64, 8)
    scores = np.random.default_rng(2).random(grid.count)
    picks, _ = diversity.select(scores, 5, "spatial", np.random.default_rng(0), centres=grid.centres(),
                                min_distance=20)
    pts = grid.centres()[picks]
    d = np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1))
    assert d[np.triu_indices(5, 1)].min() >= 20
    many, note = diversity.select(scores, 40, "spatial", np.random.default_rng(0), centres=grid.centres(),
                                  min_distance=30)
    assert len(set(many)) == 40 and "fill up" in note


# -- the engine on real data -------------------------------------------------------------------------------------
def crop(dst: Path, x: int, y: int, w: int, h: int, nodata_box: tuple[int, int, int, int] | None = None) -> str:
    """A window of the real chip (band names kept); nodata_box (row0, row1, col0, col1) set to nodata."""
    import rasterio
    from rasterio.windows import Window
    with rasterio.open(data_file("clouds/s2_cloud_chip.tif")) as src:
        data = src.read(window=Window(x, y, w, h))
        profile = dict(src.profile, width=w, height=h, transform=src.window_transform(Window(x, y, w, h)),
                       nodata=-1.0)
        if nodata_box:
            r0, r1, c0, c1 = nodata_box
            data[:, r0:r1, c0:c1] = -1.0
        with rasterio.open(dst, "w", **profile) as out:
            out.write(data)
            out.descriptions = src.descriptions
    return str(dst)


def squares(path: str):
    import geopandas as gpd
    return gpd.read_file(path)


def box_layer(path: Path, boxes_px: list[tuple[int, int, int, int]], raster: str, geometry: str = "polygon") -> str:
    """Polygons (or their centre points) of pixel boxes (row0, row1, col0, col1) of `raster`, in its CRS."""
    import geopandas as gpd
    import rasterio
    from shapely.geometry import Point, box
    with rasterio.open(raster) as src:
        t, crs = src.transform, src.crs
    geoms = []
    for r0, r1, c0, c1 in boxes_px:
        (x0, y0), (x1, y1) = t * (c0, r1), t * (c1, r0)
        geoms.append(box(x0, y0, x1, y1) if geometry == "polygon" else Point((x0 + x1) / 2, (y0 + y1) / 2))
    gpd.GeoDataFrame({"class": ["cloud"] * len(geoms)}, geometry=geoms, crs=crs).to_file(path)
    return str(path)


@pytest.fixture(scope="module")
def chip(tmp_path_factory):
    """A 256 x 256 window of the chip with clouds and shadows, and a copy with a nodata block in its top-left."""
    folder = tmp_path_factory.mktemp("suggest")
    return {"plain": crop(folder / "chip.tif", 128, 128, 256, 256),
            "holes": crop(folder / "holes.tif", 128, 128, 256, 256, nodata_box=(0, 70, 0, 100)),
            "folder": folder}


def suggest(chip_path: str, out: Path, **kw):
    # the tests below were written for plain ranking: entropy of all of a patch's pixels, no spread
    kw = {"model": MODEL, "count": 6, "patch_size": PATCH, "device": "cpu", "threads": 1, "strategy": "entropy",
          "diversity": "none", "top_share": 1.0, **kw}
    return run_suggest(SuggestRequest(input=chip_path, output=str(out), **kw))


def cells_of(result) -> set[tuple[int, int]]:
    return {(s.row, s.col) for s in result.suggestions}


def test_picks_are_whole_valid_non_overlapping_squares_with_their_fields(chip, tmp_path):
    out = tmp_path / "s.gpkg"
    result = suggest(chip["holes"], out, count=8, output_uncertainty=str(tmp_path / "u.tif"))
    gdf = squares(str(out)).sort_values("rank")
    assert list(gdf["rank"]) == list(range(1, 9)) and result.count_written == 8
    assert set(gdf["strategy"]) == {"entropy"}
    assert list(gdf["score"]) == sorted(gdf["score"], reverse=True)  # no diversity: best first
    for geom_a in gdf.geometry:  # non-overlapping squares of PATCH pixels (30 m)
        assert geom_a.area == pytest.approx((PATCH * 30) ** 2)
        assert all(geom_a.intersection(b).area < 1e-6 for b in gdf.geometry if b is not geom_a)
    for s in result.suggestions:  # never on the nodata block (rows 0..69, columns 0..99)
        assert not (s.row < 70 and s.col < 100)
    mix = [json.loads(m) for m in gdf["class_mix"]]
    assert all(abs(sum(m.values()) - 1) < 1e-3 and set(m) == {"clear", "cloud", "cloud shadow"} for m in mix)
    assert all(max(m, key=m.get) == p for m, p in zip(mix, gdf["predicted_class"]))
    import rasterio
    with rasterio.open(result.output_uncertainty) as u, rasterio.open(chip["holes"]) as src:
        assert (u.dtypes[0], u.shape, u.transform) == ("float32", src.shape, src.transform)
        values = u.read(1)
    assert np.isnan(values[:70, :100]).all() and np.isfinite(values[70:, 100:]).all()
    # the streamed per-patch score is the mean of the uncertainty raster over the square
    for s in result.suggestions:
        assert s.score == pytest.approx(float(values[s.row:s.row + PATCH, s.col:s.col + PATCH].mean()), abs=1e-5)
    assert 0 < result.mean_score <= 1
    # TOP_SHARE 0.1: each score is the mean of the patch's 10 % most uncertain pixels (103 of 1024; within a bin)
    top = suggest(chip["holes"], tmp_path / "t.gpkg", count=8, top_share=0.1)
    for s in top.suggestions:
        block = np.sort(values[s.row:s.row + PATCH, s.col:s.col + PATCH].ravel())[::-1]
        assert s.score == pytest.approx(float(block[:103].mean()), abs=1.0 / 64)


def test_streaming_in_many_strips_aggregates_each_patch_exactly(chip, tmp_path):
    """Tiles of 128 px: the 256 px raster arrives in several strips, and patches span strip borders; each patch's
    score must still be the mean of its pixels' scores (the uncertainty raster, written strip by strip)."""
    import rasterio
    reports = []
    many = run_suggest(SuggestRequest(input=chip["plain"], output=str(tmp_path / "b.gpkg"), model=MODEL, count=20,
                                      patch_size=48, strategy="margin", diversity="none", top_share=1.0,
                                      device="cpu", threads=1, tile_size=128,
                                      output_uncertainty=str(tmp_path / "u.tif")),
                       Monitor(progress=reports.append))
    assert len(reports) >= 4  # progress after every strip of tiles: the raster took several strips
    with rasterio.open(many.output_uncertainty) as u:
        values = u.read(1)
    assert np.isfinite(values).all()
    for s in many.suggestions:
        assert s.score == pytest.approx(float(values[s.row:s.row + 48, s.col:s.col + 48].mean()), abs=1e-5)
    assert any(s.row % 128 + 48 > 128 for s in many.suggestions)  # some patches straddle two strips


def test_labels_are_not_proposed_again_and_mask_limits_the_search(chip, tmp_path):
    first = suggest(chip["plain"], tmp_path / "a.gpkg", count=4)
    taken = [(s.row, s.row + PATCH, s.col, s.col + PATCH) for s in first.suggestions]
    polygons = box_layer(tmp_path / "labels.gpkg", taken[:2], chip["plain"])
    points = box_layer(tmp_path / "points.gpkg", taken[2:], chip["plain"], geometry="point")
    for labels in (polygons, points):
        again = suggest(chip["plain"], tmp_path / "b.gpkg", count=4, labels=labels)
        assert not cells_of(again) & {(r0, c0) for r0, _, c0, _ in (taken[:2] if labels == polygons else taken[2:])}
    mask = box_layer(tmp_path / "mask.gpkg", [(0, 256, 128, 256)], chip["plain"])  # the right half only
    inside = suggest(chip["plain"], tmp_path / "c.gpkg", count=10, mask=mask)
    assert all(s.col >= 128 for s in inside.suggestions)


def test_same_seed_same_picks_and_kcenter_differs_from_plain_ranking(chip, tmp_path):
    a = suggest(chip["plain"], tmp_path / "a.gpkg", strategy="random", seed=3)
    b = suggest(chip["plain"], tmp_path / "b.gpkg", strategy="random", seed=3)
    c = suggest(chip["plain"], tmp_path / "c.gpkg", strategy="random", seed=4)
    assert [s.cell for s in a.suggestions] == [s.cell for s in b.suggestions] != [s.cell for s in c.suggestions]
    plain = suggest(chip["plain"], tmp_path / "d.gpkg", strategy="tta_disagreement")
    spread = suggest(chip["plain"], tmp_path / "e.gpkg", strategy="tta_disagreement", diversity="kcenter")
    assert spread.suggestions[0].cell == plain.suggestions[0].cell
    assert cells_of(spread) != cells_of(plain)
    grouped = suggest(chip["plain"], tmp_path / "g.gpkg", strategy="entropy", diversity="cluster", top_share=0.1)
    assert len(cells_of(grouped)) == 6 and cells_of(grouped) == cells_of(
        suggest(chip["plain"], tmp_path / "h.gpkg", strategy="entropy", diversity="cluster", top_share=0.1))
    apart = suggest(chip["plain"], tmp_path / "f.gpkg", diversity="spatial", min_distance=80)
    pts = np.array([(s.row, s.col) for s in apart.suggestions], float)
    assert np.hypot(*(pts[:, None] - pts[None]).transpose(2, 0, 1))[np.triu_indices(len(pts), 1)].min() >= 80


@pytest.mark.parametrize("case, match", [
    ("bands", "needs the bands"),
    ("count", "COUNT 65 is more than the 64 patches"),
    ("count_after_labels", "not touching LABELS"),
    ("nothing_left", "No patch of 32 x 32 pixels is left to suggest .*Lower PATCH_SIZE, or search where"),
    ("outside", "lies on the image"),
    ("empty", "has no features"),
    ("superres", "suggestions need a model that gives class probabilities"),
    ("top_share", "TOP_SHARE must be above 0 and at most 1"),
])
def test_bad_input_is_refused_with_the_fix_and_leaves_nothing(chip, tmp_path, case, match):
    import geopandas as gpd
    from shapely.geometry import box
    kw: dict = {}
    source = chip["plain"]
    if case == "bands":
        import rasterio
        with rasterio.open(source) as src:
            profile = dict(src.profile, count=3)
            source = str(tmp_path / "rgb.tif")
            with rasterio.open(source, "w", **profile) as dst:
                dst.write(src.read([1, 2, 3]))
                dst.descriptions = src.descriptions[:3]
    elif case == "count":
        kw["count"] = 65  # 256 / 32 = 8 x 8 patches
    elif case == "count_after_labels":
        kw["count"] = 60
        kw["labels"] = box_layer(tmp_path / "l.gpkg", [(0, 256, 0, 64)], source)  # 16 patches labelled
    elif case == "nothing_left":  # labels over the whole image: lowering COUNT cannot help, the message says so
        kw["labels"] = box_layer(tmp_path / "all.gpkg", [(0, 256, 0, 256)], source)
    elif case == "outside":
        with __import__("rasterio").open(source) as src:
            crs, (x0, y0) = src.crs, src.transform * (0, 0)
        gpd.GeoDataFrame({"class": [1]}, geometry=[box(x0 + 1e6, y0 + 1e6, x0 + 1e6 + 500, y0 + 1e6 + 500)],
                         crs=crs).to_file(tmp_path / "far.gpkg")
        kw["labels"] = str(tmp_path / "far.gpkg")
    elif case == "empty":
        gpd.GeoDataFrame({"class": []}, geometry=[], crs="EPSG:32615").to_file(tmp_path / "empty.gpkg")
        kw["labels"] = str(tmp_path / "empty.gpkg")
    elif case == "superres":
        kw["model"] = "s2_superres_single"
    elif case == "top_share":
        kw["top_share"] = 0.0
    out = tmp_path / "out" / "s.gpkg"
    with pytest.raises(DeepMapperError, match=match):
        suggest(source, out, output_uncertainty=str(tmp_path / "out" / "u.tif"), **kw)
    assert not out.parent.exists() or not list(out.parent.iterdir())


def test_cancel_leaves_no_output(chip, tmp_path):
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 2

    out = tmp_path / "out"
    with pytest.raises(CancelledError):
        run_suggest(SuggestRequest(input=chip["plain"], output=str(out / "s.gpkg"), model=MODEL, count=4,
                                   patch_size=PATCH, output_uncertainty=str(out / "u.tif"), device="cpu", threads=1,
                                   tile_size=128), Monitor(is_cancelled=cancelled))
    assert not out.exists() or not list(out.iterdir())


# -- inside QGIS ---------------------------------------------------------------------------------------------------
def test_processing_run_outputs(qgis_app, chip, tmp_path):
    import processing
    from qgis.core import QgsVectorLayer
    labels = box_layer(tmp_path / "labels.gpkg", [(0, 64, 0, 64)], chip["plain"])
    result = processing.run("deepmapper:suggestsamples", {
        "INPUT": chip["plain"], "MODEL": MODEL, "COUNT": 5, "PATCH_SIZE": PATCH, "STRATEGY": "margin",
        "DIVERSITY": "cluster", "TOP_SHARE": 0.2, "LABELS": labels, "SEED": 1, "DEVICE": "cpu",
        "OUTPUT": str(tmp_path / "s.gpkg"), "OUTPUT_UNCERTAINTY": str(tmp_path / "u.tif")})
    assert result["COUNT_WRITTEN"] == 5 and 0 < result["MEAN_SCORE"] <= 1 and result["MODEL_ID"] == MODEL
    layer = QgsVectorLayer(result["OUTPUT"], "s", "ogr")
    assert layer.featureCount() == 5
    assert {f.name() for f in layer.fields()} >= {"rank", "score", "strategy", "predicted_class", "class_mix", "model"}
    assert {f["strategy"] for f in layer.getFeatures()} == {"margin"}
    assert os.path.exists(result["OUTPUT_UNCERTAINTY"])


def test_processing_bad_input_and_cancel(qgis_app, chip, tmp_path):
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback
    with pytest.raises(QgsProcessingException, match="COUNT 100 is more than"):
        processing.run("deepmapper:suggestsamples", {"INPUT": chip["plain"], "MODEL": MODEL, "COUNT": 100,
                                                     "PATCH_SIZE": PATCH, "OUTPUT": str(tmp_path / "x.gpkg")})
    feedback = QgsProcessingFeedback()
    feedback.progressChanged.connect(lambda p: feedback.cancel() if p > 0 else None)
    with pytest.raises(QgsProcessingException):
        processing.run("deepmapper:suggestsamples", {"INPUT": chip["plain"], "MODEL": MODEL, "COUNT": 3,
                                                     "PATCH_SIZE": PATCH, "TILE_SIZE": 128, "DEVICE": "cpu",
                                                     "OUTPUT": str(tmp_path / "c.gpkg")}, feedback=feedback)
    assert not list(tmp_path.glob("c*")) and not list(tmp_path.glob(".c*")) and not list(tmp_path.glob("x*"))


def test_qgis_process_subprocess_json(chip, tmp_path):
    if not QGIS_PROCESS.exists() or not Path("/usr/bin/qgis_process.bin").exists():
        pytest.skip("qgis_process.bin not installed (run `make setup`)")
    subprocess.run([str(QGIS_PROCESS), "plugins", "enable", "deepmapper"], capture_output=True, check=False)
    out = subprocess.run([str(QGIS_PROCESS), "--json", "run", "deepmapper:suggestsamples", "--",
                          f"INPUT={chip['plain']}", f"MODEL={MODEL}", "COUNT=3", f"PATCH_SIZE={PATCH}",
                          "STRATEGY=1", "DIVERSITY=spatial", "DEVICE=cpu", f"OUTPUT={tmp_path / 's.gpkg'}"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)["results"]
    assert result["COUNT_WRITTEN"] == 3
    gdf = squares(result["OUTPUT"])
    assert len(gdf) == 3 and set(gdf["strategy"]) == {"margin"}  # option number 1 = margin


def test_defaults_are_the_benchmark_s_best(qgis_app):
    """Margin on the 10 % most uncertain pixels, one patch per cluster: above random at every budget of the
    active-learning benchmark (docs/benchmarks.md), where plain entropy fell below it after its first batch."""
    from qgis.core import QgsApplication
    req = SuggestRequest(input="x.tif", output="s.gpkg")
    assert (req.strategy, req.diversity, req.top_share) == ("margin", "cluster", 0.1)
    alg = QgsApplication.processingRegistry().createAlgorithmById("deepmapper:suggestsamples")
    assert [alg.parameterDefinition(n).defaultValue() for n in ("STRATEGY", "DIVERSITY", "TOP_SHARE")] == \
        ["margin", "cluster", 0.1]


def test_without_model_or_sensor_the_cloud_model_is_cloudmasks(chip, tmp_path):
    """A new user's session: on the L1C chip, cloudmask (SENSOR default L1C) chose ukis_csmask_6b_l1c while
    suggestsamples without SENSOR chose the L2A model, so the suggestions came from a model the user was not
    fine-tuning."""
    from deepmapper.plugin.core.classify.cloudmask import CloudMaskRequest, run_cloudmask
    mask = run_cloudmask(CloudMaskRequest(input=chip["plain"], output=str(tmp_path / "m.tif"), threads=1))
    picked = suggest(chip["plain"], tmp_path / "s.gpkg", model=None, count=2)
    assert picked.model_id == mask.model_id == "ukis_csmask_6b_l1c"


def test_a_mask_of_points_is_refused_as_no_area(chip, tmp_path):
    """An adversarial session: MASK as points said '0 wholly inside MASK ... search where your labels do not reach
    yet', not that a mask must be polygons."""
    import geopandas as gpd
    import rasterio
    from shapely.geometry import Point
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    with rasterio.open(chip["plain"]) as src:
        centre = Point((src.bounds.left + src.bounds.right) / 2, (src.bounds.bottom + src.bounds.top) / 2)
        crs = src.crs
    gpd.GeoDataFrame(geometry=[centre], crs=crs).to_file(tmp_path / "points.gpkg")
    with pytest.raises(DeepMapperError, match="holds Point: MASK is an area, so give polygons"):
        suggest(chip["plain"], tmp_path / "s.gpkg", mask=str(tmp_path / "points.gpkg"))
    assert not (tmp_path / "s.gpkg").exists()


def _empty_raster(path: Path, bands: int, dtype: str, nodata: float) -> str:
    import rasterio
    from rasterio.transform import from_origin
    with rasterio.open(path, "w", driver="GTiff", width=100, height=120, count=bands, dtype=dtype, nodata=nodata,
                       crs="EPSG:32633", transform=from_origin(300000, 5000000, 30, 30)) as dst:
        dst.write(np.full((bands, 120, 100), nodata, dtype))
    return str(path)


@pytest.mark.parametrize("make", ["chip", "1 band NaN", "3 bands uint8 0"])
def test_an_all_nodata_raster_is_named_before_what_models_need(chip, tmp_path, make):
    """Adversarial sessions: without MODEL, an all-nodata raster's error began with the bands the building model
    lacks, with its pixel size (1 band at 30 m), or with COUNT (the default 10 > 1 patch); the cause came later or
    never."""
    empty = {"chip": lambda: crop(tmp_path / "empty.tif", 0, 0, 128, 128, nodata_box=(0, 128, 0, 128)),
             "1 band NaN": lambda: _empty_raster(tmp_path / "nan.tif", 1, "float32", float("nan")),
             "3 bands uint8 0": lambda: _empty_raster(tmp_path / "u8.tif", 3, "uint8", 0)}[make]()
    for count in (1, 10):
        with pytest.raises(DeepMapperError, match=r"^The input raster holds no valid pixel"):
            suggest(empty, tmp_path / "s.gpkg", model=None, count=count)
    assert not (tmp_path / "s.gpkg").exists()
