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
    # the body signs; the officials under its name sign for it
    assert m["issuer"] == "Burgemeester en wethouders van Oldambt"
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


def test_the_opening_of_the_draft_council_decision_is_not_the_issuer():
    text = """\
Raadsvoorstel

Onderwerp: Vaststelling Integraal Veiligheidsbeleid Hof van Twente 2024-2027

Het college van burgemeester en wethouders van Hof van Twente,

de secretaris,      de burgemeester,

Ontwerpbesluit

De raad van de gemeente Hof van Twente;

gelezen het voorstel van burgemeester en wethouders;

besluit: het Integraal Veiligheidsbeleid 2024-2027 vast te stellen.
"""
    m = meta(text)
    assert m["doc_type"] == "raadsvoorstel"
    assert m["issuer"] == "Het college van burgemeester en wethouders van Hof van Twente"


def test_letterhead_or_colophon_names_the_issuer():
    top = meta("Veiligheidsregio Hollands Midden\n\nRisicoprofiel 2019\n\nIn de regio wonen veel mensen.\n")
    assert top["issuer"] == "Veiligheidsregio Hollands Midden"
    end = meta("Werkplan 2020\n\nHet werkplan beschrijft de inzet van het netwerk.\n\n"
               "Regionaal Informatie- en Expertisecentrum Oost-Nederland\nPostbus 90\n7400 AB Deventer\n")
    assert end["issuer"] == "Regionaal Informatie- en Expertisecentrum Oost-Nederland"
    # a table header that starts with the word is no letterhead
    assert meta("Verslag overleg\n\nTekst.\n\nProvincie Nr. Onderwerp Toelichting\n")["issuer"] is None


def test_letterhead_split_over_two_lines_gives_region_and_issuer():
    m = meta("Gemeente\nEde\n\nNotulen werkgroep\n\nAanwezig: vijf leden.\n")
    assert m["region"] == "Ede" and m["issuer"] == "Gemeente Ede"
    assert m["province"] == "Gelderland"


def test_subject_label_on_its_own_line_and_reply_marks():
    m = meta("Collegevoorstel\nDatum Kenmerk\n12.03.2021 2021/77\nOnderwerp\nAanpassing beleid evenementen\n"
             "Bijlagen\nGeen\n")
    assert m["title"] == "Aanpassing beleid evenementen"
    assert meta("From: A. Jansen\nSubject: RE: FW: Sluiting horeca Utrecht\n\nBeste allen,\n")["title"] == \
        "Sluiting horeca Utrecht"


def test_document_that_names_itself():
    text = ("Werkgebied Noord\n\nSamen sterk\n\nHierbij ontvangt u het uitvoeringsplan 2022 van het "
            "veiligheidsnetwerk. Het plan volgt op de evaluatie.\n")
    assert meta(text)["doc_type"] == "uitvoeringsprogramma"
    assert meta("Inleiding\n\nVoor u ligt de jaarrapportage over 2018.\n")["doc_type"] == "jaarverslag"


def test_police_unit_lines_of_a_letterhead_are_not_the_title():
    m = meta("POLITIE\nEenheid Oost-Brabant\nDistrict De Kempen\n\nJAARPLAN 2018\n\nVoorwoord\n\nTekst.\n")
    assert m["title"] == "JAARPLAN 2018"


def test_issuer_from_the_sentence_in_which_the_document_names_itself():
    m = meta("Beleidskader\n\nVoorwoord\n\nVoor u ligt het veiligheidsplan 2021-2024 van de gemeente Alphen aan den "
             "Rijn. Het plan is opgesteld met de partners.\n")
    assert m["issuer"] == "Gemeente Alphen aan den Rijn" and m["doc_type"] == "beleidsplan"


def test_subject_field_is_no_form_word_and_a_signing_body_makes_a_letter():
    police = meta("Politie Eenheid Rotterdam\nPostbus 1234\n3000 AA Rotterdam\n\nDatum 4 april 2019\n"
                  "Onderwerp Regionaal Beleidsplan 2019-2022\n\nGeachte raadsleden,\n\nHierbij het plan.\n\n"
                  "Met vriendelijke groet,\n\nA. Jansen\nRegioburgemeester\n")
    assert police["doc_type"] == "brief" and police["title"] == "Regionaal Beleidsplan 2019-2022"
    minister = meta("Aan de Voorzitter van de Tweede Kamer\n\nDatum 12 mei 2022\nBetreft Voortgang aanpak "
                    "georganiseerde criminaliteit\n\nGeachte voorzitter,\n\nTekst.\n\n"
                    "De Minister van Justitie en Veiligheid,\n\nP. de Boer\n")
    assert minister["doc_type"] == "brief" and minister["issuer"] == "De Minister van Justitie en Veiligheid"


@pytest.mark.parametrize("title, doc_type", [
    ("Uitvoeringsagenda Veiligheid 2022", "uitvoeringsprogramma"),
    ("Werkplan 2021 Veiligheidshuis Fryslân", "uitvoeringsprogramma"),
    ("Integrale Veiligheidsvisie Súdwest-Fryslân 2019-2022", "beleidsplan"),
    ("Collegebrief", "brief"),
    ("Raadsmemo", "memo"),
    ("Jaaroverzicht 2020", "jaarverslag"),
])
def test_more_names_of_document_forms(title, doc_type):
    assert meta(f"{title}\n\nInleiding\n\nTekst over de gemeente.\n")["doc_type"] == doc_type


def test_issuer_from_the_body_that_adopted_the_document():
    m = meta("Regionale Veiligheidsstrategie 2020-2023\n\nVastgesteld door het Regionaal Veiligheidsoverleg op "
             "12 november 2019\n\nInleiding\n\nTekst.\n")
    assert m["issuer"] == "Regionaal Veiligheidsoverleg"
    # "de gemeenteraad" alone names no body
    assert meta("Veiligheidsplan\n\nVastgesteld door de gemeenteraad op 3 maart 2020\n\nTekst.\n")["issuer"] is None


def test_a_body_named_mid_sentence_at_a_line_start_does_not_sign():
    text = ("Nota\n\nDe minister van LNV zal de brief verzenden. Hierover is gecommuniceerd door\n"
            "de minister van LNV en u. Ten aanzien van dieren is advies opgesteld\n")
    assert meta(text)["issuer"] is None


def test_sender_label_on_its_own_line_and_the_sender_on_the_next():
    m = meta("MEMO\nAan\nGemeenteraad\nVan\nTeam Veiligheid en Handhaving\nDatum\n3 juni 2024\n"
             "Onderwerp\nCameratoezicht stationsgebied\n\nTekst.\n")
    assert m["issuer"] == "Team Veiligheid en Handhaving"
    assert m["title"] == "Cameratoezicht stationsgebied" and m["doc_type"] == "memo"
