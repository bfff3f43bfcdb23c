"""The MODEL parameters' dropdown: which installed models fit an algorithm, and the metadata that gives a string
parameter the ModelWidgetWrapper of model_widget.py in the algorithm, batch and model-builder dialogs.

MODEL stays a plain string parameter (a model id, a card path, or empty for the best model), so qgis_process, batch
runs, scripts and saved models keep working; only the widget changes. This module imports no GUI code: the wrapper
class is named by its dotted path and imported by Processing when a dialog opens.
"""
from __future__ import annotations

from typing import Sequence

from qgis.core import QgsProcessingParameterDefinition

from ...models.catalog import list_models
from .base import DeepMapperAlgorithm

WRAPPER_CLASS = f"{__package__}.model_widget.ModelWidgetWrapper"
TRAINABLE_FORMATS = ("torch_state_dict", "onnx")  # INIT_MODEL: what trainmodel can fine-tune (ONNX via onnx2torch)


def model_dropdown(param: QgsProcessingParameterDefinition, tasks: str | Sequence[str],
                   formats: Sequence[str] = ()) -> QgsProcessingParameterDefinition:
    """Show `param` (a string parameter) as a dropdown of the installed models of `tasks` (and `formats`, if
    given); returns it for chaining."""
    tasks = [tasks] if isinstance(tasks, str) else list(tasks)
    metadata = param.metadata()
    metadata["widget_wrapper"] = {"class": WRAPPER_CLASS, "tasks": tasks, "formats": list(formats)}
    param.setMetadata(metadata)
    return param


def model_choices(tasks: Sequence[str], formats: Sequence[str] = ()) -> list[tuple[str, str, str]]:
    """(label 'name (id)', id, tooltip) of every installed model of `tasks` with a format in `formats` (all formats
    when empty), from the registry the algorithms use (bundled, packages, user model folders)."""
    registry = DeepMapperAlgorithm.model_registry()
    rows = []
    for task in tasks:
        for entry in list_models(registry, task, installed_only=True):
            if formats and entry.format not in formats:
                continue
            tip = registry.cards[entry.id].summary() + (f"\n{entry.scores}" if entry.scores else "")
            rows.append((f"{entry.name} ({entry.id})", entry.id, tip))
    return rows
