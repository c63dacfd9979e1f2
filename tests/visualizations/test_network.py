"""build_network on hand-made rows, load_network on the real build: scopes, filters, bad input."""

from __future__ import annotations

import pytest

from citykg.errors import NotFoundError, QueryError
from citykg.namespaces import BASE
from citykg.queries import get_query
from visualizations.network import (
    CKG,
    build_network,
    load_network,
    source_text,
    type_names,
)

P, O, O2, C = BASE + "project/p", BASE + "org/o", BASE + "org/o2", BASE + "city/c"
DOC = BASE + "doc/000_2d257a1268e77571"
VOCABULARY = {CKG + "coordinator": {"ro": "coordonator", "en": "coordinator"}, CKG + "University": {"ro": "universitate", "en": "university"}}


def rows() -> list[dict]:
    return [
        {"node": P, "type": CKG + "Project", "label": "Proiectul P", "labelLang": "ro"},
        {"node": P, "type": CKG + "Project", "label": "Project P", "labelLang": "en"},
        {"node": P, "type": CKG + "Project", "acronym": "PP"},
        {"node": O, "type": CKG + "Organisation", "label": "Universitatea O", "labelLang": "ro"},
        {"node": O, "type": CKG + "University", "label": "Universitatea O", "labelLang": "ro"},
        {"node": C, "type": CKG + "City", "label": "Oraș", "labelLang": "ro"},
        {"node": P, "type": CKG + "Project", "relation": CKG + "coordinator", "target": O},
        {"node": P, "type": CKG + "Project", "relation": CKG + "partner", "target": O2},  # O2 is not on the map
        {"node": O, "type": CKG + "University", "relation": CKG + "city", "target": C},
        {"node": P, "type": CKG + "Project", "relation": CKG + "budget", "target": BASE + "amount/a", "amount": "6000000", "currency": "EUR"},
        {"node": P, "type": CKG + "Project", "relation": CKG + "startDate", "target": "2023-01"},
        {"node": P, "type": CKG + "Project", "evidence": BASE + "evidence/1", "relation": CKG + "coordinator", "target": O, "document": DOC, "lineStart": "9", "lineEnd": "9"},
        {"node": P, "type": CKG + "Project", "evidence": BASE + "evidence/2", "relation": CKG + "budget", "target": BASE + "amount/a", "document": DOC, "lineStart": "11", "lineEnd": "12"},
        {"node": O, "type": CKG + "University", "mention": BASE + "mention/1", "document": DOC, "lineStart": "7", "lineEnd": "7"},
        {"node": BASE + "doc/x", "type": CKG + "Document"},  # not an entity of the map
    ]


def test_nodes_carry_kind_type_names_and_facts():
    graph = build_network(rows(), vocabulary=VOCABULARY, lang="en", focus=[P])
    assert set(graph) == {P, O, C}
    project = graph.nodes[P]
    assert (project["kind"], project["type"], project["focus"]) == ("project", "Project", True)
    assert (project["name"], project["name_ro"], project["label"]) == ("Project P", "Proiectul P", "PP")
    assert project["budget_eur"] == 6_000_000
    assert {"label": "budget", "value": "6 000 000 EUR", "sources": ["000:11-12"]} in project["facts"]
    assert any(f["value"] == "2023-01" for f in project["facts"])
    university = graph.nodes[O]
    assert (university["type"], university["type_label"], university["sources"]) == ("University", "university", ["000:7"])


def test_edges_are_keyed_by_relation_with_family_label_and_sources():
    graph = build_network(rows(), vocabulary=VOCABULARY, lang="ro")
    assert graph.has_edge(P, O, "coordinator") and graph.has_edge(O, C, "city")
    edge = graph.edges[P, O, "coordinator"]
    assert (edge["family"], edge["label"], edge["role"], edge["sources"]) == ("role", "coordonator", True, ["000:9"])
    assert graph.edges[O, C, "city"]["family"] == "location"
    assert not graph.has_node(O2), "a tie to an entity outside the map is left out"


def test_labels_fall_back_to_romanian_then_to_the_id():
    graph = build_network(rows(), lang="en")
    assert graph.nodes[O]["name"] == "Universitatea O"
    bare = build_network([{"node": BASE + "org/no-label", "type": CKG + "NGO"}])
    assert bare.nodes[BASE + "org/no-label"]["label"] == "no-label"


def test_an_empty_map_and_a_map_without_ties_say_so():
    assert build_network([], lang="en").graph["message"] == "No entity matches these filters."
    lonely = build_network(rows()[:3], lang="ro")
    assert lonely.number_of_nodes() == 1 and "Nicio legătură" in lonely.graph["message"]


def test_source_text_uses_the_knowledge_base_keys():
    assert source_text(DOC, 9, 9) == "000:9"
    assert source_text(DOC, 9, 11) == "000:9-11"
    assert source_text(BASE + "doc/report", None) == "report"


def test_type_filter_accepts_kinds_and_classes_and_refuses_the_rest():
    assert "University" in type_names(["organisation"]) and type_names(["city,University"]) == ["City", "University"]
    assert type_names(["project"]) == ["Network", "Project"]
    with pytest.raises(QueryError, match="unknown entity type 'castle'"):
        type_names(["castle"])


# --- the real graph -------------------------------------------------------------------------------

