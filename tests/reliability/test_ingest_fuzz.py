"""Fuzzing the readers on arbitrary bytes (issue 8), and the path a document really takes: bytes
-> ``read_document`` -> ``normalise`` -> amount and date parsers. ``tests/ingest`` already fuzzes
the normaliser, the amount and the date parsers on arbitrary text; what it lacked is bytes that are
not text at all, broken HTML and PDF, and that chain end to end.

Either a document is read, or ``DocumentError`` says why: nothing else is raised, and every
offset of the normalised text maps back to a line of the document.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.amounts import find_amounts
from ingest.dates import find_dates
from ingest.normalise import normalise
from ingest.readers import DocumentError, decode_text, html_to_text, read_document

EXAMPLES = 300
RAN: Counter[str] = Counter()
FAST = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

TAGS = st.sampled_from(["<html>", "<title>", "</title>", "<h1>", "</h1>", "<p>", "</p>", "<br>",
                        "<script>", "</script>", "<style>", "<!--", "-->", "<![CDATA[", "&amp;",
                        "&#x0;", "&#99999999;", "&nbsp;", "<", ">", "\"", "'", "ș", "ţ", "\x00", "\n"])
HTMLISH = st.lists(st.one_of(TAGS, st.text(max_size=20)), max_size=40).map("".join)
PDFISH = st.tuples(st.sampled_from([b"%PDF-1.4\n", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", b"%PDF-"]),
                   st.binary(max_size=400),
                   st.sampled_from([b"", b"\ntrailer\n<< /Root 1 0 R >>\n%%EOF", b"xref\n0 1\n"])
                   ).map(b"".join)
LEGACY = st.text(alphabet="aăâîșțşţ ACDEFGHIJKLMNOPRSTUVXZĂÎȘȚ.,;\n0123456789", max_size=200).flatmap(
    lambda text: st.sampled_from(["cp1250", "iso-8859-2", "iso-8859-16", "utf-8", "utf-16"]).map(
        lambda codec: text.encode(codec, errors="replace")))


@pytest.fixture(scope="module")
def folder(request):
    with tempfile.TemporaryDirectory(prefix="citykg-fuzz-") as name:
        yield Path(name)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter and RAN:
        detail = ", ".join(f"{name} {n}" for name, n in sorted(RAN.items()))
        reporter.write_line(f"ingest fuzzing: {sum(RAN.values())} examples ({detail})")


def read_chain(path: Path, raw: bytes) -> None:
    """Write ``raw`` to ``path`` and take it through the readers, the normaliser and the parsers."""
    path.write_bytes(raw)
    try:
        document = read_document(path)
    except DocumentError as error:
        assert str(error)
        return
    assert document.lines and all("\n" not in line for line in document.lines)
    normalised = normalise(document.lines)
    top = max(1, len(document.lines))
    for offset in range(0, len(normalised.text) + 1, max(1, len(normalised.text) // 50)):
        assert 1 <= normalised.line_of(offset) <= top
    for amount in find_amounts(normalised.text):
        assert normalised.text[amount.start:amount.end] == amount.text
    for found in find_dates(normalised.text, default_year=2024):
        start, end = found.span
        assert 0 <= start < end <= len(normalised.text)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".html", ".pdf"])
@FAST
@given(raw=st.binary(max_size=2000))
def test_arbitrary_bytes_are_read_or_refused(folder, suffix, raw):
    RAN[f"bytes as {suffix}"] += 1
    read_chain(folder / f"doc{suffix}", raw)


@FAST
@given(raw=LEGACY)
def test_text_in_legacy_encodings_is_read_or_refused(folder, raw):
    RAN["legacy encodings"] += 1
    read_chain(folder / "legacy.txt", raw)


@FAST
@given(markup=HTMLISH)
def test_broken_html_is_read_or_refused(folder, markup):
    RAN["broken html"] += 1
    text, title = html_to_text(markup)
    assert isinstance(text, str) and (title is None or isinstance(title, str))
    read_chain(folder / "broken.html", markup.encode("utf-8", errors="surrogatepass"))


@settings(max_examples=100, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(raw=PDFISH)
def test_broken_pdf_is_refused(folder, raw):
    RAN["broken pdf"] += 1
    read_chain(folder / "broken.pdf", raw)


@FAST
@given(raw=st.binary(max_size=2000))
def test_decode_text_decodes_or_refuses(folder, raw):
    RAN["decode_text"] += 1
    try:
        text, encoding = decode_text(raw)
    except DocumentError:
        return
    assert isinstance(text, str) and encoding
