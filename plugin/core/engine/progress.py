"""Progress and cancellation, passed from QGIS feedback (or a CLI) down to the engine without importing qgis.

Also what a stopped process must not leave behind: temporary files are registered (`leave_no_trace`) and removed at
interpreter exit or on a second SIGINT/SIGTERM; while `stop_on_signals` is active, a first signal cancels the run like
the Cancel button (every Monitor raises CancelledError at its next check, and the usual clean-up runs).
"""
from __future__ import annotations

import atexit
import os
import shutil
import signal
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from .errors import CancelledError


def _nothing(*_args: object) -> None:
    return None


def _never() -> bool:
    return False


@dataclass
class Monitor:
    """Callbacks the engine reports to. `progress` takes a fraction in 0..1."""

    progress: Callable[[float], None] = _nothing
    is_cancelled: Callable[[], bool] = _never
    log: Callable[[str], None] = _nothing
    _span: tuple[float, float] = field(default=(0.0, 1.0), repr=False)

    def report(self, fraction: float) -> None:
        """Report progress within the current span and raise if the user cancelled."""
        start, end = self._span
        self.progress(start + (end - start) * min(max(fraction, 0.0), 1.0))
        self.check()

    def check(self) -> None:
        if self.is_cancelled() or _signalled.is_set():
            raise CancelledError()

    def recorder(self, notes: list[str]) -> Callable[[str], None]:
        """A `say(message)` function that logs each message and also keeps it in `notes`, so that results can carry
        what the user was told (tests and reports read it) without every engine repeating the same closure."""

        def say(message: str) -> None:
            notes.append(message)
            self.log(message)

        return say

    def span(self, start: float, end: float) -> "Monitor":
        """A monitor whose 0..1 maps onto [start, end] of this one (for multi-pass work)."""
        s0, s1 = self._span
        return Monitor(self.progress, self.is_cancelled, self.log,
                       (s0 + (s1 - s0) * start, s0 + (s1 - s0) * end))


# -- leftovers and signals ------------------------------------------------------------------------------------------
_live: set[str] = set()  # temporary files and folders of running tasks
_live_lock = threading.Lock()
_signalled = threading.Event()
_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def leave_no_trace(path: str | os.PathLike) -> str:
    """Register a temporary file or folder: removed at interpreter exit or on a hard stop unless `forget` is called
    first (callers that delete it themselves do so). Returns the path."""
    with _live_lock:
        _live.add(os.fspath(path))
    return os.fspath(path)


def forget(path: str | os.PathLike) -> None:
    with _live_lock:
        _live.discard(os.fspath(path))


def remove_leftovers() -> None:
    """Delete every registered temporary file (with GDAL's .aux.xml and SQLite's side files) and folder."""
    with _live_lock:
        paths = list(_live)
        _live.clear()
    for path in paths:
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
            continue
        for candidate in (path, path + ".aux.xml", path + "-journal", path + "-wal", path + "-shm"):
            try:
                os.unlink(candidate)
            except OSError:
                pass


atexit.register(remove_leftovers)


def process_stopping() -> bool:
    """True once a SIGINT or SIGTERM under stop_on_signals asked this process to stop: it exits after the run (work
    left running in background threads then dies with it, mid-step)."""
    return _signalled.is_set()


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """While the block runs, SIGINT and SIGTERM cancel it instead of killing the process mid-write: the first signal
    makes every Monitor.check raise CancelledError (outputs are cleaned up as on a cancel); a second one removes the
    registered temporary files and ends the process with the signal's usual action. Previous handlers come back
    after the block. Only the main thread can own signals; elsewhere (QGIS's task threads) this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _SIGNALS}

    def handler(signum: int, _frame: object) -> None:
        if not _signalled.is_set():
            _signalled.set()
            return
        remove_leftovers()
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for sig in _SIGNALS:
        signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)
        _signalled.clear()
