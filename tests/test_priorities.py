"""Priority lists on policy prose written for these tests, plus one seed as a check."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from extractors.document import document_from_text
from extractors.priorities import extract_priorities
from extractors.structure import parse_structure

ROOT = Path(__file__).resolve().parent.parent


def lists_of(text: str) -> dict[str, list]:
    doc = document_from_text(text)
    items = extract_priorities(doc, parse_structure(doc))
    out: dict[str, list] = {}
    for it in items:
        out.setdefault(it.list_title, []).append(it)
    return out


IVP = """\
# Integraal Veiligheidsplan Zwartewaterland 2025-2028

## Samenvatting

Dit plan kiest drie prioriteiten. Het gaat om:

- ondermijning;
- jeugd en veiligheid;
- high impact crimes.

## 1. Wat gemeenten in de regio kiezen

### De top 5 prioriteiten van de gemeenten in IJsselland

1. Woninginbraken
2. Jeugdoverlast
3. Ondermijning
4. Verkeersveiligheid
5. Huiselijk geweld

## 2. Onze prioriteiten

Uitgangspunten voor de aanpak zijn de volgende:

1. We werken wijkgericht;
2. We delen informatie tijdig.

Na overleg met de raad kiest het college voor de periode 2025-2028 de volgende prioriteiten:

- Ondermijning (waaronder drugscriminaliteit en witwassen);
- Jeugd en veiligheid;
- High impact crimes, zoals woninginbraken en overvallen.
"""


def test_own_list_adopted_reported_top5_ranked_and_principles_left_out():
    lists = lists_of(IVP)
    top = lists["De top 5 prioriteiten van de gemeenten in IJsselland"]
    assert [i.item_text for i in top] == ["Woninginbraken", "Jeugdoverlast", "Ondermijning",
                                         "Verkeersveiligheid", "Huiselijk geweld"]
    assert all(i.ranked for i in top) and [i.rank for i in top] == [1, 2, 3, 4, 5]
    assert not any(i.adopted for i in top)  # the municipalities' list, reported
    own = [v for k, v in lists.items() if k.startswith("Na overleg")]
    assert len(own) == 1
    assert [i.item_text for i in own[0]] == ["Ondermijning (waaronder drugscriminaliteit en witwassen)",
                                            "Jeugd en veiligheid",
                                            "High impact crimes, zoals woninginbraken en overvallen."]
    assert all(i.adopted and not i.ranked and i.rank is None for i in own[0])
    # the principles are no priorities, and the summary's copy of the own list is kept once
    assert not any("wijkgericht" in i.item_text for v in lists.values() for i in v)
    assert sum(1 for v in lists.values() for i in v if i.item_text.lower().startswith("jeugd en veiligheid")) == 1


def test_theme_headings_are_the_items_and_sub_bullets_are_not():
    text = """\
Het Regionaal Veiligheidsoverleg heeft de volgende thema's vastgesteld:

Thema 1: Ondermijning
- Drugshandel
- Witwassen

Thema 2: Zorg en veiligheid
- Personen met verward gedrag

Thema 3. Cybercrime

Thema Klimaat en veiligheid
Dit thema wordt nog verkend.
"""
    lists = lists_of(text)
    assert len(lists) == 1
    (title, items), = lists.items()
    assert "thema's vastgesteld" in title
    assert [i.item_text for i in items] == ["Ondermijning", "Zorg en veiligheid", "Cybercrime"]
    page = document_from_text(text).pages[0].text
    assert page[items[0].char_start:items[0].char_end] == "Ondermijning"


def test_quoted_enumeration_in_running_text():
    text = ("Aanleiding\n\nDe vier gemeenten werken de komende jaren samen op drie speerpunten, namelijk "
            "'ondermijning', 'digitale veiligheid' en 'zorg en veiligheid'. Het onderwerp 'verkeer' blijft lokaal.\n")
    lists = lists_of(text)
    (title, items), = lists.items()
    assert [i.item_text for i in items] == ["ondermijning", "digitale veiligheid", "zorg en veiligheid"]
    assert title.startswith("De vier gemeenten")
    page = document_from_text(text).pages[0].text
    assert page[items[1].char_start:items[1].char_end] == "digitale veiligheid"


def test_numbering_that_runs_on_across_cluster_headings_is_one_list():
    text = """\
