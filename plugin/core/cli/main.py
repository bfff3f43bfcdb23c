"""`python -m deepmapper <task> NAME=value ...`: the Processing algorithms' tasks without QGIS, one scene or many.

Exit status: 0 when every scene succeeded, 1 when at least one failed (the others are still done and the JSON
summary lists each scene's outputs, headline numbers, seconds and error), 2 for a wrong command line, 130 when
interrupted (Ctrl+C or SIGTERM: the running scene stops at its next batch and leaves no output).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from ..engine.errors import DeepMapperError
from ..engine.messages import _
from ..engine.progress import Monitor, remove_leftovers
from ..engine.vectorize import require_bindings
from ..batch.params import describe, parse_assignments
from ..batch.runner import problem_line, run_scene
from ..batch.scenes import check_plan, expand_scenes, scene_outputs
from ..batch.tasks import TASKS, Task
from .dask_run import add_dask_options, run_on_dask

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


class Interrupt:
    """SIGINT/SIGTERM set a flag the engine polls between batches (it then cleans up and raises CancelledError)."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, _frame: Any) -> None:
        if self.requested:  # a second signal: stop at once, without the tracebacks a KeyboardInterrupt printed
            remove_leftovers()  # the running scene's temporary outputs
            print("deepmapper: " + _("interrupted twice: stopped at once; the scene running left no output, and no "
                                     "summary was written."), file=sys.stderr, flush=True)
            os._exit(EXIT_INTERRUPTED)  # not a normal exit: threads still inside onnxruntime crash Python's
        self.requested = True

    def install(self) -> None:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m deepmapper",
        description="DeepMapper's algorithms without QGIS, with the Processing parameter names. "
                    "`python -m deepmapper TASK --help` lists a task's parameters.",
        epilog="Example: python -m deepmapper cloudmask INPUT=scenes/ OUTPUT=masks/ SENSOR=sentinel2_l1c")
    sub = parser.add_subparsers(dest="task", metavar="TASK")
    for task in TASKS.values():
        p = sub.add_parser(task.name, help=task.summary, description=task.summary, add_help=False)
        p.add_argument("-h", "--help", action="store_true", help="list the parameters and exit")
        p.add_argument("--summary", metavar="FILE.json",
                       help="where the JSON summary goes (default: <OUTPUT folder>/<task>_summary.json)")
        p.add_argument("--quiet", action="store_true",
                       help="no progress bar and no log on the terminal (a failed scene's error is still printed)")
        add_dask_options(p)
        p.add_argument("params", nargs="*", metavar="NAME=value")
    return parser


def _task_help(task: Task) -> str:
    request_type, _ = task.engine()
    lines = [f"python -m deepmapper {task.name} NAME=value ...   ({task.summary})", "",
             f"{task.scene} may be a raster, a folder, a glob, a comma list or @list.txt; with several scenes each "
             f"output ({', '.join(task.outputs)}) is a folder or a pattern with {{name}}.", "",
             f"{'parameter':<26}{'type':<8}default"]
    lines += [f"{p:<26}{t:<8}{d}" for p, t, d in describe(request_type, task.aliases)]
    lines += ["", "--summary FILE.json   where the JSON summary goes",
              "--quiet               no progress bar and no log (errors are still printed)",
              "--scheduler ADDRESS   run on a Dask cluster (tcp://host:8786, or 'local'); --workers N: a local one",
              "                      (see docs/distributed.md; --split, --strip-rows, --worker-threads)"]
    return "\n".join(lines)


def _summary_path(args: argparse.Namespace, task: Task, first_outputs: dict[str, str]) -> Path:
    if args.summary:
        return Path(args.summary)
    anchor = next((v for v in first_outputs.values() if v), None)
    folder = Path(anchor).parent if anchor else Path.cwd()
    return folder / f"{task.name}_summary.json"


