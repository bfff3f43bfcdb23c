"""deepmapper:trainmodel's engine: a patch dataset -> a segmentation model (weights + card), usable as MODEL.

Cross-entropy with class weights (rare classes count more) plus a soft Dice term on the non-background classes;
AdamW with a one-cycle schedule; augmentation; validation after every epoch on the spatially separate split;
early stopping on the validation F-score; the best epoch's weights are what is written — also when the user
cancels, so an interrupted run still leaves the best model so far.
"""
from __future__ import annotations

import copy
import datetime as _dt
import math
import time
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from ..accuracy.metrics import score
from ..engine.device import choose_device
from ..engine.errors import CancelledError, DeepMapperError, require
from ..engine.messages import N_, _
from ..engine.progress import Monitor
from .augment import augment_batch
from .dataset import PatchDataset
from .export import check_card_path, write_model
from .labels import IGNORE
from .onnx_init import check_classes, check_patch_size, is_onnx, onnx_spec, parent_fields
from .transfer import adapt_state, count_parameters, freeze_encoder, load_init, merged_normalization, train_mode

ARCHITECTURE_DEFAULTS = {"unet_light": {"width": 16, "depth": 3}, "unet_resnet": {"depth": 18, "decoder_width": 32}}
CLASS_WEIGHTING = ("sqrt", "inverse", "none")
THRESHOLD_BINS = 100


@dataclass
class TrainRequest:
    dataset: str
    output: str  # the card (.json); the weights go beside it (.pt)
    architecture: str = "unet_light"
    architecture_params: dict | None = None  # None: ARCHITECTURE_DEFAULTS
    bands: str | None = None  # train on these dataset bands only (transfer to sensors that have just these)
    init_model: str | None = None  # fine-tune / transfer from this model (id or card path)
    freeze_encoder: bool = False
    epochs: int = 40
    batch_size: int = 16
    learning_rate: float = 0.0  # peak rate; 0: SCRATCH_RATE, or FINE_TUNE_RATE from a trained model (resolved_rate)
    patience: int = 10  # epochs without a better validation F before stopping
    class_weighting: str = "sqrt"
    dice: bool = True
    augment: bool = True
    train_fraction: float = 1.0  # use only this share of the training patches (label-efficiency studies)
    device: str = "auto"
    seed: int = 0
    threads: int = 0
    model_id: str | None = None
    model_name: str | None = None
    description: str = ""
    license: str = "Same terms as the training data"
    tile_size: int = 0  # the card's tile size; 0: 256 (light U-Net) or 512 (ResNet U-Net)
    weights: str | None = None  # where the weights go; None: beside the card, same name, .pt
    refit: bool = False  # after choosing the best epoch count, retrain on training + validation patches
    selection_weights: str | None = None  # with refit: also save the selection run's best weights here


@dataclass
class TrainResult:
    card: str
    weights: str
    model_id: str
    best_epoch: int
    epochs_run: int
    validation: dict  # overall_accuracy, mean_f, classes: {name: {precision, recall, f1, iou}}
    cancelled: bool = False
    stopped_early: bool = False
    seconds: float = 0.0
    log: list[str] = field(default_factory=list)


def train_model(req: TrainRequest, monitor: Monitor | None = None) -> TrainResult:
    """Train a segmentation model on the patch dataset `req.dataset`; write its card (`req.output`) and weights.

    Raises DeepMapperError for a bad request, dataset or INIT_MODEL (or when the loss diverges), CancelledError when
    the user cancels before the first epoch is validated; a later cancel returns the best model so far (`cancelled`)."""
    monitor = monitor or Monitor()
    require("torch", N_("training models"))
    log: list[str] = []
    say = monitor.recorder(log)
    _check(req)
    trainer = _Trainer(req, say)
    started = time.time()
    trainer.fit(monitor)
    return trainer.write(time.time() - started, log)


@dataclass
class _Best:
    """The best validated epoch so far: its validation F on the monitored classes, its weights and scores."""

    f: float = -1.0
    epoch: int = 0
    state: dict | None = None
    scores: object = None


