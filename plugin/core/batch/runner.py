"""One scene of a run -> one summary record, the same whether the scene runs in this process or on a Dask worker."""
from __future__ import annotations

import os
import time
import traceback
from typing import Any

from ..engine.errors import CancelledError, DeepMapperError
from ..engine.progress import Monitor
from .params import build_request
from .scenes import scene_outputs
from .tasks import Task


def run_scene(task: Task, values: dict[str, str], scene: str, batch: bool, monitor: Monitor | None = None
              ) -> dict[str, Any]:
    """Run one scene; returns its summary record: scene, status (done, failed, cancelled), outputs (the files
    written: {} unless done), results (the headline numbers), error, seconds; a failed or cancelled scene also has
    planned_outputs (where its outputs would have gone: none of them is left there). Never raises for a scene's own
    failure."""
    request_type, run = task.engine()
    record: dict[str, Any] = {"scene": scene, "status": "failed", "outputs": {}, "results": {}, "error": None}
    start = time.perf_counter()
    outputs: dict[str, str] = {}
    existed: set[str] = set()
    try:
        outputs = scene_outputs(values, task.suffixes(values), scene, batch)
        existed = {p for p in outputs.values() if isinstance(p, str) and os.path.lexists(p)}
        request = build_request(request_type, {**values, task.scene: scene, **outputs}, task.aliases)
        result = run(request, monitor or Monitor())
        record["outputs"] = outputs
        record["results"] = result.headline()
        record["status"] = "done"
    except CancelledError:
        record["status"] = "cancelled"
        record["error"] = "interrupted; no output was written"
    except DeepMapperError as exc:
        record["error"] = str(exc)
    except Exception as exc:  # noqa: BLE001 - one scene's fault must not stop the batch; its trace goes to the summary
        record["error"] = f"{type(exc).__name__}: {exc}"
        record["traceback"] = traceback.format_exc()
    if record["status"] != "done":
        record["planned_outputs"] = outputs
        _remove_new_files(outputs.values(), existed)
    record["seconds"] = round(time.perf_counter() - start, 3)
    return record


def problem_line(record: dict[str, Any], label: str, quiet: bool = False) -> str | None:
    """The line a terminal shows (on stderr) for a scene that did not finish, or None. A failure is always shown:
    --quiet hides progress and information only; a cancelled scene (Ctrl+C, SIGTERM) is information."""
    if record["status"] == "done" or (quiet and record["status"] != "failed"):
        return None
    return f"{label}: {record['status']}: {record['error']}"


def _remove_new_files(paths, existed: set[str]) -> None:
    """A failed scene leaves no output: remove any file the run created at an output path (the engine writes
    atomically, so this only catches a writer that does not); files that were there before stay."""
    for path in paths:
        if isinstance(path, str) and path not in existed and os.path.isfile(path):
            try:
                os.remove(path)
            except OSError:
                pass
