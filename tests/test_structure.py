"""Headings and lists on text written for these tests (markdown, plain and PDF-like)."""
from __future__ import annotations

from extractors.document import document_from_text
from extractors.structure import parse_structure

PDF_LIKE = """\
 2. Aanpak in de regio 

De gemeenten werken samen met politie en OM. In 2024 is gekozen voor de volgende 
speerpunten: 
•  Ondermijning en georganiseerde 

criminaliteit; 
•  Veiligheid in de wijk, waaronder overlast van 
   personen met verward gedrag; 
•  Cybercrime. 

2.1. Prioriteit Jeugd en veiligheid 
Jongeren die doorgroeien naar criminaliteit krijgen een persoonsgerichte aanpak. 
Thema 1: Ondermijning 
- Drugshandel 
- Witwassen 
Thema 2. Zorg en veiligheid 
Bijlage 3 geeft een overzicht van de middelen die voor de eenheid Noord-
Nederland beschikbaar zijn. 
"""

MARKDOWN = """\
# Integraal Veiligheidsplan Westervoort 2025-2028

Aan: gemeenteraad
Datum: 3 maart 2025

## 1. Onze keuzes

**Prioriteiten voor de komende jaren**

1. Woninginbraken  
Hieronder valt ook de aanpak van babbeltrucs.
2. Jeugdoverlast  
Met name rond het winkelcentrum.
3. Ondermijning

a) eerste punt
b) tweede punt
   - een sub-punt onder b
"""


def test_numbered_keyword_and_plain_headings_on_pdf_like_text():
    s = parse_structure(document_from_text(PDF_LIKE))
    texts = [(h.kind, h.number, h.text) for h in s.headings]
    assert ("numbered", "2", "Aanpak in de regio") in texts
    assert ("numbered", "2.1", "Prioriteit Jeugd en veiligheid") in texts
    assert ("keyword", "1", "Ondermijning") in texts
    assert ("keyword", "2", "Zorg en veiligheid") in texts
    # a sentence that merely starts with a heading keyword is no heading
    assert not any(h.text.startswith("geeft") for h in s.headings)
    levels = {h.text: h.level for h in s.headings}
    assert levels["Aanpak in de regio"] < levels["Prioriteit Jeugd en veiligheid"]


def test_bullets_broken_over_lines_and_blank_lines_are_joined():
    s = parse_structure(document_from_text(PDF_LIKE))
    block = s.lists[0]
    assert [i.text for i in block.items] == [
        "Ondermijning en georganiseerde criminaliteit",
        "Veiligheid in de wijk, waaronder overlast van personen met verward gedrag",
        "Cybercrime.",
    ]
    assert block.lead_in.endswith("speerpunten:")
    # offsets point at the item text in the page
    page = s.lists[0].items[1]
    text = document_from_text(PDF_LIKE).pages[0].text
    assert text[page.char_start:].startswith("Veiligheid in de wijk")
    assert text[page.char_end - len("verward gedrag;"):page.char_end] == "verward gedrag;"


def test_sub_bullets_under_keyword_headings_form_their_own_list():
    s = parse_structure(document_from_text(PDF_LIKE))
    sub = [b for b in s.lists if b.heading and b.heading.keyword == "thema"]
    assert sub and [i.text for i in sub[0].items] == ["Drugshandel", "Witwassen"]
    assert sub[0].heading.text == "Ondermijning"


def test_markdown_bold_fields_explanations_and_nesting():
    s = parse_structure(document_from_text(MARKDOWN))
    kinds = {h.text: h.kind for h in s.headings}
    assert kinds["Integraal Veiligheidsplan Westervoort 2025-2028"] == "markdown"
    assert kinds["Onze keuzes"] == "markdown"
    assert kinds["Prioriteiten voor de komende jaren"] == "bold"
    assert not any(h.text.startswith(("Aan", "Datum")) for h in s.headings)
    first = s.lists[0]
    # the explanation lines under items 1 and 2 neither end the list nor join the item
    assert [i.text for i in first.items] == ["Woninginbraken", "Jeugdoverlast", "Ondermijning"]
    assert first.ordered and first.title == "Prioriteiten voor de komende jaren"
    second = s.lists[1]
    assert [(i.text, i.depth) for i in second.items] == [
        ("eerste punt", 0), ("tweede punt", 0), ("een sub-punt onder b", 1)]


def test_table_rows_are_marked_table_like_and_names_rejoined():
    text = "\n".join([
        "Overzicht per gemeente",
        "1. Almelo 1 1 1",
        "",
        "2. Hof van Twente 1 1",
        "",
        "3. Hoogezand-",
        "Sappemeer 1 1 1 1",
        "",
        "4. Kollumerland en ",
        "Nieuwkruisland 1",
    ])
    s = parse_structure(document_from_text(text))
    block = s.lists[0]
    assert block.table_like
    assert [i.text for i in block.items][2:] == ["Hoogezand-Sappemeer 1 1 1 1", "Kollumerland en Nieuwkruisland 1"]


