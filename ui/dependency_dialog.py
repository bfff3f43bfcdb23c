"""Raster > DeepMapper > Install dependencies: what is installed, the Python and GPU QGIS runs with, and an installer
that puts the pinned packages into a folder of the QGIS profile with pip, in a background task."""
from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Sequence

from qgis.core import QgsApplication, QgsSettings, QgsTask
from qgis.PyQt.QtCore import QCoreApplication, Qt, pyqtSignal
from qgis.PyQt.QtGui import QColor, QFont, QFontDatabase
from qgis.PyQt.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox,
                                 QHeaderView, QLabel, QMessageBox, QPlainTextEdit, QProgressBar, QPushButton,
                                 QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from ..plugin import dependencies
from ..plugin.dependencies.cuda import cuda_status
from ..plugin.dependencies.pip import GROUPS, InstallGroup, InstallPlan, explain_failure, requirement, run_plan
from ..plugin.dependencies.python import candidates, find_python, interpreter_identity

OFFERED_PROPERTY = "deepmapperInstallOffered"  # on the QgsApplication: once per QGIS session, across plugin reloads
NEVER_OFFER_KEY = "deepmapper/dependencies/never_offer"
TABLE_ROWS = 8  # packages shown without scrolling at the least; all when the screen has the room
OK_COLOUR, MISSING_COLOUR = QColor("#1a7f37"), QColor("#b42318")


def tr(text: str) -> str:
    return QCoreApplication.translate("DeepMapper", text)


class InstallTask(QgsTask):
    """Runs the pip commands of a plan off the GUI thread; each output line is emitted as `line`."""

    line = pyqtSignal(str)

    def __init__(self, plan: InstallPlan) -> None:
        super().__init__(tr("Installing DeepMapper's Python packages"), QgsTask.CanCancel)
        self.plan = plan
        self.returncode: int | None = None
        self.output = ""

    def run(self) -> bool:
        self.returncode, self.output = run_plan(self.plan, self.line.emit, lambda f: self.setProgress(100.0 * f),
                                                self.isCanceled)
        return self.returncode == 0


