"""Results read over their image: transparent clear/background classes, polygons by class, probability ramps, and
layer names after the input and the model (processing.runAndLoadResults, i.e. the dialog's loading of results)."""
from __future__ import annotations

from pathlib import Path

import pytest
import rasterio
from rasterio.windows import Window

from conftest import data_file
from deepmapper.plugin.algorithms.styles import CLASS_ALPHA, CLOUD_ALPHA, SHADOW_ALPHA


def crop(src: Path, dst: Path, window: Window) -> Path:
    """A small copy of `src` (same band names and georeferencing) so the runs stay short."""
    with rasterio.open(src) as ds:
        profile = ds.profile | {"width": window.width, "height": window.height,
                                "transform": ds.window_transform(window)}
        with rasterio.open(dst, "w", **profile) as out:
            out.write(ds.read(window=window))
            out.descriptions = ds.descriptions
    return dst


def run_and_load(alg: str, params: dict) -> dict:
    """Run as the dialog does and return the project's layers by name."""
    import processing
    from qgis.core import QgsProject
    processing.runAndLoadResults(alg, params)
    return {layer.name(): layer for layer in QgsProject.instance().mapLayers().values()}


def palette_alpha(layer) -> dict[str, int]:
    return {c.label: c.color.alpha() for c in layer.renderer().classes()}


@pytest.fixture()
def project(qgis_app):
    from qgis.core import QgsProject
    QgsProject.instance().clear()
    yield QgsProject.instance()
    QgsProject.instance().clear()


def test_cloudmask_outputs_styled_named_and_see_through(project, tmp_path):
    from qgis.core import (QgsCategorizedSymbolRenderer, QgsPalettedRasterRenderer, QgsRasterLayer,
                           QgsSingleBandPseudoColorRenderer, QgsVectorLayer)
    chip = crop(data_file("clouds/s2_cloud_chip.tif"), tmp_path / "chip_a.tif", Window(0, 0, 256, 256))
    out = {"OUTPUT": str(tmp_path / "m.tif"), "OUTPUT_PROBABILITY": str(tmp_path / "p.tif"),
           "OUTPUT_VECTOR": str(tmp_path / "v.gpkg")}
    layers = run_and_load("deepmapper:cloudmask", {"INPUT": str(chip), "SENSOR": "sentinel2_l1c", **out})
    label = "chip_a (ukis_csmask_6b_l1c)"
    assert {f"Cloud mask: {label}", f"Cloud probability: {label}", f"Cloud polygons: {label}"} <= set(layers)

    mask = layers[f"Cloud mask: {label}"]
    assert isinstance(mask.renderer(), QgsPalettedRasterRenderer)
    alpha = palette_alpha(mask)
    # One opacity per role: clouds hide the ground anyway, shadows let it show through.
    assert alpha == {"clear": 0, "cloud": CLOUD_ALPHA, "cloud shadow": SHADOW_ALPHA}
    assert CLOUD_ALPHA == 204 and SHADOW_ALPHA == 153
    probability = layers[f"Cloud probability: {label}"]
    assert isinstance(probability.renderer(), QgsSingleBandPseudoColorRenderer)
    assert_loaded_hidden_and_see_through(project, probability)
    assert project.layerTreeRoot().findLayer(mask.id()).itemVisibilityChecked()  # the mask itself shows

    polygons = layers[f"Cloud polygons: {label}"]
    renderer = polygons.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer) and renderer.classAttribute() == "class_id"
    cats = {c.label(): c for c in renderer.categories()}
    assert set(cats) == {"cloud", "cloud shadow"}
    assert cats["cloud shadow"].symbol().color().name() == "#5c4d9a"
    cloud = cats["cloud"].symbol()
    # outlines only, above the mask: the mask fills the classes, two fills on top of each other hid the image
    assert cloud.symbolLayer(cloud.symbolLayerCount() - 1).brushStyle() == 0
    order = [node.layerId() for node in project.layerTreeRoot().findLayers()]  # first = drawn on top
    assert order.index(polygons.id()) < order.index(mask.id())

    # The styles are saved with the files: a fresh layer (another session, qgis_process) opens styled too.
    assert Path(out["OUTPUT"][:-4] + ".qml").exists()
    again = QgsRasterLayer(out["OUTPUT"], "again")
    assert isinstance(again.renderer(), QgsPalettedRasterRenderer) and palette_alpha(again)["clear"] == 0
    assert isinstance(QgsRasterLayer(out["OUTPUT_PROBABILITY"], "p").renderer(), QgsSingleBandPseudoColorRenderer)
    assert isinstance(QgsVectorLayer(out["OUTPUT_VECTOR"], "v").renderer(), QgsCategorizedSymbolRenderer)


