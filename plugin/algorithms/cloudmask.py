"""deepmapper:cloudmask: cloud and cloud-shadow mask of an optical image."""
from __future__ import annotations

from qgis.core import (QgsProcessing, QgsProcessingOutputNumber, QgsProcessingOutputString,
                       QgsProcessingParameterEnum, QgsProcessingParameterNumber, QgsProcessingParameterRasterDestination,
                       QgsProcessingParameterRasterLayer, QgsProcessingParameterString,
                       QgsProcessingParameterVectorDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core.engine.bands import SENSOR_KEYS
from ..core.classify.cloudmask import CLOUDMASK_CLASSES, DEFAULT_SENSOR, CloudMaskRequest, run_cloudmask
from . import styles
from .area import add_area_parameters, area_options
from .base import DeepMapperAlgorithm, with_special_value
from .model_choice import model_dropdown


class CloudMaskAlgorithm(DeepMapperAlgorithm):
    INPUT, SENSOR, BANDS, MODEL, SCALE, OFFSET = "INPUT", "SENSOR", "BANDS", "MODEL", "SCALE", "OFFSET"
    DILATE_CLOUD, DILATE_SHADOW, MIN_AREA = "DILATE_CLOUD", "DILATE_SHADOW", "MIN_AREA"
    OUTPUT, OUTPUT_PROBABILITY, OUTPUT_VECTOR = "OUTPUT", "OUTPUT_PROBABILITY", "OUTPUT_VECTOR"

    ALGORITHM_ID = "cloudmask"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Cloud and shadow mask")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Masks clouds and cloud shadows in an optical image with a deep-learning model.")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "cloud"), QT_TRANSLATE_NOOP("DeepMapper", "cloud shadow"), QT_TRANSLATE_NOOP("DeepMapper", "mask"), QT_TRANSLATE_NOOP("DeepMapper", "U-Net"), QT_TRANSLATE_NOOP("DeepMapper", "classification"), QT_TRANSLATE_NOOP("DeepMapper", "segmentation"), QT_TRANSLATE_NOOP("DeepMapper", "Sentinel-2"), QT_TRANSLATE_NOOP("DeepMapper", "Landsat"),)
    HELP_ANCHOR = "deepmappercloudmask"
    GROUP_ID = "analysis"
    MODEL_TASK = "cloudmask"

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Masks clouds and cloud shadows in an optical image with a deep-learning model. The cloud mask has the "
            "classes clear, cloud and cloud shadow; nodata stays nodata (255).\n\n"
            "Sensor tells which band is which when the bands have no descriptions (B2, B8A, ... or blue, nir, ...): "
            "Sentinel-2 rasters with 4, 6, 10, 12 or 13 bands, Landsat 8/9 and 7, SPOT/Pleiades (blue, green, red, "
            "NIR). A band mapping overrides it: names in band order (B2,B3,B4,B8) or pairs (blue=1,nir=4).\n\n"
            "Model: without a choice, the best installed model for the bands given runs: the UKIS 6-band U-Net when "
            "SWIR bands are there, else the 4-band one, for L1C or L2A as the sensor says. s2cloudless marks clouds "
            "only and needs 10 Sentinel-2 bands. A model card (.json) of your own works too.\n\n"
            "Scale to reflectance: 'Detect from the values' tells reflectance (0..1) from digital numbers "
            "(reflectance x 10000); a wrong scale is refused. 'The model's default' dilation grows clouds as the "
            "model's card recommends.\n\n"
            "The image is processed tile by tile with overlap, so any size works in flat memory; outputs appear "
            "only when complete.") + self.precision_help(self.tr("the UKIS L1C cloud models"))

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer(self.INPUT, self.tr("Input image")))
        add_area_parameters(self)
        self.addParameter(QgsProcessingParameterEnum(
            self.SENSOR, self.tr("Sensor"), options=[k for k in SENSOR_KEYS if k != "panchromatic"],
            defaultValue=DEFAULT_SENSOR,
            usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterString(
            self.BANDS, self.tr("Band mapping (e.g. B2,B3,B4,B8)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.MODEL, self.tr("Model (empty: the best for the bands)"), optional=True))
        model_dropdown(self.parameterDefinition(self.MODEL), "cloudmask")
        self.add_scale_parameters(advanced=False)
        self.add_inference_parameters(precision=True)
        self.addParameter(with_special_value(QgsProcessingParameterNumber(
            self.DILATE_CLOUD, self.tr("Dilate clouds by pixels"),
            QgsProcessingParameterNumber.Integer, -1, minValue=-1, maxValue=100), self.tr("The model's default")))
        self.addParameter(QgsProcessingParameterNumber(
            self.DILATE_SHADOW, self.tr("Dilate shadows by pixels"), QgsProcessingParameterNumber.Integer, 0,
            minValue=0, maxValue=100))
        self.addParameter(QgsProcessingParameterNumber(
            self.MIN_AREA, self.tr("Minimum polygon area (map units²)"), QgsProcessingParameterNumber.Double, 0.0,
            minValue=0.0))
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("Cloud mask")))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_PROBABILITY, self.tr("Cloud and shadow probabilities"), optional=True,
            createByDefault=False))
        self.addParameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_VECTOR, self.tr("Cloud and shadow polygons"), QgsProcessing.TypeVectorPolygon,
            optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber("CLOUD_PERCENT", self.tr("Cloud cover (% of valid pixels)")))
        self.addOutput(QgsProcessingOutputNumber("SHADOW_PERCENT", self.tr("Cloud shadow (% of valid pixels)")))
        self.addOutput(QgsProcessingOutputNumber("POLYGON_COUNT", self.tr("Number of polygons written")))
        self.addOutput(QgsProcessingOutputString("MODEL_ID", self.tr("Model used")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        dilate_cloud = self.parameterAsInt(parameters, self.DILATE_CLOUD, context)
        request = CloudMaskRequest(
            sensor=self.parameterAsEnumString(parameters, self.SENSOR, context),
            dilate_cloud=None if dilate_cloud < 0 else dilate_cloud,
            dilate_shadow=self.parameterAsInt(parameters, self.DILATE_SHADOW, context),
            **self.classify_options(parameters, context),
            **area_options(self, parameters, context, feedback,
                           self.parameterAsRasterLayer(parameters, self.INPUT, context).crs()))
        result = self.run_engine(lambda: run_cloudmask(request, self.monitor(feedback), self.model_registry()))
        label = "{} ({})".format(styles.input_name(self.parameterAsRasterLayer(parameters, self.INPUT, context),
                                                   request.input), result.model_id)
        self.style_classes(result.output, CLOUDMASK_CLASSES, context, self.tr("Cloud mask: {}").format(label),
                           result.output_vector, self.tr("Cloud polygons: {}").format(label))
        styles.style_output(result.output_probability, styles.ProbabilityStyler(), context,
                            self.tr("Cloud probability: {}").format(label))
        return {
            self.OUTPUT: result.output,
            self.OUTPUT_PROBABILITY: result.output_probability,
            self.OUTPUT_VECTOR: result.output_vector,
            **result.headline(),
        }
