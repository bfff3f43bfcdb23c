"""The French translation is complete and compiled: every tr() string of the code has a translation in the .qm."""
from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import update_translations  # noqa: E402


def test_extraction_rules(tmp_path):
    (tmp_path / "plugin").mkdir()
    (tmp_path / "plugin" / "a.py").write_text(
        'x = self.tr("Implicitly "\n    "joined")\ny = tr(label)\nz = self.tr(f"{v} formatted")\n'
        'w = QCoreApplication.translate("DeepMapper", "Translated & <escaped>")\n'
        'v = QCoreApplication.translate("Other", "Other context")\nu = QT_TRANSLATE_NOOP("DeepMapper", "Marked")\n')
    assert update_translations.collect_strings(tmp_path) == ["Implicitly joined", "Translated & <escaped>", "Marked"]
    merged = update_translations.merge(["New", "Kept"], {"Kept": ("Gardé", ""), "Gone": ("Parti", "")}, {})
    assert merged == {"New": ("", "unfinished"), "Kept": ("Gardé", ""), "Gone": ("Parti", "obsolete")}
    ts = tmp_path / "t.ts"
    ts.write_text(update_translations.render_ts({"a & <b>\n\nc": ("« d » & e", "")}), encoding="utf-8")
    assert update_translations.read_ts(ts) == {"a & <b>\n\nc": ("« d » & e", "")}


def test_every_code_string_has_a_french_translation():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_translations.py"), "--check"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_compiled_translation_matches_the_ts(qgis_app):
    """The committed .qm is up to date: every message of the .ts (help texts included) translates through it."""
    from qgis.PyQt.QtCore import QCoreApplication, QTranslator
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / "deepmapper_fr.qm"))
    QCoreApplication.installTranslator(translator)
    try:
        assert QCoreApplication.translate("DeepMapper", "Train model") == "Entraîner un modèle"
        assert QCoreApplication.translate("DeepMapper", "Segment image") == "Segmenter une image"
        messages = update_translations.read_ts(update_translations.TS_FILE)
        stale = [source for source, (text, kind) in messages.items()
                 if kind != "obsolete" and QCoreApplication.translate("DeepMapper", source) != text]
        assert not stale, f"{len(stale)} messages not in the .qm; run scripts/update_translations.py: {stale[:3]}"
    finally:
        QCoreApplication.removeTranslator(translator)
