#!/usr/bin/env python3
"""Review a dataset's own (unflipped) labels and draw quicklooks of the suspects, to judge them by eye.

The suspects are drawn beside labels of the classes in question, so that a person can judge whether the source
labels hold errors of their own. bench_label_review.py scores
features named here with --source-errors as wrong labels; this script is the evidence for naming them.

    .venv/bin/python benchmarks/review_source_labels.py [--dataset landcover] [--out docs/label_review_source.png]

Prints each suspect (0-based feature index in file order, label, suggested class, label agreement, confidence) and
writes a PNG: per feature a true-colour (B4, B3, B2) and a false-colour (B8, B11, B4) crop with the polygon outlined,
300 m around it. Uses reviewlabels' defaults (out-of-fold forests, seed 0).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_label_review as bench  # noqa: E402  (dataset paths and the package import)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="landcover", choices=sorted(bench.DATASETS))
    parser.add_argument("--out", default=str(bench.ROOT / "docs" / "label_review_source.png"))
    parser.add_argument("--context", type=float, default=300.0, help="metres shown around each polygon")
    args = parser.parse_args()
    if args.context <= 0:
        parser.error("--context is the margin in metres around each polygon, above 0")
    if not bench.DATA.exists():
        sys.exit(f"{bench.DATA} is absent: the script needs the shared real data.")
    import importlib

    import geopandas as gpd
    review = importlib.import_module(f"{bench.PACKAGE}.plugin.core.labelling.review")
    image, labels = (bench.DATA / p for p in bench.DATASETS[args.dataset])
    gdf = gpd.read_file(labels)
    gdf = gdf.drop(columns=[c for c in gdf.columns if c not in ("class", gdf.geometry.name)])
    gdf["fid0"] = np.arange(len(gdf))
    with tempfile.TemporaryDirectory() as tmp:
        gdf.to_file(Path(tmp) / "labels.gpkg")
        result = review.review_labels(review.ReviewRequest(str(image), str(Path(tmp) / "labels.gpkg"), "class",
                                                           str(Path(tmp) / "out.gpkg"), seed=0, threads=1))
        out = gpd.read_file(result.output)
    suspects = out[out["suspect"].astype(bool)]
    for _, row in suspects.iterrows():
        print(f"feature {row['fid0']}: label {row['class']}, suggested {row['suggested_class']}, "
              f"label agreement {row['label_agreement']:.2f}, confidence {row['confidence']:.2f}")
    if suspects.empty:
        print("no suspect in the source labels")
        return
    # Beside each suspect: the first two features of its label's class and of the suggested class, unflagged.
    shown: list[int] = []
    for _, row in suspects.iterrows():
        shown.append(int(row["fid0"]))
        for cls in (row["class"], row["suggested_class"]):
            ok = out[(out["class"] == cls) & ~out["suspect"].astype(bool)]["fid0"].tolist()
            shown += [int(i) for i in sorted(ok)[:2] if int(i) not in shown]
    draw(image, gdf, shown, set(suspects["fid0"].astype(int)), args.context, Path(args.out))
    print(f"quicklooks: {args.out}")


def draw(image: Path, gdf, ids: list[int], flagged: set[int], context: float, out: Path) -> None:
    """True- and false-colour crops (reflectance x 1000 stretched 0-200 and 0-700) around each feature. One fixed
    stretch for every crop, unlike the reports' labelling.quicklook (2-98 % per crop): the point is to compare the
    suspect's brightness with the other polygons'."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import geopandas as gpd
    import rasterio
    from rasterio.windows import from_bounds
    fig, axes = plt.subplots(2, len(ids), figsize=(2.6 * len(ids), 5.6), squeeze=False)
    with rasterio.open(image) as src:
        band = {name: i for i, name in enumerate(src.descriptions, start=1)}
        for k, i in enumerate(ids):
            geom = gdf.geometry[i]
            x0, y0, x1, y1 = geom.bounds
            win = from_bounds(x0 - context, y0 - context, x1 + context, y1 + context,
                              transform=src.transform).round_offsets().round_lengths()
            t = src.window_transform(win)
            for row, (names, top) in enumerate(((("B4", "B3", "B2"), 200.0), (("B8", "B11", "B4"), 700.0))):
                rgb = np.dstack([src.read(band[n], window=win, boundless=True).astype(float) for n in names])
                ax = axes[row, k]
                ax.imshow(np.clip(rgb / top, 0, 1), extent=(t.c, t.c + t.a * win.width, t.f + t.e * win.height, t.f))
                gpd.GeoSeries([geom]).boundary.plot(ax=ax, color="red" if i in flagged else "yellow", lw=1.5)
                mark = " (suspect)" if i in flagged else ""
                ax.set_title(f"#{i} {gdf['class'][i]}{mark}\n{'B4 B3 B2' if row == 0 else 'B8 B11 B4'}", fontsize=8)
                ax.set_xticks([])
                ax.set_yticks([])
    fig.tight_layout()
    fig.savefig(out, dpi=80)
    from PIL import Image  # 256 colours: a third of the size, for a figure kept in the repository
    Image.open(out).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(out, optimize=True)


if __name__ == "__main__":
    main()
