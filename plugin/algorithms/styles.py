"""Styles and layer names for DeepMapper outputs, so that results read over the image they came from.

Class rasters: a paletted renderer with the model's colours; 'clear' and 'background' fully transparent, clouds at
CLOUD_ALPHA, cloud shadows at SHADOW_ALPHA and every other class (land cover, buildings) at CLASS_ALPHA, so the image
stays readable under the mask. Class polygons: a categorised renderer on class_id
with the same colours, half-transparent fills (outline only for small objects such as buildings). Probabilities: a
pseudocolour ramp over 0..1 on one band (the first, or the class that matters most, e.g. buildings), transparent
near 0, at PROBABILITY_OPACITY, loaded unchecked (not drawn until the user turns it on). Places to look at
(suggested patches, suspect labels): no fill or a light one, an ATTENTION_COLOR outline over a dark halo and haloed
labels, so they read on any image; they stay above a raster output of the same run in the layer tree (Styler.stacked).
Each style is applied to the layer loaded into the
project on completion (a Processing post-processor) and saved beside the file (.qml, or inside a GeoPackage), so the
output opens styled in later sessions and after qgis_process.
"""
from __future__ import annotations

import os
from typing import Sequence

from qgis.core import (QgsCategorizedSymbolRenderer, QgsCentroidFillSymbolLayer, QgsColorRampShader,
                       QgsContrastEnhancement, QgsExpression, QgsFillSymbol, QgsLayerTreeLayer, QgsMarkerSymbol,
                       QgsMultiBandColorRenderer, QgsPalLayerSettings, QgsPalettedRasterRenderer,
                       QgsProcessingLayerPostProcessorInterface, QgsProject, QgsRasterLayer, QgsRasterMinMaxOrigin,
                       QgsRasterShader, QgsRectangle, QgsRendererCategory, QgsSimpleFillSymbolLayer,
                       QgsSimpleMarkerSymbolLayer, QgsSingleBandPseudoColorRenderer, QgsSingleSymbolRenderer,
                       QgsTextBufferSettings, QgsTextFormat, QgsUnitTypes, QgsVectorLayer,
                       QgsVectorLayerSimpleLabeling, QgsWkbTypes)
from qgis.PyQt.QtGui import QColor, QFont

from .labels import class_label

TRANSPARENT_CLASSES = ("clear", "background")  # classes that only say "nothing here": the image shows through
OUTLINE_ONLY_CLASSES = ("building", "buildings")  # small objects: an outline shows the roof under it
# Opacity of a class raster's classes, by role: a cloud hides the ground anyway (80 %); under a shadow or a land-cover
# class the image must stay readable (fields, roads and roofs show through at 60 %).
CLOUD_ALPHA = 204  # 80 %
SHADOW_ALPHA = 153  # 60 %
CLASS_ALPHA = 153  # 60 %: land-cover classes, buildings and any other class
FILL_ALPHA = 110  # polygon fills: about 43 %, the image stays readable
# Probability ramp (viridis stops), transparent at 0 so that unlikely places show the image.
PROBABILITY_STOPS = ((0.0, "#440154", 0), (0.25, "#3b528b", 90), (0.5, "#21918c", 160), (0.75, "#5ec962", 210),
                     (1.0, "#fde725", 255))
# A probability layer is a diagnostic: it loads unchecked (it would hide the mask and the image above them) and, once
# turned on, at 60 % so the image still shows under certain places.
PROBABILITY_OPACITY = 0.6
# Places to look at (suggested patches, suspect labels): magenta is told apart from the image's greens, browns and
# whites, from the viridis ramp and by red-green colour-blind readers; a dark halo under it keeps it on bright clouds.
ATTENTION_COLOR = "#ff00ff"
ATTENTION_WIDTH = 0.6  # mm
QUIET_COLOR = "#f0f0f0"  # labels that look right: a thin light outline, there but not competing with the suspects
QUIET_WIDTH = 0.26  # mm
HALO_COLOR = "40,40,40,170"
SUSPECT_FILL_ALPHA = 60  # about 24 %: marks the suspect's area, the image stays readable under it

# Styling runs in the algorithm's task thread, often two at once. Python must then never hold a wrapper of an object that
# the layer or a symbol owns (layer.dataProvider(), symbol.symbolLayer(i)): SIP may hand back the other task's wrapper
# of an object freed at the same address ('wrapped C/C++ object of type QgsRasterDataProvider has been deleted', seen in
# CI in tests/test_concurrency.py; a crash for other types). Raster renderers are therefore built without an input
# (QgsRasterLayer.setRenderer() connects them to the provider) and symbol layers are created, never taken from a symbol.
_NO_INPUT = None
_keep_alive: list = []  # QGIS holds post-processors by a raw pointer: they must outlive the run's context


