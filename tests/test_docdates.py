"""Document date and plan period, on letter heads, memos, footers and titles written for these tests."""
import datetime as dt

import pytest

from extractors.docdates import document_date_and_period, is_date_line
from extractors.document import document_from_text


def run(text):
    return document_date_and_period(document_from_text(text))


def test_letter_head_without_colon():
    text = ("Gemeente Zuidwold\nPostbus 12\n\nBehandeld J. Bakker\nDatum 14 maart 2024\nOns kenmerk OOV/117\n\n"
            "Onderwerp **Integraal Veiligheidsplan 2025-2028**\n\nGeachte raadsleden,\n\n"
            "Op 1 juli 2024 stelt de raad het plan vast.")
    assert run(text) == (dt.date(2024, 3, 14), 2025, 2028)


def test_memo_head_with_spaced_colon_and_numeric_date():
    text = ("MEMO\n\nAan : Commissie Bestuur\nVan : Burgemeester\nDatum : 02-11-2023\n"
            "Onderwerp : Veiligheidsbeleid Westerkwartier 2024-2027\n\n"
            "Het vorige beleid liep van 2019 tot en met 2023. Het nieuwe beleid voor de jaren 2024-2027 ...")
    assert run(text) == (dt.date(2023, 11, 2), 2024, 2027)


def test_front_matter_markdown():
    text = ("## Voorstel prioriteiten Veiligheidsagenda 2025-2028\n\n---\n\nAan: DVO's\n"
            "**Datum:** 3 februari 2024\n\n---\n\nDe agenda 2025-2028 bouwt voort op de agenda 2021-2024.")
    assert run(text) == (dt.date(2024, 2, 3), 2025, 2028)


def test_version_footer_repeated_on_pages():
    page = ("Tekst over de aanpak van ondermijning in 2016.\n\n"
            "Veiligheidsplan regio Zeeland 2015-2016 conceptversie 2.1 (12-03-2014) {n}\n")
    text = "\f".join(page.format(n=i) for i in range(1, 5))
    assert run(text) == (dt.date(2014, 3, 12), 2015, 2016)


def test_label_beats_footer_and_body_dates():
    text = ("Datum: 7 juni 2021\n\nDe conferentie van 12 september 2021 bespreekt het plan.\n"
            "Nota versie 1.3 (1-05-2021)")
    assert run(text)[0] == dt.date(2021, 6, 7)


def test_place_and_date_line_of_a_letter():
    text = "Ministerie van JenV\n\nDen Haag, 3 juni 2024\n\nBetreft: voortgang aanpak 2024-2026\n\nGeachte voorzitter,"
    assert run(text) == (dt.date(2024, 6, 3), 2024, 2026)


def test_no_date_and_single_year_plan_in_title():
    text = "# Uitvoeringsprogramma Veiligheid 2024\n\nIn 2024 richten we ons op drie thema's."
    assert run(text) == (None, 2024, 2024)


def test_a_month_is_a_document_date_of_month_precision():
    from extractors.docdates import document_dating
    text = "Datum: april 2018\n\nOverzicht prioriteiten."
    assert document_dating(document_from_text(text)) == (dt.date(2018, 4, 15), "month")  # DESIGN: the 15th


def test_period_written_as_two_years_with_en():
    text = ("Voorwoord\n\nHierbij presenteren wij het eerste regionaal beleidsplan 2013 en\n2014. "
            "Het kader voor 2013 en 2014 is bindend.\nVoor de periode 2013-2014 kiezen we vier prioriteiten.\n"
            "Bijlage: Landelijke prioriteiten politie 2011-2014\n")
    assert run(text)[1:] == (2013, 2014)


def test_past_period_is_not_the_plan_period():
    text = ("Datum: 20 oktober 2023\n\nHet vorige plan liep van 2019 tot en met 2022 en de evaluatie over "
            "2019-2022 is afgerond. Het nieuwe plan 2024-2027 volgt.")
    assert run(text) == (dt.date(2023, 10, 20), 2024, 2027)


def test_no_period_at_all():
    assert run("Datum: 1 maart 2022\n\nKorte memo over de jaarwisseling.") == (dt.date(2022, 3, 1), None, None)


