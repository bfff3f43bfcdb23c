"""Where a streaming pass spent its time, stage by stage, for the run's log.

Why: reading, the model, tiling and writing run in their own threads at once, so a run's seconds alone do not say
which of them held it up. On an H200 the GPU was busy 1-8 % of a full Sentinel-2 tile (docs/benchmarks.md, "GPU"),
and only per-stage figures can tell a slow disk, a busy tiling thread and a slow model apart, on any machine the
run happens on. A stage's seconds are wall seconds summed over the calls that did it (two model calls at once count
twice); the tiling thread's waits say what it waited for.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from .messages import _

T = TypeVar("T")

# Stages: work in the threads that do it, then the tiling (main) thread's waits.
WORK = ("model", "read", "write", "tiling")
WAITS = ("wait_model", "wait_read", "wait_write")


class StageTimes:
    """Seconds per stage (WORK and WAITS), added from any thread; `calls_at_once` is how many model calls may run
    together (their seconds are summed)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = dict.fromkeys(WORK + WAITS, 0.0)
        self.calls_at_once = 1
        self._lock = threading.Lock()

    def add(self, stage: str, seconds: float) -> None:
        with self._lock:
            self.seconds[stage] += seconds

    @contextmanager
    def __call__(self, stage: str) -> Iterator[None]:
        """Time the block as `stage`, also when it raises."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.add(stage, time.perf_counter() - start)

    def timed(self, stage: str, function: Callable[..., T]) -> Callable[..., T]:
        """`function` with each call timed as `stage` (in whichever thread calls it)."""

        def call(*args, **kwargs) -> T:
            with self(stage):
                return function(*args, **kwargs)

        return call

    def note(self) -> str:
        """The log sentence: each stage's seconds and what the tiling thread waited for."""
        s = self.seconds
        model = (_("the model {seconds:.1f} s").format(seconds=s["model"]) if self.calls_at_once == 1 else
                 _("the model {seconds:.1f} s ({calls} calls at once, summed)").format(seconds=s["model"],
                                                                                     calls=self.calls_at_once))
        return _("Where the time went: {model}, reading the image {read:.1f} s, writing the outputs {write:.1f} s, "
                 "cutting tiles and merging their results {tiling:.1f} s; besides, the merging waited "
                 "{wait_model:.1f} s for the model, {wait_read:.1f} s for reading and {wait_write:.1f} s for "
                 "writing.").format(**{**s, "model": model})
