"""Raster > DeepMapper > Settings: the defaults every algorithm dialog starts from, user model folders and the download
cache (plugin/settings.py stores them)."""
from __future__ import annotations

import os

from qgis.core import QgsApplication
from qgis.gui import QgsFileWidget
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from qgis.PyQt.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                                 QGroupBox, QHBoxLayout, QLabel, QListWidget, QPushButton, QSpinBox, QVBoxLayout)

from ..models.cache import private_root
from ..models.registry import MODEL_PATH_ENV
from ..plugin.settings import DEVICES, Settings, default_cache_folder


def tr(text: str) -> str:
    return QCoreApplication.translate("DeepMapper", text)


DEVICE_LABELS = {"auto": QT_TRANSLATE_NOOP("DeepMapper", "Automatic (the GPU if usable, else the CPU)"),
                 "cpu": QT_TRANSLATE_NOOP("DeepMapper", "CPU"),
                 "cuda": QT_TRANSLATE_NOOP("DeepMapper", "CUDA GPU (fails when none is usable)")}


class SettingsDialog(QDialog):
    """Edits a Settings; OK saves it and refreshes the algorithms so that their dialogs open with the new defaults."""

    def __init__(self, parent=None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("DeepMapper settings"))
        self.setMinimumWidth(720)
        layout = QVBoxLayout(self)
        layout.addWidget(self._defaults_group())
        layout.addWidget(self._folders_group())
        layout.addWidget(self._cache_group())
        box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel | QDialogButtonBox.RestoreDefaults)
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        box.button(QDialogButtonBox.RestoreDefaults).clicked.connect(lambda: self.show_settings(Settings()))
        layout.addWidget(box)
        self.show_settings(settings or Settings.load())

    # -- the dialog's parts ------------------------------------------------------------------------------------------
    def _defaults_group(self) -> QGroupBox:
        """Device, threads, tile size and batch size that every algorithm dialog starts from."""
        runs = QGroupBox(tr("Algorithm defaults"))
        column = QVBoxLayout(runs)
        hint = QLabel(tr("Every algorithm dialog starts from these values; each run can still change them."))
        hint.setWordWrap(True)
        column.addWidget(hint)
        form = QFormLayout()
        column.addLayout(form)
        self.device = QComboBox()
        for key in DEVICES:
            self.device.addItem(tr(DEVICE_LABELS[key]), key)
        self.threads = self._spin(0, 256, 1, tr("All cores"), "")
        self.tile_size = self._spin(0, 8192, 64, tr("The model's own"), tr(" px"))
        self.batch_size = self._spin(0, 1024, 1, tr("From free memory"), tr(" tiles"))
        form.addRow(tr("Device:"), self.device)
        form.addRow(tr("CPU threads:"), self.threads)
        form.addRow(tr("Tile size:"), self.tile_size)
        form.addRow(tr("Tiles per batch:"), self.batch_size)
        return runs

    def _folders_group(self) -> QGroupBox:
        """The user's model folders, with Add and Remove, and where else cards are searched."""
        models = QGroupBox(tr("Your model folders"))
        inner = QVBoxLayout(models)
        row = QHBoxLayout()
        self.folders = QListWidget()
        self.folders.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.folders.setMinimumHeight(70)
        self.folders.setMaximumHeight(110)  # about 5 folders, then it scrolls: the dialog fits a 1000 px screen
        row.addWidget(self.folders, 1)
        buttons = QVBoxLayout()
        add, remove = QPushButton(tr("Add…")), QPushButton(tr("Remove"))
        add.clicked.connect(self._add_folder)
        remove.clicked.connect(lambda: [self.folders.takeItem(self.folders.row(i))
                                        for i in self.folders.selectedItems()])
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        row.addLayout(buttons)
        inner.addLayout(row)
        env = os.environ.get(MODEL_PATH_ENV, "")
        note = QLabel(tr("Folders of model cards (.json), searched after the bundled models; a model with the same "
                         "id replaces the bundled one.") +
                      (" " + tr("Also searched ({}): {}").format(MODEL_PATH_ENV, env) if env else ""))
        note.setWordWrap(True)
        inner.addWidget(note)
        return models

    def _cache_group(self) -> QGroupBox:
        """Where downloaded weights go (empty: the default folder, shown as the placeholder)."""
        cache = QGroupBox(tr("Downloaded model weights"))
        cache_form = QFormLayout(cache)
        self.cache = QgsFileWidget()
        self.cache.setStorageMode(QgsFileWidget.GetDirectory)
        self.cache.lineEdit().setPlaceholderText(default_cache_folder())
        cache_form.addRow(tr("Folder:"), self.cache)
        note = QLabel(tr("Also keeps the copies of models made at their first run (8-bit, optimised and ONNX "
                         "versions, up to 100 MB a model); delete them at any time, the next run makes them again. "
                         "On a drive or share that cannot keep file permissions (FAT, some network shares) they are "
                         "kept in {folder} instead.").format(folder=private_root()))
        note.setWordWrap(True)
        cache_form.addRow(note)
        return cache

    @staticmethod
    def _spin(low: int, high: int, step: int, special: str, suffix: str) -> QSpinBox:
        spin = QSpinBox()
        spin.setRange(low, high)
        spin.setSingleStep(step)
        spin.setSpecialValueText(special)  # shown for the minimum, 0: automatic
        spin.setSuffix(suffix)
        return spin

    def _add_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("Folder with model cards"))
        if folder and folder not in self.settings().model_folders:
            self.folders.addItem(folder)

    def show_settings(self, settings: Settings) -> None:
        self.device.setCurrentIndex(max(0, self.device.findData(settings.device)))
        self.threads.setValue(settings.threads)
        self.tile_size.setValue(settings.tile_size)
        self.batch_size.setValue(settings.batch_size)
        self.folders.clear()
        self.folders.addItems(settings.model_folders)
        self.cache.setFilePath(settings.cache_folder)

    def settings(self) -> Settings:
        return Settings(device=self.device.currentData(), threads=self.threads.value(),
                        tile_size=self.tile_size.value(), batch_size=self.batch_size.value(),
                        model_folders=[self.folders.item(i).text() for i in range(self.folders.count())],
                        cache_folder=self.cache.filePath().strip())

    def accept(self) -> None:
        self.settings().save()
        provider = QgsApplication.processingRegistry().providerById("deepmapper")
        if provider is not None:
            provider.refreshAlgorithms()  # algorithm dialogs opened from now on start from the new defaults
        super().accept()
