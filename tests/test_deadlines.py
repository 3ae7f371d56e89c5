"""Deadlines on Dutch policy prose written for these tests: what is due is kept, history,
statistics, periods, references and the document's own date are not."""
import datetime as dt
import functools

import pytest

from extractors.deadlines import _cues, _validate, extract_deadlines, sentence_span
from extractors.docdates import document_date_and_period
from extractors.nlp import load_model
from extractors.document import document_from_text
from extractors.records import ThemeMention
from extractors.structure import Structure
from extractors.vocab import VocabError

LETTER = """Gemeente Zuidwold
Afdeling Openbare Orde en Veiligheid

Datum: 14 maart 2024
Kenmerk: OOV/2024/117
Onderwerp: Integraal Veiligheidsplan 2025-2028

Geachte leden van de raad,

Bij brief d.d. 12 december 2023 hebben wij u geïnformeerd over het proces. In januari 2024 zijn de \
wijkgesprekken gehouden met bewoners en ondernemers.

Planning

Het concept van het Integraal Veiligheidsplan 2025-2028 is naar verwachting eind april 2024 gereed. De raad \
wordt gevraagd het plan uiterlijk 1 juli 2024 vast te stellen. Per 1 januari 2025 treedt het nieuwe plan in \
werking. In het derde kwartaal van 2024 stelt het college het uitvoeringsprogramma op.

Het budget voor 2025 bedraagt 250.000 euro. In 2023 werden 412 woninginbraken geregistreerd, ten opzichte van \
2022 een daling van 8%. De burgemeester bespreekt de voortgang jaarlijks in maart met de driehoek.

Wij streven naar een daling van het aantal woninginbraken met 10% in 2026. Het rapport moet vóór 2025 gereed \
zijn. Het plan voor 2026 is nog niet vastgesteld.

Met vriendelijke groet,

De burgemeester
"""

MEMO = """MEMO

Aan : Commissie Bestuur en Middelen
Van : Burgemeester A. de Vries
Datum : 02-11-2023
Onderwerp : Veiligheidsbeleid Westerkwartier 2024-2027

Aanleiding

Het vorige veiligheidsbeleid liep van 2019 tot en met 2023. In september en oktober van dit jaar zijn vier \
werksessies gehouden. Op 12 oktober 2023 heeft de stuurgroep de thema's vastgesteld.

Planning

- September/oktober '23: werksessies met partners.
- 16 november '23: informatieavond voor de raad.
- Januari '24: concept naar de driehoek.
- Q2 2024: vaststelling door de gemeenteraad.

Komend voorjaar volgt een evaluatie van de cameratoezicht-pilot. In de zomermaanden is er extra toezicht; \
gedurende de periode van juni tot en met augustus wordt intensief gecontroleerd.

Agenda informatieavond 16 november

19:30 uur Opening
21:00 uur Einde

Bijlagen
1. Veiligheidsbeeld januari - juni 2023
"""


def deadlines(text, mentions=(), parse=False):
    doc = document_from_text(text)
    if parse:
        from extractors.nlp import parse_pages
        parse_pages(doc.pages)
    doc_date, start, end = document_date_and_period(doc)
    return extract_deadlines(doc, doc_date, (start, end), Structure(), list(mentions)), doc


def summary(rows):
    return [(r.date, r.precision, r.date_text) for r in rows]


@functools.cache
def letter():
    return deadlines(LETTER)


@functools.cache
def memo():
    return deadlines(MEMO)


def test_letter_keeps_what_is_due():
    rows, _ = letter()
    assert summary(rows) == [
        ("2024-04-30", "month", "eind april 2024"),
        ("2024-07-01", "day", "uiterlijk 1 juli 2024"),
        ("2025-01-01", "day", "Per 1 januari 2025"),
        ("2024-09-30", "quarter", "In het derde kwartaal van 2024"),
        ("2026-12-31", "year", "in 2026"),
        ("2025-01-01", "year", "vóór 2025"),
    ]


def test_letter_modifiers_and_cues():
    rows, _ = letter()
    by_text = {r.date_text: r for r in rows}
    assert (by_text["eind april 2024"].mod, by_text["eind april 2024"].timex) == ("END", "2024-04")
    assert by_text["uiterlijk 1 juli 2024"].mod == "ON_OR_BEFORE"
    assert by_text["uiterlijk 1 juli 2024"].cue == "uiterlijk"
    assert by_text["Per 1 januari 2025"].mod == "ON_OR_AFTER"
    assert by_text["vóór 2025"].mod == "BEFORE"


def test_letter_rejections():
    rows, _ = letter()
    texts = " | ".join(r.date_text for r in rows)
    for not_due in ("14 maart", "12 december 2023", "januari 2024", "2025-2028", "voor 2025", "2023", "2022",
                    "maart", "voor 2026"):
        assert not_due not in texts.replace("vóór 2025", ""), not_due


def test_memo_planning_list_keeps_past_entries_and_drops_history():
    rows, _ = memo()
    assert summary(rows) == [
        ("2023-10-31", "month", "September/oktober '23"),
        ("2023-11-16", "day", "16 november '23"),
        ("2024-01-31", "month", "Januari '24"),
        ("2024-06-30", "quarter", "Q2 2024"),
        ("2024-04-30", "half", "Komend voorjaar"),
        ("2023-11-16", "day", "16 november"),
    ]
    planning = [r for r in rows if r.cue == "planning"]
    assert [r.what for r in planning] == ["werksessies met partners.", "informatieavond voor de raad.",
                                          "concept naar de driehoek.", "vaststelling door de gemeenteraad."]
    assert all(r.actor is None for r in planning)


