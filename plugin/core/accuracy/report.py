"""The accuracy report as one self-contained HTML page: no external assets, no JavaScript, opens anywhere.

Headline numbers first, then the confusion matrix as a heat map, per-class bars (inline SVG) and tables, then the
inputs, the class matching and the pixel counts, so a reader sees how good the map is before how it was measured.
"""
from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from .assess import AccuracyResult

GOOD, BAD = (26, 152, 80), (215, 48, 39)  # diagonal / off-diagonal heat colours
METRIC_COLORS = {"precision": "#4575b4", "recall": "#91bfdb", "F": "#1a9850", "IoU": "#fdae61"}

CSS = """
body{font-family:-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#222;margin:0;background:#f4f5f7}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:28px 0 10px;border-bottom:2px solid #ddd;padding-bottom:4px}
.sub{color:#666;margin:0 0 18px}
.tiles{display:flex;flex-wrap:wrap;gap:12px}
.tile{background:#fff;border-radius:8px;padding:14px 18px;min-width:150px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.tile .v{font-size:30px;font-weight:600}.tile .k{color:#666;font-size:13px}
.card{background:#fff;border-radius:8px;padding:16px;box-shadow:0 1px 3px rgba(0,0,0,.12);overflow-x:auto}
table{border-collapse:collapse;font-size:14px}
th,td{padding:6px 10px;text-align:right;border:1px solid #e3e3e3}
th{background:#fafafa;font-weight:600}td.l,th.l{text-align:left}
table.cm td{min-width:70px;text-align:center}table.cm td small{display:block;font-size:11px;opacity:.85}
.sw{display:inline-block;width:11px;height:11px;border:1px solid #999;margin-right:6px;vertical-align:-1px}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:16px}@media(max-width:800px){.grid2{grid-template-columns:1fr}}
.note{color:#555;font-size:13px}ul.note{padding-left:18px}
.legend span{margin-right:14px;font-size:13px}
.grid2>.card{margin-bottom:12px}h3{font-size:16px;margin:0 0 10px}
footer{color:#888;font-size:12px;margin-top:30px}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _isnan(x: object) -> bool:
    return isinstance(x, float) and math.isnan(x)


def fmt(x: float, digits: int = 3) -> str:
    """Undefined values (0/0) show as an en dash."""
    return "–" if x is None or _isnan(x) else f"{x:.{digits}f}"


def pct(x: float, digits: int = 1) -> str:
    return "–" if x is None or _isnan(x) else f"{100 * x:.{digits}f} %"


def _mix(rgb: tuple[int, int, int], t: float) -> str:
    """White blended towards `rgb` by t in 0..1."""
    t = 0.0 if _isnan(t) else min(max(t, 0.0), 1.0)
    r, g, b = (round(255 + (c - 255) * t) for c in rgb)
    return f"#{r:02x}{g:02x}{b:02x}"


def _swatch(color: str | None) -> str:
    return f'<span class="sw" style="background:{_e(color)}"></span>' if color else ""


def _tile(value: str, label: str) -> str:
    return f'<div class="tile"><div class="v">{_e(value)}</div><div class="k">{_e(label)}</div></div>'


def _rows(pairs: Iterable[tuple[str, object]]) -> str:
    return "".join(f'<tr><th class="l">{_e(k)}</th><td class="l">{_e(v)}</td></tr>' for k, v in pairs)


def svg_bar(x: float, y: float, width: float, bar_h: int, color: str, title: str, text: str) -> str:
    """One horizontal SVG bar with a hover title and its value written after it (the reports' bar charts)."""
    return (f'<rect x="{x}" y="{y}" width="{width:.1f}" height="{bar_h - 2}" fill="{color}"><title>{_e(title)}</title>'
            f'</rect><text x="{x + width + 4:.1f}" y="{y + bar_h - 3}" fill="#444">{_e(text)}</text>')


def confusion_table(result: "AccuracyResult") -> str:
    """Rows reference, columns prediction; cells coloured by their share of the reference row."""
    s = result.scores
    cls = s.classes
    m = s.matrix
    head = "".join(f'<th>{_swatch(c.color)}{_e(c.name)}<br><small>{c.class_id}</small></th>' for c in cls)
    body = []
    for i, c in enumerate(cls):
        row_total = int(m[i].sum())
        cells = []
        for j in range(len(cls)):
            v = int(m[i, j])
            share = v / row_total if row_total else float("nan")
            bg = _mix(GOOD if i == j else BAD, share if i == j else min(1.0, 2 * share) if not _isnan(share) else 0)
            dark = (not _isnan(share)) and (share > 0.55 if i == j else share > 0.3)
            color = "#fff" if dark else "#222"
            cells.append(f'<td style="background:{bg};color:{color}" title="reference {_e(c.name)}, predicted '
                         f'{_e(cls[j].name)}">{v:,}<small>{pct(share)}</small></td>')
        body.append(f'<tr><th class="l">{_swatch(c.color)}{_e(c.name)} <small>{c.class_id}</small></th>{"".join(cells)}'
                    f'<td><b>{row_total:,}</b></td><td>{pct(c.recall)}</td></tr>')
    col_totals = "".join(f"<td><b>{int(m[:, j].sum()):,}</b></td>" for j in range(len(cls)))
    precisions = "".join(f"<td>{pct(c.precision)}</td>" for c in cls)
    return (f'<table class="cm"><tr><th class="l">reference ↓ / prediction →</th>{head}<th>total</th>'
            f'<th>recall<br><small>producer\'s acc.</small></th></tr>{"".join(body)}'
            f'<tr><th class="l">total</th>{col_totals}<td><b>{s.total:,}</b></td><td></td></tr>'
            f'<tr><th class="l">precision <small>(user\'s acc.)</small></th>{precisions}<td></td>'
            f'<td><b>OA {pct(s.overall_accuracy)}</b></td></tr></table>')


def class_bars(result: "AccuracyResult") -> str:
    """Inline SVG: for each class, horizontal bars of precision, recall, F-beta and IoU on a 0..1 axis."""
    s = result.scores
    shown = [c for c in s.classes if c.scored]
    metrics = [("precision", "precision"), ("recall", "recall"), ("F", "f_beta"), ("IoU", "iou")]
    label_w, bar_w, bar_h, gap = 170, 520, 13, 14
    group_h = len(metrics) * bar_h + gap
    height = 30 + group_h * len(shown) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" height="{height}" '
             f'role="img" aria-label="per-class precision, recall, F and IoU" font-size="12">']
    for t in range(0, 11, 2):
        x = label_w + bar_w * t / 10
        parts.append(f'<line x1="{x}" y1="20" x2="{x}" y2="{height - 8}" stroke="#e3e3e3"/>'
                     f'<text x="{x}" y="14" text-anchor="middle" fill="#888">{t / 10:.1f}</text>')
    y = 26
    for c in shown:
        mid = y + len(metrics) * bar_h / 2
        parts.append(f'<text x="{label_w - 10}" y="{mid + 4}" text-anchor="end" font-weight="600">{_e(c.name)}</text>')
        if c.color:
            parts.append(f'<rect x="{label_w - 10 - 8 * len(c.name) - 18}" y="{mid - 6}" width="11" height="11" '
                         f'fill="{_e(c.color)}" stroke="#999"/>')
        for label, attr in metrics:
            v = getattr(c, attr)
            w = 0 if _isnan(v) else bar_w * v
            parts.append(svg_bar(label_w, y, w, bar_h, METRIC_COLORS[label], f"{c.name} {label}: {fmt(v)}", fmt(v)))
            y += bar_h
        y += gap
    parts.append("</svg>")
    beta = f"{s.beta:g}"
    legend = "".join(f'<span>{_swatch(col)}{"F" + beta if k == "F" else k}</span>' for k, col in METRIC_COLORS.items())
    return f'<div class="legend">{legend}</div>' + "".join(parts)


