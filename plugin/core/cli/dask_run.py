"""The command line's Dask options: scenes as tasks on a cluster, or each scene in strips of rows on it.

`--scheduler tcp://host:8786` uses a running cluster; `--workers N` (or `--scheduler local`) starts a LocalCluster
of N one-thread worker processes for the run. `--split scenes` runs each scene as one task; `--split strips` splits
each scene (cloudmask, segment) into strips of rows; `auto` splits when there are fewer scenes than Dask threads.
dask is imported only here and only for such a run, so the command line works without it.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any, Callable

from ..batch.runner import problem_line
from ..batch.tasks import Task
from ..engine.errors import DeepMapperError
from ..engine.messages import _

SPLITS = ("auto", "scenes", "strips")


def add_dask_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Dask cluster (docs/distributed.md)")
    group.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on the Dask scheduler at ADDRESS (tcp://host:8786), or 'local' for a LocalCluster")
    group.add_argument("--workers", type=int, metavar="N",
                       help="start a LocalCluster of N worker processes (one Dask thread each) for this run")
    group.add_argument("--worker-threads", type=int, metavar="T",
                       help="threads each task may use (torch, onnxruntime, OpenMP); default: the host's cores "
                            "over its Dask threads")
    group.add_argument("--split", choices=SPLITS, default="auto",
                       help="scenes: one task per scene; strips: each scene in strips of rows (cloudmask, segment); "
                            "auto (default): strips when there are fewer scenes than Dask threads")
    group.add_argument("--strip-rows", type=int, default=0, metavar="ROWS",
                       help="rows per strip (default: about two strips per Dask thread, whole tile strides)")


def run_on_dask(args: argparse.Namespace, task: Task, values: dict[str, str], scenes: list[str], batch: bool,
                interrupt: Any, run_here: Callable[..., list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The run's records (as run_scene's), computed on the cluster. `run_here` runs scenes one after the other with
    a progress bar each (main._run_here), used for strips. Raises DeepMapperError when dask is missing, the scheduler
    does not answer, or strips are asked of a task that has none."""
    try:
        from ..distributed.cluster import connect, dask_threads
        from ..distributed.scenes import run_scenes
        from ..distributed.strips import run_scene_in_strips
    except ImportError as exc:
        raise DeepMapperError(_("--scheduler and --workers need dask.distributed ({exc}); install it with "
                              "pip install 'dask[distributed]' (pinned in requirements/runtime.txt).").format(
            exc=exc)) from None
    if args.workers is not None and args.workers < 1:
        raise DeepMapperError(_("--workers takes a number of worker processes, 1 or more."))
    if args.strip_rows < 0 or (args.worker_threads is not None and args.worker_threads < 1):
        raise DeepMapperError(_("--strip-rows takes a number of rows (0: chosen for the cluster) and --worker-threads "
                                "a number of threads, 1 or more."))
    with connect(args.scheduler, args.workers, args.worker_threads) as client:
        split = args.split
        if split == "auto":
            split = "strips" if task.strips and len(scenes) < dask_threads(client) else "scenes"
        if split == "strips":
            if not task.strips:
                raise DeepMapperError(_("{task_name} cannot be split into strips; use --split scenes.").format(
                    task_name=task.name))

            def in_strips(task_: Task, values_: dict[str, str], scene: str, batch_: bool, monitor) -> dict:
                return run_scene_in_strips(client, task_, values_, scene, batch_, monitor, args.strip_rows)

            return run_here(args, task, values, scenes, batch, interrupt, in_strips)
        bar = None
        if not args.quiet:
            from tqdm import tqdm
            bar = tqdm(total=len(scenes), desc=f"{task.name} on Dask", unit="scene", file=sys.stderr)

        def progress(record: dict[str, Any]) -> None:
            if bar is not None:
                bar.update(1)
            problem = problem_line(record, record["scene"], args.quiet)  # errors even with --quiet
            if problem:
                (bar.write if bar is not None else print)(problem, file=sys.stderr)

        try:
            return run_scenes(client, task, values, scenes, batch, progress, lambda: interrupt.requested)
        finally:
            if bar is not None:
                bar.close()
