"""A dependency-free progress bar on stderr for long runs (silent when not a terminal or quiet)."""
from __future__ import annotations

import sys
import time

__all__ = ["Progress"]


class Progress:
    """``p = Progress("sgd"); p.update(done, total, note="seed 3")``; ``p.close()``.

    Redraws at most every 0.2 s on a terminal; elsewhere (CI logs) prints a line every 10 % so long
    runs still show they are alive.
    """

    def __init__(self, label: str, *, quiet: bool = False, stream=None):
        self.label = label
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._last = 0.0
        self._last_decile = -1
        self._t0 = time.perf_counter()
        self._drawn = False

    def update(self, done: float, total: float, note: str = "") -> None:
        if self.quiet or total <= 0:
            return
        frac = min(max(done / total, 0.0), 1.0)
        now = time.perf_counter()
        if self.tty:
            if now - self._last < 0.2 and frac < 1.0:
                return
            self._last = now
            bar = "#" * int(30 * frac)
            self.stream.write(f"\r{self.label}: [{bar:<30s}] {100 * frac:5.1f}% {now - self._t0:6.1f}s {note}\x1b[K")
            self.stream.flush()
            self._drawn = True
        else:
            decile = int(10 * frac)
            if decile > self._last_decile:
                self._last_decile = decile
                self.stream.write(f"{self.label}: {100 * frac:3.0f}% ({now - self._t0:.1f} s) {note}\n")
                self.stream.flush()

    def close(self) -> None:
        if self._drawn and not self.quiet:
            self.stream.write("\n")
            self.stream.flush()
            self._drawn = False