Bijlage 1: Landelijke prioriteiten politie 2025

Cluster A: Veilige buurt
1. Aanpak van
woninginbraken
2. Aanpak jeugdgroepen Het doel is een daling van de overlast.

Cluster B: Ondermijning
3. Aanpak van drugscriminaliteit
4. Aanpak mensenhandel
"""
    lists = lists_of(text)
    (title, items), = lists.items()
    assert title == "Landelijke prioriteiten politie 2025"
    assert [i.item_text for i in items] == ["Aanpak van woninginbraken", "Aanpak jeugdgroepen",
                                            "Aanpak van drugscriminaliteit", "Aanpak mensenhandel"]
    assert not items[0].adopted  # national priorities, reported by the document


def test_lists_without_priority_cue_are_ignored():
    text = """\
Planning

- maart 2025: consultatie van de raad;
- juni 2025: vaststelling.

Vragen aan de commissie

1. Herkent u de genoemde thema's?
2. Mist u een thema?
"""
    assert lists_of(text) == {}


@pytest.mark.parametrize("stem", ["001_95753981e9523355"])
def test_seed_items_match_gold(stem):
    gold = json.loads((ROOT / "samples" / "gold" / f"{stem}.json").read_text(encoding="utf-8"))
    doc = document_from_text((ROOT / "samples" / "text" / f"{stem}.txt").read_text(encoding="utf-8"))
    items = extract_priorities(doc, parse_structure(doc))
    got = [" ".join(i.item_text.split()).lower() for i in items]
    want = [" ".join(i.split()).lower() for lst in gold["priority_lists"] for i in lst["items"]]
    assert got == want
    ranked = [lst for lst in gold["priority_lists"] if lst["ranked"]]
    for lst in ranked:
        for pos, text in enumerate(lst["items"], start=1):
            assert any(i.item_text == text and i.rank == pos for i in items)


def test_actions_under_a_priority_and_long_descriptions_are_not_priority_lists():
    text = """\
Prioriteit ondermijning

Voor deze prioriteit voeren we de volgende acties uit:
- een integraal projectplan per wijk;
- bestuurlijke controles op bedrijventerreinen.

De gemeente heeft de volgende prioriteiten gekozen:
- Wij zorgen ervoor dat alle jongeren die overlast veroorzaken binnen twee weken na een melding een gesprek krijgen met de jongerenwerker en de wijkagent, en dat hun ouders daarbij worden betrokken en geïnformeerd;
- Wij zorgen ervoor dat elke melding van woonoverlast binnen vijf werkdagen wordt opgepakt door de woningcorporatie, de gemeente en de politie samen, en dat de melder binnen die termijn wordt teruggebeld en geïnformeerd;
- Wij zorgen ervoor dat ondernemers op bedrijventerreinen die signalen van ondermijning zien, die zonder drempels kunnen melden bij een vast aanspreekpunt bij de gemeente, en dat zij een terugkoppeling krijgen;

