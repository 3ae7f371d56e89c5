"""Municipality, police unit, province and safety region look-ups against vocab/gemeenten.csv."""
from __future__ import annotations

import datetime as dt

import pytest

from extractors import gazetteer as g


@pytest.mark.parametrize("written, code", [
    ("Den Haag", "GM0518"),                # alias of 's-Gravenhage
    ("'s-Gravenhage", "GM0518"),
    ("Den Bosch", "GM0796"),
    ("Bergen (NH.)", "GM0373"),            # CBS suffix kept
    ("Hengelo", "GM0164"),                 # suffix stripped, single current match
    ("Sudwest Fryslan", "GM1900"),         # diacritics and hyphen do not count
    ("SÚDWEST-FRYSLÂN", "GM1900"),
    ("Gaasterlan-Sleat", "GM0653"),        # former municipality, official name has â
    ("Het Bildt", "GM0063"),
    ("gemeente Noordoostpolder", "GM0171"),
    ("28. Hoogezand-Sappemeer", "GM0018"),  # table row numbering
    ("Leeuwaarden", "GM0080"),             # PDF noise, long name: fuzzy
    ("Dantumadeel", "GM1891"),             # pre-rename spelling, from the alias file
])
def test_resolve_municipality(written, code):
    m = g.resolve_municipality(written)
    assert m is not None and m.cbs_code == code


@pytest.mark.parametrize("written", ["Urq", "Eda", "Bergen", "Nederland", "Almere-Haven-Noord-Oost"])
def test_short_noise_ambiguity_and_non_names_do_not_resolve(written):
    assert g.resolve_municipality(written) is None


def test_province_hint_breaks_a_tie():
    assert g.resolve_municipality("Bergen", province="Limburg").cbs_code == "GM0893"
    assert g.resolve_municipality("Bergen", province="Noord-Holland").cbs_code == "GM0373"


def test_units_provinces_regions_and_successors():
    assert g.resolve_police_unit("eenheid Noord Nederland") == "Noord-Nederland"
    assert g.resolve_police_unit("Zeeland West-Brabant") == "Zeeland-West-Brabant"
    assert g.resolve_province("Friesland") == "Fryslân"
    assert g.resolve_safety_region("Noord-Holland-Noord") == "Noord-Holland Noord"
    boarnsterhim = g.resolve_municipality("Boarnsterhim")
    assert {m.name for m in g.current_successors(boarnsterhim)} == {"Leeuwarden", "Heerenveen", "De Fryske Marren"}
    info = g.describe([g.resolve_municipality(n) for n in ("Dronten", "Noordoostpolder", "Urk")])
    assert info["police_unit"] == "Midden-Nederland" and info["province"] == "Flevoland"
    assert info["municipalities"] == "GM0171;GM0184;GM0303"


def test_find_places_in_running_text():
    text = ("De burgemeesters van Hardenberg en de gemeente Haren overleggen in de eenheid Oost-Nederland; "
            "haren en leek zijn hier gewone woorden, Friesland is een provincie.")
    places = g.find_places(text)
    kinds = {(p.kind, p.name) for p in places}
    assert ("municipality", "Hardenberg") in kinds
    assert ("municipality", "Haren") in kinds          # after "gemeente"
    assert ("police_unit", "Oost-Nederland") in kinds
    assert ("province", "Fryslân") in kinds
    assert not any(p.surface in ("haren", "leek") for p in places)
    for p in places:
        assert text[p.start:p.end] == p.surface


def test_informal_regions_resolve_to_province_and_police_unit():
    assert g.resolve_informal_region("de liemers") == {"police_unit": "Oost-Nederland", "province": "Gelderland",
                                                      "municipalities": None}
    assert g.resolve_informal_region("Zuidoost Drenthe")["police_unit"] == "Noord-Nederland"
    assert g.resolve_informal_region("Nergenshuizen") is None
    text = "Het RIEC werkt in Drechtsteden en in Noord- en Midden-Limburg; de eenheid Zeeland-West-Brabant niet."
    kinds = {(p.kind, p.name) for p in g.find_places(text)}
    assert ("region", "Drechtsteden") in kinds and ("region", "Noord- en Midden-Limburg") in kinds
    # part of a hyphenated name is not the region
    assert ("region", "West-Brabant") not in kinds


