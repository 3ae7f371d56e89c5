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
