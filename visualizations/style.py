"""How a map looks: colour and shape per kind of entity, edge styles, sizes, and the words of the page.

One table serves the interactive map (vis-network shapes), the pictures (matplotlib markers) and
the exports (GEXF ``viz`` colours), so a kind looks the same on the projector, in the slide and in
Gephi. Colours are the Okabe-Ito palette (distinguishable with the common colour-vision
deficiencies) and every kind also has its own shape, so colour is never the only cue.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

from citykg.errors import QueryError

LANGS = ("ro", "en")


@dataclass(frozen=True)
class KindStyle:
    colour: str      # fill, hex
    border: str      # outline, hex: dark enough to separate light fills from a white background
    shape: str       # vis-network shape (label below the shape)
    marker: str      # matplotlib marker
    label: dict[str, str]  # legend entry, per language


#: Legend order: actors first, then what they do, then where.
KIND_STYLES: dict[str, KindStyle] = {
    "organisation": KindStyle("#0072B2", "#003F63", "dot", "o", {"ro": "Organizații", "en": "Organisations"}),
    "project": KindStyle("#D55E00", "#7A3500", "diamond", "D", {"ro": "Proiecte", "en": "Projects"}),
    "programme": KindStyle("#009E73", "#005740", "star", "*", {"ro": "Programe", "en": "Programmes"}),
    "call": KindStyle("#56B4E9", "#1F6E99", "triangle", "^", {"ro": "Apeluri", "en": "Calls"}),
    "initiative": KindStyle("#F0E442", "#6B6400", "dot", "o", {"ro": "Inițiative", "en": "Initiatives"}),
    "event": KindStyle("#CC79A7", "#7A3A60", "triangleDown", "v", {"ro": "Evenimente", "en": "Events"}),
    "city": KindStyle("#E69F00", "#7A5400", "square", "s", {"ro": "Orașe", "en": "Cities"}),
    "district": KindStyle("#E69F00", "#7A5400", "hexagon", "h", {"ro": "Sectoare și cartiere", "en": "City districts"}),
    "country": KindStyle("#333333", "#000000", "hexagon", "h", {"ro": "Țări", "en": "Countries"}),
}


@dataclass(frozen=True)
class EdgeStyle:
    colour: str
    width: float
    dashes: bool


#: Edge families (see ``network.EDGE_FAMILIES``): roles stand out, places recede.
EDGE_STYLES: dict[str, EdgeStyle] = {
    "role": EdgeStyle("#404040", 2.2, False),
    "funding": EdgeStyle("#009E73", 1.6, False),
    "call": EdgeStyle("#56B4E9", 1.6, False),
    "membership": EdgeStyle("#8C8C8C", 1.2, True),
    "organisation": EdgeStyle("#8C8C8C", 1.2, False),
    "location": EdgeStyle("#B3B3B3", 1.0, True),
    "other": EdgeStyle("#B3B3B3", 1.0, True),
}

#: What each edge family stands for, in the legend.
EDGE_LABELS: dict[str, dict[str, str]] = {
    "role": {"ro": "rol în proiect", "en": "role in a project"},
    "funding": {"ro": "finanțat de", "en": "funded by"},
    "call": {"ro": "apel, parte din program", "en": "call, part of a programme"},
    "membership": {"ro": "membru, oraș al Misiunii", "en": "member, Mission city"},
    "organisation": {"ro": "condus, găzduit, lansat de", "en": "managed, hosted, launched by"},
    "location": {"ro": "loc", "en": "place"},
    "other": {"ro": "altă legătură", "en": "other tie"},
}


def families_in(graph) -> list[str]:
    """The edge families present on a map, in legend order."""
    present = {data.get("family", "other") for *_, data in graph.edges(data=True)}
    return [family for family in EDGE_STYLES if family in present]


#: Words of the page and the pictures, per language.
TEXT: dict[str, dict[str, str]] = {
    "ro": {
        "title": "Ecosistemul Misiunii Orașe",
        "generated": "Generat la {date} din citykg ({nodes} entități, {edges} legături)",
        "legend": "Legendă",
        "find": "Caută o entitate…",
        "find_button": "Caută",
        "reset": "Toate",
        "physics": "Rearanjare automată",
        "not_found": "Nicio entitate nu se potrivește cu „{query}”.",
        "empty": "Nicio entitate nu corespunde acestor filtre.",
        "no_ties": "Nicio legătură între entitățile care corespund acestor filtre.",
        "type": "Tip",
        "sources": "Surse",
        "source_lines": "{document}, rândurile {lines}",
        "size_degree": "Mărimea: numărul de legături",
        "size_budget": "Mărimea: bugetul în euro",
        "filters_project": "proiect",
        "filters_programme": "program",
        "filters_city": "oraș",
        "filters_country": "țară",
        "filters_around": "în jurul",
        "filters_radius": "rază",
        "filters_types": "tipuri",
        "ties": "Legături",
        "download": "Descarcă",
        "aggregated": "Harta are {count} entități, prea multe pentru a fi desenate lizibil: sunt grupate după tip și țară (numărul din fiecare grup). Restrângeți filtrele pentru entitățile însele.",
    },
    "en": {
        "title": "The Cities Mission ecosystem",
        "generated": "Generated on {date} from citykg ({nodes} entities, {edges} ties)",
        "legend": "Legend",
        "find": "Find an entity…",
        "find_button": "Find",
        "reset": "All",
        "physics": "Automatic layout",
        "not_found": "No entity matches “{query}”.",
        "empty": "No entity matches these filters.",
        "no_ties": "No ties between the entities that match these filters.",
        "type": "Type",
        "sources": "Sources",
        "source_lines": "{document}, lines {lines}",
        "size_degree": "Size: number of ties",
        "size_budget": "Size: budget in euro",
        "filters_project": "project",
        "filters_programme": "programme",
        "filters_city": "city",
        "filters_country": "country",
        "filters_around": "around",
        "filters_radius": "radius",
        "filters_types": "types",
        "ties": "Ties",
        "download": "Download",
        "aggregated": "The map has {count} entities, too many to draw readably: they are grouped by type and country (with how many in each). Narrow the filters to see the entities themselves.",
    },
}

SIZE_BY = ("degree", "budget")
MAX_TOOLTIP_SOURCES = 8
MIN_SIZE, MAX_SIZE = 10.0, 42.0


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise QueryError(f"unknown language {lang!r}; one of {', '.join(LANGS)}")
    return lang


def text(lang: str, key: str, **values: object) -> str:
    return TEXT[lang][key].format(**values)


def kind_style(kind: str) -> KindStyle:
    return KIND_STYLES.get(kind, KIND_STYLES["organisation"])


def edge_style(family: str) -> EdgeStyle:
    return EDGE_STYLES.get(family, EDGE_STYLES["other"])


def kinds_in(graph) -> list[str]:
    """The kinds present on a map, in legend order."""
    present = {data.get("kind") for _, data in graph.nodes(data=True)}
    return [kind for kind in KIND_STYLES if kind in present]


def node_sizes(graph, size_by: str = "degree") -> dict[str, float]:
    """A size per node between MIN_SIZE and MAX_SIZE: by number of ties, or by budget in euro.

    Square-root scaling, so areas (what the eye compares) grow linearly with the value. By
    budget, entities without a budget in euro get the smallest size.
    """
    if size_by not in SIZE_BY:
        raise QueryError(f"unknown size {size_by!r}; one of {', '.join(SIZE_BY)}")
    if size_by == "degree":
        values = {node: float(graph.degree(node)) for node in graph}
    else:
        values = {node: float(data.get("budget_eur") or 0.0) for node, data in graph.nodes(data=True)}
    top = max(values.values(), default=0.0)
    if top <= 0:
        return {node: MIN_SIZE for node in graph}
    return {
        node: MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(value / top) for node, value in values.items()
    }


def short_label(text_: str, width: int = 22, lines: int = 2) -> str:
    """A label that fits under a node on a projector: at most ``lines`` lines of ``width``."""
    wrapped = textwrap.wrap(" ".join(text_.split()), width=width) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def format_amount(value: float, currency: str) -> str:
    """``6000000, EUR`` -> ``6 000 000 EUR`` (thin grouping that reads the same in ro and en)."""
    whole = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{whole.replace(',', ' ')} {currency}"


def tooltip(data: dict, lang: str) -> str:
    """Plain text (vis-network shows a string title as text, never as HTML): name, type, facts, sources."""
    lines = [data.get("name") or data.get("label") or data.get("iri", "")]
    other = data.get("name_en") if lang == "ro" else data.get("name_ro")
    if other and other != lines[0]:
        lines.append(other)
    if data.get("acronym") and data["acronym"] not in lines[0]:
        lines[0] = f"{lines[0]} ({data['acronym']})"
    lines.append(f"{text(lang, 'type')}: {data.get('type_label') or data.get('type', '')}")
    for fact in data.get("facts") or []:
        sources = f" [{', '.join(fact['sources'])}]" if fact.get("sources") else ""
        lines.append(f"{fact['label']}: {fact['value']}{sources}")
    if data.get("sources"):
        shown = data["sources"][:MAX_TOOLTIP_SOURCES]
        more = len(data["sources"]) - len(shown)
        lines.append(f"{text(lang, 'sources')}: {', '.join(shown)}" + (f" (+{more})" if more > 0 else ""))
    lines.append(data.get("iri", ""))
    return "\n".join(line for line in lines if line)


def edge_tooltip(data: dict) -> str:
    sources = data.get("sources") or []
    return data.get("label", "") + (f" [{', '.join(sources)}]" if sources else "")


def named_filters(graph) -> dict:
    """The graph's filters with entity IRIs replaced by the entities' names."""
    named = {}
    for key, value in (graph.graph.get("filters") or {}).items():
        if isinstance(value, str) and value in graph:
            value = graph.nodes[value].get("name", value)
        named[key] = value
    return named


def subtitle(graph, lang: str) -> str:
    """The line under a map's title: its filters, and why it is grouped when it is."""
    line = filters_line(named_filters(graph), lang)
    if graph.graph.get("aggregated"):
        line = " — ".join(filter(None, (line, text(lang, "aggregated", count=graph.graph["aggregated"]))))
    return line


def filters_line(filters: dict, lang: str) -> str:
    """``proiect: NetZeRoCities · rază: 2`` for the subtitle of a map."""
    parts = []
    for key, value in filters.items():
        if value in (None, "", ()):
            continue
        if isinstance(value, (list, tuple)):
            value = ", ".join(map(str, value))
        parts.append(f"{text(lang, 'filters_' + key)}: {value}")
    return " · ".join(parts)
