"""deepmapper:findsimilar: the hits are the candidates nearest to the examples (brute force agrees), exclude the
examples' own patches, are the same on a second run; processing.run, qgis_process, bad inputs, cancel."""
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


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    import geopandas as gpd
    gdf = gpd.read_file(data_file("landcover/aberystwyth_training_polygons.gpkg"))
    path = tmp_path_factory.mktemp("similar") / "water.gpkg"
    gdf[gdf["class"] == "water"].iloc[:3].to_file(path)
    return {"path": str(path), "image": str(data_file(IMAGE)), "geoms": gdf[gdf["class"] == "water"].iloc[:3]}


def _find(case, out_dir: Path, **kw):
    from deepmapper.plugin.core.labelling.similar import SimilarRequest, find_similar
    req = SimilarRequest(case["image"], kw.pop("model", "landcover_s2"), kw.pop("examples", case["path"]),
                         str(out_dir / "hits.gpkg"), **{"count": 10, "patch_size": 64, **kw})
    return find_similar(req)


@pytest.fixture(scope="module")
def found(examples, tmp_path_factory):
    out = tmp_path_factory.mktemp("found")
    return _find(examples, out, output_plot=str(out / "plot.html")), out


def test_nearest_is_the_brute_force_nearest():
    from deepmapper.plugin.core.labelling.similar import GridEmbedding, nearest
    rng = np.random.default_rng(3)
    feats = rng.normal(size=(50, 4))
    cand = np.ones(50, bool)
    cand[[2, 7]] = False  # example cells
    queries = rng.normal(size=(2, 4))
    cells, dist = nearest(GridEmbedding(feats, cand, ~cand), queries, 5, lambda _m: None)
    mu, sd = feats[cand].mean(0), feats[cand].std(0)
    z, q = (feats - mu) / sd, (queries - mu) / sd
    brute = np.sqrt(((z[:, None] - q[None]) ** 2).sum(-1)).min(1)
    brute[~cand] = np.inf
    assert cells.tolist() == np.argsort(brute, kind="stable")[:5].tolist()
    assert np.allclose(dist, np.sort(brute)[:5])


def test_hits_exclude_the_examples_and_are_ranked(examples, found):
    import geopandas as gpd
    result, _ = found
    hits = gpd.read_file(result.output)
    assert len(hits) == 10 and hits["rank"].tolist() == list(range(1, 11))
    assert (np.diff(hits["distance"].to_numpy()) >= 0).all()
    ex = examples["geoms"].to_crs(hits.crs)
    # no example covers a pixel centre of a hit: at most a sliver under half a pixel along the edges (10 m pixels)
    assert (hits.geometry.intersection(ex.geometry.unary_union).area < 4 * 64 * 10 * 5).all()
    assert result.embedding == "encoder"


def test_plot_is_self_contained_html(found):
    result, _ = found
    html = Path(result.output_plot).read_text()
    assert "<svg" in html and "http://" not in html.split("<svg", 1)[0].replace("http://www.w3.org", "")


def test_same_inputs_same_result(examples, found, tmp_path):
    result, _ = found
    again = _find(examples, tmp_path)
    assert again.cells.tolist() == result.cells.tolist()
    assert np.allclose(again.distances, result.distances)


def test_bad_inputs_name_the_fix(examples, tmp_path):
    import geopandas as gpd
    from deepmapper.plugin.core.engine.errors import DeepMapperError
    with pytest.raises(DeepMapperError, match="larger than the .* patches available"):
        _find(examples, tmp_path, count=10_000)
    examples["geoms"].iloc[:0].to_file(tmp_path / "none.gpkg")
    with pytest.raises(DeepMapperError, match="no features"):
        _find(examples, tmp_path, examples=str(tmp_path / "none.gpkg"))
    chip = dict(examples, image=str(data_file("superres/T33UUB_10m.tif")))  # 4 bands at 10 m: no red edge
    with pytest.raises(DeepMapperError, match="rededge|lacks|bands"):
        _find(chip, tmp_path)
    assert not (tmp_path / "hits.gpkg").exists()
    del gpd