class _Trainer:
    """One training run: built from the dataset, INIT_MODEL and the loss settings; `fit` chooses the best epoch on the
    validation patches (and refits if asked); `write` writes the card and the best weights."""

    def __init__(self, req: TrainRequest, say: Callable[[str], None]) -> None:
        self.req, self.say = req, say
        self._read_dataset()
        self._seed()
        self.model = self._first_model()
        self._read_patches()
        self._make_loss()
        self.best = _Best()
        self.history: list[dict] = []
        self.epochs_run = 0
        self.cancelled = self.stopped = False

    # -- set-up -------------------------------------------------------------------------------------------------------
    def _read_dataset(self) -> None:
        """Bands, classes, INIT_MODEL, architecture and normalisation."""
        req = self.req
        self.ds = ds = PatchDataset.open(req.dataset)
        self.band_idx = ds.band_indexes(req.bands)
        self.bands = [ds.bands[i] for i in self.band_idx]
        self.classes = ds.classes
        self.n_classes = max(c["id"] for c in self.classes) + 1
        self.init_card, self.init_state = load_init(req.init_model) if req.init_model else (None, None)
        if not req.learning_rate:
            self.req = req = replace(req, learning_rate=resolved_rate(self.init_card))
            self.say(_("Learning rate {rate:g} (LEARNING_RATE automatic: {why}).").format(
                rate=req.learning_rate, why=_("fine-tuning a trained model") if req.learning_rate == FINE_TUNE_RATE
                else _("training from scratch or from a pre-trained encoder")))
        self.from_onnx = is_onnx(self.init_card)
        if self.from_onnx:  # the graph's output channels are the parent's classes
            self.n_classes = check_classes(self.init_card, self.classes)
            check_patch_size(self.init_card, ds.patch_size)
        self.spec = _architecture(req, self.init_card, self.say)
        stats = ds.statistics
        mean = [stats["mean"][i] for i in self.band_idx]
        std = [stats["std"][i] for i in self.band_idx]
        self.mean, self.std = merged_normalization(self.init_card, self.bands, mean, std)

    def _seed(self) -> None:
        """Seeds (torch, the augmentation generator, the numpy one for shuffling), threads and device."""
        import torch
        req = self.req
        torch.manual_seed(req.seed)
        self.gen = torch.Generator().manual_seed(req.seed)
        self.rng = np.random.default_rng(req.seed)
        if req.threads:
            torch.set_num_threads(req.threads)
        self.device = choose_device(req.device, "torch_state_dict")
        self.dev = torch.device(self.device.torch_name)

    def _first_model(self):
        """The network to train, with what it was started from and its size logged."""
        init = self.init_card
        self.keep_head = self.from_onnx or init is not None and init.task in ("segmentation", "cloudmask") and \
            [c["id"] for c in init.classes] == [c["id"] for c in self.classes] and len(init.classes) == self.n_classes
        model, rep = self._new_model()
        if rep is not None:
            self.say(_transfer_line(init.id, rep))
        total, trainable = count_parameters(model)
        self.say(_("Model {name} {params}: {total:,} parameters ({trainable:,} trained), "
                 "bands {bands}, {n_classes} classes, device {kind}.").format(
            name=self.spec['name'], params=self.spec['params'], total=total, trainable=trainable,
            bands=', '.join(self.bands), n_classes=self.n_classes, kind=self.device.kind))
        return model

    def _new_model(self):
        """(A freshly built network on the device, started from INIT_MODEL's weights, its encoder frozen if asked;
        the transfer report, None without INIT_MODEL)."""
        from ....models.architectures import build
        model = build(self.spec, in_channels=len(self.bands), n_classes=self.n_classes)
        rep = None
        if self.init_card is not None:
            rep = adapt_state(model, self.init_state, self.init_card.bands, self.bands, self.keep_head)
        if self.req.freeze_encoder:
            if self.init_card is None:
                raise DeepMapperError(_("FREEZE_ENCODER needs INIT_MODEL: a frozen encoder that was never trained learns "
                                      "nothing. Give the model to start from, or untick FREEZE_ENCODER."))
            freeze_encoder(model)
        return model.to(self.dev), rep

    def _read_patches(self) -> None:
        """The training and validation patches (a random share of the training ones with TRAIN_FRACTION)."""
        import torch
        req = self.req
        self.train = _Patches([self.ds.arrays("train")])
        self.val = _Patches([self.ds.arrays("validation")])
        self.train_ids = np.arange(len(self.train))
        if req.train_fraction < 1.0:
            keep = max(2, int(round(len(self.train_ids) * req.train_fraction)))
            self.train_ids = np.sort(self.rng.choice(self.train_ids, keep, replace=False))
            self.say(_("Using {keep} of {n_train} training patches (TRAIN_FRACTION {train_fraction:g}).").format(
                keep=keep, n_train=len(self.train), train_fraction=req.train_fraction))
        self.norm = (torch.tensor(self.mean, dtype=torch.float32).view(1, -1, 1, 1),
                     torch.tensor(self.std, dtype=torch.float32).view(1, -1, 1, 1))

    def _make_loss(self) -> None:
        """Weighted cross-entropy, the classes the Dice term covers and the classes validation F is averaged over."""
        import torch
        classes = self.classes
        weights = _class_weights(self.ds.class_pixels("train"), classes, self.n_classes, self.req.class_weighting)
        self.say(_("Class weights: {weights}.").format(
            weights=", ".join(f"{c['name']} {weights[c['id']]:.2f}" for c in classes)))
        self.ce = torch.nn.CrossEntropyLoss(weight=torch.tensor(weights, dtype=torch.float32, device=self.dev),
                                            ignore_index=IGNORE)
        self.dice_ids = [c["id"] for c in classes if c["name"].lower() != "background"] if self.req.dice else []
        background = [c["id"] for c in classes if c["name"].lower() == "background"]
        self.monitored = [c["id"] for c in classes if c["id"] not in background] or [c["id"] for c in classes]

    # -- training -----------------------------------------------------------------------------------------------------
    def fit(self, monitor: Monitor) -> None:
        """Choose the best epoch (early stopping), then refit if asked. A cancel after the first validated epoch keeps
        the best weights so far; before it, CancelledError goes up."""
        fit_share = 0.6 if self.req.refit else 1.0
        try:
            self._select(monitor.span(0, fit_share))
            if self.req.refit:
                self._refit(monitor.span(fit_share, 1.0))
        except CancelledError:
            if self.best.state is None:
                raise
            self.cancelled = True
            self.say(_("Cancelled during epoch {epochs_run}: keeping the best model so far "
                     "(epoch {epoch}).").format(epochs_run=self.epochs_run, epoch=self.best.epoch))

    def _select(self, progress: Monitor) -> None:
        """Train on the training patches, validating every epoch; keep the best epoch's weights and stop after
        `patience` epochs without a better validation F."""
        req = self.req
        for epoch, loss, scores in self._epochs(self.model, self.train, self.train_ids, req.epochs, progress, True):
            self.epochs_run = epoch
            f = float(np.nanmean([scores.classes[i].f_beta for i, c in enumerate(scores.class_ids)
                                  if c in self.monitored]))
            self.history.append({"epoch": epoch, "loss": round(loss, 5), "val_f": round(f, 5),
                                 "val_oa": round(scores.overall_accuracy, 5)})
            self.say(_("Epoch {epoch}/{epochs}: loss {loss:.4f}, validation F {f:.4f}, "
                     "OA {oa:.4f}").format(epoch=epoch, epochs=req.epochs, loss=loss, f=f, oa=scores.overall_accuracy))
            if f > self.best.f:
                self.best = _Best(f, epoch, copy.deepcopy(self.model.state_dict()), scores)
            elif epoch - self.best.epoch >= req.patience:
                self.stopped = True
                self.say(_("Early stop: no better validation F for {patience} epochs.").format(patience=req.patience))
                break

    def _refit(self, progress: Monitor) -> None:
        """Model selection is done: train a fresh model on every labelled patch for the best number of epochs."""
        import torch
        if self.req.selection_weights:
            torch.save(self.best.state, self.req.selection_weights)
        self.say(_("Refit on training and validation patches for {epoch} epochs.").format(epoch=self.best.epoch))
        refit, _unused = self._new_model()
        both = _Patches(self.train.parts + self.val.parts)
        for _unused in self._epochs(refit, both, np.arange(len(both)), self.best.epoch, progress, False):
            pass
        self.best.state = copy.deepcopy(refit.state_dict())

    def _epochs(self, net, patches: "_Patches", ids: np.ndarray, epochs: int, progress: Monitor, validate: bool):
        """Train `net` for up to `epochs` on `patches[ids]`; yield (epoch, mean loss, validation scores or None)."""
        steps = max(1, math.ceil(len(ids) / self.req.batch_size))
        optim, sched = one_cycle(net, self.req.learning_rate, epochs, steps)
        for epoch in range(1, epochs + 1):
            train_mode(net, self.req.freeze_encoder, hold_norm=self.from_onnx)
            order = self.rng.permutation(ids)
            losses = []
            for b in range(steps):
                losses.append(self._step(net, patches, order[b * self.req.batch_size:(b + 1) * self.req.batch_size],
                                         optim, sched))
                progress.report((epoch - 1 + (b + 1) / steps) / epochs)
            scores = _validate(net, self.val, self._batch, self.classes, self.req.batch_size) if validate else None
            yield epoch, float(np.mean(losses)), scores

    def _step(self, net, patches: "_Patches", ids: np.ndarray, optim, sched) -> float:
        """One optimiser step on the (augmented) batch `patches[ids]`; returns its loss."""
        import torch
        x, y = self._batch(patches, ids)
        if self.req.augment:
            x, y = augment_batch(x, y, self.gen)
        logits = net(x)
        loss = self.ce(logits, y) + (_dice_loss(logits, y, self.dice_ids) if self.dice_ids else 0.0)
        if not torch.isfinite(loss):
            raise DeepMapperError(_("Training diverged (the loss became NaN); lower LEARNING_RATE."))
        optim.zero_grad(set_to_none=True)
        loss.backward()
        optim.step()
        sched.step()
        return float(loss.detach())

    def _batch(self, patches: "_Patches", ids):
        """(normalised images (N, C, H, W) float32, labels (N, H, W) int64) on the device; nodata -> the band mean."""
        import torch
        x, y = patches.take(ids, self.band_idx)
        x = torch.nan_to_num((torch.from_numpy(x) - self.norm[0]) / self.norm[1], nan=0.0)
        return x.to(self.dev), torch.from_numpy(y).long().to(self.dev)

    # -- output -------------------------------------------------------------------------------------------------------
    def write(self, seconds: float, log: list[str]) -> TrainResult:
        """Write the card (with the validation scores and decision threshold) and the best weights."""
        req, best, classes = self.req, self.best, self.classes
        validation = _summary(best.scores, classes, best.f)
        postprocess = _decision_threshold(best.scores, classes, validation, self.say)
        card = _card(req, self.ds, self.spec, self.bands, self.mean, self.std, classes, validation, best.epoch,
                     self.epochs_run, self.history, self.device.kind, seconds, self.init_card, self.cancelled)
        if postprocess:
            card["postprocess"] = postprocess
        if self.from_onnx:
            card = parent_fields(card, self.init_card, self.ds.meta, self.mean, self.std)
        path = write_model(card, best.state, req.output, req.weights)
        self.say(_("Best epoch {best_epoch}: validation F {best_f:.4f}, OA {oa:.4f}. "
                 "Model card: {path}").format(
            best_epoch=best.epoch, best_f=best.f, oa=validation['overall_accuracy'], path=path))
        return TrainResult(str(path), str(req.weights or path.with_suffix(".pt")), card["id"], best.epoch,
                           self.epochs_run, validation, self.cancelled, self.stopped, seconds, log)