De raad heeft de volgende speerpunten vastgesteld.
- Veilige wijken
- Digitale veiligheid
"""
    lists = lists_of(text)
    assert list(lists) == ["De raad heeft de volgende speerpunten vastgesteld."]
    assert [i.item_text for i in lists["De raad heeft de volgende speerpunten vastgesteld."]] == [
        "Veilige wijken", "Digitale veiligheid"]


PDF_PLAN = """\
Integraal Veiligheidsplan Hardenberg 2024-2027
1. Inleiding
Dit integraal veiligheidsplan beschrijft hoe de gemeente Hardenberg de komende vier jaar werkt aan
een veilige samenleving. Het plan is opgesteld samen met politie, Openbaar Ministerie en partners.
2. Wat we hebben opgehaald
In de veiligheidsanalyse en de gesprekken met inwoners zijn de volgende onderwerpen het vaakst
genoemd, in volgorde van prioriteit:
1. Verkeersveiligheid rond scholen
2. Woninginbraken
3. Overlast van jongeren
4. Drugsgebruik in het uitgaansgebied
3. Onze prioriteiten
Het college kiest voor de periode 2024-2027 de volgende drie prioriteiten:
• Ondermijning, met aandacht voor drugslabs in het buitengebied en
witwassen via vastgoed;
• Jeugd en veiligheid;
• Zorg en veiligheid, waaronder personen met onbegrepen gedrag.
Daarnaast blijven we werken aan de basis. Dat betekent onder meer:
• handhaving in de openbare ruimte;
• samenwerking met de veiligheidsregio IJsselland.
4. Uitvoering
Elk jaar stellen we een uitvoeringsprogramma op. Hierin staan per prioriteit de acties.
"""


def test_pdf_text_without_blank_lines_sections_ranked_input_and_own_choice():
    doc = document_from_text(PDF_PLAN)
    structure = parse_structure(doc)
    numbered = [(h.number, h.text) for h in structure.headings if h.kind == "numbered"]
    assert numbered == [("1", "Inleiding"), ("2", "Wat we hebben opgehaald"), ("3", "Onze prioriteiten"),
                        ("4", "Uitvoering")]
    lists = lists_of(PDF_PLAN)
    assert len(lists) == 2
    ranked = [v for v in lists.values() if v[0].ranked][0]
    assert [(i.rank, i.item_text) for i in ranked][:2] == [(1, "Verkeersveiligheid rond scholen"), (2, "Woninginbraken")]
    assert not ranked[0].adopted  # what residents named, not the college's choice
    own = lists["Onze prioriteiten"]
    assert own[0].adopted and not own[0].ranked
    assert own[0].item_text == "Ondermijning, met aandacht voor drugslabs in het buitengebied en witwassen via vastgoed"


def test_numbered_priority_headings_and_typographic_quotes():
    text = """\
Aanleiding

In dit plan staan drie thema’s centraal, namelijk ‘ondermijning’, ‘cybercrime’ en ‘zorg en veiligheid’. Daarnaast is er aandacht voor ‘verkeer’.

3. Onze speerpunten

3.1 Prioriteit: Woninginbraken
Het aantal inbraken daalt.

3.2 Prioriteit: Jeugd en veiligheid
Jongeren krijgen perspectief.

Speerpunt 1 – Veilige wijken
Tekst over de wijken.
Speerpunt 2 – Digitale weerbaarheid
Tekst over digitale weerbaarheid.
"""
    doc = document_from_text(text)
    by_index: dict[int, list] = {}
    for it in extract_priorities(doc, parse_structure(doc)):
        by_index.setdefault(it.list_index, []).append(it)
    got = [[i.item_text for i in items] for _, items in sorted(by_index.items())]
    assert got == [["ondermijning", "cybercrime", "zorg en veiligheid"], ["Woninginbraken", "Jeugd en veiligheid"],
                   ["Veilige wijken", "Digitale weerbaarheid"]]
    assert by_index[0][0].list_title == "In dit plan staan drie thema’s centraal"


def test_priority_tree_gives_sub_themes_under_theme_headings():
    from extractors.priorities import extract_priority_tree

    text = """\
De volgende thema's zijn gekozen:

Thema 1: Ondermijning
- Drugshandel
- Witwassen

Thema 2: Jeugd en veiligheid
- Criminele aanwas
"""
    doc = document_from_text(text)
    tree = extract_priority_tree(doc, parse_structure(doc))
    assert [(i.item_text, [s.text for s in subs]) for i, subs in tree] == [
        ("Ondermijning", ["Drugshandel", "Witwassen"]), ("Jeugd en veiligheid", ["Criminele aanwas"])]


def test_a_ranking_of_some_of_the_themes_is_a_list_of_its_own():
    text = """\
## Focusgebieden 2021

Focusgebied 1: Overlast door jongeren in de wijk
Focusgebied 2: Woninginbraak
Focusgebied 3: Ondermijning
Focusgebied 4: Online criminaliteit

## Vooruitblik

Voor 2022 zijn de focusgebieden op volgorde van belang gezet:

1. Ondermijning
2. Overlast door jongeren
3. Woninginbraak
"""
    lists = lists_of(text)
    assert len(lists) == 2
    ranked = [v for v in lists.values() if v[0].ranked][0]
    assert [(i.rank, i.item_text) for i in ranked] == [(1, "Ondermijning"), (2, "Overlast door jongeren"),
                                                       (3, "Woninginbraak")]
    four = [v for v in lists.values() if not v[0].ranked][0]
    assert [i.item_text for i in four] == ["Overlast door jongeren in de wijk", "Woninginbraak", "Ondermijning",
                                           "Online criminaliteit"]


def test_priorities_of_partner_bodies_are_reported():
    text = """\
