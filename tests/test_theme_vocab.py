"""The theme vocabulary: it loads, covers the themes the product needs, and rejects bad data."""
from __future__ import annotations

import copy

import pytest

from extractors.theme_vocab import _validate_themes, load_vocab, theme_info
from extractors.vocab import VocabError, load_yaml

FIELDS = ["Veilige woon- en leefomgeving", "Bedrijvigheid en veiligheid", "Jeugd en veiligheid",
          "Fysieke veiligheid", "Integriteit en veiligheid"]


def test_vocabulary_loads_with_parents_and_fields():
    vocab = load_vocab()
    assert len(vocab.themes) >= 60
    for td in vocab.themes.values():
        assert td.field in FIELDS
        assert td.parent is None or td.parent in vocab.themes


@pytest.mark.parametrize("theme_id", [
    "ondermijning", "drugscriminaliteit", "hennep", "synthetische_drugs", "omg", "mensenhandel", "witwassen",
    "vakantieparken", "zorgfraude", "vastgoed", "georganiseerde_criminaliteit", "cybercrime",
    "gedigitaliseerde_criminaliteit", "online_bedreiging", "cyberfraude", "digitale_veiligheid",
    "jeugd_en_veiligheid", "jeugdoverlast", "jeugdgroepen", "criminele_aanwas", "kwetsbare_personen",
    "verward_gedrag", "zorg_en_veiligheid", "high_impact_crime", "woninginbraak", "geweld", "straatroof",
    "overvallen", "huiselijk_geweld", "uitgaansgeweld", "geweld_publieke_taak", "overlast", "drugsoverlast",
    "alcoholoverlast", "verkeersveiligheid", "voertuigcriminaliteit", "radicalisering", "polarisatie",
    "extremisme", "maatschappelijke_onrust", "informatiepositie", "intelligence", "veiligheidsbeleving",
    "burgerparticipatie", "slachtoffers", "fysieke_veiligheid",
])
def test_required_theme_exists(theme_id):
    assert theme_id in load_vocab().themes


def test_sub_themes_keep_their_parent():
    assert theme_info("hennep")["parent"] == "drugscriminaliteit"
    assert theme_info("drugscriminaliteit")["parent"] == "ondermijning"
    assert theme_info("woninginbraak") == {"theme_id": "woninginbraak", "label": "Woninginbraken",
                                           "parent": "high_impact_crime",
                                           "vng_field": "Veilige woon- en leefomgeving"}
    assert theme_info("no_such_theme") is None
    assert load_vocab().is_descendant("synthetische_drugs", "ondermijning")
    assert not load_vocab().is_descendant("ondermijning", "synthetische_drugs")


def _base():
    return copy.deepcopy(load_yaml("themes.yaml"))


def _theme(data, tid):
    return next(t for t in data["themes"] if t["id"] == tid)


def test_real_file_validates():
    _validate_themes(_base())


@pytest.mark.parametrize("breakage, message", [
    (lambda d: d["themes"].append(copy.deepcopy(_theme(d, "geweld"))), "listed twice"),
    (lambda d: _theme(d, "hennep").__setitem__("parent", "drugs_algemeen"), "does not exist"),
    (lambda d: _theme(d, "hennep").__setitem__("field", "Openbare orde"), "is not one of"),
    (lambda d: _theme(d, "hennep")["terms"].append("Mensenhandel"), "listed under both"),
    (lambda d: _theme(d, "geweld")["pseudo"].append("huiselijk geweld"), "also a term"),
    (lambda d: _theme(d, "geweld").__setitem__("parent", "huiselijk_geweld"), "cycle"),
    (lambda d: _theme(d, "geweld").__setitem__("id", "Geweld Algemeen"), "slug"),
    (lambda d: _theme(d, "vastgoed").__setitem__("weak", ["onroerend goed"]), "weak term"),
    (lambda d: _theme(d, "omg")["abbreviations"].append("HIC"), "abbreviation"),
])
def test_bad_vocabulary_is_rejected(breakage, message):
    data = _base()
    breakage(data)
    with pytest.raises(VocabError, match=message):
        _validate_themes(data)
