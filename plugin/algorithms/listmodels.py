"""deepmapper:listmodels: the models DeepMapper knows, as a table and JSON, for qgis_process and the model builder."""
from __future__ import annotations

import json

from qgis.core import (QgsFeature, QgsFeatureSink, QgsField, QgsFields, QgsProcessing, QgsProcessingOutputNumber,
                       QgsProcessingOutputString, QgsProcessingParameterBoolean, QgsProcessingParameterEnum,
                       QgsProcessingParameterFeatureSink, QgsWkbTypes)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QVariant

from ...models.card import TASKS
from ...models.catalog import list_models
from .base import DeepMapperAlgorithm

ALL = "all"
FIELDS = (("id", QVariant.String), ("name", QVariant.String), ("task", QVariant.String),
          ("format", QVariant.String), ("bands", QVariant.String), ("sensor", QVariant.String),
          ("resolution_m", QVariant.Double), ("license", QVariant.String), ("source", QVariant.String),
          ("status", QVariant.String), ("size_mb", QVariant.Double), ("scores", QVariant.String),
          ("card", QVariant.String))


class ListModelsAlgorithm(DeepMapperAlgorithm):
    TASK, INSTALLED_ONLY, OUTPUT = "TASK", "INSTALLED_ONLY", "OUTPUT"

    ALGORITHM_ID = "listmodels"
    DISPLAY_NAME = QT_TRANSLATE_NOOP("DeepMapper", "List models")
    SHORT_DESCRIPTION = QT_TRANSLATE_NOOP("DeepMapper", "Lists the installed and downloadable models with their cards.")
    TAGS = (QT_TRANSLATE_NOOP("DeepMapper", "models"), QT_TRANSLATE_NOOP("DeepMapper", "model card"),
            QT_TRANSLATE_NOOP("DeepMapper", "U-Net"), QT_TRANSLATE_NOOP("DeepMapper", "ONNX"),
            QT_TRANSLATE_NOOP("DeepMapper", "PyTorch"), QT_TRANSLATE_NOOP("DeepMapper", "download"))
    HELP_ANCHOR = "installing-in-desktop-qgis"
    GROUP_ID = "analysis"
    required_packages = ()

    def shortHelpString(self) -> str:  # noqa: N802
        return self.tr(
            "Lists the models DeepMapper knows: bundled, shipped by installed packages (ukis-csmask, s2cloudless), "
            "in your model folders (DeepMapper settings) and downloadable ones, with task, bands, sensor, "
            "resolution, licence, size, source, status and validation scores.\n\n"
            "The id column is what the model parameter of the other algorithms takes. Outputs: the table, the "
            "models as a JSON list (one object per model), their ids (comma-separated) and their number.")

    def initAlgorithm(self, config=None):  # noqa: N802
        self.addParameter(QgsProcessingParameterEnum(
            self.TASK, self.tr("Task"), options=[ALL, *TASKS], defaultValue=ALL, usesStaticStrings=True))
        self.addParameter(QgsProcessingParameterBoolean(
            self.INSTALLED_ONLY, self.tr("Only models that can run now (weights installed)"), False))
        self.addParameter(QgsProcessingParameterFeatureSink(
            self.OUTPUT, self.tr("Models"), QgsProcessing.TypeVector, optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputString("MODELS", self.tr("Models (JSON)")))
        self.addOutput(QgsProcessingOutputString("IDS", self.tr("Model ids")))
        self.addOutput(QgsProcessingOutputNumber("COUNT", self.tr("Number of models")))

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        task = self.parameterAsEnumString(parameters, self.TASK, context)
        registry = self.model_registry()
        rows = list_models(registry, None if task == ALL else task,
                           self.parameterAsBoolean(parameters, self.INSTALLED_ONLY, context))
        for problem in registry.problems:
            feedback.reportError(problem)
        results = {"MODELS": json.dumps([r.as_dict() for r in rows], ensure_ascii=False),
                   "IDS": ",".join(r.id for r in rows), "COUNT": len(rows)}
        if parameters.get(self.OUTPUT) is not None:
            fields = QgsFields()
            for name, kind in FIELDS:
                fields.append(QgsField(name, kind))
            sink, dest = self.parameterAsSink(parameters, self.OUTPUT, context, fields, QgsWkbTypes.NoGeometry)
            for row in rows:
                feature = QgsFeature(fields)
                feature.setAttributes([
                    row.id, row.name, row.task, row.format, ",".join(row.bands), row.sensor, row.resolution_m,
                    row.license, row.source, row.status,
                    round(row.size_bytes / 1e6, 2) if row.size_bytes is not None else None, row.scores,
                    row.card_path])
                sink.addFeature(feature, QgsFeatureSink.FastInsert)
            results[self.OUTPUT] = dest
        for row in rows:
            feedback.pushInfo(f"{row.id}: {row.task}, {row.status}, {row.source}")
        return results