def test_year_inferred_and_relative_cue():
    rows, _ = memo()
    spring = next(r for r in rows if r.date_text == "Komend voorjaar")
    assert spring.year_inferred and spring.cue == "komend"
    agenda = rows[-1]
    assert agenda.year_inferred and agenda.sentence == "Agenda informatieavond 16 november"
    assert not next(r for r in rows if r.date_text == "Q2 2024").year_inferred


def test_provenance_offsets_point_into_page_text():
    for rows, doc in (letter(), memo()):
        for r in rows:
            page = doc.page(r.page)
            assert " ".join(page.text[r.char_start:r.char_end].split()) == r.date_text
            assert r.date_text in r.sentence


@pytest.mark.parametrize("text,expected", [
    # history in the document's own year: past tense decides
    ("Datum: 20 oktober 2023\n\nIn 2023 is de aanpak geëvalueerd.", []),
    ("Datum: 20 oktober 2023\n\nIn 2023 wordt de aanpak nog geëvalueerd.", [("2023-12-31", "year")]),
    # a past day is history even with a due-looking verb
    ("Datum: 9 mei 2023\n\nDe raad heeft op 30 maart 2023 de thema's vastgesteld.", []),
    # 'uiterlijk' outweighs a perfect-looking verb form in the current year
    ("Datum: 5 september 2012\n\nDit vraagt dat de verdeling uiterlijk eind dit jaar is vastgesteld.",
     [("2012-12-31", "year")]),
    # voor = for (noun before it) vs before (verb before it, completion after)
    ("Datum: 1 maart 2024\n\nHet actieplan voor 2025 is door de raad vastgesteld.", []),
    ("Datum: 1 maart 2024\n\nHet actieplan moet voor 2025 zijn afgerond.", [("2025-01-01", "year")]),
    ("Datum: 1 maart 2024\n\nDe subsidie voor 2025 bedraagt 40.000 euro.", []),
    # voor + month is before (gold convention: first day of the month)
    ("Datum: 1 maart 2024\n\nWilt u voor september 2024 reageren?", [("2024-09-01", "month")]),
    # statistics and references
    ("Datum: 1 maart 2024\n\nEen stijging van 12% ten opzichte van 2025 is het doel.", []),
    ("Datum: 1 maart 2024\n\nZie onze brief d.d. 3 april 2024 over dit onderwerp.", []),
    ("Datum: 1 maart 2024\n\nIn 2026 wil de gemeente een daling van 15% ten opzichte van 2022.",
     [("2026-12-31", "year")]),
    # a multi-year period is not a due date
    ("Datum: 1 maart 2024\n\nIn de periode 2025-2028 werken we aan vier thema's.", []),
    # recurring months without a year
    ("Datum: 1 maart 2024\n\nJaarlijks in oktober wordt de monitor uitgevoerd.", []),
    ("Datum: 1 maart 2024\n\nVan juli tot en met september is er toezicht op het water.", []),
    # a bare future year without a preposition is a name or a label, not a due date
    ("Datum: 1 maart 2024\n\nVeiligheidsmonitor 2025 – resultaten per wijk.", []),
    # yearless dates come from the document date; medio/tot cue
    ("Datum: 9 mei 2023\n\nTot medio oktober kunnen raden zienswijzen indienen.", [("2023-10-15", "month")]),
    ("Datum: 20 november 2024\n\nIn februari bespreekt de driehoek het concept.", [("2025-02-28", "month")]),
    # met ingang van / effective dates
    ("Datum: 1 maart 2024\n\nMet ingang van 1 januari 2025 geldt het cameratoezicht ook in het centrum.",
     [("2025-01-01", "day")]),
    # seasons and halves
    ("Datum: 1 maart 2024\n\nIn de tweede helft van 2024 leggen wij de evaluatie voor aan de raad.",
     [("2024-12-31", "half")]),
    ("Datum: 1 maart 2024\n\nHet voorstel wordt in het najaar ter besluitvorming aangeboden.", [("2024-10-31", "half")]),
])
def test_judgment_on_small_texts(text, expected):
    rows, _ = deadlines(text)
    assert [(r.date, r.precision) for r in rows] == expected


def test_without_document_date_the_plan_period_tells_past_from_future():
    text = ("# Veiligheidsstrategie 2023-2026\n\nIn 2021 is de vorige strategie geëvalueerd. "
            "In 2025 wordt de aanpak van ondermijning tussentijds geëvalueerd. Medio oktober volgt een evaluatie.")
    rows, _ = deadlines(text)
    # a yearless date takes the plan's first year (year_inferred), as an annotator reads it from context
    assert [(r.date, r.year_inferred) for r in rows] == [("2025-12-31", False), ("2023-10-15", True)]


def test_duplicated_text_layer_gives_one_deadline():
    first = ("De politie realiseert met betrekking tot de prioriteiten een toename van de \n"
             "pakkans van 25% in 2014. Politiegegevens zijn eind 2013 ontsloten in het VNG-\nmodel. \n")
    second = ("\tDe politie realiseert met betrekking tot de prioriteiten een toename van de pakkans van 25% "
              "in 2014. Politiegegevens zijn eind 2013 ontsloten in het VNG-model.\n")
    text = "Datum: 5 september 2012\n\n" + first + "\n" + second
    rows, _ = deadlines(text)
    assert [(r.date, r.date_text) for r in rows] == [("2014-12-31", "in 2014"), ("2013-12-31", "eind 2013")]


