"""deepmapper:extractpatches' engine: image + labelled vectors -> a patch dataset on disk (see dataset.py).

Sampling is stratified: each class gets an equal share of the patches, centred (with jitter) on random pixels of
that class, so rare classes are not drowned. The train/validation split is spatial: the image is cut into square
blocks, whole blocks go to validation (chosen so that every class has about VALIDATION_FRACTION of its labelled
pixels there), and a patch only carries the labels of its own split's blocks — no labelled pixel is ever seen by
both. Labels are rasterised strip by strip into a scratch file, so memory depends on the patches, not the image.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import rasterio
from rasterio.windows import Window

from ..engine import vector_labels as refmod
from ..engine.bands import preset, raster_band_names
from ..engine.errors import DeepMapperError
from ..engine.messages import _
from ..engine.progress import Monitor, forget, leave_no_trace
from ..engine.raster_io import (BandReader, bounded_gdal_cache, open_raster, pixel_size, remove_quietly, scratch_path,
                                scratch_profile)
from .dataset import DATASET_FILE, FORMAT, SPLIT_NAMES, SPLITS
from .labels import IGNORE, LabelSource, label_strip, read_labels

RESERVOIR = 20000  # candidate centre pixels kept per class (a random sample of all of its pixels)


@dataclass
class PatchRequest:
    input: str
    labels: str
    class_field: str
    output: str  # dataset folder
    patch_size: int = 128
    max_patches: int = 400  # in all, shared equally between classes
    validation_fraction: float = 0.2
    block_size: int = 0  # pixels; 0: 2 x patch size
    background: str | None = None  # class of unlabelled pixels (exhaustive labels), else unlabelled is ignored
    sensor: str = "sentinel2_l2a"  # how to name the raster's bands when they carry no usable descriptions
    bands: str | None = None  # explicit band names, as BANDS elsewhere
    point_radius: int = 0  # pixels around each labelled point
    seed: int = 0
    output_footprints: str | None = None  # optional vector of the patches (split, class counts)


@dataclass
class PatchResult:
    output: str
    counts: dict[str, int]  # patches per split
    class_pixels: dict[str, list[int]]
    classes: list[dict]
    bands: list[str]
    log: list[str] = field(default_factory=list)


def extract_patches(req: PatchRequest, monitor: Monitor | None = None) -> PatchResult:
    with bounded_gdal_cache():
        return _extract(req, monitor or Monitor())


def _extract(req: PatchRequest, monitor: Monitor) -> PatchResult:
    log: list[str] = []
    say = monitor.recorder(log)

    _check_request(req)
    rng = np.random.default_rng(req.seed)
    with open_raster(req.input) as src:
        size = req.patch_size
        if src.width < size or src.height < size:
            raise DeepMapperError(_("The raster ({width} x {height} pixels) is smaller than PATCH_SIZE {size}; "
                                  "use a PATCH_SIZE of at most {largest}.").format(
                width=src.width, height=src.height, size=size, largest=min(src.width, src.height)))
        mapping, how = raster_band_names(src.descriptions, preset(req.sensor), req.bands)
        names = sorted(mapping, key=mapping.get)
        say(_("Bands {names} (matched by {how}).").format(names=', '.join(names), how=how))
        pixel = pixel_size(src.transform)
        labels = read_labels(req.labels, req.class_field, src.crs.to_wkt() if src.crs else None, pixel,
                             req.background)
        for note in labels.notes:
            say(note)
        reader = BandReader(src, [mapping[n] for n in names])
        block = req.block_size or 2 * size
        label_path = scratch_path("labels")
        try:
            with rasterio.open(label_path, "w", **scratch_profile(src, 1, "uint8")) as lab:
                said = len(labels.notes)  # said above; rasterising may add one (points outside the raster)
                pools, blocks = _rasterise(src, reader, labels, lab, block, req.point_radius, rng,
                                           monitor.span(0.0, 0.4))
            for note in labels.notes[said:]:
                say(note)
            _check_coverage(labels, pools, req)
            val_blocks = _validation_blocks(blocks, req.validation_fraction, rng)
            centres = _draw_centres(pools, val_blocks, block, src.height, src.width, size, req.max_patches, rng)
            _check_counts(centres, req)
            say(_("Spatial split: blocks of {block} px, {n_val_blocks} of {n_blocks} labelled blocks for "
                "validation.").format(block=block, n_val_blocks=len(val_blocks), n_blocks=len(blocks)))
            with rasterio.open(label_path) as lab:
                result = _write_dataset(req, src, reader, lab, labels, names, centres, val_blocks, block,
                                        monitor.span(0.4, 1.0))
        finally:
            remove_quietly(label_path)
    for split in SPLITS:
        say(_("{split}: {patches} patches; labelled pixels per class: {pixels}").format(
            split=_(SPLIT_NAMES[split]), patches=result.counts[split],
            pixels=", ".join(f"{c['name']} {n}" for c, n in zip(result.classes, result.class_pixels[split]))))
    result.log = log + result.log  # after the last say(): the split counts are in the result's log too
    return result


def _check_request(req: PatchRequest) -> None:
    if req.patch_size < 8:
        raise DeepMapperError(_("PATCH_SIZE {patch_size} is too small; use at least 8 pixels (64-256 is usual).").format(
            patch_size=req.patch_size))
    if not 0.0 < req.validation_fraction < 0.9:
        raise DeepMapperError(_("VALIDATION_FRACTION must be between 0 and 0.9, not {validation_fraction}.").format(
            validation_fraction=req.validation_fraction))
    if req.max_patches < 4:
        raise DeepMapperError(_("MAX_PATCHES must be at least 4 (training needs a few patches per split)."))
    out = Path(req.output)
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / DATASET_FILE).exists())):
        raise DeepMapperError(_("OUTPUT '{out}' exists and is not a patch dataset folder; choose a new or empty "
                              "folder (existing files are never overwritten).").format(out=out))
    if Path(req.input).resolve() == out.resolve():
        raise DeepMapperError(_("OUTPUT is the input raster; choose a folder for the dataset."))


def _rasterise(src, reader: BandReader, labels: LabelSource, lab, block: int, radius: int,
               rng: np.random.Generator, monitor: Monitor) -> tuple[dict[int, np.ndarray], dict]:
    """Write the label raster; return per class a random sample of its pixels (row, col), and labelled pixel
    counts per block: {(block_row, block_col): counts per class id}."""
    k = max(c["id"] for c in labels.classes) + 1
    labeller = refmod.GridLabeller(labels.shapes, labels.shape_ids, src.transform, src.width, src.height) \
        if labels.shapes else None
    pts = refmod.point_samples(labels.points, labels.point_ids, src.transform, src.width, src.height)
    if pts.outside:
        labels.notes.append(_("{outside} labelled points lie outside the raster and are ignored.").format(
            outside=pts.outside))
    keys = {c["id"]: np.zeros(0) for c in labels.classes}
    pix = {c["id"]: np.zeros((0, 2), dtype=np.int64) for c in labels.classes}
    blocks: dict[tuple[int, int], np.ndarray] = {}
    nbc = (src.width + block - 1) // block  # blocks per row
    for row0, row1 in refmod.iter_strips(src.height, src.width, 2_000_000):
        _pixels, valid = reader.read_rows(row0, row1)
        strip = label_strip(labels, labeller, row0, row1, src.width, valid, pts.rows, pts.cols, pts.class_ids, radius)
        lab.write(strip[None], window=Window(0, row0, src.width, row1 - row0))
        rows, cols = np.nonzero(strip != IGNORE)
        values = strip[rows, cols]
        brow, bcol = (rows + row0) // block, cols // block
        flat = (brow * nbc + bcol) * k + values
        for code, n in zip(*np.unique(flat, return_counts=True)):
            b, cid = divmod(int(code), k)
            blocks.setdefault(divmod(b, nbc), np.zeros(k, np.int64))[cid] += n
        for cid in keys:
            sel = np.flatnonzero(values == cid)
            if not sel.size:
                continue
            if sel.size > RESERVOIR:
                sel = rng.choice(sel, RESERVOIR, replace=False)
            # Reservoir by random keys: the RESERVOIR smallest keys form a uniform sample of all pixels seen.
            new_keys = rng.random(sel.size)
            allk = np.concatenate([keys[cid], new_keys])
            allp = np.concatenate([pix[cid], np.stack([rows[sel] + row0, cols[sel]], axis=1)])
            keep = np.argsort(allk)[:RESERVOIR]
            keys[cid], pix[cid] = allk[keep], allp[keep]
        monitor.report(row1 / src.height)
    return pix, blocks


def _check_coverage(labels: LabelSource, pools: dict[int, np.ndarray], req: PatchRequest) -> None:
    named = {c["id"]: c["name"] for c in labels.classes}
    drawn = {c for c in named if c != labels.background}
    if not any(len(pools[c]) for c in drawn):
        raise DeepMapperError(
            _("None of the labels in '{labels}' covers a valid pixel of the raster: they lie outside it (check "
            "that both layers show the same place: CRS and extent), or only over its nodata.").format(
                labels=req.labels))
    empty = [named[c] for c in drawn if not len(pools[c])]
    if empty:
        raise DeepMapperError(_("The classes {empty} have no labelled pixel inside the raster; remove "
                              "them from the labels or add labels inside the image.").format(empty=', '.join(empty)))


def _validation_blocks(blocks: dict, fraction: float, rng: np.random.Generator) -> set:
    """Whole blocks for validation: rarest class first, add the block that brings the class's validation share
    closest to `fraction`, until it is reached; never take a class's last training pixels."""
    keys = list(blocks)
    rng.shuffle(keys)
    totals = sum(blocks.values())
    val: set = set()

    def leaves_training(extra) -> bool:
        rest = sum((blocks[x] for x in keys if x not in val and x != extra), np.zeros_like(totals))
        return bool(np.all(rest[totals > 0] > 0))

    for cid in np.argsort(totals):
        if totals[cid] == 0:
            continue
        target = fraction * totals[cid]
        have = sum(blocks[b][cid] for b in val)
        while have < target:
            options = [b for b in keys if b not in val and blocks[b][cid] > 0 and leaves_training(b)]
            if not options:
                break
            best = min(options, key=lambda b: abs(have + blocks[b][cid] - target))
            if have > 0 and have + blocks[best][cid] - target > target - have:
                break  # adding it would overshoot more than it helps
            val.add(best)
            have += blocks[best][cid]
    return val