class DependencyDialog(QDialog):
    """Packages, environment and installer. Everything that touches the system can be injected (tests): the install
    folder, the pip command, the probe that says what is installed, the interpreter and the NumPy to keep."""

    install_finished = pyqtSignal(bool)

    def __init__(self, parent=None, target: str | Path | None = None, pip_command: Sequence[str] | None = None,
                 probe: dependencies.Probe = dependencies.probe, python: str | None = None,
                 numpy_version: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("DeepMapper: Python packages"))
        self.setMinimumWidth(860)
        self.probe = probe
        self.target = Path(target) if target is not None else dependencies.packages_folder()
        self.python = python if python is not None else find_python()
        self.pip_command = list(pip_command) if pip_command else ([self.python, "-m", "pip"] if self.python else None)
        if numpy_version is None:
            import numpy
            numpy_version = numpy.__version__
        self.numpy_version = numpy_version
        self.task: InstallTask | None = None
        self.group_boxes: dict[str, QCheckBox] = {}

        layout = QVBoxLayout(self)
        intro = QLabel(tr("DeepMapper runs its models with the Python packages below. Missing ones are installed "
                          "into a folder of your QGIS profile; QGIS's own packages (NumPy, GDAL) are never "
                          "changed."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self._packages_box(), 1)
        layout.addWidget(self._environment_box())
        layout.addWidget(self._install_box())
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.RichText)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        layout.addWidget(self.status)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.FixedFont))
        self.log.setPlaceholderText(tr("pip's output appears here during the installation."))
        self.log.setMaximumBlockCount(5000)
        self.log.setMinimumHeight(110)
        self.log.hide()  # shown when an installation starts: the dialog fits a 768-900 px screen until then
        layout.addWidget(self.log, 1)
        buttons = QDialogButtonBox()
        self.install_button = QPushButton(tr("Install selected"))
        self.install_button.setDefault(True)
        self.install_button.clicked.connect(self.start_install)
        buttons.addButton(self.install_button, QDialogButtonBox.ActionRole)
        self.cancel_button = buttons.addButton(tr("Stop"), QDialogButtonBox.ActionRole)
        self.cancel_button.clicked.connect(self.cancel_install)
        self.cancel_button.setEnabled(False)
        close = buttons.addButton(QDialogButtonBox.Close)
        close.setText(tr("Close"))
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.refresh(first=True)

    def showEvent(self, event) -> None:  # noqa: N802
        """At the first show, grow the package table to every row where the screen leaves the room."""
        super().showEvent(event)
        if getattr(self, "_grown", False):
            return
        self._grown = True
        screen = self.screen().availableGeometry() if hasattr(self, "screen") and self.screen() else None
        missing = self._all_rows - self.table.height()
        if missing > 0 and screen is not None:
            self.resize(self.width(), min(self.height() + missing, int(screen.height() * 0.92)))

    # -- building blocks ---------------------------------------------------------------------------------------------
    def _packages_box(self) -> QGroupBox:
        box = QGroupBox(tr("Packages"))
        self.table = QTreeWidget()
        self.table.setRootIsDecorated(False)
        self.table.setHeaderLabels([tr("Package"), tr("Installed"), tr("Pinned"), tr("Needed for")])
        self.table.header().setSectionResizeMode(QHeaderView.ResizeToContents)
        self.table.header().setStretchLastSection(True)
        self.table.setUniformRowHeights(True)
        inner = QVBoxLayout(box)
        inner.addWidget(self.table)
        return box

    def _environment_box(self) -> QGroupBox:
        box = QGroupBox(tr("Environment"))
        form = QFormLayout(box)
        looked = "; ".join(candidates(sys.executable, sys.base_prefix, sys.version_info[:3], sys.platform))
        identity = interpreter_identity(self.python) if self.python else None  # what the path itself reports
        python = (tr("not found (looked for: {})").format(looked) if not self.python else
                  f"{self.python}  (Python {'.'.join(map(str, identity[0]))})" if identity else self.python)
        self.cuda_label = QLabel()
        for label, value in ((tr("Python:"), python),
                             (tr("NumPy kept:"), self.numpy_version),
                             (tr("Install folder:"), str(self.target)),
                             (tr("GPU:"), None)):
            widget = self.cuda_label if value is None else QLabel(value)
            widget.setTextInteractionFlags(Qt.TextSelectableByMouse)
            widget.setWordWrap(True)
            form.addRow(label, widget)
        return box

    def _install_box(self) -> QGroupBox:
        box = QGroupBox(tr("Install"))
        inner = QVBoxLayout(box)
        for group in GROUPS:
            check = QCheckBox(tr(group.label))
            self.group_boxes[group.key] = check
            inner.addWidget(check)
        return box

    # -- state -------------------------------------------------------------------------------------------------------
    def refresh(self, first: bool = False) -> None:
        """Re-read what is installed; at first, tick the groups that lack something (later: keep the user's ticks)."""
        self.table.clear()
        bold = QFont()
        bold.setBold(True)
        for module, purpose in dependencies.PACKAGES.items():
            version = self.probe(module)
            item = QTreeWidgetItem([dependencies.distribution(module),
                                    tr("missing") if version is None else (version or tr("yes")),
                                    requirement(module).partition("=")[2].lstrip("=") or "-", tr(purpose)])
            item.setToolTip(3, tr(purpose))
            item.setForeground(1, MISSING_COLOUR if version is None else OK_COLOUR)
            item.setFont(1, bold)
            self.table.addTopLevelItem(item)
        # At least TABLE_ROWS packages without scrolling, all of them where the screen has the room (showEvent): the
        # dialog was 974 px tall, more than a 900 px laptop screen.
        row = max(self.table.sizeHintForRow(0), self.table.fontMetrics().height() + 3)
        self.table.setMinimumHeight(self.table.header().sizeHint().height() + int((TABLE_ROWS + 0.5) * row)
                                    + 2 * self.table.frameWidth())
        self._all_rows = self.table.topLevelItemCount() * row + self.table.header().sizeHint().height() \
            + 2 * self.table.frameWidth() + row // 2
        for group in GROUPS:
            check, lacking = self.group_boxes[group.key], dependencies.missing(group.modules, self.probe)
            check.setEnabled(bool(lacking) and self.pip_command is not None)
            check.setChecked(bool(lacking) and (first or check.isChecked()))
            check.setText(tr(group.label) + ("" if lacking else "  " + tr("(installed)")))
            check.setVisible(group.key != "basics" or bool(lacking))  # QGIS's Python usually has them
        self.cuda_label.setText("\n".join(cuda_status(self.probe)))
        lacking = dependencies.missing(probe_fn=self.probe)
        if self.pip_command is None:
            self._say(tr("The Python interpreter QGIS runs was not found, so nothing can be installed from here; "
                         "install the packages with your system's package manager."), error=True)
        elif lacking:
            self._say(tr("Missing: {}. Tick what to install and press Install selected.").format(
                ", ".join(dependencies.distribution(m) for m in lacking)))
        else:
            self._say(tr("Every package DeepMapper can use is installed."), ok=True)
        self.install_button.setEnabled(any(c.isChecked() and c.isEnabled() for c in self.group_boxes.values()))

    def selected_groups(self) -> list[InstallGroup]:
        return [g for g in GROUPS if self.group_boxes[g.key].isChecked() and self.group_boxes[g.key].isEnabled()]

    def _say(self, text: str, ok: bool = False, error: bool = False) -> None:
        colour = OK_COLOUR.name() if ok else MISSING_COLOUR.name() if error else None
        body = html.escape(text, quote=False)
        self.status.setText(f"<b style='color:{colour}'>{body}</b>" if colour else body)

    # -- installing --------------------------------------------------------------------------------------------------
    def start_install(self) -> None:
        groups = self.selected_groups()
        if not groups or self.pip_command is None or self.task is not None:
            return
        plan = InstallPlan.for_groups(self.pip_command, self.target, groups, self.numpy_version)
        self.log.clear()
        self.log.show()
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.install_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        for check in self.group_boxes.values():
            check.setEnabled(False)
        self._say(tr("Installing {} into {}…").format(", ".join(plan.with_deps + plan.no_deps), self.target))
        self.task = InstallTask(plan)
        self.task.line.connect(self.log.appendPlainText)
        self.task.progressChanged.connect(lambda value: self.progress.setValue(int(value)))
        self.task.taskCompleted.connect(lambda: self._finished(True))
        self.task.taskTerminated.connect(lambda: self._finished(False))
        QgsApplication.taskManager().addTask(self.task)

    def cancel_install(self) -> None:
        if self.task is not None:
            self.task.cancel()

    def _finished(self, ok: bool) -> None:
        task, self.task = self.task, None
        self.cancel_button.setEnabled(False)
        dependencies.activate_folder(self.target)
        self.refresh()
        if ok:
            self.progress.setValue(100)
            self._say(tr("Installed into {}. DeepMapper can use the packages now (restart QGIS if an algorithm "
                         "still reports one missing).").format(self.target), ok=True)
        else:
            self.progress.setVisible(False)
            self._say(self._failure(task), error=True)
        self.install_finished.emit(ok)

    def _failure(self, task: InstallTask | None) -> str:
        if task is not None and task.returncode == -1:
            return tr("Installation stopped. Press Install selected to try again.")
        return explain_failure(task.output if task else "", task.returncode if task else 1,
                               " ".join(self.pip_command or []), self.target)


