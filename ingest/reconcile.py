"""Entities proposed by several documents at once: one name each, the others kept as aliases.

Two documents may propose the same new entity (the same IRI) under different names
("NetZeroCities", "Proiectul NetZeroCities"); an entity has one Romanian name, so the most
common (then the shortest) is kept and the others become alternative names.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rdflib import Graph, Literal
from rdflib.namespace import RDFS, SKOS


def one_name_each(graphs: Iterable[Graph], reviewed: Graph) -> None:
    """Rewrite the documents' graphs in place so that each entity has one name per language;
    a name the reviewed graph gives always wins."""
    graphs = list(graphs)
    names: dict[tuple, Counter] = {}
    for g in graphs:
        for entity, label in g.subject_objects(SKOS.prefLabel):
            names.setdefault((entity, label.language), Counter())[label] += 1
    for (entity, language), counts in names.items():
        reviewed_names = [n for n in reviewed.objects(entity, SKOS.prefLabel) if n.language == language]
        if len(counts) < 2 and not reviewed_names:
            continue
        keep = reviewed_names[0] if reviewed_names else min(counts, key=lambda n: (-counts[n], len(n), str(n)))
        for g in graphs:
            for label in list(g.objects(entity, SKOS.prefLabel)):
                if label.language == language and label != keep:
                    g.remove((entity, SKOS.prefLabel, label))
                    g.remove((entity, RDFS.label, label))
                    g.add((entity, SKOS.altLabel, Literal(str(label), lang=language)))