def _transfer_line(model: str, rep) -> str:
    """The log line on what INIT_MODEL `model` gave the new network (`rep`: transfer.adapt_state's report)."""
    fields = {"model": model, "copied": rep.copied, "new": len(rep.reinitialised)}
    if not rep.band_map:
        return _("Started from '{model}': {copied} tensors copied, {new} new.").format(**fields)
    bands = ", ".join(_("{band} {how}").format(band=b, how=_(how)) for b, how in rep.band_map.items())
    return _("Started from '{model}': {copied} tensors copied, {new} new; bands: {bands}.").format(**fields, bands=bands)


def architecture_spec(name: str, params: dict | None) -> dict:
    """{name, params}: the architecture's ARCHITECTURE_DEFAULTS overridden by `params`."""
    return {"name": name, "params": dict(ARCHITECTURE_DEFAULTS.get(name, {}), **(params or {}))}


def _architecture(req: TrainRequest, init_card, say: Callable[[str], None]) -> dict:
    """INIT_MODEL's architecture when its card names one (its weights fit only that), the converted graph for an
    ONNX INIT_MODEL, else ARCHITECTURE's."""
    if init_card is not None and req.architecture != TrainRequest.architecture and (
            is_onnx(init_card) or init_card.data.get("architecture")):  # asked for another than the default
        say(_("ARCHITECTURE '{asked}' is not used: the weights of INIT_MODEL fit only its own "
              "architecture.").format(asked=req.architecture))
    if is_onnx(init_card):
        say(_("Architecture from INIT_MODEL '{model}': its ONNX graph converted to a torch module (onnx2torch).").format(
            model=init_card.id))
        return onnx_spec(init_card)
    if init_card is not None and init_card.data.get("architecture"):
        spec = {"name": init_card.data["architecture"]["name"],
                "params": dict(init_card.data["architecture"].get("params", {}))}
        say(_("Architecture from INIT_MODEL '{model}': {name} {params}.").format(
            model=init_card.id, name=spec['name'], params=spec['params']))
        return spec
    return architecture_spec(req.architecture, req.architecture_params)


