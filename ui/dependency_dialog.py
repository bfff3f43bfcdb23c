"""A message box listing which Python packages DeepMapper can use and how to install the missing ones."""
from __future__ import annotations

from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtWidgets import QMessageBox

from ..plugin import dependencies


def dependency_report() -> str:
    missing = dependencies.missing()
    lines = []
    for package, purpose in dependencies.PACKAGES.items():
        mark = "✗" if package in missing else "✓"
        lines.append(f"{mark} {package}: {purpose}")
    text = "\n".join(lines)
    if missing:
        text += "\n\n" + dependencies.install_hint(missing)
    return text


def show_dependency_report(parent=None) -> None:
    QMessageBox.information(parent, QCoreApplication.translate("DeepMapper", "DeepMapper dependencies"),
                            dependency_report())
