"""What every DeepMapper algorithm shares: inference parameters, feedback bridge, error translation, styling."""
from __future__ import annotations

import os
from typing import Any, Callable

from qgis.core import (QgsProcessing, QgsProcessingAlgorithm, QgsProcessingException, QgsProcessingOutputLayerDefinition,
                       QgsProcessingParameterEnum, QgsProcessingParameterFeatureSource, QgsProcessingParameterField,
                       QgsProcessingParameterNumber, QgsProcessingParameterRasterLayer, QgsRasterLayer)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from qgis.PyQt.QtGui import QIcon

from .. import dependencies
from . import checks, styles
from .labels import help_url, option_labels
from ..core.engine.device import DEVICES, PRECISIONS
from ..core.engine.errors import DeepMapperError
from ..core.engine.messages import install_translator
from ..core.engine.progress import Monitor, stop_on_signals
from ..settings import Settings, numbered_path
from ...models.registry import Registry

PLUGIN_DIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ICON_PATH = os.path.join(PLUGIN_DIR, "icons", "deepmapper.svg")
GROUPS = {  # groupId -> group name (translated when shown)
    "analysis": QT_TRANSLATE_NOOP("DeepMapper", "Image analysis"),
    "segmentation": QT_TRANSLATE_NOOP("DeepMapper", "Segmentation"),
    "superresolution": QT_TRANSLATE_NOOP("DeepMapper", "Super-resolution"),
    "training": QT_TRANSLATE_NOOP("DeepMapper", "Training"),
    "accuracy": QT_TRANSLATE_NOOP("DeepMapper", "Evaluation"),
}
# The engine speaks the user's language inside QGIS (plain Python keeps English): one context, thread-safe.
install_translator(lambda text: QCoreApplication.translate("DeepMapper", text))
VECTOR_FORMATS = ["gpkg", "shp", "geojson", "json", "fgb", "sqlite", "gml", "kml", "csv", "tab", "gpx"]