def test_two_runs_on_two_inputs_give_two_names(project, tmp_path):
    src = data_file("clouds/s2_cloud_chip.tif")
    for name, window in (("west", Window(0, 0, 128, 128)), ("east", Window(384, 0, 128, 128))):
        chip = crop(src, tmp_path / f"{name}.tif", window)
        layers = run_and_load("deepmapper:cloudmask", {"INPUT": str(chip), "OUTPUT": str(tmp_path / f"m_{name}.tif")})
    assert {"Cloud mask: west (ukis_csmask_6b_l1c)", "Cloud mask: east (ukis_csmask_6b_l1c)"} <= set(layers)


def test_segment_land_cover_named_and_polygons_by_class(project, tmp_path):
    pytest.importorskip("torch")
    from qgis.core import QgsCategorizedSymbolRenderer, QgsPalettedRasterRenderer, QgsRasterLayer
    image = crop(data_file("landcover/aberystwyth_s2_10m.tif"), tmp_path / "aberystwyth_s2_10m.tif",
                 Window(0, 0, 256, 256))
    layers = run_and_load("deepmapper:segment", {"INPUT": str(image), "MODEL": "landcover_s2",
                                                 "OUTPUT": str(tmp_path / "lc.tif"),
                                                 "OUTPUT_PROBABILITY": str(tmp_path / "lc_p.tif"),
                                                 "OUTPUT_VECTOR": str(tmp_path / "lc.gpkg")})
    label = "aberystwyth_s2_10m (landcover_s2)"
    classes = layers[f"Land cover: {label}"]
    assert isinstance(classes.renderer(), QgsPalettedRasterRenderer)
    alpha = palette_alpha(classes)
    assert alpha == dict.fromkeys(("forest", "grass", "urban", "water"), CLASS_ALPHA) and CLASS_ALPHA == 153
    # Probabilities: a ramp on band 1 (forest) when loaded, and the same from the .qml saved beside the file.
    assert_probability_ramp(layers[f"Class probabilities: {label}"], 1, "forest")
    assert_probability_ramp(QgsRasterLayer(str(tmp_path / "lc_p.tif"), "again"), 1, "forest")
    renderer = layers[f"Land-cover polygons: {label}"].renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer)
    colours = {c.label(): c.symbol().color().name() for c in renderer.categories()}
    assert colours == {"forest": "#1b7837", "grass": "#a6d96a", "urban": "#7f7f7f", "water": "#2166ac"}
    assert all(c.symbol().symbolLayer(0).brushStyle() == 0 for c in renderer.categories())  # outlines over the raster
    order = [node.layerId() for node in project.layerTreeRoot().findLayers()]
    assert order.index(layers[f"Land-cover polygons: {label}"].id()) < order.index(classes.id())


def test_buildings_outline_only_and_background_transparent(qgis_app, tmp_path):
    from deepmapper.plugin.algorithms.styles import PalettedStyler, polygon_symbol
    from qgis.core import QgsRasterLayer
    building = polygon_symbol({"id": 1, "name": "building", "color": "#e31a1c"})
    assert building.symbolLayer(0).brushStyle() == 0 and building.symbolLayer(0).strokeColor().name() == "#e31a1c"
    cloud = polygon_symbol({"id": 1, "name": "cloud", "color": "#f2f2f2"})
    assert cloud.symbolLayerCount() == 2  # white outline over a dark hairline: visible on bright ground
    # a copy: QGIS saves a new layer's style statistics as .aux.xml beside the file, never beside shared data
    pan = crop(data_file("buildings/atlanta_pan_050cm.tif"), tmp_path / "pan.tif", Window(0, 0, 64, 64))
    layer = QgsRasterLayer(str(pan), "pan")
    PalettedStyler([{"id": 0, "name": "background", "color": "#000000"},
                    {"id": 1, "name": "building", "color": "#e31a1c"}]).apply(layer)
    assert palette_alpha(layer) == {"background": 0, "building": CLASS_ALPHA}


def test_segment_buildings_probability_ramp_on_the_building_band(project, tmp_path):
    pytest.importorskip("torch")
    from qgis.core import QgsRasterLayer
    image = crop(data_file("buildings/atlanta_pan_050cm.tif"), tmp_path / "atlanta.tif", Window(0, 0, 256, 256))
    out = tmp_path / "b_p.tif"
    layers = run_and_load("deepmapper:segment", {"INPUT": str(image), "MODEL": "buildings",
                                                 "OUTPUT": str(tmp_path / "b.tif"), "OUTPUT_PROBABILITY": str(out)})
    label = "atlanta (buildings)"
    assert_probability_ramp(layers[f"Class probabilities: {label}"], 1, "building")
    assert_loaded_hidden_and_see_through(project, layers[f"Class probabilities: {label}"])
    assert out.with_suffix(".qml").exists()
    assert_probability_ramp(QgsRasterLayer(str(out), "again"), 1, "building")


