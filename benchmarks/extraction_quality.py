"""Measure the rule-based document extractor against hand-written expected facts.

    .venv/bin/python benchmarks/extraction_quality.py [--sources DIR] [--expected FILE]
        [--gazetteer kb|none] [--verbose] [--json] [--context-year]
    .venv/bin/python benchmarks/extraction_quality.py --corpus ../shared/corpus --knowledge none|DIR [-v]

With --corpus, the documents of a development corpus are scored against its gold.yaml instead
(benchmarks/corpus_quality.py says how); the rest of this text is about the seed documents.

Each document named in the expected-facts file (benchmarks/expected_facts.yaml) is read with
ingest.readers.read_document, repaired with ingest.normalise.normalise and read into facts with
ingest.relations.extract. The gazetteer is built from the knowledge base's entities
(knowledge/entities/*.yaml: name, name_en, acronym, aliases) or is empty (`--gazetteer none`:
every entity must be proposed by the extractor). The knowledge base's facts
(knowledge/facts/*.yaml) are never read: the extractor sees the document and, at most, the
names of known entities.

Extracted facts are compared with the expected ones by entity name and value; the matching
rule is written at the top of the expected-facts file. The report gives, per family and
overall, the expected and extracted counts, true positives, precision, recall and F1, then the
machine and the run time. `--verbose` lists the misses and the false positives with document
and lines (and the rule that produced each false positive).

The exit status is always 0: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
import traceback
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a file: make the project's packages importable
    sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from ingest.amounts import AmountMention  # noqa: E402
from ingest.dates import DateMention  # noqa: E402
from ingest.gazetteer import EntityMention, Gazetteer, GazetteerEntry, ProposedEntity  # noqa: E402
from ingest.normalise import fold, normalise  # noqa: E402
from ingest.readers import DocumentError, read_document  # noqa: E402
from ingest.relations import Fact, extract  # noqa: E402

BASE_IRI = "https://w3id.org/citykg/"
DEFAULT_SOURCES = ROOT.parent / "shared" / "sources"
DEFAULT_EXPECTED = Path(__file__).resolve().with_name("expected_facts.yaml")
DEFAULT_ENTITIES = ROOT / "knowledge" / "entities"

FAMILY_OF = {
    "coordinator": "roles", "leadPartner": "roles", "partner": "roles",
    "fundedBy": "funding", "fundedUnderCall": "funding", "partOfProgramme": "funding",
    "budget": "amounts", "allocation": "amounts", "funding": "amounts",
    "signedDate": "dates", "startDate": "dates", "endDate": "dates", "openingDate": "dates",
    "deadline": "dates", "location": "dates",
    "selectedCity": "mission", "candidateCity": "mission",
    "grantAgreement": "grants",
    "coreCountry": "countries", "supportingCountry": "countries",
}
FAMILIES = ("roles", "funding", "amounts", "dates", "mission", "grants", "countries")
_YEAR = re.compile(r"\b(20[0-9]{2})\b")


class SetupError(Exception):
    """A problem with the inputs (expected file, folders), reported instead of a result."""


# --------------------------------------------------------------------------- names


def name_key(name: str, cased: bool = False) -> str:
    """A name folded for comparison: no diacritics, lowercase unless cased, and every run of
    characters that are not letters or digits (quotes, dashes, brackets, dots) one space."""
    if cased:
        text = "".join(f.upper() if c.isupper() else f for c, f in zip(name, fold(name)))
    else:
        text = fold(name)
    return " ".join(re.findall(r"[^\W_]+", text))


@dataclass(frozen=True)
class Entity:
    """An entity of the expected-facts file and the keys of all its names."""

    key: str
    name: str
    cased: bool
    keys: frozenset[str]

    def matches(self, names: Iterable[str]) -> bool:
        return any(name_key(n, self.cased) in self.keys for n in names if n)


# --------------------------------------------------------------------------- expected facts


@dataclass
class Expected:
    index: int
    doc: str
    lines: tuple[int, ...]
    family: str
    property: str
    subject: Entity
    kind: str  # "entity" | "amount" | "date" | "value"
    object: Entity | None = None
    amount: tuple[Decimal, str] | None = None
    participant: Entity | None = None
    dates: tuple[str, ...] = ()
    value: str | None = None

    def shown(self) -> str:
        return f"{self.subject.name} -{self.property}-> {self.shown_object()}"

    def shown_object(self) -> str:
        if self.kind == "entity":
            return self.object.name
        if self.kind == "amount":
            text = f"{self.amount[0]} {self.amount[1]}"
            return text + (f" (participant {self.participant.name})" if self.participant else "")
        if self.kind == "date":
            return self.dates[0] + (f" (or {', '.join(self.dates[1:])})" if len(self.dates) > 1 else "")
        return repr(self.value)


def load_expected(path: Path) -> tuple[list[Expected], list[str]]:
    """The expected facts, and warnings about entries that do not fit the format."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SetupError(f"{path}: cannot read the expected facts ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("facts"), list) \
            or not isinstance(data.get("entities"), dict):
        raise SetupError(f"{path}: expected a mapping with 'entities' and 'facts'")
    entities = {}
    for key, spec in data["entities"].items():
        if not isinstance(spec, dict) or not isinstance(spec.get("name"), str):
            raise SetupError(f"{path}: entity {key!r} has no name")
        cased = bool(spec.get("cased"))
        names = [spec["name"], *(spec.get("aliases") or []),
                 *([spec["acronym"]] if spec.get("acronym") else [])]
        entities[key] = Entity(key, spec["name"], cased,
                               frozenset(name_key(str(n), cased) for n in names))
    facts, warnings = [], []

    def entity(ref, where: str) -> Entity:
        if ref not in entities:
            raise SetupError(f"{path}: {where}: unknown entity {ref!r}")
        return entities[ref]

    for index, item in enumerate(data["facts"]):
        where = f"fact {index + 1}"
        try:
            doc, prop, family = item["doc"], item["property"], item["family"]
            lines = item["lines"] if isinstance(item["lines"], list) else [item["lines"]]
            subject = entity(item["subject"], where)
        except (KeyError, TypeError) as exc:
            raise SetupError(f"{path}: {where}: missing field {exc}") from exc
        if FAMILY_OF.get(prop, family) != family:
            warnings.append(f"{where}: property {prop} belongs to family {FAMILY_OF[prop]}, "
                            f"not {family}")
        fact = Expected(index, str(doc), tuple(int(n) for n in lines), family, prop, subject, "")
        if "object" in item:
            fact.kind, fact.object = "entity", entity(item["object"], where)
        elif "amount" in item:
            try:
                value = Decimal(str(item["amount"]["value"]))
            except (InvalidOperation, KeyError, TypeError) as exc:
                raise SetupError(f"{path}: {where}: bad amount") from exc
            fact.kind, fact.amount = "amount", (value, str(item["amount"]["currency"]))
            if "participant" in item:
                fact.participant = entity(item["participant"], where)
        elif "date" in item:
            fact.kind = "date"
            fact.dates = (str(item["date"]), *(str(d) for d in item.get("accept") or []))
        elif "value" in item:
            fact.kind, fact.value = "value", str(item["value"])
        else:
            raise SetupError(f"{path}: {where}: no object, amount, date or value")
        facts.append(fact)
    return facts, warnings


