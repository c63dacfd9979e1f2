"""The inbox: documents added with ``citykg ingest``, read by every build beside the sources.

Keeping the files (not only their facts) makes ingest idempotent and reversible: the graph is
always rebuilt from what is in the folders, so ingesting a file twice changes nothing, a changed
file replaces its own facts, and a removed file takes its facts with it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from citykg.errors import CityKGError
from ingest.sources import SUPPORTED_SUFFIXES


def _expand(paths: Iterable[Path]) -> list[Path]:
    found = []
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            found += sorted(p for p in path.iterdir() if p.suffix.lower() in SUPPORTED_SUFFIXES
                            and (p.is_symlink() or p.is_file()))
        else:
            found.append(path)
    return found


def add_to_inbox(inbox: Path, paths: Iterable[Path]) -> list[str]:
    """Copy documents into the inbox; one line per document saying what happened.

    A symbolic link is not copied (it could name any file the user can read), and of two
    different files with one name in the same command the second is refused: the inbox holds
    one file per name, and replacing the first would lose it (issue 23).
    """
    try:
        inbox.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CityKGError(f"cannot create the inbox {inbox}: {error}") from error
    lines = []
    copied: dict[str, Path] = {}  # file name -> the file of this command copied under it
    for path in _expand(paths):
        if path.is_symlink():
            lines.append(f"{path}: is a symbolic link, not followed; ingest the file it points to")
            continue
        if not path.is_file():
            lines.append(f"{path}: not found")
            continue
        target = inbox / path.name
        if path.name in copied:
            lines.append(
                f"{path}: not added: {copied[path.name]} of this command has the same name "
                f"{path.name}; rename one of them and ingest it again"
            )
            continue
        existed = target.exists()
        if existed and target.read_bytes() == path.read_bytes():
            copied[path.name] = path
            lines.append(f"{path.name}: already ingested, unchanged")
            continue
        try:
            shutil.copyfile(path, target)
        except OSError as error:
            lines.append(f"{path}: cannot be copied: {error}")
            continue
        copied[path.name] = path
        lines.append(f"{path.name}: {'replaced' if existed else 'added'}")
    return lines


def remove_from_inbox(inbox: Path, paths: Iterable[Path]) -> list[str]:
    """Take documents out of the inbox by file name."""
    lines = []
    for path in paths:
        target = inbox / Path(path).name
        if target.is_file():
            target.unlink()
            lines.append(f"{target.name}: removed")
        else:
            lines.append(f"{Path(path).name}: not in the inbox {inbox}")
    return lines