def test_probability_ramp_prefers_the_named_class_band(qgis_app, tmp_path):
    """A raster with several class bands: the ramp goes on the preferred class's band, else on band 1."""
    import numpy as np
    from deepmapper.plugin.algorithms.styles import ProbabilityStyler
    from qgis.core import QgsRasterLayer
    path = tmp_path / "p.tif"
    with rasterio.open(path, "w", driver="GTiff", width=8, height=8, count=3, dtype="float32", crs="EPSG:32630",
                       transform=rasterio.transform.from_origin(500000, 5000000, 10, 10)) as ds:
        ds.write(np.random.default_rng(0).random((3, 8, 8), dtype=np.float32))
        ds.descriptions = ("forest probability", "building probability", "water probability")
    layer = QgsRasterLayer(str(path), "p")
    ProbabilityStyler(["road", "building"]).apply(layer)
    assert_probability_ramp(layer, 2, "building")
    ProbabilityStyler().apply(layer)
    assert_probability_ramp(layer, 1, "forest")


def assert_loaded_hidden_and_see_through(project, layer) -> None:
    """A probability layer loads unchecked (it would hide the mask and the image) and semi-transparent."""
    from deepmapper.plugin.algorithms.styles import PROBABILITY_OPACITY
    node = project.layerTreeRoot().findLayer(layer.id())
    assert node is not None and not node.itemVisibilityChecked()
    assert layer.renderer().opacity() == pytest.approx(PROBABILITY_OPACITY) and 0.4 <= PROBABILITY_OPACITY <= 0.7


def assert_probability_ramp(layer, band: int, cls: str, suffix: str = " probability") -> None:
    """`layer` shows `band` (described '<cls><suffix>') as the 0..1 ramp, transparent at 0, opaque at 1."""
    from qgis.core import QgsSingleBandPseudoColorRenderer
    renderer = layer.renderer()
    assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
    assert renderer.band() == band and layer.bandName(band).endswith(f"{cls}{suffix}")
    assert (renderer.classificationMin(), renderer.classificationMax()) == (0.0, 1.0)
    items = renderer.shader().rasterShaderFunction().colorRampItemList()
    assert items[0].color.alpha() == 0 and items[-1].color.alpha() == 255


def test_suggested_patches_outlined_labelled_and_above_the_uncertainty(project, tmp_path):
    """The squares to label: no fill (the image shows through), a haloed magenta outline, labelled with their rank,
    and above the uncertainty ramp in the layer tree whichever order Processing loads them in."""
    pytest.importorskip("onnxruntime")
    from qgis.core import QgsSingleSymbolRenderer, QgsVectorLayer
    from deepmapper.plugin.algorithms.styles import ATTENTION_COLOR
    chip = crop(data_file("clouds/s2_cloud_chip.tif"), tmp_path / "chip_s.tif", Window(128, 128, 128, 128))
    # Processing loads a run's outputs in the order of their paths: here the raster last, on top unless moved
    out = {"OUTPUT": str(tmp_path / "s.gpkg"), "OUTPUT_UNCERTAINTY": str(tmp_path / "u.tif")}
    layers = run_and_load("deepmapper:suggestsamples", {"INPUT": str(chip), "MODEL": "ukis_csmask_6b_l1c", "COUNT": 3,
                                                        "STRATEGY": "entropy", "PATCH_SIZE": 32, "THREADS": 1, **out})
    label = "chip_s (ukis_csmask_6b_l1c)"
    squares, ramp = layers[f"Suggested patches: {label}"], layers[f"Uncertainty per pixel: {label}"]
    assert_outlined_and_ranked(squares)
    assert_probability_ramp(ramp, 1, "entropy (0..1)", suffix="")  # transparent at 0: certain places show the image
    order = [node.layerId() for node in project.layerTreeRoot().findLayers()]  # first = drawn on top
    assert order.index(squares.id()) < order.index(ramp.id())
    assert project.layerTreeRoot().findLayer(ramp.id()).itemVisibilityChecked()  # asked for: shown, under the squares
    again = QgsVectorLayer(out["OUTPUT"], "again")  # the style is inside the GeoPackage
    assert isinstance(again.renderer(), QgsSingleSymbolRenderer) and again.labelsEnabled()
    assert again.renderer().symbol().symbolLayer(1).strokeColor().name() == ATTENTION_COLOR
    assert Path(out["OUTPUT_UNCERTAINTY"][:-4] + ".qml").exists()


