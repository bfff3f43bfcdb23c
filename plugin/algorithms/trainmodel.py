"""deepmapper:trainmodel: a patch dataset -> a segmentation model (card + weights), usable as MODEL everywhere."""
from __future__ import annotations

import json

from qgis.core import (QgsProcessingOutputBoolean, QgsProcessingOutputNumber, QgsProcessingOutputString,
                       QgsProcessingParameterBoolean,
                       QgsProcessingParameterEnum, QgsProcessingParameterFile, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterNumber, QgsProcessingParameterString)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from ..core.engine.device import DEVICES
from ..core.training.trainer import ARCHITECTURE_DEFAULTS, CLASS_WEIGHTING, TrainRequest, train_model
from ..settings import Settings
from .base import DeepMapperAlgorithm, with_special_value
from .model_choice import TRAINABLE_FORMATS, model_dropdown


class TrainModelAlgorithm(DeepMapperAlgorithm):
    DATASET, ARCHITECTURE, BANDS, INIT_MODEL, FREEZE_ENCODER = (
        "DATASET", "ARCHITECTURE", "BANDS", "INIT_MODEL", "FREEZE_ENCODER")
    EPOCHS, BATCH_SIZE, LEARNING_RATE, PATIENCE = "EPOCHS", "BATCH_SIZE", "LEARNING_RATE", "PATIENCE"
    CLASS_WEIGHTING, AUGMENT, WIDTH, DEPTH = "CLASS_WEIGHTING", "AUGMENT", "WIDTH", "DEPTH"
    TRAIN_FRACTION, DEVICE, SEED, MODEL_ID, REFIT = "TRAIN_FRACTION", "DEVICE", "SEED", "MODEL_ID", "REFIT"
    OUTPUT_MODEL = "OUTPUT_MODEL"
    required_packages = ("rasterio", "torch")

    ALGORITHM_ID = "trainmodel"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "Train model")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Trains a U-Net segmentation model on a patch dataset; writes a model card and weights.")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "training"), QT_TRANSLATE_NOOP("DeepMapper", "U-Net"), QT_TRANSLATE_NOOP("DeepMapper", "segmentation"), QT_TRANSLATE_NOOP("DeepMapper", "classification"), QT_TRANSLATE_NOOP("DeepMapper", "fine-tuning"), QT_TRANSLATE_NOOP("DeepMapper", "transfer learning"), QT_TRANSLATE_NOOP("DeepMapper", "deep learning"),)
    HELP_ANCHOR = "training-your-own-models"
    GROUP_ID = "training"
    KEPT_OUTPUTS = ("OUTPUT_MODEL",)

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Trains a U-Net on a patch dataset from 'Extract training patches' and writes a model card (.json) with "
            "its weights (.pt) beside it. Save the card in a model folder of the DeepMapper settings to choose it by "
            "its id as the model of 'Segment image', or give the card's path.\n\n"
            "Architecture: the light U-Net (fast on CPUs; its channels and poolings set its size) or the U-Net with "
            "a ResNet-18 encoder (torchvision; its first convolution takes any band count; best on a GPU).\n\n"
            "Bands to train on: some of the dataset's bands only, e.g. blue,green,red,nir so that the model also "
            "runs on SPOT or Pleiades images (transfer between sensors by their shared bands).\n\n"
            "Start from model: fine-tuning, transfer to other bands (shared bands keep their filters), or a "
            "self-supervised pre-trained model; freezing the encoder trains only the decoder.\n\n"
            "Training uses class weights for rare classes, flips/rotations/brightness augmentation, and stops when "
            "the validation F-score has not improved for the patience's number of epochs. The best epoch is kept, "
            "also if you cancel. Refitting then trains a fresh model on training and validation patches for that "
            "many epochs (more labels for the final model; the card keeps the validation scores of the selection "
            "run). The card records the validation scores and the training data.") + "\n\n" + self.tr(
            "The cloud models that come with DeepMapper (UKIS, ONNX) can be the start model too: the model written "
            "keeps their classes (label 0 clear, 1 cloud, 2 cloud shadow), bands, normalisation and tiling, so "
            "'Cloud and shadow mask' runs it like them, and its card names the model it started from. The automatic "
            "learning rate is then low (0.0001); use a few epochs and patches whose side is a multiple of 32 pixels; "
            "with bands to train on such as blue,green,red,nir it adapts them to SPOT or Pleiades images.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterFile(
            self.DATASET, self.tr("Patch dataset folder"), behavior=QgsProcessingParameterFile.Folder))
        self.addParameter(QgsProcessingParameterEnum(
            self.ARCHITECTURE, self.tr("Architecture"), options=list(ARCHITECTURE_DEFAULTS), defaultValue="unet_light",
            usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterString(
            self.BANDS, self.tr("Bands to train on (empty: all)"), optional=True))
        self.addParameter(QgsProcessingParameterString(
            self.INIT_MODEL, self.tr("Start from model"), optional=True))
        model_dropdown(self.parameterDefinition(self.INIT_MODEL), ("segmentation", "cloudmask", "pretrained"),
                       TRAINABLE_FORMATS)
        self.addParameter(QgsProcessingParameterBoolean(
            self.FREEZE_ENCODER, self.tr("Freeze the encoder of the start model"), False))
        self.addParameter(QgsProcessingParameterNumber(
            self.EPOCHS, self.tr("Epochs (at most)"), QgsProcessingParameterNumber.Integer, 40, minValue=1))
        self.addParameter(QgsProcessingParameterEnum(
            self.DEVICE, self.tr("Device"), options=list(DEVICES), defaultValue=Settings.load().device,
            usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterString(
            self.MODEL_ID, self.tr("Model id (empty: the card's file name)"), optional=True))
        advanced = [
            QgsProcessingParameterNumber(self.BATCH_SIZE, self.tr("Patches per batch"),
                                         QgsProcessingParameterNumber.Integer, 16, minValue=1),
            with_special_value(QgsProcessingParameterNumber(
                self.LEARNING_RATE, self.tr("Learning rate (peak; 0: 0.002, or 0.0001 when fine-tuning a model)"),
                QgsProcessingParameterNumber.Double, 0.0, minValue=0.0, maxValue=1.0),
                self.tr("Automatic"), decimals=6),
            QgsProcessingParameterNumber(self.PATIENCE, self.tr("Early stopping patience (epochs)"),
                                         QgsProcessingParameterNumber.Integer, 10, minValue=1),
            QgsProcessingParameterEnum(self.CLASS_WEIGHTING, self.tr("Class weighting"), options=list(CLASS_WEIGHTING),
                                       defaultValue="sqrt", usesStaticStrings=True),
            QgsProcessingParameterBoolean(self.AUGMENT, self.tr("Augment (flips, rotations, brightness)"), True),
            QgsProcessingParameterBoolean(self.REFIT, self.tr("Refit on all patches for the best epoch count"),
                                          False),
            QgsProcessingParameterNumber(self.WIDTH, self.tr("Light U-Net: channels of the first level"),
                                         QgsProcessingParameterNumber.Integer, 16, minValue=4, maxValue=128),
            QgsProcessingParameterNumber(self.DEPTH, self.tr("Light U-Net: number of poolings"),
                                         QgsProcessingParameterNumber.Integer, 3, minValue=1, maxValue=6),
            QgsProcessingParameterNumber(self.TRAIN_FRACTION, self.tr("Share of the training patches to use"),
                                         QgsProcessingParameterNumber.Double, 1.0, minValue=0.01, maxValue=1.0),
            QgsProcessingParameterNumber(self.SEED, self.tr("Random seed"), QgsProcessingParameterNumber.Integer, 0,
                                         minValue=0),
        ]
        for param in advanced:
            param.setFlags(param.flags() | param.FlagAdvanced)
            self.addParameter(param)
        self.addParameter(QgsProcessingParameterFileDestination(
            self.OUTPUT_MODEL, self.tr("Model card"), self.tr("Model cards (*.json)"),
            self.model_folder_path("trained_model.json")))
        self.addOutput(QgsProcessingOutputNumber("VALIDATION_F", self.tr("Validation F-score (mean over classes)")))
        self.addOutput(QgsProcessingOutputNumber("VALIDATION_OA", self.tr("Validation overall accuracy")))
        self.addOutput(QgsProcessingOutputNumber("BEST_EPOCH", self.tr("Best epoch")))
        self.addOutput(QgsProcessingOutputString("VALIDATION_SCORES", self.tr("Validation scores per class (JSON)")))
        self.addOutput(QgsProcessingOutputString("MODEL_ID", self.tr("Model id")))
        self.addOutput(QgsProcessingOutputBoolean("CANCELLED", self.tr(
            "Cancelled (the model written is the best so far)")))

    def init_model(self, parameters, context) -> str | None:
        """INIT_MODEL as a card path: an id is looked up in the registry with the user model folders (the QGIS-free
        trainer knows only the bundled models and DEEPMAPPER_MODEL_PATH)."""
        text = (self.parameterAsString(parameters, self.INIT_MODEL, context) or "").strip()
        card = self.model_registry().cards.get(text) if text else None
        return str(card.path) if card is not None and card.path is not None else text or None

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        arch = self.parameterAsEnumString(parameters, self.ARCHITECTURE, context)
        params = {"width": self.parameterAsInt(parameters, self.WIDTH, context),
                  "depth": self.parameterAsInt(parameters, self.DEPTH, context)} if arch == "unet_light" else None
        request = TrainRequest(
            dataset=self.parameterAsFile(parameters, self.DATASET, context),
            output=self.parameterAsFileOutput(parameters, self.OUTPUT_MODEL, context),
            architecture=arch, architecture_params=params,
            bands=self.parameterAsString(parameters, self.BANDS, context) or None,
            init_model=self.init_model(parameters, context),
            freeze_encoder=self.parameterAsBoolean(parameters, self.FREEZE_ENCODER, context),
            epochs=self.parameterAsInt(parameters, self.EPOCHS, context),
            batch_size=self.parameterAsInt(parameters, self.BATCH_SIZE, context),
            learning_rate=self.parameterAsDouble(parameters, self.LEARNING_RATE, context),
            patience=self.parameterAsInt(parameters, self.PATIENCE, context),
            class_weighting=self.parameterAsEnumString(parameters, self.CLASS_WEIGHTING, context),
            augment=self.parameterAsBoolean(parameters, self.AUGMENT, context),
            refit=self.parameterAsBoolean(parameters, self.REFIT, context),
            train_fraction=self.parameterAsDouble(parameters, self.TRAIN_FRACTION, context),
            device=self.parameterAsEnumString(parameters, self.DEVICE, context) or "auto",
            seed=self.parameterAsInt(parameters, self.SEED, context),
            model_id=(self.parameterAsString(parameters, self.MODEL_ID, context) or "").strip() or None)
        result = self.run_engine(lambda: train_model(request, self.monitor(feedback)))
        cancelled = self.warn_if_cancelled(feedback, result.cancelled, result.epochs_run, result.best_epoch)
        val = result.validation
        return {
            self.OUTPUT_MODEL: result.card,
            "VALIDATION_F": val.get("mean_f"),
            "VALIDATION_OA": val.get("overall_accuracy"),
            "BEST_EPOCH": result.best_epoch,
            "VALIDATION_SCORES": json.dumps(val.get("classes", {})),
            "MODEL_ID": result.model_id,
            "CANCELLED": cancelled,
        }