def test_heading_at_and_chain():
    s = parse_structure(document_from_text(PDF_LIKE))
    block = [b for b in s.lists if b.heading and b.heading.keyword == "thema"][0]
    chain = s.heading_chain(block.page, block.char_start)
    assert chain[0].text == "Ondermijning"
    assert any(h.text == "Aanpak in de regio" for h in chain)


def test_real_pdf_roman_annex_list_and_dash_list():
    from pathlib import Path

    import pytest

    from extractors.clean import clean_document
    from extractors.reader import read_document

    path = Path(__file__).resolve().parent.parent / "samples" / "pdf" / \
        "overijssel_statenvoorstel_omgevingsverordening_wind_2024-11-22.pdf"
    if not path.exists():
        pytest.skip("sample PDF not present")
    s = parse_structure(clean_document(read_document(path)))
    roman = next(b for b in s.lists if b.items and b.items[0].family == "roman")
    assert [i.marker for i in roman.items][:4] == ["I.", "II.", "III.", "IV."]
    assert roman.items[2].text.startswith("Omgevingseffectrapportage")
    dash = next(b for b in s.lists if b.lead_in and b.lead_in.startswith("In deze instructieregel staat"))
    assert len(dash.items) == 5 and dash.items[-1].text == "instructieregels voor erfmolens."


def test_keyword_headings_need_a_word_boundary_and_are_not_sentences():
    text = "Inleiding\n\nThemabijeenkomst op 3 juni\n\nThema's die vaak terugkomen zijn overlast en inbraak.\n\nThema 2: Zorg\n"
    heads = [(h.kind, h.text) for h in parse_structure(document_from_text(text)).headings]
    assert heads == [("plain", "Inleiding"), ("plain", "Themabijeenkomst op 3 juni"), ("keyword", "Zorg")]


def _headings(text):
    return parse_structure(document_from_text(text)).headings


CONTENTS = """\
Inhoudsopgave
1. Aanleiding ........ 3
2. Speerpunten 2021 ........ 4
3. Organisatie ........ 6

1. Aanleiding
De gemeente werkt al jaren met een veiligheidsplan.
2. Speerpunten 2021
Dit jaar richten wij ons op:
- Fietsendiefstal
- Overlast in het centrum
3. Organisatie
Het team bestaat uit vier medewerkers.
"""


def test_contents_list_makes_the_numbered_lines_that_repeat_it_headings():
    s = parse_structure(document_from_text(CONTENTS))
    numbered = [(h.number, h.text) for h in s.headings if h.kind == "numbered"]
    assert numbered == [("1", "Aanleiding"), ("2", "Speerpunten 2021"), ("3", "Organisatie")]
    bullets = [b for b in s.lists if b.items[0].text == "Fietsendiefstal"]
    assert bullets and bullets[0].heading.text == "Speerpunten 2021"
    assert [i.text for i in bullets[0].items] == ["Fietsendiefstal", "Overlast in het centrum"]


def test_a_list_repeated_without_text_between_its_items_stays_a_list():
    text = ("Samenvatting\n\n1. Woonoverlast\n2. Drugsoverlast\n3. Jeugdgroepen\n\n"
            "Uitwerking\n\nDe drie onderwerpen zijn:\n\n1. Woonoverlast\n2. Drugsoverlast\n3. Jeugdgroepen\n")
    s = parse_structure(document_from_text(text))
    assert not [h for h in s.headings if h.kind == "numbered"]
    assert [len(b.items) for b in s.lists] == [3, 3]


def test_sections_numbered_across_pages_of_pdf_text():
    text = ("1. Inleiding\nDit jaarplan beschrijft ons werk in 2019.\n2. Onze thema's\n"
            "Thema 1: Verkeer\nHet aantal ongevallen moet omlaag.\nThema 2: Jeugd\nWe werken met de scholen samen.\f"
            "3. Samenwerking\nDe partners hanteren de volgende speerpunten:\n• Ondermijning\n• Mensenhandel\n"
            "Het netwerk komt vier keer per jaar bijeen om de voortgang te bespreken met alle partners.\n"
            "4. Financien\nHet budget blijft gelijk.\n")
    s = parse_structure(document_from_text(text))
    numbered = {h.number: h.text for h in s.headings if h.kind == "numbered"}
    assert numbered == {"1": "Inleiding", "2": "Onze thema's", "3": "Samenwerking", "4": "Financien"}
    bullets = [b for b in s.lists if b.items[0].text == "Ondermijning"][0]
    assert [i.text for i in bullets.items] == ["Ondermijning", "Mensenhandel"]


def test_cluster_headings_inside_a_numbering_do_not_make_it_sections():
    text = ("1. Aanpak jeugdgroepen\n2. Aanpak geweld\nCluster B: Digitaal\n3. Aanpak cybercrime\n"
            "4. Aanpak online fraude\n")
    s = parse_structure(document_from_text(text))
    assert [i.text for b in s.lists for i in b.top_items] == [
        "Aanpak jeugdgroepen", "Aanpak geweld", "Aanpak cybercrime", "Aanpak online fraude"]