def show_dependency_dialog(parent=None) -> DependencyDialog:
    dialog = DependencyDialog(parent)
    dialog.show()
    return dialog


def packages_to_offer(probe: dependencies.Probe = dependencies.probe) -> list[str]:
    """The installable packages that are missing, or [] when the user should not be asked (already asked in this
    QGIS session, or 'Don't ask again')."""
    app = QCoreApplication.instance()
    if (app is not None and app.property(OFFERED_PROPERTY)) or QgsSettings().value(NEVER_OFFER_KEY, False, bool):
        return []
    modules = [m for g in GROUPS if g.key != "basics" for m in g.modules]
    return dependencies.missing(modules, probe)


def offer_install(parent=None, probe: dependencies.Probe = dependencies.probe, ask=None) -> DependencyDialog | None:
    """At plugin load: when packages are missing, ask once per QGIS session whether to install them now.
    `ask(text) -> (yes, never_again)` replaces the message box in tests."""
    lacking = packages_to_offer(probe)
    if not lacking:
        return None
    app = QCoreApplication.instance()
    if app is not None:
        app.setProperty(OFFERED_PROPERTY, True)
    text = tr("DeepMapper cannot run all its models: these Python packages are missing: {}. Install them now? "
              "They go into a folder of your QGIS profile; QGIS itself is not changed.").format(
        ", ".join(dependencies.distribution(m) for m in lacking))
    yes, never = (ask or _ask)(parent, text)
    if never:
        QgsSettings().setValue(NEVER_OFFER_KEY, True)
    return show_dependency_dialog(parent) if yes else None


def _ask(parent, text: str) -> tuple[bool, bool]:
    box = QMessageBox(QMessageBox.Question, tr("DeepMapper: missing Python packages"), text, parent=parent)
    install = box.addButton(tr("Install…"), QMessageBox.AcceptRole)
    box.addButton(tr("Not now"), QMessageBox.RejectRole)
    never = QCheckBox(tr("Don't ask again (Raster > DeepMapper > Install dependencies stays available)"))
    box.setCheckBox(never)
    box.exec_()
    return box.clickedButton() is install, never.isChecked()
