"""Review ../shared/corpus through the HTTP API, as a reviewer holding its gold would, and measure.

An empty knowledge base with the corpus as sources: everything extraction finds is proposed. Each
document's proposals are decided through ``POST /review/KEY/decisions`` (the API the page uses)
against ``gold.yaml``: a new name that is a gold entity (by name or alias, folded) is accepted, as
the gold type when that is of the same kind, or merged into the entity accepted for it before; a
fact is accepted when the gold links its two ends with a matching relation, or states its amount
or date about one of them; everything else is rejected. Then the knowledge base is rebuilt and the
script prints what it measured: decisions, seconds, whether the build passed, proposed facts left,
and the gold relations the reviewed layer now answers.

The corpus's invented facts must not reach a real knowledge base: the knowledge folder is a
temporary one.

    PYTHONPATH=. .venv/bin/python benchmarks/review_corpus.py [--corpus ../shared/corpus]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import httpx
import yaml

from citykg.build import build
from citykg.config import PROJECT_ROOT, Settings
from citykg.layers import proposed_left_out
from citykg.store import EmbeddedStore
from ingest.knowledge_base import KIND_TYPES
from tests.helpers import free_port, wait_until_up

TOKEN = "corpus-review"
ROUNDS = 4
#: Our properties and the gold predicates they may stand for.
COMPATIBLE = {
    "coordinator": {"coordinatedBy", "leadPartnerOf"}, "leadPartner": {"leadPartnerOf", "coordinatedBy", "partnerOf"},
    "partner": {"partnerOf"}, "participant": {"partnerOf", "coordinatedBy", "leadPartnerOf"},
    "fundedBy": {"fundedBy"}, "fundedUnderCall": {"fundedBy"}, "partOfProgramme": {"fundedBy"},
    "memberOf": {"memberOf"}, "selectedCity": {"selectedFor"}, "candidateCity": {"selectedFor"},
    "organisedBy": {"organisedBy", "hostedBy"}, "hostedBy": {"hostedBy", "organisedBy"}, "location": {"locatedIn"},
    "partOf": {"memberOf", "organisedBy"}, "managedBy": {"hostedBy", "organisedBy"}, "launchedBy": {"organisedBy"},
}


def fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.replace("„", "").replace("”", "").split()).casefold()


def number(raw) -> Decimal | None:
    try:
        return Decimal(str(raw))
    except (InvalidOperation, TypeError):
        return None


class Reviewer:
    """Decisions for one document against its gold record; gold ids are the corpus's own."""

    def __init__(self, gold: dict, accepted: dict[str, str]) -> None:
        self.gold = gold
        self.accepted = accepted  # gold id -> the knowledge base id accepted for it
        self.names = {fold(n): e for e in gold.get("entities") or [] for n in [e["name"], *(e.get("aliases") or [])]}
        self.gold_of: dict[str, str] = {}  # proposed id -> gold id

    def entity(self, e: dict) -> dict | None:
        found = self.names.get(fold(e["name"])) or (self.names.get(fold(e["surface"])) if e.get("surface") else None)
        if found is None:
            return {"action": "reject", "target": e["id"]}
        self.gold_of[e["id"]] = found["id"]
        known = self.accepted.get(found["id"])
        if known == e["id"]:
            return None  # accepted from an earlier document
        if known:
            return {"action": "merge", "target": e["id"], "into": known}
        kind = e["id"].split("/")[0]
        if found["type"] != e["type"] and found["type"] not in KIND_TYPES.get(kind, ()):
            self.gold_of.pop(e["id"])
            return {"action": "reject", "target": e["id"]}  # another kind: a new id, by hand
        self.accepted[found["id"]] = e["id"]
        return {"action": "accept", "target": e["id"]} | ({"type": found["type"]} if found["type"] != e["type"] else {})

    def gold_ids(self, *ids: str | None) -> set[str]:
        out = set()
        for i in ids:
            if i in self.gold_of:
                out.add(self.gold_of[i])
            out |= {g for g, kb in self.accepted.items() if kb == i}
        return out

    def fact(self, f: dict) -> dict:
        ends = [f["subject"], f["object"], *((f.get("participation") or {}).values())]
        ids = self.gold_ids(*ends)
        ok = False
        if f["object"] and f["property"] in COMPATIBLE:
            ok = any(r["predicate"] in COMPATIBLE[f["property"]] and {r["subject"], r["object"]} <= ids
                     for r in self.gold.get("relations") or [])
        elif f.get("currency"):
            value = number(f["value"])
            ok = any(number(a.get("value")) == value and a.get("currency") == f["currency"]
                     and {a.get("subject"), a.get("of")} & ids for a in self.gold.get("amounts") or [])
        elif f.get("value"):
            ok = any(str(d.get("value")) and (f["value"].startswith(str(d["value"])) or str(d["value"]).startswith(f["value"]))
                     and d.get("subject") in ids for d in self.gold.get("dates") or [])
        return {"action": "accept" if ok else "reject", "target": f["id"]}


