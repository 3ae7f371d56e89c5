"""The table of contents read as the document's outline, in the shapes text layers give it;
its priority chapters as priority lists; chosen items the vocabulary lacks kept in their own
words. All texts written for these tests."""
from __future__ import annotations

from extractors.document import document_from_text
from extractors.outline import read_outline, walk
from extractors.priorities import extract_priority_tree
from extractors.structure import parse_structure
from extractors.themes import find_mentions, item_mentions, summarize


def outline(text):
    return [(e.level, e.number, e.title) for e in walk(read_outline(document_from_text(text)))]


def tree_of(text):
    doc = document_from_text(text)
    structure = parse_structure(doc)
    tree = extract_priority_tree(doc, structure)
    return doc, structure, tree


ONE_A_LINE = """Veiligheidsplan Bergdorp 2026-2029

Inhoudsopgave

Voorwoord 2

1 Inleiding 3

2 Analyse ......... 5

3 Onze prioriteiten 8

3.1 Veilige dorpskernen. 8

3.2 Zorg en veiligheid pag. 9

3.3 Drugscriminaliteit in het buitengebied 10

4 Reguliere taken 12

4.1 Brandveiligheid 12

4.2 Verkeersveiligheid 13

Voorwoord

Bergdorp is een gemeente waar inwoners zich veilig voelen en dat willen we graag zo houden in de jaren die komen.
"""

RUN_TOGETHER = """Inhoud
1. Inleiding 2. Werkwijze 3. Keuzes voor de komende jaren
4. Thema Veilige wijken 4.1 Aanpak woonoverlast 4.2 Buurtbemiddeling
7 8 9
5. Thema Weerbare jongeren 5.1 Aanpak jeugdgroepen
10 11
6. Financiën
12
1. Inleiding
Dit plan beschrijft hoe de gemeente de komende vier jaar werkt aan de veiligheid van alle inwoners van de stad.
"""

NESTED_WEB_LIST = """Inhoud

  • 1.

    Aanleiding

  • 2.

    De prioriteiten

    • 1.

      Leefbare buurten

    • 2.

      Ondermijning

    • 3.

      Veilig uitgaan

  • 3.

    Uitvoering
"""


def test_contents_one_entry_a_line_with_page_numbers_and_dot_leaders():
    assert outline(ONE_A_LINE) == [
        (1, "1", "Inleiding"), (1, "2", "Analyse"), (1, "3", "Onze prioriteiten"),
        (2, "3.1", "Veilige dorpskernen"), (2, "3.2", "Zorg en veiligheid"),
        (2, "3.3", "Drugscriminaliteit in het buitengebied"), (1, "4", "Reguliere taken"),
        (2, "4.1", "Brandveiligheid"), (2, "4.2", "Verkeersveiligheid")]


def test_contents_run_together_and_the_body_repeating_a_chapter_ends_them():
    entries = outline(RUN_TOGETHER)
    assert (1, "3", "Keuzes voor de komende jaren") in entries
    assert (2, "4.2", "Buurtbemiddeling") in entries
    assert entries[-1] == (1, "6", "Financiën")


def test_contents_as_a_nested_web_list_take_their_levels_from_the_indentation():
    assert outline(NESTED_WEB_LIST) == [
        (1, "1", "Aanleiding"), (1, "2", "De prioriteiten"), (2, "1", "Leefbare buurten"),
        (2, "2", "Ondermijning"), (2, "3", "Veilig uitgaan"), (1, "3", "Uitvoering")]


def test_sub_entries_of_a_priority_chapter_are_the_priority_list():
    _doc, _s, tree = tree_of(ONE_A_LINE)
    items = [i.item_text for i, _ in tree if i.list_title == "Onze prioriteiten"]
    assert items == ["Veilige dorpskernen", "Zorg en veiligheid", "Drugscriminaliteit in het buitengebied"]
    assert all(not i.item_text.startswith(("Brand", "Verkeer")) for i, _ in tree)  # regular tasks


def test_chapters_each_named_after_a_theme_form_the_list_and_their_sections_are_sub_themes():
    doc, structure, tree = tree_of(RUN_TOGETHER)
    assert [(i.item_text, [s.text for s in subs]) for i, subs in tree] == [
        ("Veilige wijken", ["Aanpak woonoverlast", "Buurtbemiddeling"]),
        ("Weerbare jongeren", ["Aanpak jeugdgroepen"])]
    rows = {r.theme_id: r for r in summarize(doc, find_mentions(doc), structure, [i for i, _ in tree], tree)}
    first = tree[0][0].theme_id
    assert rows[first].prioritized and rows["buurtbemiddeling"].prioritized
    assert rows["buurtbemiddeling"].parent_theme_id == first


def test_priority_categories_under_a_chapter_name_no_theme():
    text = ("Inhoudsopgave\n3 Prioritering 9\n3.1 Landelijke prioriteiten 9\n3.2 Regionale prioriteiten 10\n"
            "3.3 Lokale prioriteiten 11\n4 Uitvoering 12\n")
    _doc, _s, tree = tree_of(text)
    assert tree == []