def test_is_date_line():
    assert is_date_line("Datum 9 mei 2023")
    assert is_date_line("Datum : 20-10-2023")
    assert is_date_line("Regionaal beleidsplan 2013-2014 conceptversie 3.2  (5-09-2012) 22")
    assert is_date_line("Utrecht, 3 juni 2024")
    assert not is_date_line("De raad besluit op 9 november 2023 over het plan.")
    assert not is_date_line("Versie van het plan wordt in 2024 herzien.")


def test_form_layout_label_with_value_on_a_later_line():
    text = ("Memo\nAanpak jeugdoverlast\nDatum\nOnderwerp\n10 september 2024\nEvaluatie cameratoezicht "
            "(gebaseerd op de versie van 22 juli 2024)\n\nInleiding\nSinds 1 januari 2023 ...")
    assert run(text)[0] == dt.date(2024, 9, 10)
    text = "Statenvoorstel nr. 12\nDatum Kenmerk Inlichtingen bij\n16.07.2024 2024-015664\n\nAan Provinciale Staten"
    assert run(text)[0] == dt.date(2024, 7, 16)
    text = "Commissie beheer\nDatum:\nAantal sprekers:\nBesluitenlijst\ndonderdag\n17 juni 2021\n\n1. Opening"
    assert run(text)[0] == dt.date(2021, 6, 17)


def test_dated_title_when_nothing_else_dates_the_document():
    assert run("Besluitenlijst raadsvergadering 29 juni 2015 aanvang 17.00 uur\n1. Opening.")[0] == dt.date(2015, 6, 29)
    assert run("Verslag bestuurlijk overleg\nd.d. 18 maart 2024\n\nAanwezig: ...")[0] == dt.date(2024, 3, 18)


BODY = ("\n\nGeachte leden van de raad,\n\nIn 2021 daalde het aantal inbraken. Het vorige plan liep van 2018 tot en "
        "met 2021. Wij sturen u het plan uiterlijk 1 juli toe.\n")


@pytest.mark.parametrize("head,doc_date,period", [
    ("Raadsvoorstel\n\nDatum raadsvergadering: 14 april 2022\nOnderwerp: vaststellen IVP 2023-2026", "2022-04-14", (2023, 2026)),
    ("Gemeente Y\nDatum:\t\t20 juni 2019\nKenmerk: 19/1234\nBetreft: Integraal Veiligheidsplan 2020-2023", "2019-06-20", (2020, 2023)),
    ("Memo\nAan: raad\nVan: burgemeester\nDatum: 2 okt. 2023\nOnderwerp: Veiligheidsplan 2024 t/m 2027", "2023-10-02", (2024, 2027)),
    ("Assen, 7-11-2022\n\nBetreft: IVP 2023–2026", "2022-11-07", (2023, 2026)),
    ("Gemeente Z\nVerzonden: 4 mei 2020\nOnderwerp: Kadernota Integrale Veiligheid 2021-2024", "2020-05-04", (2021, 2024)),
    ("VEILIGHEIDSSTRATEGIE 2021-2024\nRegio Zeeland-West-Brabant\n\nVersie 1.2, vastgesteld 11 december 2020", "2020-12-11", (2021, 2024)),
    ("Integraal Veiligheidsplan\n2023-2026\nGemeente Hof van Twente", None, (2023, 2026)),
    ("Veiligheidsbeleid gemeente Ede\nperiode 2022 - 2025", None, (2022, 2025)),
    ("Gemeente Q\nDatum\n\n15 maart 2023\n\nOnderwerp\nIVP 2024 tot en met 2027", "2023-03-15", (2024, 2027)),
    ("Gemeente V\nDatum: 1 maart 2024\nOnderwerp: evaluatie IVP 2020-2023 en nieuw IVP 2024-2027", "2024-03-01", (2024, 2027)),
])
def test_letter_heads_and_titles_written_in_other_ways(head, doc_date, period):
    d, start, end = run(head + BODY)
    assert (d.isoformat() if d else None, (start, end)) == (doc_date, period)


