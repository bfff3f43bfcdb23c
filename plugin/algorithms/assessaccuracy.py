"""deepmapper:assessaccuracy: accuracy of a class raster against reference polygons or points."""
from __future__ import annotations


from qgis.core import (QgsCoordinateReferenceSystem, QgsFeature, QgsFeatureSink, QgsField, QgsFields, QgsProcessing,
                       QgsProcessingOutputNumber, QgsProcessingParameterBand,
                       QgsProcessingParameterFeatureSink, QgsProcessingParameterFeatureSource,
                       QgsProcessingParameterField, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterNumber, QgsProcessingParameterRasterLayer, QgsProcessingParameterString,
                       QgsWkbTypes)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QVariant


from ..core.accuracy import AccuracyRequest, assess_accuracy, defined
from .base import DeepMapperAlgorithm



class AssessAccuracyAlgorithm(DeepMapperAlgorithm):
    PREDICTION, BAND, REFERENCE, CLASS_FIELD, MAPPING = "PREDICTION", "BAND", "REFERENCE", "CLASS_FIELD", "MAPPING"
    BETA, POSITIVE_CLASSES, OBJECT_CLASS, OBJECT_IOU = "BETA", "POSITIVE_CLASSES", "OBJECT_CLASS", "OBJECT_IOU"
    BACKGROUND = "BACKGROUND"
    OUTPUT_HTML, OUTPUT_TABLE = "OUTPUT_HTML", "OUTPUT_TABLE"

    required_packages = ("rasterio", "geopandas", "shapely")

    ALGORITHM_ID = "assessaccuracy"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Assess accuracy")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Confusion matrix, F-score and kappa of a class raster against reference data.")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "accuracy"), QT_TRANSLATE_NOOP("DeepMapper", "validation"), QT_TRANSLATE_NOOP("DeepMapper", "confusion matrix"), QT_TRANSLATE_NOOP("DeepMapper", "F-score"), QT_TRANSLATE_NOOP("DeepMapper", "kappa"), QT_TRANSLATE_NOOP("DeepMapper", "IoU"), QT_TRANSLATE_NOOP("DeepMapper", "classification"),)
    HELP_ANCHOR = "deepmapperassessaccuracy"
    GROUP_ID = "accuracy"

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Compares a class raster (a cloud mask, a segmentation, or any raster of integer classes) with "
            "reference polygons or points, and writes an HTML report: confusion matrix as a heat map, per-class "
            "precision, recall, F-beta, IoU and support, overall accuracy, Cohen's kappa, macro and support-weighted "
            "F.\n\n"
            "The reference may be in any CRS: it is reprojected onto the prediction's pixel grid. Only labelled "
            "pixels count: pixel centres inside polygons, and the pixel each point falls in. Pixels covered by "
            "polygons of different classes, and pixels that are nodata in the prediction, are left out and counted "
            "in the report. Class 0 is a class like any other.\n\n"
            "Class field: integer values are compared with the raster values directly; names are matched to the "
            "prediction's class names (DeepMapper outputs carry them). A class mapping gives the match explicitly: "
            "reference=raster pairs, e.g. clear=0,cloud=1,shadow=2.\n\n"
            "Beta: 1 for F1, 2 for the F2 that cloud-masking papers use (recall weighs more).\n"
            "Positive classes: a binary view, these classes against all others, e.g. cloud,cloud shadow or 1,2.\n"
            "Class for object-level scores, such as buildings: the prediction's regions of that class are matched "
            "one to one with the reference polygons at IoU >= 0.5 (SpaceNet's rule).\n"
            "Class outside the polygons: for exhaustive references such as building "
            "footprints, every valid pixel outside the polygons counts as this class (e.g. background), so "
            "precision is measured too.\n\n"
            "Undefined ratios (0/0, e.g. the precision of a class never predicted) are left empty in the table and "
            "shown as a dash in the report. The numeric outputs (fractions in 0..1) can feed other steps of a model.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterRasterLayer(self.PREDICTION, self.tr("Prediction (class raster)")))
        band = QgsProcessingParameterBand(self.BAND, self.tr("Band of the prediction"), 1, self.PREDICTION,
                                          optional=True)
        band.setFlags(band.flags() | band.FlagAdvanced)
        self.addParameter(band)
        self.addParameter(QgsProcessingParameterFeatureSource(
            self.REFERENCE, self.tr("Reference polygons or points"),
            [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint]))
        self.addParameter(QgsProcessingParameterField(
            self.CLASS_FIELD, self.tr("Class field of the reference (names or class ids)"),
            parentLayerParameterName=self.REFERENCE))
        self.addParameter(QgsProcessingParameterString(
            self.MAPPING, self.tr("Class mapping, reference=raster"),
            optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            self.BETA, self.tr("Beta of the F-score (1: F1, 2: F2)"), QgsProcessingParameterNumber.Double, 1.0,
            minValue=0.01, maxValue=100.0))
        self.addParameter(QgsProcessingParameterString(
            self.POSITIVE_CLASSES, self.tr("Positive classes for a binary view"),
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.OBJECT_CLASS, self.tr("Class for object-level scores"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.BACKGROUND, self.tr("Class outside the polygons"), optional=True))
        iou = QgsProcessingParameterNumber(self.OBJECT_IOU, self.tr("IoU for an object match"),
                                           QgsProcessingParameterNumber.Double, 0.5, minValue=0.01, maxValue=1.0)
        iou.setFlags(iou.flags() | iou.FlagAdvanced)
        self.addParameter(iou)
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_HTML, self.tr("Accuracy report"), self.tr("HTML files (*.html)")))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT_TABLE, self.tr("Per-class accuracy table"), QgsProcessing.TypeVector, optional=True,
            createByDefault=True))
        for name, label in (("OVERALL_ACCURACY", self.tr("Overall accuracy (0..1)")),
                            ("KAPPA", self.tr("Cohen's kappa")),
                            ("MEAN_F", self.tr("Macro mean F-beta (0..1)")),
                            ("WEIGHTED_F", self.tr("Support-weighted mean F-beta (0..1)")),
                            ("BINARY_F", self.tr("F-beta of the positive classes (binary view)")),
                            ("OBJECT_F1", self.tr("Object-level F1")),
                            ("ASSESSED_PIXELS", self.tr("Pixels assessed")),
                            ("NODATA_PIXELS", self.tr("Labelled pixels excluded as nodata")),
                            ("AMBIGUOUS_PIXELS", self.tr("Pixels excluded: reference classes overlap"))):
            self.addOutput(QgsProcessingOutputNumber(name, label))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        prediction = self.raster_path(parameters, self.PREDICTION, context)
        reference, layer_name = self.vector_path(parameters, self.REFERENCE, context, feedback)
        raster_layer = self.parameterAsRasterLayer(parameters, self.PREDICTION, context)
        vector_layer = self.parameterAsVectorLayer(parameters, self.REFERENCE, context)
        request = AccuracyRequest(
            prediction=prediction, reference=reference, reference_layer=layer_name or None,
            prediction_name=raster_layer.name() if raster_layer else None,
            reference_name=vector_layer.name() if vector_layer else None,
            class_field=self.parameterAsString(parameters, self.CLASS_FIELD, context),
            band=self.parameterAsInt(parameters, self.BAND, context) or 1,
            beta=self.parameterAsDouble(parameters, self.BETA, context),
            mapping=(self.parameterAsString(parameters, self.MAPPING, context) or "").strip() or None,
            positive_classes=(self.parameterAsString(parameters, self.POSITIVE_CLASSES, context) or "").strip() or None,
            object_class=(self.parameterAsString(parameters, self.OBJECT_CLASS, context) or "").strip() or None,
            object_iou=self.parameterAsDouble(parameters, self.OBJECT_IOU, context),
            background=(self.parameterAsString(parameters, self.BACKGROUND, context) or "").strip() or None,
            output_html=self.parameterAsFileOutput(parameters, self.OUTPUT_HTML, context))
        result = self.run_engine(lambda: assess_accuracy(request, self.monitor(feedback)))
        table = self._write_table(parameters, context, result)
        return {self.OUTPUT_HTML: result.output_html, self.OUTPUT_TABLE: table, **result.headline()}

    def _write_table(self, parameters, context, result):
        """Per-class rows as a table without geometry (NULL where a ratio is undefined); None if not asked for."""
        fields = QgsFields()
        fields.append(QgsField("class_id", QVariant.Int))
        fields.append(QgsField("class", QVariant.String))
        for name in ("precision", "recall", "f_beta", "iou"):
            fields.append(QgsField(name, QVariant.Double))
        fields.append(QgsField("support", QVariant.LongLong))
        sink, dest = self.parameterAsSink(parameters, self.OUTPUT_TABLE, context, fields, QgsWkbTypes.NoGeometry,
                                          QgsCoordinateReferenceSystem())
        if sink is None:
            return None
        for row in result.table_rows():
            feature = QgsFeature(fields)
            feature.setAttributes([row["class_id"], row["class"]] +
                                  [defined(row[k]) for k in ("precision", "recall", "f_beta", "iou")] +
                                  [row["support"]])
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
        return dest
