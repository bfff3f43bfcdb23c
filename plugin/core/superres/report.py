"""The super-resolution validation report: one self-contained HTML page (templates/superres_validation.html of
plugin/core/reporting, the shared frame and style of every report) and a CSV table. This module only turns a
ValidateResult into plain data for the template; the markup and the wording live in the template."""
from __future__ import annotations

import csv
import io
from datetime import datetime

from ..reporting import bar_chart, render
from .results import ValidateResult

MODEL_COLOR, BICUBIC_COLOR = "#1a9850", "#91bfdb"
METRICS = (("RMSE", "rmse"), ("PSNR (dB)", "psnr"), ("SSIM", "ssim"))


def render_validation(result: ValidateResult) -> str:
    """The whole validation report as one HTML string."""
    return render("superres_validation.html", **validation_context(result))


def validation_context(result: ValidateResult) -> dict:
    """Everything superres_validation.html shows, as plain dicts, lists, numbers and strings."""
    m, b = result.model, result.bicubic
    bands = [{"name": name, "ratio": m.rmse[i] / b.rmse[i] if b.rmse[i] else float("nan"),
              "model": {key: getattr(m, key)[i] for _label, key in METRICS},
              "bicubic": {key: getattr(b, key)[i] for _label, key in METRICS}}
             for i, name in enumerate(result.band_names)]
    return {"model_id": result.model_id, "info": result.info, "pixels": result.pixels, "rmse_ratio": result.rmse_ratio,
            "model": m.overall, "bicubic": b.overall, "bands": bands, "metrics": METRICS,
            "legend": [("model", MODEL_COLOR), ("bicubic", BICUBIC_COLOR)], "bars": rmse_bars(result),
            "created": datetime.now().strftime("%Y-%m-%d %H:%M")}


def rmse_bars(result: ValidateResult) -> dict:
    """Bar chart geometry: per band, the model's and bicubic's RMSE, scaled to the largest."""
    groups = [{"label": name, "bars": [{"value": value, "color": color, "title": f"{name} {who} RMSE {value:.4g}",
                                        "text": f"{value:.4g}"}
                                       for value, color, who in ((result.model.rmse[i], MODEL_COLOR, "model"),
                                                                 (result.bicubic.rmse[i], BICUBIC_COLOR, "bicubic"))]}
              for i, name in enumerate(result.band_names)]
    top = max(max(result.model.rmse), max(result.bicubic.rmse)) or 1.0
    return bar_chart(groups, scale=top, label_width=90, right=90, top=5, bottom=5, label_gap=8, group_gap=10,
                     label="RMSE per band, model and bicubic")


def validation_csv(result: ValidateResult) -> str:
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
