"""Reading documents: decoding, line numbering, titles, language, and the errors we raise."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from ingest.normalise import normalise
from ingest.readers import DocumentError, decode_text, detect_language, read_document

SOURCES = Path(__file__).resolve().parents[3] / "shared" / "sources"

RO_TEXT = (
    "„Primăria Municipiului Oradea” - proiect nou pentru spații verzi.\n"
    "Asociația locală și partenerii săi încep lucrul în această lună.\n"
)


def pdf_bytes(pages: list[list[str]]) -> bytes:
    """A minimal PDF with one Helvetica text line per string (an empty page has no text)."""
    objects: dict[int, bytes] = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    kids = []
    for index, lines in enumerate(pages):
        page_id, content_id = 4 + 2 * index, 5 + 2 * index
        kids.append(f"{page_id} 0 R")
        objects[page_id] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
        ).encode()
        ops = ["BT", "/F1 12 Tf", "14 TL", "72 770 Td"]
        ops += [f"({line}) Tj T*" for line in lines]
        stream = "\n".join(ops + ["ET"]).encode("latin-1") if lines else b""
        objects[content_id] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    objects[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>".encode()
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in sorted(objects))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# --------------------------------------------------------------------------- text files


def test_utf8_text_keeps_cat_n_line_numbers(tmp_path: Path) -> None:
    raw = "\n\nTitlu scurt\r\nA doua linie\x0c cu form feed\n\nUltima linie fără newline"
    doc = read_document(write(tmp_path, "note.txt", raw))
    assert doc.lines == ["", "", "Titlu scurt", "A doua linie\x0c cu form feed", "",
                         "Ultima linie fără newline"]
    assert doc.encoding == "utf-8"
    assert doc.title == "Titlu scurt"
    assert doc.media_type == "text/plain"
    assert doc.file_name == "note.txt"
    assert doc.sha256 == hashlib.sha256(raw.encode("utf-8")).hexdigest()
    assert doc.page_of(1) is None


def test_final_newline_does_not_add_a_line(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "a.txt", "unu\ndoi\n"))
    assert doc.lines == ["unu", "doi"]


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "bom.txt", "\ufeffȘtire despre orașe\n".encode("utf-8")))
    assert doc.lines == ["Știre despre orașe"]
    assert doc.encoding == "utf-8-sig"


def test_markdown_title_is_first_heading_without_emphasis(tmp_path: Path) -> None:
    text = "text înainte\n\n## **Rețeaua de orașe verzi se extinde**\n\ncorp"
    doc = read_document(write(tmp_path, "n.md", text))
    assert doc.title == "Rețeaua de orașe verzi se extinde"
    assert doc.media_type == "text/markdown"


def test_letter_spaced_title_is_repaired(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "s.txt", "G r e e n  C i t i e s  F o r u m\nrest\n"))
    assert doc.title == "Green Cities Forum"


def test_cp1250_with_windows_punctuation(tmp_path: Path) -> None:
    text = RO_TEXT.replace("ș", "ş").replace("ț", "ţ").replace(" - ", " – ")
    doc = read_document(write(tmp_path, "w.txt", text.encode("cp1250")))
    assert doc.encoding == "cp1250"
    assert "\n".join(doc.lines) + "\n" == text


def test_iso_8859_16_with_comma_below_letters(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "l.txt", RO_TEXT.encode("iso8859_16")))
    assert doc.encoding == "iso-8859-16"
    assert "\n".join(doc.lines) + "\n" == RO_TEXT


def test_iso_8859_2_decodes_to_romanian_letters(tmp_path: Path) -> None:
    # ISO-8859-2 has only cedilla ş ţ, at the bytes where ISO-8859-16 has ș ț: for letters
    # alone the three legacy encodings are indistinguishable; the text must come out right.
    text = "Primăria şi Consiliul Judeţean au aprobat bugetul pentru învăţământ.\n"
    doc = read_document(write(tmp_path, "p.txt", text.encode("iso8859_2")))
    assert doc.encoding in ("iso-8859-2", "iso-8859-16", "cp1250")
    expected = normalise([text.rstrip("\n")]).text
    assert normalise(doc.lines).text == expected
    assert "ț" in expected and "ș" in expected


def test_decode_text_prefers_the_encoding_without_junk() -> None:
    raw = "„Oraşe” – ţintă".encode("cp1250")
    assert decode_text(raw)[1] == "cp1250"
    raw16 = "„Orașe” țintă".encode("iso8859_16")
    assert decode_text(raw16)[1] == "iso-8859-16"


def test_html_blocks_become_lines_and_title_from_title_tag(tmp_path: Path) -> None:
    html = (
        "<html><head><title>Apel deschis &amp; ghid</title><style>p{color:red}</style></head>"
        "<body><h1>Titlu mare</h1><p>Primul paragraf\n  continuă aici.</p>"
        "<script>var x = 1;</script><ul><li>unu</li><li>doi</li></ul></body></html>"
    )
    doc = read_document(write(tmp_path, "p.html", html))
    assert doc.title == "Apel deschis & ghid"
    assert "Primul paragraf continuă aici." in doc.lines
    assert "unu" in doc.lines and "doi" in doc.lines
    assert not any("var x" in line or "color" in line for line in doc.lines)
    assert doc.media_type == "text/html"


def test_html_title_falls_back_to_h1(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "p.htm", "<body><h1>Știri locale</h1><p>text</p></body>"))
    assert doc.title == "Știri locale"


# --------------------------------------------------------------------------- PDF


def test_pdf_pages_follow_each_other(tmp_path: Path) -> None:
    path = write(tmp_path, "deck.pdf", pdf_bytes([["Proiectul Alfa", "incepe in 2024"],
                                                  ["Pagina a doua"]]))
    doc = read_document(path)
    assert doc.media_type == "application/pdf"
    joined = "\n".join(doc.lines)
    assert joined.index("Proiectul Alfa") < joined.index("Pagina a doua")
    second = next(i for i, line in enumerate(doc.lines, 1) if "Pagina a doua" in line)
    assert doc.page_of(second) == 2
    assert doc.page_of(1) == 1


def test_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "scan.pdf", pdf_bytes([[], []]))
    with pytest.raises(DocumentError, match=r"scan\.pdf.*no text layer"):
        read_document(path)


def test_broken_pdf_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="broken.pdf"):
        read_document(write(tmp_path, "broken.pdf", b"%PDF-1.4\nthis is not a pdf"))


# --------------------------------------------------------------------------- errors


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"gol\.txt.*empty file"):
        read_document(write(tmp_path, "gol.txt", b""))


def test_blank_file_has_no_text(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no text"):
        read_document(write(tmp_path, "blank.txt", "\n  \n\t\n"))


def test_binary_content_in_text_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"bin\.txt.*binary"):
        read_document(write(tmp_path, "bin.txt", b"ABC\x00\x01\x02\x00DEF" * 20))


def test_mostly_control_characters_is_binary(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="binary"):
        read_document(write(tmp_path, "ctl.txt", bytes(range(1, 32)) * 40))


def test_too_large_is_checked_before_reading(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, "mare.txt", "x" * 2000)

    def no_read(*args, **kwargs):
        raise AssertionError("the file must not be opened")

    monkeypatch.setattr(os, "open", no_read)
    with pytest.raises(DocumentError, match=r"mare\.txt.*too large"):
        read_document(path, max_bytes=1000)


def test_unreadable_file(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, "secret.txt", "conținut")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", denied)
    with pytest.raises(DocumentError, match=r"secret\.txt.*unreadable"):
        read_document(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file"):
        read_document(tmp_path / "lipsa.txt")


def test_unsupported_extension(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match=r"raport\.docx.*unsupported"):
        read_document(write(tmp_path, "raport.docx", b"PK\x03\x04"))


# --------------------------------------------------------------------------- language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Proiectul este finanțat de Uniunea Europeană și implementat în trei orașe.", "ro"),
        ("Proiectul este finantat de Uniunea Europeana si implementat in trei orase din tara.", "ro"),
        ("The project is funded by the European Union and will run for three years.", "en"),
        ("CapaCITIES 2023", None),
    ],
)
def test_detect_language(text: str, language: str | None) -> None:
    assert detect_language(text) == language


# --------------------------------------------------------------------------- real documents


@pytest.mark.parametrize("path", sorted(SOURCES.glob("*.txt")), ids=lambda p: p.name)
def test_real_documents_read_with_cat_n_numbering(path: Path) -> None:
    doc = read_document(path)
    expected = path.read_text(encoding="utf-8").split("\n")
    if expected[-1] == "":
        expected.pop()
    assert doc.lines == expected
    assert doc.language == "ro"
    assert doc.encoding == "utf-8"
    assert doc.title


def test_a_symbolic_link_is_not_followed(tmp_path: Path) -> None:
    """A link in a documents folder named /etc/passwd, which was read as a document (issue 23)."""
    (tmp_path / "passwd.txt").symlink_to("/etc/passwd")
    with pytest.raises(DocumentError, match=r"passwd\.txt.*symbolic link"):
        read_document(tmp_path / "passwd.txt")