def _decision_threshold(scores, classes: list[dict], validation: dict, say: Callable[[str], None]) -> dict:
    """Two-class models: the card's postprocess {threshold} chosen on validation (also added to `validation`);
    {} otherwise."""
    hist = getattr(scores, "positive_hist", None)
    if hist is None or not hist[1].sum():
        return {}
    threshold, f_at = best_threshold(hist)
    name = classes[-1]["name"]
    validation["threshold"] = {"value": round(threshold, 4), f"{name}_f1": round(f_at, 4),
                               "note": "class 1 where its probability exceeds this (chosen on validation)"}
    say(_("Decision threshold for '{name}': {threshold:.2f} (validation F1 {f_at:.4f} against "
        "{f1} at argmax).").format(
        name=name, threshold=threshold, f_at=f_at, f1=validation['classes'].get(name, {}).get('f1')))
    return {"threshold": round(threshold, 4)}


class _Patches:
    """Several (images, labels) memory-mapped arrays seen as one: only the patches of a batch are read."""

    def __init__(self, parts: list[tuple[np.ndarray, np.ndarray]]) -> None:
        self.parts = parts
        self.starts = np.cumsum([0] + [len(x) for x, _ in parts])

    def __len__(self) -> int:
        return int(self.starts[-1])

    def take(self, ids, bands: list[int]) -> tuple[np.ndarray, np.ndarray]:
        ids = np.sort(np.asarray(ids))
        xs, ys = [], []
        for k, (x, y) in enumerate(self.parts):
            local = ids[(ids >= self.starts[k]) & (ids < self.starts[k + 1])] - self.starts[k]
            if len(local):
                xs.append(x[local][:, bands])
                ys.append(y[local])
        return (np.ascontiguousarray(np.concatenate(xs), dtype=np.float32),
                np.ascontiguousarray(np.concatenate(ys)))


