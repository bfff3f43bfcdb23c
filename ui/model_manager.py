"""Raster > DeepMapper > Models: every model the registry knows in a table (task, bands, sensor, resolution, licence,
size, source, status, scores), its card, and Import (a user's ONNX/TorchScript/state-dict file with a card editor,
card_editor.py), Download (SHA-256 checked, resumable, in a QgsTask) and Remove (user models only).

The listing, installing, downloading and removing live QGIS-free in models/ (catalog.py, download.py, registry.py);
this module only shows them.
"""
from __future__ import annotations

import html
from typing import Callable

from qgis.core import QgsApplication, QgsTask
from qgis.PyQt.QtCore import QCoreApplication, QLocale, Qt
from qgis.PyQt.QtGui import QGuiApplication
from qgis.PyQt.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView,
                                 QLabel, QMessageBox, QProgressBar, QPushButton, QSplitter, QTableWidget,
                                 QTableWidgetItem, QTextBrowser, QVBoxLayout, QWidget)

from ..models.catalog import ModelEntry, list_models
from ..models.download import download
from ..models.registry import Registry, download_target
from ..plugin.algorithms.base import DeepMapperAlgorithm
from ..plugin.core.engine.errors import CancelledError, DeepMapperError
from ..plugin.core.engine.progress import Monitor
from ..plugin.settings import Settings
from .card_editor import CardEditorDialog, card_html

COLUMNS = ("name", "id", "task", "status", "source", "bands", "sensor", "resolution_m", "size_bytes", "license",
           "scores")  # the keys of ModelEntry shown, in order (titles: column_titles)
WIDTHS = {"name": 250, "bands": 130, "license": 150, "scores": 420}  # at most, in pixels; the rest fit their text
MIN_COLUMN, MIN_LAST = 110, 200  # pixels: how far columns shrink (elided in the middle; below that the table scrolls)
SCREEN_SHARE = 0.9  # the dialog opens at most this share of the available screen


def tr(text: str) -> str:
    return QCoreApplication.translate("DeepMapper", text)


def column_titles() -> list[str]:
    return [tr("Model"), tr("Id"), tr("Task"), tr("Status"), tr("Source"), tr("Bands"), tr("Sensor"),
            tr("Resolution"), tr("Size"), tr("Licence"), tr("Validation scores")]


def words() -> dict[str, str]:
    """Human words for the registry's and the cards' keys (tasks, sources, statuses, input units, product levels,
    tile blending)."""
    return {"cloudmask": tr("Cloud mask"), "segmentation": tr("Segmentation"),
            "superresolution": tr("Super-resolution"), "pretrained": tr("Pre-trained (for training)"),
            "bundled": tr("Bundled"), "package": tr("Python package"), "user": tr("Your model"),
            "installed": tr("Installed"), "downloadable": tr("Downloadable"), "unavailable": tr("Not available"),
            "reflectance": tr("reflectance (0..1)"), "dn": tr("digital numbers"), "any": tr("any"),
            "l1c": tr("L1C (top of atmosphere)"), "l2a": tr("L2A (surface reflectance)"),
            "blend": tr("overlaps blended"), "crop": tr("overlaps cropped")}


def word(value: str) -> str:
    """`value` in words (see `words`), else as it is."""
    return words().get(value, value)


def size_text(size_bytes: int | None) -> str:
    """'39.6 MB' ('39,6 Mo' in French): megabytes with the locale's decimal separator; '—' when unknown."""
    if size_bytes is None:
        return "—"
    return tr("{} MB").format(QLocale().toString(size_bytes / 1e6, "f", 1))


def cell_text(entry: ModelEntry, key: str) -> str:
    value = getattr(entry, key)
    if key == "bands":
        return ", ".join(value)
    if key == "resolution_m":
        return f"{value:g} m" if value else tr("any")
    if key == "size_bytes":
        return size_text(value)
    if key in ("task", "source", "status"):
        return word(value)
    return str(value or "—")


class DownloadTask(QgsTask):
    """Downloads one model's weights off the GUI thread (models/download.py); `error` holds the message on failure."""

    def __init__(self, model_id: str, url: str, target, sha256: str) -> None:
        super().__init__(tr("Downloading the model {}").format(model_id), QgsTask.CanCancel)
        self.url, self.target, self.sha256 = url, target, sha256
        self.error = ""

    def run(self) -> bool:
        return self.fetch(self.setProgress)

    def fetch(self, progress: Callable[[float], None]) -> bool:
        """The download itself, reporting percent done to `progress`: run() in the task manager's thread, or
        directly in the caller's (ModelManagerDialog.download_selected(wait=True))."""
        monitor = Monitor(progress=lambda f: progress(100.0 * f), is_cancelled=self.isCanceled)
        try:
            download(self.url, self.target, self.sha256, monitor)
        except CancelledError as exc:
            self.error = str(exc)
            return False
        except DeepMapperError as exc:
            self.error = str(exc)
            return False
        return True