BUSIEST_PROJECT = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
SELECT ?project (COUNT(?who) AS ?n) WHERE {
  ?project ckg:coordinator|ckg:leadPartner|ckg:partner ?who .
} GROUP BY ?project ORDER BY DESC(?n) ?project LIMIT 1
"""
ROLE_TIES = """
PREFIX ckg: <https://w3id.org/citykg/ontology#>
SELECT ?role ?who WHERE {
  VALUES ?role { ckg:coordinator ckg:leadPartner ckg:partner }
  ?project ?role ?who .
}
"""


@pytest.fixture(scope="module")
def project(built_store) -> str:
    return built_store.select(BUSIEST_PROJECT)[0]["project"].value


def test_a_project_map_has_every_participant_with_its_role(built_store, project):
    graph = load_network(built_store, project=project, lang="en")
    ties = built_store.select(ROLE_TIES, bindings={"project": __import__("pyoxigraph").NamedNode(project)})
    assert ties, "the busiest project has participants"
    for tie in ties:
        role = tie["role"].value.rsplit("#", 1)[1]
        assert graph.has_edge(project, tie["who"].value, role), (role, tie["who"].value)
    assert graph.nodes[project]["focus"] and graph.graph["focus"] == [project]
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert {"project", "organisation"} <= kinds


def test_the_whole_graph_without_filters(built_store, project):
    graph = load_network(built_store)
    assert project in graph and graph.number_of_nodes() > 50
    assert "message" not in graph.graph


def test_a_neighbourhood_grows_with_its_radius(built_store, project):
    near = load_network(built_store, around=project, radius=1)
    far = load_network(built_store, around=project, radius=2)
    assert set(near) < set(far)
    undirected = near.to_undirected()
    assert all(node == project or undirected.has_edge(project, node) for node in near)


def test_filters_together_keep_what_they_share(built_store, project):
    graph = load_network(built_store, project=project)
    programmes = [n for n, d in graph.nodes(data=True) if d["kind"] == "programme"]
    cities = [n for n, d in graph.nodes(data=True) if d["kind"] == "city"]
    if not programmes or not cities:
        pytest.skip("the busiest project has no programme or no city on its map")
    both = load_network(built_store, programme=programmes[0], city=cities[0])
    alone = [set(load_network(built_store, programme=programmes[0])), set(load_network(built_store, city=cities[0]))]
    assert set(both) <= (alone[0] & alone[1]) | {programmes[0], cities[0]}
    assert {programmes[0], cities[0]} <= set(both)


def test_types_keep_only_those_kinds_and_the_focus(built_store, project):
    graph = load_network(built_store, project=project, types=["organisation"])
    assert {d["kind"] for n, d in graph.nodes(data=True) if n != project} == {"organisation"}
    assert project in graph


def test_a_filter_that_matches_nothing_gives_a_message(built_store, project):
    graph = load_network(built_store, project=project, types=["event"], lang="en")
    assert graph.number_of_edges() == 0 and graph.graph["message"]


def test_an_unknown_entity_is_named(built_store):
    with pytest.raises(NotFoundError, match="no entity 'project/no-such-project'"):
        load_network(built_store, project="project/no-such-project")


def test_a_filter_of_the_wrong_kind_is_refused(built_store, project):
    with pytest.raises(QueryError, match="is not a city"):
        load_network(built_store, city=project)
    with pytest.raises(QueryError, match="radius must be between 1 and 3"):
        load_network(built_store, around=project, radius=7)


def test_a_hostile_value_is_a_bad_parameter_not_query_text(built_store):
    with pytest.raises(QueryError):
        load_network(built_store, project='x> } } ; DROP ALL ; SELECT * WHERE { <y')


def test_a_map_too_large_to_draw_is_grouped_by_kind_and_country(built_store):
    """Issue 19: a large map was refused ("over 2,000 entities", naming CLI flags on the web)."""
    whole = load_network(built_store)
    grouped = load_network(built_store, max_nodes=5)
    entities = whole.number_of_nodes() + sum(len(d.get("same_as", ())) for _, d in whole.nodes(data=True))
    assert grouped.graph["aggregated"] == entities
    assert sum(d["count"] for _, d in grouped.nodes(data=True)) == entities
    assert grouped.number_of_nodes() < whole.number_of_nodes() / 3 and grouped.number_of_edges()
    in_romania = sum(1 for n, d in whole.nodes(data=True) if d["kind"] == "organisation" and any(
        key == "country" and target.endswith("/country/ro") for _, target, key in whole.out_edges(n, keys=True)))
    assert grouped.nodes["group:organisation:RO"]["count"] == in_romania > 0


class RecordingStore:
    """A store that records what it is asked, then answers from the real one."""

    def __init__(self, store):
        self.store, self.calls = store, []

    def query(self, sparql, *, bindings=None, **options):
        self.calls.append((sparql, dict(bindings or {})))
        return self.store.query(sparql, bindings=bindings, **options)


def test_filters_reach_the_store_as_bound_values_of_the_named_query(built_store, project):
    recording = RecordingStore(built_store)
    load_network(recording, project=project, types=["organisation"])
    text, bindings = next(call for call in recording.calls if "?focus" in call[0])
    assert text == get_query("map_network").text, "the query text is the file's, values are not pasted in"
    assert bindings["focus"].value == project and "University" in bindings["types"].value