class DeepMapperAlgorithm(QgsProcessingAlgorithm):
    """Base class: subclasses set ALGORITHM_ID, DISPLAY_NAME (marked with QT_TRANSLATE_NOOP) and GROUP_ID, and define
    initAlgorithm/processAlgorithm/shortHelpString."""

    ALGORITHM_ID = ""
    DISPLAY_NAME = ""
    GROUP_ID = "analysis"
    required_packages: tuple[str, ...] = ("rasterio", "scipy")  # besides the model's runtime (MODEL_TASK)
    MODEL_TASK: str | None = None  # registry task of the MODEL parameter: canExecute checks its default's runtime
    SHORT_DESCRIPTION = ""  # one line for the toolbox tooltip (QT_TRANSLATE_NOOP)
    TAGS: tuple[str, ...] = ()  # search words (QT_TRANSLATE_NOOP); the English ones are always searchable too
    HELP_ANCHOR = ""  # the README heading of this algorithm (labels.help_url)
    KEPT_OUTPUTS: tuple[str, ...] = ()  # outputs that must not be temporary (a trained model, a patch dataset)

    def tr(self, text: str) -> str:
        return QCoreApplication.translate("DeepMapper", text)

    def name(self) -> str:
        return self.ALGORITHM_ID

    def displayName(self) -> str:  # noqa: N802
        return self.tr(self.DISPLAY_NAME)

    def group(self) -> str:
        return self.tr(GROUPS[self.GROUP_ID])

    def shortDescription(self) -> str:  # noqa: N802
        return self.tr(self.SHORT_DESCRIPTION)

    def tags(self) -> list[str]:
        words = ["deepmapper", "deep learning", *self.TAGS]
        return list(dict.fromkeys(words + [self.tr(w) for w in words]))

    def helpUrl(self) -> str:  # noqa: N802
        return help_url(self.HELP_ANCHOR) if self.HELP_ANCHOR else ""

    def groupId(self) -> str:  # noqa: N802
        return self.GROUP_ID

    def createInstance(self):  # noqa: N802
        return type(self)()

    def icon(self) -> QIcon:
        return QIcon(ICON_PATH)

    @staticmethod
    def model_registry() -> Registry:
        """The models: bundled, DEEPMAPPER_MODEL_PATH (fallback), the default model folder (settings.py) and the user
        model folders of the settings, with downloaded weights in the settings' download cache."""
        settings = Settings.load()
        return Registry(settings.search_folders, download_dir=settings.cache)

    def canExecute(self):  # noqa: N802
        """Refuse to start, naming exactly the missing packages, when the model used by default cannot run (unless
        another model of the task can: the user may choose it with MODEL, checked by checkParameterValues)."""
        missing = dependencies.missing(self.required_packages)
        if not missing and self.MODEL_TASK:
            registry = self.model_registry()
            missing = dependencies.missing(dependencies.packages_for_cards(
                dependencies.default_cards(registry, self.MODEL_TASK)))
            if missing and any(not dependencies.missing(dependencies.packages_for_card(registry.cards[cid]))
                               for cid in registry.ids(self.MODEL_TASK)):
                missing = []
        return self.missing_message(missing)

    def missing_message(self, missing: list[str], model: str = "") -> tuple[bool, str]:
        if not missing:
            return True, ""
        names = ", ".join(dependencies.distribution(p) for p in missing)
        text = (self.tr("Missing Python packages for the model '{}': {}.").format(model, names) if model else
                self.tr("Missing Python packages: {}.").format(names))
        return False, text + " " + dependencies.install_hint(missing)

    def model_packages_check(self, parameters, context) -> tuple[bool, str]:
        """The packages the model of this run needs (MODEL given, else the task's default), and torchvision for
        ResNet architectures."""
        architecture = self.parameterDefinition("ARCHITECTURE") and \
            self.parameterAsEnumString(parameters, "ARCHITECTURE", context)
        if architecture in dependencies.TORCHVISION_ARCHITECTURES:
            return self.missing_message(dependencies.missing(("torch", "torchvision")))
        if not self.MODEL_TASK or self.parameterDefinition("MODEL") is None:
            return True, ""
        model = (self.parameterAsString(parameters, "MODEL", context) or "").strip()
        registry = self.model_registry()
        if not model:
            cards = dependencies.default_cards(registry, self.MODEL_TASK)
            missing = dependencies.missing(dependencies.packages_for_cards(cards))
            runnable = [cid for cid in registry.ids(self.MODEL_TASK)
                        if not dependencies.missing(dependencies.packages_for_card(registry.cards[cid]))]
            ok, text = self.missing_message(missing, ", ".join(c.id for c in cards))
            return (ok, text) if ok or not runnable else (False, text + " " + self.tr(
                "Or choose a model that can run now as MODEL: {}.").format(", ".join(runnable)))
        try:
            card = registry.get(model, self.MODEL_TASK)
        except Exception:  # noqa: BLE001  an unknown model or a bad card: the engine says what is wrong
            return True, ""
        return self.missing_message(dependencies.missing(dependencies.packages_for_card(card)), card.id)

    def checkParameterValues(self, parameters, context):  # noqa: N802
        """Say which packages the chosen model lacks, what is wrong with an input QGIS cannot load or an output that
        cannot be written, and what to do instead (checks.py)."""
        problem = self.enum_problem(parameters, context) or self.number_problem(parameters, context)
        if problem:
            return False, problem
        ok, message = self.model_packages_check(parameters, context)
        if not ok:
            return False, message
        problem = self.temporary_output_problem(parameters)
        if problem:
            return False, problem
        with checks.no_sidecars():
            problem = checks.input_problem(self, parameters, context, self.tr) or \
                checks.output_problem(self, parameters, context, self.tr)
        if problem:
            return False, problem
        return super().checkParameterValues(parameters, context)

    def enum_problem(self, parameters: dict, context) -> str:
        """A SENSOR, DEVICE, ... value that is not an option: name the valid values (QGIS itself only says
        "Incorrect parameter value")."""
        for param in self.parameterDefinitions():
            if isinstance(param, StaticEnum) and param.name() in parameters and \
                    not param.checkValueIsAcceptable(parameters[param.name()], context):
                return self.tr("{} must be one of {} (or their option numbers 0 to {}); '{}' is not.").format(
                    param.name(), ", ".join(param.options()), len(param.options()) - 1, parameters[param.name()])
        return ""

    def number_problem(self, parameters: dict, context) -> str:
        """A number outside its parameter's range, or no number at all: name the range and the dialog's words (QGIS
        itself only says "Incorrect parameter value")."""
        for param in self.parameterDefinitions():
            if isinstance(param, QgsProcessingParameterNumber) and param.name() in parameters and \
                    not param.checkValueIsAcceptable(parameters[param.name()], context):
                low, high = param.minimum(), param.maximum()
                whole = param.dataType() == QgsProcessingParameterNumber.Integer
                kind = self.tr("a whole number") if whole else self.tr("a number")
                if low > -1e300 and high < 1e300:
                    span = self.tr("{} from {} to {}").format(kind, _number(low), _number(high))
                elif low > -1e300:
                    span = self.tr("{} of at least {}").format(kind, _number(low))
                elif high < 1e300:
                    span = self.tr("{} of at most {}").format(kind, _number(high))
                else:
                    span = kind
                return self.tr("{} \"{}\" must be {}; '{}' is not.").format(
                    param.name(), param.description(), span, parameters[param.name()])
        return ""

    def temporary_output_problem(self, parameters: dict) -> str:
        """A trained model or a dataset in a temporary folder is deleted when QGIS closes: ask for a place."""
        for name in self.KEPT_OUTPUTS:
            value = parameters.get(name)
            if isinstance(value, QgsProcessingOutputLayerDefinition):
                value = value.sink.staticValue()
            if value in (None, "", QgsProcessing.TEMPORARY_OUTPUT):
                return self.tr("Choose where to save '{}': a temporary file or folder is deleted when QGIS closes "
                               "and the result would be lost.").format(self.parameterDefinition(name).description())
        return ""

    @staticmethod
    def model_folder_path(file_name: str) -> str:
        """The default destination of a new model: `file_name` in the first model folder of the settings, else in the
        default model folder (both searched by the registry, so the model is found by its id); numbered
        (`_2`, `_3`, ...) when that file exists, so a default never replaces an earlier model."""
        return numbered_path(os.path.join(Settings.load().save_folder, file_name))

    def addParameter(self, parameter, createOutput=True):  # noqa: N802
        """Every static-string enum (SENSOR, DEVICE, ...) also takes an option's number, as qgis_process help says,
        and shows its options' labels in the dialogs (labels.OPTION_LABELS) while its values stay the keys."""
        if isinstance(parameter, QgsProcessingParameterEnum) and parameter.usesStaticStrings() and \
                not isinstance(parameter, StaticEnum):
            parameter = StaticEnum.from_enum(parameter)
        if isinstance(parameter, StaticEnum) and "widget_wrapper" not in parameter.metadata():
            labels = option_labels(parameter.name(), parameter.options(), self.tr)
            if labels:
                with_widget(parameter, "LabelledEnumWrapper", labels=labels)
        return super().addParameter(parameter, createOutput)

    def parameterAsEnumString(self, parameters, name, context):  # noqa: N802
        param = self.parameterDefinition(name)
        if isinstance(param, StaticEnum) and name in parameters:
            parameters = {**parameters, name: param.as_option(parameters[name])}
        return super().parameterAsEnumString(parameters, name, context)

    # -- shared parameters -------------------------------------------------------------------------------------
    def add_inference_parameters(self, precision: bool = False) -> None:
        """DEVICE, TILE_SIZE, OVERLAP, BATCH_SIZE, THREADS: identical for every model-running algorithm; defaults
        from the DeepMapper settings. `precision`: PRECISION too (the class-raster algorithms)."""
        settings = Settings.load()
        self.addParameter(QgsProcessingParameterEnum(
            "DEVICE", self.tr("Device"), options=list(DEVICES), defaultValue=settings.device, usesStaticStrings=True))
        if precision:
            param = QgsProcessingParameterEnum(
                "PRECISION", self.tr("Numeric precision"), options=list(PRECISIONS), defaultValue="auto",
                usesStaticStrings=True)
            param.setFlags(param.flags() | param.FlagAdvanced)
            self.addParameter(param)
        for name, label, default, automatic in (  # 0 = automatic, shown as a word in the dialog
                ("TILE_SIZE", self.tr("Tile size in pixels"), settings.tile_size, self.tr("The model's own")),
                ("OVERLAP", self.tr("Tile overlap in pixels (at least the model's margin)"), 0,
                 self.tr("The model's margin")),
                ("BATCH_SIZE", self.tr("Tiles per batch"), settings.batch_size, self.tr("From free memory")),
                ("THREADS", self.tr("CPU threads"), settings.threads, self.tr("All cores"))):
            param = QgsProcessingParameterNumber(name, label, QgsProcessingParameterNumber.Integer, default,
                                                 minValue=0)
            param.setFlags(param.flags() | param.FlagAdvanced)
            self.addParameter(with_special_value(param, automatic))

    def precision_help(self, which: str) -> str:
        """The help paragraph on 'Numeric precision', shared by the algorithms that offer it; `which` names the
        models that have an 8-bit version, in the algorithm's own terms."""
        return "\n\n" + self.tr(
            "Numeric precision (advanced): 'Automatic' computes in float32, or in float16 on a GPU where the model "
            "allows it; 'float32 everywhere' turns half precision off. 'int8 on the CPU' runs an 8-bit version of "
            "the model, for models that ship one ({}): about 1.4 to 1.7 times as fast on CPUs with 8-bit "
            "instructions (AVX-512 VNNI, AVX-VNNI), with results that differ from float32 in a few per cent of "
            "pixels (scores in the documentation). The 8-bit model is built once, at its first use (about 15 s). "
            "On a GPU, int8 runs as 'Automatic'.").format(which)

    def add_labelled_image_parameters(self) -> None:
        """INPUT, LABELS and CLASS_FIELD: an image and its labelled polygons or points, the same in every algorithm
        that learns from or judges labels (extractpatches, reviewlabels)."""
        self.addParameter(QgsProcessingParameterRasterLayer("INPUT", self.tr("Image")))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "LABELS", self.tr("Labelled polygons or points"),
            [QgsProcessing.TypeVectorPolygon, QgsProcessing.TypeVectorPoint]))
        self.addParameter(QgsProcessingParameterField(
            "CLASS_FIELD", self.tr("Class field (names or ids)"), parentLayerParameterName="LABELS"))

    def add_scale_parameters(self, advanced: bool) -> None:
        """SCALE and OFFSET: value x SCALE + OFFSET = reflectance, for models that take reflectance."""
        scale = with_special_value(QgsProcessingParameterNumber(
            "SCALE", self.tr("Scale to reflectance"),
            QgsProcessingParameterNumber.Double, 0.0, minValue=0.0), self.tr("Detect from the values"), decimals=6)
        offset = QgsProcessingParameterNumber("OFFSET", self.tr("Offset to reflectance"),
                                              QgsProcessingParameterNumber.Double, 0.0)
        for param in (scale, offset):
            if advanced or param is offset:
                param.setFlags(param.flags() | param.FlagAdvanced)
            self.addParameter(param)

    def classify_options(self, parameters: dict, context) -> dict[str, Any]:
        """The ClassifyRequest fields that every class-raster algorithm (cloudmask, segment) reads the same way."""
        return {
            "input": self.raster_path(parameters, "INPUT", context),
            "output": self.parameterAsOutputLayer(parameters, "OUTPUT", context),
            "model": (self.parameterAsString(parameters, "MODEL", context) or "").strip() or None,
            "bands": self.parameterAsString(parameters, "BANDS", context) or None,
            "scale": self.parameterAsDouble(parameters, "SCALE", context) or None,
            "offset": self.parameterAsDouble(parameters, "OFFSET", context),
            "output_probability": self.optional_output(parameters, "OUTPUT_PROBABILITY", context),
            "output_vector": self.optional_output(parameters, "OUTPUT_VECTOR", context),
            "min_area": self.parameterAsDouble(parameters, "MIN_AREA", context),
            "threads": self.parameterAsInt(parameters, "THREADS", context),
            "precision": self.parameterAsEnumString(parameters, "PRECISION", context) or "auto",
            **self.inference_options(parameters, context),
        }

    def inference_options(self, parameters: dict, context) -> dict[str, Any]:
        return {
            "device": self.parameterAsEnumString(parameters, "DEVICE", context) or "auto",
            "tile_size": self.parameterAsInt(parameters, "TILE_SIZE", context) or None,
            "overlap": self.parameterAsInt(parameters, "OVERLAP", context) or None,
            "batch_size": self.parameterAsInt(parameters, "BATCH_SIZE", context),
        }

    # -- running the engine ------------------------------------------------------------------------------------
    @staticmethod
    def monitor(feedback) -> Monitor:
        return Monitor(progress=lambda f: feedback.setProgress(100.0 * f),
                       is_cancelled=feedback.isCanceled, log=feedback.pushInfo)

    def run_engine(self, call: Callable[[], Any]) -> Any:
        """Run an engine call; its user-facing errors become QgsProcessingException (shown as they are). In the main
        thread (qgis_process, the Python console) SIGINT/SIGTERM cancel it cleanly instead of killing it mid-write."""
        try:
            with stop_on_signals():
                return call()
        except DeepMapperError as exc:
            raise QgsProcessingException(str(exc)) from exc
        except MemoryError as exc:
            raise QgsProcessingException(self.tr(
                "Not enough memory ({}). Process a smaller extent (clip the raster first), or lower TILE_SIZE or "
                "BATCH_SIZE.").format(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from exc
        except OSError as exc:  # GDAL/rasterio I/O: disk full, no permission, unreadable file
            raise QgsProcessingException(self.tr(
                "Reading or writing a file failed: {}. Check free disk space and write permission of the output "
                "and temporary folders, and that the inputs are intact.").format(
                str(exc).splitlines()[0] if str(exc) else type(exc).__name__)) from exc

    def warn_if_cancelled(self, feedback, cancelled: bool, epochs: int, best_epoch: int | None = None) -> bool:
        """A cancelled training still writes a model: say so as a warning (the log and the model builder show it);
        returns `cancelled` for the CANCELLED output."""
        if cancelled:
            text = self.tr("Training was cancelled after {} epochs: the model written is the best so far").format(
                epochs)
            feedback.pushWarning(text + (self.tr(" (epoch {}).").format(best_epoch) if best_epoch else "."))
        return bool(cancelled)

    def parameterAsRasterLayer(self, parameters: dict, name: str, context):  # noqa: N802 (QGIS's name)
        """QGIS's, and a GDAL subdataset name given as text (qgis_process, scripts: 'SENTINEL2_L1C:...:10m:...', as a
        Sentinel-2 product names its bands), which QGIS 3.22 loads only as a layer the user added."""
        layer = super().parameterAsRasterLayer(parameters, name, context)
        value = parameters.get(name)
        if layer is None and isinstance(value, str):
            from ..core.engine.raster_io import is_gdal_name  # rasterio: only once dependencies are installed
            if not is_gdal_name(value):
                return None
            candidate = QgsRasterLayer(value, os.path.basename(value), "gdal")
            if candidate.isValid():
                context.temporaryLayerStore().addMapLayer(candidate)
                return candidate
        return layer

    def raster_path(self, parameters: dict, name: str, context) -> str:
        layer = self.parameterAsRasterLayer(parameters, name, context)
        if layer is None:
            raise QgsProcessingException(self.tr("{} is not a raster layer or raster file; give a GeoTIFF or "
                                                 "another GDAL-readable image.").format(name))
        if layer.providerType() != "gdal":
            raise QgsProcessingException(self.tr("{} must be a file-based raster (GDAL), not a '{}' layer; save it "
                                                 "as GeoTIFF first.").format(name, layer.providerType()))
        return layer.source()

    def vector_path(self, parameters: dict, name: str, context, feedback) -> tuple[str, str | None]:
        """A file path (and layer name) the engine can read for a vector parameter: file layers as they are, memory
        or database layers exported to a temporary GeoPackage."""
        if self.parameterAsSource(parameters, name, context) is None:
            raise QgsProcessingException(self.tr("{} is not a vector layer; give polygons or points with a class "
                                                 "field.").format(name))
        path, layer = self.parameterAsCompatibleSourceLayerPathAndLayerName(
            parameters, name, context, VECTOR_FORMATS, "gpkg", feedback)
        return path, layer or None

    def optional_output(self, parameters: dict, name: str, context) -> str | None:
        if parameters.get(name) is None:
            return None
        path = self.parameterAsOutputLayer(parameters, name, context)
        return path or None

    def style_classes(self, path: str, classes: list[dict], context, name: str | None = None,
                      polygons: str | None = None, polygons_name: str | None = None) -> None:
        """Give a class raster a paletted style with the model's names and colours ('clear'/'background'
        transparent): in the project on completion, named `name`, and as a .qml beside the file (styles.py). Its
        `polygons` (OUTPUT_VECTOR), named `polygons_name`, get class-coloured outlines, drawn above the raster
        whichever Processing loads first: the raster fills the classes."""
        styles.style_output(path, styles.PalettedStyler(classes).stacked(below=polygons), context, name)
        styles.style_output(polygons, styles.PolygonStyler(classes, fill=False).stacked(above=path), context,
                            polygons_name)


def with_widget(param, wrapper: str, **options):
    """Show `param` in the dialogs through a widget wrapper of widgets.py (imported only when a dialog opens)."""
    param.setMetadata({**param.metadata(), "widget_wrapper": {
        "class": f"{__name__.rsplit('.', 1)[0]}.widgets.{wrapper}", **options}})
    return param


def with_special_value(param, text: str, decimals: int | None = None):
    """A number parameter whose minimum means "let the model or the machine decide": the dialog shows `text`
    (e.g. "Automatic") instead of the number; qgis_process and the model builder still take the number."""
    return with_widget(param, "SpecialValueNumberWrapper", special_text=text,
                       **({"decimals": decimals} if decimals is not None else {}))


class StaticEnum(QgsProcessingParameterEnum):
    """An enum parameter with static strings (the option's name is the value) that also accepts the option's
    number (0, '2'): qgis_process help lists numbers for every enum, and models or scripts may pass them."""

    @classmethod
    def from_enum(cls, param: QgsProcessingParameterEnum) -> "StaticEnum":
        new = cls(param.name(), param.description(), param.options(), param.allowMultiple(), param.defaultValue(),
                  param.flags() & param.FlagOptional, True)
        new.setFlags(param.flags())
        new.setHelp(param.help())
        new.setMetadata(param.metadata())
        return new

    def as_option(self, value):
        """The option name for an option number (int or digit string); any other value as it is."""
        text = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else None
        if text is not None and text.isdigit() and text not in self.options() and int(text) < len(self.options()):
            return self.options()[int(text)]
        return value

    def checkValueIsAcceptable(self, value, context=None):  # noqa: N802
        return super().checkValueIsAcceptable(self.as_option(value), context)

    def clone(self):
        return StaticEnum.from_enum(self)


def _number(value: float) -> str:
    """A range bound as people write it: 1 rather than 1.0, 0.01 rather than 0.010000."""
    return f"{value:g}"