# --------------------------------------------------------------------------- gazetteer


def knowledge_gazetteer(folder: Path) -> tuple[Gazetteer, dict[str, tuple[str, ...]]]:
    """A gazetteer of the knowledge base's entities (never its facts), and each IRI's labels."""
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise SetupError(f"{folder}: no entity files (*.yaml)")
    entries, labels = [], {}
    for file in files:
        for entity in yaml.safe_load(file.read_text(encoding="utf-8")) or []:
            names = [entity.get("name"), entity.get("name_en"), entity.get("acronym"),
                     *(entity.get("aliases") or [])]
            names = list(dict.fromkeys(str(n).strip() for n in names if n))
            iri = BASE_IRI + entity["id"]
            entries.append(GazetteerEntry(iri, entity["type"], names))
            labels[iri] = tuple(names)
    return Gazetteer(entries), labels


# --------------------------------------------------------------------------- extracted facts


@dataclass
class Extracted:
    doc: str
    fact: Fact
    family: str
    subject: tuple[str, ...]
    object: tuple | None  # ("entity", names) | ("amount", value, currency) | ("date", iso) | ("value", s)
    participant: tuple[str, ...] = ()

    @property
    def lines(self) -> tuple[int, int]:
        return self.fact.lines

    def key(self) -> tuple:
        """Identity of a false positive: folded subject, property, object."""
        first = name_key(self.subject[0]) if self.subject else ""
        obj = self.object
        if obj and obj[0] == "entity":
            obj = ("entity", name_key(obj[1][0]) if obj[1] else "")
        return (first, self.fact.property, obj)

    def shown(self) -> str:
        return f"{_shown_node(self.fact.subject)} -{self.fact.property}-> {self.shown_object()}"

    def shown_object(self) -> str:
        obj = self.fact.object
        if isinstance(obj, AmountMention):
            text = f"{obj.value} {obj.currency}"
            if self.fact.participant is not None:
                text += f" (participant {_shown_node(self.fact.participant)})"
            return text
        if isinstance(obj, DateMention):
            return obj.iso
        if isinstance(obj, str):
            return repr(obj)
        return _shown_node(obj)


