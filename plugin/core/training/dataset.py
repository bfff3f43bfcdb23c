"""The patch dataset on disk, as extractpatches writes it and trainmodel reads it.

A folder holding:
- dataset.json: classes (id, name, colour), band names (common names, in order), source raster and labels, CRS,
  resolution, patch size, split counts, labelled pixels per class and split, per-band statistics of the training
  patches (mean, std, min, max: the model's normalisation), sampling settings, the patch windows (row, column of
  their top-left pixel) per split and the validation blocks (block row, block column; blocks of block_size pixels);
- {train,validation}_images.npy: float32 (N, bands, size, size), NaN where the image has no data;
- {train,validation}_labels.npy: uint8 (N, size, size) class ids, 255 where there is no label.
Plain .npy files: memory-mapped by the trainer, readable by any numpy user.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..engine.bands import COMMON_NAMES, common_name, preset
from ..engine.errors import DeepMapperError
from ..engine.messages import N_, _

DATASET_FILE = "dataset.json"
FORMAT = "deepmapper-patches"
SPLITS = ("train", "validation")
SPLIT_NAMES = {"train": N_("train"), "validation": N_("validation")}  # for logs: _(SPLIT_NAMES[split])


def damaged(folder: Path, what: str) -> DeepMapperError:
    """The error for a patch dataset that cannot be used as it is."""
    return DeepMapperError(_("The patch dataset '{folder}' is damaged: {what}. Extract it again with "
                             "deepmapper:extractpatches.").format(folder=folder, what=what))


@dataclass
class PatchDataset:
    folder: Path
    meta: dict

    @classmethod
    def open(cls, folder: str | Path) -> "PatchDataset":
        folder = Path(folder)
        if folder.is_file() and folder.name == DATASET_FILE:
            folder = folder.parent
        meta_path = folder / DATASET_FILE
        if not meta_path.exists():
            raise DeepMapperError(_("'{folder}' is not a patch dataset (no {dataset_file} inside); create one with "
                                  "deepmapper:extractpatches and give its folder as DATASET.").format(
                folder=folder, dataset_file=DATASET_FILE))
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise damaged(folder, _("{file} cannot be read ({reason})").format(file=DATASET_FILE, reason=exc)) \
                from exc
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise DeepMapperError(_("'{meta_path}' is not a DeepMapper patch dataset description.").format(
                meta_path=meta_path))
        for split in SPLITS:
            for kind in ("images", "labels"):
                if not (folder / f"{split}_{kind}.npy").exists():
                    raise DeepMapperError(_("The dataset '{folder}' is incomplete: {split}_{kind}.npy is missing; "
                                          "extract it again.").format(folder=folder, split=split, kind=kind))
        dataset = cls(folder, meta)
        dataset.check()
        return dataset

    def check(self) -> None:
        """Raise DeepMapperError (damaged, extract it again) when the description lacks what training reads or an
        array is truncated or of another shape than the description says: a traceback (KeyError, 'mmap length is
        greater than file size') told the user nothing."""
        meta = self.meta
        try:
            bands, classes, size = list(meta["bands"]), list(meta["classes"]), int(meta["patch_size"])
            ok = (bands and all(isinstance(b, str) for b in bands) and classes
                  and all(isinstance(c, dict) and "id" in c and "name" in c for c in classes) and size > 0)
            stats = meta["statistics"]
            ok = ok and all(len(stats[k]) == len(bands) for k in ("mean", "std"))
            ok = ok and all(len(meta["class_pixels"][split]) == len(classes) for split in SPLITS)
        except (KeyError, TypeError, ValueError) as exc:
            raise damaged(self.folder, _("{file} lacks or garbles '{field}'").format(
                file=DATASET_FILE, field=exc.args[0] if isinstance(exc, KeyError) else exc)) from exc
        if not ok:
            raise damaged(self.folder, _("{file} names no bands or classes, or their statistics do not match "
                                         "them").format(file=DATASET_FILE))
        for split in SPLITS:
            try:
                images, labels = self.arrays(split)
            except (OSError, ValueError) as exc:
                raise damaged(self.folder, _("{split} patches cannot be read ({reason})").format(
                    split=_(SPLIT_NAMES[split]), reason=str(exc).splitlines()[0] if str(exc) else exc)) from exc
            if images.ndim != 4 or images.shape[1:] != (len(bands), size, size) or labels.shape != (
                    len(images), size, size):
                raise damaged(self.folder, _("the {split} arrays are {images} and {labels}, not (N, {bands}, {size}, "
                                             "{size}) and (N, {size}, {size})").format(
                    split=_(SPLIT_NAMES[split]), images=images.shape, labels=labels.shape, bands=len(bands),
                    size=size))

    bands = property(lambda self: list(self.meta["bands"]))
    classes = property(lambda self: list(self.meta["classes"]))
    statistics = property(lambda self: self.meta["statistics"])
    patch_size = property(lambda self: int(self.meta["patch_size"]))

    def arrays(self, split: str) -> tuple[np.ndarray, np.ndarray]:
        """(images, labels) of a split, memory-mapped read-only."""
        return (np.load(self.folder / f"{split}_images.npy", mmap_mode="r"),
                np.load(self.folder / f"{split}_labels.npy", mmap_mode="r"))

    def band_indexes(self, wanted: str | Sequence[str] | None) -> list[int]:
        """0-based indexes of the bands named in BANDS ('blue,green,red,nir' or 'B2,B3,B4,B8'); all when empty."""
        if not wanted:
            return list(range(len(self.bands)))
        items = [t.strip() for t in (wanted.replace(";", ",").split(",") if isinstance(wanted, str) else wanted)]
        sensor = preset(self.meta.get("sensor") or "sentinel2_l2a")
        out = []
        for item in filter(None, items):
            name = common_name(item, sensor) or item.lower()
            if name not in self.bands:
                raise DeepMapperError(
                    _("BANDS names '{item}', which the dataset does not have; its bands are {bands}. "
                    "Use these names (common names such as {common_names}, or the sensor's band ids).").format(
                        item=item, bands=', '.join(self.bands), common_names=', '.join(COMMON_NAMES[:4])))
            if self.bands.index(name) in out:
                raise DeepMapperError(_("BANDS names '{item}' twice.").format(item=item))
            out.append(self.bands.index(name))
        return out

    def class_pixels(self, split: str) -> np.ndarray:
        return np.asarray(self.meta["class_pixels"][split], dtype=np.int64)
