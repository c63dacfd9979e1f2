"""What one document may cost a build: a size and a time budget for its extraction.

Extraction grows faster than a document's length (25/50/100/200 KB of dense text: 0.6/1.6/4.7/
12.9 s), so the 50 MB file limit of ``ingest.readers`` did not bound a build: a 4 MB text kept
``citykg validate`` busy past 300 s, a 45 MB one took a build past 2.4 GB (issue 23). A document
over budget is reported and left out; the others go in, and the next build tries it again.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


class OverBudget(Exception):
    """A document's extraction passed its budget; the message says which and how to proceed."""


@dataclass(frozen=True)
class Budget:
    #: Characters of decoded text: about 300 pages of a press release's density.
    max_chars: int = 1_000_000
    #: Seconds of extraction for one document.
    seconds: float = 60.0

    def check_size(self, chars: int) -> None:
        if chars > self.max_chars:
            raise OverBudget(
                f"its text is {chars} characters, above the {self.max_chars} one document may have; "
                "split it into smaller documents"
            )

    @contextmanager
    def timed(self) -> Iterator[None]:
        """Stop the work inside after ``seconds`` with ``OverBudget``.

        A timer signal interrupts the Python code of the extraction wherever it is; signals reach
        the main thread only, so elsewhere (a build started from a server's thread) the size
        budget alone applies.
        """
        if threading.current_thread() is not threading.main_thread():
            yield
            return

        over = OverBudget(
            f"its extraction took longer than the {self.seconds:g} s one document may take; "
            "split it into smaller documents"
        )

        def stop(signum: int, frame: object) -> None:
            raise over

        started = time.monotonic()
        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, self.seconds)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        # The signal may have landed where Python swallows exceptions (a garbage-collector
        # callback): the work then ran to its end, and is over budget all the same.
        if time.monotonic() - started > self.seconds:
            raise over
