"""deepmapper:findsimilar's engine: search by example (visual data mining).

The raster is cut into the cells of a PatchGrid and read one row of cells at a time (flat memory, progress, cancel);
every cell gets an embedding (embed.py). The user's examples (polygons or points) are embedded from a patch centred
on each; the cells they touch are not candidates. The embeddings are standardised, and scikit-learn's
NearestNeighbors finds each example's nearest cells; a cell's distance is its distance to the nearest example, and
the COUNT nearest cells are written as squares with `rank` and `distance`. Steps:

    choose the model and bands       (classify.pipeline, the same band matching as segment)
    embed_grid                       a row of cells at a time; example cells and the search area per cell
    embed_examples                   a patch around each example
    nearest                          NearestNeighbors on the standardised embeddings
    outputs                          the squares (output.write_squares); the 2-D map of embeddings (similar_plot.py)
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from ..classify.pipeline import ClassifyRequest, choose_model_and_bands
from ..engine.device import choose_device
from ..engine.errors import DeepMapperError, require
from ..engine.messages import N_, _
from ..engine.progress import Monitor
from ..engine.raster_io import BandReader, bounded_gdal_cache, open_raster
from ....models.registry import Registry
from .areas import VectorArea
from .embed import PatchEmbedder, patch_embedder
from .features import PatchAccumulator
from .grid import PatchGrid
from .output import check_vector_path, write_squares

MIN_VALID = 0.5  # share of a cell's pixels that must be valid for it to be a candidate
BATCH = 32


@dataclass
class SimilarRequest:
    input: str
    model: str
    examples: str  # polygons or points (a file, or 'file|layername=x')
    output: str  # squares (.gpkg, .shp, .geojson, .fgb)
    count: int = 20
    patch_size: int = 32
    search_area: str | None = None
    output_plot: str | None = None  # .html (inline SVG) or .png
    sensor: str | None = None
    bands: str | None = None
    device: str = "auto"
    threads: int = 0


@dataclass
class SimilarResult:
    output: str
    output_plot: str | None
    count: int
    candidates: int
    cells: np.ndarray  # (count,) grid cell index of each hit, rank order
    distances: np.ndarray  # (count,)
    embedding: str  # "encoder" or "probabilities"
    log: list[str] = field(default_factory=list)


@dataclass
class GridEmbedding:
    features: np.ndarray  # (cells, D) float64; NaN rows for cells not embedded
    candidate: np.ndarray  # (cells,) bool
    example_cell: np.ndarray  # (cells,) bool: touched by an example


def find_similar(req: SimilarRequest, monitor: Monitor | None = None, registry: Registry | None = None
                 ) -> SimilarResult:
    """The req.count cells most similar to the examples. Raises DeepMapperError for bad inputs (no examples, examples
    off the image, COUNT above the candidates, a model whose bands the raster lacks), CancelledError on cancel."""
    monitor = monitor or Monitor()
    with bounded_gdal_cache():
        return _find(req, monitor, registry or Registry())


def _check(req: SimilarRequest) -> None:
    check_vector_path(req.output)
    if req.count < 1:
        raise DeepMapperError(_("COUNT must be at least 1 (got {count}).").format(count=req.count))
    if req.output_plot and os.path.splitext(req.output_plot)[1].lower() not in (".html", ".htm", ".png"):
        raise DeepMapperError(_("OUTPUT_PLOT '{output_plot}' must be an .html or a .png file.").format(
            output_plot=req.output_plot))
    outputs = [os.path.abspath(p) for p in (req.output, req.output_plot) if p]
    if os.path.abspath(req.input) in outputs or len(set(outputs)) != len(outputs):
        raise DeepMapperError(_("An output is an input or another output; give each output its own new file."))


def _find(req: SimilarRequest, monitor: Monitor, registry: Registry) -> SimilarResult:
    log: list[str] = []
    say = monitor.recorder(log)
    _check(req)
    require("sklearn", N_("the nearest-neighbour search (pip package scikit-learn)"))
    with open_raster(req.input) as src:
        creq = ClassifyRequest(input=req.input, output="", model=req.model, sensor=req.sensor, bands=req.bands,
                               device=req.device, threads=req.threads)
        chosen = choose_model_and_bands(src, creq, registry, None, say)
        embedder = patch_embedder(chosen.card, choose_device(req.device, chosen.card.format), req.threads)
        say(_("Embeddings: {features} "
            "plus band statistics, per {patch_size}-pixel patch.").format(
            features=_("the encoder bottleneck") if embedder.kind == 'encoder' else _("class probabilities"),
            patch_size=req.patch_size))
        reader = BandReader(src, chosen.indexes, chosen.scale, chosen.offset)
        grid = PatchGrid(src.height, src.width, req.patch_size)
        examples = VectorArea.read(req.examples, "EXAMPLES", src, _("Mark at least one example polygon or point."))
        area = VectorArea.read(req.search_area, "SEARCH_AREA", src, _("Draw the area to search, or leave it empty."),
                               polygons=True) if req.search_area else None
        emb = embed_grid(reader, grid, embedder, examples, area, monitor.span(0.0, 0.9))
        queries = embed_examples(reader, grid, embedder, examples)
        cells, dist = nearest(emb, queries, req.count, say)
        transform, crs = src.transform, (src.crs.to_wkt() if src.crs else None)
    rings = [grid.polygon(int(c), transform) for c in cells]
    records = [{"rank": k + 1, "distance": round(float(d), 6)} for k, d in enumerate(dist)]
    if req.output_plot:
        from .similar_plot import write_plot
        write_plot(req.output_plot, emb, queries, cells, title=os.path.basename(req.input))
    write_squares(req.output, rings, records, {"rank": int, "distance": float}, crs)
    say(_("{n_cells} most similar of {candidates} candidate patches; distances "
        "{nearest:.3f} to {farthest:.3f}.").format(
        n_cells=len(cells), candidates=int(emb.candidate.sum()), nearest=dist[0], farthest=dist[-1]))
    monitor.report(1.0)
    return SimilarResult(req.output, req.output_plot, len(cells), int(emb.candidate.sum()), cells, dist,
                         embedder.kind, log)


def embed_grid(reader: BandReader, grid: PatchGrid, embedder: PatchEmbedder, examples: VectorArea,
               area: VectorArea | None, monitor: Monitor) -> GridEmbedding:
    """Embed every cell with at least MIN_VALID valid pixels, one row of cells at a time."""
    s, span = grid.size, grid.cols * grid.size
    touched = PatchAccumulator(grid, 2)  # planes: example pixels, search-area pixels
    valid_px = PatchAccumulator(grid, 1)
    fill = embedder.model.fill_values().astype(np.float32)[:, None, None]
    features: np.ndarray | None = None
    for r in range(grid.rows):
        row0 = r * s
        data, valid = reader.read_rows(row0, row0 + s, 0, span)
        np.copyto(data, fill, where=~valid[None])
        planes = np.stack([examples.strip(row0, row0 + s)[:, :span],
                           area.strip(row0, row0 + s)[:, :span] if area else np.ones((s, span), bool)])
        touched.add(row0, planes.astype(np.float32))
        valid_px.add(row0, valid[None].astype(np.float32))
        patches = data.reshape(data.shape[0], s, grid.cols, s).transpose(2, 0, 1, 3)
        share = valid_px.totals()[r * grid.cols:(r + 1) * grid.cols, 0] / (s * s)
        keep = np.flatnonzero(share >= MIN_VALID)
        for b in range(0, len(keep), BATCH):
            idx = keep[b:b + BATCH]
            out = embedder.embed(np.ascontiguousarray(patches[idx]))
            if features is None:
                features = np.full((grid.count, out.shape[1]), np.nan)
            features[r * grid.cols + idx] = out
        monitor.report((r + 1) / grid.rows)
    if features is None:
        raise DeepMapperError(_("No patch of the image has enough valid pixels (nodata elsewhere); give an image with "
                              "data, or a smaller PATCH_SIZE."))
    sums = touched.totals()
    example_cell = sums[:, 0] > 0
    in_area = sums[:, 1] >= MIN_VALID * s * s
    embedded = np.isfinite(features).all(axis=1)
    return GridEmbedding(features, embedded & in_area & ~example_cell, example_cell)


def embed_examples(reader: BandReader, grid: PatchGrid, embedder: PatchEmbedder, examples: VectorArea
                   ) -> np.ndarray:
    """(E, D) embeddings of a patch centred on each example (polygons: a point surely inside), moved inside the
    image where an example sits near its edge; examples off the image are left out."""
    s = grid.size
    inv = ~reader.dataset.transform
    fill = embedder.model.fill_values().astype(np.float32)[:, None, None]
    out = []
    for geom in examples.geometries:
        if geom is None or geom.is_empty:
            continue
        p = geom if geom.geom_type == "Point" else geom.representative_point()
        col, row = inv * (p.x, p.y)
        if not (0 <= row < reader.height and 0 <= col < reader.width):
            continue
        r0 = int(min(max(round(row) - s // 2, 0), reader.height - s))
        c0 = int(min(max(round(col) - s // 2, 0), reader.width - s))
        data, valid = reader.read_rows(r0, r0 + s, c0, c0 + s)
        np.copyto(data, fill, where=~valid[None])
        out.append(embedder.embed(data[None])[0])
    if not out:
        raise DeepMapperError(_("No example of EXAMPLES lies on the image: mark the examples on this image (or fix the "
                              "layer's CRS)."))
    return np.stack(out)


def nearest(emb: GridEmbedding, queries: np.ndarray, count: int, say) -> tuple[np.ndarray, np.ndarray]:
    """((count,) cell indices, (count,) distances) of the candidates nearest to any example, nearest first
    (standardised embeddings, Euclidean distance; ties broken by cell index)."""
    from sklearn.neighbors import NearestNeighbors
    from sklearn.preprocessing import StandardScaler
    cand = np.flatnonzero(emb.candidate)
    if not len(cand):
        raise DeepMapperError(_("No patch is left to search: every cell of PATCH_SIZE is touched by an example, lies "
                                "outside SEARCH_AREA or lacks valid pixels. Mark fewer or smaller examples, or choose "
                                "a smaller PATCH_SIZE or a larger SEARCH_AREA."))
    if count > len(cand):
        raise DeepMapperError(
            _("COUNT {count} is larger than the {n_cand} patches available (cells of PATCH_SIZE with enough valid "
            "pixels, inside SEARCH_AREA, not touched by an example). Ask for at most {n_cand}, or choose a "
            "smaller PATCH_SIZE or a larger SEARCH_AREA.").format(count=count, n_cand=len(cand)))
    scaler = StandardScaler().fit(emb.features[cand])
    index = NearestNeighbors(n_neighbors=count).fit(scaler.transform(emb.features[cand]))
    dist, which = index.kneighbors(scaler.transform(queries))
    best = np.full(len(cand), np.inf)
    np.minimum.at(best, which.ravel(), dist.ravel())
    order = np.lexsort((cand, best))[:count]
    say(_("{n_queries} examples, {n_cand} candidate patches.").format(n_queries=len(queries), n_cand=len(cand)))
    return cand[order], best[order]