def class_color(cls: dict, alpha: int | None = None) -> QColor:
    """The class's colour at `alpha` (None: its role's opacity, see class_alpha); transparent classes stay 0."""
    color = QColor(cls.get("color") or "#808080")
    color.setAlpha(0 if is_transparent(cls) else class_alpha(cls) if alpha is None else alpha)
    return color


def class_alpha(cls: dict) -> int:
    """A class raster's opacity (0..255) for the class's role: clear/background 0, cloud shadow SHADOW_ALPHA, cloud
    CLOUD_ALPHA, anything else CLASS_ALPHA."""
    name = str(cls.get("name", "")).strip().lower()
    if is_transparent(cls):
        return 0
    if "shadow" in name:
        return SHADOW_ALPHA
    return CLOUD_ALPHA if "cloud" in name else CLASS_ALPHA


def is_transparent(cls: dict) -> bool:
    return str(cls.get("name", "")).strip().lower() in TRANSPARENT_CLASSES


def is_outline_only(cls: dict) -> bool:
    return str(cls.get("name", "")).strip().lower() in OUTLINE_ONLY_CLASSES


class Styler(QgsProcessingLayerPostProcessorInterface):
    """Applies a style to a layer; as a post-processor, to the layer Processing loads into the project."""

    layer_type: type = QgsRasterLayer
    above: str | None = None  # path of an output of the same run this layer is drawn above, whichever loads first
    below: str | None = None  # path of an output of the same run this layer is drawn below

    def apply(self, layer) -> None:
        raise NotImplementedError

    def stacked(self, above: str | None = None, below: str | None = None) -> "Styler":
        """Keep the loaded layer above (or below) the output at that path in the layer tree: Processing loads a
        run's outputs in the order of their paths, so a raster could otherwise hide the polygons to look at."""
        self.above, self.below = above, below
        return self

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        if isinstance(layer, self.layer_type):
            self.apply(layer)
            layer.triggerRepaint()
            root = QgsProject.instance().layerTreeRoot()
            for path, above in ((self.above, True), (self.below, False)):
                if path:
                    keep_stacked(root, layer.id(), path, above)


class PalettedStyler(Styler):
    """Class raster (uint8 class ids, 255 nodata): one colour per class, 'clear'/'background' transparent."""

    def __init__(self, classes: Sequence[dict]) -> None:
        super().__init__()
        self.classes = list(classes)

    def apply(self, layer) -> None:
        entries = [QgsPalettedRasterRenderer.Class(int(c["id"]), class_color(c), class_label(c["name"]))
                   for c in self.classes]
        # No input: setRenderer() connects the renderer to the layer's provider (see _NO_INPUT).
        layer.setRenderer(QgsPalettedRasterRenderer(_NO_INPUT, 1, entries))


class ProbabilityStyler(Styler):
    """Probability raster (float 0..1, NaN nodata, bands described '<class> probability'): a pseudocolour ramp on
    the band of the first of `prefer` (class names, e.g. ['building']) the raster holds, else on band 1."""

    def __init__(self, prefer: Sequence[str] = (), hidden: bool = True) -> None:
        super().__init__()
        self.prefer = [str(name).strip().lower() for name in prefer]
        self.hidden = hidden  # False for a layer the user asked for to look at (the uncertainty of suggestsamples)

    def band(self, layer) -> int:
        """The band to show: the first preferred class's, found by its description (QGIS names the band 'Band 2:
        building probability')."""
        names = {i: layer.bandName(i).lower() for i in range(1, layer.bandCount() + 1)}
        for wanted in self.prefer:
            for i, name in names.items():
                if name.endswith(f"{wanted} probability"):
                    return i
        return 1

    def apply(self, layer) -> None:
        ramp = QgsColorRampShader(0.0, 1.0)
        ramp.setColorRampType(QgsColorRampShader.Interpolated)
        items = []
        for value, color, alpha in PROBABILITY_STOPS:
            qcolor = QColor(color)
            qcolor.setAlpha(alpha)
            items.append(QgsColorRampShader.ColorRampItem(value, qcolor, f"{value:g}"))
        ramp.setColorRampItemList(items)
        shader = QgsRasterShader(0.0, 1.0)
        shader.setRasterShaderFunction(ramp)
        renderer = QgsSingleBandPseudoColorRenderer(_NO_INPUT, self.band(layer), shader)
        renderer.setClassificationMin(0.0)
        renderer.setClassificationMax(1.0)
        renderer.setOpacity(PROBABILITY_OPACITY)
        layer.setRenderer(renderer)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        """Styled, then unchecked in the layer tree: Processing has already added it to the project here."""
        super().postProcessLayer(layer, context, feedback)
        node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
        if node is not None and self.hidden:
            node.setItemVisibilityChecked(False)


