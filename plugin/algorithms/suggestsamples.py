"""deepmapper:suggestsamples: where to label next (active learning), as squares ranked by model uncertainty."""
from __future__ import annotations

from qgis.core import (QgsProcessing, QgsProcessingOutputNumber, QgsProcessingOutputString,
                       QgsProcessingParameterEnum, QgsProcessingParameterFeatureSource, QgsProcessingParameterNumber,
                       QgsProcessingParameterRasterDestination, QgsProcessingParameterRasterLayer,
                       QgsProcessingParameterString, QgsProcessingParameterVectorDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core.engine.bands import SENSOR_KEYS
from ..core.labelling.diversity import DIVERSITY
from ..core.labelling.suggest import SuggestRequest, run_suggest
from ..core.labelling.uncertainty import STRATEGIES
from . import styles
from .base import DeepMapperAlgorithm, with_special_value
from .model_choice import model_dropdown

SENSOR_AUTO = "auto"  # the model's own preset (card input.sensor), else Sentinel-2 L2A


class SuggestSamplesAlgorithm(DeepMapperAlgorithm):
    INPUT, MODEL, COUNT, PATCH_SIZE, STRATEGY, DIVERSITY = "INPUT", "MODEL", "COUNT", "PATCH_SIZE", "STRATEGY", \
        "DIVERSITY"
    LABELS, MASK, SEED, MIN_DISTANCE, SENSOR, BANDS = "LABELS", "MASK", "SEED", "MIN_DISTANCE", "SENSOR", "BANDS"
    TOP_SHARE = "TOP_SHARE"
    OUTPUT, OUTPUT_UNCERTAINTY = "OUTPUT", "OUTPUT_UNCERTAINTY"
    required_packages = ("rasterio", "scipy", "geopandas", "sklearn")

    ALGORITHM_ID = "suggestsamples"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Suggest where to label next")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP(
        "DeepMapper", "Proposes the image patches a model is least sure about, so that labelling them helps most.")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "active learning"), QT_TRANSLATE_NOOP("DeepMapper", "labelling"),
            QT_TRANSLATE_NOOP("DeepMapper", "uncertainty"), QT_TRANSLATE_NOOP("DeepMapper", "training samples"))
    HELP_ANCHOR = "where-to-label-next-active-learning"
    GROUP_ID = "training"
    MODEL_TASK = "segmentation"

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Runs a model over the image and proposes the square patches that are most worth labelling next: "
            "where the model is least sure. Label them, add them to your training labels, train again (Extract "
            "training patches, then Train a segmentation model with the current model as the starting model) "
            "and ask again.\n\n"
            "Model: any segmentation or cloud model (an id or the path of a model card); empty picks the best "
            "installed model for the image's bands.\n\n"
            "Uncertainty: Entropy (all classes about equally likely), Margin (the two most likely classes nearly "
            "tied), Flip disagreement (the predictions of the image flipped four ways disagree; four times slower) "
            "or Random (a baseline to compare with).\n\n"
            "Spread of the suggestions: None takes the highest scores; Different kinds of places picks, among the "
            "best scores, patches that differ most in their predicted classes and in how they look (k-centre); One "
            "from each group of similar places sorts the best-scoring patches into as many groups of alike "
            "patches as suggestions are asked for and takes one from each (weighted k-means), so the suggestions "
            "are not near-copies of one another when the model has seen few labels; Apart on the map keeps "
            "suggestions at least the minimum distance apart.\n\n"
            "Score from the most uncertain share of each patch: 1 scores a patch by the mean uncertainty of all its "
            "pixels; 0.1 by its 10 % most uncertain pixels, so that a small unsure area (a cloud edge) among easy "
            "pixels still counts.\n\n"
            "The defaults (Margin, one from each group of similar places, share 0.1) needed the fewest labels in "
            "DeepMapper's active-learning benchmark; plain Entropy without a spread can pick near-copies at first.\n\n"
            "Existing labels: patches touching them are not proposed again. Search area: only patches wholly "
            "inside these polygons are proposed. Patches never overlap and lie wholly on valid image pixels.\n\n"
            "The squares carry rank (1 = label first), score (the patch's uncertainty, 0 to 1), strategy, "
            "predicted_class (the class most of the patch is predicted as), class_mix (the share of each predicted "
            "class) and model (the model that chose the patch). The "
            "uncertainty raster shows the score of every pixel. The same random seed gives the same picks.\n\n"
            "The image is processed tile by tile in flat memory; outputs appear only when complete.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer(self.INPUT, self.tr("Input image")))
        self.addParameter(QgsProcessingParameterString(
            self.MODEL, self.tr("Model (empty: the best for the bands)"), optional=True))
        model_dropdown(self.parameterDefinition(self.MODEL), ["segmentation", "cloudmask"])
        self.addParameter(QgsProcessingParameterNumber(
            self.COUNT, self.tr("Number of patches to suggest"), QgsProcessingParameterNumber.Integer, 10,
            minValue=1))
        self.addParameter(QgsProcessingParameterNumber(
            self.PATCH_SIZE, self.tr("Patch size (pixels)"), QgsProcessingParameterNumber.Integer, 64, minValue=4,
            maxValue=4096))
        self.addParameter(QgsProcessingParameterEnum(
            self.STRATEGY, self.tr("Uncertainty"), options=list(STRATEGIES), defaultValue="margin",
            usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.DIVERSITY, self.tr("Spread of the suggestions"), options=list(DIVERSITY), defaultValue="cluster",
            usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.LABELS, self.tr("Existing labels (not proposed again)"),
            [QgsProcessing.TypeVectorAnyGeometry], optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.MASK, self.tr("Search area (polygons)"), [QgsProcessing.TypeVectorPolygon], optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.SEED, self.tr("Random seed"), QgsProcessingParameterNumber.Integer, 0, minValue=0))
        distance = with_special_value(QgsProcessingParameterNumber(
            self.MIN_DISTANCE, self.tr("Minimum distance between suggestions in pixels"),
            QgsProcessingParameterNumber.Double, 0.0, minValue=0.0), self.tr("Twice the patch size"))
        sensor = QgsProcessingParameterEnum(
            self.SENSOR, self.tr("Sensor"), options=[SENSOR_AUTO, *SENSOR_KEYS],
            defaultValue=SENSOR_AUTO, usesStaticStrings=True)
        bands = QgsProcessingParameterString(
            self.BANDS, self.tr("Band mapping (e.g. B2,B3,B4,B8)"), optional=True)
        top_share = QgsProcessingParameterNumber(
            self.TOP_SHARE, self.tr("Score from the most uncertain share of each patch (1: all its pixels)"),
            QgsProcessingParameterNumber.Double, 0.1, minValue=0.01, maxValue=1.0)
        for param in (top_share, distance, sensor, bands):
            param.setFlags(param.flags() | param.FlagAdvanced)
            self.addParameter(param)
        self.add_scale_parameters(advanced=True)
        self.add_inference_parameters()
        self.addParameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT, self.tr("Suggested patches"), QgsProcessing.TypeVectorPolygon))
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT_UNCERTAINTY, self.tr("Uncertainty per pixel"), optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber("COUNT_WRITTEN", self.tr("Number of suggestions written")))
        self.addOutput(QgsProcessingOutputNumber("MEAN_SCORE", self.tr("Mean score of the suggestions")))
        self.addOutput(QgsProcessingOutputString("MODEL_ID", self.tr("Model used")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        sensor = self.parameterAsEnumString(parameters, self.SENSOR, context) or SENSOR_AUTO
        request = SuggestRequest(
            input=self.raster_path(parameters, self.INPUT, context),
            output=self.parameterAsOutputLayer(parameters, self.OUTPUT, context),
            model=(self.parameterAsString(parameters, self.MODEL, context) or "").strip() or None,
            count=self.parameterAsInt(parameters, self.COUNT, context),
            patch_size=self.parameterAsInt(parameters, self.PATCH_SIZE, context),
            strategy=self.parameterAsEnumString(parameters, self.STRATEGY, context) or "margin",
            diversity=self.parameterAsEnumString(parameters, self.DIVERSITY, context) or "cluster",
            top_share=self.parameterAsDouble(parameters, self.TOP_SHARE, context),
            labels=self._layer_source(parameters, self.LABELS, context, feedback),
            mask=self._layer_source(parameters, self.MASK, context, feedback),
            seed=self.parameterAsInt(parameters, self.SEED, context),
            min_distance=self.parameterAsDouble(parameters, self.MIN_DISTANCE, context),
            output_uncertainty=self.optional_output(parameters, self.OUTPUT_UNCERTAINTY, context),
            sensor=None if sensor == SENSOR_AUTO else sensor,
            bands=self.parameterAsString(parameters, self.BANDS, context) or None,
            scale=self.parameterAsDouble(parameters, "SCALE", context) or None,
            offset=self.parameterAsDouble(parameters, "OFFSET", context),
            threads=self.parameterAsInt(parameters, "THREADS", context),
            **self.inference_options(parameters, context))
        result = self.run_engine(lambda: run_suggest(request, self.monitor(feedback), self.model_registry()))
        self._style(result, parameters, context, request.input)
        return {
            self.OUTPUT: result.output,
            self.OUTPUT_UNCERTAINTY: result.output_uncertainty,
            "COUNT_WRITTEN": result.count_written,
            "MEAN_SCORE": result.mean_score,
            "MODEL_ID": result.model_id,
        }

    def _style(self, result, parameters, context, image: str) -> None:
        """Squares outlined and labelled with their rank, always drawn above the uncertainty ramp (styles.py)."""
        label = "{} ({})".format(styles.input_name(self.parameterAsRasterLayer(parameters, self.INPUT, context),
                                                   image), result.model_id)
        styles.style_output(result.output, styles.SuggestionStyler().stacked(above=result.output_uncertainty),
                            context, self.tr("Suggested patches: {}").format(label))
        styles.style_output(result.output_uncertainty,
                            styles.ProbabilityStyler(hidden=False).stacked(below=result.output), context,
                            self.tr("Uncertainty per pixel: {}").format(label))

    def _layer_source(self, parameters, name: str, context, feedback) -> str | None:
        """A path the engine can read for an optional vector parameter ('file|layername=x'), None when not given."""
        if not parameters.get(name):
            return None
        path, layer = self.vector_path(parameters, name, context, feedback)
        return f"{path}|layername={layer}" if layer else path
