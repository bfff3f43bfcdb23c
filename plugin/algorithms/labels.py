"""Words the dialogs show for keys the engine uses: enum options (sensor presets, devices, architectures, class
weighting), search tags, help links; the class names of the bundled models and of cloudmask come from
models/card.py, since the run logs show them too. The keys stay the qgis_process values; only what a person reads
is translated here (the engine stays QGIS-free; its own messages go through plugin/core/engine/messages.py)."""
from __future__ import annotations

from typing import Callable, Iterable

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from ...models.card import class_label  # noqa: F401 (used from here by styles, the labelling dock, the card editor)

REPOSITORY_URL = "https://github.com/deepmapper/deepmapper"  # metadata.txt's homepage; help links go to its README

OPTION_LABELS = {  # static enum option -> label in the dialog
    "auto": QT_TRANSLATE_NOOP("DeepMapper", "Automatic"),
    "cpu": QT_TRANSLATE_NOOP("DeepMapper", "CPU"),
    "cuda": QT_TRANSLATE_NOOP("DeepMapper", "CUDA GPU"),
    "sentinel2_l1c": QT_TRANSLATE_NOOP("DeepMapper", "Sentinel-2 L1C"),
    "sentinel2_l2a": QT_TRANSLATE_NOOP("DeepMapper", "Sentinel-2 L2A"),
    "landsat8": QT_TRANSLATE_NOOP("DeepMapper", "Landsat 8/9"),
    "landsat7": QT_TRANSLATE_NOOP("DeepMapper", "Landsat 7"),
    "spot_pleiades_4band": QT_TRANSLATE_NOOP("DeepMapper", "SPOT/Pleiades 4 bands"),
    "panchromatic": QT_TRANSLATE_NOOP("DeepMapper", "Panchromatic"),
    "generic": QT_TRANSLATE_NOOP("DeepMapper", "Generic"),
    "unet_light": QT_TRANSLATE_NOOP("DeepMapper", "U-Net (light)"),
    "unet_resnet": QT_TRANSLATE_NOOP("DeepMapper", "U-Net with ResNet-18 encoder"),
    "sqrt": QT_TRANSLATE_NOOP("DeepMapper", "Square root of inverse frequency"),
    "inverse": QT_TRANSLATE_NOOP("DeepMapper", "Inverse frequency"),
    "none": QT_TRANSLATE_NOOP("DeepMapper", "None (every class alike)"),
}
SPECIAL_LABELS = {  # enum options whose meaning depends on the parameter: (parameter name, option) -> label
    ("SENSOR", "auto"): QT_TRANSLATE_NOOP("DeepMapper", "Automatic (the model's own)"),
    ("PRECISION", "auto"): QT_TRANSLATE_NOOP("DeepMapper", "Automatic (float32; float16 on a GPU where allowed)"),
    ("PRECISION", "float32"): QT_TRANSLATE_NOOP("DeepMapper", "float32 everywhere"),
    ("PRECISION", "int8"): QT_TRANSLATE_NOOP("DeepMapper", "int8 on the CPU (faster, slightly different results)"),
    ("STRATEGY", "entropy"): QT_TRANSLATE_NOOP("DeepMapper", "Entropy"),
    ("STRATEGY", "margin"): QT_TRANSLATE_NOOP("DeepMapper", "Margin"),
    ("STRATEGY", "tta_disagreement"): QT_TRANSLATE_NOOP("DeepMapper", "Flip disagreement"),
    ("STRATEGY", "random"): QT_TRANSLATE_NOOP("DeepMapper", "Random"),
    ("DIVERSITY", "none"): QT_TRANSLATE_NOOP("DeepMapper", "None"),
    ("DIVERSITY", "kcenter"): QT_TRANSLATE_NOOP("DeepMapper", "Different kinds of places"),
    ("DIVERSITY", "cluster"): QT_TRANSLATE_NOOP("DeepMapper", "One from each group of similar places"),
    ("DIVERSITY", "spatial"): QT_TRANSLATE_NOOP("DeepMapper", "Apart on the map"),
}


def translate(text: str) -> str:
    return QCoreApplication.translate("DeepMapper", text)


def option_labels(name: str, options: Iterable[str], tr: Callable[[str], str] = translate) -> list[str] | None:
    """Dialog labels of an enum's options, or None when some option has no label (the dialog then shows keys)."""
    labels = []
    for option in options:
        text = SPECIAL_LABELS.get((name, option)) or OPTION_LABELS.get(option)
        if text is None:
            return None
        labels.append(tr(text))
    return labels


def help_url(anchor: str) -> str:
    """The README section of an algorithm on the project page (GitHub's heading anchors)."""
    return f"{REPOSITORY_URL}#{anchor}"