def test_processing_run_and_cancel(qgis_app, examples, tmp_path):
    import processing
    from qgis.core import QgsProcessingException, QgsProcessingFeedback
    out = processing.run("deepmapper:findsimilar", {
        "INPUT": examples["image"], "MODEL": "landcover_s2", "EXAMPLES": examples["path"], "COUNT": 5,
        "PATCH_SIZE": 64, "OUTPUT": str(tmp_path / "h.gpkg"), "OUTPUT_PLOT": str(tmp_path / "p.png")})
    assert out["CANDIDATES"] > 5 and Path(out["OUTPUT"]).exists()
    assert Path(out["OUTPUT_PLOT"]).read_bytes()[:4] == b"\x89PNG"
    # styled as the suggestions are (was QGIS's random opaque fill over the image): outlined, labelled with the rank
    from qgis.core import QgsVectorLayer
    from test_styles import assert_outlined_and_ranked
    assert_outlined_and_ranked(QgsVectorLayer(out["OUTPUT"], "again"))  # the style is inside the GeoPackage

    class Cancel(QgsProcessingFeedback):
        def setProgress(self, progress):  # noqa: N802
            super().setProgress(progress)
            self.cancel()

    with pytest.raises(QgsProcessingException, match="[Cc]ancel"):
        processing.run("deepmapper:findsimilar", {
            "INPUT": examples["image"], "MODEL": "landcover_s2", "EXAMPLES": examples["path"], "COUNT": 5,
            "PATCH_SIZE": 64, "OUTPUT": str(tmp_path / "c.gpkg"), "OUTPUT_PLOT": str(tmp_path / "c.html")},
            feedback=Cancel())
    assert not [p for p in os.listdir(tmp_path) if p.startswith(("c.", ".c."))]


def test_qgis_process(examples, tmp_path):
    if not QGIS_PROCESS.exists() or not Path("/usr/bin/qgis_process.bin").exists():
        pytest.skip("qgis_process.bin not installed (run `make setup`)")
    subprocess.run([str(QGIS_PROCESS), "plugins", "enable", "deepmapper"], capture_output=True, check=False)
    out = subprocess.run([str(QGIS_PROCESS), "--json", "run", "deepmapper:findsimilar", "--",
                          f"INPUT={examples['image']}", "MODEL=landcover_s2", f"EXAMPLES={examples['path']}",
                          "COUNT=5", "PATCH_SIZE=64", f"OUTPUT={tmp_path / 'q.gpkg'}"],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    assert Path(json.loads(out.stdout)["results"]["OUTPUT"]).exists()


@pytest.mark.parametrize("size", [4, 20, 48])
def test_a_cloud_model_embeds_patches_of_any_size(size, tmp_path):
    """An adversarial session: findsimilar with a UKIS model failed for every PATCH_SIZE that is not a multiple of
    32 (a Concat error inside the graph, and advice about BATCH_SIZE); patches are now mirrored out to the next
    multiple, and each keeps its own pixels' probabilities."""
    from deepmapper.models.registry import Registry
    from deepmapper.plugin.core.engine.device import Device
    from deepmapper.plugin.core.labelling.embed import patch_embedder
    card = Registry().get("ukis_csmask_6b_l1c")
    embedder = patch_embedder(card, Device("cpu"), threads=1)
    import rasterio
    with rasterio.open(data_file("clouds/s2_cloud_chip.tif")) as src:
        block = src.read(window=rasterio.windows.Window(100, 100, 128, 128)).astype(np.float32)
    patches = np.stack([block[:, :size, :size], block[:, 32:32 + size, 32:32 + size]])
    probs = embedder.probabilities(np.ascontiguousarray(patches))
    assert probs.shape == (2, len(card.classes), size, size)
    assert np.allclose(probs.sum(axis=1), 1, atol=1e-4)
    assert embedder.embed(np.ascontiguousarray(patches)).shape[0] == 2