def test_theme_from_a_mention_in_the_sentence():
    text = "Datum: 1 maart 2024\n\nDe aanpak van woninginbraken wordt uiterlijk 1 juli 2024 geëvalueerd."
    start = text.index("woninginbraken")
    mention = ThemeMention("test", "woninginbraken", "woninginbraken", "exact", 100, 1, start,
                           start + len("woninginbraken"), "")
    rows, _ = deadlines(text, mentions=[mention])
    assert [r.theme_id for r in rows] == ["woninginbraken"]


def test_actor_needs_a_parser_and_never_crashes_without_one():
    text = "Datum: 1 maart 2024\n\nDe gemeenteraad stelt het plan uiterlijk 1 juli 2024 vast."
    rows, _ = deadlines(text)  # no spaCy doc on the pages
    assert rows[0].actor is None
    rows, _ = deadlines(text, parse=True)
    assert rows[0].date == "2024-07-01"
    has_parser = "parser" in load_model().nlp.component_names
    assert rows[0].actor == ("De gemeenteraad" if has_parser else None)


def test_the_parser_reads_only_the_sentence_of_a_deadline():
    """Pages get rule-based sentences; the dependency parse is made for a found deadline's sentence."""
    from extractors.nlp import parse_sentence

    model = load_model()
    assert "parser" not in model.nlp.pipe_names  # not in the pass over every page
    sentence = "Het college stuurt de evaluatie voor 1 oktober 2025 naar de raad."
    assert parse_sentence(sentence, None) is None  # a page the NLP pass did not read
    doc = parse_sentence(sentence, model.nlp.make_doc(sentence))
    if "parser" not in model.nlp.component_names:
        assert doc is None
        return
    assert doc.has_annotation("DEP") and doc[:2].text == "Het college"
    root = [t for t in doc if t.dep_ == "ROOT"]
    assert [t.text for t in root] == ["stuurt"]
    assert "college" in {c.text for c in root[0].children}


def test_what_is_the_clause_without_the_date():
    text = "Datum: 1 maart 2024\n\nHet college legt uiterlijk eind 2024 een nieuw handhavingsplan voor aan de raad."
    rows, _ = deadlines(text)
    assert rows[0].what == "Het college legt een nieuw handhavingsplan voor aan de raad"


def test_sentence_span_continues_over_pdf_line_breaks_but_stops_at_headings():
    text = ("3.2 Prioriteit geweld\n\nGemeenten formuleren uiterlijk in \n2014 gericht preventiebeleid\n"
            " 3.3 Prioriteit woninginbraken \n\nDe afgelopen jaren is het aantal fors toegenomen.")
    page = document_from_text(text).pages[0]
    pos = text.index("uiterlijk")
    assert sentence_span(page, pos, pos + 5)[2] == "Gemeenten formuleren uiterlijk in 2014 gericht preventiebeleid"


def test_cue_vocabulary_is_validated():
    data = dict(_cues()["data"])
    data["due_cues"] = []
    with pytest.raises(VocabError):
        _validate(data)


def test_all_dates_are_iso_with_known_precision():
    for rows, _ in (letter(), memo()):
        for r in rows:
            dt.date.fromisoformat(r.date)
            assert r.precision in ("day", "month", "quarter", "half", "year")  # the contract: no "week"


def test_header_values_and_wrapped_years():
    text = ("Datum\n21.05.2024\nKenmerk\nD2024-03-011394\nDatum verzending\n22.05.2024\n\n"
            "De politie realiseert een verdachtenratio geweld van 60% in\n2025.\n\n"
            "In de Statenvergadering van 24 april 2024 hebben wij toegezegd de communicatie te verbeteren. "
            "Op 25 september 2024 vindt de bespreking plaats in de Statencommissie.")
    rows, _ = deadlines(text)
    assert [(r.date, r.date_text) for r in rows] == [("2025-12-31", "in 2025"), ("2024-09-25", "Op 25 september 2024")]


def test_perfect_tense_without_ge_participle_on_both_tiers():
    text = "Vanaf 1 januari 2023 zijn de regels rondom het bestrijden van ratten veranderd."
    rows, _ = deadlines(text, parse=True)  # no document date: tense decides
    assert rows == []
    # the word shapes see "veranderd" (ver- ... -d) too: the blank pipeline judges it the same
    rows, _ = deadlines(text)
    assert rows == []


def test_start_of_the_current_year_is_history_by_midyear():
    text = ("Datum: 16 juli 2024\n\nIn de gesprekken aan het begin van dit jaar hebben wij al aangegeven dat wij "
            "zullen bijsturen. Eind dit jaar volgt een besluit.")
    rows, _ = deadlines(text)
    assert [(r.date, r.mod) for r in rows] == [("2024-12-31", "END")]


def test_recurring_yearless_day_window_and_dated_day_range():
    text = ("Datum: 16 juli 2024\n\nHet tijdsvenster staat open van 1 september tot 1 maart. Het ontwerp lag van "
            "18 januari tot en met 28 februari 2024 ter inzage. Aanmelden kan van 2 tot en met 13 september 2024.")
    rows, _ = deadlines(text)
    assert [(r.date, r.date_text) for r in rows] == [("2024-09-13", "van 2 tot en met 13 september 2024")]


