"""Whole scenes as Dask tasks: run_scene on the workers, results gathered as they finish."""
from __future__ import annotations

import time
from typing import Any, Callable, Sequence

import distributed

from ..batch.params import field_names
from ..batch.runner import run_scene
from ..batch.tasks import TASKS, Task
from .cluster import worker_threads

RETRIES = 2  # a task that raises (a worker lost mid-task is rescheduled by Dask itself) is tried again this often
Progress = Callable[[dict[str, Any]], None]  # called with each finished scene's record


def scene_on_worker(task_name: str, values: dict[str, str], scene: str, batch: bool) -> dict[str, Any]:
    """run_scene on a worker, with THREADS set to the worker's thread budget unless the user gave THREADS."""
    task = TASKS[task_name]
    threads = worker_threads()
    request_type, _ = task.engine()
    if threads and "THREADS" not in values and "THREADS" in field_names(request_type, task.aliases):
        values = {**values, "THREADS": str(threads)}
    return run_scene(task, values, scene, batch)


def run_scenes(client: distributed.Client, task: Task, values: dict[str, str], scenes: Sequence[str], batch: bool,
               progress: Progress | None = None, is_cancelled: Callable[[], bool] = lambda: False,
               retries: int = RETRIES) -> list[dict[str, Any]]:
    """One summary record per scene, in the order of `scenes` (as plugin.core.batch.runner.run_scene gives them).

    Scenes run in parallel on the cluster's workers, each as one task; `progress` sees each record as it finishes.
    When `is_cancelled` turns true, the scenes not yet finished are cancelled and left out of the list (the caller
    counts them as cancelled; a scene stopped mid-way leaves no output, as outputs are moved into place only at
    the end)."""
    futures = [client.submit(scene_on_worker, task.name, values, scene, batch, retries=retries, pure=False,
                             key=f"deepmapper-{task.name}-{i}-{time.monotonic_ns()}")
               for i, scene in enumerate(scenes)]
    index = {f.key: i for i, f in enumerate(futures)}
    records: dict[int, dict[str, Any]] = {}
    finished = distributed.as_completed(futures, with_results=False)
    try:
        while not finished.is_empty():
            if is_cancelled():
                break
            ready = finished.next_batch(block=False)
            if not ready:
                time.sleep(0.1)
                continue
            for future in ready:
                i = index[future.key]
                records[i] = _record(future, scenes[i])
                if progress is not None:
                    progress(records[i])
    finally:
        client.cancel([f for f in futures if not f.done()])
    return [records[i] for i in sorted(records)]


def _record(future: distributed.Future, scene: str) -> dict[str, Any]:
    """The scene's record; a task that failed beyond its retries (a worker crashing on it) becomes a failed one."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - the run goes on with the other scenes; the summary says what happened
        return {"scene": scene, "status": "failed", "outputs": {}, "results": {},
                "error": f"{type(exc).__name__} on the Dask cluster: {exc}", "seconds": None}
