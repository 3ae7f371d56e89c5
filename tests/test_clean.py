"""Cleaning: page furniture, hyphenation and duplicated text layers, on text that is not a seed."""
from __future__ import annotations

from extractors.clean import clean_document
from extractors.document import Document, Page
from extractors.reader import read_document


def _doc(*pages: str) -> Document:
    return Document("x", "<test>", "0" * 64, "pdf", [Page(i + 1, t) for i, t in enumerate(pages)])


def test_running_header_and_numbered_footer_removed_from_every_page():
    bodies = ["De raad stelt het plan vast.\nWe werken samen met de politie.",
              "Jeugdoverlast neemt af in de wijken.\nDe aanpak loopt tot 2026.",
              "Ondermijning vraagt een lange adem.\nHet RIEC ondersteunt de gemeente.",
              "Cybercrime groeit snel.\nWe investeren in digitale weerbaarheid.",
              "Evaluatie volgt in 2027.\nDe burgemeester rapporteert jaarlijks."]
    pages = [f"Integraal Veiligheidsplan Gemeente Zaandam 2025-2028\n{body}\nVersie 1.0 | {n}"
             for n, body in enumerate(bodies, 1)]
    cleaned = clean_document(_doc(*pages))
    for body, page in zip(bodies, cleaned.pages):
        assert page.text == body


def test_removed_lines_are_kept_as_furniture_and_page_one_as_read():
    bodies = ["Overlast in de wijk neemt af.", "De jeugd krijgt meer aandacht.",
              "Ondermijning blijft een opgave.", "Evaluatie volgt na twee jaar."]
    pages = [f"Veiligheidsplan Westerkwartier 2024-2027\n{body}\nPagina {n} van 4" for n, body in enumerate(bodies, 1)]
    cleaned = clean_document(_doc(*pages))
    assert cleaned.first_page_as_read == pages[0]
    for n, (body, page) in enumerate(zip(bodies, cleaned.pages), 1):
        assert page.text == body
        assert page.furniture == ["Veiligheidsplan Westerkwartier 2024-2027", f"Pagina {n} van 4"]


def test_page_labels_removed_but_numbers_in_text_kept():
    cleaned = clean_document(_doc("Pagina 2 van 7\nIn 2024 zijn er 12 inbraken.\n3/7\n- 4 -"))
    assert cleaned.pages[0].text == "In 2024 zijn er 12 inbraken."


def test_single_draft_footer_with_page_number_removed():
    text = ("De aanpak loopt door.\nVeiligheidsplan Regio West 2021-2022 conceptversie 1.4 (3-02-2020) 17\n"
            "Bijlage 1: Cijfers")
    cleaned = clean_document(_doc(text))
    assert cleaned.pages[0].text == "De aanpak loopt door.\nBijlage 1: Cijfers"


def test_hyphenation_across_lines_joined_but_ellipsis_and_compounds_kept():
    text = ("De aanpak van woningin-\nbraken en drugs-\nen alcoholoverlast in Noord-\nHolland.")
    cleaned = clean_document(_doc(text))
    assert cleaned.pages[0].text == "De aanpak van woninginbraken en drugs- en alcoholoverlast in Noord-Holland."


def test_duplicated_tab_indented_layer_is_extracted_once():
    body = [
        "De gemeente kiest voor een integrale aanpak van ondermijning. Samen met politie en",
        "OM pakken we drugscriminaliteit aan, en we investeren in weerbare jeugd.",
        "Het plan wordt uiterlijk eind 2025 geëvalueerd door de raad van de gemeente.",
    ] * 5
    paragraph_layer = ["\t" + " ".join(body[i:i + 3]) for i in range(0, len(body), 3)]
    extra_layer = ["\tDe gemeente kiest voor een integrale aanpak van ondermijning."] * 0
    unique = "\tEen regel die alleen in de tweede laag staat en nergens anders."
    text = "\n".join(body + paragraph_layer * 3 + extra_layer + [unique])
    cleaned = clean_document(_doc(text)).pages[0].text
    assert cleaned.count("integrale aanpak van ondermijning") == 5
    assert "alleen in de tweede laag" in cleaned  # content only the second layer has is kept


def test_tabbed_tables_are_not_mistaken_for_a_duplicate_layer():
    rows = [f"\tGemeente {n}\t1\t\t1" for n in range(30)]
    text = "Tabel 1: prioriteiten per gemeente\n" + "\n".join(rows)
    cleaned = clean_document(_doc(text)).pages[0].text
    assert cleaned.count("Gemeente") == 30


def test_seed_with_duplicated_layer_and_footer(samples):
    doc = clean_document(read_document(samples / "text" / "003_9e8309887f18d911.txt"))
    text = doc.text
    assert "conceptversie" not in text
    assert not [ln for ln in text.split("\n") if ln.startswith("\t") and len(ln) > 200]
    assert text.count("Veiligheid komt niet vanzelf. Een veilige buurt, dorp of stad ontstaat pas") == 1
    assert "Bestuurlijke samenvatting\n" in text
