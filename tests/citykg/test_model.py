"""The data model over the real build: every relation named, shortcuts materialised, dates and
programmes an analyst can compute with."""

from __future__ import annotations

import pytest

from citykg.namespaces import BASE, sparql_prologue


def pairs(store, pattern: str, columns: tuple[str, ...] = ("s", "o")) -> set[tuple[str, ...]]:
    """The rows of ``pattern`` (its ``columns``), with the project's IRIs shortened."""
    query = f"SELECT DISTINCT {' '.join('?' + c for c in columns)} WHERE {{ {pattern} }}"
    return {
        tuple(str(row[c].value).removeprefix(BASE) if row.get(c) is not None else None for c in columns)
        for row in store.select(sparql_prologue() + query)
    }


@pytest.mark.parametrize("subject,prop,obj", [
    ("org/eit-climate-kic", "designatedBy", "org/european-commission"),
    ("programme/urbact-iv", "nationalContactPoint", "org/mdlpa"),
    ("org/urbanizehub", "drafts", "initiative/climate-city-contract"),
    ("org/primaria-sector-2", "commitsTo", "initiative/climate-city-contract"),
    ("initiative/climate-city-contract", "endorsedBy", "org/european-commission"),
    ("project/netzerocities-h2020", "supports", "initiative/cities-mission"),
    ("initiative/mirror-mission-cities-hub-romania", "supports", "initiative/cities-mission"),
    ("programme/dut", "hostedBy", "org/uefiscdi"),
    ("org/mcid", "cofunds", "programme/dut"),
    ("project/blueprint-net-zero-neighborhoods", "presentedAt", "event/dezbatere-cluj-napoca-2030"),
    ("org/utcn", "advises", "org/primaria-cluj-napoca"),
    ("org/centrul-national-competente", "establishedBy", "project/netzerocities-pnrr"),
    ("call/eui-ia-call-1", "alignedWith", "initiative/new-european-bauhaus"),
])
def test_each_stated_relation_has_its_own_property(built_store, subject, prop, obj):
    """Designated by, national contact point, drafts, runs the platform, hosts: each is asked
    for by its property, not found among the ``relatedTo`` ties."""
    assert (subject, obj) in pairs(built_store, f"?s ckg:{prop} ?o")


def test_related_to_is_left_only_where_the_document_says_no_more(built_store):
    """The release names the pilot call after NetZeroCities and thanks the project's grant, but
    never says how the two are tied; the loader refuses every other pair of classes."""
    assert pairs(built_store, "?s ckg:relatedTo ?o") == {("call/nzc-pilot-cities", "project/netzerocities-h2020")}