def test_a_chosen_item_the_vocabulary_lacks_keeps_the_documents_words():
    text = ("Het college kiest voor de volgende prioriteiten:\n\n"
            "- Veilige dorpskernen, met focus op de winkelstraten;\n- Ondermijning;\n- Oud en nieuw.\n")
    doc, structure, tree = tree_of(text)
    rows = {r.theme_id: r for r in summarize(doc, find_mentions(doc), structure, [i for i, _ in tree], tree)}
    assert rows["veilige_dorpskernen"].prioritized and rows["veilige_dorpskernen"].theme_label == "Veilige dorpskernen"
    assert rows["ondermijning"].prioritized
    own = {(m.theme_id, m.surface, m.match_kind) for m in item_mentions(doc, tree)}
    assert ("veilige_dorpskernen", "Veilige dorpskernen", "document") in own
    assert ("ondermijning", "Ondermijning", "item") in own


def items_of(text):
    _doc, _s, tree = tree_of(text)
    return [(i.item_text, i.adopted) for i, _ in tree]


def test_lead_ins_without_the_word_prioriteit_announce_the_list():
    text = ("De wijkscan laat zien dat er tot 2028 extra aandacht nodig is voor:\n\n"
            "- Overlast van verwarde personen\n- Fietsendiefstal bij het station\n- Ondermijning\n")
    assert [t for t, _ in items_of(text)] == ["Overlast van verwarde personen", "Fietsendiefstal bij het station",
                                               "Ondermijning"]


def test_blijvende_aandacht_beside_the_priorities_is_no_priority_list():
    text = ("Daarnaast houden wij blijvende aandacht voor de volgende onderwerpen:\n\n"
            "- Brandveiligheid\n- Verkeersveiligheid\n- Evenementen\n")
    assert items_of(text) == []


def test_an_enumeration_after_a_colon_may_hold_the_documents_own_words():
    text = ("Voor de regio zijn drie prioriteiten benoemd: betere samenwerking met de scholen, "
            "een sterke crisisorganisatie en informatievoorziening.\n")
    assert [t for t, _ in items_of(text)] == ["betere samenwerking met de scholen", "een sterke crisisorganisatie",
                                               "informatievoorziening"]


def test_an_inline_numbered_enumeration_is_split_at_its_numbers():
    text = ("In het plan zijn drie prioriteiten vastgesteld: 1. Schone en hele buurten, 2. Minder "
            "overlast en verloedering en 3. Weerbare ondernemers in het centrum.\n")
    assert [t for t, _ in items_of(text)] == ["Schone en hele buurten", "Minder overlast en verloedering",
                                               "Weerbare ondernemers in het centrum"]


def test_clauses_after_a_colon_are_no_items():
    text = "De prioriteiten zijn helder: we werken samen, we delen informatie en we treden op.\n"
    assert items_of(text) == []


def test_an_enumeration_cut_by_the_end_of_the_text_keeps_its_items():
    text = "Het plan beschrijft de aanpak. Onze prioriteiten zijn veilig uitgaan, woninginbraken en jeugdgr"
    assert [t for t, _ in items_of(text)][:2] == ["veilig uitgaan", "woninginbraken"]


def test_short_headings_right_under_a_goal_heading_are_the_goals():
    text = ("Wat willen we bereiken\n\nPrestatie indicatoren\n\nSchone straten\n\nSterke buurten\n\n"
            "Wat gaan we daarvoor doen\n\nSchone straten\n\nWe vegen vaker en legen de bakken op tijd.\n")
    assert [t for t, _ in items_of(text)] == ["Schone straten", "Sterke buurten"]


def test_a_goal_heading_above_running_text_gives_no_list():
    text = ("Wat willen we bereiken?\n\nWe willen een gemeente waar iedereen zich veilig voelt.\n\n"
            "Samenwerking\n\nDe partners werken nauw samen.\n")
    assert items_of(text) == []


def test_a_comma_before_a_sentence_opener_ends_the_enumeration():
    text = ("Nieuwe prioriteiten van het plan zijn het terugdringen van drugshandel rond de scholen, "
            "woninginbraken en cybercrime, Daarnaast blijven wij werken aan andere thema's, evenementen en horeca.\n")
    assert [t for t, _ in items_of(text)] == ["het terugdringen van drugshandel rond de scholen", "woninginbraken",
                                               "cybercrime"]


def test_numbered_sub_headings_of_a_priority_chapter_in_the_body_are_the_list():
    text = ("2. Analyse\n\nDe cijfers dalen al jaren, maar het gevoel van veiligheid blijft achter bij de regio.\n\n"
            "3. Onze prioriteiten\n\n3.1 Leefbare kernen\n\nIn de kernen werken we met de bewoners aan schone straten.\n\n"
            "3.2 Weerbare ondernemers\n\nOndernemers leren signalen van criminele inmenging herkennen.\n\n"
            "4. Uitvoering\n\nHet college stelt ieder jaar een uitvoeringsprogramma op.\n")
    doc, structure, tree = tree_of(text)
    assert [i.item_text for i, _ in tree] == ["Leefbare kernen", "Weerbare ondernemers"]
    rows = {r.theme_id: r for r in summarize(doc, find_mentions(doc), structure, [i for i, _ in tree], tree)}
    assert rows["leefbare_kernen"].prioritized and rows["leefbare_kernen"].vng_field is None