def test_item_with_a_bracket_left_open_goes_on_on_the_next_line():
    text = ("In de periode 2016-2019 werkt de gemeente samen met de politie en de woningcorporaties aan de\n"
            "veiligheid in alle wijken en kernen. De raad heeft daarvoor de volgende prioriteiten gekozen:\n"
            "1. Woninginbraak en diefstal (Veilige\nWijk)\n2. Overlast\n")
    s = parse_structure(document_from_text(text))
    assert [i.text for i in s.lists[0].items] == ["Woninginbraak en diefstal (Veilige Wijk)", "Overlast"]


def test_a_full_width_item_line_does_not_swallow_the_next_sentence():
    text = ("Het RIEC werkt in 2022 met een aantal partners aan de aanpak van ondermijning in de regio.\n"
            "De partners hebben de volgende speerpunten gekozen voor de komende jaren:\n"
            "- Witwassen via vastgoed, horeca en andere branches in de binnensteden van de regio\n"
            "Het bestuur bespreekt deze speerpunten jaarlijks met alle deelnemende gemeenten.\n")
    s = parse_structure(document_from_text(text))
    assert [i.text for i in s.lists[0].items] == [
        "Witwassen via vastgoed, horeca en andere branches in de binnensteden van de regio"]


def test_titles_ending_in_a_year_or_a_number_are_headings():
    texts = [h.text for h in _headings("GEMEENTE\n\nJaarprogramma 2019\n\nTekst van het programma.\n\n"
                                       "Onze top 5 voor 2030\n\nDe raad koos vijf punten.\n")]
    assert "Jaarprogramma 2019" in texts and "Onze top 5 voor 2030" in texts


def test_last_lettered_item_before_running_text_is_an_item_not_a_heading():
    text = ("Het bestuur koos vier speerpunten:\n\na) Ondermijning\nb) Jeugd\nc) Woonoverlast\nd) Veilig uitgaan\n\n"
            "Per speerpunt volgt een werkplan.\n")
    s = parse_structure(document_from_text(text))
    assert [i.text for i in s.lists[0].items] == ["Ondermijning", "Jeugd", "Woonoverlast", "Veilig uitgaan"]
    assert not [h for h in s.headings if h.text == "Veilig uitgaan"]


def test_a_numbered_line_after_bullets_that_does_not_start_at_one_is_no_sub_item():
    # PDF text: no blank line between the bullets and the next numbered section
    text = ("3. Partners\nDe partners kozen de volgende speerpunten:\n- fraude;\n- witwassen.\n"
            "4. Planning\nHet plan wordt in 2021 vastgesteld.\n")
    s = parse_structure(document_from_text(text))
    bullets = [b for b in s.lists if b.items[0].text == "fraude"][0]
    assert [(i.text, i.depth) for i in bullets.items] == [("fraude", 0), ("witwassen.", 0)]
    # a real sub-list starts at 1 or a
    s = parse_structure(document_from_text("De speerpunten:\n- Ondermijning\n1. drugs\n2. witwassen\n- Jeugd\n"))
    assert [(i.text, i.depth) for i in s.lists[0].items] == [("Ondermijning", 0), ("drugs", 1), ("witwassen", 1),
                                                             ("Jeugd", 0)]


def test_roman_numbered_list_keeps_its_fourth_and_ninth_items_before_running_text():
    text = ("De raad koos de volgende speerpunten:\n\nI. Jeugdcriminaliteit\nII. Woonoverlast\n"
            "III. Cybercrime\nIV. Drugsoverlast in de wijken\n\nElk speerpunt krijgt een eigen werkplan.\n")
    s = parse_structure(document_from_text(text))
    assert [i.text for i in s.lists[0].items] == ["Jeugdcriminaliteit", "Woonoverlast", "Cybercrime",
                                                  "Drugsoverlast in de wijken"]
    assert not [h for h in s.headings if h.text.startswith("Drugsoverlast")]
    items = "".join(f"{r}. Thema {k}\n" for k, r in enumerate(
        ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"], 1))
    s = parse_structure(document_from_text("Wij werken aan negen thema's:\n\n" + items + "\nDe uitwerking volgt.\n"))
    assert [i.marker for i in s.lists[0].items][-2:] == ["VIII.", "IX."]
    assert len(s.lists[0].items) == 9


def test_lower_case_roman_items_follow_each_other():
    text = ("Aandachtspunten voor dit jaar zijn:\n\ni. Fietsdiefstal\nii. Overlast in parken\n"
            "iii. Zakkenrollerij\niv. Heling van goederen\n\nHierover rapporteren wij in het najaar.\n")
    s = parse_structure(document_from_text(text))
    assert [i.text for i in s.lists[0].items][-1] == "Heling van goederen"
    assert len(s.lists[0].items) == 4
