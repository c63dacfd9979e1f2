"""The review report (``review.md``): per document, what the extractor proposes, in its sentence.

For people: each proposed name and fact with the line it stands in, the rule and confidence;
what the knowledge base already confirmed; what was left out and why; then amounts on which
sources disagree, with both lines.
"""

from __future__ import annotations

from collections.abc import Iterable

from citykg.namespaces import local_id
from ingest.document_graph import Layers, Statement
from ingest.pipeline import DocumentResult
from ingest.sources import Source


def quoted(source: Source, first: int, last: int, limit: int = 240) -> str:
    """The cited lines of a document, on one line, cut at ``limit`` characters."""
    text = " ".join(source.lines[first - 1 : last]).strip()
    text = " ".join(text.split())
    return f"“{text[:limit]}{'…' if len(text) > limit else ''}”"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _statement(s: Statement) -> str:
    subject, prop, obj = s.triple
    confidence = f", confidence {s.fact.confidence:.2f}" if s.fact.confidence is not None else ""
    return f"`{local_id(subject)}` {local_id(prop).split('#')[-1]} `{local_id(obj)}` (rule {s.fact.rule}{confidence})"


def facts_of(statements: list[Statement]) -> list[Statement]:
    """One statement a fact: the last it made (a role, not the participation node it needs)."""
    last: dict[int, Statement] = {}
    for s in statements:
        last[id(s.fact)] = s
    return list(last.values())


def document_section(r: DocumentResult, split: Layers | None) -> list[str]:
    out = [f"## {r.path.name}", ""]
    if r.error or r.facts is None or split is None:
        return out + [f"Not ingested: {r.error}", ""]
    f, source = r.facts, r.source
    out += [
        f"{_plural(len(f.proposed), 'new name')} proposed, {_plural(len(split.pending), 'fact')} proposed, "
        f"{_plural(len(split.confirmed), 'fact')} the knowledge base already states, "
        f"{_plural(len(f.unlinked), 'ambiguous mention')}, {_plural(len(f.rejected) + len(split.left_out), 'fact')} left out.",
        "",
    ]
    by_line: dict[tuple[int, int], list[str]] = {}
    for iri, e in sorted(f.proposed.items()):
        at = f.proposed_at.get(iri)
        if at and (iri, None, None) in split.proposed:
            by_line.setdefault(at, []).append(f"new {e.type} **{e.name}** as `{local_id(iri)}` (rule {e.rule or 'proposal'})")
    for s in facts_of(split.pending):
        by_line.setdefault(s.fact.lines, []).append("fact " + _statement(s))
    if by_line:
        out.append(f"Proposed (review them at `/review/{source.key}` or with `citykg review {source.key}`):")
        for (first, last), items in sorted(by_line.items()):
            out.append(f"- lines {first}-{last}: {quoted(source, first, last)}")
            out += [f"  - {item}" for item in items]
        out.append("")
    if f.unlinked:
        out.append("Mentions that match more than one known entity:")
        out += [f"- {m.text!r}: {', '.join(local_id(c) for c in m.candidates)}" for m in f.unlinked]
        out.append("")
    left_out = [*f.rejected, *split.left_out]
    if left_out:
        out.append("Left out:")
        for fact, why in left_out:
            first, last = fact.lines
            out.append(f"- lines {first}-{last}, {fact.property} ({fact.rule}): {why}; {quoted(source, first, last)}")
        out.append("")
    return out


def review_report(results: Iterable[DocumentResult], split: dict[str, Layers], conflicts: list[dict[str, str]]) -> str:
    """Markdown: per document what was proposed in its sentence, what was left out and why; then
    amounts on which sources disagree."""
    out = ["# Review report", ""]
    results = list(results)
    for r in results:
        out += document_section(r, split.get(r.path.name))
    out += ["## Conflicts between sources", ""]
    if not conflicts:
        out.append("None: no entity has two different budgets or fundings.")
    sources = {str(r.source.iri): r.source for r in results if r.source}
    for c in conflicts:
        line, source = int(c["lineStart"]), sources.get(c["document"])
        out.append(
            f"- `{local_id(c['entity'])}` {c['property'].split('#')[-1]} = {c['value']} {c['currency']} "
            f"in {local_id(c['document'])} line {line} ({c['method']})"
            + (f": {quoted(source, line, line)}" if source else "")
        )
    return "\n".join(out) + "\n"
