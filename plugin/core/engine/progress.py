"""Progress and cancellation, passed from QGIS feedback (or a CLI) down to the engine without importing qgis."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

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
        if self.is_cancelled():
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