IVP = """Integraal Veiligheidsplan Gemeente Rivierenland 2023-2026
Vastgesteld door de gemeenteraad op 15 december 2022

1. Inleiding

Dit integraal veiligheidsplan (IVP) beschrijft de koers voor de periode 2023-2026. Het vorige plan liep van 2019 tot en met 2022. In 2021 is het aantal woninginbraken met 18% gedaald ten opzichte van 2020. Uit de Veiligheidsmonitor 2021 blijkt dat 32% van de inwoners zich weleens onveilig voelt.

2. Prioriteiten

Ondermijning
Wij willen dat in 2026 alle horecavergunningen via een Bibob-toets zijn beoordeeld. Het RIEC levert voor 1 juli 2023 een ondermijningsbeeld op. Uiterlijk in het tweede kwartaal van 2024 is het convenant met de woningcorporaties ondertekend.

Jeugd en veiligheid
De aanpak van jeugdgroepen wordt in het voorjaar van 2024 geëvalueerd. Halverwege 2025 volgt een tussenrapportage aan de raad. Elk jaar in juni organiseren we een jongerenpanel.

Cybercrime
Vanaf 2024 voeren we jaarlijks een bewustwordingscampagne uit. Eind 2023 is een cyberweerbaarheidsscan beschikbaar voor ondernemers.

3. Uitvoering en monitoring

Jaarlijks stellen we een uitvoeringsprogramma op; het uitvoeringsprogramma 2023 wordt in het eerste kwartaal van 2023 aan de raad gestuurd. De raad ontvangt in week 14 een informatiebrief. Per 1 januari 2024 geldt de nieuwe APV. De evaluatie van dit plan vindt plaats in het najaar van 2026.
"""


def test_plan_with_adoption_date_in_its_title_lines():
    rows, doc = deadlines(IVP)
    assert document_date_and_period(doc) == (dt.date(2022, 12, 15), 2023, 2026)
    assert [(r.date, r.precision, r.mod) for r in rows] == [
        ("2026-12-31", "year", None),           # in 2026 alle vergunningen beoordeeld
        ("2023-07-01", "day", "BEFORE"),        # voor 1 juli 2023
        ("2024-06-30", "quarter", "ON_OR_BEFORE"),  # uiterlijk in het tweede kwartaal van 2024
        ("2024-04-30", "half", None),           # in het voorjaar van 2024
        ("2025-07-01", "year", "MID"),          # halverwege 2025
        ("2024-01-01", "year", "ON_OR_AFTER"),  # vanaf 2024
        ("2023-12-31", "year", "END"),          # eind 2023
        ("2023-03-31", "quarter", None),        # in het eerste kwartaal van 2023
        ("2023-04-09", "month", None),          # in week 14 (year from the document date)
        ("2024-01-01", "day", "ON_OR_AFTER"),   # per 1 januari 2024
        ("2026-10-31", "half", None),           # in het najaar van 2026
    ]
    assert rows[1].actor in (None, "Het RIEC")


@pytest.mark.parametrize("with_sentencizer", [True, False])
def test_blank_pipeline_degrades_without_crashing(with_sentencizer):
    import spacy
    nlp = spacy.blank("nl")
    if with_sentencizer:
        nlp.add_pipe("sentencizer")
    doc = document_from_text(LETTER)
    for page in doc.pages:
        page.spacy_doc = nlp(page.text)
    doc_date, start, end = document_date_and_period(doc)
    rows = extract_deadlines(doc, doc_date, (start, end), Structure(), [])
    assert [r.date_text for r in rows] == [r.date_text for r in letter()[0]]
    assert all(r.actor is None for r in rows)


POLICE = """Jaarplan politie basisteam Rivierenland 2024

Datum: 1 februari 2024

In 2022 zijn 1.234 aangiften van woninginbraak gedaan. Dat is 12% minder dan in 2021. Voor 2024 verwachten we een verdere daling. Het aantal incidenten met verwarde personen steeg van 2.100 in 2019 naar 2.800 in 2023.

De politie zet in 2024 extra in op high impact crime. Eind 2024 moet 80% van de wijkagenten de training hebben gevolgd. Vanaf het tweede kwartaal van 2024 draait de pilot met bodycams. Tijdens de jaarwisseling 2023-2024 waren er 14 incidenten. De evaluatie van de pilot is gepland in week 38. In de zomer is de inzet op het water beperkt. Het landelijk programma loopt tot 2026. Sinds 1 januari 2023 werkt het team met de nieuwe roosters.

Uitvoeringsagenda
| Q1 2024 | werving extra handhavers |
| Q3 2024 | evaluatie cameratoezicht |
"""


