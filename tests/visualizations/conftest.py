"""A two-entity map written by hand, for the tests that need no store."""

from __future__ import annotations

import networkx as nx
import pytest

from citykg.namespaces import BASE
from visualizations.network import CKG, build_network


def two_entity_map(label: str = "UTCN", lang: str = "ro") -> nx.MultiDiGraph:
    project, org = BASE + "project/p", BASE + "org/o"
    return build_network(
        [
            {"node": project, "type": CKG + "Project", "label": "Proiect", "labelLang": "ro"},
            {"node": org, "type": CKG + "University", "label": label, "labelLang": "ro"},
            {"node": project, "type": CKG + "Project", "relation": CKG + "partner", "target": org},
        ],
        lang=lang,
        focus=[project],
    )


@pytest.fixture
def small_graph():
    return two_entity_map
