"""The super-resolution validation report: one self-contained HTML page (shared style of report_html) and a CSV table.

Headline numbers first (the model's RMSE against bicubic's), then per-band bars and tables, then how it was measured.
"""
from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import TYPE_CHECKING

from ..accuracy.report import _e, _rows, _tile, fmt, page, svg_bar

if TYPE_CHECKING:  # pragma: no cover
    from .validation import ValidateResult

MODEL_COLOR, BICUBIC_COLOR = "#1a9850", "#91bfdb"
METRICS = (("RMSE", "rmse", "lower is better"), ("PSNR (dB)", "psnr", "higher is better"),
           ("SSIM", "ssim", "higher is better"))


def _bars(result: "ValidateResult") -> str:
    """Inline SVG: per band, the model's and bicubic's RMSE as horizontal bars."""
    label_w, bar_w, bar_h, gap = 90, 520, 13, 10
    top = max(max(result.model.rmse), max(result.bicubic.rmse)) or 1.0
    height = 10 + (2 * bar_h + gap) * len(result.band_names)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 90}" height="{height}" role="img" '
             f'aria-label="RMSE per band, model and bicubic" font-size="12">']
    y = 5
    for b, name in enumerate(result.band_names):
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h + 4}" text-anchor="end" font-weight="600">{_e(name)}</text>')
        for value, color, who in ((result.model.rmse[b], MODEL_COLOR, "model"),
                                  (result.bicubic.rmse[b], BICUBIC_COLOR, "bicubic")):
            w = bar_w * value / top
            parts.append(svg_bar(label_w, y, w, bar_h, color, f"{name} {who} RMSE {value:.4g}", f"{value:.4g}"))
            y += bar_h
        y += gap
    parts.append("</svg>")
    legend = (f'<div class="legend"><span><span class="sw" style="background:{MODEL_COLOR}"></span>model</span>'
              f'<span><span class="sw" style="background:{BICUBIC_COLOR}"></span>bicubic</span></div>')
    return legend + "".join(parts)


def _band_table(result: "ValidateResult") -> str:
    m, b = result.model, result.bicubic
    head = "".join(f"<th>{k} model</th><th>{k} bicubic</th>" for k, _a, _n in METRICS)
    rows = []
    for i, name in enumerate(result.band_names):
        cells = "".join(f"<td><b>{fmt(getattr(m, a)[i], 4)}</b></td><td>{fmt(getattr(b, a)[i], 4)}</td>"
                        for _k, a, _n in METRICS)
        ratio = m.rmse[i] / b.rmse[i] if b.rmse[i] else float("nan")
        rows.append(f'<tr><td class="l">{_e(name)}</td>{cells}<td>{fmt(ratio)}</td></tr>')
    overall = "".join(f"<td><b>{fmt(m.overall[a], 4)}</b></td><td>{fmt(b.overall[a], 4)}</td>" for _k, a, _n in METRICS)
    return (f'<table><tr><th class="l">band</th>{head}<th>RMSE ratio</th></tr>{"".join(rows)}'
            f'<tr><th class="l">overall</th>{overall}<td><b>{fmt(result.rmse_ratio)}</b></td></tr></table>')


def render_validation(result: "ValidateResult") -> str:
    """The whole validation report as one HTML string."""
    m, b = result.model.overall, result.bicubic.overall
    tiles = [_tile(fmt(result.rmse_ratio), "RMSE ratio, model / bicubic (below 1 is better)"),
             _tile(f"{m['rmse']:.4g}", f"RMSE (bicubic {b['rmse']:.4g})"),
             _tile(f"{m['psnr']:.2f} dB", f"PSNR (bicubic {b['psnr']:.2f} dB)"),
             _tile(fmt(m["ssim"], 4), f"SSIM (bicubic {fmt(b['ssim'], 4)})"),
             _tile(f"{m['sam']:.3f}°", f"SAM (bicubic {b['sam']:.3f}°)"),
             _tile(fmt(m["ergas"]), f"ERGAS (bicubic {fmt(b['ergas'])})")]
    info = result.info
    how = [("input (high resolution)" if "guided" in info["mode"] else "input", info["input"]),
           ("input, bands to sharpen", info["input_lowres"] or "–"), ("mode", info["mode"]),
           ("model", result.model_id), ("scored", f"{info['scored']}; {result.pixels:,} valid pixels"),
           ("consistency after the projection", f"{info['consistency']:.2g} % (2 x 2 block means vs. input)"),
           ("consistency of the network alone", f"{info['consistency_before']:.2g} %")]
    body = (f'<div class="tiles">{"".join(tiles)}</div>'
            f'<h2>RMSE per band</h2><div class="card">{_bars(result)}</div>'
            f'<h2>Per band</h2><div class="card">{_band_table(result)}</div>'
            f'<h2>How it was measured</h2><div class="card"><table>{_rows(how)}</table>'
            '<ul class="note"><li>Wald protocol: both inputs were degraded by 2 (2 x 2 block means), the degraded '
            'low-resolution bands were super-resolved back to their own resolution and compared with the original '
            'bands, which the model never saw. Bicubic: cubic convolution (a = −0.75, as torch and OpenCV) of the same '
            'degraded bands, scored on the same pixels.</li>'
            '<li>RMSE in the input\'s units; PSNR with each band\'s largest reference value as peak; SSIM with a '
            'Gaussian window (σ = 1.5); SAM: mean spectral angle between predicted and reference spectra; ERGAS = '
            '100 · (h / l) · √(mean over bands of (RMSE / mean)²) with h / l = 1/2.</li></ul></div>')
    created = datetime.now().strftime("%Y-%m-%d %H:%M")
    return page(f"Super-resolution check of {result.model_id}", f"Wald protocol on {info['input']} · {created}",
                body, f"Generated {created} by DeepMapper (deepmapper:validatesuperres).")


def validation_csv(result: "ValidateResult") -> str:
    """Per-band and overall scores of the model and of bicubic, one row per band."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["band", "rmse", "rmse_bicubic", "rmse_ratio", "psnr", "psnr_bicubic", "ssim", "ssim_bicubic"])
    m, b = result.model, result.bicubic
    for i, name in enumerate(result.band_names):
        w.writerow([name, m.rmse[i], b.rmse[i], m.rmse[i] / b.rmse[i] if b.rmse[i] else "", m.psnr[i], b.psnr[i],
                    m.ssim[i], b.ssim[i]])
    w.writerow(["overall", m.overall["rmse"], b.overall["rmse"], result.rmse_ratio, m.overall["psnr"],
                b.overall["psnr"], m.overall["ssim"], b.overall["ssim"]])
    w.writerow(["sam_degrees", m.overall["sam"], b.overall["sam"], "", "", "", "", ""])
    w.writerow(["ergas", m.overall["ergas"], b.overall["ergas"], "", "", "", "", ""])
    return out.getvalue()