def test_police_year_plan_statistics_periods_and_table_rows():
    rows, doc = deadlines(POLICE)
    assert document_date_and_period(doc) == (dt.date(2024, 2, 1), 2024, 2024)  # one-year plan in the title
    assert [(r.date, r.precision, r.cue) for r in rows] == [
        ("2024-12-31", "year", "eind"),          # eind 2024 moet 80% ...
        ("2024-04-01", "quarter", "vanaf"),      # vanaf het tweede kwartaal van 2024
        ("2024-09-22", "month", "gepland"),      # gepland in week 38
        ("2024-03-31", "quarter", "planning"),   # | Q1 2024 | werving ... |
        ("2024-09-30", "quarter", "planning"),
    ]
    # not: "de politie zet in 2024 extra in" (the plan's own year restated, no target),
    # statistics of 2019-2023, "voor 2024 verwachten we" (for), the jaarwisseling 2023-2024,
    # "in de zomer is de inzet beperkt" (habitual), "loopt tot 2026" (a period), "sinds 1 januari 2023"
    assert [r.what for r in rows][-2:] == ["werving extra handhavers", "evaluatie cameratoezicht"]


ACTIEPLAN = """Actieplan Veilig Uitgaan Binnenstad

Datum: 5 februari 2024

Acties

Actie\tWie\tWanneer
A. Cameratoezicht uitbreiden naar de Havenstraat\tgemeente\teind april 2024
B. Training barpersoneel agressie\thoreca NL\tjuni t/m augustus
C. Evaluatie portiersregeling\tpolitie\t2023
D. Nieuwe sluitingstijden\tgemeente\tper 1 oktober 2024

Cijfers

Incidenten uitgaansgeweld      2022      2023
Binnenstad                     114       97
Geweld tegen portiers          2023      12

De evaluatie van 2023 laat een daling zien. Van juni tot en met augustus is het terras druk. De horecavergunningen
worden in september of oktober 2024 verlengd.
"""


def test_planning_table_cells_are_deadlines_and_statistics_rows_are_not():
    rows, _ = deadlines(ACTIEPLAN)
    got = [(r.date, r.precision, r.cue, r.year_inferred) for r in rows]
    assert got == [
        ("2024-04-30", "month", "planning", False),   # eind april 2024 in the Wanneer column
        ("2024-08-31", "month", "planning", True),    # juni t/m augustus: a yearless range in a planning row
        ("2024-10-01", "day", "planning", False),     # per 1 oktober 2024
        ("2024-10-31", "month", "in", False),          # in september of oktober 2024
    ]
    # not: row C (2023, past), the figures table's year headers and cells, "De evaluatie van 2023"
    # (what a review is about), "Van juni tot en met augustus" in prose (every summer)
    assert rows[0].what == "A. Cameratoezicht uitbreiden naar de Havenstraat | gemeente"
    assert rows[0].sentence == "Cameratoezicht uitbreiden naar de Havenstraat gemeente eind april 2024"


def test_each_table_row_is_its_own_sentence():
    doc = document_from_text("Planning\n\nStap 1   kick-off   maart 2025\nStap 2   rapport   mei 2025\n")
    page = doc.pages[0]
    i = page.text.index("mei 2025")
    _, _, sentence = sentence_span(page, i, i + 8)
    assert sentence == "Stap 2 rapport mei 2025"


JAARPLAN = """JAARPLAN 2019

Veiligheidsregio en gemeente Hoorn

Vastgesteld door het college op 11 december 2018

Dit jaarplan is de vertaling van het Integraal Veiligheidsplan 2019-2022 naar het eerste jaar. In 2019 ligt de
nadruk op jeugdgroepen en ondermijning. In 2019 daalt het aantal woninginbraken met ten minste 5%. De doelstelling
is 40 gesloten drugspanden in 2019. De raad ontvangt uiterlijk in juni 2019 een tussenrapportage. Het IVP 2019-2022
blijft het kader, zoals in de integrale aanpak van 2019 tot 2022 is afgesproken.
"""


def test_one_year_plan_restating_its_year_is_no_deadline_but_its_targets_are():
    rows, doc = deadlines(JAARPLAN)
    assert document_date_and_period(doc) == (dt.date(2018, 12, 11), 2019, 2019)  # adoption line; title block
    assert [(r.date, r.precision, r.date_text) for r in rows] == [
        ("2019-12-31", "year", "In 2019"),          # daalt ... met ten minste 5%
        ("2019-12-31", "year", "in 2019"),          # de doelstelling is 40 gesloten drugspanden
        ("2019-06-30", "month", "uiterlijk in juni 2019"),
    ]


RAADSVOORSTEL = """Gemeente Dalfsen

RAADSVOORSTEL

Onderwerp:            Vaststelling veiligheidsbeleid 2021-2024
Datum raadsvergadering: 14 december 2020
Datum collegebesluit:   17 november 2020
Registratienummer:    20.1188

De raad wordt voorgesteld het veiligheidsbeleid vast te stellen. Alle gemeenten in de regio zijn betrokken en het
beleid gaat in per 1 januari 2021.
"""


def test_meeting_date_in_the_head_is_a_deadline_and_not_the_document_date():
    rows, doc = deadlines(RAADSVOORSTEL)
    assert document_date_and_period(doc) == (dt.date(2020, 11, 17), 2021, 2024)
    assert [(r.date, r.cue) for r in rows] == [("2020-12-14", "datum raadsvergadering"), ("2021-01-01", "per")]


def test_plural_nouns_in_ge_are_not_participles():
    text = ("Datum: 3 maart 2024\n\nDe zorg voor (ex-)gedetineerden is vanaf 2024 een taak van de gemeenten. "
            "Vanaf 2024 zijn alle gesprekken met de gemeenten gebundeld.\n")
    rows, _ = deadlines(text)
    assert [(r.date, r.date_text) for r in rows] == [("2024-01-01", "vanaf 2024")]  # the second is done ("gebundeld")


