"""The review report: what the extractor proposes and what a person should check."""

from __future__ import annotations

from collections.abc import Iterable

from citykg.namespaces import local_id
from ingest.pipeline import DocumentResult


def review_report(results: Iterable[DocumentResult], conflicts: list[dict[str, str]]) -> str:
    """Markdown: per document what was read, new entities to confirm, mentions that could not
    be linked, facts left out and why; then amounts on which sources disagree."""
    out = ["# Review report", ""]
    for r in results:
        out += [f"## {r.path.name}", ""]
        if r.error:
            out += [f"Not ingested: {r.error}", ""]
            continue
        out += [r.summary(), ""]
        f = r.facts
        if f.proposed:
            out.append("New entities to confirm (add them to knowledge/ or correct the name):")
            out += [
                f"- `{local_id(iri)}` {e.type}: {e.name} (lines {f.proposed_at[iri][0]}-{f.proposed_at[iri][1]}; rule {e.rule or 'proposal'})"
                for iri, e in sorted(f.proposed.items())
            ]
            out.append("")
        if f.unlinked:
            out.append("Mentions that match more than one known entity:")
            out += [f"- {m.text!r}: {', '.join(local_id(c) for c in m.candidates)}" for m in f.unlinked]
            out.append("")
        if f.rejected:
            out.append("Facts left out:")
            out += [f"- lines {fact.lines[0]}-{fact.lines[1]}, {fact.property} ({fact.rule}): {why}" for fact, why in f.rejected]
            out.append("")
    out += ["## Conflicts between sources", ""]
    if not conflicts:
        out.append("None: no entity has two different budgets or fundings.")
    for c in conflicts:
        out.append(
            f"- `{local_id(c['entity'])}` {c['property'].split('#')[-1]} = {c['value']} {c['currency']} "
            f"in {local_id(c['document'])} line {c['lineStart']} ({c['method']})"
        )
    return "\n".join(out) + "\n"
