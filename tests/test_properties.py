"""Property-based tests (hypothesis): the tiled engine's arithmetic and the accuracy metrics, over many shapes.

Tiling: for any raster size, tile size, margin, stride and size multiple, through the real predict_tiled and
BandReader (a GeoTIFF in memory), every output pixel comes from exactly one tile whose valid centre holds it, each
tile sees the image mirrored exactly as a whole-image run would (within its margin of that centre), rows reach the
sink once and in order, and nodata stays nodata. Super-resolution (scale 2) goes through the SCALE-mode reader and
the consistency sink and must equal the whole-image computation.

Metrics: bounds, swapping reference and prediction, perfect predictions, relabelling, undefined ratios.
"""
from __future__ import annotations

import csv
import math

import numpy as np
import pytest
import rasterio
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from rasterio.io import MemoryFile
from rasterio.transform import from_origin

from deepmapper.plugin.core.engine.errors import DeepMapperError
from deepmapper.plugin.core.engine.inference import predict_tiled
from deepmapper.plugin.core.engine.raster_io import BandReader
from deepmapper.plugin.core.engine.tiling import TileSpec

from deepmapper.plugin.core.accuracy import (AccuracyResult, binary_view, cohen_kappa, confusion_matrix, score,
                                             write_table_csv)

SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