def _progress_monitor(interrupt: Interrupt, quiet: bool, label: str):
    """A Monitor drawing a tqdm bar for one scene, and the bar (None when quiet)."""
    if quiet:
        return Monitor(is_cancelled=lambda: interrupt.requested), None
    from tqdm import tqdm
    bar = tqdm(total=1000, desc=label, unit="‰", leave=True, file=sys.stderr,
               bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}")

    def progress(fraction: float) -> None:
        bar.update(max(0, int(round(fraction * 1000)) - bar.n))

    return Monitor(progress=progress, is_cancelled=lambda: interrupt.requested, log=bar.write), bar


def main(argv: Sequence[str] | None = None) -> int:
    """The command line; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.task:
        parser.print_help()
        return EXIT_USAGE
    task = TASKS[args.task]
    if args.help:
        print(_task_help(task))
        return 0
    try:
        values = parse_assignments(args.params)
        if not values.get(task.scene):
            raise DeepMapperError(_("Give the scene(s) to process as {task_scene}=scene.tif (or a folder, glob, "
                                  "comma list or @list.txt).").format(task_scene=task.scene))
        for polygons in ("OUTPUT_VECTOR", "OBJECT_CLASS"):  # once for the batch, not once per scene
            if values.get(polygons):
                require_bindings(polygons)
        scenes, batch = expand_scenes(values[task.scene])
        path = _summary_path(args, task, scene_outputs(values, task.suffixes(values), scenes[0], batch))
        check_plan(values, task.suffixes(values), scenes, batch, path, task.scene)
    except DeepMapperError as exc:
        print(f"deepmapper {task.name}: {exc}", file=sys.stderr)
        return EXIT_USAGE

    interrupt = Interrupt()
    interrupt.install()
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        if args.scheduler or args.workers:
            records = run_on_dask(args, task, values, scenes, batch, interrupt, _run_here)
        else:
            records = _run_here(args, task, values, scenes, batch, interrupt, run_scene)
    except DeepMapperError as exc:  # no cluster to run on
        print(f"deepmapper {task.name}: {exc}", file=sys.stderr)
        return EXIT_USAGE

    summary = {"task": task.name, "started": started, "parameters": values, "scenes": len(scenes),
               "done": sum(r["status"] == "done" for r in records),
               "failed": sum(r["status"] == "failed" for r in records),
               "cancelled": sum(r["status"] == "cancelled" for r in records) + len(scenes) - len(records),
               "runs": records}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(summary, indent=1, default=str))
    except OSError as exc:  # checked before the run; the disk can still fill up or go away meanwhile
        print(f"deepmapper {task.name}: " + _("the JSON summary could not be written to {path} ({reason}).").format(
            path=path, reason=exc.strerror or exc), file=sys.stderr)
        return EXIT_FAILED
    if not args.quiet:
        print(f"{summary['done']} of {len(scenes)} scene(s) done, {summary['failed']} failed; summary: {path}",
              file=sys.stderr)
    if interrupt.requested:
        return EXIT_INTERRUPTED
    return 0 if summary["done"] == len(scenes) else EXIT_FAILED


def _run_here(args: argparse.Namespace, task: Task, values: dict[str, str], scenes: list[str], batch: bool,
              interrupt: Interrupt, run: Callable[..., dict[str, Any]]) -> list[dict[str, Any]]:
    """The scenes one after the other with a progress bar each: `run(task, values, scene, batch, monitor)` is
    run_scene (or a scene split into strips on a cluster); stops after the scene running when interrupted."""
    records = []
    for i, scene in enumerate(scenes, 1):
        label = f"[{i}/{len(scenes)}] {os.path.basename(scene.rstrip('/'))}"
        monitor, bar = _progress_monitor(interrupt, args.quiet, label)
        record = run(task, values, scene, batch, monitor)
        if bar is not None:
            bar.close()
        records.append(record)
        problem = problem_line(record, label, args.quiet)
        if problem:
            print(problem, file=sys.stderr)
        if interrupt.requested:
            break
    return records
