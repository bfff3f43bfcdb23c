"""Train on the labels from the labelling panel: deepmapper:extractpatches, then deepmapper:trainmodel on the dataset it
wrote, as two QgsProcessingAlgRunnerTasks in QGIS's task manager (QGIS stays usable; the second starts from the first
one's `executed` signal, with the first one's OUTPUT as DATASET). Progress, stage and outcome come back as signals.
"""
from __future__ import annotations

import os
import re

from qgis.core import (QgsApplication, QgsProcessingAlgRunnerTask, QgsProcessingContext, QgsProcessingFeedback,
                       QgsProject)
from qgis.PyQt.QtCore import QCoreApplication, QObject, pyqtSignal


def tr(text: str) -> str:
    return QCoreApplication.translate("DeepMapper", text)


def output_paths(folder: str, name: str) -> tuple[str, str]:
    """(patch dataset folder, model card .json) for `name` in `folder`, numbered so nothing existing is reused."""
    stem = re.sub(r"[^\w-]+", "_", name).strip("_") or "labels"
    for n in range(1, 1000):
        base = os.path.join(folder, stem if n == 1 else f"{stem}_{n}")
        dataset, card = base + "_patches", base + ".json"
        if not os.path.exists(dataset) and not os.path.exists(card):
            return dataset, card
    raise RuntimeError(f"no free name for {stem} in {folder}")


class LabelTraining(QObject):
    """One extract-then-train run. `extract` and `train` are the algorithms' parameters (train without DATASET)."""

    progressChanged = pyqtSignal(float, str)  # overall percent, what runs now
    finished = pyqtSignal(bool, str)  # success, the model card path or the error

    def __init__(self, extract: dict, train: dict, parent=None) -> None:
        super().__init__(parent)
        self.extract, self.train = dict(extract), dict(train)
        self.tasks: list[QgsProcessingAlgRunnerTask] = []
        self._keep: list = []  # algorithm, context and feedback must outlive their task
        self.running = False

    def start(self) -> None:
        self.running = True
        self._run("deepmapper:extractpatches", self.extract, 0.0, tr("Extracting training patches…"), self._extracted)

    def cancel(self) -> None:
        for task in self.tasks:
            task.cancel()

    def _run(self, algorithm_id: str, parameters: dict, start: float, stage: str, done) -> None:
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(algorithm_id)
        context = QgsProcessingContext()
        context.setProject(QgsProject.instance())
        feedback = QgsProcessingFeedback()
        task = QgsProcessingAlgRunnerTask(algorithm, parameters, context, feedback)
        task.progressChanged.connect(lambda percent: self.progressChanged.emit(start + percent / 2, stage))
        task.executed.connect(lambda ok, results: done(ok, results, feedback))
        self._keep += [algorithm, context, feedback]
        self.tasks.append(task)
        self.progressChanged.emit(start, stage)
        QgsApplication.taskManager().addTask(task)

    def _extracted(self, ok: bool, results: dict, feedback: QgsProcessingFeedback) -> None:
        if not ok:
            return self._failed(tr("Patch extraction failed"), feedback)
        self._run("deepmapper:trainmodel", {**self.train, "DATASET": results["OUTPUT"]}, 50.0,
                  tr("Training the model…"), self._trained)

    def _trained(self, ok: bool, results: dict, feedback: QgsProcessingFeedback) -> None:
        if not ok:
            return self._failed(tr("Training failed"), feedback)
        self.running = False
        self.progressChanged.emit(100.0, tr("Done"))
        self.finished.emit(True, results.get("OUTPUT_MODEL") or self.train.get("OUTPUT_MODEL", ""))

    def _failed(self, what: str, feedback: QgsProcessingFeedback) -> None:
        self.running = False
        lines = [line for line in feedback.textLog().splitlines() if line.strip()]
        reason = tr("cancelled") if feedback.isCanceled() else (lines[-1] if lines else tr("see the log"))
        self.finished.emit(False, f"{what}: {reason}")
