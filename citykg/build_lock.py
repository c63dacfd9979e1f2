"""One build at a time per store, and what killed builds left behind cleaned at the next start.

Two builds at once clashed: build A's clean-up deleted build B's half-written folder under
``builds/`` and B failed; and builds killed mid-way left their ``citykg-build-*`` folders in the
system's temporary folder and their ``builds/`` folders (2.7 GB after 4 kills) until the next good
build (issue 23). A build now holds an exclusive ``flock`` on ``STORE/build.lock`` (released by the
kernel when its process ends, however it ends); a second build is refused with a message naming
the first. Holding the lock, a build removes the leftovers of the builds before it: they cannot
be running, since they would hold the lock.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from citykg.errors import BusyError, StoreError

#: Temporary folders of a build are named ``citykg-build-PID-...`` by the process that made them.
TEMPORARY_PREFIX = "citykg-build-"
#: A temporary folder of an older version (no PID in its name) counts as left over after a day.
UNNAMED_LEFTOVER_SECONDS = 24 * 3600


@contextmanager
def build_lock(store_root: Path) -> Iterator[None]:
    """Hold the build lock of the store at ``store_root`` (BusyError if another build holds it),
    after removing the leftovers of killed builds."""
    try:
        store_root.mkdir(parents=True, exist_ok=True)
        handle = open(store_root / "build.lock", "a+", encoding="utf-8")
    except OSError as error:
        raise StoreError(f"cannot create the build lock in {store_root}: {error}") from error
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise BusyError(
                f"another build of {store_root} is running ({holder}); wait for it to finish, "
                "then build again (the graph it is replacing keeps serving meanwhile)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()}, started {time.strftime('%Y-%m-%d %H:%M:%S')}\n")
        handle.flush()
        remove_leftovers(store_root)
        yield


def temporary_folder() -> tempfile.TemporaryDirectory:
    """A temporary folder for this build, named so that a later build can tell it is left over."""
    return tempfile.TemporaryDirectory(prefix=f"{TEMPORARY_PREFIX}{os.getpid()}-")


def remove_leftovers(store_root: Path) -> list[Path]:
    """Remove the temporary folders of builds whose process has ended, and every folder under
    ``builds/`` but the one served and the one served before it (a reader may still hold that);
    return what was removed. Only call it holding the build lock."""
    removed = [folder for folder in Path(tempfile.gettempdir()).glob(f"{TEMPORARY_PREFIX}*")
               if folder.is_dir() and _left_over(folder)]
    builds = store_root / "builds"
    if builds.is_dir():
        current = _served(store_root)
        older = sorted(b for b in builds.iterdir() if b.is_dir() and current and b.name < current.name)
        keep = {current, older[-1] if older else None}
        removed += [b for b in builds.iterdir() if b.is_dir() and b not in keep]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)
    return removed


def _served(store_root: Path) -> Path | None:
    """The build folder the ``current`` link names, or None."""
    try:
        return store_root / "builds" / Path(os.readlink(store_root / "current")).name
    except OSError:
        return None


def _left_over(folder: Path) -> bool:
    pid = folder.name.removeprefix(TEMPORARY_PREFIX).split("-")[0]
    if not pid.isdigit() or "-" not in folder.name.removeprefix(TEMPORARY_PREFIX):
        try:
            return time.time() - folder.stat().st_mtime > UNNAMED_LEFTOVER_SECONDS
        except OSError:
            return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:  # PermissionError: alive, another user's
        return False
    return False
