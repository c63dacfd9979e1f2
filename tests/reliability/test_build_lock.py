"""Two builds at once, and what killed builds leave behind (issue 23, item 8)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from citykg.build_lock import build_lock
from citykg.config import Settings
from citykg.store import EmbeddedStore
from tests.reliability.conftest import PYTHON, ROOT, Expected, check_serves, cli_env


def test_a_second_build_is_refused_with_a_clear_message(private_store: Settings, expected: Expected):
    """Build A's clean-up deleted build B's half-written folder and B failed (exit 2)."""
    with build_lock(private_store.store):
        second = subprocess.run([PYTHON, "-m", "citykg.cli", "build"], cwd=ROOT, env=cli_env(private_store),
                                capture_output=True, text=True, timeout=600)
    assert second.returncode == 2, second.stdout + second.stderr
    message = " ".join((second.stdout + second.stderr).split())
    assert "another build of" in message and "is running (process" in message, message
    check_serves(private_store.store, expected)


def dead_pid() -> int:
    process = subprocess.Popen([PYTHON, "-c", "pass"])
    process.wait()
    return process.pid


def test_leftovers_of_killed_builds_are_removed_at_the_next_start(private_store: Settings, expected: Expected):
    """Killed builds left citykg-build-* temporary folders and builds/ folders (2.7 GB after 4
    kills) until the next good build; now the next build removes them as it starts."""
    left_temporary = Path(tempfile.mkdtemp(prefix=f"citykg-build-{dead_pid()}-"))
    running_temporary = Path(tempfile.mkdtemp(prefix="citykg-build-1-"))  # PID 1 is alive
    builds = private_store.store / "builds"
    served = EmbeddedStore(private_store.store).current_build()
    previous = builds / "19990101T000000-000000000-1"
    killed = [builds / "29990101T000000-000000000-1", builds / "29990101T000001-000000000-2"]
    older = builds / "19980101T000000-000000000-1"
    for folder in (previous, older, *killed):
        folder.mkdir()
        (folder / "000001.sst").write_bytes(b"\0" * 1024)
    try:
        with build_lock(private_store.store):
            assert not left_temporary.exists()
            assert running_temporary.exists()
            assert {p.name for p in builds.iterdir()} == {served.name, previous.name}
    finally:
        running_temporary.rmdir()
    check_serves(private_store.store, expected)