SCRATCH_RATE = 2e-3  # peak rate of the one-cycle schedule for new weights (the bundled U-Nets were trained so)
FINE_TUNE_RATE = 1e-4  # from a trained model: small steps keep what it knows (docs/benchmarks.md, fine-tuning)


def resolved_rate(init_card) -> float:
    """LEARNING_RATE 0 made concrete: FINE_TUNE_RATE from a trained (segmentation or cloud) model, SCRATCH_RATE from
    scratch or from a self-supervised pre-trained encoder, whose head is new. The dialogs' old default, the scratch
    rate, was 20 times the rate the labelling loop fine-tunes with (and 7 times bench_finetune_cloud's 3e-4)."""
    return FINE_TUNE_RATE if init_card is not None and init_card.task != "pretrained" else SCRATCH_RATE


def one_cycle(model, learning_rate: float, epochs: int, steps_per_epoch: int):
    """AdamW over the trainable parameters with a one-cycle schedule (warm-up 15 %, then cosine down): robust
    without tuning for the short runs this plugin does."""
    import torch
    optim = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=learning_rate,
                              weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(optim, max_lr=learning_rate, epochs=epochs,
                                                steps_per_epoch=steps_per_epoch, pct_start=0.15)
    return optim, sched


def _check(req: TrainRequest) -> None:
    check_card_path(req.output)
    if req.architecture not in ARCHITECTURE_DEFAULTS:
        raise DeepMapperError(_("Unknown ARCHITECTURE '{architecture}'; use one of "
                              "{architecture_defaults}.").format(
            architecture=req.architecture, architecture_defaults=', '.join(ARCHITECTURE_DEFAULTS)))
    if req.epochs < 1 or req.batch_size < 1:
        raise DeepMapperError(_("EPOCHS and BATCH_SIZE must be at least 1."))
    if not 0 < req.train_fraction <= 1:
        raise DeepMapperError(_("TRAIN_FRACTION must be in (0, 1], not {train_fraction}.").format(
            train_fraction=req.train_fraction))
    if req.class_weighting not in CLASS_WEIGHTING:
        raise DeepMapperError(_("CLASS_WEIGHTING must be one of {class_weighting}.").format(
            class_weighting=', '.join(CLASS_WEIGHTING)))
    if req.learning_rate < 0:
        raise DeepMapperError(_("LEARNING_RATE must be positive (or 0: chosen for you)."))