def test_the_decision_a_council_text_refers_to_is_no_deadline():
    filler = "Het college heeft de veiligheidsanalyse met de partners besproken en de raad geinformeerd. " * 30
    text = ("Datum: 2 juni 2021\n\n" + filler + "\n\nDe raad van de gemeente Hardenberg; gelezen het voorstel van burgemeester en "
            "wethouders van 2 juni 2021, nummer 21.77; besluit: het plan per 1 januari 2022 vast te stellen. "
            "Het besluit van 14 juli 2021 wordt bekendgemaakt.\n")
    rows, _ = deadlines(text)
    assert [r.date for r in rows] == ["2022-01-01"]


def test_a_target_word_misread_by_ocr_still_makes_the_plan_year_a_target():
    text = ("JAARPLAN 2020\n\nDatum: 5 december 2019\n\nVoor de eenheid geldt een doelstellnig van 5 miljoen euro in 2020. "
            "In 2020 ligt de nadruk op jeugd.\n\nEnschede, december 2019\n")
    rows, _ = deadlines(text)
    assert [(r.date, r.date_text) for r in rows] == [("2020-12-31", "in 2020")]


def test_a_coming_season_already_begun_is_still_ahead():
    rows, _ = deadlines("Datum: 12 maart 2025\n\nKomend voorjaar organiseren we een wijkschouw. Per 1 maart jl. is de "
                        "nieuwe APV van kracht.\n")
    assert [(r.date, r.precision, r.cue) for r in rows] == [("2025-04-30", "half", "komend")]


def test_entry_into_force_label_in_the_head_is_a_deadline():
    rows, doc = deadlines("Gemeente Epe\nDatum: 3-2-2022\nDatum inwerkingtreding: 1 januari 2023\nOnderwerp: APV\n\n"
                          "Tekst van de regeling.\n")
    assert document_date_and_period(doc)[0] == dt.date(2022, 2, 3)
    assert [(r.date, r.cue) for r in rows] == [("2023-01-01", "datum inwerkingtreding")]


PLANNING_FORMS = """Plan van aanpak jeugdoverlast

Datum: 4 maart 2024

Fase 1 (april–mei 2024): analyse van de hotspots
• Q3 2024 → gesprekken met de jongeren
1. Opstellen van het handhavingsprotocol (juni 2024)
Oplevering: wk 40
Verslagjaar: 2025
Wanneer: eind 2023
"""


def test_step_labels_arrows_bracketed_dates_and_field_values_are_planning():
    rows, _ = deadlines(PLANNING_FORMS)
    assert [(r.date, r.precision, r.cue) for r in rows] == [
        ("2024-05-31", "month", "planning"),     # Fase 1 (april–mei 2024): ...
        ("2024-09-30", "quarter", "planning"),   # • Q3 2024 → ...
        ("2024-06-30", "month", "planning"),     # 1. ... (juni 2024)
        ("2024-10-06", "half", "oplevering"),    # Oplevering: wk 40 (30 Sept-6 Oct: two quarters, one half)
    ]
    # not: "Verslagjaar: 2025" (a period label), "Wanneer: eind 2023" (past)


def test_a_planned_step_in_the_plan_year_stays_a_deadline():
    text = ("Jaarplan 2021\n\nDatum: 1 december 2020\n\nIn 2021 start de pilot met buurtvaders. "
            "In 2021 moeten we scherpe keuzes maken. In 2021 ligt de nadruk op ondermijning.\n")
    rows, _ = deadlines(text)
    assert [r.sentence for r in rows] == ["In 2021 start de pilot met buurtvaders."]


def test_adoption_lines_date_a_decision_or_plan_its_adoption():
    besluit = ("Raadsbesluit\n\nDe raad van de gemeente Dinkelland;\n\nbesluit: het veiligheidsplan 2023-2026 vast te "
               "stellen.\n\nAldus vastgesteld in de openbare vergadering van 12 december 2022.\n")
    rows, doc = deadlines(besluit)
    assert document_date_and_period(doc)[0] == dt.date(2022, 12, 12) and rows == []
    voorstel = ("Raadsvoorstel\n\nDatum: 22 november 2022\n\nOntwerpbesluit\n\nAldus vastgesteld in de openbare "
                "vergadering van 15 december 2022.\n")
    rows, doc = deadlines(voorstel)
    assert [(r.date, r.cue) for r in rows] == [("2022-12-15", "vastgesteld")]


def test_a_budget_available_up_to_a_year_is_a_period():
    rows, _ = deadlines("Datum: 4 april 2024\n\nVoor de aanpak is tot en met 2027 jaarlijks € 150.000 beschikbaar. "
                        "Het plan moet tot 1 juli 2024 ter inzage liggen en is uiterlijk 1 oktober 2024 gereed.\n")
    assert [r.date for r in rows] == ["2024-07-01", "2024-10-01"]


def test_a_coming_quarter_is_due_and_the_last_one_is_history():
    rows, _ = deadlines("Datum: 20 november 2024\n\nIn het komende kwartaal volgt een evaluatie. Vorig kwartaal daalde "
                        "het aantal meldingen.\n")
    assert [(r.date, r.precision, r.cue) for r in rows] == [("2025-03-31", "quarter", "komende")]


