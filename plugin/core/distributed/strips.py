"""One huge scene in strips of rows on a Dask cluster, written in order by this process into the usual outputs."""
from __future__ import annotations

import math
import time
from typing import Any, Iterator

import distributed

from ..batch.runner import run_scene
from ..batch.tasks import Task
from ..classify.strips import Strip, StripJob, StripRunner, classify_strip, strip_bounds, strips_run_by
from ..engine.progress import Monitor
from .cluster import dask_threads, worker_threads
from .scenes import RETRIES

STRIPS_PER_THREAD = 2  # automatic strip height: about this many strips per Dask thread (load balance vs halo work)


def strip_on_worker(spec: StripJob, row0: int, row1: int) -> Strip:
    """classify_strip on a worker, with the worker's thread budget unless the user gave THREADS."""
    threads = worker_threads()
    return classify_strip(spec, row0, row1, threads if threads and not spec.request.threads else None)


def auto_rows(spec: StripJob, tasks_at_once: int) -> int:
    """Rows per strip: about STRIPS_PER_THREAD strips per Dask thread, a whole number of tile strides (at least
    one), so that strips start where tile centres do."""
    stride = spec.tile.stride
    strides = math.ceil(spec.height / stride)
    return stride * max(1, math.ceil(strides / (STRIPS_PER_THREAD * tasks_at_once)))


def dask_strip_runner(client: distributed.Client, rows_per_strip: int = 0, retries: int = RETRIES) -> StripRunner:
    """A StripRunner (see plugin.core.classify.strips) that computes the strips on the cluster and yields them in
    row order as soon as each next one is ready; strips done out of order wait on their worker meanwhile. The
    StripJob travels inside each task (a few kB), not scattered: data scattered to a worker dies with it."""

    def run(spec: StripJob, monitor: Monitor) -> Iterator[Strip]:
        rows = rows_per_strip or auto_rows(spec, dask_threads(client))
        bounds = strip_bounds(spec.height, rows)
        stamp = time.monotonic_ns()
        futures = [client.submit(strip_on_worker, spec, r0, r1, retries=retries, pure=False,
                                 key=f"deepmapper-strip-{r0}-{stamp}") for r0, r1 in bounds]
        index = {f.key: i for i, f in enumerate(futures)}
        ready: dict[int, distributed.Future] = {}
        following = 0
        try:
            for future in distributed.as_completed(futures):
                ready[index[future.key]] = future
                monitor.check()
                while following in ready:
                    yield ready.pop(following).result()  # a strip that failed beyond its retries raises here
                    futures[following] = None  # its memory on the worker can go
                    following += 1
                    monitor.report(following / len(bounds))
        finally:
            client.cancel([f for f in futures if f is not None and not f.done()])

    return run


def run_scene_in_strips(client: distributed.Client, task: Task, values: dict[str, str], scene: str, batch: bool,
                        monitor: Monitor | None = None, rows_per_strip: int = 0) -> dict[str, Any]:
    """run_scene for one scene whose strips run on the cluster (tasks with Task.strips: cloudmask, segment): the
    same record, outputs and headline numbers as a run in one process; the model runs only on the workers."""
    with strips_run_by(dask_strip_runner(client, rows_per_strip)):
        return run_scene(task, values, scene, batch, monitor)