def _class_weights(pixels: np.ndarray, classes: list[dict], n: int, how: str) -> list[float]:
    """Inverse (or inverse square root) class frequency, mean 1 over the classes present; absent ids get 0."""
    w = np.zeros(n)
    counts = np.zeros(n)
    for c, p in zip(classes, pixels):
        counts[c["id"]] = p
    present = counts > 0
    if how == "none":
        w[present] = 1.0
    else:
        freq = counts[present] / counts[present].sum()
        w[present] = 1.0 / (np.sqrt(freq) if how == "sqrt" else freq)
        w[present] /= w[present].mean()
    return w.round(4).tolist()


def _dice_loss(logits, y, class_ids: list[int]):
    """1 - soft Dice over the labelled pixels, averaged over `class_ids` (helps thin or rare classes: F1 is what
    users are judged on)."""
    import torch
    prob = torch.softmax(logits, dim=1)
    labelled = (y != IGNORE).unsqueeze(1)
    onehot = torch.zeros_like(prob).scatter_(1, torch.where(y == IGNORE, 0, y).unsqueeze(1), 1.0)
    prob, onehot = prob * labelled, onehot * labelled
    inter = (prob * onehot).sum(dim=(0, 2, 3))
    denom = prob.sum(dim=(0, 2, 3)) + onehot.sum(dim=(0, 2, 3))
    dice = (2 * inter + 1.0) / (denom + 1.0)
    return 1.0 - dice[class_ids].mean()


def _validate(model, val: "_Patches", batch, classes: list[dict], batch_size: int):
    """Scores of the argmax decision; for two-class models also `scores.positive_hist`: counts of P(class 1) in
    100 bins for the labelled pixels of each class, from which the best threshold is chosen."""
    import torch
    model.eval()
    k = max(c["id"] for c in classes) + 1
    matrix = np.zeros((k, k), dtype=np.int64)
    hist = np.zeros((2, THRESHOLD_BINS), dtype=np.int64)
    with torch.inference_mode():
        for b in range(0, len(val), batch_size):
            x, y = batch(val, np.arange(b, min(b + batch_size, len(val))))
            logits = model(x)
            pred = logits.argmax(dim=1).cpu().numpy()
            ref = y.cpu().numpy()
            sel = ref != IGNORE
            matrix += np.bincount(ref[sel] * k + pred[sel], minlength=k * k).reshape(k, k)
            if k == 2:
                p1 = torch.softmax(logits, dim=1)[:, 1].cpu().numpy()[sel]
                bins = np.minimum((p1 * THRESHOLD_BINS).astype(np.int64), THRESHOLD_BINS - 1)
                hist += np.bincount(ref[sel] * THRESHOLD_BINS + bins, minlength=2 * THRESHOLD_BINS).reshape(2, -1)
    scores = score(list(range(k)), matrix, names={c["id"]: c["name"] for c in classes})
    scores.positive_hist = hist if k == 2 else None
    return scores