def review_round(client: httpx.Client, gold: dict, accepted: dict[str, str], counts: Counter,
                 refused: list[str], documents: set[str]) -> int:
    """Decide every proposal of every document in the queue; the number of decisions made."""
    made = 0
    for entry in sorted(client.get("/review", params={"format": "json"}).json()["documents"], key=lambda e: e["file"]):
        if entry["file"] not in gold:
            continue
        documents.add(entry["file"])
        proposals = client.get(f"/review/{entry['key']}", params={"format": "json"}).json()
        reviewer = Reviewer(gold[entry["file"]], accepted)
        decisions = [d for e in proposals["entities"] if e["id"] not in proposals["decided"] and (d := reviewer.entity(e))]
        rejected = {d["target"] for d in decisions if d["action"] == "reject"}
        decisions += [reviewer.fact(f) for f in proposals["facts"]
                      if f["id"] not in proposals["decided"] and not set(f["names"]) & rejected]
        for d in decisions:
            answer = client.post(f"/review/{entry['key']}/decisions", json=d | {"reviewer": "gold"})
            if answer.status_code == 200:
                counts[d["action"] + (" entity" if "/" in d["target"] else " fact")] += 1
                made += 1
            else:
                refused.append(f"{entry['file']} {d}: {answer.json().get('error', answer.status_code)}")
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=PROJECT_ROOT.parent / "shared" / "corpus")
    args = parser.parse_args()
    gold = {d["file"]: d for d in yaml.safe_load((args.corpus / "gold.yaml").read_text(encoding="utf-8"))["documents"]}
    with tempfile.TemporaryDirectory(prefix="citykg-corpus-review-") as tmp:
        root = Path(tmp)
        knowledge = root / "knowledge"
        (knowledge / "entities").mkdir(parents=True)
        (knowledge / "facts").mkdir()
        (knowledge / "documents.yaml").write_text("[]\n", encoding="utf-8")
        settings = Settings(store=root / "store", sources=args.corpus, inbox=root / "inbox", imports=root / "imports",
                            knowledge=knowledge, update_token=TOKEN)
        started = time.perf_counter()
        build(settings)
        print(f"build from extraction alone: {time.perf_counter() - started:.1f} s")
        store = EmbeddedStore(settings.store)
        before = proposed_left_out(store)
        env = {**os.environ, "CITYKG_STORE": str(settings.store), "CITYKG_SOURCES": str(args.corpus),
               "CITYKG_INBOX": str(settings.inbox), "CITYKG_IMPORTS": str(settings.imports),
               "CITYKG_KNOWLEDGE": str(knowledge), "CITYKG_UPDATE_TOKEN": TOKEN,
               "PYTHONPATH": str(PROJECT_ROOT)}
        port = free_port()
        server = subprocess.Popen([sys.executable, "-m", "uvicorn", "graph_api.app:create_app", "--factory",
                                   "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        base = f"http://127.0.0.1:{port}"
        counts: Counter[str] = Counter()
        refused: list[str] = []
        accepted: dict[str, str] = {}
        documents: set[str] = set()
        seconds = 0.0
        try:
            wait_until_up(base + "/health", server)
            client = httpx.Client(base_url=base, timeout=120, headers={"Authorization": f"Bearer {TOKEN}"})
            for round_ in range(1, ROUNDS + 1):
                # what the names accepted in one round let extraction find is proposed in the next
                reviewing = time.perf_counter()
                made = review_round(client, gold, accepted, counts, refused, documents)
                seconds += time.perf_counter() - reviewing
                started = time.perf_counter()
                build(settings)
                left = proposed_left_out(store)
                print(f"round {round_}: {made} decisions; rebuild ok in {time.perf_counter() - started:.1f} s; "
                      f"proposed facts left: {left}")
                if not made or not left:
                    break
            left_in = Counter()
            for entry in client.get("/review", params={"format": "json"}).json()["documents"]:
                left_in["gold documents" if entry["file"] in gold else f"{entry['file']} (no gold)"] += entry["facts"]
            print(f"proposed facts left by document: {dict(left_in) or 'none'}")
        finally:
            server.terminate()
            server.wait(timeout=10)
        print(f"documents reviewed: {len(documents)} (the others had no proposal); proposed facts at first: {before}")
        print(f"decisions through the API: {sum(counts.values())} in {seconds:.1f} s: {dict(sorted(counts.items()))}")
        print(f"refused: {len(refused)}")
        for line in refused[:10]:
            print("  " + line[:300])
        print("answers leave the proposed facts left out: they come from the reviewed layer")
        reviewed = store.reviewed()
        found = total = 0
        for file, record in gold.items():
            for r in record.get("relations") or []:
                if r.get("optional") or r["subject"] not in accepted or r["object"] not in accepted:
                    continue
                total += 1
                a, b = (f"<https://w3id.org/citykg/{accepted[x]}>" for x in (r["subject"], r["object"]))
                found += reviewed.ask(
                    "PREFIX ckg: <https://w3id.org/citykg/ontology#> ASK { "
                    f"{{ {a} ?p {b} }} UNION {{ {b} ?p {a} }} UNION {{ ?x ckg:inProject {a} ; ckg:participant {b} }} "
                    f"UNION {{ ?x ckg:inProject {b} ; ckg:participant {a} }} }}")
        all_relations = sum(1 for r in gold.values() for x in r.get("relations") or [] if not x.get("optional"))
        print(f"gold relations answered by the reviewed layer: {found} of {total} whose two ends were accepted "
              f"({all_relations} gold relations in all)")


if __name__ == "__main__":
    main()