# Band composites for multi-band reflectance outputs (super-resolution), by Sentinel-2 band name, the first whose
# bands the raster has: natural colour, else a false colour of the 20 m bands (short-wave infrared, NIR, red edge:
# vegetation green, bare soil brown, water dark), else the first three bands.
COMPOSITES = (("B4", "B3", "B2"), ("B11", "B8A", "B5"))
COMPOSITE_SAMPLE = 250_000  # pixels sampled for the 2-98 % stretch: the stretch of a whole tile in a blink


class CompositeStyler(Styler):
    """Multi-band reflectance raster: an RGB composite (COMPOSITES, by band description) with QGIS's cumulative
    2-98 % stretch per band, instead of bands 1-3 stretched by their min/max (QGIS's default: a dark, hazy image
    of B5/B6/B7 or B1/B2/B3). A one-band raster gets a grey stretch."""

    def bands(self, layer) -> tuple[int, int, int] | None:
        names = {layer.bandName(i).split(":")[-1].strip().upper(): i for i in range(1, layer.bandCount() + 1)}
        for wanted in COMPOSITES:
            if all(name in names for name in wanted):
                return tuple(names[name] for name in wanted)
        return (1, 2, 3) if layer.bandCount() >= 3 else None

    def apply(self, layer) -> None:
        bands = self.bands(layer)
        if bands is None:
            return  # QGIS's own grey stretch of one band
        layer.setRenderer(QgsMultiBandColorRenderer(_NO_INPUT, *bands))
        layer.setContrastEnhancement(QgsContrastEnhancement.StretchToMinimumMaximum,
                                     QgsRasterMinMaxOrigin.CumulativeCut, QgsRectangle(), COMPOSITE_SAMPLE)


class PolygonStyler(Styler):
    """Class polygons (field class_id): categorised by class with the model's colours. `fill` False: outlines only,
    for polygons loaded beside their class raster (the raster already fills the classes; two see-through fills on
    top of each other hid the image)."""

    layer_type = QgsVectorLayer

    def __init__(self, classes: Sequence[dict], field: str = "class_id", fill: bool = True) -> None:
        super().__init__()
        self.classes = [c for c in classes if not is_transparent(c)] or list(classes)
        self.field = field
        self.fill = fill

    def apply(self, layer) -> None:
        categories = [QgsRendererCategory(int(c["id"]), polygon_symbol(c, self.fill), class_label(c["name"]))
                      for c in self.classes]
        layer.setRenderer(QgsCategorizedSymbolRenderer(self.field, categories))


def polygon_symbol(cls: dict, fill: bool = True) -> QgsFillSymbol:
    """Half-transparent fill with a solid outline of the class colour; outline only for OUTLINE_ONLY_CLASSES or
    when `fill` is False. A very light colour (cloud white) gets a grey hairline outside its white outline so it
    reads on bright ground too."""
    outline_only = is_outline_only(cls) or not fill
    color = QColor(cls.get("color") or "#808080")
    fill = QColor(color)
    fill.setAlpha(0 if outline_only else FILL_ALPHA)
    width = "0.6" if outline_only else "0.4"
    symbol = QgsFillSymbol.createSimple({
        "color": ",".join(map(str, fill.getRgb())), "outline_color": ",".join(map(str, color.getRgb())),
        "outline_width": width, "outline_width_unit": "MM", "style": "solid" if fill.alpha() else "no"})
    if color.lightness() > 200:  # white on white clouds: a dark hairline under the outline keeps the edge visible
        with_halo(symbol, 0.8, "60,60,60,160")
    return symbol


def with_halo(symbol: QgsFillSymbol, width: float, color: str = HALO_COLOR) -> QgsFillSymbol:
    """`symbol` over a dark outline `width` mm wide (wider than its own): its edge reads on bright ground too."""
    halo = QgsSimpleFillSymbolLayer.create({"style": "no", "outline_color": color, "outline_width": f"{width:g}",
                                            "outline_width_unit": "MM"})
    symbol.insertSymbolLayer(0, halo)
    return symbol