class ModelManagerDialog(QDialog):
    """The registry comes from `registry_factory` (default: the algorithms' own, with the user model folders and
    the download cache of the settings); `ask(title, text) -> bool` confirms removals (tests answer it)."""

    def __init__(self, parent=None, registry_factory: Callable[[], Registry] | None = None,
                 ask: Callable[[str, str], bool] | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("DeepMapper models"))
        screen = QGuiApplication.primaryScreen().availableGeometry()
        self.resize(min(1360, int(SCREEN_SHARE * screen.width())), min(720, int(SCREEN_SHARE * screen.height())))
        self.natural_widths: list[int] = []
        self.registry_factory = registry_factory or DeepMapperAlgorithm.model_registry
        self.ask = ask or (lambda title, text: QMessageBox.question(self, title, text) == QMessageBox.Yes)
        self.registry: Registry | None = None
        self.entries: list[ModelEntry] = []
        self.task: DownloadTask | None = None

        layout = QVBoxLayout(self)
        intro = QLabel(tr("Every model DeepMapper knows. Installed models appear in the Model list of the algorithm "
                          "dialogs; downloadable ones can be fetched here, and your own ONNX or PyTorch models "
                          "imported with a model card."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self._models_view(), 1)
        self._add_status(layout)
        layout.addWidget(self._button_row())
        self.refresh()

    # -- the dialog's parts ------------------------------------------------------------------------------------------
    def _models_view(self) -> QSplitter:
        """The models table above the selected model's card, in a splitter the user can move."""
        splitter = QSplitter(Qt.Vertical)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(column_titles())
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.ElideMiddle)  # ids and names keep their start and end; tooltips hold it all
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        splitter.addWidget(self.table)
        self.card_view = QTextBrowser()
        self.card_view.setOpenExternalLinks(True)
        self.card_view.setPlaceholderText(tr("Select a model to see its card."))
        splitter.addWidget(self.card_view)
        splitter.setSizes([380, 240])
        return splitter

    def _add_status(self, layout: QVBoxLayout) -> None:
        """A download's progress bar (hidden until one runs) and the status line (selectable, to copy errors)."""
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.status)

    def _button_row(self) -> QWidget:
        """Import, Download, Stop and Remove on the left, Close on the right."""
        row = QWidget()
        buttons = QHBoxLayout(row)
        buttons.setContentsMargins(0, 0, 0, 0)
        self.import_button = QPushButton(tr("Import…"))
        self.import_button.setToolTip(tr("Add your own ONNX, TorchScript or PyTorch state-dict model with a model "
                                         "card, into your first model folder"))
        self.download_button = QPushButton(tr("Download"))
        self.stop_button = QPushButton(tr("Stop"))
        self.remove_button = QPushButton(tr("Remove"))
        self.remove_button.setToolTip(tr("Delete one of your models (bundled models cannot be removed)"))
        self.import_button.clicked.connect(lambda: self.import_model())
        self.download_button.clicked.connect(lambda: self.download_selected())
        self.stop_button.clicked.connect(lambda: self.task and self.task.cancel())
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        for button in (self.import_button, self.download_button, self.stop_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close)
        close.button(QDialogButtonBox.Close).setText(tr("Close"))
        close.rejected.connect(self.reject)
        buttons.addWidget(close)
        return row

    # -- listing -----------------------------------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        select = select or self.selected_id()
        self.registry = self.registry_factory()
        self.entries = list_models(self.registry)
        self.table.setRowCount(len(self.entries))
        for r, entry in enumerate(self.entries):
            for c, key in enumerate(COLUMNS):
                item = QTableWidgetItem(cell_text(entry, key))
                item.setToolTip(entry.problem or cell_text(entry, key))
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        header = self.table.horizontalHeader()
        for c, key in enumerate(COLUMNS):
            if key in WIDTHS:
                header.resizeSection(c, min(header.sectionSize(c), WIDTHS[key]))
        header.setSectionResizeMode(QHeaderView.Interactive)
        self.natural_widths = [header.sectionSize(c) for c in range(len(COLUMNS))]
        self.fit_columns()
        ids = [e.id for e in self.entries]
        self.table.selectRow(ids.index(select) if select in ids else 0)
        if self.registry.problems:
            self._say(tr("Cards that could not be read: {}").format(" ".join(self.registry.problems)), error=True)
        self._selection_changed()

    def fit_columns(self) -> None:
        """Shrink the widest columns (never below MIN_COLUMN) until all fit the table with MIN_LAST pixels left for
        the last one, which stretches over the rest: no column is cut off at the dialog's edge."""
        if not self.natural_widths:
            return
        room = self.table.viewport().width() - MIN_LAST
        widths = self.natural_widths[:-1]
        low, high = MIN_COLUMN, max(widths + [MIN_COLUMN])
        while low < high:  # the largest cap whose capped widths fit the room
            cap = (low + high + 1) // 2
            low, high = (cap, high) if sum(min(w, cap) for w in widths) <= room else (low, cap - 1)
        header = self.table.horizontalHeader()
        for c, width in enumerate(widths):
            header.resizeSection(c, min(width, low))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_columns()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.fit_columns()

    def selected_entry(self) -> ModelEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.entries[rows[0].row()] if rows and rows[0].row() < len(self.entries) else None

    def selected_id(self) -> str | None:
        entry = self.selected_entry() if self.table.rowCount() else None
        return entry.id if entry else None

    def _selection_changed(self) -> None:
        entry = self.selected_entry()
        busy = self.task is not None
        self.download_button.setEnabled(bool(entry and entry.status == "downloadable" and not busy))
        self.remove_button.setEnabled(bool(entry and entry.source == "user" and not busy))
        self.stop_button.setEnabled(busy)
        self.stop_button.setVisible(busy)
        if entry is not None:
            self.card_view.setHtml(card_html(self.registry.cards[entry.id], entry, tr, word))

    def _say(self, text: str, ok: bool = False, error: bool = False) -> None:
        colour = "#1a7f37" if ok else "#b42318" if error else None
        body = html.escape(text, quote=False)
        self.status.setText(f"<b style='color:{colour}'>{body}</b>" if colour else body)

    # -- import ------------------------------------------------------------------------------------------------------
    def user_folder(self) -> str | None:
        folders = Settings.load().model_folders
        return folders[0] if folders else None

    def import_model(self, weights: str | None = None, editor: CardEditorDialog | None = None) -> str | None:
        """Ask for a weights file (unless given), open the card editor, install on OK; returns the new card path."""
        folder = self.user_folder()
        if folder is None:
            self._say(tr("Add a model folder first (Raster > DeepMapper > Settings…, Your model folders): imported "
                         "models are copied into the first one."), error=True)
            return None
        if weights is None:
            weights, _ = QFileDialog.getOpenFileName(self, tr("Model weights"), "", tr(
                "Models (*.onnx *.pt *.pth *.ts);;All files (*)"))
            if not weights:
                return None
        editor = editor or CardEditorDialog(weights, folder, self)
        if editor.exec_() != QDialog.Accepted or editor.installed is None:
            return None
        self.refresh(select=editor.card_id())
        self._say(tr("Imported into {}.").format(editor.installed), ok=True)
        return str(editor.installed)

    # -- download ----------------------------------------------------------------------------------------------------
    def download_selected(self, wait: bool = False) -> DownloadTask | None:
        entry = self.selected_entry()
        if entry is None or entry.status != "downloadable" or self.task is not None:
            return None
        card = self.registry.cards[entry.id]
        target = download_target(card)
        self.task = DownloadTask(card.id, entry.weights_url, target, card.sha256)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self._say(tr("Downloading {} to {}…").format(entry.weights_url, target))
        if wait:  # scripts and tests: the same download and messages in this thread, no task manager and no event
            # loop (waiting on a background task here by spinning an event loop crashed QGIS now and then)
            self._downloaded(card.id, self.task.fetch(lambda value: self.progress.setValue(int(value))))
            return None
        self.task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        self.task.taskCompleted.connect(lambda: self._downloaded(card.id, True))
        self.task.taskTerminated.connect(lambda: self._downloaded(card.id, False))
        QgsApplication.taskManager().addTask(self.task)
        self._selection_changed()
        return self.task

    def _downloaded(self, model_id: str, ok: bool) -> None:
        task, self.task = self.task, None
        self.progress.setVisible(False)
        self.refresh(select=model_id)
        if ok:
            self._say(tr("Model {} downloaded and verified (SHA-256).").format(model_id), ok=True)
        else:
            self._say(task.error if task is not None and task.error else tr("The download stopped."), error=True)

    # -- removal -----------------------------------------------------------------------------------------------------
    def remove_selected(self) -> bool:
        entry = self.selected_entry()
        if entry is None or entry.source != "user":
            return False
        if not self.ask(tr("Remove model"), tr("Delete the model {} ({}) and its weights from {}?").format(
                entry.name, entry.id, entry.card_path)):
            return False
        try:
            removed = self.registry.remove(entry.id)
        except (DeepMapperError, OSError) as exc:
            self._say(str(exc), error=True)
            return False
        self.refresh()
        self._say(tr("Removed {} ({} files).").format(entry.id, len(removed)), ok=True)
        return True


def show_model_manager(parent=None) -> ModelManagerDialog:
    dialog = ModelManagerDialog(parent)
    dialog.show()
    return dialog
