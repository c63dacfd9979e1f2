"""Text repairs and the offset -> source line map."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.normalise import fold, normalise, stem


def text_of(*lines: str, words: tuple[str, ...] = ()) -> str:
    return normalise(list(lines), words).text


# --------------------------------------------------------------------------- letter spacing


def test_letter_spaced_words_are_joined() -> None:
    assert text_of("G r e e n  C i t y  F o r u m") == "Green City Forum"


def test_letter_spaced_number_keeps_its_word_boundary() -> None:
    assert text_of("M a i  m u l t  d e 2 5 0  p a r t i c i p a n ț i") == \
        "Mai mult de 250 participanți"
    assert text_of("P e s t e 4 0  d e  o r a ș e") == "Peste 40 de orașe"


def test_letter_spaced_run_with_lost_word_boundary_is_split_by_known_words() -> None:
    assert text_of("R e p u b l i c a M o l d o v a", words=("Moldova",)) == "Republica Moldova"
    assert text_of("L a  n i v e l r e g i o n a l :") == "La nivel regional:"


def test_letter_spaced_symbols_keep_their_spaces() -> None:
    assert text_of("S p a n i a &  P o r t u g a l i a") == "Spania & Portugalia"


def test_ordinary_short_words_are_not_joined() -> None:
    line = "Ce e o zi de lucru la noi în sat?"
    assert text_of(line) == line


def test_digits_alone_are_not_a_spaced_word() -> None:
    assert text_of("Tabel 1 2 3 4 5") == "Tabel 1 2 3 4 5"


# --------------------------------------------------------------------------- characters


def test_cedilla_letters_become_comma_below() -> None:
    assert text_of("Şcoala şi Ţara ţine") == "Școala și Țara ține"


def test_unicode_spaces_and_invisible_characters() -> None:
    assert text_of("Primăria\u00a0Sibiu\u2009anunță\u200b re\u00adzultatele") == \
        "Primăria Sibiu anunță rezultatele"


def test_fold_is_lowercase_without_diacritics_and_keeps_length() -> None:
    assert fold("Țară ȘI Înălțime ş ţ Â") == "tara si inaltime s t a"
    assert len(fold("Ștefan cel Mare ﬁ")) == len("Ștefan cel Mare ﬁ")


@given(st.text())
def test_fold_keeps_length(text: str) -> None:
    assert len(fold(text)) == len(text)


def test_stem_makes_inflected_forms_meet() -> None:
    assert stem("universitatea") == stem("universitatii") == stem("universitatile") == \
        stem("universitate")
    assert stem("municipiul") == stem("municipiului") == stem("municipiu")
    assert stem("primaria") == stem("primariei")
    assert stem("tehnica") == stem("tehnice")
    assert stem("romania") != stem("roman")
    assert stem("din") == "din"


# --------------------------------------------------------------------------- hyphenation


def test_hyphen_of_a_name_across_lines_is_kept() -> None:
    assert text_of("orașul Drobeta-", "Turnu Severin are un plan") == \
        "orașul Drobeta-Turnu Severin are un plan"


def test_typesetting_hyphen_across_lines_is_dropped() -> None:
    assert text_of("strategia de dez-", "voltare urbană") == "strategia de dezvoltare urbană"


def test_hyphen_before_a_clitic_is_kept() -> None:
    assert text_of("s-au întâlnit într-", "o sală mare") == "s-au întâlnit într-o sală mare"


def test_form_seen_hyphenated_elsewhere_keeps_hyphen() -> None:
    text = text_of("un proiect-pilot nou și alt proiect-", "pilot vechi")
    assert text == "un proiect-pilot nou și alt proiect-pilot vechi"


def test_split_name_on_one_line_is_rejoined_when_attested() -> None:
    assert text_of("Orașul Baia- Mare și Baia-Mare") == "Orașul Baia-Mare și Baia-Mare"


# --------------------------------------------------------------------------- ligatures


def test_lost_ligatures_are_restored_when_the_word_is_known() -> None:
    text = text_of("Guvernanță mul7-nivel la nivel na7onal, pla/ormele digitale,",
                   "aspecte cri>ce pentru en;tăți și transi;on labs.")
    assert text == ("Guvernanță multi-nivel la nivel național, platformele digitale, "
                    "aspecte critice pentru entități și transition labs.")


def test_ligature_repair_uses_words_of_the_same_text() -> None:
    assert text_of("Proiectul Zefirotica și zefi'ca nouă") == "Proiectul Zefirotica și zefirotica nouă" \
        or text_of("Proiectul Zefirotica și zefi'ca nouă") == "Proiectul Zefirotica și zefi'ca nouă"
    assert text_of("rețeaua Solarix și Sola;x") == "rețeaua Solarix și Sola;x"
    assert text_of("orașul Pietrosita și Pietrosi'a") == "orașul Pietrosita și Pietrosita"


def test_ligature_repair_uses_the_callers_word_list() -> None:
    assert text_of("programul Grafitix'a") == "programul Grafitix'a"
    assert text_of("programul Grafi'xa", words=("Grafitixa",)) == "programul Grafitixa"


def test_unknown_words_with_digits_are_left_alone() -> None:
    assert text_of("emisii CO2e și abc7xyz sau H2020") == "emisii CO2e și abc7xyz sau H2020"


# --------------------------------------------------------------------------- URLs


def test_url_broken_by_spaces_and_a_line_break_is_rejoined() -> None:
    text = text_of("Ghidul: https://www.fonduri- euro pene .ro/ghid-", "",
                   "solicitant-2024.html și alte detalii.")
    assert "https://www.fonduri-europene.ro/ghid-solicitant-2024.html" in text


def test_url_is_not_joined_with_the_next_sentence() -> None:
    text = text_of("Vezi https://exemplu.ro/pagina.", "Pentru detalii sunați.")
    assert "https://exemplu.ro/pagina. Pentru" in text


# --------------------------------------------------------------------------- reflow


def test_lines_of_a_paragraph_are_joined_and_blank_lines_collapse() -> None:
    text = text_of("  Consiliul local a aprobat  ", "planul de mobilitate.", "", "", "",
                   "Al doilea paragraf.")
    assert text == "Consiliul local a aprobat planul de mobilitate.\n\nAl doilea paragraf."


def test_bullets_stay_on_their_own_lines() -> None:
    text = text_of("Parteneri:", ">> Brașov (România)", ">> Graz (Austria)", "- Linz")
    assert text == "Parteneri:\n>> Brașov (România)\n>> Graz (Austria)\n- Linz"


def test_page_break_inside_a_sentence_is_joined() -> None:
    text = text_of("Primăria a lansat un program de", "", "", "", "granturi pentru cartiere.")
    assert text == "Primăria a lansat un program de granturi pentru cartiere."


def test_double_spaced_pdf_text_is_joined_into_sentences() -> None:
    lines = ["Municipiul Brăila a depus", "", "Consiliului Județean un plan pentru", "",
             "transport public electric în perioada", "", "2024 - 2026. Lucrările încep", "",
             "în primăvară, după aprobarea", "", "Ministerului Transporturilor.", "", "",
             "Un nou paragraf începe aici."]
    text = text_of(*lines)
    assert text == ("Municipiul Brăila a depus Consiliului Județean un plan pentru transport "
                    "public electric în perioada 2024 - 2026. Lucrările încep în primăvară, după "
                    "aprobarea Ministerului Transporturilor.\n\nUn nou paragraf începe aici.")


def test_markdown_heading_is_its_own_paragraph() -> None:
    assert text_of("# Titlu", "Text după titlu.") == "# Titlu\n\nText după titlu."


# --------------------------------------------------------------------------- line map


def test_line_of_maps_back_to_source_lines() -> None:
    lines = ["", "Rândul doi începe", "și continuă pe trei.", "", "Patru-", "sprezece? Nu: cinci."]
    nt = normalise(lines)
    assert nt.line_of(nt.text.index("Rândul")) == 2
    assert nt.line_of(nt.text.index("continuă")) == 3
    assert nt.span_lines(nt.text.index("începe"), nt.text.index("trei") + 4) == (2, 3)
    assert nt.line_of(nt.text.index("cinci")) == 6
    assert nt.line_of(len(nt.text)) == 6


def test_empty_input() -> None:
    nt = normalise([])
    assert nt.text == ""
    assert nt.line_of(0) == 1
    blank = normalise(["", "   ", ""])
    assert blank.text == "" and blank.line_of(0) == 1


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60),
                max_size=12))
def test_normalise_never_crashes_and_offsets_map_to_real_lines(lines: list[str]) -> None:
    nt = normalise(lines)
    top = max(1, len(lines))
    previous = 1
    for offset in range(len(nt.text) + 1):
        line = nt.line_of(offset)
        assert 1 <= line <= top
        assert line >= previous  # repairs never reorder text
        previous = line
    if nt.text:
        first, last = nt.span_lines(0, len(nt.text))
        assert 1 <= first <= last <= top


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([
    "Proiectul", "a", "fost", "semnat", "în", "2023", "–", "Cluj-", "Napoca", "dez-", "voltare",
    "B u i l d", "na7onal", "https://x.ro/a-", "b", "", "  ", ">>", "Orașe", "ş", "\u00a0"]),
    max_size=30).map(lambda words: " ".join(words).split("  ")))
def test_text_words_keep_their_source_line(lines: list[str]) -> None:
    nt = normalise(lines)
    for offset, char in enumerate(nt.text):
        if char.isdigit():
            assert char in lines[nt.line_of(offset) - 1]
