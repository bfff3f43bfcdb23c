"""The QGIS plugin object: registers the Processing provider and the DeepMapper menu."""
from __future__ import annotations

import os

from osgeo import gdal
from qgis.core import QgsApplication, QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, Qt, QTimer, QTranslator
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import QAction, QMenu

from . import dependencies

dependencies.activate_folder()  # the packages of Install dependencies, before any engine import below
dependencies.keep_triton_out()  # before torch: see there

from .algorithms.base import ICON_PATH, PLUGIN_DIR  # noqa: E402
from .provider import DeepMapperProvider  # noqa: E402


class DeepMapperPlugin:
    def __init__(self, iface) -> None:
        self.iface = iface
        self.provider: DeepMapperProvider | None = None
        self.actions: list[QAction] = []
        self.dialogs: list = []  # non-modal dialogs stay alive while shown
        self.translator = self._load_translator()

    @staticmethod
    def _load_translator() -> QTranslator | None:
        locale = (QgsSettings().value("locale/userLocale", "") or "")[:2]
        path = os.path.join(PLUGIN_DIR, "i18n", f"deepmapper_{locale}.qm")
        if not locale or not os.path.exists(path):
            return None
        translator = QTranslator()
        if translator.load(path):
            QCoreApplication.installTranslator(translator)
            return translator
        return None

    def tr(self, text: str) -> str:
        return QCoreApplication.translate("DeepMapper", text)

    def initProcessing(self) -> None:  # noqa: N802  (called by QGIS and qgis_process, GUI or not)
        if QgsApplication.platform() == "qgis_process":
            # qgis_process loads input rasters (and computes statistics for their default style) before any check of
            # ours runs; with GDAL's PAM on it saves them as .aux.xml beside the user's inputs. A one-shot command
            # has no use for that cache, so inputs stay untouched. Desktop QGIS keeps its own PAM setting.
            gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
        if self.provider is None:
            self.provider = DeepMapperProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self) -> None:  # noqa: N802
        self.initProcessing()
        dialogs = [(self.tr("Cloud and shadow mask…"), "deepmapper:cloudmask"),
                   (self.tr("Segment image…"), "deepmapper:segment"),
                   (self.tr("Super-resolve Sentinel-2…"), "deepmapper:superresolve"),
                   (self.tr("Validate super-resolution…"), "deepmapper:validatesuperres"),
                   (self.tr("Extract training patches…"), "deepmapper:extractpatches"),
                   (self.tr("Train model…"), "deepmapper:trainmodel"),
                   (self.tr("Pre-train model (self-supervised)…"), "deepmapper:pretrainmodel"),
                   (self.tr("Assess accuracy…"), "deepmapper:assessaccuracy")]
        entries = [(label, lambda _checked=False, alg=alg: self._open_dialog(alg)) for label, alg in dialogs]
        entries.append((self.tr("Labelling panel"), self._show_labelling))
        entries.append((self.tr("Models…"), self._show_models))
        entries.append((self.tr("Install dependencies…"), self._show_dependencies))
        entries.append((self.tr("Settings…"), self._show_settings))
        for label, slot in entries:
            action = QAction(QIcon(ICON_PATH), label, self.iface.mainWindow())
            action.triggered.connect(slot)
            self.iface.addPluginToRasterMenu(self.tr("&DeepMapper"), action)
            self.actions.append(action)
            if slot == self._show_labelling:  # the active-learning algorithms beside their panel
                self._add_labelling_menu()
        QTimer.singleShot(0, self._offer_install)  # once the main window is up; once per QGIS session

    def _add_labelling_menu(self) -> None:
        """Raster > DeepMapper > Labelling: the algorithms of the labelling loop (their dialogs)."""
        menu = QMenu(self.tr("Labelling"), self.iface.mainWindow())
        menu.setIcon(QIcon(ICON_PATH))
        for label, alg in ((self.tr("Suggest where to label next…"), "deepmapper:suggestsamples"),
                           (self.tr("Review labels…"), "deepmapper:reviewlabels"),
                           (self.tr("Find similar places…"), "deepmapper:findsimilar")):
            action = menu.addAction(QIcon(ICON_PATH), label)
            action.setData(alg)
            action.triggered.connect(lambda _checked=False, alg=alg: self._open_dialog(alg))
        self.labelling_menu = menu
        self.iface.addPluginToRasterMenu(self.tr("&DeepMapper"), menu.menuAction())
        self.actions.append(menu.menuAction())

    def unload(self) -> None:
        for action in self.actions:
            self.iface.removePluginRasterMenu(self.tr("&DeepMapper"), action)
        self.actions.clear()
        if getattr(self, "labelling_dock", None) is not None:
            self.iface.removeDockWidget(self.labelling_dock)
            self.labelling_dock.deleteLater()
            self.labelling_dock = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)

    @staticmethod
    def _open_dialog(algorithm_id: str) -> None:
        import processing
        processing.execAlgorithmDialog(algorithm_id, {})

    def _keep(self, dialog) -> None:
        if dialog is not None:
            self.dialogs = [d for d in self.dialogs if d.isVisible()] + [dialog]

    def _offer_install(self) -> None:
        from ..ui.dependency_dialog import offer_install
        self._keep(offer_install(self.iface.mainWindow()))

    def _show_labelling(self) -> None:
        """The active-learning labelling panel, docked on the right; one per session."""
        from ..ui.labelling_dock import LabellingDock
        if getattr(self, "labelling_dock", None) is None:
            self.labelling_dock = LabellingDock(self.iface, self.iface.mainWindow())
            self.iface.addDockWidget(Qt.RightDockWidgetArea, self.labelling_dock)
        self.labelling_dock.show()
        self.labelling_dock.raise_()

    def _show_dependencies(self) -> None:
        from ..ui.dependency_dialog import show_dependency_dialog
        self._keep(show_dependency_dialog(self.iface.mainWindow()))

    def _show_models(self) -> None:
        from ..ui.model_manager import show_model_manager
        self._keep(show_model_manager(self.iface.mainWindow()))

    def _show_settings(self) -> None:
        from ..ui.settings_dialog import SettingsDialog
        SettingsDialog(self.iface.mainWindow()).exec_()
