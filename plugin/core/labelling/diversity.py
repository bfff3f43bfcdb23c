"""Spreading the picks, so that a batch of suggestions is not COUNT copies of the same situation.

- none: the COUNT highest scores;
- kcenter: k-centre greedy (core-set selection, Sener & Savarese 2018) in the model's feature space among the
  POOL_FACTOR x COUNT highest-scoring candidates: start from the best one, then repeatedly add the candidate
  farthest from every pick so far;
- cluster: uncertainty then diversity (Zhdanov 2019, "Diverse mini-batch active learning", arXiv:1901.05954):
  k-means with COUNT clusters, each candidate weighted by its score, over the CLUSTER_FACTOR x COUNT
  highest-scoring candidates; from each cluster the candidate nearest its centre, so one batch covers COUNT
  different situations instead of COUNT near-copies of the most uncertain one (the batch-mode cold start);
- spatial: the highest scores whose centres lie at least `min_distance` pixels from every earlier pick.

Distances and k-means come from scikit-learn (pairwise_distances, NearestNeighbors, KMeans), imported only when
needed.
"""
from __future__ import annotations

import numpy as np

from ..engine.errors import DeepMapperError, require
from ..engine.messages import N_, _

DIVERSITY = ("none", "kcenter", "cluster", "spatial")
POOL_FACTOR = 5  # kcenter looks among this many times COUNT of the best-scoring candidates
CLUSTER_FACTOR = 10  # cluster: among this many times COUNT (Zhdanov 2019's beta)


def check_diversity(method: str) -> str:
    if method not in DIVERSITY:
        raise DeepMapperError(_("Unknown DIVERSITY '{method}'; use one of {diversity}.").format(
            method=method, diversity=', '.join(DIVERSITY)))
    return method


def ranked(scores: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """(n,) indices from the highest score down; equal scores in a random order drawn from `rng`."""
    return np.lexsort((rng.random(len(scores)), -np.asarray(scores, dtype=np.float64)))


def kcenter_greedy(features: np.ndarray, count: int, first: int = 0) -> np.ndarray:
    """(count,) indices into `features` ((n, d) float) chosen by k-centre greedy from `first`; ties go to the lower
    index (callers sort candidates best first)."""
    metrics = require("sklearn.metrics", N_("spreading suggestions in feature space (DIVERSITY kcenter)"))
    x = np.asarray(features, dtype=np.float64)
    picks = [first]
    nearest = metrics.pairwise_distances(x, x[[first]]).ravel()
    while len(picks) < min(count, len(x)):
        nxt = int(np.argmax(nearest))
        picks.append(nxt)
        nearest = np.minimum(nearest, metrics.pairwise_distances(x, x[[nxt]]).ravel())
    return np.asarray(picks, dtype=np.int64)


def weighted_kmeans_picks(features: np.ndarray, scores: np.ndarray, count: int, seed: int) -> np.ndarray:
    """(count,) distinct indices into `features` ((n, d) float, n >= count): k-means with `count` clusters, each row
    weighted by its score ((n,) >= 0), then the row nearest each centre, best score first."""
    cluster = require("sklearn.cluster", N_("spreading suggestions by clustering (DIVERSITY cluster)"))
    x = np.asarray(features, dtype=np.float64)
    weight = np.maximum(np.asarray(scores, dtype=np.float64), 0.0) + 1e-6  # all-zero scores: plain k-means
    km = cluster.KMeans(n_clusters=count, n_init=3, random_state=seed).fit(x, sample_weight=weight)
    picks: list[int] = []
    for centre in km.cluster_centers_:
        dist = ((x - centre) ** 2).sum(axis=1)
        dist[picks] = np.inf  # two centres on one row (duplicates): the next nearest
        picks.append(int(np.argmin(dist)))
    return np.asarray(sorted(picks, key=lambda i: -weight[i]), dtype=np.int64)


def spatial_spread(order: np.ndarray, centres: np.ndarray, count: int, min_distance: float) -> tuple[np.ndarray, int]:
    """Walk `order` (candidate indices, best first) and keep those at least `min_distance` (pixels) from every kept
    one; when that leaves fewer than `count`, the best of the rest fill up. Returns (picks, how many filled up)."""
    neighbors = require("sklearn.neighbors", N_("spreading suggestions in space (DIVERSITY spatial)"))
    pts = np.asarray(centres, dtype=np.float64)[order]
    # strictly closer than min_distance blocks: radius_neighbors includes the radius itself, so shrink it a hair
    near = neighbors.NearestNeighbors(radius=max(min_distance * (1 - 1e-9), 0.0)).fit(pts).radius_neighbors(
        pts, return_distance=False)
    blocked = np.zeros(len(order), dtype=bool)
    kept: list[int] = []
    for i in range(len(order)):
        if len(kept) == count:
            break
        if not blocked[i]:
            kept.append(i)
            blocked[near[i]] = True
    filled = 0
    if len(kept) < count:
        taken = set(kept)
        rest = [i for i in range(len(order)) if i not in taken][:count - len(kept)]
        filled = len(rest)
        kept += rest
    return order[np.asarray(kept, dtype=np.int64)], filled


def select(scores: np.ndarray, count: int, method: str, rng: np.random.Generator,
           features: np.ndarray | None = None, centres: np.ndarray | None = None,
           min_distance: float = 0.0) -> tuple[np.ndarray, str]:
    """(count,) candidate indices in pick order (rank 1 first), and a note for the log ('' when none).

    `scores` (n,) higher = more worth labelling; `features` (n, d) for kcenter; `centres` (n, 2) pixel
    coordinates for spatial."""
    check_diversity(method)
    order = ranked(scores, rng)
    if method == "none" or count >= len(order) and method in ("kcenter", "cluster"):
        return order[:count], ""
    if method == "cluster":
        pool = order[:max(count, CLUSTER_FACTOR * count)]
        seed = int(rng.integers(2 ** 31))
        picks = weighted_kmeans_picks(np.asarray(features)[pool], np.asarray(scores)[pool], count, seed)
        return pool[picks], _("Weighted k-means: {count} clusters of the {pool} best-scoring patches.").format(
            count=count, pool=len(pool))
    if method == "kcenter":
        pool = order[:max(count, POOL_FACTOR * count)]
        return pool[kcenter_greedy(np.asarray(features)[pool], count)], (
            _("k-centre greedy among the {pool} best-scoring patches.").format(pool=len(pool)))
    picks, filled = spatial_spread(order, centres, count, min_distance)
    note = _("Picks at least {min_distance:g} pixels apart.").format(min_distance=min_distance)
    if filled:
        note += " " + _("Only {apart} patches could be that far apart; the {filled} next best fill up (lower "
                        "MIN_DISTANCE to keep them all apart).").format(apart=count - filled, filled=filled)
    return picks, note