def class_table(result: "AccuracyResult") -> str:
    s = result.scores
    beta = f"{s.beta:g}"
    rows = "".join(
        f'<tr><td>{c.class_id}</td><td class="l">{_swatch(c.color)}{_e(c.name)}</td><td>{fmt(c.precision)}</td>'
        f'<td>{fmt(c.recall)}</td><td><b>{fmt(c.f_beta)}</b></td><td>{fmt(c.iou)}</td><td>{c.support:,}</td>'
        f'<td>{c.predicted:,}</td></tr>' for c in s.classes)
    return (f'<table><tr><th>id</th><th class="l">class</th><th>precision</th><th>recall</th><th>F{beta}</th>'
            f'<th>IoU</th><th>support (reference)</th><th>predicted</th></tr>{rows}'
            f'<tr><td></td><th class="l">macro mean</th><td></td><td></td><td><b>{fmt(s.macro_f)}</b></td><td>'
            f'{fmt(_mean([c.iou for c in s.classes if c.scored]))}</td><td></td><td></td></tr>'
            f'<tr><td></td><th class="l">support-weighted</th><td></td><td></td><td><b>{fmt(s.weighted_f)}</b></td>'
            f'<td></td><td>{s.total:,}</td><td></td></tr></table>')


def _mean(values: list[float]) -> float:
    values = [v for v in values if not _isnan(v)]
    return sum(values) / len(values) if values else float("nan")


