"""Geometry of the reports' horizontal bar charts: plain numbers that templates/macros.html draws as inline SVG."""
from __future__ import annotations

import math
from typing import Sequence

BAR_WIDTH = 520  # pixels of the bar for the largest value


def bar_chart(groups: Sequence[dict], *, scale: float = 1.0, label_width: int, right: int, top: int, bottom: int,
              label_gap: int, group_gap: int, bar_height: int = 13, ticks: Sequence[float] = (),
              label: str = "") -> dict:
    """Lay out groups of bars, one group per class or band, labelled on the left.

    groups: dicts with 'label', optional 'color' (a swatch before the label) and 'bars', each bar a dict with
    'value' (NaN draws no bar), 'color', 'title' (hover text) and 'text' (written after the bar). A bar is
    BAR_WIDTH * value / scale pixels long. ticks: axis values (in the units of value) drawn as vertical grid lines.
    Returns the chart as a dict of pixel positions for the `bar_chart` macro.
    """
    y = top
    laid = []
    for group in groups:
        bars = group["bars"]
        mid = y + len(bars) * bar_height / 2
        placed = []
        for bar in bars:
            value = bar["value"]
            width = 0.0 if value is None or math.isnan(value) else BAR_WIDTH * value / scale
            placed.append({**bar, "y": y, "width": width, "text_x": label_width + width + 4,
                           "text_y": y + bar_height - 3})
            y += bar_height
        y += group_gap
        laid.append({"label": group["label"], "color": group.get("color"), "label_y": mid + 4,
                     "swatch_x": label_width - label_gap - 8 * len(group["label"]) - 18, "swatch_y": mid - 6,
                     "bars": placed})
    height = top + sum(len(g["bars"]) * bar_height + group_gap for g in groups) + bottom
    return {"width": label_width + BAR_WIDTH + right, "height": height, "label": label, "x": label_width,
            "label_x": label_width - label_gap, "bar_height": bar_height, "groups": laid,
            "ticks": [{"x": label_width + BAR_WIDTH * t / scale, "text": f"{t:.1f}"} for t in ticks]}