def outline_symbol(color: str, width: float, fill_alpha: int = 0, halo: bool = True) -> QgsFillSymbol:
    """An outline `width` mm wide in `color`, filled with the same colour at `fill_alpha` (0: no fill, the image
    shows through), over a dark halo twice as wide when `halo`."""
    fill = QColor(color)
    fill.setAlpha(fill_alpha)
    symbol = QgsFillSymbol.createSimple({
        "color": ",".join(map(str, fill.getRgb())), "style": "solid" if fill_alpha else "no",
        "outline_color": color, "outline_width": f"{width:g}", "outline_width_unit": "MM"})
    return with_halo(symbol, 2 * width) if halo else symbol


def with_ring(symbol: QgsFillSymbol, size: float = 5.0) -> QgsFillSymbol:
    """`symbol` with a hollow ATTENTION_COLOR ring (over a dark halo), `size` mm wide, on a point inside the
    polygon: a polygon a few pixels wide still shows when the map is zoomed out."""
    ring = QgsMarkerSymbol.createSimple({"name": "circle", "color": "0,0,0,0", "size": f"{size:g}",
                                        "outline_color": HALO_COLOR, "outline_width": "1.0"})
    ring.appendSymbolLayer(QgsSimpleMarkerSymbolLayer.create({"name": "circle", "color": "0,0,0,0",
                                                              "size": f"{size:g}", "outline_color": ATTENTION_COLOR,
                                                              "outline_width": "0.5"}))
    centroid = QgsCentroidFillSymbolLayer()
    centroid.setPointOnSurface(True)
    centroid.setSubSymbol(ring)
    symbol.appendSymbolLayer(centroid)
    return symbol


def text_labels(expression: str, size: float = 10.0, distance: float = 0.0) -> QgsVectorLayerSimpleLabeling:
    """Bold white labels from `expression` (NULL: no label) with a dark buffer, so they read on any image: over the
    polygon's centre (inside it), or `distance` mm around that point, so that the label leaves the feature visible."""
    settings = QgsPalLayerSettings()
    settings.fieldName = expression
    settings.isExpression = True
    settings.placement = QgsPalLayerSettings.AroundPoint if distance else QgsPalLayerSettings.OverPoint
    settings.dist = distance
    settings.distUnits = QgsUnitTypes.RenderMillimeters
    settings.centroidInside = True
    text = QgsTextFormat()
    font = QFont()
    font.setBold(True)
    text.setFont(font)
    text.setSize(size)
    text.setSizeUnit(QgsUnitTypes.RenderPoints)
    text.setColor(QColor("#ffffff"))
    buffer = QgsTextBufferSettings()
    buffer.setEnabled(True)
    buffer.setSize(1.0)
    buffer.setSizeUnit(QgsUnitTypes.RenderMillimeters)
    buffer.setColor(QColor(ATTENTION_COLOR).darker(250))
    text.setBuffer(buffer)
    settings.setFormat(text)
    return QgsVectorLayerSimpleLabeling(settings)


class SuggestionStyler(Styler):
    """Ranked squares (suggestsamples: 1 = label first; findsimilar: 1 = most alike): outline only, so the image
    shows through, each labelled with its rank."""

    layer_type = QgsVectorLayer

    def apply(self, layer) -> None:
        layer.setRenderer(QgsSingleSymbolRenderer(outline_symbol(ATTENTION_COLOR, ATTENTION_WIDTH)))
        layer.setLabeling(text_labels(QgsExpression.quotedColumnRef("rank"), 14.0))
        layer.setLabelsEnabled(True)