def binary_section(result: "AccuracyResult") -> str:
    b = result.binary
    if b is None:
        return ""
    beta = f"{result.scores.beta:g}"
    pos = " + ".join(b.positive_names)
    total = b.tp + b.fp + b.fn + b.tn

    def cell(v: int, good: bool) -> str:
        share = v / total if total else 0
        return f'<td style="background:{_mix(GOOD if good else BAD, min(1, 3 * share))}">{v:,}</td>'
    return (f'<h2>Binary view: {_e(pos)} against the rest</h2><div class="grid2"><div class="card">'
            f'<table class="cm"><tr><th class="l">reference ↓ / prediction →</th><th>{_e(pos)}</th><th>rest</th></tr>'
            f'<tr><th class="l">{_e(pos)}</th>{cell(b.tp, True)}{cell(b.fn, False)}</tr>'
            f'<tr><th class="l">rest</th>{cell(b.fp, False)}{cell(b.tn, True)}</tr></table></div>'
            f'<div class="card"><table>{_rows([("precision", fmt(b.precision)), ("recall", fmt(b.recall)), (f"F{beta}", fmt(b.f_beta)), ("IoU", fmt(b.iou)), ("overall accuracy", pct(b.overall_accuracy, 2)), ("Cohen kappa", fmt(b.kappa))])}'
            f'</table></div></div>')


def object_section(result: "AccuracyResult") -> str:
    o = result.objects
    if o is None:
        return ""
    return (f'<h2>Objects: {_e(o.name)}</h2><div class="card"><table>'
            + _rows([("reference objects", o.reference_objects), ("predicted objects", o.predicted_objects),
                     (f"matched (IoU ≥ {o.threshold:g}, one to one)", o.tp), ("object precision", fmt(o.precision)),
                     ("object recall", fmt(o.recall)), ("object F1 (SpaceNet)", fmt(o.f1)),
                     ("mean IoU of matches", fmt(o.mean_iou))])
            + '</table><p class="note">Predicted objects are the connected regions of the class in the prediction; '
              'each predicted object is matched to at most one reference polygon, at IoU ≥ the threshold, as the '
              'SpaceNet challenges score buildings. The reference is taken as complete for this class over the '
              'prediction\'s extent.</p></div>')


def inputs_section(result: "AccuracyResult") -> str:
    p, r = result.prediction_info, result.reference_info
    model = ", ".join(f"{k}: {v}" for k, v in p.get("tags", {}).items())
    classes = ", ".join(f"{c['id']} {c['name']}" for c in p.get("classes", [])) or "none (integer values only)"
    pixel = p.get("pixel_size", (0, 0))
    pred_rows = [("file", p["path"]), ("size", f"{p['width']} × {p['height']} pixels, band {p['band']} ({p['dtype']})"),
                 ("CRS", p["crs"]), ("pixel size", f"{pixel[0]:g} × {pixel[1]:g}"),
                 ("nodata", "none" if p.get("nodata") is None else f"{p['nodata']:g}"),
                 ("classes", classes + (f"  (from the {p['class_source']})" if p.get("class_source") else ""))]
    if p.get("description"):
        pred_rows.append(("band description", p["description"]))
    if model:
        pred_rows.append(("model", model))
    geom = ", ".join(f"{k} {v}" for k, v in r.get("geometry_types", {}).items())
    ref_rows = [("file", r["path"] + (f" (layer {r['layer']})" if r.get("layer") else "")),
                ("features", f"{r['features']:,} ({geom})"), ("class field", r["class_field"]), ("CRS", r["crs"]),
                ("on the prediction grid", "reprojected to the prediction's CRS" if r.get("reprojected")
                 else "same CRS, no reprojection")]
    match_rows = "".join(
        f'<tr><td class="l">{_e(m.value)}</td><td>{"–" if m.class_id is None else m.class_id}</td>'
        f'<td class="l">{_e(_name(result, m.class_id))}</td><td class="l">{_e(m.how)}</td><td>{m.features:,}</td></tr>'
        for m in sorted(result.matches, key=lambda m: (m.class_id is None, m.class_id or 0, m.value)))
    return (f'<h2>Inputs</h2><div class="grid2"><div class="card"><h3>Prediction: {_e(p["name"])}</h3><table>'
            f'{_rows(pred_rows)}</table></div><div class="card"><h3>Reference: {_e(r["name"])}</h3><table>'
            f'{_rows(ref_rows)}</table></div></div>'
            f'<h2>Class matching</h2><div class="card"><table><tr><th class="l">reference value</th><th>class id</th>'
            f'<th class="l">prediction class</th><th class="l">matched by</th><th>features</th></tr>{match_rows}'
            f'</table></div>')