def _shown_node(node) -> str:
    if isinstance(node, ProposedEntity):
        return f"{node.name} (proposed)"
    if isinstance(node, EntityMention):
        link = node.iri.removeprefix(BASE_IRI) if node.iri else "ambiguous"
        return f"{' '.join(node.text.split())} <{link}>"
    return str(node)


def node_names(node, labels: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Every name an extracted node goes by (see the matching rule)."""
    if isinstance(node, ProposedEntity):
        names = [node.name, node.acronym, *node.aliases]
    elif isinstance(node, EntityMention):
        names = [node.text, node.label, *(labels.get(node.iri, ()) if node.iri else ())]
    else:
        names = [getattr(node, "name", None) or getattr(node, "text", None)]
    return tuple(n for n in names if n)


def comparable(doc: str, fact: Fact, labels: dict[str, tuple[str, ...]]) -> Extracted:
    obj = fact.object
    if isinstance(obj, AmountMention):
        value = ("amount", obj.value, obj.currency)
    elif isinstance(obj, DateMention):
        value = ("date", obj.iso)
    elif isinstance(obj, str):
        value = ("value", obj.strip())
    else:
        value = ("entity", node_names(obj, labels))
    participant = node_names(fact.participant, labels) if fact.participant is not None else ()
    return Extracted(doc, fact, FAMILY_OF.get(fact.property, "other"),
                     node_names(fact.subject, labels), value, participant)


def matches(want: Expected, got: Extracted) -> bool:
    if want.property != got.fact.property or not want.subject.matches(got.subject):
        return False
    kind = got.object[0]
    if want.kind == "entity":
        return kind == "entity" and want.object.matches(got.object[1])
    if want.kind == "amount":
        if kind != "amount" or (Decimal(got.object[1]), got.object[2]) != want.amount:
            return False
        return want.participant is None or want.participant.matches(got.participant)
    if want.kind == "date":
        return kind == "date" and got.object[1] in want.dates
    return kind == "value" and got.object[1] == want.value


# --------------------------------------------------------------------------- scoring


@dataclass
class Score:
    expected: int = 0
    extracted: int = 0
    tp: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.extracted if self.extracted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict:
        return {"expected": self.expected, "extracted": self.extracted, "tp": self.tp,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass
class Report:
    gazetteer: str
    gazetteer_entries: int
    sources: Path
    expected_file: Path
    context_year: bool
    families: dict[str, Score] = field(default_factory=dict)
    overall: Score = field(default_factory=Score)
    documents: dict[str, Score] = field(default_factory=dict)
    misses: list[Expected] = field(default_factory=list)
    false_positives: list[Extracted] = field(default_factory=list)
    found: list[tuple[Expected, Extracted]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def lines_agree(self) -> int:
        """True positives whose cited lines overlap one of the expected lines."""
        return sum(1 for want, got in self.found
                   if any(got.lines[0] <= n <= got.lines[1] for n in want.lines))


def score_document(wants: list[Expected], gots: list[Extracted]):
    """Match one document's extracted facts to its expected facts."""
    found: dict[int, Extracted] = {}
    false: dict[tuple, Extracted] = {}
    for got in gots:
        candidates = [w for w in wants if matches(w, got)]
        if not candidates:
            false.setdefault(got.key(), got)
            continue
        want = next((w for w in candidates if w.index not in found), candidates[0])
        found.setdefault(want.index, got)
    return found, list(false.values())


def context_year(lines: list[str]) -> int | None:
    """The year a document names most often (for dates written without a year)."""
    years = Counter(int(y) for line in lines for y in _YEAR.findall(line))
    return years.most_common(1)[0][0] if years else None


def evaluate(sources: Path = DEFAULT_SOURCES, expected: Path = DEFAULT_EXPECTED,
             gazetteer: str = "kb", entities: Path = DEFAULT_ENTITIES,
             use_context_year: bool = False) -> Report:
    """Run the extractor on every document of the expected file and score it."""
    started = time.perf_counter()
    wants, warnings = load_expected(expected)
    if not sources.is_dir():
        raise SetupError(f"{sources}: no such folder of source documents")
    if gazetteer == "kb":
        gaz, labels = knowledge_gazetteer(entities)
        size = len(labels)
    else:
        gaz, labels, size = Gazetteer([]), {}, 0
    built = time.perf_counter()
    report = Report(gazetteer, size, sources, expected, use_context_year, warnings=warnings)
    report.seconds["gazetteer"] = built - started
    by_doc: dict[str, list[Expected]] = {}
    for want in wants:
        by_doc.setdefault(want.doc, []).append(want)
    report.skipped = sorted(p.name for p in sources.iterdir()
                            if p.is_file() and not p.name.startswith(".") and p.name not in by_doc)
    families = {f: Score() for f in FAMILIES}
    extracting = 0.0
    for doc, doc_wants in sorted(by_doc.items()):
        gots: list[Extracted] = []
        source = None
        t0 = time.perf_counter()
        try:
            source = read_document(sources / doc)
            year = context_year(source.lines) if use_context_year else None
            extraction = extract(normalise(source.lines), gaz, default_year=year)
            gots = [comparable(doc, fact, labels) for fact in extraction.facts]
        except DocumentError as exc:
            report.errors.append(str(exc))
        except Exception as exc:  # noqa: BLE001 - a crash on one document is a result too
            report.errors.append(f"{doc}: extraction crashed: {type(exc).__name__}: {exc}")
        extracting += time.perf_counter() - t0
        if source is not None:
            for want in doc_wants:
                if any(n < 1 or n > len(source.lines) or not source.lines[n - 1].strip()
                       for n in want.lines):
                    report.warnings.append(f"{doc}: expected fact {want.index + 1} cites a "
                                           f"blank or missing line {list(want.lines)}")
        found, false = score_document(doc_wants, gots)
        doc_score = report.documents.setdefault(doc, Score())
        for want in doc_wants:
            for score in (families.setdefault(want.family, Score()), doc_score, report.overall):
                score.expected += 1
                if want.index in found:
                    score.tp += 1
                    score.extracted += 1
            if want.index in found:
                report.found.append((want, found[want.index]))
            else:
                report.misses.append(want)
        for got in false:
            for score in (families.setdefault(got.family, Score()), doc_score, report.overall):
                score.extracted += 1
        report.false_positives.extend(false)
    report.families = families
    report.seconds["extraction"] = extracting
    report.seconds["total"] = time.perf_counter() - started
    return report


# --------------------------------------------------------------------------- output


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"platform": platform.platform(), "machine": platform.machine(), "cpu": cpu,
            "cpu_count": os.cpu_count(), "python": platform.python_version(),
            "implementation": platform.python_implementation()}


