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


# ----------------------------------------------------------------------------- surface-form probe
# Names other documents give the themes (synonyms, plurals, compounds, coordination ellipsis),
# typos and OCR confusions of them, and real Dutch look-alikes that must stay nothing.
# Written apart from the seed and held-out documents.

PROBE_FORMS = [
 # synonyms / variants
 ("Veilige wijken", "veiligheid_op_straat"), ("Zorg & Veiligheid", "zorg_en_veiligheid"),
 ("Zorg en veiligheid", "zorg_en_veiligheid"), ("Ondermijnende en georganiseerde criminaliteit", "ondermijning"),
 ("Personen met onbegrepen gedrag", "verward_gedrag"), ("Online criminaliteit", "gedigitaliseerde_criminaliteit"),
 ("Weerbare jeugd", "criminele_aanwas"), ("Woninginbraak en babbeltrucs", "woninginbraak"),
 ("Babbeltrucs", "babbeltrucs"), ("babbeltruc bij ouderen", "babbeltrucs"), ("Veilig uitgaan", "veilig_uitgaan"),
 ("Brandveiligheid", "brandveiligheid"), ("Polarisatie", "polarisatie"),
 ("Huiselijk geweld en kindermishandeling", "huiselijk_geweld"), ("Ondermijning in het buitengebied", "buitengebied"),
 ("Vitaal buitengebied", "buitengebied"), ("Weerbaar buitengebied", "buitengebied"),
 ("HIC", "high_impact_crime"), ("OMG's", "omg"), ("PGA", "persoonsgerichte_aanpak"),
 ("High Impact Crimes", "high_impact_crime"), ("woninginbraken", "woninginbraak"), ("inbraken in woningen", "woninginbraak"),
 ("overvallen", "overvallen"), ("straatroven", "straatroof"), ("plofkraken", "ram_plofkraken"),
 ("huiselijk en seksueel geweld", "huiselijk_geweld"), ("jeugdoverlast", "jeugdoverlast"),
 ("overlastgevende jongeren", "jeugdoverlast"), ("problematische jeugdgroepen", "jeugdgroepen"),
 ("drugs- en wapenhandel", "drugscriminaliteit"), ("Wapenhandel", "wapens"), ("Wapenbezit", "wapens"),
 ("wapens en explosieven", "wapens"), ("Explosies bij woningen", "explosies"), ("explosies", "explosies"),
 ("Sextortion", "online_bedreiging"), ("Drugs- en alcoholoverlast", "drugsoverlast"),
 ("hennep- en xtc-productie", "hennep"), ("mensenhandel en -smokkel", "mensenhandel"),
 ("arbeidsuitbuiting", "mensenhandel"), ("loverboyproblematiek", "mensenhandel"),
 ("ondermijnende criminaliteit", "ondermijning"), ("witwassen", "witwassen"),
 ("criminele geldstromen", "witwassen"), ("cybercriminaliteit", "cybercrime"), ("digitale criminaliteit", "gedigitaliseerde_criminaliteit"),
 ("online fraude", "cyberfraude"), ("phishing", "cyberfraude"), ("whatsappfraude", "cyberfraude"),
 ("verwarde personen", "verward_gedrag"), ("personen met verward gedrag", "verward_gedrag"),
 ("radicalisering en polarisatie", "radicalisering"), ("jihadisme", "extremisme"),
 ("verkeersveiligheid", "verkeersveiligheid"), ("crisisbeheersing", "crisisbeheersing"),
 ("rampenbestrijding", "crisisbeheersing"), ("vuurwerkoverlast", "jaarwisseling"), ("Jaarwisseling", "jaarwisseling"),
 ("veilig ondernemen", "veilig_ondernemen"), ("winkeldiefstal", "veilige_winkelgebieden"),
 ("coffeeshopbeleid", "coffeeshops"), ("prostitutie", "prostitutie"), ("mensensmokkel", "mensenhandel"),
 ("zedendelicten", "zeden"), ("kinderporno", "kinderporno"), ("fietsendiefstal", "fietsendiefstal"),
 ("autokraken", "voertuigcriminaliteit"), ("veiligheidsgevoel", "veiligheidsbeleving"),
 ("Buurtpreventie", "burgerparticipatie"), ("informatiedeling", "informatiedeling"),
 ("Woonoverlast", "woonoverlast"), ("burenruzies", "woonoverlast"), ("ondermijning", "ondermijning"),
 ("Georganiseerde misdaad", "georganiseerde_criminaliteit"), ("zware en georganiseerde criminaliteit", "georganiseerde_criminaliteit"),
 ("Outlaw motorcycle gangs", "omg"), ("motorbendes", "omg"), ("criminele uitbuiting", "mensenhandel"),
 ("Geweld tegen hulpverleners", "geweld_publieke_taak"), ("agressie en geweld tegen hulpverleners", "geweld_publieke_taak"),
 ("Veilige publieke taak", "geweld_publieke_taak"), ("ondermijning en georganiseerde criminaliteit", "ondermijning"),
 ("Drugsoverlast", "drugsoverlast"), ("Alcohol- en drugsgebruik onder jongeren", "middelengebruik_jongeren"),
 ("Jeugdcriminaliteit", "jeugdcriminaliteit"), ("Criminele aanwas", "criminele_aanwas"),
 ("Cybercrime", "cybercrime"), ("Digitale weerbaarheid", "digitale_veiligheid"), ("Extremisme", "extremisme"),
 ("Terrorisme", "terrorisme"), ("Maatschappelijke onrust", "maatschappelijke_onrust"), ("Milieucriminaliteit", "milieucriminaliteit"),
 ("Ondermijning op vakantieparken", "vakantieparken"), ("Bibob", "bibob"), ("Zorgfraude", "zorgfraude"),
 ("Drugshandel", "drugscriminaliteit"), ("drugsdealen", "drugscriminaliteit"), ("synthetische drugs", "synthetische_drugs"),
 ("drugslabs", "synthetische_drugs"), ("Externe veiligheid", "externe_veiligheid"), ("high-impact crimes", "high_impact_crime"),
 ("Evenementenveiligheid", "evenementen"), ("Horeca", "horeca"), ("Veilig uitgaansgebied", "veilig_uitgaan"),
 ("Slachtofferhulp", "slachtoffers"), ("Dierenmishandeling", "dierenmishandeling"),
 ("Ouderenmishandeling", "huiselijk_geweld"), ("Eergerelateerd geweld", "eergerelateerd_geweld"),
 ("Straatintimidatie", "zeden"), ("Online seksueel kindermisbruik", "kinderporno"), ("Ramkraken", "ram_plofkraken"),
 ("Geweld", "geweld"), ("Uitgaansgeweld", "uitgaansgeweld"), ("Jeugd en veiligheid", "jeugd_en_veiligheid"),
 ("Zorg en Veiligheidshuis", None),
]
PROBE_TYPOS = [
 ("Ondernijning", "ondermijning"), ("Ondermyning", "ondermijning"), ("Ondermijnig", "ondermijning"), ("Ondermjining", "ondermijning"),
 ("Ondermijjning", "ondermijning"), ("Ondemijning", "ondermijning"), ("Woninginbaak", "woninginbraak"), ("Woninginbrraak", "woninginbraak"),
 ("woninginbraaken", "woninginbraak"), ("Cybercrme", "cybercrime"), ("Cyber crime", "cybercrime"), ("cybercriminalitiet", "cybercrime"),
 ("Radicalisring", "radicalisering"), ("Polarisaite", "polarisatie"), ("Mensenhandle", "mensenhandel"), ("mensenhadel", "mensenhandel"),
 ("Kindermishandleing", "kindermishandeling"), ("huiselyk geweld", "huiselijk_geweld"), ("Brandveilgheid", "brandveiligheid"),
 ("verkeersveilighied", "verkeersveiligheid"), ("Jeugdoverlaast", "jeugdoverlast"), ("straatrrof", "straatroof"),
 ("Ondermjinende criminaliteit", "ondermijning"), ("georganiseerde crirninaliteit", "georganiseerde_criminaliteit"),
 ("Witwasssen", "witwassen"), ("Hennepteel", "hennep"), ("Henneptelt", "hennep"), ("Extremsime", "extremisme"),
 ("Veiligheidsbeleeving", "veiligheidsbeleving"), ("High impakt crime", "high_impact_crime"), ("verwarde personnen", "verward_gedrag"),
 ("Huiselijk gewe1d", "huiselijk_geweld"), ("Crisisbeheersng", "crisisbeheersing"), ("woning inbraken", "woninginbraak"),
 ("Drugsoverlaat", "drugsoverlast"), ("Verloederring", "verloedering"), ("fietsendiefstall", "fietsendiefstal"),
]
PROBE_LOOKALIKES = ["ondernemers", "onderneming", "ondernemen", "ondernemingen", "ondermeer", "ondertussen", "onderwijs", "onderzoek",
 "ondersteuning", "overleg", "overal", "overlaten", "overlaat", "overvloed", "geweldig", "geweldige", "gewelf", "geweer",
 "geweest", "gewerkt", "gewend", "inbreng", "inbouwen", "opbrengst", "woning", "woningen", "woningbouw", "jeugdzorg",
 "jeugdhulp", "jeugdig", "jeugdigen", "extreem", "extreme", "externe", "radicaal", "rationalisering", "popularisering",
 "popularisatie", "polaris", "mensenhanden", "handelen", "handel", "overvallend", "rampen", "brandweer", "brandstof",
 "branden", "straatnaam", "straten", "stratenplan", "fraudebestendig", "fraai", "horecaondernemers", "horecazaak",
 "prostaat", "prestatie", "prostitué", "hennepzaad", "heupen", "wapenstilstand", "wapen", "wapenen", "bewapening", "wapenschild",
 "explosief", "explosiegevaar", "ZSM", "BOA", "RIEC", "GGZ", "OM", "politie", "veiligheid", "criminaliteit", "zorg",
 "kwetsbaarheid", "verwarring", "verward", "verwarming", "verweer", "vandaag", "vandaar", "cybernetica", "cyclus",
 "babbelen", "babbel", "trucs", "truc", "buiten", "buitenland", "buitenlandse", "buitengewoon", "buitengewone",
 "sextant", "sekse", "seksualiteit", "seksuele voorlichting", "uitgaan", "uitgaven", "uitgave", "evenement", "evenwel", "evenwicht",
 "vuurwerkverkoop", "oudejaarsavond", "oudjaar", "helen", "heling", "helling", "heldere", "helder",
 "veelplegers", "veelzeggend", "veelvoud", "plegers", "ondernemend", "onderneemt", "georganiseerd", "organisatie",
 "ondermijnen", "ondermijnt", "onderdompeling", "mensen", "handelingen", "vastgoedmarkt", "vastgesteld", "vaststellen",
 "explosies van vreugde", "buitengebied", "polarisatiemodel",
]


@pytest.mark.parametrize("text, theme", PROBE_FORMS + PROBE_TYPOS)
def test_probe_surface_forms_map_to_their_theme(text, theme):
    from extractors.themes import theme_for_text

    assert theme_for_text(text) == theme


@pytest.mark.parametrize("word", [w for w in PROBE_LOOKALIKES if w not in ("heling", "veelplegers", "buitengebied", "explosies van vreugde")])
def test_probe_look_alikes_name_no_theme(word):
    from extractors.themes import themes_in_text

    assert themes_in_text(word) == []