@pytest.mark.parametrize("text,period", [
    ("Uitvoeringsprogramma Veiligheid 2024\nUitwerking van het IVP 2023-2026\n\nZwolle, 20 december 2023" + BODY
     + "Het IVP 2023-2026 kent vier prioriteiten. Het IVP 2023-2026 is leidend.\n", (2024, 2024)),
    ("Jaarplan 2023\nin het kader van het Integraal Veiligheidsplan 2022-2025\n\nOss, 10 januari 2023" + BODY
     + "Dit jaarplan is de tweede jaarschijf van het IVP 2022-2025. Het IVP 2022-2025 blijft leidend.\n", (2023, 2023)),
    # without a period of its own in the title, the plan a memo implements is its period
    ("Memo\nDatum: 3 mei 2024\nOnderwerp: uitvoering van het IVP 2024-2027" + BODY, (2024, 2027)),
    # and a plan may mention itself with a parent cue: its title still decides
    ("Integraal Veiligheidsplan 2023-2026\n\nBuren, 2 december 2022" + BODY
     + "In het kader van het IVP 2023-2026 stellen we jaarlijks een uitvoeringsprogramma op.\n", (2023, 2026)),
])
def test_the_plan_a_document_implements_is_not_its_period(text, period):
    assert run(text)[1:] == period


def test_report_year_in_a_markdown_title_and_adoption_line_in_the_head():
    text = ("# Jaarrapportage 2022\n\n## Veiligheidshuis Twente\n\nVersie 2 - goedgekeurd door het bestuur op 9 maart 2023\n\n"
            "In het meerjarenplan 2021-2024 staan vier thema's. Het meerjarenplan 2021-2024 wordt in 2024 geëvalueerd.\n")
    assert run(text) == (dt.date(2023, 3, 9), 2022, 2022)


def test_cover_title_block_names_a_one_year_plan_below_the_organisation():
    text = ("POLITIE\nEenheid Oost-Brabant\nDistrict De Kempen\n\nJAARPLAN 2021\n\n"
            "Vastgesteld in de districtelijke driehoek op 2 december 2020\n\n"
            "Dit jaarplan is de doorvertaling van het Beleidsplan 2019-2022 van de eenheid. Het beleidsplan 2019-2022 "
            "loopt door.\n")
    assert run(text) == (dt.date(2020, 12, 2), 2021, 2021)


def test_a_meeting_label_dates_the_document_only_without_another_label():
    assert run("Raadsvoorstel\n\nVergaderdatum: 8 juni 2022\nOnderwerp: IVP 2023-2026\n")[0] == dt.date(2022, 6, 8)
    assert run("Raadsvoorstel\n\nDatum raadsvergadering: 8 juni 2022\nDatum: 10 mei 2022\n")[0] == dt.date(2022, 5, 10)


def test_title_repeated_as_running_header_still_names_the_period(tmp_path):
    from extractors.clean import clean_document
    from extractors.reader import read_document
    body = ("Dit verslag beschrijft de resultaten. Het meerjarenprogramma 2022-2025 is het kader; het "
            "meerjarenprogramma 2022-2025 loopt door. Pagina {n}\n")
    pages = ["Jaarverslag 2024\nVeiligheidshuis Fryslân\n" + body.format(n=n) for n in range(1, 5)]
    path = tmp_path / "verslag.txt"
    path.write_text("\f".join(pages), encoding="utf-8")
    doc = clean_document(read_document(path))
    assert "Jaarverslag 2024" not in doc.pages[0].text  # dropped as a running header
    assert document_date_and_period(doc)[1:] == (2024, 2024)


def test_title_dropped_as_running_header_names_the_period_without_rereading_the_source():
    from extractors.clean import clean_document
    body = "De aanpak wordt voortgezet. Het kader is het programma 2019-2022 en het programma 2019-2022. Pagina {n}\n"
    pages = ["Veiligheidsagenda Drechtsteden 2023-2026\nRegionaal Veiligheidsoverleg\n" + body.format(n=n)
             for n in range(1, 5)]
    doc = clean_document(document_from_text("\f".join(pages)))  # in memory: no source file to read again
    assert "Veiligheidsagenda" not in doc.pages[0].text
    assert document_date_and_period(doc)[1:] == (2023, 2026)


def test_version_date_in_a_dropped_running_footer_dates_the_document_in_memory():
    from extractors.clean import clean_document
    bodies = ["Jeugdoverlast vraagt om een aanpak per wijk.", "Het jongerenwerk is een partner.",
              "De politie deelt haar beeld.", "De raad wordt jaarlijks geinformeerd."]
    pages = [f"{body}\n\nBeleidsnota jeugd conceptversie 0.3 (14-02-2021) {n}\n" for n, body in enumerate(bodies, 1)]
    doc = clean_document(document_from_text("\f".join(pages)))
    assert all("conceptversie" not in p.text for p in doc.pages)
    assert document_date_and_period(doc)[0] == dt.date(2021, 2, 14)


