"""Read a source document (text, Markdown, HTML, PDF) into numbered lines we can cite.

Line numbers are those of the decoded file (`cat -n`): lines are split on "\\n" only, so a
form feed or a Unicode line separator inside a line never shifts the numbering.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import charset_normalizer

from ingest.normalise import normalise

MAX_BYTES = 50 * 1024 * 1024

_MEDIA_TYPES = {
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".pdf": "application/pdf",
}
_LEGACY = ("cp1250", "iso-8859-16", "iso-8859-2")


class DocumentError(Exception):
    """A document that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True)
class SourceDocument:
    """A decoded document: its lines (lines[0] is line 1) and what we know about the file."""

    path: Path
    file_name: str
    sha256: str
    lines: list[str]
    encoding: str
    title: str | None
    language: str | None
    media_type: str
    page_starts: tuple[int, ...] = field(default=())  # PDF: first line of each page

    def page_of(self, line: int) -> int | None:
        """The 1-based PDF page holding a 1-based line, None for other documents."""
        if not self.page_starts:
            return None
        return sum(1 for start in self.page_starts if start <= line)


def read_document(path: str | Path, *, max_bytes: int = MAX_BYTES) -> SourceDocument:
    """Read and decode one document; raise DocumentError with the reason when we cannot."""
    path = Path(path)
    media_type = _MEDIA_TYPES.get(path.suffix.lower())
    if media_type is None:
        raise DocumentError(f"{path}: unsupported file type {path.suffix or '(none)'!r}")
    raw = _read_bytes(path, max_bytes)
    page_starts: tuple[int, ...] = ()
    if media_type == "application/pdf":
        lines, page_starts, meta_title = _pdf_lines(path, raw)
        encoding = "pdf-text"
    else:
        text, encoding = decode_text(raw, path)
        meta_title = None
        if media_type == "text/html":
            text, meta_title = html_to_text(text)
        lines = _split_lines(text)
    if not any(line.strip() for line in lines):
        raise DocumentError(f"{path}: file contains no text")
    return SourceDocument(
        path=path,
        file_name=path.name,
        sha256=hashlib.sha256(raw).hexdigest(),
        lines=lines,
        encoding=encoding,
        title=meta_title or guess_title(lines),
        language=detect_language("\n".join(lines)),
        media_type=media_type,
        page_starts=page_starts,
    )


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """Read the raw bytes, refusing missing, unreadable, empty and oversized files early.

    A symbolic link is not followed: a link in a documents folder could name any file the
    build can read (``/etc/passwd`` was served as a document's title, issue 23).
    """
    try:
        if path.is_symlink():
            raise DocumentError(f"{path}: is a symbolic link, not followed; copy the document itself")
        size = path.stat().st_size
        if size > max_bytes:
            raise DocumentError(f"{path}: file too large ({size} bytes, limit {max_bytes})")
        if size == 0:
            raise DocumentError(f"{path}: empty file")
        # O_NOFOLLOW: a link put in place between the check and the open is refused as well.
        with os.fdopen(os.open(path, os.O_RDONLY | os.O_NOFOLLOW), "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except PermissionError as exc:
        raise DocumentError(f"{path}: unreadable (permission denied)") from exc
    except FileNotFoundError as exc:
        raise DocumentError(f"{path}: no such file") from exc
    except IsADirectoryError as exc:
        raise DocumentError(f"{path}: is a directory, not a file") from exc
    except OSError as exc:
        raise DocumentError(f"{path}: unreadable ({exc.strerror or exc})") from exc
    if len(raw) > max_bytes:
        raise DocumentError(f"{path}: file too large (over {max_bytes} bytes)")
    return raw


def _split_lines(text: str) -> list[str]:
    """Split on "\\n" only (as `cat -n` counts), dropping "\\r" and the final empty line."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


# --------------------------------------------------------------------------- decoding

_BOMS = (("\ufeff".encode("utf-8"), "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
_RO_LETTERS = set("ăâîșțşţĂÂÎȘȚŞŢ")
_TYPOGRAPHY = set("„”“«»–—…€’‘")
_FOREIGN = set("ĄąĽľŚśŠšŤťŹźŽžŻżŁłČčĆćĎďĐđĘęĚěĹĺŇňŃńŐőŔŕŘřŮůŰűŒœŸ¤¦µ¶˘˙˝˛¸´¨ˇ")


def decode_text(raw: bytes, path: Path | str = "<bytes>") -> tuple[str, str]:
    """Decode bytes as UTF-8 (BOM or not), else as the likeliest legacy Romanian encoding."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            return _checked(raw.decode(codec, errors="replace"), path), codec
    if b"\x00" in raw:
        raise DocumentError(f"{path}: binary content (NUL bytes) in a text file")
    try:
        return _checked(raw.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    codec = _best_legacy(raw)
    return _checked(raw.decode(codec, errors="replace"), path), codec


def _best_legacy(raw: bytes) -> str:
    """Pick cp1250, ISO-8859-16 or ISO-8859-2 by how Romanian (not junk) each decoding looks.

    Bytes common to all three decode alike; what separates them is punctuation (cp1250 puts
    „ ” – in 0x80-0x9F, ISO-8859-16 puts „ ” at 0xA5/0xB5) and letters that would be junk in
    Romanian text. On a tie charset-normalizer's guess decides, then the order of _LEGACY.
    """
    scores = {codec: _romanian_score(raw.decode(codec, errors="replace")) for codec in _LEGACY}
    best = max(scores.values())
    tied = [codec for codec in _LEGACY if scores[codec] == best]
    if len(tied) > 1:
        guess = charset_normalizer.from_bytes(raw, cp_isolation=list(_LEGACY)).best()
        name = re.sub(r"[-_]", "", guess.encoding) if guess else ""
        for codec in tied:
            if codec.replace("-", "") == name:
                return codec
    return tied[0]


def _romanian_score(text: str) -> int:
    """Romanian letters and typographic punctuation count for, junk letters and control
    characters against."""
    score = 0
    for char in text:
        if char in _RO_LETTERS:
            score += 2
        elif char in _TYPOGRAPHY:
            score += 1
        elif char in _FOREIGN:
            score -= 2
        elif char == "\ufffd" or unicodedata.category(char) == "Cc" and char not in "\n\r\t\f":
            score -= 5
    return score


def _checked(text: str, path: Path | str) -> str:
    """Refuse decoded text that is mostly control characters (a binary file)."""
    sample = text[:200_000]
    bad = sum(1 for c in sample if (unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
              or c == "\ufffd")
    if sample and bad > 0.05 * len(sample):
        raise DocumentError(f"{path}: binary content, mostly non-text characters")
    return text


# --------------------------------------------------------------------------- HTML

_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section",
               "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
               "pre", "hr", "dt", "dd", "figcaption", "main", "nav", "aside", "title"}
_SKIP_TAGS = {"script", "style", "noscript", "template", "svg"}


class _TextExtractor(HTMLParser):
    """Collect visible text; block elements become line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0
        self.current: str | None = None
        self.title = ""
        self.h1 = ""

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP_TAGS:
            self.skip += 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag in ("title", "h1"):
            self.current = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS and self.skip:
            self.skip -= 1
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == self.current:
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if self.current == "title":
            self.title += data
            return
        if self.current == "h1":
            self.h1 += data
        self.parts.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(markup: str) -> tuple[str, str | None]:
    """Visible text of an HTML page (one block per line) and its title (<title>, else <h1>)."""
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError:  # html.parser gives up on broken <!...> declarations: read them as text
        parser = _TextExtractor()
        parser.feed(markup.replace("<!", "&lt;!"))
        parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    title = " ".join((parser.title or parser.h1).split()) or None
    return text, title


# --------------------------------------------------------------------------- PDF


def _pdf_lines(path: Path, raw: bytes) -> tuple[list[str], tuple[int, ...], str | None]:
    """Text lines of every page, one page after another, and each page's first line."""
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError(f"{path}: PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
        title = (meta.title or "").strip() if meta else ""
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"{path}: not a readable PDF ({exc})") from exc
    if not any(page.strip() for page in pages):
        raise DocumentError(f"{path}: PDF has no text layer (scanned images?); OCR it first")
    lines: list[str] = []
    starts: list[int] = []
    for page in pages:
        starts.append(len(lines) + 1)
        lines.extend(_split_lines(page))
    return lines, tuple(starts), title or None


# --------------------------------------------------------------------------- title, language

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


def guess_title(lines: list[str]) -> str | None:
    """The first Markdown heading, else the first non-blank short line, cleaned up."""
    for line in lines:
        heading = _MD_HEADING.match(line)
        if heading:
            return _clean_title(heading.group(1))
    for line in lines:
        if line.strip():
            cleaned = _clean_title(line)
            return cleaned if cleaned and len(cleaned) <= 200 else None
    return None


def _clean_title(line: str) -> str | None:
    """Drop Markdown emphasis and repair letter-spacing."""
    text = normalise([line.strip().strip("*_ ")]).text.strip("*_ ")
    return text or None


_RO_WORDS = {"și", "si", "în", "de", "la", "cu", "pentru", "din", "care", "este", "sunt", "un",
             "o", "al", "ale", "pe", "sau", "mai", "fost", "prin", "privind", "acest", "această",
             "către", "într", "dintre", "după", "până", "au", "ca", "vor", "fi", "le", "lor"}
_EN_WORDS = {"the", "and", "of", "to", "for", "with", "is", "on", "that", "by", "are", "this",
             "from", "be", "as", "an", "at", "or", "which", "will", "has", "have", "its", "their"}


def detect_language(text: str) -> str | None:
    """Language code: "ro" when Romanian letters and function words dominate, "en" for
    English, else None (too little text to tell)."""
    words = re.findall(r"[^\W\d_]+", text.lower())
    ro = sum(1 for w in words if w in _RO_WORDS) + sum(1 for c in text if c in _RO_LETTERS)
    en = sum(1 for w in words if w in _EN_WORDS)
    if ro + en < 3:
        return None
    if ro > en:
        return "ro"
    return "en" if en > ro else None