class SuspectStyler(Styler):
    """Reviewed labels (reviewlabels: the labels plus `suspect` and `suggested_class`): suspects in a strong outline
    with a light fill and a ring (seen zoomed out), labelled '<class> → <suggested class>' beside the ring; the other
    labels in a quiet thin outline.
    `legend` gives the legend's words for (suspect, not suspect), translated by the caller."""

    layer_type = QgsVectorLayer
    FIELD = "suspect"

    def __init__(self, class_field: str, legend: tuple[str, str]) -> None:
        super().__init__()
        self.class_field = class_field
        self.legend = legend

    def apply(self, layer) -> None:
        # An expression, not the field: a GeoPackage holds a boolean, a shapefile 0/1; both read as true/false here.
        flag = f"if({QgsExpression.quotedColumnRef(self.FIELD)}, 1, 0)"
        suspect, other = self.symbols(layer.geometryType() == QgsWkbTypes.PointGeometry)
        categories = [QgsRendererCategory(1, suspect, self.legend[0]), QgsRendererCategory(0, other, self.legend[1])]
        layer.setRenderer(QgsCategorizedSymbolRenderer(flag, categories))
        label = "{} || ' \u2192 ' || {}".format(QgsExpression.quotedColumnRef(self.class_field),
                                                QgsExpression.quotedColumnRef("suggested_class"))
        layer.setLabeling(text_labels(f"if({QgsExpression.quotedColumnRef(self.FIELD)}, {label}, NULL)",
                                      distance=2.5))
        layer.setLabelsEnabled(True)


    @staticmethod
    def symbols(points: bool) -> tuple:
        """(suspect, not suspect) symbols: polygons outlined, points as large magenta and small light dots."""
        if not points:
            return (with_ring(outline_symbol(ATTENTION_COLOR, ATTENTION_WIDTH, SUSPECT_FILL_ALPHA)),
                    outline_symbol(QUIET_COLOR, QUIET_WIDTH, halo=False))
        return (QgsMarkerSymbol.createSimple({"name": "circle", "color": ATTENTION_COLOR, "size": "3.2",
                                              "outline_color": HALO_COLOR, "outline_width": "0.4"}),
                QgsMarkerSymbol.createSimple({"name": "circle", "color": QUIET_COLOR, "size": "1.6",
                                              "outline_color": HALO_COLOR, "outline_width": "0.2"}))


def keep_stacked(root, layer_id: str, other_path: str, above: bool) -> None:
    """Move the layer `layer_id` just above (`above`) or just below the loaded layer of `other_path` when it lies on
    the other side of it in the same group (the layer tree draws its first child on top)."""
    node, other = root.findLayer(layer_id), loaded_node(root, other_path)
    if node is None or other is None:
        return
    parent = node.parent()
    i, j = tree_index(parent, node.layerId()), tree_index(parent, other.layerId())
    if j is not None and ((i > j) if above else (i < j)):
        parent.insertChildNode(j if above else j + 1, node.clone())
        parent.removeChildNode(node)


def tree_index(parent, layer_id: str) -> int | None:
    """The position of the layer `layer_id` among `parent`'s children, None when it is not one of them (another
    group)."""
    return next((i for i, child in enumerate(parent.children())
                 if isinstance(child, QgsLayerTreeLayer) and child.layerId() == layer_id), None)


def loaded_node(root, path: str):
    """The layer tree node of the layer loaded from `path` (a file; a GeoPackage layer's '|layername=' ignored),
    None when none is loaded (yet)."""
    wanted = os.path.normcase(os.path.abspath(path))
    for node in root.findLayers():
        layer = node.layer()
        if layer is not None and os.path.normcase(os.path.abspath(layer.source().split("|")[0])) == wanted:
            return node
    return None


def style_output(path: str | None, styler: Styler, context, name: str | None = None) -> None:
    """Style the output at `path`: saved beside the file (.qml; inside a GeoPackage for .gpkg) and applied to the
    layer Processing loads on completion, which is named `name` (e.g. 'Cloud mask: T31TCJ (ukis_csmask_6b_l1c)')."""
    if not path:
        return
    layer = (QgsVectorLayer(path, os.path.basename(path), "ogr") if styler.layer_type is QgsVectorLayer else
             QgsRasterLayer(path, os.path.basename(path), "gdal"))
    if layer.isValid():
        styler.apply(layer)
        _save_default_style(layer, path)
    if context.willLoadLayerOnCompletion(path):
        details = context.layerToLoadOnCompletionDetails(path)
        _keep_alive.append(styler)
        details.setPostProcessor(styler)
        if name:
            details.name = name


def _save_default_style(layer, path: str) -> None:
    """A vector in a GeoPackage (or SpatiaLite) keeps its style inside the file: a .qml sidecar would be named after
    the file's stem and overwrite the class raster's (mask.tif and mask.gpkg share mask.qml)."""
    if isinstance(layer, QgsVectorLayer) and path.lower().endswith((".gpkg", ".sqlite")):
        error = layer.saveStyleToDatabase(layer.name(), "DeepMapper", True, "")
        if not error:
            return
    layer.saveDefaultStyle()


def input_name(layer, path: str) -> str:
    """What a user calls the input: its layer name in the project, else the file name without extension."""
    name = layer.name() if layer is not None else ""
    stem = os.path.splitext(os.path.basename(path))[0]
    return stem if not name or name == os.path.basename(path) else name
