"""deepmapper:superresolve: Sentinel-2 20 m bands sharpened to 10 m (guided), or any raster doubled (SCALE mode)."""
from __future__ import annotations

from qgis.core import (QgsCoordinateReferenceSystem, QgsProcessingOutputNumber, QgsProcessingOutputString,
                       QgsProcessingParameterBoolean, QgsProcessingParameterRasterDestination,
                       QgsProcessingParameterRasterLayer, QgsProcessingParameterString, QgsRasterLayer)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core.superres.s2_product import is_product, product_rasters
from ..core.superres.pipeline import DEFAULT_GUIDED, DEFAULT_SINGLE, SuperResRequest, run_superres
from . import styles
from .area import add_area_parameters, area_options
from .base import DeepMapperAlgorithm
from .model_choice import model_dropdown


class SuperResolutionParameters:
    """The inputs superresolve and validatesuperres share (a mixin for DeepMapperAlgorithm subclasses)."""

    INPUT, INPUT_LOWRES, SCALE, MODEL = "INPUT", "INPUT_LOWRES", "SCALE", "MODEL"
    BANDS, BANDS_LOWRES = "BANDS", "BANDS_LOWRES"
    MODEL_TASK = "superresolution"

    def add_superres_inputs(self) -> None:
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.INPUT, self.tr("High-resolution bands (10 m) or Sentinel-2 product")))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.INPUT_LOWRES, self.tr("Bands to sharpen (20 m)"), optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.SCALE, self.tr("Doubling mode (the first raster alone)"), False))
        self.addParameter(QgsProcessingParameterString(
            self.MODEL, self.tr("Model (empty: bundled for the mode)"), optional=True))
        model_dropdown(self.parameterDefinition(self.MODEL), "superresolution")
        for name, label in ((self.BANDS, self.tr("Names of the high-resolution bands (e.g. B2,B3,B4,B8)")),
                            (self.BANDS_LOWRES, self.tr("Names of the bands to sharpen (e.g. "
                                                        "B5,B6,B7,B8A,B11,B12)"))):
            param = QgsProcessingParameterString(name, label, optional=True)
            param.setFlags(param.flags() | param.FlagAdvanced)
            self.addParameter(param)
        self.add_inference_parameters()

    def checkParameterValues(self, parameters, context):  # noqa: N802
        """A Sentinel-2 product (folder or zip) is a valid INPUT though QGIS cannot load it as a layer."""
        value = parameters.get(self.INPUT)
        if isinstance(value, str) and is_product(value):
            parameters = dict(parameters)
            parameters.pop(self.INPUT)
            ok, message = super().checkParameterValues(parameters, context)
            return ok, message
        return super().checkParameterValues(parameters, context)

    def name_output(self, path: str | None, template: str, parameters: dict, source: str, model_id: str,
                    context) -> str | None:
        """Name the layer loaded on completion after the input and the model, e.g. 'Super-resolved: T31TCJ
        (s2_superres_guided)'; returns that name (None when nothing is loaded)."""
        if not (path and context.willLoadLayerOnCompletion(path)):
            return None
        layer = None if is_product(str(parameters.get(self.INPUT))) else \
            self.parameterAsRasterLayer(parameters, self.INPUT, context)
        name = template.format("{} ({})".format(styles.input_name(layer, source), model_id))
        context.layerToLoadOnCompletionDetails(path).name = name
        return name

    def input_crs(self, parameters: dict, context) -> QgsCoordinateReferenceSystem:
        """INPUT's CRS (a Sentinel-2 product's from its 10 m bands), into which EXTENT is converted."""
        value = parameters.get(self.INPUT)
        if isinstance(value, str) and is_product(value):
            return QgsRasterLayer(product_rasters(value)[0], "product").crs()
        return self.parameterAsRasterLayer(parameters, self.INPUT, context).crs()

    def superres_inputs(self, parameters: dict, context) -> dict:
        value = parameters.get(self.INPUT)
        product = isinstance(value, str) and is_product(value)
        low = parameters.get(self.INPUT_LOWRES)
        return {
            "input": value if product else self.raster_path(parameters, self.INPUT, context),
            "input_lowres": self.raster_path(parameters, self.INPUT_LOWRES, context) if low not in (None, "") else None,
            "scale_mode": self.parameterAsBoolean(parameters, self.SCALE, context),
            "model": (self.parameterAsString(parameters, self.MODEL, context) or "").strip() or None,
            "bands": (self.parameterAsString(parameters, self.BANDS, context) or "").strip() or None,
            "bands_lowres": (self.parameterAsString(parameters, self.BANDS_LOWRES, context) or "").strip() or None,
            **self.inference_options(parameters, context),
        }


