"""Build models/processing/deepmapper_label_train_loop.model3, the model-builder model of the labelling loop.

    .venv/bin/python scripts/build_loop_model.py   # rewrites the .model3 (the provider lists it under Models)

The loop (docs/labelling_loop.md): your labels -> deepmapper:extractpatches -> deepmapper:trainmodel (fine-tuning
INIT_MODEL, a UKIS cloud model by default) -> deepmapper:cloudmask with the new model -> deepmapper:assessaccuracy
against a reference layer -> deepmapper:suggestsamples (where to label next) with the fine-tuned model.
The model is made with the QgsProcessingModelAlgorithm API rather than by hand so that it always matches the
algorithms' parameter names; tests/test_finetune_onnx.py runs it.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "models" / "processing" / "deepmapper_label_train_loop.model3"
sys.path.insert(0, str(ROOT / ".build" / "plugins"))  # the checkout, importable as `deepmapper` (make setup)
sys.path.insert(0, "/usr/share/qgis/python/plugins")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HELP = (
    "One turn of the labelling loop on a cloud model: extract training patches from your labels, fine-tune the "
    "model you start from (a UKIS cloud model by default: label 0 clear, 1 cloud, 2 cloud shadow), mask the image "
    "with the fine-tuned model, check it against a reference layer, and propose where to label next. Label those "
    "places in QGIS, add them to your labels and run the model again. See docs/labelling_loop.md.")


HELP_URL = "https://github.com/deepmapper/deepmapper/blob/main/docs/labelling_loop.md"  # metadata.txt's homepage


def build():
    from qgis.core import (QgsProcessingModelAlgorithm, QgsProcessingModelChildAlgorithm,
                           QgsProcessingModelChildParameterSource as Source, QgsProcessingModelOutput,
                           QgsProcessingModelParameter, QgsProcessingParameterEnum, QgsProcessingParameterField,
                           QgsProcessingParameterNumber, QgsProcessingParameterRasterLayer,
                           QgsProcessingParameterString, QgsProcessingParameterVectorLayer)
    from qgis.PyQt.QtCore import QPointF

    from deepmapper.plugin.core.engine.bands import SENSOR_KEYS

    from deepmapper.plugin.algorithms.base import with_widget
    from deepmapper.plugin.algorithms.labels import option_labels
    from deepmapper.plugin.algorithms.model_choice import TRAINABLE_FORMATS, model_dropdown

    model = QgsProcessingModelAlgorithm("label_train_loop", "Models", "models")
    model.setHelpContent({"ALG_DESC": HELP, "ALG_CREATOR": "DeepMapper", "HELP_URL": HELP_URL})
    params = [
        QgsProcessingParameterRasterLayer("INPUT", "Image"),
        QgsProcessingParameterVectorLayer("LABELS", "Your labels (polygons or points)"),
        QgsProcessingParameterField("CLASS_FIELD", "Class field of your labels (0 clear, 1 cloud, 2 cloud shadow)",
                                    defaultValue="class", parentLayerParameterName="LABELS"),
        with_widget(QgsProcessingParameterEnum(
            "SENSOR", "Sensor (names the bands when they have no descriptions)", options=list(SENSOR_KEYS),
            defaultValue="sentinel2_l1c", usesStaticStrings=True), "LabelledEnumWrapper",
            labels=option_labels("SENSOR", list(SENSOR_KEYS), lambda text: text)),
        model_dropdown(QgsProcessingParameterString("INIT_MODEL", "Model to start from",
                                                    defaultValue="ukis_csmask_6b_l1c"),
                       ("cloudmask",), TRAINABLE_FORMATS),
        QgsProcessingParameterNumber("PATCH_SIZE", "Patch size (pixels, a multiple of 32)",
                                     QgsProcessingParameterNumber.Integer, 64, minValue=32),
        QgsProcessingParameterNumber("EPOCHS", "Epochs (at most)", QgsProcessingParameterNumber.Integer, 5,
                                     minValue=1),
        QgsProcessingParameterNumber("LEARNING_RATE", "Learning rate (peak)", QgsProcessingParameterNumber.Double,
                                     1e-4, minValue=1e-7, maxValue=1.0),
        QgsProcessingParameterVectorLayer("REFERENCE", "Reference for the accuracy check (polygons or points)"),
        QgsProcessingParameterField("REFERENCE_FIELD", "Class field of the reference", defaultValue="class",
                                    parentLayerParameterName="REFERENCE"),
    ]
    params.append(QgsProcessingParameterNumber("COUNT", "Number of places to label next",
                                               QgsProcessingParameterNumber.Integer, 10, minValue=1))
    for i, param in enumerate(params):
        model.addModelParameter(param, _placed(QgsProcessingModelParameter(param.name()), QPointF(120, 60 + 70 * i)))

    def child(child_id: str, algorithm: str, description: str, x: float, sources: dict, outputs: dict = None):
        step = QgsProcessingModelChildAlgorithm(algorithm)
        step.setChildId(child_id)
        step.setDescription(description)
        step.setPosition(QPointF(x, 300))
        for name, source in sources.items():
            step.addParameterSources(name, [source])
        exposed = {}
        for name, (child_output, label) in (outputs or {}).items():
            out = QgsProcessingModelOutput(name, label)
            out.setChildId(child_id)
            out.setChildOutputName(child_output)
            out.setPosition(QPointF(x + 40, 420))
            exposed[name] = out
        step.setModelOutputs(exposed)
        model.addChildAlgorithm(step)

    par, out, static = Source.fromModelParameter, Source.fromChildOutput, Source.fromStaticValue
    child("extractpatches", "deepmapper:extractpatches", "Extract training patches", 420,
          {"INPUT": par("INPUT"), "LABELS": par("LABELS"), "CLASS_FIELD": par("CLASS_FIELD"),
           "PATCH_SIZE": par("PATCH_SIZE"), "SENSOR": par("SENSOR")})
    child("trainmodel", "deepmapper:trainmodel", "Fine-tune the model", 680,
          {"DATASET": out("extractpatches", "OUTPUT"), "INIT_MODEL": par("INIT_MODEL"), "EPOCHS": par("EPOCHS"),
           "LEARNING_RATE": par("LEARNING_RATE"), "PATIENCE": static(3)},
          {"MODEL": ("OUTPUT_MODEL", "Fine-tuned model card")})
    child("cloudmask", "deepmapper:cloudmask", "Mask clouds with the fine-tuned model", 940,
          {"INPUT": par("INPUT"), "SENSOR": par("SENSOR"), "MODEL": out("trainmodel", "OUTPUT_MODEL")},
          {"CLOUD_MASK": ("OUTPUT", "Cloud mask")})
    child("assessaccuracy", "deepmapper:assessaccuracy", "Check against the reference", 1200,
          {"PREDICTION": out("cloudmask", "OUTPUT"), "REFERENCE": par("REFERENCE"),
           "CLASS_FIELD": par("REFERENCE_FIELD")},
          {"REPORT": ("OUTPUT_HTML", "Accuracy report")})
    child("suggestsamples", "deepmapper:suggestsamples", "Where to label next", 1460,
          {"INPUT": par("INPUT"), "MODEL": out("trainmodel", "OUTPUT_MODEL"), "LABELS": par("LABELS"),
           "PATCH_SIZE": par("PATCH_SIZE"), "COUNT": par("COUNT")},
          {"NEXT_SAMPLES": ("OUTPUT", "Places to label next")})
    model.updateDestinationParameters()
    return model


def _placed(component, point):
    component.setPosition(point)
    return component


def main() -> int:
    from qgis.core import QgsApplication
    app = QgsApplication([], False)
    app.initQgis()
    from processing.core.Processing import Processing
    Processing.initialize()
    from deepmapper.plugin.provider import DeepMapperProvider
    provider = DeepMapperProvider()  # kept referenced: the registry does not own a Python provider
    QgsApplication.processingRegistry().addProvider(provider)
    registry = QgsApplication.processingRegistry()
    lacking = [a for a in ("extractpatches", "trainmodel", "cloudmask", "assessaccuracy", "suggestsamples")
               if registry.algorithmById(f"deepmapper:{a}") is None]
    if lacking:  # a model naming a missing algorithm would be written, but could never run
        print(f"deepmapper:{', deepmapper:'.join(lacking)} not available; nothing written", file=sys.stderr)
        return 1
    model = build()
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    if not model.toFile(str(OUTPUT)):
        print(f"could not write {OUTPUT}", file=sys.stderr)
        return 1
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