def _draw_centres(pools: dict[int, np.ndarray], val_blocks: set, block: int, height: int, width: int, size: int,
                  max_patches: int, rng: np.random.Generator) -> list[tuple[int, int, str, int]]:
    """(row0, col0, split, centre class) windows: an equal share per class, jittered, windows spaced apart."""
    spacing = max(1, size // 8)
    taken: dict[str, set] = {s: set() for s in SPLITS}
    quota = max(2, max_patches // max(1, len(pools)))
    out = []
    for cid, pix in pools.items():
        n = 0
        for r, c in pix[rng.permutation(len(pix))]:
            if n >= quota:
                break
            split = "validation" if (r // block, c // block) in val_blocks else "train"
            jr, jc = rng.integers(-size // 4, size // 4 + 1, size=2)
            r0 = int(np.clip(r - size // 2 + jr, 0, height - size))
            c0 = int(np.clip(c - size // 2 + jc, 0, width - size))
            cell = (r0 // spacing, c0 // spacing)
            if cell in taken[split]:
                continue
            taken[split].add(cell)
            out.append((r0, c0, split, int(cid)))
            n += 1
    return out


def _check_counts(centres: list, req: PatchRequest) -> None:
    n = {s: sum(1 for c in centres if c[2] == s) for s in SPLITS}
    if n["train"] < 2 or n["validation"] < 1:
        raise DeepMapperError(
            _("Too few samples for PATCH_SIZE {patch_size}: {train} training and {validation} "
            "validation patches could be placed. Label more (or larger) areas, lower PATCH_SIZE, or lower "
            "VALIDATION_FRACTION.").format(patch_size=req.patch_size, train=n['train'], validation=n['validation']))


def _umask() -> int:
    """The process's umask (read by setting it and setting it back: there is no other portable way)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _write_dataset(req: PatchRequest, src, reader: BandReader, lab, labels: LabelSource, names: list[str],
                   centres: list, val_blocks: set, block: int, monitor: Monitor) -> PatchResult:
    """The dataset folder, built in a hidden folder beside the output and renamed into place only when complete."""
    out = Path(req.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(leave_no_trace(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent)))  # beside: renamed into place
    k = max(c["id"] for c in labels.classes) + 1
    val_grid = _validation_grid(val_blocks, block, src.height, src.width)
    try:
        writer = _SplitWriter(tmp, reader, lab, val_grid, block, req.patch_size, len(names), k, len(centres), monitor)
        counts, class_pixels = {}, {}
        for split in SPLITS:
            mine = [c for c in centres if c[2] == split]
            counts[split] = len(mine)
            pixels = writer.write(split, mine)
            class_pixels[split] = [int(pixels[c["id"]]) for c in labels.classes]
        meta = _dataset_meta(req, src, labels, names, centres, val_blocks, block, counts, class_pixels, writer.stats)
        (tmp / DATASET_FILE).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
        if req.output_footprints:
            _write_footprints(req.output_footprints, src, writer.footprints, labels.classes, req.patch_size)
        _move_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        forget(tmp)
    return PatchResult(str(out), counts, class_pixels, labels.classes, names)


def _validation_grid(val_blocks: set, block: int, height: int, width: int) -> np.ndarray:
    """bool (block rows, block cols): True for validation blocks, so a patch can tell each of its pixels' split."""
    val_grid = np.zeros(((height + block - 1) // block, (width + block - 1) // block), dtype=bool)
    for b in val_blocks:
        val_grid[b] = True
    return val_grid


class _SplitWriter:
    """Writes each split's patches into memory-mapped .npy files (so memory stays flat whatever max_patches), hiding
    the other split's labels, and gathers what dataset.json and the footprints record (training-band statistics,
    one footprint per patch) with progress over all patches."""

    def __init__(self, folder: Path, reader: BandReader, lab, val_grid: np.ndarray, block: int, size: int,
                 n_bands: int, k: int, total: int, monitor: Monitor) -> None:
        self.folder, self.reader, self.lab, self.val_grid, self.block = folder, reader, lab, val_grid, block
        self.size, self.n_bands, self.k, self.total, self.monitor = size, n_bands, k, total, monitor
        self.stats = _Moments(n_bands)
        self.footprints: list[tuple[int, int, str, int, int]] = []
        self.done = 0

    def write(self, split: str, mine: list) -> np.ndarray:
        """{split}_images.npy (float32, n x bands x size x size) and {split}_labels.npy (uint8, n x size x size) for
        the windows `mine`; returns the labelled pixels per class id (int64, length k)."""
        size = self.size
        images = np.lib.format.open_memmap(self.folder / f"{split}_images.npy", "w+", np.float32,
                                           (len(mine), self.n_bands, size, size))
        targets = np.lib.format.open_memmap(self.folder / f"{split}_labels.npy", "w+", np.uint8,
                                            (len(mine), size, size))
        pixels = np.zeros(self.k, np.int64)
        for i, (r0, c0, _split, cid) in enumerate(mine):
            data, y = self._patch(split, r0, c0)
            images[i] = data
            targets[i] = y
            pixels += np.bincount(y[y != IGNORE], minlength=self.k)[:self.k]
            if split == "train":
                self.stats.add(data)
            self.footprints.append((r0, c0, split, cid, int((y != IGNORE).sum())))
            self.done += 1
            self.monitor.report(self.done / max(1, self.total))
        images.flush()
        targets.flush()
        del images, targets
        return pixels

    def _patch(self, split: str, r0: int, c0: int) -> tuple[np.ndarray, np.ndarray]:
        """One window's bands (float32, NaN where invalid) and labels (uint8), the labels that lie in the other
        split's blocks set to IGNORE: labels of the other split are never seen."""
        size, block = self.size, self.block
        data, valid = self.reader.read_rows(r0, r0 + size, c0, c0 + size)
        y = self.lab.read(1, window=Window(c0, r0, size, size))
        in_val = self.val_grid[np.arange(r0, r0 + size)[:, None] // block, np.arange(c0, c0 + size)[None] // block]
        y[in_val != (split == "validation")] = IGNORE
        data[:, ~valid] = np.nan
        return data, y


def _dataset_meta(req: PatchRequest, src, labels: LabelSource, names: list[str], centres: list, val_blocks: set,
                  block: int, counts: dict, class_pixels: dict, stats: _Moments) -> dict:
    """dataset.json's content: where the patches come from and how they were cut, so training can check a raster
    against them and the split can be reproduced."""
    return {
        "format": FORMAT, "version": 1,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "source": {"raster": os.path.abspath(req.input), "labels": os.path.abspath(req.labels),
                   "class_field": req.class_field, "background": req.background},
        "crs": src.crs.to_wkt() if src.crs else None, "resolution_m": pixel_size(src.transform),
        "sensor": req.sensor, "bands": names,
        "dtype": src.dtypes[0], "patch_size": req.patch_size, "block_size": block,
        "validation_fraction": req.validation_fraction, "seed": req.seed,
        "classes": labels.classes, "ignore_label": IGNORE, "counts": counts, "class_pixels": class_pixels,
        "windows": {split: [[r0, c0] for r0, c0, s, _ in centres if s == split] for split in SPLITS},
        "validation_blocks": sorted([int(r), int(c)] for r, c in val_blocks),
        "statistics": stats.result(names),
    }


def _move_into_place(tmp: Path, out: Path) -> None:
    """Replace `out` by the finished folder `tmp` (same file system: a rename)."""
    if out.exists():
        shutil.rmtree(out)
    os.chmod(tmp, 0o777 & ~_umask())  # mkdtemp makes it 0700: the dataset gets the user's usual permissions
    os.replace(tmp, out)


class _Moments:
    """Per-band mean and standard deviation over valid pixels, accumulated patch by patch (float64)."""

    def __init__(self, bands: int) -> None:
        self.n = np.zeros(bands)
        self.s = np.zeros(bands)
        self.s2 = np.zeros(bands)
        self.lo = np.full(bands, np.inf)
        self.hi = np.full(bands, -np.inf)

    def add(self, data: np.ndarray) -> None:
        for b, band in enumerate(data):
            v = band[np.isfinite(band)].astype(np.float64)
            if v.size:
                self.n[b] += v.size
                self.s[b] += v.sum()
                self.s2[b] += (v * v).sum()
                self.lo[b] = min(self.lo[b], v.min())
                self.hi[b] = max(self.hi[b], v.max())

    def result(self, names: list[str]) -> dict:
        n = np.maximum(self.n, 1)
        mean = self.s / n
        std = np.sqrt(np.maximum(self.s2 / n - mean ** 2, 0.0))
        std = np.where(std > 0, std, 1.0)
        return {"bands": names, "mean": mean.round(6).tolist(), "std": std.round(6).tolist(),
                "min": np.where(np.isfinite(self.lo), self.lo, 0).tolist(),
                "max": np.where(np.isfinite(self.hi), self.hi, 0).tolist()}


def _write_footprints(path: str, src, footprints: list, classes: list[dict], size: int) -> None:
    """A vector of patch outlines (split, centre class, labelled pixels) to inspect the sampling in QGIS."""
    import geopandas as gpd
    from shapely.geometry import box

    from ..engine.raster_io import atomic_path
    names = {c["id"]: c["name"] for c in classes}
    t = src.transform
    rows = []
    for r0, c0, split, cid, labelled in footprints:
        x0, y0 = t * (c0, r0)
        x1, y1 = t * (c0 + size, r0 + size)
        rows.append({"split": split, "class": names[cid], "labelled_pixels": labelled,
                     "geometry": box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=src.crs.to_wkt() if src.crs else None)
    with atomic_path(path) as tmp:
        gdf.to_file(tmp, driver="GPKG" if path.lower().endswith(".gpkg") else None,
                    layer=Path(path).stem.replace(" ", "_"))