class SuperResolveAlgorithm(SuperResolutionParameters, DeepMapperAlgorithm):
    OUTPUT = "OUTPUT"

    ALGORITHM_ID = "superresolve"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Super-resolve Sentinel-2")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Sharpens Sentinel-2 20 m bands to 10 m, or doubles any raster's resolution.")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "super-resolution"), QT_TRANSLATE_NOOP("DeepMapper", "sharpening"), QT_TRANSLATE_NOOP("DeepMapper", "Sentinel-2"), QT_TRANSLATE_NOOP("DeepMapper", "DSen2"), QT_TRANSLATE_NOOP("DeepMapper", "pansharpening"), QT_TRANSLATE_NOOP("DeepMapper", "resolution"),)
    HELP_ANCHOR = "deepmappersuperresolve-and-deepmappervalidatesuperres"
    GROUP_ID = "superresolution"

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Sharpens low-resolution bands onto the grid of high-resolution ones with a deep network guided by the "
            "high-resolution bands (DSen2-style). For Sentinel-2, the high-resolution bands are B2, B3, B4, B8 "
            "(10 m) and the bands to sharpen B5, B6, B7, B8A, B11, B12 (20 m); the result holds the sharpened "
            "bands, in their order and with their names, at the pixel size and grid of the high-resolution bands."
            "\n\nThe first input may also be a Sentinel-2 product (.SAFE folder, its .zip, or MTD_MSIL1C/2A.xml), "
            "read with GDAL's SENTINEL2 driver: its 10 m and 20 m bands are used.\n\n"
            "Doubling mode (or no bands to sharpen): doubles the resolution of the first raster alone, every band, "
            "with a single-image model.\n\n"
            "Values keep the input's units (digital numbers or reflectance); nodata stays nodata. Every 2 x 2 block "
            "of the result averages back to the low-resolution input pixel (consistency projection); the "
            "consistency error output reports the remaining difference. The grids must nest: the pixels of the "
            "bands to sharpen exactly twice those of the high-resolution bands, on the same CRS and aligned.\n\n"
            "Model: {} (guided, the default) or {} (doubling mode, the default), or a model card (.json). Check "
            "a model on your own scene with 'Validate super-resolution'.").format(
            DEFAULT_GUIDED, DEFAULT_SINGLE)

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_superres_inputs()
        add_area_parameters(self)
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("Super-resolved bands")))
        self.addOutput(QgsProcessingOutputNumber(
            "CONSISTENCY_ERROR_PERCENT", self.tr("Consistency error after projection (% of the input)")))
        self.addOutput(QgsProcessingOutputNumber(
            "NETWORK_CONSISTENCY_ERROR_PERCENT", self.tr("Consistency error of the network alone (%)")))
        self.addOutput(QgsProcessingOutputNumber("PIXEL_SIZE", self.tr("Output pixel size (map units)")))
        self.addOutput(QgsProcessingOutputNumber("BAND_COUNT", self.tr("Output bands")))
        self.addOutput(QgsProcessingOutputString("MODEL_ID", self.tr("Model used")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        request = SuperResRequest(output=self.parameterAsOutputLayer(parameters, self.OUTPUT, context),
                                  threads=self.parameterAsInt(parameters, "THREADS", context),
                                  **self.superres_inputs(parameters, context),
                                  **area_options(self, parameters, context, feedback, self.input_crs(parameters,
                                                                                                     context)))
        result = self.run_engine(lambda: run_superres(request, self.monitor(feedback), self.model_registry()))
        name = self.name_output(result.output, self.tr("Super-resolved: {}"), parameters, request.input,
                                result.model_id, context)
        styles.style_output(result.output, styles.CompositeStyler(), context, name)  # a readable band composite
        return {
            self.OUTPUT: result.output,
            **result.headline(),
        }