def test_a_numbered_heading_ending_in_a_year_is_no_planning_row():
    text = ("Datum: 5 januari 2025\n\n3.2 Doelen en ambities 2025\n\nWe werken aan een veilige stad.\n\n"
            "Acties\n1.1 Werving van extra boa's 2025\n1.2 Evaluatie van het cameratoezicht Q3 2025\n")
    rows, _ = deadlines(text)
    assert [(r.date, r.date_text) for r in rows] == [("2025-12-31", "2025"), ("2025-09-30", "Q3 2025")]


def test_a_yearless_bound_that_has_passed_means_next_year_when_the_words_look_ahead():
    text = ("Datum: 10 oktober 2024\n\nTot de zomer wordt er extra gesurveilleerd in het centrum. "
            "Voor de zomer is het plan in de commissie besproken. "
            "De partners hebben hun input uiterlijk 1 september aangeleverd.\n")
    rows, _ = deadlines(text)
    assert [(r.date, r.precision, r.timex, r.year_inferred) for r in rows] == [("2025-06-01", "half", "2025-SU", True)]


def test_yearless_range_in_a_run_together_planning_table_is_that_years_slot():
    text = ("Jaarplan Handhaving 2026\n\nDatum: 8 december 2025\n\nPlanning\n"
            "A1 Controle vakantieparken Veluwe team toezicht Q1 2026\n"
            "A2 Inzet boa's op de stranden team handhaving juni t/m augustus\n"
            "A3 Evaluatie met de driehoek gemeente eind 2026\n\n"
            "Toezicht\n• Het jaarlijkse zwemwatertoezicht op de plassen loopt juni t/m augustus\n"
            "• De strandwacht is dan dagelijks aanwezig\n")
    rows, _ = deadlines(text)
    assert [(r.date, r.precision, r.year_inferred) for r in rows] == [
        ("2026-03-31", "quarter", False), ("2026-08-31", "month", True), ("2026-12-31", "year", False)]


# Habitual seasons and months: what happens every year is not due once. A written year keeps its reading.
@pytest.mark.parametrize("text, expected", [
    ("Datum: 5 februari 2024\n\nDrie keer per jaar, in het voorjaar, de zomer en het najaar, bespreekt de driehoek "
     "de cijfers.", []),
    ("Datum: 5 februari 2024\n\nIn de drukke maanden, van december tot en met februari, start de gemeente extra "
     "surveillance.", []),
    ("Datum: 5 februari 2024\n\nTijdens de wintermaanden, van november t/m januari, zal de wijkagent vaker "
     "patrouilleren.", []),
    ("Datum: 5 februari 2024\n\nIeder najaar bespreekt de raad de veiligheidsmonitor.", []),
    ("Datum: 3 november 2023\n\nHet aantal inbraken daalt met 5% per jaar tot 2026.", [("2026-01-01", "tot 2026")]),
    ("Datum: 3 november 2023\n\nVan november tot en met januari 2024 start de gemeente extra surveillance.",
     [("2024-01-31", "Van november tot en met januari 2024")]),
])
def test_habitual_periods_are_not_deadlines(text, expected):
    rows, _ = deadlines(text)
    assert [(r.date, r.date_text) for r in rows] == expected


# A perfect with an infinitive for its participle ("is ... komen te staan", "zijn ... gaan") is history.
@pytest.mark.parametrize("text, expected", [
    ("Datum: 3 november 2023\n\nDe handhaving is in 2023 onder spanning komen te staan door ziekte.", []),
    ("Datum: 3 november 2023\n\nDe wijkteams zijn in 2023 intensiever gaan samenwerken met de jongerenwerkers.", []),
    ("Datum: 3 november 2023\n\nIn 2023 is de wachtlijst voor schuldhulp blijven groeien.", []),
    # not a perfect: the verb belongs to a new clause or an infinitive, or a future auxiliary governs it
    ("Datum: 3 november 2023\n\nHet plan is dat de wijkteams in 2024 gaan samenwerken.", [("2024-12-31", "in 2024")]),
    ("Datum: 3 november 2023\n\nIn 2024 gaat de gemeente de aanpak uitbreiden.", [("2024-12-31", "In 2024")]),
])
def test_perfect_with_infinitive_is_past(text, expected):
    rows, _ = deadlines(text)
    assert [(r.date, r.date_text) for r in rows] == expected


# ---------------------------------------------------------------- real-text shapes (sentences written for these tests)

def dates_of(text, parse=False):
    rows, _ = deadlines(text, parse=parse)
    return [(r.date, r.precision) for r in rows]


UNDATED = "# Veiligheidsnota 2025-2028\n\n"


@pytest.mark.parametrize("parse", [False, True], ids=["blank-shapes", "with-parser"])
@pytest.mark.parametrize("body", [
    # a past event in an undated text: a perfect with a separable participle
    "Op 3 april 2024 heeft de gemeenteraad het beleidskader vastgesteld.",
    # the end of a period that was set, not a due date
    "In het vorige kader zijn de speerpunten tot en met 2024 vastgesteld.",
    # a simple past outweighs a strong noun
    "Bij de inwerkingtreding van de nieuwe wet op 1 juli 2016 was iedere gemeente verplicht een plan te maken.",
    # a clause in the past inside a longer sentence about today
    "In 2023 is met de partners veel capaciteit ingezet op woonoverlast.",
])
def test_undated_text_past_clauses_are_no_deadlines(body, parse):
    assert dates_of(UNDATED + body, parse) == []