# -- strategies ------------------------------------------------------------------------------------------------------
@st.composite
def tile_specs(draw, modes=("crop", "blend")) -> TileSpec:
    """A valid TileSpec: size a multiple of size_multiple, a margin that leaves a centre, optionally a fixed stride."""
    mode = draw(st.sampled_from(modes))
    multiple = draw(st.sampled_from([1, 1, 2, 4, 8, 16, 32])) if mode == "crop" else 1
    size = multiple * draw(st.integers(max(1, -(-4 // multiple)), max(1, 160 // multiple)))
    margin = draw(st.integers(0, max(0, (size - multiple) // 2)))
    assume((size - 2 * margin) // multiple * multiple > 0 if mode == "crop" else size - margin > 0)
    fixed = draw(st.none() | st.integers(1, size)) if mode == "blend" else None
    return TileSpec(size, margin, mode, multiple, fixed_stride=fixed)


@st.composite
def tiling_cases(draw, modes=("crop", "blend"), max_tiles=300):
    spec = draw(tile_specs(modes))
    limit = max(1, min(600, spec.stride * int(math.sqrt(max_tiles)) - 1))
    height = draw(st.integers(1, limit))
    width = draw(st.integers(1, limit))
    return spec, height, width, draw(st.integers(1, 6))


def memory_raster(array: np.ndarray, nodata=None) -> MemoryFile:
    c, h, w = array.shape
    mem = MemoryFile()
    with mem.open(driver="GTiff", width=w, height=h, count=c, dtype=str(array.dtype), crs="EPSG:32633",
                  transform=from_origin(0, 0, 10, 10), nodata=nodata) as ds:
        ds.write(array)
    return mem


# -- tiling --------------------------------------------------------------------------------------------------------
class CoordinatePredictor:
    """A fake model whose input bands are each pixel's row and column: it checks what every tile contains against a
    whole-image mirror padding, records the tile's origin, and outputs (row, column, tile number)."""

    n_outputs = 3

    def __init__(self, spec: TileSpec, height: int, width: int) -> None:
        self.spec, self.height, self.width = spec, height, width
        self.pad = spec.size + spec.margin
        rows, cols = np.mgrid[0:height, 0:width].astype(np.float32)
        self.rows = np.pad(rows, self.pad, mode="symmetric")
        self.cols = np.pad(cols, self.pad, mode="symmetric")
        self.origins: list[tuple[int, int]] = []

    def fill_values(self) -> np.ndarray:
        return np.full(2, -1.0, np.float32)

    def _origin(self, tile: np.ndarray) -> tuple[int, int]:
        """The tile's origin. In crop mode the centre's first pixel always lies inside the raster and names it; a
        blended tile may start with mirrored pixels, so it is the first layout origin whose content matches."""
        lo = self.spec.core[0]
        if self.spec.mode == "crop":
            return int(tile[0, lo, lo]) - lo, int(tile[1, lo, lo]) - lo
        lo, hi, m, size = *self.spec.core, self.spec.margin, self.spec.size
        p = self.pad
        r0 = next(r for r in self.spec.origins(self.height)
                  if np.array_equal(tile[0, _expected_span(r, lo, hi, m, self.height, size), 0],
                                    self.rows[p + r:p + r + size, p][_expected_span(r, lo, hi, m, self.height, size)]))
        c0 = next(c for c in self.spec.origins(self.width)
                  if np.array_equal(tile[1, 0, _expected_span(c, lo, hi, m, self.width, size)],
                                    self.cols[p, p + c:p + c + size][_expected_span(c, lo, hi, m, self.width, size)]))
        return r0, c0

    def predict(self, batch: np.ndarray) -> np.ndarray:
        spec, m, p = self.spec, self.spec.margin, self.pad
        lo, hi = spec.core
        out = np.empty((len(batch), 3, spec.size, spec.size), np.float32)
        for n, tile in enumerate(batch):
            assert tile.shape == (2, spec.size, spec.size)
            # Where the tile's output is used (its centre inside the raster) and a margin around it, the tile holds
            # exactly what the whole image mirrored at its edges holds: no other rows, no fill, no wrong reflection.
            r0, c0 = self._origin(tile)
            rs = _expected_span(r0, lo, hi, m, self.height, spec.size)
            cs = _expected_span(c0, lo, hi, m, self.width, spec.size)
            want_r = self.rows[p + r0:p + r0 + spec.size, p + c0:p + c0 + spec.size]
            want_c = self.cols[p + r0:p + r0 + spec.size, p + c0:p + c0 + spec.size]
            np.testing.assert_array_equal(tile[0][rs, cs], want_r[rs, cs])
            np.testing.assert_array_equal(tile[1][rs, cs], want_c[rs, cs])
            out[n, :2] = tile
            out[n, 2] = len(self.origins)
            self.origins.append((r0, c0))
        return out


def _expected_span(origin: int, lo: int, hi: int, margin: int, length: int, size: int) -> slice:
    """Tile offsets whose content must match the whole image: the centre clipped to the raster, +- the margin."""
    first = max(origin + lo, 0) - origin
    last = min(origin + hi, length) - origin
    return slice(max(first - margin, 0), min(last + margin, size))


def run_tiled(array: np.ndarray, spec: TileSpec, batch: int, model, nodata=None):
    rows: list[tuple[int, np.ndarray]] = []
    with memory_raster(array, nodata) as mem, mem.open() as ds:
        stats = predict_tiled(BandReader(ds, list(range(1, array.shape[0] + 1))), model, spec, batch,
                              lambda r0, block: rows.append((r0, block.copy())))
    # Rows arrive once each, in order, with the raster's width.
    assert [r0 for r0, _ in rows] == list(np.cumsum([0] + [b.shape[1] for _, b in rows[:-1]]))
    assert sum(b.shape[1] for _, b in rows) == array.shape[1]
    assert all(b.shape[2] == array.shape[2] for _, b in rows)
    return np.concatenate([b for _, b in rows], axis=1), stats


@SETTINGS
@given(tiling_cases())
def test_every_pixel_comes_from_one_tile_centre(case):
    spec, height, width, batch = case
    coords = np.stack(np.mgrid[0:height, 0:width]).astype(np.float32)
    model = CoordinatePredictor(spec, height, width)
    out, stats = run_tiled(coords, spec, batch, model)
    row_origins, col_origins = spec.origins(height), spec.origins(width)
    # Every tile of the layout ran once (no nodata here, so none is skipped).
    assert (stats["tiles"], stats["skipped"]) == (len(row_origins) * len(col_origins), 0)
    if spec.mode == "crop":
        assert sorted(model.origins) == sorted((r, c) for r in row_origins for c in col_origins)
        # Each pixel lies in the valid centre of exactly one tile, and its value is that tile's.
        lo, hi = spec.core
        assert hi - lo == spec.stride and lo == spec.margin
        owner = np.full((height, width), -1)
        cover = np.zeros((height, width), int)
        for n, (r0, c0) in enumerate(model.origins):
            window = (slice(max(r0 + lo, 0), max(r0 + hi, 0)), slice(max(c0 + lo, 0), max(c0 + hi, 0)))
            cover[window] += 1
            owner[window] = n
        assert (cover == 1).all()
        np.testing.assert_array_equal(out[:2], coords)
        np.testing.assert_array_equal(out[2], owner)
    else:
        # Blending averages the same value from every tile that covers a pixel: the value comes back.
        np.testing.assert_allclose(out[:2], coords, rtol=0, atol=1e-3 * max(height, width))


@SETTINGS
@given(tiling_cases(modes=("crop",)), st.data())
def test_nodata_stays_nodata_and_empty_centres_are_skipped(case, data):
    spec, height, width, batch = case
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 32 - 1)))
    image = rng.integers(0, 1000, (2, height, width)).astype(np.float32)
    invalid = rng.random((height, width)) < data.draw(st.sampled_from([0.0, 0.3, 0.9, 1.0]))
    image[1][invalid] = -9999.0  # one band at nodata makes the pixel invalid
    identity = _Identity(2)
    out, stats = run_tiled(image, spec, batch, identity, nodata=-9999.0)
    assert np.isnan(out[:, invalid]).all()
    np.testing.assert_array_equal(out[:, ~invalid], image[:, ~invalid])
    lo, hi = spec.core
    needed = sum(bool((~invalid[max(r + lo, 0):max(r + hi, 0), max(c + lo, 0):max(c + hi, 0)]).any())
                 for r in spec.origins(height) for c in spec.origins(width))
    assert stats["tiles"] == identity.tiles == needed
    assert stats["tiles"] + stats["skipped"] == len(spec.origins(height)) * len(spec.origins(width))


class _Identity:
    def __init__(self, bands: int) -> None:
        self.n_outputs, self.tiles = bands, 0

    def fill_values(self) -> np.ndarray:
        return np.zeros(self.n_outputs, np.float32)

    def predict(self, batch: np.ndarray) -> np.ndarray:
        self.tiles += len(batch)
        return batch.copy()


@SETTINGS
@given(st.integers(1, 600), st.integers(1, 600))
def test_origins_cover_the_raster(size, length):
    """The layout alone, over the full range of sizes: crop centres tile [0, length) without gap or overlap."""
    for margin in {0, size // 8, (size - 1) // 2}:
        spec = TileSpec(size, margin, "crop")
        if spec.stride <= 0:
            continue
        origins = spec.origins(length)
        assert origins[0] == -margin and origins[0] + margin + len(origins) * spec.stride >= length
        assert origins[-1] + margin < length  # no tile whose centre lies wholly past the end


@SETTINGS
@given(st.integers(1, 256), st.integers(0, 300), st.sampled_from([1, 2, 4, 8, 16, 32]))
def test_invalid_layouts_are_refused_with_the_reason(size, margin, multiple):
    try:
        spec = TileSpec(size, margin, "crop", multiple)
    except DeepMapperError as exc:
        assert "TILE_SIZE" in str(exc) or "OVERLAP" in str(exc)
        assert size % multiple or (size - 2 * margin) // multiple * multiple <= 0
    else:
        assert spec.stride > 0 and spec.stride % multiple == 0 and spec.stride + 2 * margin <= size


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(st.integers(1, 300), st.integers(1, 300), tile_specs(), st.integers(1, 4), st.integers(0, 2 ** 32 - 1))
def test_superresolution_scale_2_equals_the_whole_image(low_h, low_w, spec, batch, seed):
    """SCALE mode (output = 2 x input): tiles of the doubled grid, read strip by strip with a halo, projected onto the
    input block by block, give exactly the whole-image bicubic upsampling and projection."""
    from deepmapper.plugin.core.superres.pipeline import ConsistentSink, GridPair, GuidedReader, PerBand
    from deepmapper.plugin.core.superres.resample import bicubic_upsample2, project_consistent
    assume(len(spec.origins(2 * low_h)) * len(spec.origins(2 * low_w)) <= 400)
    low = np.random.default_rng(seed).random((2, low_h, low_w)).astype(np.float32)
    scale = 0.5
    written: list[tuple[int, np.ndarray]] = []
    with memory_raster(low) as mem, mem.open() as ds, mem.open() as sink_ds:  # the sink runs in the writer thread
        reader = GuidedReader(ds, [1, 2], scale, np.zeros(2, np.float32), GridPair(0, 0), None)
        assert (reader.height, reader.width) == (2 * low_h, 2 * low_w)
        sink = ConsistentSink(lambda r0, rows: written.append((r0, rows.copy())), sink_ds, [1, 2], [0, 1], scale,
                              GridPair(0, 0), reader.height, reader.width)
        predict_tiled(reader, PerBand(_Identity(1), 2), spec, batch, sink)
        sink.close()
    assert [r0 for r0, _ in written] == list(np.cumsum([0] + [b.shape[1] for _, b in written[:-1]]))
    out = np.concatenate([b for _, b in written], axis=1)
    assert out.shape == (2, 2 * low_h, 2 * low_w)
    np.testing.assert_allclose(out, project_consistent(bicubic_upsample2(low), low), rtol=1e-4, atol=1e-5)


class _RecordingDataset:
    """Stands in for an open GeoTIFF: its size, block height and dtype, and every window written."""

    def __init__(self, bands: int, height: int, width: int, block: int) -> None:
        self.count, self.height, self.width = bands, height, width
        self.block_shapes, self.dtypes = [(block, 16)], ["float32"] * bands
        self.image = np.full((bands, height, width), np.nan, np.float32)
        self.windows: list[tuple[int, int]] = []

    def write(self, rows, window) -> None:
        assert window.col_off == 0 and window.width == self.width
        self.image[:, window.row_off:window.row_off + window.height] = rows
        self.windows.append((window.row_off, window.row_off + window.height))


@settings(max_examples=80, deadline=None, derandomize=True)
@given(st.integers(1, 300), st.sampled_from([1, 7, 16, 64, 256]), st.lists(st.integers(1, 120), min_size=1,
                                                                             max_size=40), st.integers(0, 2))
def test_rows_reach_the_file_in_whole_rows_of_blocks(height, block, chunks, bands):
    """BlockRowWriter: rows arriving in chunks of any size reach the dataset unchanged, every write but the last
    starts and ends on a block boundary (so GDAL never holds, evicts and rewrites a half-written block), and rows still
    held when the context ends are written."""
    from deepmapper.plugin.core.engine.raster_io import BlockRowWriter
    bands += 1
    image = np.random.default_rng(height * block).random((bands, height, 5)).astype(np.float32)
    ds = _RecordingDataset(bands, height, 5, block)
    with BlockRowWriter(ds) as write:
        row = 0
        for n in chunks:
            if row >= height:
                break
            write(row, image[:, row:row + n])
            row = min(height, row + n)
    np.testing.assert_array_equal(ds.image[:, :row], image[:, :row])
    assert np.isnan(ds.image[:, row:]).all()
    assert [w[0] for w in ds.windows] == [0] + [w[1] for w in ds.windows[:-1]]  # in order, no gaps, no overlaps
    block = min(block, height)
    assert all(r0 % block == 0 for r0, _ in ds.windows)
    assert all(r1 % block == 0 or r1 == height for _, r1 in ds.windows[:-1])


def test_rows_held_are_dropped_when_the_run_fails():
    from deepmapper.plugin.core.engine.raster_io import BlockRowWriter
    ds = _RecordingDataset(1, 100, 5, 64)
    with pytest.raises(RuntimeError):
        with BlockRowWriter(ds) as write:
            write(0, np.ones((1, 10, 5), np.float32))
            raise RuntimeError("the model failed")
    assert ds.windows == []


@SETTINGS
@given(st.integers(1, 120), st.integers(1, 40), st.integers(0, 3), st.integers(0, 4), st.integers(0, 4), st.booleans(),
       st.lists(st.integers(1, 50), min_size=1, max_size=40), st.integers(1, 70), st.integers(0, 2 ** 32 - 1))
def test_streaming_classes_equal_the_whole_image(height, width, smoothing, grow_1, grow_2, threshold, chunks, block,
                                                 seed):
    """StreamingClassifier, fed probability rows in chunks of any sizes (as predict_tiled's strips leave the model)
    and classifying them in blocks of any height, writes every row once, in order, with the classes ClassRules.apply
    gives over the whole image (smoothing, threshold, dilation of two classes one after the other, nodata)."""
    from deepmapper.plugin.core.classify.postprocess import ClassRules, StreamingClassifier
    rng = np.random.default_rng(seed)
    k = 2 if threshold else 3
    probs = rng.random((k, height, width)).astype(np.float32)
    probs[:, rng.random((height, width)) < 0.1] = np.nan
    # Two dilations, class 2 first, as cloudmask grows shadows then clouds: their reaches add up (ClassRules.halo).
    rules = ClassRules(smoothing_radius=smoothing, threshold=0.4 if threshold else None,
                       dilation={2: 0 if threshold else grow_2, 1: grow_1})
    written: list[tuple[int, np.ndarray, np.ndarray]] = []
    classifier = StreamingClassifier(rules, height, lambda r0, p, c: written.append((r0, p.copy(), c.copy())),
                                     origin=7)
    classifier.rows_per_block = block
    row = 0
    for size in chunks * (height // sum(chunks) + 1):
        if row >= height:
            break
        classifier(7 + row, probs[:, row:row + size])
        row += size
    classifier.close()
    assert [r0 for r0, _, _ in written] == list(np.cumsum([0] + [c.shape[0] for _, _, c in written[:-1]]))
    np.testing.assert_array_equal(np.concatenate([c for _, _, c in written]), rules.apply(probs))
    np.testing.assert_array_equal(np.concatenate([p for _, p, _ in written], axis=1), probs)


@SETTINGS
@given(st.integers(1, 6), st.integers(1, 9), st.integers(1, 9), st.sampled_from([0, 2, 5]), st.floats(0.0, 0.3),
       st.floats(0.0, 0.1), st.sampled_from([np.float32, np.float64]), st.integers(0, 2 ** 32 - 1))
def test_classes_are_numpys_argmax_of_the_probabilities_nan_as_zero(k, height, width, levels, nan_share, inf_share,
                                                                    dtype, seed):
    """ClassRules.apply without smoothing or threshold decides by plane-by-plane comparison (first_argmax), and skips
    the NaN-to-zero copy when every value is finite: the classes must be np.argmax(np.nan_to_num(p), axis=0) bit for
    bit, ties (few distinct levels), NaN in any band (nodata where band 0 is NaN) and infinities included."""
    from deepmapper.plugin.core.classify.postprocess import NODATA_CLASS, ClassRules
    rng = np.random.default_rng(seed)
    probs = (rng.integers(0, levels, (k, height, width)) / max(levels, 1) if levels
             else rng.random((k, height, width))).astype(dtype)
    probs[rng.random(probs.shape) < nan_share] = np.nan
    probs[rng.random(probs.shape) < inf_share] = np.inf
    probs[rng.random(probs.shape) < inf_share] = -np.inf
    kept = probs.copy()
    expected = np.argmax(np.nan_to_num(probs, nan=0.0), axis=0).astype(np.uint8)
    expected[np.isnan(probs[0])] = NODATA_CLASS
    np.testing.assert_array_equal(ClassRules().apply(probs), expected)
    np.testing.assert_array_equal(probs, kept)  # the caller's rows are not changed


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["softmax", "sigmoid", "binary", "none"]), st.integers(1, 3), st.integers(1, 4),
       st.integers(1, 9), st.floats(0.1, 60.0), st.integers(0, 2**31 - 1))
def test_activation_in_place_is_bit_for_bit_the_copying_one(activation, n, k, side, spread, seed):
    """The engine's forward pass activates the network's outputs in place (no new array per tile): the result must be
    the copying computation's, bit for bit, large logits included; the copying path leaves its input untouched."""
    from deepmapper.models.backends import activate
    raw = (np.random.default_rng(seed).standard_normal((n, 1 if activation == "binary" else k, side, side))
           * spread).astype(np.float32)
    if activation == "binary":
        raw = 1.0 / (1.0 + np.exp(-raw))
    kept = raw.copy()
    copied = activate(raw, activation)
    assert np.array_equal(raw, kept)
    in_place = activate(raw.copy(), activation, inplace=True)
    assert in_place.dtype == copied.dtype and np.array_equal(in_place, copied, equal_nan=True)


def test_streaming_classifier_refuses_rows_out_of_order_or_missing():
    from deepmapper.plugin.core.classify.postprocess import ClassRules, StreamingClassifier
    classifier = StreamingClassifier(ClassRules(dilation={1: 2}), 10, lambda *a: None)
    classifier(0, np.zeros((2, 4, 3), np.float32))
    with pytest.raises(RuntimeError, match="in order"):
        classifier(5, np.zeros((2, 4, 3), np.float32))
    with pytest.raises(RuntimeError, match="only 2 of 10 rows"):
        classifier.close()


# -- accuracy metrics --------------------------------------------------------------------------------------------
@st.composite
def label_pairs(draw, max_classes=6):
    n = draw(st.integers(1, 300))
    ids = draw(st.lists(st.integers(0, 255), min_size=1, max_size=max_classes, unique=True))
    ref = draw(st.lists(st.sampled_from(ids), min_size=n, max_size=n))
    pred = draw(st.lists(st.sampled_from(ids), min_size=n, max_size=n))
    return np.array(ref), np.array(pred), ids


def _scores(ref, pred, ids=(), beta=1.0):
    class_ids, matrix = confusion_matrix(ref, pred, ids)
    return score(class_ids, matrix, beta)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


@SETTINGS
@given(label_pairs(), st.sampled_from([0.5, 1.0, 2.0]))
def test_metrics_are_bounded_and_consistent_with_counts(pair, beta):
    ref, pred, ids = pair
    s = _scores(ref, pred, ids, beta)
    assert s.total == len(ref) and s.matrix.sum(axis=1).tolist() == [int((ref == c).sum()) for c in s.class_ids]
    for c in s.classes:
        for v in (c.precision, c.recall, c.f_beta, c.iou):
            assert math.isnan(v) or 0.0 <= v <= 1.0
        # Undefined exactly when the denominator is empty, never silently 0 or 1.
        assert math.isnan(c.precision) == (c.predicted == 0)
        assert math.isnan(c.recall) == (c.support == 0)
        assert math.isnan(c.f_beta) == math.isnan(c.iou) == (not c.scored)
        if not (math.isnan(c.precision) or math.isnan(c.recall)) and c.precision + c.recall > 0:
            b2 = beta * beta
            assert math.isclose(c.f_beta, (1 + b2) * c.precision * c.recall / (b2 * c.precision + c.recall))
        assert c.iou <= min(c.precision, c.recall) + 1e-12 if c.predicted and c.support else True
    assert 0.0 <= s.overall_accuracy <= 1.0
    assert math.isclose(s.overall_accuracy, float((ref == pred).mean()))
    assert math.isnan(s.kappa) or -1.0 <= s.kappa <= 1.0
    assert 0.0 <= s.macro_f <= 1.0 and 0.0 <= s.weighted_f <= 1.0


@SETTINGS
@given(label_pairs(), st.sampled_from([0.5, 1.0, 2.0]))
def test_swapping_reference_and_prediction_swaps_precision_and_recall(pair, beta):
    ref, pred, ids = pair
    a, b = _scores(ref, pred, ids, beta), _scores(pred, ref, ids, 1.0 / beta)
    np.testing.assert_array_equal(a.matrix, b.matrix.T)
    for x, y in zip(a.classes, b.classes):
        assert _same(x.precision, y.recall) and _same(x.recall, y.precision)
        assert _same(x.iou, y.iou)
        assert _same(x.f_beta, y.f_beta)  # F-beta of (ref, pred) is F-(1/beta) of (pred, ref)
    assert _same(a.overall_accuracy, b.overall_accuracy) and _same(a.kappa, b.kappa)


@SETTINGS
@given(label_pairs(), st.sampled_from([0.5, 1.0, 2.0]))
def test_perfect_prediction_scores_one(pair, beta):
    ref, _pred, ids = pair
    s = _scores(ref, ref, beta=beta)
    assert all(c.precision == c.recall == c.f_beta == c.iou == 1.0 for c in s.classes)
    assert s.overall_accuracy == 1.0 and s.kappa == 1.0 and s.macro_f == 1.0 and s.weighted_f == 1.0
    for positive in ([s.class_ids[0]], s.class_ids):
        b = binary_view(s, positive)
        assert b.overall_accuracy == 1.0 and b.kappa == 1.0 and b.fp == b.fn == 0
        if b.tp:
            assert b.precision == b.recall == b.f_beta == b.iou == 1.0


@SETTINGS
@given(label_pairs(), st.randoms(use_true_random=False))
def test_relabelling_classes_changes_nothing_but_the_labels(pair, rnd):
    ref, pred, ids = pair
    new_ids = rnd.sample(range(1000, 2000), len(ids))
    relabel = dict(zip(ids, new_ids))
    a = _scores(ref, pred, ids)
    b = _scores(np.array([relabel[v] for v in ref]), np.array([relabel[v] for v in pred]), new_ids)
    by_id = {c.class_id: c for c in b.classes}
    for c in a.classes:
        d = by_id[relabel[c.class_id]]
        for name in ("precision", "recall", "f_beta", "iou", "support", "predicted", "tp"):
            assert _same(float(getattr(c, name)), float(getattr(d, name)))
    for name in ("overall_accuracy", "kappa", "macro_f", "weighted_f"):
        assert _same(getattr(a, name), getattr(b, name))


@SETTINGS
@given(label_pairs())
def test_binary_view_matches_the_two_class_problem(pair):
    ref, pred, ids = pair
    positive = ids[: max(1, len(ids) // 2)]
    s = _scores(ref, pred, ids)
    b = binary_view(s, positive)
    r2, p2 = np.isin(ref, positive).astype(int), np.isin(pred, positive).astype(int)
    two = _scores(r2, p2, [0, 1])
    one = two.classes[1]
    assert (b.tp, b.fp, b.fn, b.tn) == (one.tp, one.predicted - one.tp, one.support - one.tp, int(((r2 == 0) & (p2 == 0)).sum()))
    for x, y in ((b.precision, one.precision), (b.recall, one.recall), (b.f_beta, one.f_beta), (b.iou, one.iou),
                 (b.overall_accuracy, two.overall_accuracy), (b.kappa, two.kappa)):
        assert _same(x, y)


def test_kappa_undefined_cases():
    """kappa is 1 for agreement on one class (pe = 1), undefined (NaN) for an empty matrix."""
    assert cohen_kappa(np.array([[5]])) == 1.0
    assert cohen_kappa(np.array([[5, 0], [0, 0]])) == 1.0
    assert math.isnan(cohen_kappa(np.zeros((2, 2), int)))


def test_undefined_ratios_are_empty_in_the_csv_and_the_report(tmp_path):
    """A class absent from the reference and never predicted is NaN in memory, an empty cell in the CSV, a dash in
    the HTML; precision of a class never predicted likewise. Never 0, 1 or 'nan'."""
    from deepmapper.plugin.core.reporting.filters import fmt
    s = _scores(np.array([1, 1, 2, 2]), np.array([1, 1, 1, 1]), [1, 2, 3])
    two, three = s.classes[1], s.classes[2]
    assert math.isnan(two.precision) and two.recall == 0.0 and two.f_beta == 0.0
    assert all(math.isnan(v) for v in (three.precision, three.recall, three.f_beta, three.iou))
    result = AccuracyResult(scores=s, counts={}, matches=[], prediction_info={}, reference_info={})
    path = tmp_path / "table.csv"
    write_table_csv(result, str(path))
    rows = {int(r["class_id"]): r for r in csv.DictReader(path.open())}
    assert rows[2]["precision"] == "" and float(rows[2]["recall"]) == 0.0
    assert all(rows[3][k] == "" for k in ("precision", "recall", "f_beta", "iou"))
    assert "nan" not in path.read_text().lower()
    assert fmt(float("nan")) == "–" and fmt(None) == "–"


def test_a_blend_stride_longer_than_the_tile_is_refused():
    """A card's fixed stride beyond the tile size would leave unpredicted (nodata) gaps between tiles."""
    with pytest.raises(DeepMapperError, match="gaps"):
        TileSpec(64, 8, "blend", fixed_stride=65)
