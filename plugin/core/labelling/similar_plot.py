"""A 2-D map of all patch embeddings (PCA), with the examples and the hits marked, so a person can look at the data
set instead of reading it: a PNG, or a self-contained HTML page with the plot as inline SVG."""
from __future__ import annotations

import io
import os
from datetime import datetime

import numpy as np

from ..engine.errors import require
from ..engine.messages import N_
from ..engine.raster_io import atomic_path


def _figure(emb, queries: np.ndarray, hits: np.ndarray, title: str):
    require("matplotlib", N_("the plot of the patch embeddings (OUTPUT_PLOT)"))
    from matplotlib.figure import Figure
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import StandardScaler
    rows = np.flatnonzero(np.isfinite(emb.features).all(axis=1))
    scaler = StandardScaler().fit(emb.features[rows])
    pca = PCA(n_components=2, random_state=0).fit(scaler.transform(emb.features[rows]))
    xy = pca.transform(scaler.transform(emb.features[rows]))
    at = {int(c): k for k, c in enumerate(rows)}
    ex = pca.transform(scaler.transform(queries))
    hit_xy = xy[[at[int(c)] for c in hits]]
    fig = Figure(figsize=(7, 6), dpi=100)
    ax = fig.add_subplot()
    ax.scatter(xy[:, 0], xy[:, 1], s=6, c="#bbbbbb", label=f"all patches ({len(rows)})", linewidths=0)
    # the hits above the examples (hollow stars): they lie close together, and the hits are what is looked for
    ax.scatter(ex[:, 0], ex[:, 1], s=120, marker="*", facecolors="none", edgecolors="#1f78b4", linewidths=1.2,
               label=f"examples ({len(ex)})", zorder=2)
    ax.scatter(hit_xy[:, 0], hit_xy[:, 1], s=28, c="#e31a1c", label=f"hits ({len(hits)})", linewidths=0, zorder=3)
    share = pca.explained_variance_ratio_
    ax.set_xlabel(f"PC 1 ({100 * share[0]:.0f} % of the variance)")
    ax.set_ylabel(f"PC 2 ({100 * share[1]:.0f} % of the variance)")
    ax.set_title(f"Patch embeddings of {title}")
    ax.legend(loc="best", fontsize=9)
    fig.tight_layout()
    return fig


def write_plot(path: str, emb, queries: np.ndarray, hits: np.ndarray, title: str) -> None:
    """Write the plot to `path` (.png, or .html/.htm with inline SVG), atomically."""
    fig = _figure(emb, queries, hits, title)
    with atomic_path(path) as tmp:
        if os.path.splitext(path)[1].lower() == ".png":
            fig.savefig(tmp, format="png")
            return
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        svg = buf.getvalue()
        svg = svg[svg.index("<svg"):]
        from ..reporting import render
        html = render("similar_plot.html", title=f"Search by example: {title}", svg=svg,
                      created=datetime.now().strftime("%Y-%m-%d %H:%M"), patches=int(emb.candidate.sum()),
                      examples=len(queries), hits=len(hits))
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(html)