### Speerpunten van de ketenpartners

De veiligheidsregio en de GGD noemen de volgende speerpunten:

- Natuurbranden
- Hittestress

Het LIEC Utrecht hanteert de volgende thema's:

- Witwassen
- Vastgoedfraude
"""
    lists = lists_of(text)
    assert len(lists) == 2
    assert all(not i.adopted for v in lists.values() for i in v)


def test_a_list_of_themes_that_are_not_priorities_is_left_out():
    text = """\
De gemeente kiest de volgende prioriteiten:

- Ondermijning
- Jeugd

Voor de volgende thema's geldt dat zij in deze periode geen speerpunt zijn:

- Brandveiligheid
- Evenementen

Overige veiligheidsthema's

- Verkeer
- Crisisbeheersing
"""
    lists = lists_of(text)
    assert [i.item_text for v in lists.values() for i in v] == ["Ondermijning", "Jeugd"]


def test_an_own_choice_made_from_national_and_municipal_priorities_is_adopted():
    text = """\
Op basis van de landelijke prioriteiten en de gemeentelijke prioriteiten kiezen wij voor drie speerpunten:

1. Ondermijning
2. Woninginbraak
3. Jeugdgroepen
"""
    (items,) = lists_of(text).values()
    assert all(i.adopted for i in items)


def test_unquoted_enumeration_of_themes_in_running_text():
    text = ("Het bestuur van de veiligheidsregio stelde in 2020 een nieuw plan vast. De speerpunten "
            "zijn brandveiligheid, crisisbeheersing en externe veiligheid. De burgemeesters bespreken "
            "deze jaarlijks.\n")
    (title, items), = lists_of(text).items()
    assert [i.item_text for i in items] == ["brandveiligheid", "crisisbeheersing", "externe veiligheid"]
    assert title == "De speerpunten zijn"
    page = document_from_text(text).pages[0].text
    assert page[items[2].char_start:items[2].char_end] == "externe veiligheid"


def test_enumerations_of_examples_or_of_non_themes_are_not_lists():
    text = ("Het plan gaat over thema's zoals woninginbraak, fietsendiefstal en geweld. "
            "De prioriteiten van de raad zijn duidelijk, helder en breed gedragen. "
            "De aandachtsgebieden van het OM omvatten onder meer fraude, mensenhandel en witwassen.\n")
    assert lists_of(text) == {}


def test_spelled_out_top_and_singular_priority_phrases_announce_lists():
    (items,) = lists_of("Onze top drie\n\n1. Verkeersveiligheid\n2. Jeugd\n3. Overlast\n").values()
    assert [(i.rank, i.item_text) for i in items] == [(1, "Verkeersveiligheid"), (2, "Jeugd"), (3, "Overlast")]
    (items,) = lists_of("De raad heeft de volgende onderwerpen als prioriteit benoemd:\n\n- Woninginbraak\n"
                        "- Huiselijk geweld\n").values()
    assert [i.item_text for i in items] == ["Woninginbraak", "Huiselijk geweld"] and not items[0].ranked
    (items,) = lists_of("Wij geven in deze periode prioriteit aan:\na. de aanpak van ondermijning;\n"
                        "b. digitale veiligheid.\n").values()
    assert [i.item_text for i in items] == ["de aanpak van ondermijning", "digitale veiligheid."]
    # the same words with "geen" say the opposite
    assert lists_of("Deze onderwerpen krijgen geen prioriteit:\n\n- Evenementen\n- Verkeer\n") == {}


def test_semicolon_enumeration_and_lettered_priority_headings():
    (items,) = lists_of("Focuspunten voor 2020 zijn: ondermijning; jeugdcriminaliteit; cybercrime.\n").values()
    assert [i.item_text for i in items] == ["ondermijning", "jeugdcriminaliteit", "cybercrime"]
    text = ("Prioriteit A: Ondermijning\nTekst over de aanpak.\nPrioriteit B: Jeugd\nTekst over jongeren.\n"
            "Prioriteit C: Veilig uitgaan\nTekst over de horeca.\n")
    (items,) = lists_of(text).values()
    assert [i.item_text for i in items] == ["Ondermijning", "Jeugd", "Veilig uitgaan"]


def test_lead_ins_that_give_the_basis_or_what_holds_for_all_priorities():
    assert lists_of("De prioriteiten zijn gekozen op basis van:\n\n- de veiligheidsanalyse;\n"
                    "- gesprekken met inwoners.\n") == {}
    assert lists_of("Voor alle speerpunten geldt het volgende:\n\n- we werken wijkgericht;\n"
                    "- we betrekken inwoners.\n") == {}
    assert lists_of("De thema's zijn vertaald in concrete doelstellingen:\n\n- 10% minder inbraken;\n"
                    "- minder overlast.\n") == {}
    (items,) = lists_of("Op basis van de analyse kiezen wij de volgende prioriteiten:\n\n- Ondermijning\n"
                        "- Jeugd\n").values()
    assert [i.item_text for i in items] == ["Ondermijning", "Jeugd"]


def test_a_cue_noun_with_one_letter_wrong_still_announces_the_list():
    (items,) = lists_of("De gemeente kiest de volgende prioriteten:\n\n- Ondermijning\n- Jeugd\n").values()
    assert [i.item_text for i in items] == ["Ondermijning", "Jeugd"]
    # a singular is two letters off and no cue on its own
    assert lists_of("Dit project heeft een hoge prioriteit:\n\n- snel handelen\n- samenwerken\n") == {}


def test_speerpunten_of_the_police_unit_in_a_municipal_plan_are_reported():
    text = "De speerpunten van de eenheid Den Haag voor 2020 zijn:\n\n- ondermijning;\n- cybercrime.\n"
    (items,) = lists_of(text).values()
    assert not any(i.adopted for i in items)


def test_enumeration_whose_last_item_has_en_inside_it():
    text = ("De burgemeesters kiezen voor drie regionale thema's: woninginbraak, zorg en veiligheid en "
            "cybercrime. Daarover later meer.\n")
    (items,) = lists_of(text).values()
    assert [i.item_text for i in items] == ["woninginbraak", "zorg en veiligheid", "cybercrime"]


def test_enumeration_after_a_colon_may_have_longer_items():
    text = ("Voor de komende vier jaar heeft het college drie speerpunten bepaald:\n"
            "Woonoverlast in de oudere wijken van de stad, Cybercrime tegen ondernemers en "
            "Fietsendiefstal bij de stations. Het college informeert de raad jaarlijks.\n")
    (items,) = lists_of(text).values()
    assert [i.item_text for i in items] == ["Woonoverlast in de oudere wijken van de stad",
                                            "Cybercrime tegen ondernemers", "Fietsendiefstal bij de stations"]
    # without the colon a long segment is running text, not an item
    text = ("Het college bepaalde drie speerpunten, woonoverlast die in de oudere wijken van de stad toeneemt, "
            "cybercrime en fietsendiefstal.\n")
    assert not lists_of(text)


def test_enumeration_in_the_paragraph_under_a_heading():
    text = ("Inleiding\n\nDe driehoek heeft voor 2025 vier speerpunten gekozen: woninginbraak, witwassen, "
            "jeugdoverlast en cybercrime. Daarover leest u hieronder meer.\n")
    (items,) = lists_of(text).values()
    assert [i.item_text for i in items] == ["woninginbraak", "witwassen", "jeugdoverlast", "cybercrime"]
    page = document_from_text(text).pages[0].text
    assert page[items[1].char_start:items[1].char_end] == "witwassen"


def test_bullets_under_a_priority_heading_are_no_list_of_priorities():
    text = ("# Veiligheidsplan\n\n## 2. Onze speerpunten\n\n### 2.1 Ondermijning\n\n"
            "Wij werken samen met het RIEC. De inzet betreft:\n\n- drugshandel in de haven\n- witwassen via vastgoed\n"
            "- illegale bewoning van recreatiewoningen\n\n### 2.2 Jeugdoverlast\n\nDe wijkteams zijn actief.\n")
    lists = lists_of(text)
    assert not [t for t, items in lists.items() if any("witwassen" in i.item_text for i in items)]
    # a list right under the cue heading is still one
    text = ("## 2. Onze speerpunten\n\nDe raad koos het volgende.\n\n- Drugshandel\n- Witwassen\n- Jeugdoverlast\n")
    (items,) = lists_of(text).values()
    assert [i.item_text for i in items] == ["Drugshandel", "Witwassen", "Jeugdoverlast"]
