"""Which optional Python packages DeepMapper can use, which ones each model needs, and the plugin-owned folder the
installer puts them in. Cheap: nothing heavy is imported (safe at plugin load and in canExecute)."""
from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import os
import site
import sys
from pathlib import Path
from typing import Callable, Iterable

from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

PLUGIN_DIR = Path(__file__).resolve().parents[2]
REQUIREMENTS = PLUGIN_DIR / "requirements"  # shipped in the plugin zip (Makefile `package`)
FOLDER_NAME = "deepmapper-packages"

# module name -> what it is needed for (shown to the user, translated by the dialog)
PACKAGES = {
    "rasterio": QT_TRANSLATE_NOOP("DeepMapper", "reading and writing rasters"),
    "scipy": QT_TRANSLATE_NOOP("DeepMapper", "smoothing and dilating masks"),
    "geopandas": QT_TRANSLATE_NOOP("DeepMapper", "reading reference vectors (accuracy, training patches)"),
    "shapely": QT_TRANSLATE_NOOP("DeepMapper", "geometry operations (object matching, polygons)"),
    "onnxruntime": QT_TRANSLATE_NOOP("DeepMapper", "ONNX models (the UKIS cloud models)"),
    "ukis_csmask": QT_TRANSLATE_NOOP("DeepMapper", "the UKIS cloud models' weights"),
    "lightgbm": QT_TRANSLATE_NOOP("DeepMapper", "pixel classifiers (s2cloudless)"),
    "s2cloudless": QT_TRANSLATE_NOOP("DeepMapper", "the s2cloudless model's weights"),
    "torch": QT_TRANSLATE_NOOP("DeepMapper", "PyTorch models: segmentation, super-resolution, training"),
    "torchvision": QT_TRANSLATE_NOOP("DeepMapper", "ResNet encoders (unet_resnet)"),
    "sklearn": QT_TRANSLATE_NOOP("DeepMapper", "labelling tools: suggestions, label review, search by example"),
    "onnx": QT_TRANSLATE_NOOP("DeepMapper", "large tiles and fine-tuning of ONNX models"),
    "onnx2torch": QT_TRANSLATE_NOOP("DeepMapper", "fine-tuning the UKIS cloud models (converts them to PyTorch)"),
    "ml_dtypes": QT_TRANSLATE_NOOP("DeepMapper", "8-bit models on the CPU (PRECISION=int8; onnxruntime's quantiser)"),
}
BASICS = ("rasterio", "scipy", "geopandas", "shapely")  # QGIS's own Python usually has them (Debian: python3-*)
DISTRIBUTIONS = {"ukis_csmask": "ukis-csmask", "sklearn": "scikit-learn"}  # module -> name on PyPI where they differ
# Model format -> the runtime that runs it.
FORMAT_PACKAGES = {"onnx": ("onnxruntime",), "torch_state_dict": ("torch",), "torchscript": ("torch",),
                   "lightgbm": ("lightgbm",)}
TORCHVISION_ARCHITECTURES = ("unet_resnet",)

Probe = Callable[[str], "str | None"]  # module -> installed version ('' when unknown), or None when missing


def distribution(module: str) -> str:
    return DISTRIBUTIONS.get(module, module)


def probe(module: str) -> str | None:
    """The installed version of `module` ('' if it has no metadata), or None if it cannot be imported; found
    without importing it."""
    try:
        if importlib.util.find_spec(module) is None:
            return None
    except (ImportError, ValueError):
        return None
    try:
        return importlib.metadata.version(distribution(module))
    except importlib.metadata.PackageNotFoundError:
        return ""


def missing(packages: Iterable[str] | None = None, probe_fn: Probe = probe) -> list[str]:
    """The modules of `packages` (default: all of PACKAGES) that are not installed, in the order given."""
    return [p for p in (PACKAGES if packages is None else packages) if probe_fn(p) is None]