def _where(doc: str, lines: Iterable[int]) -> str:
    return f"{doc[:3]}:{','.join(str(n) for n in lines)}"


def _row(label: str, s: Score) -> str:
    return (f"{label:<26}{s.expected:>9}{s.extracted:>10}{s.tp:>5}"
            f"{s.precision:>11.3f}{s.recall:>8.3f}{s.f1:>7.3f}")


def print_report(report: Report, verbose: bool = False, out=None) -> None:
    out = out or sys.stdout
    w = lambda text="": print(text, file=out)  # noqa: E731
    gaz = (f"kb ({report.gazetteer_entries} entities from knowledge/entities)"
           if report.gazetteer == "kb" else "none (empty: every entity must be proposed)")
    w(f"Extraction quality: gazetteer {gaz}; knowledge-base facts: off"
      f"; default year: {'most frequent year of the document' if report.context_year else 'none'}")
    w(f"sources: {report.sources} ({len(report.documents)} documents scored"
      f"{', ' + str(len(report.skipped)) + ' without expected facts skipped' if report.skipped else ''})")
    w(f"expected: {report.expected_file} ({report.overall.expected} facts)")
    w()
    w(f"{'family':<26}{'expected':>9}{'extracted':>10}{'TP':>5}{'precision':>11}{'recall':>8}{'F1':>7}")
    for family, score in report.families.items():
        w(_row(family, score))
    w(_row("overall", report.overall))
    w(f"true positives citing an expected line: {report.lines_agree} of {report.overall.tp}")
    w()
    w(f"{'document':<26}{'expected':>9}{'extracted':>10}{'TP':>5}{'precision':>11}{'recall':>8}{'F1':>7}")
    for doc, score in report.documents.items():
        w(_row(doc, score))
    w()
    m = machine()
    w(f"machine: {m['platform']}, {m['cpu'] or m['machine']}, {m['cpu_count']} CPUs, "
      f"{m['implementation']} {m['python']}")
    s = report.seconds
    w(f"run time: {s['total']:.2f} s (gazetteer {s['gazetteer']:.2f} s, read + normalise + "
      f"extract {s['extraction']:.2f} s for {len(report.documents)} documents)")
    for error in report.errors:
        w(f"ERROR: {error}")
    for warning in report.warnings:
        w(f"warning: {warning}")
    if not verbose:
        return
    w()
    w(f"misses ({len(report.misses)}): expected, not extracted")
    for want in sorted(report.misses, key=lambda x: (x.doc, x.lines)):
        w(f"  {_where(want.doc, want.lines):<18}{want.family:<10}{want.shown()}")
    w()
    w(f"false positives ({len(report.false_positives)}): extracted, not expected")
    for got in sorted(report.false_positives, key=lambda x: (x.doc, x.lines)):
        w(f"  {_where(got.doc, range(got.lines[0], got.lines[1] + 1)):<18}{got.family:<10}"
          f"{got.shown()}  [{got.fact.rule}, {got.fact.confidence}]")
    off = [(want, got) for want, got in report.found
           if not any(got.lines[0] <= n <= got.lines[1] for n in want.lines)]
    if off:
        w()
        w(f"true positives citing other lines ({len(off)})")
        for want, got in off:
            w(f"  {_where(want.doc, want.lines):<18}{want.family:<10}{want.shown()}  "
              f"(extractor cites {got.lines[0]}-{got.lines[1]})")


