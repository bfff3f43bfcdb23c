"""deepmapper:findsimilar: search by example (visual data mining) in the model's feature space."""
from __future__ import annotations

from qgis.core import (QgsProcessing, QgsProcessingOutputNumber, QgsProcessingParameterEnum,
                       QgsProcessingParameterFeatureSource, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterNumber, QgsProcessingParameterRasterLayer, QgsProcessingParameterString,
                       QgsProcessingParameterVectorDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core.engine.bands import SENSOR_KEYS
from ..core.labelling.similar import SimilarRequest, find_similar
from . import styles
from .base import DeepMapperAlgorithm


class FindSimilarAlgorithm(DeepMapperAlgorithm):
    INPUT, MODEL, EXAMPLES, COUNT, PATCH_SIZE = "INPUT", "MODEL", "EXAMPLES", "COUNT", "PATCH_SIZE"
    SEARCH_AREA, SENSOR, BANDS, OUTPUT, OUTPUT_PLOT = "SEARCH_AREA", "SENSOR", "BANDS", "OUTPUT", "OUTPUT_PLOT"
    required_packages = ("rasterio", "geopandas", "shapely", "sklearn")

    ALGORITHM_ID = "findsimilar"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Find similar places")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Finds the patches of an image that look most like the "
                                                        "examples you marked.")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "search by example"), QT_TRANSLATE_NOOP("DeepMapper", "similarity"),
            QT_TRANSLATE_NOOP("DeepMapper", "visual data mining"), QT_TRANSLATE_NOOP("DeepMapper", "nearest neighbours"),
            QT_TRANSLATE_NOOP("DeepMapper", "labels"))
    HELP_ANCHOR = "label-review-and-search-by-example"
    GROUP_ID = "training"

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Finds the places of an image that look most like the examples you marked (search by example).\n\n"
            "The image is cut into square patches of the chosen size. The model describes each patch: a U-Net "
            "(your own trained or pre-trained model) by what its encoder sees, any other model by its class "
            "probabilities, always together with the patch's band statistics. The patches nearest to any example "
            "in that description are the most similar ones.\n\n"
            "Examples: polygons or points on the image; a patch centred on each describes it, and the patches they "
            "touch are never returned. Area to search: only patches mostly inside its polygons are considered.\n\n"
            "Similar patches: one square per patch, with rank (1 = most similar) and distance (smaller = more "
            "similar). The map of all patches is optional: a PNG or an HTML page showing every patch as a point "
            "on the first two principal components, the examples and the hits marked.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer(self.INPUT, self.tr("Image")))
        self.addParameter(QgsProcessingParameterString(
            self.MODEL, self.tr("Model that describes the patches (id or card file)"), defaultValue="landcover_s2"))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.EXAMPLES, self.tr("Examples (polygons or points)"),
            [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint]))
        self.addParameter(QgsProcessingParameterNumber(
            self.COUNT, self.tr("Number of similar patches"), QgsProcessingParameterNumber.Integer, 20, minValue=1))
        self.addParameter(QgsProcessingParameterNumber(
            self.PATCH_SIZE, self.tr("Patch size (pixels)"), QgsProcessingParameterNumber.Integer, 32, minValue=4,
            maxValue=4096))
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.SEARCH_AREA, self.tr("Area to search"), [QgsProcessing.TypeVectorPolygon], optional=True))
        sensor = QgsProcessingParameterEnum(
            self.SENSOR, self.tr("Sensor"), options=list(SENSOR_KEYS),
            defaultValue="sentinel2_l2a", usesStaticStrings=True, optional=True)
        bands = QgsProcessingParameterString(
            self.BANDS, self.tr("Band names in file order"), optional=True)
        for param in (sensor, bands):
            param.setFlags(param.flags() | param.FlagAdvanced)
            self.addParameter(param)
        self.add_inference_parameters()
        self.addParameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT, self.tr("Similar patches"), QgsProcessing.TypeVectorPolygon))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_PLOT, self.tr("Map of all patches (HTML or PNG)"),
            self.tr("HTML files (*.html);;PNG images (*.png)"), optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber("CANDIDATES", self.tr("Patches searched")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        examples, layer = self.vector_path(parameters, self.EXAMPLES, context, feedback)
        area = None
        if parameters.get(self.SEARCH_AREA) is not None and self.parameterAsSource(parameters, self.SEARCH_AREA,
                                                                                 context) is not None:
            area_path, area_layer = self.vector_path(parameters, self.SEARCH_AREA, context, feedback)
            area = area_path if not area_layer else f"{area_path}|layername={area_layer}"
        plot = self.parameterAsFileOutput(parameters, self.OUTPUT_PLOT, context) \
            if parameters.get(self.OUTPUT_PLOT) is not None else None
        request = SimilarRequest(
            input=self.raster_path(parameters, self.INPUT, context),
            model=(self.parameterAsString(parameters, self.MODEL, context) or "").strip() or "landcover_s2",
            examples=examples if not layer else f"{examples}|layername={layer}",
            output=self.parameterAsOutputLayer(parameters, self.OUTPUT, context),
            count=self.parameterAsInt(parameters, self.COUNT, context),
            patch_size=self.parameterAsInt(parameters, self.PATCH_SIZE, context),
            search_area=area, output_plot=plot or None,
            sensor=self.parameterAsEnumString(parameters, self.SENSOR, context) or None,
            bands=self.parameterAsString(parameters, self.BANDS, context) or None,
            device=self.parameterAsEnumString(parameters, "DEVICE", context) or "auto",
            threads=self.parameterAsInt(parameters, "THREADS", context))
        result = self.run_engine(lambda: find_similar(request, self.monitor(feedback), self.model_registry()))
        # outlined squares labelled with their rank (1 = most alike), as the suggestions are: the image shows through
        label = "{} ({})".format(styles.input_name(self.parameterAsRasterLayer(parameters, self.INPUT, context),
                                                   request.input), request.model)
        styles.style_output(result.output, styles.SuggestionStyler(), context,
                            self.tr("Similar patches: {}").format(label))
        return {self.OUTPUT: result.output, self.OUTPUT_PLOT: result.output_plot, "CANDIDATES": result.candidates}
