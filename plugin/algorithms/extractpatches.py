"""deepmapper:extractpatches: image + labelled polygons or points -> a patch dataset for deepmapper:trainmodel."""
from __future__ import annotations

import json
import os

from qgis.core import (QgsProcessing, QgsProcessingOutputNumber, QgsProcessingOutputString,
                       QgsProcessingParameterEnum, QgsProcessingParameterFolderDestination,
                       QgsProcessingParameterNumber, QgsProcessingParameterString,
                       QgsProcessingParameterVectorDestination)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core.engine.bands import SENSOR_KEYS
from ..core.training.patches import PatchRequest, extract_patches
from ..settings import default_patches_folder, numbered_path
from .base import DeepMapperAlgorithm, with_special_value


class ExtractPatchesAlgorithm(DeepMapperAlgorithm):
    INPUT, LABELS, CLASS_FIELD, PATCH_SIZE = "INPUT", "LABELS", "CLASS_FIELD", "PATCH_SIZE"
    MAX_PATCHES, VALIDATION_FRACTION, BLOCK_SIZE = "MAX_PATCHES", "VALIDATION_FRACTION", "BLOCK_SIZE"
    BACKGROUND, SENSOR, BANDS, POINT_RADIUS, SEED = "BACKGROUND", "SENSOR", "BANDS", "POINT_RADIUS", "SEED"
    OUTPUT, OUTPUT_FOOTPRINTS = "OUTPUT", "OUTPUT_FOOTPRINTS"
    required_packages = ("rasterio", "geopandas", "shapely")

    ALGORITHM_ID = "extractpatches"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Extract training patches")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Cuts an image and its labels into a patch dataset for training.")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "training"), QT_TRANSLATE_NOOP("DeepMapper", "patches"), QT_TRANSLATE_NOOP("DeepMapper", "dataset"), QT_TRANSLATE_NOOP("DeepMapper", "labels"), QT_TRANSLATE_NOOP("DeepMapper", "deep learning"), QT_TRANSLATE_NOOP("DeepMapper", "segmentation"),)
    HELP_ANCHOR = "training-your-own-models"
    GROUP_ID = "training"
    KEPT_OUTPUTS = ("OUTPUT",)

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Cuts an image and its labels into a patch dataset (a folder) for 'Train model'.\n\n"
            "Labels: polygons (every pixel whose centre is inside takes the class) or points (the pixel they fall "
            "in, grown by the pixels labelled around each point), with a class field of class names or integer ids "
            "(0..254), in any CRS.\n\n"
            "Class of unlabelled pixels: when the labels are exhaustive (e.g. every building of the area is drawn), "
            "name the class of all other pixels (background); leave empty for sparse labels, whose unlabelled "
            "pixels are ignored.\n\n"
            "Sampling is stratified: every class gets an equal share of the patches, centred on its pixels. The "
            "validation split is spatial: whole blocks of pixels go to validation, about the chosen share of each "
            "class's pixels, and no labelled pixel is in both splits. Nodata pixels carry no label.\n\n"
            "Choose where the dataset folder goes (it is not kept in a temporary folder): it holds dataset.json "
            "(classes, bands, statistics for normalisation, source) and .npy arrays; the patch footprints show "
            "where the patches are.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.add_labelled_image_parameters()
        self.addParameter(QgsProcessingParameterNumber(
            self.PATCH_SIZE, self.tr("Patch size (pixels)"), QgsProcessingParameterNumber.Integer, 128, minValue=8,
            maxValue=4096))
        self.addParameter(QgsProcessingParameterNumber(
            self.MAX_PATCHES, self.tr("Number of patches (shared equally between classes)"),
            QgsProcessingParameterNumber.Integer, 400, minValue=4))
        self.addParameter(QgsProcessingParameterNumber(
            self.VALIDATION_FRACTION, self.tr("Share of each class's labelled pixels for validation"),
            QgsProcessingParameterNumber.Double, 0.2, minValue=0.01, maxValue=0.9))
        self.addParameter(QgsProcessingParameterString(
            self.BACKGROUND, self.tr("Class of unlabelled pixels"),
            optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.SENSOR, self.tr("Sensor"), options=list(SENSOR_KEYS),
            defaultValue="sentinel2_l2a", usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterString(
            self.BANDS, self.tr("Band names in file order"), optional=True))
        for name, label, special in (
                (self.BLOCK_SIZE, self.tr("Validation block size in pixels"), self.tr("Twice the patch size")),
                (self.POINT_RADIUS, self.tr("Pixels labelled around each point"), ""),
                (self.SEED, self.tr("Random seed"), "")):
            param = QgsProcessingParameterNumber(name, label, QgsProcessingParameterNumber.Integer, 0, minValue=0)
            param.setFlags(param.flags() | param.FlagAdvanced)
            self.addParameter(with_special_value(param, special) if special else param)
        self.addParameter(QgsProcessingParameterFolderDestination(  # never a temporary folder (KEPT_OUTPUTS)
            self.OUTPUT, self.tr("Patch dataset folder"),
            numbered_path(os.path.join(default_patches_folder(), "dataset"))))
        self.addParameter(QgsProcessingParameterVectorDestination(
            self.OUTPUT_FOOTPRINTS, self.tr("Patch footprints"), QgsProcessing.TypeVectorPolygon, optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber("TRAIN_PATCHES", self.tr("Training patches")))
        self.addOutput(QgsProcessingOutputNumber("VALIDATION_PATCHES", self.tr("Validation patches")))
        self.addOutput(QgsProcessingOutputString("CLASSES", self.tr("Classes (JSON)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        labels, _layer = self.vector_path(parameters, self.LABELS, context, feedback)
        request = PatchRequest(
            input=self.raster_path(parameters, self.INPUT, context),
            labels=labels if not _layer else f"{labels}|layername={_layer}",
            class_field=self.parameterAsString(parameters, self.CLASS_FIELD, context),
            output=self.parameterAsString(parameters, self.OUTPUT, context),
            patch_size=self.parameterAsInt(parameters, self.PATCH_SIZE, context),
            max_patches=self.parameterAsInt(parameters, self.MAX_PATCHES, context),
            validation_fraction=self.parameterAsDouble(parameters, self.VALIDATION_FRACTION, context),
            block_size=self.parameterAsInt(parameters, self.BLOCK_SIZE, context),
            background=(self.parameterAsString(parameters, self.BACKGROUND, context) or "").strip() or None,
            sensor=self.parameterAsEnumString(parameters, self.SENSOR, context),
            bands=self.parameterAsString(parameters, self.BANDS, context) or None,
            point_radius=self.parameterAsInt(parameters, self.POINT_RADIUS, context),
            seed=self.parameterAsInt(parameters, self.SEED, context),
            output_footprints=self.optional_output(parameters, self.OUTPUT_FOOTPRINTS, context))
        result = self.run_engine(lambda: extract_patches(request, self.monitor(feedback)))
        return {
            self.OUTPUT: result.output,
            self.OUTPUT_FOOTPRINTS: request.output_footprints,
            "TRAIN_PATCHES": result.counts["train"],
            "VALIDATION_PATCHES": result.counts["validation"],
            "CLASSES": json.dumps(result.classes),
        }