def assert_outlined_and_ranked(layer) -> None:
    from qgis.core import QgsSingleSymbolRenderer
    from deepmapper.plugin.algorithms.styles import ATTENTION_COLOR
    renderer = layer.renderer()
    assert isinstance(renderer, QgsSingleSymbolRenderer)
    halo, outline = (renderer.symbol().symbolLayer(i) for i in range(2))
    assert outline.brushStyle() == 0 and halo.brushStyle() == 0  # Qt.NoBrush: outline only
    assert outline.strokeColor().name() == ATTENTION_COLOR and outline.strokeWidth() >= 0.5
    assert halo.strokeWidth() > outline.strokeWidth() and halo.strokeColor().lightness() < 80
    assert layer.labelsEnabled() and layer.labeling().settings().fieldName == '"rank"'
    assert layer.labeling().settings().format().buffer().enabled()


def test_stacking_moves_a_layer_only_when_it_is_on_the_wrong_side(project, tmp_path):
    from qgis.core import QgsVectorLayer
    from deepmapper.plugin.algorithms.styles import keep_stacked
    paths = {}
    for name in ("a", "b", "c"):
        paths[name] = str(tmp_path / f"{name}.geojson")
        Path(paths[name]).write_text('{"type": "FeatureCollection", "features": []}')
        project.addMapLayer(QgsVectorLayer(paths[name], name, "ogr"))  # each new layer goes on top: c, b, a
    root = project.layerTreeRoot()
    names = lambda: [node.layer().name() for node in root.findLayers()]  # noqa: E731
    ids = {layer.name(): layer.id() for layer in project.mapLayers().values()}
    assert names() == ["c", "b", "a"]
    keep_stacked(root, ids["a"], paths["c"], above=True)
    assert names() == ["a", "c", "b"]
    keep_stacked(root, ids["a"], paths["b"], above=True)  # already above: stays
    assert names() == ["a", "c", "b"]
    keep_stacked(root, ids["a"], paths["b"], above=False)
    assert names() == ["c", "b", "a"]
    keep_stacked(root, ids["c"], str(tmp_path / "not_loaded.gpkg"), above=False)
    assert names() == ["c", "b", "a"]


def test_reviewed_labels_suspects_stand_out_and_are_labelled_with_the_suggestion(project, tmp_path):
    """Suspects: magenta outline over a light fill, labelled 'class → suggested class'; the others a thin quiet
    outline and no label; categories on `suspect`, which reads as true/false from a GeoPackage boolean."""
    pytest.importorskip("sklearn")
    import geopandas as gpd
    import numpy as np
    from qgis.core import (QgsCategorizedSymbolRenderer, QgsCentroidFillSymbolLayer, QgsExpression,
                           QgsExpressionContext, QgsExpressionContextUtils, QgsRenderContext, QgsVectorLayer)
    from deepmapper.plugin.algorithms.styles import ATTENTION_COLOR, QUIET_COLOR
    gdf = gpd.read_file(data_file("landcover/aberystwyth_training_polygons.gpkg"))
    gdf.loc[int(np.flatnonzero(gdf["class"] == "water")[0]), "class"] = "forest"
    labels = tmp_path / "my_labels.gpkg"
    gdf.to_file(labels)
    image = tmp_path / "aberystwyth_s2_10m.tif"  # a copy: no sidecar beside ../shared
    image.write_bytes(data_file("landcover/aberystwyth_s2_10m.tif").read_bytes())
    out = str(tmp_path / "reviewed.gpkg")
    layers = run_and_load("deepmapper:reviewlabels", {"INPUT": str(image), "LABELS": str(labels),
                                                      "CLASS_FIELD": "class", "OUTPUT": out})
    layer = layers["Reviewed labels: my_labels"]
    renderer = layer.renderer()
    assert isinstance(renderer, QgsCategorizedSymbolRenderer) and "suspect" in renderer.classAttribute()
    cats = {c.label(): c for c in renderer.categories()}  # the categories own their symbols: keep them
    assert set(cats) == {"Suspect", "Not suspect"}
    strong, quiet = cats["Suspect"].symbol().symbolLayer(1), cats["Not suspect"].symbol().symbolLayer(0)
    assert strong.strokeColor().name() == ATTENTION_COLOR and 0 < strong.fillColor().alpha() < 100
    assert quiet.strokeColor().name() == QUIET_COLOR and quiet.brushStyle() == 0
    assert strong.strokeWidth() > 2 * quiet.strokeWidth()
    ring = cats["Suspect"].symbol().symbolLayer(2)  # a small suspect still shows zoomed out
    assert isinstance(ring, QgsCentroidFillSymbolLayer) and ring.subSymbol().symbolLayer(1).strokeColor().name() == (
        ATTENTION_COLOR)
    # each feature gets the category of its own flag, and only suspects get a label
    assert layer.labelsEnabled()
    label = QgsExpression(layer.labeling().settings().fieldName)
    render = QgsRenderContext()
    render.setExpressionContext(QgsExpressionContext(QgsExpressionContextUtils.globalProjectLayerScopes(layer)))
    renderer.startRender(render, layer.fields())
    seen = set()
    for feature in layer.getFeatures():
        render.expressionContext().setFeature(feature)
        symbol = renderer.symbolForFeature(feature, render)
        flag = bool(feature["suspect"])
        assert symbol.symbolLayer(1 if flag else 0).strokeColor().name() == (ATTENTION_COLOR if flag else QUIET_COLOR)
        text = label.evaluate(render.expressionContext())
        assert text == (f"{feature['class']} \u2192 {feature['suggested_class']}" if flag else None)
        seen.add(flag)
    renderer.stopRender(render)
    assert seen == {True, False}
    assert isinstance(QgsVectorLayer(out, "again").renderer(), QgsCategorizedSymbolRenderer)


