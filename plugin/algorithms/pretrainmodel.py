"""deepmapper:pretrainmodel: self-supervised pre-training on unlabelled images (masked reconstruction)."""
from __future__ import annotations

from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingOutputBoolean, QgsProcessingOutputNumber,
                       QgsProcessingParameterEnum, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterMultipleLayers, QgsProcessingParameterNumber,
                       QgsProcessingParameterString)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core.engine.bands import SENSOR_KEYS
from ..core.engine.device import DEVICES
from ..core.training.pretrain import PretrainRequest, pretrain
from ..core.training.trainer import ARCHITECTURE_DEFAULTS
from ..settings import Settings
from .base import DeepMapperAlgorithm


class PretrainModelAlgorithm(DeepMapperAlgorithm):
    INPUT, BANDS, SENSOR, ARCHITECTURE = "INPUT", "BANDS", "SENSOR", "ARCHITECTURE"
    WIDTH, DEPTH, PATCH_SIZE, PATCHES, EPOCHS = "WIDTH", "DEPTH", "PATCH_SIZE", "PATCHES", "EPOCHS"
    MASK_RATIO, DEVICE, SEED, OUTPUT_MODEL = "MASK_RATIO", "DEVICE", "SEED", "OUTPUT_MODEL"
    required_packages = ("rasterio", "torch")

    ALGORITHM_ID = "pretrainmodel"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Pre-train model (self-supervised)")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Pre-trains a U-Net on unlabelled images (masked reconstruction).")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "training"), QT_TRANSLATE_NOOP("DeepMapper", "self-supervised"), QT_TRANSLATE_NOOP("DeepMapper", "pre-training"), QT_TRANSLATE_NOOP("DeepMapper", "U-Net"), QT_TRANSLATE_NOOP("DeepMapper", "unlabelled"), QT_TRANSLATE_NOOP("DeepMapper", "deep learning"),)
    HELP_ANCHOR = "training-your-own-models"
    GROUP_ID = "training"
    KEPT_OUTPUTS = ("OUTPUT_MODEL",)

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Self-supervised pre-training: blanks random cells of image patches and trains a U-Net to redraw them. "
            "No labels are needed, so give as many images of your sensor and area as you have. The result (a card "
            "of task 'pretrained') is a starting point for 'Train model' (Start from model): with few labels it "
            "reaches the accuracy that training from scratch needs more labels for (see docs/benchmarks.md).\n\n"
            "Use the same architecture, channels and poolings you will train with, and the bands you will train on "
            "(common names such as pan or blue,green,red,nir; empty: all bands).")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterMultipleLayers(
            self.INPUT, self.tr("Unlabelled images"), QgsProcessing.TypeRaster))
        self.addParameter(QgsProcessingParameterString(
            self.BANDS, self.tr("Bands to use"), optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.SENSOR, self.tr("Sensor"), options=list(SENSOR_KEYS),
            defaultValue="sentinel2_l2a", usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.ARCHITECTURE, self.tr("Architecture"), options=list(ARCHITECTURE_DEFAULTS), defaultValue="unet_light",
            usesStaticStrings=True))
        for name, label, default, lo, hi in (
                (self.WIDTH, self.tr("Light U-Net: channels of the first level"), 16, 4, 128),
                (self.DEPTH, self.tr("Light U-Net: number of poolings"), 3, 1, 6),
                (self.PATCH_SIZE, self.tr("Patch size (pixels)"), 128, 16, 2048),
                (self.PATCHES, self.tr("Patches sampled"), 512, 8, 1_000_000),
                (self.EPOCHS, self.tr("Epochs"), 20, 1, 10_000)):
            self.addParameter(QgsProcessingParameterNumber(name, label, QgsProcessingParameterNumber.Integer, default,
                                                           minValue=lo, maxValue=hi))
        ratio = QgsProcessingParameterNumber(self.MASK_RATIO, self.tr("Share of each patch blanked"),
                                             QgsProcessingParameterNumber.Double, 0.5, minValue=0.05, maxValue=0.95)
        seed = QgsProcessingParameterNumber(self.SEED, self.tr("Random seed"), QgsProcessingParameterNumber.Integer, 0,
                                            minValue=0)
        for param in (ratio, seed):
            param.setFlags(param.flags() | param.FlagAdvanced)
            self.addParameter(param)
        self.addParameter(QgsProcessingParameterEnum(
            self.DEVICE, self.tr("Device"), options=list(DEVICES), defaultValue=Settings.load().device,
            usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_MODEL, self.tr("Pre-trained model card"), self.tr("Model cards (*.json)"),
            self.model_folder_path("pretrained_model.json")))
        self.addOutput(QgsProcessingOutputNumber("RECONSTRUCTION_MSE",
                                                 self.tr("Masked reconstruction error (band mean = 1)")))
        self.addOutput(QgsProcessingOutputBoolean("CANCELLED", self.tr(
            "Cancelled (the model written is the best so far)")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        layers = self.parameterAsLayerList(parameters, self.INPUT, context)
        if not layers:
            raise QgsProcessingException(self.tr("Give at least one unlabelled image."))
        arch = self.parameterAsEnumString(parameters, self.ARCHITECTURE, context)
        request = PretrainRequest(
            inputs=[layer.source() for layer in layers],
            output=self.parameterAsFileOutput(parameters, self.OUTPUT_MODEL, context),
            bands=self.parameterAsString(parameters, self.BANDS, context) or None,
            sensor=self.parameterAsEnumString(parameters, self.SENSOR, context),
            architecture=arch,
            architecture_params={"width": self.parameterAsInt(parameters, self.WIDTH, context),
                                 "depth": self.parameterAsInt(parameters, self.DEPTH, context)}
            if arch == "unet_light" else None,
            patch_size=self.parameterAsInt(parameters, self.PATCH_SIZE, context),
            patches=self.parameterAsInt(parameters, self.PATCHES, context),
            epochs=self.parameterAsInt(parameters, self.EPOCHS, context),
            mask_ratio=self.parameterAsDouble(parameters, self.MASK_RATIO, context),
            device=self.parameterAsEnumString(parameters, self.DEVICE, context) or "auto",
            seed=self.parameterAsInt(parameters, self.SEED, context))
        result = self.run_engine(lambda: pretrain(request, self.monitor(feedback)))
        return {self.OUTPUT_MODEL: result.card, "RECONSTRUCTION_MSE": result.loss,
                "CANCELLED": self.warn_if_cancelled(feedback, result.cancelled, result.epochs_run)}
