"""Title, doc_type, issuer and region on documents written for these tests and on real PDFs."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.document import document_from_text
from extractors.metadata import extract_metadata
from extractors.structure import parse_structure

ROOT = Path(__file__).resolve().parent.parent


def meta(text: str) -> dict:
    doc = document_from_text(text)
    return extract_metadata(doc, parse_structure(doc))


LETTER = """\
Gemeente Oldambt
Postbus 175
9670 AD Winschoten

Datum 12 maart 2024
Onderwerp Veiligheidsagenda Oldambt, Pekela en Veendam 2024-2027

Geachte leden van de raad,

Met deze brief informeren wij u over de gezamenlijke veiligheidsagenda.

Met vriendelijke groet,

Burgemeester en wethouders van Oldambt,
de burgemeester, C. Jansen
"""

MEMO = """\
MEMO

Aan: Gemeenteraad
Van: Wethouder P. de Vries, portefeuillehouder openbare orde
Datum: 4 februari 2025
Onderwerp: Stand van zaken aanpak ondermijning Zuidoost-Drenthe

In de eenheid Noord-Nederland wordt de aanpak van ondermijning versterkt.
"""

PLAN = """\
Voorwoord

Hierbij bieden wij – de burgemeesters van de gemeenten in Twente, het Openbaar Ministerie en de politie – het
regionale beleidsplan aan. Dit beleidsplan is het kader voor de lokale veiligheidsplannen in Twente.
Het beleidsplan geldt voor vier jaar. De politie in de eenheid Oost-Nederland voert het beleidsplan mee uit.
In Twente werken de veertien gemeenten samen. Twente is een veiligheidsregio.
"""


def test_letter_signed_by_the_college():
    m = meta(LETTER)
    assert m["doc_type"] == "brief"
    assert m["title"] == "Veiligheidsagenda Oldambt, Pekela en Veendam 2024-2027"
    assert m["issuer"] == "Burgemeester en wethouders van Oldambt, de burgemeester, C. Jansen"
    assert m["region"] == "Oldambt, Pekela en Veendam"
    assert m["police_unit"] == "Noord-Nederland" and m["province"] == "Groningen"
    assert m["municipalities"] == "GM0047;GM0765;GM1895"


def test_memo_header_gives_type_and_issuer():
    m = meta(MEMO)
    assert m["doc_type"] == "memo"
    assert m["issuer"] == "Wethouder P. de Vries, portefeuillehouder openbare orde"
    assert m["title"].startswith("Stand van zaken aanpak ondermijning")


def test_plan_names_its_issuers_in_a_sentence_and_region_by_frequency():
    m = meta(PLAN)
    assert m["doc_type"] == "beleidsplan"
    assert m["issuer"] == "de burgemeesters van de gemeenten in Twente, het Openbaar Ministerie en de politie"
    assert m["region"] == "Twente"
    assert m["police_unit"] == "Oost-Nederland" and m["province"] == "Overijssel"


def test_raadsvoorstel_and_other():
    assert meta("Raadsvoorstel\n\nOnderwerp: Vaststelling IVP 2025\n\nDe raad wordt voorgesteld ...\n")["doc_type"] == "raadsvoorstel"
    assert meta("Besluitenlijst\n\nvergadering van 3 juni\n\n1. Opening.\n")["doc_type"] == "other"


def _load_pdf(name):
    from extractors.clean import clean_document
    from extractors.reader import read_document
    path = ROOT / "samples" / "pdf" / name
    if not path.exists():
        pytest.skip(f"{name} not present")
    doc = clean_document(read_document(path))
    return doc, parse_structure(doc)


def test_real_pdf_statenbrief():
    doc, s = _load_pdf("overijssel_brief_aan_PS_definitief_windbeleid_2024-05-28.pdf")
    m = extract_metadata(doc, s)
    assert m["doc_type"] == "brief"
    assert m["issuer"] == "Gedeputeerde Staten van Overijssel"
    assert m["region"] == "Overijssel" and m["province"] == "Overijssel"


def test_real_pdf_minutes_with_municipality_list():
    doc, s = _load_pdf("overijssel_verslag_bestuurlijk_overleg_ATT_2024-03-18_tabellen.pdf")
    m = extract_metadata(doc, s)
    assert m["doc_type"] == "other"
    assert m["region"] == "Almelo – Tubbergen – Twenterand"
    assert m["police_unit"] == "Oost-Nederland"
    assert len(m["municipalities"].split(";")) == 3