def _name(result: "AccuracyResult", class_id: int | None) -> str:
    if class_id is None:
        return "(ignored)"
    return next((c.name for c in result.scores.classes if c.class_id == class_id), f"class {class_id}")


def counts_section(result: "AccuracyResult") -> str:
    c = result.counts
    rows = [("labelled pixels and point samples", f"{c['labelled']:,}"),
            ("assessed (in the confusion matrix)", f"{c['assessed']:,}"),
            ("excluded: nodata in the prediction", f"{c['nodata']:,}"),
            ("excluded: covered by polygons of different classes", f"{c['ambiguous']:,}")]
    if c.get("points") or c.get("points_outside"):
        rows += [("point samples on the raster", f"{c['points']:,}"),
                 ("points outside the raster", f"{c['points_outside']:,}")]
    rows += [("reference features used", f"{c['features_used']:,}"),
             ("features ignored: class matches no prediction class", f"{c['unmatched_features']:,}"),
             ("features ignored: empty class field", f"{c['null_class']:,}")]
    return f'<h2>What was counted</h2><div class="card"><table>{_rows(rows)}</table></div>'


def render_report(result: "AccuracyResult") -> str:
    """The whole report as one HTML string."""
    s = result.scores
    beta = f"{s.beta:g}"
    title = f"Accuracy of {result.prediction_info['name']}"
    tiles = [_tile(pct(s.overall_accuracy), "overall accuracy"), _tile(fmt(s.kappa), "Cohen's kappa"),
             _tile(fmt(s.macro_f), f"macro F{beta}"), _tile(fmt(s.weighted_f), f"support-weighted F{beta}"),
             _tile(f"{s.total:,}", "pixels assessed")]
    if result.binary is not None:
        tiles.append(_tile(fmt(result.binary.f_beta), f"F{beta} of {' + '.join(result.binary.positive_names)}"))
    if result.objects is not None:
        tiles.append(_tile(fmt(result.objects.f1), f"object F1 of {result.objects.name}"))
    notes = "".join(f"<li>{_e(n)}</li>" for n in result.notes)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title><style>{CSS}</style></head>
<body><main>
<h1>{_e(title)}</h1>
<p class="sub">against {_e(result.reference_info['name'])} (field “{_e(result.reference_info['class_field'])}”) ·
{_e(result.created)} · DeepMapper accuracy assessment</p>
<div class="tiles">{''.join(tiles)}</div>
<h2>Confusion matrix</h2>
<div class="card">{confusion_table(result)}
<p class="note">Rows: reference classes; columns: predicted classes. Each cell shows the pixel count and its share of
the reference row: green on the diagonal (agreement), red off it (confusion).</p></div>
<h2>Per class</h2>
<div class="card">{class_bars(result)}</div>
<div class="card" style="margin-top:12px">{class_table(result)}</div>
{binary_section(result)}
{object_section(result)}
{inputs_section(result)}
{counts_section(result)}
<h2>Definitions</h2>
<div class="card note"><ul class="note">
<li>Precision = TP / (TP + FP) (user's accuracy); recall = TP / (TP + FN) (producer's accuracy);
F{beta} = (1 + β²)·TP / ((1 + β²)·TP + β²·FN + FP) with β = {beta}; IoU = TP / (TP + FP + FN);
support = reference pixels of the class.</li>
<li>Overall accuracy = agreeing pixels / assessed pixels; Cohen's kappa = (p<sub>o</sub> − p<sub>e</sub>) /
(1 − p<sub>e</sub>), p<sub>e</sub> from the row and column totals.</li>
<li>Macro F = mean of F{beta} over the classes present in the reference or the prediction; the weighted F weights
each class by its support. A dash (–) is an undefined ratio (0/0): precision of a class never predicted, recall of a
class absent from the reference.</li>
<li>Only labelled pixels count: pixels whose centre lies inside a reference polygon of exactly one class, and pixels
that reference points fall in (one sample per point). The reference was placed on the prediction's pixel grid.</li>
</ul>{f'<h3>Notes</h3><ul class="note">{notes}</ul>' if notes else ''}</div>
<footer>Generated {_e(result.created)} by DeepMapper (deepmapper:assessaccuracy).</footer>
</main></body></html>
"""


def page(title: str, subtitle: str, body: str, footer: str) -> str:
    """A complete self-contained report page with the shared style (title, subtitle line, body HTML, footer text)."""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1">\n<title>{_e(title)}</title><style>{CSS}</style></head>\n'
            f'<body><main>\n<h1>{_e(title)}</h1>\n<p class="sub">{_e(subtitle)}</p>\n{body}\n'
            f'<footer>{_e(footer)}</footer>\n</main></body></html>\n')
