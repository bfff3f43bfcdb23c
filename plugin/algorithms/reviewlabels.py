"""deepmapper:reviewlabels: find wrong labels (noisy-label cleaning by confident learning)."""
from __future__ import annotations

from qgis.core import (QgsProcessing, QgsProcessingOutputNumber, QgsProcessingParameterEnum,
                       QgsProcessingParameterFileDestination, QgsProcessingParameterNumber,
                       QgsProcessingParameterString, QgsProcessingParameterVectorDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core.engine.bands import SENSOR_KEYS
from ..core.labelling.review import ReviewRequest, review_labels
from . import styles
from .base import DeepMapperAlgorithm, with_special_value


class ReviewLabelsAlgorithm(DeepMapperAlgorithm):
    INPUT, LABELS, CLASS_FIELD, MODEL, FOLDS, SEED = "INPUT", "LABELS", "CLASS_FIELD", "MODEL", "FOLDS", "SEED"
    SENSOR, BANDS, OUTPUT, OUTPUT_HTML = "SENSOR", "BANDS", "OUTPUT", "OUTPUT_HTML"
    EXPECTED_WRONG = "EXPECTED_WRONG"
    required_packages = ("rasterio", "geopandas", "shapely", "scipy", "sklearn")

    ALGORITHM_ID = "reviewlabels"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Review labels")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Finds labels that are probably wrong, with the class they "
                                                        "should probably have.")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "labels"), QT_TRANSLATE_NOOP("DeepMapper", "noisy labels"),
            QT_TRANSLATE_NOOP("DeepMapper", "confident learning"), QT_TRANSLATE_NOOP("DeepMapper", "training"),
            QT_TRANSLATE_NOOP("DeepMapper", "quality control"))
    HELP_ANCHOR = "label-review-and-search-by-example"
    GROUP_ID = "training"

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Finds labelled polygons or points whose class is probably wrong, so you can check them first.\n\n"
            "Each label is judged by a model that never saw it. Without a model, quick pixel classifiers are "
            "trained on the labels themselves, in spatial folds: the labels of one area are judged by a classifier "
            "trained on the labels of the other areas. With a model, its class probabilities judge every label "
            "(its classes must have the label classes' names).\n\n"
            "Each label's pixels are evidence for or against its class, weighed by how much of it there is: a "
            "label of one or two pixels needs a much stronger contradiction than a large one. With the share of "
            "wrong labels to expect, this gives the probability of every class; a label is suspect when another "
            "class is the most probable and its own class's probability is below one half. By default (0) that "
            "share is estimated from the labels' own evidence, and the log says what it came to; give a share to "
            "override it: a higher one finds more wrong labels but also flags more right ones.\n\n"
            "The reviewed labels are your labels with five new fields, the most suspicious first: source_fid (the "
            "label's fid in your layer), suspect (true or false), label_agreement (share of the label's pixels "
            "predicted as its class), suggested_class and confidence (the probability of the suggested class). A "
            "label whose pixels are mostly predicted as another class keeps its own class when the classifiers are "
            "not sure enough to outweigh the expected share of wrong labels. The review summary is an HTML page with "
            "the number of suspects per class and pictures of the most suspicious labels.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_labelled_image_parameters()
        self.addParameter(QgsProcessingParameterString(
            self.MODEL, self.tr("Model that judges the labels"),
            optional=True))
        folds = QgsProcessingParameterNumber(self.FOLDS, self.tr("Spatial folds"),
                                             QgsProcessingParameterNumber.Integer, 5, minValue=2, maxValue=20)
        expected = with_special_value(QgsProcessingParameterNumber(
            self.EXPECTED_WRONG, self.tr("Expected share of wrong labels (%; 0: estimated from the labels)"),
            QgsProcessingParameterNumber.Double, 0.0, minValue=0.0, maxValue=49.9),
            self.tr("Estimated from the labels"), decimals=1)
        seed = QgsProcessingParameterNumber(self.SEED, self.tr("Random seed"), QgsProcessingParameterNumber.Integer,
                                            0, minValue=0)
        sensor = QgsProcessingParameterEnum(
            self.SENSOR, self.tr("Sensor"), options=list(SENSOR_KEYS),
            defaultValue="sentinel2_l2a", usesStaticStrings=True, optional=True)
        bands = QgsProcessingParameterString(
            self.BANDS, self.tr("Band names in file order"), optional=True)
        for param in (expected, folds, seed, sensor, bands):
            param.setFlags(param.flags() | param.FlagAdvanced)
            self.addParameter(param)
        self.addParameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT, self.tr("Reviewed labels"), QgsProcessing.TypeVectorAnyGeometry))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_HTML, self.tr("Review summary"), self.tr("HTML files (*.html)"), optional=True,
            createByDefault=True))
        self.addOutput(QgsProcessingOutputNumber("SUSPECT_COUNT", self.tr("Suspect labels")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        labels, layer = self.vector_path(parameters, self.LABELS, context, feedback)
        model = (self.parameterAsString(parameters, self.MODEL, context) or "").strip() or None
        html = self.parameterAsFileOutput(parameters, self.OUTPUT_HTML, context) \
            if parameters.get(self.OUTPUT_HTML) is not None else None
        request = ReviewRequest(
            input=self.raster_path(parameters, self.INPUT, context),
            labels=labels if not layer else f"{labels}|layername={layer}",
            class_field=self.parameterAsString(parameters, self.CLASS_FIELD, context),
            output=self.parameterAsOutputLayer(parameters, self.OUTPUT, context),
            output_html=html or None, model=model,
            sensor=(self.parameterAsEnumString(parameters, self.SENSOR, context) or None) if model else None,
            bands=self.parameterAsString(parameters, self.BANDS, context) or None,
            folds=self.parameterAsInt(parameters, self.FOLDS, context),
            expected_wrong=self.parameterAsDouble(parameters, self.EXPECTED_WRONG, context) / 100.0 or None,
            seed=self.parameterAsInt(parameters, self.SEED, context))
        registry = self.model_registry() if model else None
        result = self.run_engine(lambda: review_labels(request, self.monitor(feedback), registry))
        name = styles.input_name(self.parameterAsVectorLayer(parameters, self.LABELS, context), labels)
        styles.style_output(result.output, styles.SuspectStyler(request.class_field, (
            self.tr("Suspect"), self.tr("Not suspect"))), context, self.tr("Reviewed labels: {}").format(name))
        return {self.OUTPUT: result.output, self.OUTPUT_HTML: result.output_html,
                "SUSPECT_COUNT": result.suspect_count}