def test_styling_in_parallel_tasks_never_meets_a_freed_object(qgis_app, tmp_path):
    """Two tasks style fresh layers at the same time, as two algorithms finishing together do. Building the raster
    renderer on `layer.dataProvider()` failed here within a second ('wrapped C/C++ object of type
    QgsRasterDataProvider has been deleted': SIP handed back the other thread's wrapper of a provider freed at the same
    address; seen in CI in test_concurrency). Renderers are now built without an input and symbol layers are created,
    never taken from a symbol. Every styler runs here: raster class and probability, polygons with a halo (white
    class), suggestions and suspects (rings and labels)."""
    import time

    import geopandas as gpd
    import numpy as np
    from deepmapper.plugin.algorithms.styles import (PalettedStyler, PolygonStyler, ProbabilityStyler,
                                                     SuggestionStyler, SuspectStyler)
    from qgis.core import QgsApplication, QgsRasterLayer, QgsTask, QgsVectorLayer
    from shapely.geometry import box
    rasters, vectors = [], []
    for k in range(2):
        rasters.append(str(tmp_path / f"p{k}.tif"))
        with rasterio.open(rasters[-1], "w", driver="GTiff", width=8, height=8, count=1, dtype="float32",
                           crs="EPSG:32630", transform=rasterio.transform.from_origin(500000, 5000000, 10, 10)) as ds:
            ds.write(np.random.default_rng(k).random((1, 8, 8), dtype=np.float32))
        vectors.append(str(tmp_path / f"v{k}.gpkg"))
        gpd.GeoDataFrame({"class_id": [1], "suspect": [True], "label": ["cloud"], "suggested_class": ["clear"]},
                         geometry=[box(500000, 4999920, 500080, 5000000)], crs="EPSG:32630").to_file(vectors[-1])
    cloud = {"id": 1, "name": "cloud", "color": "#ffffff"}
    stylers = [(PalettedStyler([cloud]), rasters), (ProbabilityStyler(), rasters), (PolygonStyler([cloud]), vectors),
               (SuggestionStyler(), vectors), (SuspectStyler("label", ("suspect", "looks right")), vectors)]
    errors, finished = [], []

    def style_many(task, k):
        try:
            for i in range(1500):
                styler, paths = stylers[i % len(stylers)]
                layer = (QgsRasterLayer(paths[k], "p", "gdal") if paths is rasters else
                         QgsVectorLayer(paths[k], "v", "ogr"))
                styler.apply(layer)
                del layer
        except Exception as exc:  # noqa: BLE001 - any failure in the thread is the finding
            errors.append(repr(exc))
        finished.append(k)

    tasks = [QgsTask.fromFunction(f"style {k}", style_many, k) for k in range(2)]
    for task in tasks:
        QgsApplication.taskManager().addTask(task)
    deadline = time.monotonic() + 120
    while len(finished) < 2 and time.monotonic() < deadline:
        QgsApplication.processEvents()
        time.sleep(0.01)
    assert len(finished) == 2, "the styling tasks did not finish"
    assert not errors, errors[:3]
