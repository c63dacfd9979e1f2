"""Publish N-Quads into an on-disk store and SIGKILL this process at a chosen point of the swap.

Used by ``test_crash_safety.py``: ``python -m tests.reliability.publish_with_fault ROOT FILE.nq
POINT`` where POINT is

* ``none``: publish normally;
* ``before-swap``: the new build is written and flushed, ``current`` not touched yet;
* ``before-replace``: the temporary symlink exists, the atomic ``os.replace`` has not run;
* ``before-prune``: ``current`` points at the new build, old builds not removed yet.

The real ``EmbeddedStore.publish`` runs; the fault is injected by wrapping the methods and the
``os.replace`` it calls, so a change to the store's code is what gets tested. The process prints
``publishing`` (flushed) just before ``publish`` starts, for a caller that kills it after a delay.
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from pathlib import Path

from citykg import store as store_module
from citykg.store import EmbeddedStore

POINTS = ("none", "before-swap", "before-replace", "before-prune")


def _die(*_args, **_kwargs) -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _dying_before(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        _die()
        return function(*args, **kwargs)  # pragma: no cover - never reached

    return wrapper


def main(root: str, nquads: str, point: str) -> None:
    if point not in POINTS:
        raise SystemExit(f"POINT must be one of {', '.join(POINTS)}")
    if point == "before-swap":
        EmbeddedStore._swap = _dying_before(EmbeddedStore._swap)
    elif point == "before-replace":
        store_module.os.replace = _dying_before(os.replace)
    elif point == "before-prune":
        EmbeddedStore._prune = _dying_before(EmbeddedStore._prune)
    print("publishing", flush=True)
    build_id = EmbeddedStore(Path(root)).publish([Path(nquads)])
    print(f"published {build_id}", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