def report_json(report: Report) -> dict:
    def fact(want: Expected) -> dict:
        return {"doc": want.doc, "lines": list(want.lines), "family": want.family,
                "fact": want.shown()}

    return {
        "gazetteer": report.gazetteer, "gazetteer_entities": report.gazetteer_entries,
        "knowledge_base_facts": False, "context_year": report.context_year,
        "sources": str(report.sources), "expected_file": str(report.expected_file),
        "families": {f: s.as_dict() for f, s in report.families.items()},
        "overall": report.overall.as_dict(),
        "documents": {d: s.as_dict() for d, s in report.documents.items()},
        "lines_agree": report.lines_agree,
        "misses": [fact(w) for w in report.misses],
        "false_positives": [{"doc": g.doc, "lines": list(g.lines), "family": g.family,
                             "fact": g.shown(), "rule": g.fact.rule} for g in report.false_positives],
        "errors": report.errors, "warnings": report.warnings, "skipped": report.skipped,
        "machine": machine(), "seconds": {k: round(v, 4) for k, v in report.seconds.items()},
    }


def corpus_main(corpus: Path, knowledge: str, verbose: bool, folds: int) -> int:
    from benchmarks.corpus_quality import evaluate_corpus, load_gold, print_corpus_report

    started = time.perf_counter()
    gazetteer = Gazetteer([]) if knowledge == "none" else knowledge_gazetteer(Path(knowledge) / "entities")[0]
    docs = evaluate_corpus(corpus, gazetteer, folds)
    not_facts = sum(len(g.record.get("not_facts") or []) for g in load_gold(corpus))
    model = f"relation model cross-validated over {folds} folds of documents" if folds else "the shipped relation model (trained on this corpus)"
    print(f"corpus {corpus} ({len(docs)} documents), knowledge {knowledge}, {model}")
    print_corpus_report(docs, not_facts, verbose)
    print(f"{time.perf_counter() - started:.1f} s on {platform.machine()}, Python {platform.python_version()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=Path, default=DEFAULT_SOURCES,
                        help=f"folder of source documents (default {DEFAULT_SOURCES})")
    parser.add_argument("--expected", type=Path, default=DEFAULT_EXPECTED,
                        help="expected-facts YAML file (default benchmarks/expected_facts.yaml)")
    parser.add_argument("--gazetteer", choices=("kb", "none"), default="kb",
                        help="kb: known entities of knowledge/entities; none: an empty gazetteer")
    parser.add_argument("--entities", type=Path, default=DEFAULT_ENTITIES,
                        help="folder of the knowledge base's entity files (for --gazetteer kb)")
    parser.add_argument("--context-year", action="store_true",
                        help="give extract() the document's most frequent year as default_year")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list misses and false positives with document and lines")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument("--corpus", type=Path, help="a development corpus with gold.yaml (../shared/corpus)")
    parser.add_argument("--knowledge", default="none",
                        help="with --corpus: none (no known entity) or a knowledge folder whose entities/ the extractor knows")
    parser.add_argument("--folds", type=int, default=4,
                        help="with --corpus: train the relation model on the other folds for each fold of documents "
                             "(0: read all with the shipped model, which was trained on the corpus itself)")
    args = parser.parse_args(argv)
    if args.corpus:
        return corpus_main(args.corpus, args.knowledge, args.verbose, args.folds)
    try:
        report = evaluate(args.sources, args.expected, args.gazetteer, args.entities,
                          args.context_year)
    except SetupError as exc:
        print(f"extraction_quality: {exc}", file=sys.stderr)
        return 0
    if args.json:
        print(json.dumps(report_json(report), ensure_ascii=False, indent=2))
    else:
        print_report(report, args.verbose)
    return 0


if __name__ == "__main__":
    try:
        main()
    except SystemExit:  # argparse: --help, or a usage error it has already explained
        pass
    except Exception:  # a measurement never fails the caller; show what went wrong
        traceback.print_exc()
    sys.exit(0)
