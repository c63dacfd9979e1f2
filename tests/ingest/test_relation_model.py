"""The relation and value classifiers: features of a pair, training, the shipped JSON form."""

from __future__ import annotations

from pathlib import Path

from ingest.relation_model import (NONE, RelationModel, Span, candidate_pairs, heading, pair_features, train,
                                   value_pairs)

TEXT = "Proiectul SOLARIS este coordonat de Universitatea Alfa. Orașul Beta nu a fost selectat."
SENTENCES = [(0, 55), (56, len(TEXT))]
SOLARIS = Span(10, 17, "Project")
ALFA = Span(TEXT.index("Universitatea"), TEXT.index(". Orașul"), "University")
BETA = Span(TEXT.index("Beta"), TEXT.index("Beta") + 4, "City")


def test_pairs_stay_within_a_sentence_and_carry_the_words_between():
    pairs = list(candidate_pairs(TEXT, SENTENCES, [SOLARIS, ALFA, BETA]))
    assert [(i, j) for i, j, f in pairs if "cross" not in f] == [(0, 1)]
    features = pairs[0][2]
    assert features["tt=Project|University"] == 1.0
    assert "w=coordon" in features and "negation" not in features


def test_a_sentence_without_a_project_pairs_its_entities_with_the_project_before_it():
    far = TEXT.replace(". Orașul", "." + " Text." * 150 + " Orașul")
    beta = Span(far.index("Beta"), far.index("Beta") + 4, "City")
    alfa = Span(ALFA.start, ALFA.end, "University")
    sentences = [(0, 55), (far.index("Orașul"), len(far))]
    assert [(i, j) for i, j, _ in candidate_pairs(far, sentences, [SOLARIS, alfa, beta])] == [(0, 1)]
    pairs = list(candidate_pairs(TEXT, SENTENCES, [SOLARIS, ALFA, BETA]))
    assert (0, 2) in [(i, j) for i, j, _ in pairs]
    cross = next(f for i, j, f in pairs if (i, j) == (0, 2))
    assert cross["cross"] == 1.0 and cross["negation" if "negation" in cross else "s=selecta"] > 0


def test_negation_is_a_feature():
    features = pair_features(TEXT, SENTENCES[1], Span(57, 63, None), BETA, 0)
    assert features["negation"] == 1.0


def test_values_pair_with_the_entities_of_their_sentence():
    text = "Bugetul proiectului SOLARIS este de 2 milioane de euro."
    amount = Span(text.index("2 milioane"), text.index(" de euro") + 8, "Amount")
    pairs = list(value_pairs(text, [(0, len(text))], [amount], [Span(20, 27, "Project")]))
    assert len(pairs) == 1 and pairs[0][2]["entity_first"] == 1.0


def test_a_trained_model_survives_its_json_form(tmp_path: Path):
    examples = [({"w=coordon": 1.0, "bias": 1.0}, "coordinatedBy>"), ({"w=parten": 1.0, "bias": 1.0}, "partnerOf<"),
                ({"w=vizit": 1.0, "bias": 1.0}, NONE)] * 5
    model = train(examples, threshold=0.4)
    label, probability = model.classify({"w=coordon": 1.0, "bias": 1.0})
    assert label == "coordinatedBy>" and probability > 0.4
    model.save(tmp_path / "m.json", ["a.txt"])
    again = RelationModel.load(tmp_path / "m.json")
    assert again.classify({"w=parten": 1.0, "bias": 1.0})[0] == "partnerOf<"
    assert again.classify({"unknown": 1.0, "bias": 1.0})[0] in model.labels
    assert RelationModel.load(tmp_path / "missing.json") is None


def test_a_list_item_is_read_under_its_heading():
    text = "Despre proiect.\nParteneri din consorțiu:\n- Firma Gama SRL\n- Institutul Delta\n\nAltceva."
    assert heading(text, text.index("Institutul")) == "Parteneri din consorțiu:"
    assert heading(text, text.index("Altceva")) == ""
