"""Shared HTML reports: one jinja2 environment on templates/ (base.html: page frame, style, title, subtitle and
footer, which every report extends; macros.html: tiles, key/value rows, colour swatches, SVG bar charts), the
filters the templates format numbers with (filters.py) and the geometry of bar charts (charts.py).

A report module of a task prepares plain data (dicts, lists, numbers, strings) and calls render(); the markup lives
in the templates, so a layout changes without touching code. The bottom layer beside the engine: it imports nothing
else of the project (only jinja2), and every task may import it.
"""
from .charts import bar_chart
from .filters import fmt, mix, pct
from .render import render

__all__ = ["bar_chart", "fmt", "mix", "pct", "render"]
