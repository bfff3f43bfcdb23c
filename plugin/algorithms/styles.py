"""Styles and layer names for DeepMapper outputs, so that results read over the image they came from.

Class rasters: a paletted renderer with the model's colours; 'clear' and 'background' fully transparent, clouds at
CLOUD_ALPHA, cloud shadows at SHADOW_ALPHA and every other class (land cover, buildings) at CLASS_ALPHA, so the image
stays readable under the mask. Class polygons: a categorised renderer on class_id
with the same colours, half-transparent fills (outline only for small objects such as buildings). Probabilities: a
pseudocolour ramp over 0..1 on one band (the first, or the class that matters most, e.g. buildings), transparent
near 0, at PROBABILITY_OPACITY, loaded unchecked (not drawn until the user turns it on). Each style is applied to the layer loaded into the
project on completion (a Processing post-processor) and saved beside the file (.qml, or inside a GeoPackage), so the
output opens styled in later sessions and after qgis_process.
"""
from __future__ import annotations

import os
from typing import Sequence

from qgis.core import (QgsCategorizedSymbolRenderer, QgsColorRampShader, QgsFillSymbol,
                       QgsPalettedRasterRenderer, QgsProcessingLayerPostProcessorInterface, QgsProject,
                       QgsRasterLayer, QgsRasterShader, QgsRendererCategory, QgsSingleBandPseudoColorRenderer,
                       QgsVectorLayer)
from qgis.PyQt.QtGui import QColor

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

    def apply(self, layer) -> None:
        raise NotImplementedError

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        if isinstance(layer, self.layer_type):
            self.apply(layer)
            layer.triggerRepaint()


class PalettedStyler(Styler):
    """Class raster (uint8 class ids, 255 nodata): one colour per class, 'clear'/'background' transparent."""

    def __init__(self, classes: Sequence[dict]) -> None:
        super().__init__()
        self.classes = list(classes)

    def apply(self, layer) -> None:
        entries = [QgsPalettedRasterRenderer.Class(int(c["id"]), class_color(c), class_label(c["name"]))
                   for c in self.classes]
        layer.setRenderer(QgsPalettedRasterRenderer(layer.dataProvider(), 1, entries))


class ProbabilityStyler(Styler):
    """Probability raster (float 0..1, NaN nodata, bands described '<class> probability'): a pseudocolour ramp on
    the band of the first of `prefer` (class names, e.g. ['building']) the raster holds, else on band 1."""

    def __init__(self, prefer: Sequence[str] = ()) -> None:
        super().__init__()
        self.prefer = [str(name).strip().lower() for name in prefer]

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
        renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), self.band(layer), shader)
        renderer.setClassificationMin(0.0)
        renderer.setClassificationMax(1.0)
        renderer.setOpacity(PROBABILITY_OPACITY)
        layer.setRenderer(renderer)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802
        """Styled, then unchecked in the layer tree: Processing has already added it to the project here."""
        super().postProcessLayer(layer, context, feedback)
        node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
        if node is not None:
            node.setItemVisibilityChecked(False)


class PolygonStyler(Styler):
    """Class polygons (field class_id): categorised by class with the model's colours."""

    layer_type = QgsVectorLayer

    def __init__(self, classes: Sequence[dict], field: str = "class_id") -> None:
        super().__init__()
        self.classes = [c for c in classes if not is_transparent(c)] or list(classes)
        self.field = field

    def apply(self, layer) -> None:
        categories = [QgsRendererCategory(int(c["id"]), polygon_symbol(c), class_label(c["name"]))
                      for c in self.classes]
        layer.setRenderer(QgsCategorizedSymbolRenderer(self.field, categories))


def polygon_symbol(cls: dict) -> QgsFillSymbol:
    """Half-transparent fill with a solid outline of the class colour; outline only for OUTLINE_ONLY_CLASSES. A very
    light colour (cloud white) gets a grey hairline outside its white outline so it reads on bright ground too."""
    color = QColor(cls.get("color") or "#808080")
    fill = QColor(color)
    fill.setAlpha(0 if is_outline_only(cls) else FILL_ALPHA)
    width = "0.6" if is_outline_only(cls) else "0.4"
    symbol = QgsFillSymbol.createSimple({
        "color": ",".join(map(str, fill.getRgb())), "outline_color": ",".join(map(str, color.getRgb())),
        "outline_width": width, "outline_width_unit": "MM", "style": "solid" if fill.alpha() else "no"})
    if color.lightness() > 200:  # white on white clouds: a dark hairline under the outline keeps the edge visible
        halo = QgsFillSymbol.createSimple({"style": "no", "outline_color": "60,60,60,160", "outline_width": "0.8",
                                           "outline_width_unit": "MM"})
        symbol.insertSymbolLayer(0, halo.symbolLayer(0).clone())
    return symbol


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
