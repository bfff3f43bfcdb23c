"""Refresh i18n/deepmapper_fr.ts from the code's tr() strings and compile it with lrelease (pylupdate5 stand-in).

Collects, with `ast`, the literal first argument of every `tr(...)` / `self.tr(...)` call, and the literal text of
`QCoreApplication.translate("DeepMapper", ...)`, `QT_TRANSLATE_NOOP("DeepMapper", ...)` and `QT_TR_NOOP(...)` in
plugin/ and ui/ (calls whose argument is not a literal are skipped: mark such strings with QT_TRANSLATE_NOOP), and of
the engine's `_("template")` and `N_("constant")` calls in plugin/core and models (plugin/core/engine/messages.py;
same context), and the `name` of each bundled model card (models/cards/*.json). A
translation must keep the {fields} of its source: --check fails when they differ, since `.format` would then fail.
Only the DeepMapper context is written. Existing translations are kept. A translated message whose source left
the code is kept as `type="obsolete"` (lrelease leaves it out of the .qm; it revives if the string comes back); an
untranslated one is dropped. New strings are added as `type="unfinished"` unless --add gives a translation (an
--add entry whose source is not in the code yet is stored as obsolete, ready for when it appears).

    python scripts/update_translations.py              # update the .ts, run lrelease
    python scripts/update_translations.py --add fr.json  # also fill translations from {"source": "traduction"}
    python scripts/update_translations.py --check      # change nothing; exit 1 if a code string lacks a translation
"""
from __future__ import annotations

import argparse
import ast
import json
import shutil
import string
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
CONTEXT = "DeepMapper"
SOURCE_DIRS = ("plugin", "ui", "models")
ENGINE_DIRS = ("plugin/core", "models")  # where `_()` is the engine's translation hook
TS_FILE = ROOT / "i18n" / "deepmapper_fr.ts"
CARDS_DIR = "models/cards"  # the bundled model cards, whose names are translated too

# (text, type) with type "" (finished), "unfinished" or "obsolete"
Message = tuple[str, str]


def _literal(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _call_text(call: ast.Call, engine: bool = False) -> str | None:
    """The translatable text of a call, or None when it is not a (literal) translation call. `engine`: the module
    is in plugin/core or models, where `_(...)` and `N_(...)` mark a message."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    args = call.args
    if name in ("tr", "QT_TR_NOOP") and args or (
            engine and name in ("_", "N_") and isinstance(func, ast.Name) and args):
        return _literal(args[0])
    if name in ("translate", "QT_TRANSLATE_NOOP") and len(args) >= 2 and _literal(args[0]) == CONTEXT:
        return _literal(args[1])
    return None


def collect_strings(root: Path = ROOT) -> list[str]:
    """Every translatable string of the code, in file and line order, then the names of the bundled model cards
    (the run logs translate them, `_(card.name)`), without duplicates."""
    found: dict[str, None] = {}
    for folder in SOURCE_DIRS:
        for path in sorted((root / folder).rglob("*.py")):
            engine = any(path.is_relative_to(root / where) for where in ENGINE_DIRS)
            calls = [n for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path)))
                     if isinstance(n, ast.Call)]
            for call in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
                text = _call_text(call, engine)
                if text:
                    found.setdefault(text, None)
    for path in sorted((root / CARDS_DIR).glob("*.json")):
        name = json.loads(path.read_text(encoding="utf-8")).get("name")
        if isinstance(name, str) and name:
            found.setdefault(name, None)
    return list(found)


def fields(text: str) -> list[str] | None:
    """The sorted `{field}` names of a str.format template, or None when the text is not one (stray braces)."""
    try:
        return sorted({name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name is not None})
    except ValueError:
        return None


def mismatched_fields(messages: dict[str, Message]) -> list[str]:
    """Sources whose translation names other {fields} (a translated template would fail in .format)."""
    return [source for source, (text, kind) in messages.items()
            if text and kind != "obsolete" and fields(source) and fields(text) != fields(source)]


def read_ts(path: Path) -> dict[str, Message]:
    """source -> (translation, type) of the DeepMapper context of a .ts file."""
    messages: dict[str, Message] = {}
    if not path.exists():
        return messages
    for context in ET.parse(path).getroot().iter("context"):
        if context.findtext("name") != CONTEXT:
            continue
        for message in context.iter("message"):
            translation = message.find("translation")
            messages[message.findtext("source") or ""] = (
                (translation.text or "") if translation is not None else "",
                translation.get("type", "") if translation is not None else "unfinished")
    return messages


def merge(code: list[str], old: dict[str, Message], added: dict[str, str]) -> dict[str, Message]:
    merged: dict[str, Message] = {}
    for source in code:
        text, kind = old.get(source, ("", "unfinished"))
        if added.get(source):
            text, kind = added[source], ""
        elif kind in ("obsolete", "vanished"):
            kind = ""  # the string came back
        merged[source] = (text, "unfinished" if not text else kind)
    for source, text in [*((s, t) for s, (t, _k) in old.items()), *added.items()]:
        if source not in merged and text:
            merged[source] = (text, "obsolete")  # kept for when the string comes (back) into the code
    return merged


def render_ts(messages: dict[str, Message], language: str = "fr_FR") -> str:
    lines = ['<?xml version="1.0" encoding="utf-8"?>', "<!DOCTYPE TS>", f'<TS version="2.1" language="{language}">',
             "<context>", f"    <name>{CONTEXT}</name>"]
    for source, (text, kind) in messages.items():
        type_attr = f' type="{kind}"' if kind else ""
        lines += ["    <message>", f"        <source>{escape(source)}</source>",
                  f"        <translation{type_attr}>{escape(text)}</translation>", "    </message>"]
    return "\n".join(lines + ["</context>", "</TS>", ""])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ts", type=Path, default=TS_FILE, help="the .ts file (default: %(default)s)")
    parser.add_argument("--add", type=Path, help='JSON {"source": "translation"} to fill in')
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if any message is unfinished")
    args = parser.parse_args(argv)

    added = json.loads(args.add.read_text(encoding="utf-8")) if args.add else {}
    old = read_ts(args.ts)
    merged = merge(collect_strings(), old, added)
    unfinished = [s for s, (_t, kind) in merged.items() if kind == "unfinished"]
    obsolete = sum(kind == "obsolete" for _t, kind in merged.values())
    print(f"{args.ts.name}: {len(merged) - obsolete} messages, {len(unfinished)} unfinished, {obsolete} obsolete")
    if args.check:
        for source in unfinished:
            print(f"  unfinished: {source[:100]!r}", file=sys.stderr)
        mismatched = mismatched_fields(merged)
        for source in mismatched:
            print(f"  fields differ: {source[:100]!r} -> {merged[source][0][:100]!r}", file=sys.stderr)
        if merged != old:
            print(f"  note: {args.ts.name} is not up to date; run scripts/update_translations.py", file=sys.stderr)
        return 1 if unfinished or mismatched else 0

    args.ts.write_text(render_ts(merged), encoding="utf-8")
    lrelease = shutil.which("lrelease") or shutil.which("lrelease-qt5")
    if lrelease is None:
        print("lrelease not found (Debian: qttools5-dev-tools); the .qm was not rebuilt", file=sys.stderr)
        return 1
    return subprocess.run([lrelease, str(args.ts), "-qm", str(args.ts.with_suffix(".qm"))]).returncode


if __name__ == "__main__":
    sys.exit(main())
