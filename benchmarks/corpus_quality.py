"""Score the document extractor against the development corpus's gold (``../shared/corpus``).

    .venv/bin/python benchmarks/extraction_quality.py --corpus ../shared/corpus --knowledge none

Each corpus document goes through the same steps as a build (read, normalise, extract, map to
the ontology); what the build would keep is compared with ``gold.yaml`` (its README gives the
format). ``--knowledge none`` gives the extractor no known entity at all (only the place
gazetteer that ships with the project); ``--knowledge DIR`` gives it the entities of a knowledge
folder. The gold is never read by the extractor.

Matching, per document:
- an entity matches a gold entity when one of its names (name, surface form, aliases, acronym),
  folded (no diacritics, lower case, punctuation as spaces), equals one of the gold entity's;
- a relation matches when its predicate is the gold one (the extractor's properties are mapped
  to the gold's predicates and directions below) and both ends match;
- an amount matches on value, currency and subject (for an allocation, the partner); a date on
  its ISO value and subject;
- a gold fact marked ``optional`` neither counts as missed nor, when extracted, as wrong;
- a not_fact counts as extracted when a kept relation is its triple, or when an amount or date
  fact takes its value from inside the not_fact's quote.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from rdflib import Graph

from citykg.config import PROJECT_ROOT
from ingest.amounts import AmountMention
from ingest.dates import DateMention
from ingest.document_graph import Schema
from ingest.gazetteer import EntityMention, Gazetteer, ProposedEntity
from ingest.normalise import fold
from ingest.pipeline import DocumentResult, ingest_document
from ingest.relation_model import NONE, candidate_pairs, train, value_pairs
from ingest.relations import Fact, model_spans, value_mentions, value_spans

KINDS = ("entities", "relations", "amounts", "dates")

#: extractor property -> (gold predicate, True when the gold's subject is the fact's object)
PREDICATES: dict[str, tuple[str, bool]] = {
    "coordinator": ("coordinatedBy", False),
    "partner": ("partnerOf", True),
    "leadPartner": ("leadPartnerOf", True),
    "fundedBy": ("fundedBy", False),
    "fundedUnderCall": ("fundedBy", False),
    "partOfProgramme": ("fundedBy", False),
    "selectedCity": ("selectedFor", True),
    "selectedFor": ("selectedFor", False),
    "memberOf": ("memberOf", False),
    "organisedBy": ("organisedBy", False),
    "hostedBy": ("hostedBy", False),
    "locatedIn": ("locatedIn", False),
    "managedBy": ("organisedBy", False),
    "city": ("locatedIn", False),
    "country": ("locatedIn", False),
}


def key(name: str) -> str:
    """A name folded for comparison: no diacritics, lower case, punctuation as spaces."""
    return " ".join(re.findall(r"[^\W_]+", fold(name)))


@dataclass
class Score:
    gold: int = 0
    extracted: int = 0
    found: int = 0  # gold facts matched (recall)
    right: int = 0  # extracted facts that match a gold fact (precision)

    def add(self, other: "Score") -> None:
        self.gold += other.gold
        self.extracted += other.extracted
        self.found += other.found
        self.right += other.right

    @property
    def precision(self) -> float:
        return self.right / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocumentScore:
    file: str
    scores: dict[str, Score] = field(default_factory=lambda: {k: Score() for k in KINDS})
    not_facts: list[str] = field(default_factory=list)  # quotes of not_facts that came out
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    error: str | None = None


class GoldDocument:
    """One document's gold, with each entity's folded names."""

    def __init__(self, record: dict) -> None:
        self.file: str = record["file"]
        self.record = record
        self.names: dict[str, set[str]] = {}
        for e in record.get("entities") or []:
            self.names[e["id"]] = {key(n) for n in [e["name"], *(e.get("aliases") or [])]} - {""}

    def entities_named(self, names: Iterable[str]) -> set[str]:
        keys = {key(n) for n in names if n}
        return {id_ for id_, known in self.names.items() if keys & known}


def load_gold(corpus: Path) -> list[GoldDocument]:
    data = yaml.safe_load((corpus / "gold.yaml").read_text(encoding="utf-8"))
    return [GoldDocument(record) for record in data["documents"]]


def node_names(node: object) -> list[str]:
    if isinstance(node, ProposedEntity):
        return [node.name, node.text, node.acronym or "", *node.aliases]
    if isinstance(node, EntityMention):
        return [node.text, node.label]
    return []


def extracted_entities(result: DocumentResult) -> list[list[str]]:
    """The names of every entity the document's graph would hold: known ones it mentions and
    new ones it proposes (one list of names per entity)."""
    extraction = result.extraction
    seen: dict[str, list[str]] = {}
    for mention in extraction.mentions:
        if mention.iri:
            seen.setdefault(mention.iri, []).extend(node_names(mention))
    for proposal in extraction.proposals:
        seen.setdefault("p:" + key(proposal.name), []).extend(node_names(proposal))
    return list(seen.values())


def _score_set(gold: list[tuple[set, bool]], got: list[set[str]], label, doc: DocumentScore,
               kind: str) -> Score:
    """gold: (acceptable keys, optional) per gold fact; got: the keys each extracted fact has."""
    score = Score(gold=sum(1 for _, optional in gold if not optional))
    for keys, optional in gold:
        if not optional and any(keys & g for g in got):
            score.found += 1
        elif not optional:
            doc.misses.append(f"{kind}: {label(keys)}")
    for g in got:
        hits = [optional for keys, optional in gold if keys & g]
        if not hits:
            score.extracted += 1
            doc.wrong.append(f"{kind}: {sorted(g)[0] if g else '?'}")
        elif not all(hits):
            score.extracted += 1
            score.right += 1
    return score


def _fact_keys(doc: GoldDocument, fact: Fact) -> set[tuple]:
    """Every gold-shaped key an extracted fact can stand for."""
    obj = fact.object
    if isinstance(obj, AmountMention):
        who = fact.participant if fact.property == "allocation" and fact.participant else fact.subject
        return {("amount", s, Decimal(obj.value).normalize(), obj.currency)
                for s in doc.entities_named(node_names(who))}
    if isinstance(obj, DateMention):
        return {("date", s, obj.iso[:10]) for s in doc.entities_named(node_names(fact.subject))}
    if fact.property not in PREDICATES or isinstance(obj, str):
        return set()
    predicate, swap = PREDICATES[fact.property]
    subjects, objects = doc.entities_named(node_names(fact.subject)), doc.entities_named(node_names(obj))
    if swap:
        subjects, objects = objects, subjects
    return {("relation", s, predicate, o) for s in subjects for o in objects}


def _kind_of(fact: Fact) -> str | None:
    if isinstance(fact.object, AmountMention):
        return "amounts"
    if isinstance(fact.object, DateMention):
        return "dates"
    if fact.property in PREDICATES and not isinstance(fact.object, str):
        return "relations"
    return None


def _quote_span(text: str, quote: str) -> tuple[int, int] | None:
    """Where a quote of the original file lies in the normalised text (white space and
    hyphenation may differ)."""
    words = re.findall(r"[^\W_]+", fold(quote))
    if not words:
        return None
    pattern = r"[\W_]*".join(re.escape(w) for w in words)
    match = re.search(pattern, fold(text))
    return match.span() if match else None


def score_document(gold: GoldDocument, result: DocumentResult) -> DocumentScore:
    doc = DocumentScore(gold.file)
    if result.error or result.facts is None:
        doc.error = result.error or "no facts"
    record = gold.record
    entities = [(gold.names[e["id"]], False) for e in record.get("entities") or []]
    got_entities = [] if doc.error else [{key(n) for n in names if n} for names in extracted_entities(result)]
    gold_ids = {frozenset(gold.names[e["id"]]): e["id"] for e in record.get("entities") or []}
    doc.scores["entities"] = _score_set(entities, got_entities, lambda k: gold_ids.get(frozenset(k), "?"), doc, "entity")

    wanted: dict[str, list[tuple[set, bool]]] = defaultdict(list)
    for r in record.get("relations") or []:
        wanted["relations"].append(({("relation", r["subject"], r["predicate"], r["object"])}, bool(r.get("optional"))))
    for a in record.get("amounts") or []:
        value = Decimal(str(a["value"])).normalize()
        wanted["amounts"].append(({("amount", a["subject"], value, a["currency"])}, bool(a.get("optional"))))
    for d in record.get("dates") or []:
        wanted["dates"].append(({("date", d["subject"], str(d["value"]))}, bool(d.get("optional"))))
    kept = [] if doc.error else result.facts.kept
    for kind in ("relations", "amounts", "dates"):
        got = [_fact_keys(gold, f) or {("unmatched", f.rule, id(f))} for f in kept if _kind_of(f) == kind]
        doc.scores[kind] = _score_set(wanted[kind], _distinct(got), lambda k: sorted(k)[0], doc, kind[:-1])

    text = "" if doc.error else result.text.text
    for nf in record.get("not_facts") or []:
        if _not_fact_out(gold, nf, kept, text):
            doc.not_facts.append(f"{nf['kind']}: {nf['quote']}")
    return doc


def _distinct(keysets: list[set]) -> list[set]:
    """One extracted fact per distinct key set: the same fact stated twice counts once."""
    out: list[set] = []
    for keys in keysets:
        if not any(keys == other or (keys & other and not keys - other) for other in out):
            out.append(keys)
    return out


def _not_fact_out(gold: GoldDocument, nf: dict, kept: list[Fact], text: str) -> bool:
    if nf.get("predicate"):
        triple = ("relation", nf["subject"], nf["predicate"], nf["object"])
        return any(triple in _fact_keys(gold, f) for f in kept)
    span = _quote_span(text, nf["quote"])
    if span is None:
        return False
    for f in kept:
        obj = f.object
        if isinstance(obj, (AmountMention, DateMention)) and span[0] <= obj.start < span[1]:
            return True
        if nf["kind"] == "plan" and span[0] <= f.start and f.end <= span[1]:
            return True
    return False


def _schema() -> Schema:
    return Schema(Graph().parse(PROJECT_ROOT / "ontology" / "citykg.ttl", format="turtle"))


def evaluate_corpus(corpus: Path, gazetteer: Gazetteer, folds: int = 0) -> list[DocumentScore]:
    """Every gold document read as a build reads it, and scored. With ``folds``, the relation
    model is trained anew for each fold of documents on the other folds' gold, so no document
    is read by a model that saw it (cross-validation by document); without, the shipped model
    reads them all."""
    schema, golds = _schema(), load_gold(corpus)
    if not folds:
        return [score_document(gold, ingest_document(corpus / gold.file, gazetteer, schema, {}))
                for gold in golds]
    read = {gold.file: ingest_document(corpus / gold.file, gazetteer, schema, {}, model=None, value_model=None)
            for gold in golds}
    examples = {g.file: labelled_pairs(g, read[g.file]) for g in golds}
    value_examples = {g.file: labelled_values(g, read[g.file]) for g in golds}
    scores = {}
    for part in range(folds):
        held_out = [g for i, g in enumerate(golds) if i % folds == part]
        model = train([e for g in golds if g not in held_out for e in examples[g.file]])
        value_model = train([e for g in golds if g not in held_out for e in value_examples[g.file]])
        for gold in held_out:
            result = ingest_document(corpus / gold.file, gazetteer, schema, {}, model=model, value_model=value_model)
            scores[gold.file] = score_document(gold, result)
    return [scores[g.file] for g in golds]


def labelled_values(gold: GoldDocument, result: DocumentResult) -> list[tuple[dict[str, float], str]]:
    """The value model's training examples in one document: each amount or date paired with
    each entity it may be of, labelled with what the gold says it is of that entity."""
    if result.extraction is None:
        return []
    extraction = result.extraction
    values = value_mentions([*extraction.amounts, *extraction.dates])
    spans = model_spans(extraction.nodes)
    main = next((sp for sp, n in zip(spans, extraction.nodes) if n is extraction.main_subject), None)
    ids = [gold.entities_named(node_names(n)) for n in extraction.nodes]
    wanted: dict[tuple, str] = {}
    for a in gold.record.get("amounts") or []:
        wanted[("amount", Decimal(str(a["value"])).normalize(), a["currency"], a["subject"])] = a["what"]
    for d in gold.record.get("dates") or []:
        wanted[("date", str(d["value"]), d["subject"])] = d["what"]
    out = []
    for v, e, features in value_pairs(result.text.text, extraction.sentences, value_spans(values), spans, main):
        value, label = values[v], NONE
        for subject in ids[e]:
            if isinstance(value, AmountMention):
                label = wanted.get(("amount", Decimal(value.value).normalize(), value.currency, subject), label)
            elif value.value is not None:
                label = wanted.get(("date", value.iso[:10], subject), wanted.get(("date", value.iso[:7], subject), label))
        out.append((features, label))
    return out


def labelled_pairs(gold: GoldDocument, result: DocumentResult) -> list[tuple[dict[str, float], str]]:
    """The relation model's training examples in one document: each candidate pair of entity
    mentions with the gold relation between them (``none`` when there is none)."""
    if result.extraction is None:
        return []
    extraction = result.extraction
    relations = {(r["subject"], r["object"]): r["predicate"] for r in gold.record.get("relations") or []}
    ids = [gold.entities_named(node_names(n)) for n in extraction.nodes]
    spans = model_spans(extraction.nodes)
    main = next((sp for sp, n in zip(spans, extraction.nodes) if n is extraction.main_subject), None)
    out = []
    for i, j, features in candidate_pairs(result.text.text, extraction.sentences, spans, main):
        label = NONE
        for s in ids[i]:
            for o in ids[j]:
                if (s, o) in relations:
                    label = relations[(s, o)] + ">"
                elif (o, s) in relations:
                    label = relations[(o, s)] + "<"
        out.append((features, label))
    return out


def totals(docs: list[DocumentScore]) -> dict[str, Score]:
    out = {k: Score() for k in KINDS}
    for doc in docs:
        for kind, score in doc.scores.items():
            out[kind].add(score)
    return out


def print_corpus_report(docs: list[DocumentScore], not_fact_count: int, verbose: bool) -> None:
    print(f"{'document':44} " + " ".join(f"{k[:9]:>15}" for k in KINDS) + "  (F1 found/gold)")
    for doc in docs:
        cells = " ".join(f"{s.f1:5.2f} {s.found:3d}/{s.gold:<3d}  " for s in doc.scores.values())
        print(f"{doc.file[:44]:44} {cells}" + (f"  ERROR {doc.error}" if doc.error else ""))
        if verbose:
            for line in doc.misses:
                print(f"      miss  {line}")
            for line in doc.wrong:
                print(f"      wrong {line}")
            for line in doc.not_facts:
                print(f"      NOT-FACT {line}")
    print()
    print(f"{'kind':10} {'gold':>5} {'extracted':>9} {'precision':>9} {'recall':>7} {'F1':>6}")
    for kind, s in totals(docs).items():
        print(f"{kind:10} {s.gold:5d} {s.extracted:9d} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f}")
    out = sum(len(d.not_facts) for d in docs)
    print(f"not_facts extracted: {out} of {not_fact_count} ({out / max(not_fact_count, 1):.1%})")
    print(f"documents with no fact kept: {sum(1 for d in docs if not any(d.scores[k].extracted for k in KINDS[1:]))} of {len(docs)}")
