"""The shared report layer (plugin/core/reporting) and the two reports built on it, without running a model: filters,
bar-chart geometry, the jinja2 environment (autoescaping, missing names fail loudly, the base frame), and the accuracy
and Wald reports rendered from hand-made results."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from deepmapper.plugin.core.accuracy.metrics import binary_view, score
from deepmapper.plugin.core.accuracy.objects import ObjectScores
from deepmapper.plugin.core.accuracy.report import confusion_rows, render_report
from deepmapper.plugin.core.accuracy.results import AccuracyResult
from deepmapper.plugin.core.engine.vector_labels import ClassMatch
from deepmapper.plugin.core.reporting import bar_chart, fmt, mix, pct, render
from deepmapper.plugin.core.reporting.filters import thousands
from deepmapper.plugin.core.reporting.render import TEMPLATES
from deepmapper.plugin.core.superres.metrics import Scores as ImageScores
from deepmapper.plugin.core.superres.report import render_validation
from deepmapper.plugin.core.superres.results import ValidateResult

NAN = float("nan")


def test_filters_format_numbers_and_dash_undefined_values():
    assert (fmt(0.12345), fmt(0.12345, 1), fmt(NAN), fmt(None)) == ("0.123", "0.1", "–", "–")
    assert (pct(0.875), pct(1 / 3, 2), pct(NAN)) == ("87.5 %", "33.33 %", "–")
    assert thousands(1234567) == "1,234,567"


def test_mix_blends_white_towards_a_colour_and_clips():
    assert mix((26, 152, 80), 0) == "#ffffff" and mix((26, 152, 80), 1) == "#1a9850"
    assert mix((0, 0, 0), 0.5) == "#808080"
    assert mix((0, 0, 0), 7) == "#000000" and mix((0, 0, 0), -1) == mix((0, 0, 0), NAN) == "#ffffff"


def test_bar_chart_lays_out_groups_proportionally():
    groups = [{"label": "a", "color": "#f00", "bars": [{"value": 0.5, "color": "#111", "title": "t", "text": "x"},
                                                       {"value": NAN, "color": "#222", "title": "t", "text": "–"}]},
              {"label": "bb", "bars": [{"value": 2.0, "color": "#333", "title": "t", "text": "y"}]}]
    c = bar_chart(groups, scale=2.0, label_width=100, right=50, top=10, bottom=4, label_gap=8, group_gap=6,
                  bar_height=10, ticks=[0, 1, 2])
    widths = [b["width"] for g in c["groups"] for b in g["bars"]]
    assert widths == [130.0, 0.0, 520.0]  # 520 px for the scale, none for an undefined value
    assert [b["y"] for g in c["groups"] for b in g["bars"]] == [10, 20, 36]
    assert c["height"] == 10 + (2 * 10 + 6) + (10 + 6) + 4 and c["width"] == 100 + 520 + 50
    assert [t["x"] for t in c["ticks"]] == [100, 360, 620] and c["groups"][0]["label_y"] == 10 + 10 + 4
    assert c["groups"][0]["bars"][0]["text_x"] == 100 + 130 + 4


def test_templates_escape_fail_on_missing_names_and_share_the_frame(tmp_path):
    import jinja2

    page = render("base.html", title="<b>T</b>", subtitle="s & t", footer="f")
    assert page.startswith("<!DOCTYPE html>") and "<title>&lt;b&gt;T&lt;/b&gt;</title>" in page
    assert "<h1>&lt;b&gt;T&lt;/b&gt;</h1>" in page and "s &amp; t" in page and "<footer>f</footer>" in page
    with pytest.raises(jinja2.UndefinedError):
        render("base.html", title="t", subtitle="s")  # no footer
    reports = sorted(p.name for p in TEMPLATES.glob("*.html") if p.name not in ("base.html", "macros.html"))
    assert {"accuracy.html", "superres_validation.html", "label_review.html"} <= set(reports)
    for name in reports:
        assert '{% extends "base.html" %}' in (TEMPLATES / name).read_text(encoding="utf-8")


def test_confusion_cells_are_green_on_the_diagonal_and_red_off_it():
    rows = confusion_rows(np.array([[9, 1], [0, 0]]))
    (agree, miss), (zero, empty) = rows[0]["cells"], rows[1]["cells"]
    assert agree["share"] == 0.9 and agree["background"] == mix((26, 152, 80), 0.9) and agree["text"] == "#fff"
    assert miss["background"] == mix((215, 48, 39), 0.2) and miss["text"] == "#222"
    assert math.isnan(empty["share"]) and empty["background"] == "#ffffff" and rows[0]["total"] == 10


def _accuracy_result():
    names = {0: "clear", 1: "cloud", 2: "<shadow>"}
    colors = {0: "#3a7d44", 1: "#f2f2f2", 2: "#5c4d9a"}
    scores = score([0, 1, 2], np.array([[50, 3, 2], [4, 30, 0], [1, 0, 10]]), 2.0, names, colors)
    matches = [ClassMatch("clear", 0, "name", 3), ClassMatch("snow", None, "none", 1)]
    pred = {"path": "/d/pred.tif", "name": "pred.tif", "width": 10, "height": 10, "band": 1, "dtype": "uint8",
            "crs": "EPSG:32631", "pixel_size": (10.0, 10.0), "nodata": 255, "class_source": "DEEPMAPPER_CLASSES tag",
            "classes": [{"id": k, "name": v} for k, v in names.items()], "description": "",
            "tags": {"DEEPMAPPER_MODEL": "ukis_csmask_6b_l1c"}}
    ref = {"path": "/d/ref.gpkg", "layer": None, "name": "ref.gpkg", "class_field": "class", "features": 4,
           "crs": "EPSG:32631", "reprojected": False, "geometry_types": {"Polygon": 4}}
    counts = {"labelled": 101, "assessed": 100, "nodata": 1, "ambiguous": 2, "points": 0, "points_outside": 0,
              "points_nodata": 0, "null_class": 0, "unmatched_features": 1, "skipped_geometries": 0,
              "features_used": 3}
    objects = ObjectScores(1, "cloud", 0.5, 4, 5, 3, 0.6, 0.75, 2 / 3, 0.8)
    return AccuracyResult(scores, counts, matches, pred, ref, binary_view(scores, [1, 2]), objects, notes=["a <note>"],
                          created="2024-01-02 03:04")


def test_accuracy_report_shows_every_section():
    page = render_report(_accuracy_result())
    for text in ("Accuracy of pred.tif", "Confusion matrix", "Per class", "Binary view: cloud + &lt;shadow&gt; against "
                 "the rest", "Objects: cloud", "Inputs", "Class matching", "What was counted", "Definitions",
                 "ukis_csmask_6b_l1c", "a &lt;note&gt;", "macro F2", "object F1 of cloud", "(ignored)",
                 "Generated 2024-01-02 03:04 by DeepMapper (deepmapper:assessaccuracy)."):
        assert text in page, text
    assert "<shadow>" not in page and "<svg" in page and page.count("<rect") == 3 * 4 + 3  # 4 bars + 1 swatch a class
    assert len(re.findall(r'<td style="background:#[0-9a-f]{6};color:#fff" title="reference', page)) == 3  # diagonal
    assert "<script" not in page and "src=" not in page and "<link" not in page


def test_wald_report_shows_tiles_bands_and_how_it_was_measured():
    m = ImageScores([10.5, 20.25], [40.1, 35.2], [0.91, 0.88], {"rmse": 17.3, "psnr": 38.2, "ssim": 0.9, "sam": 1.2,
                                                                 "ergas": 2.5})
    b = ImageScores([12.5, 25.25], [38.1, 33.2], [0.81, NAN], {"rmse": 21.3, "psnr": 36.2, "ssim": 0.8, "sam": 1.5,
                                                               "ergas": 3.5})
    info = {"input": "/d/high.tif", "input_lowres": "", "mode": "SCALE (single image)", "model": "m",
            "scored": "100 x 80 pixels", "consistency": 0.00123, "consistency_before": 1.5}
    page = render_validation(ValidateResult(m, b, ["B5", "B<8A>"], "s2_superres_single", 123456, 0.00123, info))
    for text in ("Super-resolution check of s2_superres_single", "Wald protocol on /d/high.tif", "RMSE per band",
                 "B&lt;8A&gt;", "17.3", "RMSE (bicubic 21.3)", "38.20 dB", "SAM (bicubic 1.500°)", "0.812",
                 "100 x 80 pixels; 123,456 valid pixels", "0.0012 % (2 x 2 block means vs. input)", "–",
                 "How it was measured", "deepmapper:validatesuperres"):
        assert text in page, text
    assert page.count("<rect") == 4 and "<B<8A>" not in page


def test_public_names_stay_importable():
    import deepmapper.plugin.core.accuracy as accuracy
    from deepmapper.plugin.core.accuracy import assess

    for name in ("AccuracyRequest", "AccuracyResult", "assess_accuracy", "confusion_matrix", "cohen_kappa", "score",
                 "f_beta_from_counts", "overall_accuracy", "binary_view", "match_objects"):
        assert getattr(accuracy, name) is getattr(assess, name), name
