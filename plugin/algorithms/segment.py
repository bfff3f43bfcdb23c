"""deepmapper:segment: semantic segmentation (buildings, land cover, any segmentation model with a card)."""
from __future__ import annotations


from qgis.core import (QgsProcessing, QgsProcessingOutputNumber, QgsProcessingOutputString,
                       QgsProcessingParameterEnum, QgsProcessingParameterNumber, QgsProcessingParameterRasterDestination,
                       QgsProcessingParameterRasterLayer, QgsProcessingParameterString,
                       QgsProcessingParameterVectorDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core.engine.bands import SENSOR_KEYS
from ..core.classify.pipeline import DEFAULT_SENSOR
from ..core.classify.segment import SegmentRequest, run_segment
from . import styles
from .area import add_area_parameters, area_options
from .base import DeepMapperAlgorithm
from .labels import option_labels
from .model_choice import model_dropdown

SENSOR_AUTO = "auto"  # the model's own preset (card input.sensor), else DEFAULT_SENSOR


class SegmentAlgorithm(DeepMapperAlgorithm):
    INPUT, MODEL, SENSOR, BANDS, SCALE, OFFSET = "INPUT", "MODEL", "SENSOR", "BANDS", "SCALE", "OFFSET"
    VECTOR_CLASSES, MIN_AREA = "VECTOR_CLASSES", "MIN_AREA"
    OUTPUT, OUTPUT_PROBABILITY, OUTPUT_VECTOR = "OUTPUT", "OUTPUT_PROBABILITY", "OUTPUT_VECTOR"

    MODEL_TASK = "segmentation"  # canExecute checks the default model's runtime (torch for the bundled ones)

    ALGORITHM_ID = "segment"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Segment image")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Classifies every pixel of an image (buildings, land cover, any model with a card).")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "segmentation"), QT_TRANSLATE_NOOP("DeepMapper", "classification"), QT_TRANSLATE_NOOP("DeepMapper", "U-Net"), QT_TRANSLATE_NOOP("DeepMapper", "land cover"), QT_TRANSLATE_NOOP("DeepMapper", "buildings"), QT_TRANSLATE_NOOP("DeepMapper", "semantic segmentation"),)
    HELP_ANCHOR = "deepmappersegment"
    GROUP_ID = "segmentation"

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Classifies every pixel of an image with a semantic segmentation model and writes a class raster, "
            "styled with the model's class names and colours (nodata stays nodata, 255); optionally class polygons "
            "and per-class probabilities.\n\n"
            "Model: any PyTorch or ONNX segmentation model with a card. Without a choice, the best installed "
            "segmentation model whose bands the image has runs: e.g. the building model for a 1-band panchromatic "
            "image, the land-cover model (forest, grass, urban, water) for a 10-band Sentinel-2 image.\n\n"
            "Sensor tells which band is which when the bands have no descriptions; 'Automatic' uses the sensor the "
            "model's card names, else {}. A band mapping overrides it: names in band order (B2,B3,B4,B8) or pairs "
            "(blue=1,nir=4). An image with exactly the model's number of bands and no band names is read in the "
            "model's band order.\n\n"
            "Scale to reflectance applies to models that take reflectance: 'Detect from the values' tells "
            "reflectance (0..1) from digital numbers; models that take raw values get the values as they are.\n\n"
            "Classes to polygonise: names or ids, comma-separated; empty: every class but one named 'background'. "
            "One polygon per connected region, simplified by one pixel, holes kept; regions below the minimum "
            "polygon area are dropped. Fields: class_id, class, area.\n\n"
            "For the model builder: the model used, the number of polygons and the class shares (JSON: class name "
            "-> % of valid pixels).\n\nThe image is processed tile by tile with overlap (no seams), in flat "
            "memory; outputs appear only when complete.").format(option_labels("SENSOR", [DEFAULT_SENSOR], self.tr)[0]) + \
            self.precision_help(self.tr("ONNX models of your own whose card names a calibration table; the bundled "
                                        "segmentation models are PyTorch models and have none"))

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer(self.INPUT, self.tr("Input image")))
        add_area_parameters(self)
        self.addParameter(QgsProcessingParameterString(
            self.MODEL, self.tr("Model (empty: the best for the bands)"), optional=True))
        model_dropdown(self.parameterDefinition(self.MODEL), "segmentation")
        self.addParameter(QgsProcessingParameterEnum(
            self.SENSOR, self.tr("Sensor"),
            options=[SENSOR_AUTO, *SENSOR_KEYS], defaultValue=SENSOR_AUTO, usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterString(
            self.BANDS, self.tr("Band mapping (e.g. B2,B3,B4,B8)"), optional=True))
        self.add_scale_parameters(advanced=True)
        self.add_inference_parameters(precision=True)
        self.addParameter(QgsProcessingParameterString(
            self.VECTOR_CLASSES, self.tr("Classes to polygonise"), optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.MIN_AREA, self.tr("Minimum polygon area (map units²)"), QgsProcessingParameterNumber.Double, 0.0,
            minValue=0.0))
        self.addParameter(QgsProcessingParameterRasterDestination(self.OUTPUT, self.tr("Classes")))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_PROBABILITY, self.tr("Class probabilities"), optional=True, createByDefault=False))
        self.addParameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_VECTOR, self.tr("Class polygons"), QgsProcessing.TypeVectorPolygon, optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputString("MODEL_ID", self.tr("Model used")))
        self.addOutput(QgsProcessingOutputNumber("POLYGON_COUNT", self.tr("Number of polygons written")))
        self.addOutput(QgsProcessingOutputString(
            "CLASS_PERCENTAGES", self.tr("Class shares, JSON: class name -> % of valid pixels")))
        self.addOutput(QgsProcessingOutputNumber("NODATA_PIXELS", self.tr("Nodata pixels")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        sensor = self.parameterAsEnumString(parameters, self.SENSOR, context) or SENSOR_AUTO
        request = SegmentRequest(
            sensor=None if sensor == SENSOR_AUTO else sensor,
            vector_classes=(self.parameterAsString(parameters, self.VECTOR_CLASSES, context) or "").strip() or None,
            **self.classify_options(parameters, context),
            **area_options(self, parameters, context, feedback,
                           self.parameterAsRasterLayer(parameters, self.INPUT, context).crs()))
        result = self.run_engine(lambda: run_segment(request, self.monitor(feedback), self.model_registry()))
        label = "{} ({})".format(styles.input_name(self.parameterAsRasterLayer(parameters, self.INPUT, context),
                                                   request.input), result.model_id)
        buildings = any(styles.is_outline_only(c) for c in result.classes)
        self.style_classes(result.output, result.classes, context,
                           (self.tr("Buildings: {}") if buildings else self.tr("Land cover: {}")).format(label),
                           result.output_vector, (self.tr("Building polygons: {}") if buildings else
                                                  self.tr("Land-cover polygons: {}")).format(label))
        # The probability ramp on the class that matters most: buildings for a buildings model, else band 1.
        prefer = [c["name"] for c in result.classes if styles.is_outline_only(c)]
        styles.style_output(result.output_probability, styles.ProbabilityStyler(prefer), context,
                            self.tr("Class probabilities: {}").format(label))
        return {
            self.OUTPUT: result.output,
            self.OUTPUT_PROBABILITY: result.output_probability,
            self.OUTPUT_VECTOR: result.output_vector,
            **result.headline(),
        }
