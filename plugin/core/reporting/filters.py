"""Number and colour formatting for the report templates (registered as jinja2 filters by render.py)."""
from __future__ import annotations

import math

DASH = "–"  # an undefined value (0/0), as the reports' definitions say


def _undefined(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def fmt(x: float | None, digits: int = 3) -> str:
    """Fixed decimals; undefined values (None, NaN) show as an en dash."""
    return DASH if _undefined(x) else f"{x:.{digits}f}"


def pct(x: float | None, digits: int = 1) -> str:
    """A share in 0..1 as a percentage ('87.5 %'); undefined values show as an en dash."""
    return DASH if _undefined(x) else f"{100 * x:.{digits}f} %"


def thousands(n: int) -> str:
    """An integer count with thousands separators ('12,345')."""
    return f"{int(n):,}"


def mix(rgb: tuple[int, int, int], t: float) -> str:
    """'#rrggbb' of white blended towards `rgb` by t (clipped to 0..1; NaN counts as 0): heat-map cells."""
    t = 0.0 if _undefined(t) else min(max(t, 0.0), 1.0)
    r, g, b = (round(255 + (c - 255) * t) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


FILTERS = {"fmt": fmt, "pct": pct, "thousands": thousands}