def test_metadata_region_written_as_an_informal_region():
    from extractors.document import document_from_text
    from extractors.metadata import extract_metadata
    from extractors.structure import parse_structure
    doc = document_from_text("Integraal Veiligheidsplan IJmond 2020-2023\n\nDe gemeenten werken samen.\n")
    m = extract_metadata(doc, parse_structure(doc))
    assert (m["region"], m["police_unit"], m["province"]) == ("IJmond", "Noord-Holland", "Noord-Holland")


# ---- areas on a date: the municipalities a region covers (what `ivp compare` counts a document for)

def test_resolve_area_handles_lists_units_and_suffixes():
    assert g.resolve_area("Dronten, Noordoostpolder en Urk") == ["GM0303", "GM0171", "GM0184"]
    assert g.resolve_area("Dronten – Noordoostpolder - Urk") == ["GM0303", "GM0171", "GM0184"]
    assert len(g.resolve_area("Midden-Nederland")) > 20
    assert set(g.resolve_area("Bergen")) == {"GM0373", "GM0893"}  # CBS writes "Bergen (NH.)" and "Bergen (L.)"
    assert g.resolve_area("Atlantis") == []
    assert g.resolve_area("") == [] and g.resolve_area(None) == []
    assert g.resolve_area("Gemeente Dronten") == ["GM0303"]
    assert len(g.resolve_area("Eenheid Noord-Holland")) > 20
    assert g.resolve_area("Sudwest Fryslan") == ["GM1900"]  # diacritics and hyphens do not count


def test_resolve_area_gives_the_municipalities_of_the_day():
    import datetime as dt

    # one municipality whose name has "en" in it, while it existed; its successor afterwards
    assert g.resolve_area("Kollumerland en Nieuwkruisland", dt.date(2015, 1, 1)) == ["GM0079"]
    assert g.resolve_area("Kollumerland en Nieuwkruisland") == ["GM1970"]
    # merged twice: the successor of the day, not today's
    assert g.resolve_area("Nieuw-Lekkerland", dt.date(2012, 6, 1)) == ["GM0571"]
    assert g.resolve_area("Nieuw-Lekkerland", dt.date(2016, 6, 1)) == ["GM1927"]  # Molenwaard
    assert g.resolve_area("Nieuw-Lekkerland") == ["GM1978"]  # Molenlanden
    # a province on a day before a merger counts the municipalities that existed then
    before = set(g.resolve_area("Groningen", dt.date(2015, 1, 1)))
    after = set(g.resolve_area("Groningen"))
    assert before == {"GM0014"} == after  # the municipality's own name wins over the province
    province_2015 = set(g.resolve_area("Provincie Groningen", dt.date(2015, 1, 1)))
    province_now = set(g.resolve_area("Provincie Groningen"))
    assert "GM0005" in province_2015 and "GM0005" not in province_now  # Bedum, merged in 2019
    assert "GM1966" in province_now and "GM1966" not in province_2015  # Het Hogeland, formed then


def test_active_on():
    import datetime as dt

    bedum = g.by_code()["GM0005"]
    assert bedum.active_on(dt.date(2018, 12, 31)) and not bedum.active_on(dt.date(2019, 1, 1))
    assert not bedum.active_on(None)
    hogeland = g.by_code()["GM1966"]
    assert hogeland.active_on(None) and hogeland.active_on(dt.date(2019, 1, 1))
    assert not hogeland.active_on(dt.date(2018, 12, 31))


def test_metadata_region_is_the_gazetteers_area_on_the_documents_day():
    from extractors.metadata import resolve_region
    # a municipality's own name is the municipality, not the police unit of that name
    assert resolve_region("Rotterdam")["municipalities"] == "GM0599"
    assert len(resolve_region("Eenheid Rotterdam")["municipalities"].split(";")) > 10
    # the municipalities of the document's day: a former municipality, before and after its merger
    assert resolve_region("Nieuw-Lekkerland", dt.date(2012, 6, 1))["municipalities"] == "GM0571"
    assert resolve_region("Nieuw-Lekkerland", dt.date(2016, 6, 1))["municipalities"] == "GM1927"
    assert resolve_region("Atlantis") == {"police_unit": None, "province": None, "municipalities": None}
