"""Synthetic CORDIS data at full scale, in the Horizon Europe file layout, for benchmarks.

``python -m ingest.synthetic_cordis OUT [--projects 80000 --organisations 72000
--participations 400000 --seed 7]`` writes ``project.csv``, ``organization.csv``,
``topics.csv`` and ``legalBasis.csv`` (``;``-separated, quoted, as published) into OUT. The same
seed gives the same files.

Skew as in the real data: a third of the projects have one beneficiary (ERC, MSCA, EIC), the
others a consortium of 2 to 60 (log-normal, median about 8); organisations are drawn with a
Zipf-like weight, so a few hundred take part in thousands of projects and most in one or two;
countries, activity types and topics are skewed likewise. The files carry what the importer must
cope with: decimal commas, booleans as text, empty fields, titles with quotes, ``;`` and
newlines inside quoted fields.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import math
import random
from pathlib import Path

PROJECT_COLUMNS = ["id", "acronym", "status", "title", "startDate", "endDate", "totalCost", "ecMaxContribution",
                   "legalBasis", "topics", "ecSignatureDate", "frameworkProgramme", "masterCall", "subCall",
                   "fundingScheme", "objective", "contentUpdateDate", "rcn", "grantDoi"]
ORG_COLUMNS = ["projectID", "projectAcronym", "organisationID", "vatNumber", "name", "shortName", "SME",
               "activityType", "street", "postCode", "city", "country", "nutsCode", "geolocation",
               "organizationURL", "contactForm", "contentUpdateDate", "rcn", "order", "role", "ecContribution",
               "netEcContribution", "totalCost", "endOfParticipation"]

COUNTRIES = [("DE", 14), ("ES", 12), ("IT", 11), ("FR", 10), ("NL", 7), ("BE", 5), ("EL", 4), ("PT", 4),
             ("AT", 3), ("SE", 3), ("DK", 3), ("FI", 3), ("IE", 2), ("PL", 2), ("UK", 3), ("CH", 2), ("NO", 2),
             ("RO", 1.5), ("CZ", 1), ("HU", 1), ("SI", 1), ("BG", 0.6), ("HR", 0.6), ("EE", 0.5), ("IL", 1)]
ACTIVITY = [("PRC", 40), ("HES", 22), ("REC", 20), ("PUB", 8), ("OTH", 10)]
SCHEMES = [("HORIZON-RIA", 25), ("HORIZON-IA", 15), ("HORIZON-CSA", 12), ("HORIZON-ERC", 15),
           ("HORIZON-TMA-MSCA-PF-EF", 12), ("HORIZON-EIC", 8), ("HORIZON-COFUND", 3), ("HORIZON-AG", 10)]
LEGAL = [("HORIZON.1.1", 15), ("HORIZON.1.2", 12), ("HORIZON.2.1", 6), ("HORIZON.2.4", 10),
         ("HORIZON.2.5", 14), ("HORIZON.2.6", 8), ("HORIZON.3.1", 8), ("HORIZON.4.1", 4), ("HORIZON.2.3", 5)]
WORDS = ("urban energy climate neutral smart city data mobility circular water heat grid digital twin "
         "resilience citizen governance building renovation hydrogen battery soil health quantum material").split()


def _cumulative(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _pick(rng: random.Random, items: list[tuple[str, float]]) -> str:
    return rng.choices([i for i, _ in items], weights=[w for _, w in items])[0]


def _money(rng: random.Random, value: float, decimal_comma: bool) -> str:
    text = f"{value:.2f}" if rng.random() < 0.3 else f"{round(value)}"
    return text.replace(".", ",") if decimal_comma else text


def generate(out: Path, projects: int = 80_000, organisations: int = 72_000, participations: int = 400_000,
             seed: int = 7) -> dict[str, int]:
    """Write the four files; return the row counts."""
    rng = random.Random(seed)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)

    # project sizes: a third single-beneficiary, the rest log-normal consortia, scaled to the total
    sizes = [1 if rng.random() < 0.33 else max(2, min(60, round(rng.lognormvariate(math.log(8), 0.6))))
             for _ in range(projects)]
    scale = (participations - sizes.count(1)) / max(1, sum(s for s in sizes if s > 1))
    sizes = [s if s == 1 else max(2, min(60, round(s * scale))) for s in sizes]
    diff = participations - sum(sizes)
    i = 0
    while diff != 0:  # exact total
        j = i % projects
        if sizes[j] > 1 and (diff > 0 and sizes[j] < 60 or diff < 0 and sizes[j] > 2):
            sizes[j] += 1 if diff > 0 else -1
            diff += -1 if diff > 0 else 1
        i += 1

    # organisations: Zipf-like popularity
    org_ids = [999_000_000 - 7 * k for k in range(organisations)]
    cum = _cumulative([1 / (k + 20) ** 1.05 for k in range(organisations)])
    org_info = {}
    for k, oid in enumerate(org_ids):
        country = _pick(rng, COUNTRIES)
        activity = _pick(rng, ACTIVITY)
        org_info[oid] = (country, activity, f"{rng.choice(WORDS).upper()} {activity} ORGANISATION {k}",
                         f"city-{rng.randrange(400)}")
    topics = [f"HORIZON-CL{rng.randrange(1, 7)}-{2021 + t % 4}-{rng.choice(WORDS).upper()}-{t:03d}" for t in range(2500)]
    topic_cum = _cumulative([1 / (t + 5) ** 0.8 for t in range(len(topics))])

    counts = {"projects": 0, "organisations": 0, "participations": 0}
    must = org_ids[:]
    rng.shuffle(must)
    seen_orgs: set[int] = set()
    with open(out / "project.csv", "w", newline="", encoding="utf-8") as fp, \
         open(out / "organization.csv", "w", newline="", encoding="utf-8") as fo, \
         open(out / "topics.csv", "w", newline="", encoding="utf-8") as ft, \
         open(out / "legalBasis.csv", "w", newline="", encoding="utf-8") as fl:
        wp = csv.writer(fp, delimiter=";", quoting=csv.QUOTE_ALL)
        wo = csv.writer(fo, delimiter=";", quoting=csv.QUOTE_ALL)
        wt = csv.writer(ft, delimiter=";")
        wl = csv.writer(fl, delimiter=";")
        wp.writerow(PROJECT_COLUMNS)
        wo.writerow(ORG_COLUMNS)
        wt.writerow(["projectID", "topic", "title"])
        wl.writerow(["projectID", "legalBasis", "title", "uniqueProgrammePart"])
        for n, size in enumerate(sizes):
            pid = 101_000_000 + n * 3
            acronym = f"{rng.choice(WORDS).upper()}{n}"
            topic = topics[bisect.bisect(topic_cum, rng.random() * topic_cum[-1])]
            start_year = rng.randrange(2021, 2026)
            start = f"{start_year}-{rng.randrange(1, 13):02d}-01"
            end = f"{start_year + rng.randrange(1, 6)}-{rng.randrange(1, 13):02d}-28"
            cost = rng.lognormvariate(math.log(400_000 * size ** 0.9), 0.5)
            legal = _pick(rng, LEGAL)
            title = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 9))).capitalize()
            if rng.random() < 0.02:
                title += '; a "quoted" part'
            objective = " ".join(rng.choice(WORDS) for _ in range(30))
            if rng.random() < 0.05:
                objective += "\nSecond paragraph; with a separator."
            wp.writerow([pid, acronym, rng.choice(["SIGNED", "CLOSED", "TERMINATED"]), title, start, end,
                         _money(rng, cost, rng.random() < 0.2), _money(rng, cost * 0.9, False), legal, topic,
                         start, "HORIZON", topic.rsplit("-", 1)[0], topic, _pick(rng, SCHEMES), objective,
                         "2024-01-01 10:00:00", 2_000_000 + n, f"10.3030/{pid}"])
            wt.writerow([pid, topic, f"Topic {topic}"])
            wl.writerow([pid, legal, f"Programme part {legal}", "true"])
            chosen: list[int] = []
            while len(chosen) < size:
                # every organisation takes part at least once; the rest by popularity
                remaining = participations - counts["participations"] - len(chosen)
                if must and rng.random() < len(must) / max(1, remaining):
                    oid = must.pop()
                else:
                    oid = org_ids[bisect.bisect(cum, rng.random() * cum[-1])]
                if oid not in chosen:
                    chosen.append(oid)
            for order, oid in enumerate(chosen, 1):
                country, activity, name, city = org_info[oid]
                share = cost / size * rng.uniform(0.5, 1.5)
                wo.writerow([pid, acronym, oid, "" if rng.random() < 0.3 else f"{country}{oid}", name,
                             "" if rng.random() < 0.5 else name.split()[0], rng.choice(["True", "False", ""]),
                             activity, "", "", city, country, "", "", "", "", "2024-01-01 10:00:00",
                             3_000_000 + oid % 1_000_000, order, "coordinator" if order == 1 else "participant",
                             _money(rng, share, False), _money(rng, share, False),
                             _money(rng, share * 1.2, rng.random() < 0.2), "False"])
                seen_orgs.add(oid)
                counts["participations"] += 1
            counts["projects"] += 1
    counts["organisations"] = len(seen_orgs)
    return counts


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--projects", type=int, default=80_000)
    parser.add_argument("--organisations", type=int, default=72_000)
    parser.add_argument("--participations", type=int, default=400_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(generate(args.out, args.projects, args.organisations, args.participations, args.seed))


if __name__ == "__main__":
    main()
