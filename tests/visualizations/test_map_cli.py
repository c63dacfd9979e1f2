"""`citykg map` as a user runs it: a file per format, one clear message per mistake."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CITYKG = [sys.executable, "-m", "citykg.cli"]


def run(args: list[str], store: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        CITYKG + args, capture_output=True, text=True, timeout=300,
        env={**os.environ, "CITYKG_STORE": str(store)},
    )


@pytest.mark.parametrize("suffix, magic", [("html", b"<!doctype html>"), ("png", b"\x89PNG"), ("graphml", b"<?xml")])
def test_map_writes_the_format_of_the_suffix(built_settings, built_store, tmp_path, suffix, magic):
    out = tmp_path / f"map.{suffix}"
    done = run(["map", "--around", "org/utcn", "--radius", "1", "--lang", "en", "-o", str(out)], built_settings.store)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(magic)
    assert "entities" in done.stderr


def test_map_mistakes_are_one_clear_message(built_settings, built_store, tmp_path):
    unknown = run(["map", "--project", "project/no-such-project", "-o", str(tmp_path / "x.html")], built_settings.store)
    assert unknown.returncode == 2 and "project/no-such-project" in unknown.stderr and "Traceback" not in unknown.stderr
    bad = run(["map", "--format", "pdf", "-o", str(tmp_path / "x.pdf")], built_settings.store)
    assert bad.returncode == 2 and "html, png, svg, gexf, graphml" in bad.stderr