def packages_for_card(card) -> tuple[str, ...]:
    """Modules a model needs to run: its runtime (from the card's format), the package shipping its weights
    (`package:NAME/...`), and torchvision for ResNet encoders."""
    needed = list(FORMAT_PACKAGES.get(card.format, ()))
    weights = str(card.data.get("weights", ""))
    if weights.startswith("package:"):
        needed.append(weights[len("package:"):].split("/", 1)[0])
    architecture = card.data.get("architecture")
    name = architecture.get("name") if isinstance(architecture, dict) else architecture
    if name in TORCHVISION_ARCHITECTURES:
        needed.append("torchvision")
    return tuple(dict.fromkeys(needed))


def default_cards(registry, task: str) -> list:
    """The cards a task picks among when MODEL is empty, before looking at the image: the task's highest-priority
    models (e.g. the UKIS U-Nets for cloud masks, whichever of them the bands then select)."""
    cards = [registry.cards[cid] for cid in registry.ids(task)]
    if not cards:
        return []
    top = max(c.priority for c in cards)
    return [c for c in cards if c.priority == top]


def packages_for_cards(cards: Iterable) -> tuple[str, ...]:
    return tuple(dict.fromkeys(p for card in cards for p in packages_for_card(card)))


# -- the plugin-owned install folder ---------------------------------------------------------------------------------
def packages_folder() -> Path:
    """Where the installer puts packages: inside the QGIS profile (per user, writable, removed with the profile),
    never in QGIS's own Python."""
    from qgis.core import QgsApplication
    return Path(QgsApplication.qgisSettingsDirPath()) / "python" / FOLDER_NAME


def activate_folder(folder: str | os.PathLike | None = None) -> Path:
    """Put the install folder on sys.path (after QGIS's own paths, so QGIS's NumPy, GDAL and the like always win),
    with its .pth files; call before any engine import. Idempotent. Also makes a folder filled since visible."""
    path = Path(folder) if folder is not None else packages_folder()
    path.mkdir(parents=True, exist_ok=True)
    if str(path) not in sys.path:
        site.addsitedir(str(path))
    importlib.invalidate_caches()
    return path


# -- pins ------------------------------------------------------------------------------------------------------------
def read_pins(*files: str | os.PathLike) -> dict[str, str]:
    """Requirement lines of pip requirement files, keyed by lower-case distribution name (comments dropped)."""
    pins: dict[str, str] = {}
    for file in files:
        for line in Path(file).read_text(encoding="utf-8").splitlines():
            line = line.split("#", 1)[0].strip()
            if not line or line.startswith("-"):
                continue
            name = line
            for sep in ("===", "==", ">=", "<=", "~=", "!=", "<", ">", "[", ";"):
                name = name.split(sep, 1)[0]
            pins[name.strip().lower().replace("_", "-")] = line
    return pins


def pins() -> dict[str, str]:
    """The pinned runtime packages (requirements/runtime.txt) and model packages (requirements/models.txt)."""
    return read_pins(REQUIREMENTS / "runtime.txt", REQUIREMENTS / "models.txt")


def install_hint(packages: list[str]) -> str:
    """One sentence saying how to get `packages` (module names), for messages shown in QGIS."""
    from qgis.PyQt.QtCore import QCoreApplication
    return QCoreApplication.translate(
        "DeepMapper", "Install them in QGIS with Raster > DeepMapper > Install dependencies; outside QGIS: "
                      "`pip install {}` into the Python that runs QGIS.").format(
        " ".join(distribution(p) for p in packages))


def keep_triton_out() -> None:
    """Stop triton from loading in this process (torch and onnx2torch import it when it is installed, as the CUDA
    builds of torch install it). DeepMapper never compiles GPU kernels, and triton's own LLVM crashes the process
    (SIGSEGV while loading libtriton.so) when Mesa's libLLVM is already loaded, as it is in desktop QGIS: the first
    training step or fine-tuning of an ONNX model closed QGIS. torch then sees triton as not installed."""
    if "triton" not in sys.modules:
        sys.modules["triton"] = None  # an import of it raises ImportError