def best_threshold(hist: np.ndarray) -> tuple[float, float]:
    """(threshold, F1 of class 1) maximising F1 over the validation pixels: class 1 where P(1) > threshold.
    Small models trained on few objects are rarely calibrated at 0.5 (they under- or over-segment)."""
    positives = hist[1][::-1].cumsum()[::-1]  # pixels of class 1 with P >= bin start
    negatives = hist[0][::-1].cumsum()[::-1]
    total_pos = hist[1].sum()
    f1 = 2 * positives / np.maximum(positives + negatives + total_pos, 1)
    i = int(np.argmax(f1[1:])) + 1  # thresholds 0.01 .. 0.99
    return i / THRESHOLD_BINS - 1e-6, float(f1[i])


def _summary(scores, classes: list[dict], f: float) -> dict:
    if scores is None:
        return {"overall_accuracy": float("nan"), "mean_f": float("nan"), "classes": {}}
    out = {"overall_accuracy": round(scores.overall_accuracy, 4), "kappa": round(scores.kappa, 4),
           "mean_f": round(f, 4), "pixels": int(scores.total), "classes": {}}
    for s in scores.classes:
        if s.scored:
            out["classes"][s.name] = {"precision": _r(s.precision), "recall": _r(s.recall), "f1": _r(s.f_beta),
                                      "iou": _r(s.iou), "pixels": s.support}
    return out


def _r(x: float) -> float | None:
    return None if x != x else round(float(x), 4)


def _card(req: TrainRequest, ds: PatchDataset, spec: dict, bands: list[str], mean: list[float], std: list[float],
          classes: list[dict], validation: dict, best_epoch: int, epochs_run: int, history: list[dict],
          device: str, seconds: float, init_card, cancelled: bool) -> dict:
    from pathlib import Path

    from ....models.architectures.unet import receptive_radius, size_multiple
    multiple = size_multiple(spec)
    model_id = req.model_id or Path(req.output).stem
    tile = req.tile_size or (512 if spec["name"] == "unet_resnet" else 256)
    tile = max(multiple, tile // multiple * multiple)
    margin = min(tile // 4, receptive_radius(spec))  # crop tiles where the context is complete
    meta = ds.meta
    return {
        "schema_version": 1, "id": model_id, "name": req.model_name or model_id,
        "description": req.description or (f"{spec['name']} trained by DeepMapper on "
                                           f"{Path(meta['source']['raster']).name}"),
        "task": "segmentation", "format": "torch_state_dict", "weights": "", "sha256": "",
        "architecture": spec, "license": req.license,
        "source_url": "https://github.com/deepmapper/deepmapper (deepmapper:trainmodel)",
        "input": {"bands": bands, "units": "any", "product_level": "any",
                  "resolution_m": meta.get("resolution_m"), "sensor": meta.get("sensor", "sentinel2_l2a"),
                  "normalization": {"type": "standard", "mean": [round(float(m), 6) for m in mean],
                                    "std": [round(float(s), 6) for s in std]}},
        "output": {"activation": "softmax", "classes": classes},
        "tiling": {"tile_size": tile, "margin": margin, "blend": "crop", "size_multiple": multiple},
        "half_precision": True,
        "metrics": {"validation": validation, "best_epoch": best_epoch,
                    "note": "pixels of the spatially separate validation blocks of the patch dataset"
                            + ("; scores of the model-selection run: the weights written were then refit on "
                               "training + validation patches for best_epoch epochs" if req.refit else "")},
        "training": {
            "dataset": str(ds.folder), "raster": meta["source"]["raster"], "labels": meta["source"]["labels"],
            "class_field": meta["source"]["class_field"], "patch_size": meta["patch_size"],
            "patches": meta["counts"], "train_fraction": req.train_fraction, "epochs_run": epochs_run,
            "epochs_asked": req.epochs, "batch_size": req.batch_size, "learning_rate": req.learning_rate,
            "loss": "cross-entropy" + (" + soft Dice" if req.dice else ""), "class_weighting": req.class_weighting,
            "augmentations": "flips, 90-degree rotations, brightness/contrast, noise" if req.augment else "none",
            "init_model": init_card.id if init_card is not None else None, "frozen_encoder": req.freeze_encoder,
            "refit_on_all_patches": req.refit,
            "device": device, "seconds": round(seconds, 1), "seed": req.seed, "cancelled": cancelled,
            "date": _dt.date.today().isoformat(), "history": history},
    }
