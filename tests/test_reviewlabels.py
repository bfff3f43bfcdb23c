"""deepmapper:reviewlabels: the engine finds a deliberately flipped label (and leaves clean labels mostly alone),
the algorithm runs through processing.run and qgis_process, bad inputs are refused with the fix, cancel leaves
nothing."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import numpy as np
import pytest

from conftest import ROOT, data_file

QGIS_PROCESS = ROOT / "scripts" / "qgis_process"
IMAGE = "landcover/aberystwyth_s2_10m.tif"
LABELS = "landcover/aberystwyth_training_polygons.gpkg"


@pytest.fixture(scope="module")
def flipped(tmp_path_factory):
    """The Aberystwyth training polygons with one water polygon relabelled 'forest'; `fid0` keeps the row."""
    import geopandas as gpd
    gdf = gpd.read_file(data_file(LABELS))
    gdf["fid0"] = np.arange(len(gdf))
    wrong = int(np.flatnonzero(gdf["class"] == "water")[0])
    gdf.loc[wrong, "class"] = "forest"
    path = tmp_path_factory.mktemp("review") / "flipped.gpkg"
    gdf.to_file(path)
    return {"path": str(path), "wrong": wrong, "image": str(data_file(IMAGE)), "n": len(gdf)}


def _review(flipped, out_dir: Path, **kw):
    from deepmapper.plugin.core.labelling.review import ReviewRequest, review_labels
    req = ReviewRequest(flipped["image"], kw.pop("labels", flipped["path"]), kw.pop("class_field", "class"),
                        str(out_dir / "reviewed.gpkg"), kw.pop("output_html", str(out_dir / "review.html")), **kw)
    return review_labels(req)


@pytest.fixture(scope="module")
def reviewed(flipped, tmp_path_factory):
    import geopandas as gpd
    out = tmp_path_factory.mktemp("reviewed")
    result = _review(flipped, out)
    return result, gpd.read_file(result.output), out


def test_flipped_polygon_is_flagged_and_clean_labels_mostly_not(flipped, reviewed):
    result, gdf, _ = reviewed
    assert len(gdf) == flipped["n"] and {"suspect", "label_agreement", "suggested_class", "confidence"} <= set(gdf)
    row = gdf[gdf["fid0"] == flipped["wrong"]].iloc[0]
    assert bool(row["suspect"]) and row["suggested_class"] == "water" and row["label_agreement"] < 0.5
    # the output is sorted and written with new fids: source_fid traces each row to the labels given (GeoPackage
    # fids 1..n in file order)
    assert (gdf["source_fid"] == gdf["fid0"] + 1).all()
    false_alarms = int(gdf["suspect"].sum()) - 1
    assert false_alarms <= 3, gdf[gdf["suspect"]][["fid0", "class", "suggested_class", "label_agreement"]]
    assert result.suspect_count == int(gdf["suspect"].sum())
    # sorted by suspicion: every suspect before every other feature
    flags = gdf["suspect"].to_numpy()
    assert not (np.diff(flags.astype(int)) > 0).any()


def test_html_summary_has_per_class_counts_and_quicklooks(reviewed):
    result, _, _ = reviewed
    html = Path(result.output_html).read_text()
    assert "Label review" in html and "data:image/png;base64," in html
    assert "estimated from the labels' own evidence" in html  # the default: the share is estimated, and said
    assert "<b>fid " in html  # each picture names the feature as the user's layer does
    assert any(line.startswith("Share of wrong labels estimated from the evidence:") for line in result.log)
    assert 0.001 <= result.expected_wrong <= 0.45
    for c in result.per_class:
        assert c["name"] in html
    assert sum(c["suspects"] for c in result.per_class) == result.suspect_count


def test_same_inputs_same_result(flipped, reviewed, tmp_path):
    import geopandas as gpd
    _, first, _ = reviewed
    again = gpd.read_file(_review(flipped, tmp_path, output_html=None).output)
    assert first["fid0"].tolist() == again["fid0"].tolist()
    assert np.allclose(first["confidence"].to_numpy(), again["confidence"].to_numpy(), equal_nan=True)


def test_bad_inputs_name_the_fix(flipped, tmp_path):
    import geopandas as gpd
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    gdf = gpd.read_file(flipped["path"])
    gdf.iloc[:0].to_file(tmp_path / "empty.gpkg")
    with pytest.raises(DeepMapperError, match="no features"):
        _review(flipped, tmp_path, labels=str(tmp_path / "empty.gpkg"))
    with pytest.raises(DeepMapperError, match="no field 'klass'"):
        _review(flipped, tmp_path, class_field="klass")
    away = gdf.set_geometry(gdf.geometry.translate(5e5, 5e5))
    away.to_file(tmp_path / "away.gpkg")
    with pytest.raises(DeepMapperError, match="lies on the image"):
        _review(flipped, tmp_path, labels=str(tmp_path / "away.gpkg"))
    gdf[gdf["class"] == "water"].to_file(tmp_path / "one.gpkg")
    with pytest.raises(DeepMapperError, match="only one class"):
        _review(flipped, tmp_path, labels=str(tmp_path / "one.gpkg"))
    gdf.assign(**{"class": gdf["class"].replace("water", "cropland")}).to_file(tmp_path / "crops.gpkg")
    with pytest.raises(DeepMapperError, match="has no class cropland"):
        _review(flipped, tmp_path, model="landcover_s2", labels=str(tmp_path / "crops.gpkg"))
    assert not (tmp_path / "reviewed.gpkg").exists()


def test_processing_run_and_cancel(qgis_app, flipped, tmp_path):
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback
    out = processing.run("deepmapper:reviewlabels", {
        "INPUT": flipped["image"], "LABELS": flipped["path"], "CLASS_FIELD": "class",
        "OUTPUT": str(tmp_path / "r.gpkg"), "OUTPUT_HTML": str(tmp_path / "r.html")})
    assert out["SUSPECT_COUNT"] >= 1 and Path(out["OUTPUT"]).exists() and Path(out["OUTPUT_HTML"]).exists()

    class Cancel(QgsProcessingFeedback):
        def setProgress(self, progress):  # noqa: N802
            super().setProgress(progress)
            self.cancel()

    with pytest.raises(QgsProcessingException, match="[Cc]ancel"):
        processing.run("deepmapper:reviewlabels", {
            "INPUT": flipped["image"], "LABELS": flipped["path"], "CLASS_FIELD": "class",
            "OUTPUT": str(tmp_path / "c.gpkg"), "OUTPUT_HTML": str(tmp_path / "c.html")}, feedback=Cancel())
    assert not (tmp_path / "c.gpkg").exists() and not (tmp_path / "c.html").exists()
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".c.")]


def test_qgis_process(flipped, tmp_path):
    if not QGIS_PROCESS.exists() or not Path("/usr/bin/qgis_process.bin").exists():
        pytest.skip("qgis_process.bin not installed (run `make setup`)")
    subprocess.run([str(QGIS_PROCESS), "plugins", "enable", "deepmapper"], capture_output=True, check=False)
    out = subprocess.run([str(QGIS_PROCESS), "--json", "run", "deepmapper:reviewlabels", "--",
                          f"INPUT={flipped['image']}", f"LABELS={flipped['path']}", "CLASS_FIELD=class",
                          f"OUTPUT={tmp_path / 'q.gpkg'}", f"OUTPUT_HTML={tmp_path / 'q.html'}"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)["results"]
    assert result["SUSPECT_COUNT"] >= 1 and Path(result["OUTPUT"]).exists()


def _pixels(sizes):
    """FeaturePixels for features of the given pixel counts (positions do not matter to the verdict)."""
    from deepmapper.plugin.core.labelling.label_pixels import FeaturePixels
    owner = np.repeat(np.arange(len(sizes)), sizes)
    return FeaturePixels(owner, np.arange(len(owner)), np.zeros(len(owner), np.int64), np.ones(len(sizes), bool))


def test_verdict_weighs_evidence_by_feature_size():
    """The same per-pixel contradiction (90 % for the other class) flags a 50-pixel feature but not a 1-pixel one;
    a 1-pixel feature is flagged only when its pixel contradicts the label outright."""
    from deepmapper.plugin.core.labelling.review import judge
    sizes = [1, 50, 1, 20]
    pixels = _pixels(sizes)
    per_feature = [[0.1, 0.9], [0.1, 0.9], [0.0, 1.0], [0.9, 0.1]]
    probs = np.repeat(np.array(per_feature), sizes, axis=0)
    verdict = judge(probs, np.ones(len(probs), bool), pixels, np.zeros(len(sizes), np.int64), 2)
    assert verdict.suspect.tolist() == [False, True, True, False]
    assert verdict.suggested.tolist() == [0, 1, 1, 0]  # weak evidence: its own label stays the most probable
    assert verdict.suspicion[1] > verdict.suspicion[0] and verdict.agreement[0] == 0.0
    assert np.allclose(verdict.posterior.sum(axis=1), 1.0)
    assert verdict.order[:2].tolist() in ([1, 2], [2, 1])


def test_higher_expected_share_of_wrong_labels_flags_more():
    from deepmapper.plugin.core.labelling.review import judge
    rng = np.random.default_rng(0)
    sizes = rng.integers(1, 40, 200)
    probs = rng.dirichlet([0.5, 0.5, 0.5], len(sizes))
    probs = np.repeat(probs, sizes, axis=0)
    labels = rng.integers(0, 3, len(sizes))
    args = (probs, np.ones(len(probs), bool), _pixels(sizes), labels, 3)
    few, many = judge(*args, expected_wrong=0.01).suspect, judge(*args, expected_wrong=0.2).suspect
    assert few.sum() < many.sum() and not (few & ~many).any()


def test_expected_share_out_of_range_is_refused(flipped, tmp_path):
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    with pytest.raises(DeepMapperError, match="between 0 and 50 %"):
        _review(flipped, tmp_path, expected_wrong=0.6)


def _mixture(share: float, n: int = 3000, k: int = 3, seed: int = 0):
    """Calibrated evidence of n one-pixel features (k classes) of which about `share` carry a wrong label: each
    pixel's class probabilities p come from a Dirichlet(0.3) and its true class is drawn from p, so that p is
    exactly the likelihood the review assumes; a wrong label is another class than the true one."""
    rng = np.random.default_rng(seed)
    probs = rng.dirichlet([0.3] * k, n)
    truth = np.array([rng.choice(k, p=p) for p in probs])
    labels = truth.copy()
    wrong = rng.random(n) < share
    labels[wrong] = (truth[wrong] + rng.integers(1, k, int(wrong.sum()))) % k
    return probs, _pixels([1] * n), labels, wrong


@pytest.mark.parametrize("share", [0.03, 0.1, 0.25])
def test_share_of_wrong_labels_is_estimated_from_the_evidence(share):
    """EXPECTED_WRONG left to the review: the estimate follows the true share of wrong labels, and the flags then
    match the wrong labels about as well as with the true share given."""
    from deepmapper.plugin.core.labelling.review import judge
    probs, pixels, labels, wrong = _mixture(share)
    valid = np.ones(len(probs), bool)
    estimated = judge(probs, valid, pixels, labels, 3, expected_wrong=None)
    assert abs(estimated.expected_wrong - wrong.mean()) < 0.03, (estimated.expected_wrong, wrong.mean())
    told = judge(probs, valid, pixels, labels, 3, expected_wrong=float(wrong.mean()))
    assert (estimated.suspect == told.suspect).mean() > 0.98


def test_without_evidence_the_estimate_is_the_prior_share():
    """Pixels that say nothing (every class equally probable) leave the estimate at the prior share, not at 0 or
    at half of the labels; nothing is flagged."""
    from deepmapper.plugin.core.labelling.review import PRIOR_SHARE, judge
    sizes = [3, 10, 30]
    probs = np.full((sum(sizes), 2), 0.5)
    verdict = judge(probs, np.ones(len(probs), bool), _pixels(sizes), np.array([0, 1, 0]), 2, expected_wrong=None)
    assert verdict.expected_wrong == pytest.approx(PRIOR_SHARE, abs=1e-4) and not verdict.suspect.any()


def test_labels_that_say_nothing_are_warned_about(tmp_path):
    """Classes shuffled at random over the polygons: the estimated share of wrong labels runs into its upper limit,
    and the log says that the review cannot judge these labels instead of presenting the suspects as findings."""
    import geopandas as gpd
    from deepmapper.plugin.core.labelling.review import WARN_SHARE, ReviewRequest, review_labels
    gdf = gpd.read_file(data_file(LABELS))
    gdf["class"] = np.random.default_rng(0).permutation(gdf["class"].to_numpy())
    gdf.to_file(tmp_path / "shuffled.gpkg")
    result = review_labels(ReviewRequest(str(data_file(IMAGE)), str(tmp_path / "shuffled.gpkg"), "class",
                                         str(tmp_path / "r.gpkg"), threads=1))
    assert result.expected_wrong >= WARN_SHARE
    assert any(line.startswith("Warning: that is at or near the estimate's upper limit (45 %)") for line in result.log)


def test_no_valid_pixels_too_few_places_and_empty_classes_are_said(flipped, tmp_path):
    """An adversarial session: an all-nodata image gave '0 of 45 features are suspect' (a clean bill of health),
    labels in one spatial block were judged by '1 spatial folds' (by no model that never saw them), and features
    with an empty class vanished from the output without a word."""
    import geopandas as gpd
    import rasterio
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    with rasterio.open(flipped["image"]) as src:
        profile = src.profile | {"nodata": 0}
        with rasterio.open(tmp_path / "empty.tif", "w", **profile) as dst:
            dst.write(np.zeros((src.count, src.height, src.width), src.dtypes[0]))
    with pytest.raises(DeepMapperError, match="holds no valid pixel under the labels"):
        _review({**flipped, "image": str(tmp_path / "empty.tif")}, tmp_path)
    gdf = gpd.read_file(flipped["path"])
    first_two = gdf[gdf["class"] == "water"].head(1)._append(gdf[gdf["class"] == "forest"].head(1))
    centre = first_two.geometry.iloc[0].representative_point()
    close = first_two.copy()
    close["geometry"] = [centre.buffer(15), centre.buffer(40).difference(centre.buffer(25))]  # one spatial block
    close.to_file(tmp_path / "close.gpkg")
    with pytest.raises(DeepMapperError, match="spatial block"):
        _review(flipped, tmp_path, labels=str(tmp_path / "close.gpkg"))
    nulls = gdf.copy()
    nulls.loc[nulls.index[:3], "class"] = None
    nulls.to_file(tmp_path / "nulls.gpkg")
    result = _review(flipped, tmp_path, labels=str(tmp_path / "nulls.gpkg"))
    assert any("3 of 28 features have no class in 'class' and are left out" in line for line in result.log), \
        result.log