def test_signing_line_with_a_month_is_the_documents_own_date_line():
    assert is_date_line("Leeuwarden, maart 2021")
    assert not is_date_line("Planning, maart 2021 start de pilot")


@pytest.mark.parametrize("label", ["Daum:", "Dtum :", "Datm:", "Verzendatum:"])
def test_ocr_garbled_date_label_with_its_colon_still_dates_the_document(label):
    text = (f"Gemeente Tholen\n\nVEILIGHEIDSVISIE 2021-2024\n\nVersie: concept voor de commissie\n{label} 14 april 2021\n"
            "Portefeuillehouder: burgemeester\n\nDe raad besluit op 20 mei 2021 over deze visie.\n")
    assert run(text)[0] == dt.date(2021, 4, 14)


def test_a_garbled_label_without_a_colon_is_no_date_line():
    assert not is_date_line("Daum 14 april 2021 zagen we een stijging")


# ---------------------------------------------------------------- real-text shapes (written for these tests)

@pytest.mark.parametrize("text,expected", [
    # a date label with its digits run together
    ("Veiligheidsplan 2025-2026\nDatum 17022025\n\nDe aanpak van overlast staat voorop.", (dt.date(2025, 2, 17), 2025, 2026)),
    # an adoption line on the cover may be long
    ("Samen veilig\nRegionaal Veiligheidsplan 2026-2029\nVastgesteld in de vergadering van het Regionaal "
     "Veiligheidsoverleg van de gemeenten in het noorden van de provincie op 5 december 2025 Opgesteld door het "
     "regionale bureau\n\nInleiding\nDit plan beschrijft de gezamenlijke aanpak.", (dt.date(2025, 12, 5), 2026, 2029)),
    # a validity date under the title is not the document's date
    ("Besluit van de raad houdende regels over het veiligheidsbeleid\nGeldend van 01-03-2024 t/m heden\n\n"
     "Dit beleid beschrijft de koers in de periode 2024-2027.", (None, 2024, 2027)),
])
def test_real_text_heads(text, expected):
    assert run(text) == expected


def test_a_budget_chapter_is_about_its_year():
    text = ("Programma Veiligheid\n\nIn de nota Veilig Samen 2022-2025 zijn de prioriteiten vastgesteld. "
            "In 2024 zetten we de aanpak van ondermijning voort. Ook breiden we in 2024 het cameratoezicht uit.\n\n"
            "Ontwikkelingen in 2024\nDe vraag naar handhaving groeit.")
    assert run(text) == (None, 2024, 2024)
    assert run("Begroting 2027\nVeilig wonen\n\nDe gemeente investeert in buurtpreventie.") == (None, 2027, 2027)


def test_statistics_of_earlier_years_set_no_frame():
    text = ("Veiligheidsbeeld\n\nDe regionale veiligheidsagenda 2024-2027 is leidend. De stijging was in 2021 het "
            "grootst. In 2021 daalde het aantal overvallen. Ook in 2021 nam de overlast toe.")
    assert run(text)[1:] == (2024, 2027)


def test_a_cover_that_gives_only_a_month():
    from extractors.docdates import document_dating
    for cover in ("Integraal Veiligheidsplan 2026-2029\nGemeente Zuidwold\nmei 2026\n\nInleiding\nDit plan ...",
                  "Veiligheidsnota\nZuidwold, maart 2025\n\nDe raad stelt de nota vast.",
                  "Notitie veilig uitgaan\nDatum: november 2024\n\nDe horeca ..."):
        day, precision = document_dating(document_from_text(cover))
        assert precision == "month" and day.day == 15, cover
    assert document_dating(document_from_text("Veiligheidsnota\nDatum: 3 maart 2025\nmei 2026\n")) == \
        (dt.date(2025, 3, 3), "day")  # a day wins
    assert document_dating(document_from_text("Veiligheid\n\nIn mei 2026 start de pilot.")) == (None, None)


def test_a_print_stamp_in_the_running_footer_dates_the_document():
    from extractors.clean import clean_document
    page = "Tekst over de aanpak van overlast op pagina {n}.\n\nVeiligheidsnota Zuidwold  5/16/2023 10:32 AM\n"
    doc = clean_document(document_from_text("\f".join(page.format(n=i) for i in range(1, 6))))
    assert document_date_and_period(doc)[0] == dt.date(2023, 5, 16)