@pytest.mark.parametrize("parse", [False, True], ids=["blank-shapes", "with-parser"])
def test_undated_text_future_tense_before_the_plan_starts(parse):
    # a budget for 2026 written in 2025: the tense says the step is ahead
    text = "# Begroting 2026\n\nDe nieuwe nota wordt na de zomer 2025 door de raad vastgesteld."
    assert dates_of(text, parse) == [("2025-08-31", "half")]


@pytest.mark.parametrize("parse", [False, True], ids=["blank-shapes", "with-parser"])
def test_yearless_month_in_an_undated_plan_takes_its_first_year(parse):
    # the month sits in a clause of its own after a clause in the perfect
    text = UNDATED + "Het plan, dat vandaag door het college is besproken en in november in de raad aan bod komt."
    rows, _ = deadlines(text, parse=parse)
    assert [(r.date, r.precision, r.year_inferred) for r in rows] == [("2025-11-30", "month", True)]


def test_year_of_a_noun_is_the_baseline_of_a_later_date():
    text = UNDATED + "De vijf buurten die in 2021 het laagst scoren, moeten in 2027 een hogere score halen."
    assert dates_of(text) == [("2027-12-31", "year")]
    dated = "Datum: 3 maart 2024\n\nHet in 2023 opgestelde handhavingskader wordt in 2025 geëvalueerd."
    assert dates_of(dated) == [("2025-12-31", "year")]


@pytest.mark.parametrize("text,expected", [
    # a target, with no date at all to judge past from future
    ("Effecten\n\nIn 2027 is het aantal woninginbraken gedaald ten opzichte van 2022.", [("2027-12-31", "year")]),
    # "voor <jaar>" read as "for": the year a goal is set for
    ("Datum: 3 maart 2025\n\nVoor elk thema is een doelstelling geformuleerd voor 2027.", [("2027-12-31", "year")]),
    # a dated entry that reports the past
    ("Datum: 3 maart 2025\n\n12 maart - De commissie besprak gisteravond het concept.\n", []),
    # a perfect in a condition looks ahead
    (UNDATED + "De resultaten staan in de monitor, als die is gepubliceerd in juni 2026.", [("2026-06-30", "month")]),
    # digits run together are a field's value, not a statement
    ("Datum: 3 maart 2025\n\nHet dossier 12052026 ligt ter inzage.", []),
    # without any date, "zal" still says future
    ("Veiligheid\n\nDe gemeente zal in 2026 een nieuw convenant sluiten.", [("2026-12-31", "year")]),
    # a participle used as an adjective is no past
    ("# Begroting 2027\n\nHet in 2026 ontwikkelde handhavingsbeleid wordt in 2027 vastgesteld en ingevoerd.",
     [("2027-12-31", "year")]),
    # "tot en met <jaar>" in a perfect: a period that was set
    ("# Begroting 2026\n\nOp 4 maart 2024 heeft de raad het beleidsplan tot en met 2027 vastgesteld.", []),
])
def test_real_text_shapes(text, expected):
    assert dates_of(text) == expected


def test_contents_entries_are_no_deadlines():
    text = ("Datum: 3 maart 2025\n\nInhoud\n1 Inleiding 3\n2 Onze aanpak in 2026: doelen en acties 7\n"
            "3 Financien 12\n\nIn 2026 starten we met de wijkaanpak.")
    assert dates_of(text) == [("2026-12-31", "year")]


def test_het_komende_jaar_in_a_year_plan_without_date():
    text = "# Jaarplan 2025\n\nHet komende jaar gaan we de wijkaanpak uitbreiden naar twee nieuwe wijken."
    rows, doc = deadlines(text)
    assert document_date_and_period(doc) == (None, 2025, 2025)
    assert [(r.date, r.year_inferred) for r in rows] == [("2025-12-31", True)]


def test_yearly_recurrence_anywhere_in_the_sentence():
    text = "Datum: 3 maart 2025\n\nDe raad bespreekt de jaarlijkse rapportages die het college in oktober aanbiedt."
    assert dates_of(text) == []
    start = "Datum: 3 maart 2025\n\nVanaf 1 april ontvangen de wijkteams maandelijks een overzicht."
    assert dates_of(start) == [("2025-04-01", "day")]


def test_this_year_ahead_or_ending():
    assert dates_of("Datum: 3 maart 2025\n\nDit jaar willen we de aanpak afronden.") == [("2025-12-31", "year")]
    assert dates_of("Datum: 3 maart 2025\n\nHet huidige plan loopt dit jaar af.") == []


ROW_OF_LABELS = """Regeling veilig uitgaan
Gegevens van de regeling
Datum inwerkingtreding
Terugwerkende kracht tot en met
Datum uitwerkingtreding
Betreft
Datum ondertekening
Kenmerk
01-07-2025wijziging regeling
19-06-2025
abc-2025-1
Tekst van de regeling
De burgemeester kan een gebied aanwijzen.
"""


def test_a_row_of_labels_with_its_values_on_the_next_lines():
    rows, doc = deadlines(ROW_OF_LABELS)
    assert document_date_and_period(doc)[0] == dt.date(2025, 6, 19)  # the last date label takes the last date
    assert [(r.date, r.cue) for r in rows] == [("2025-07-01", "datum inwerkingtreding")]
