"""Theme matching and document-level prioritisation, on Dutch policy prose written for these tests
and on the text of the real PDFs in samples/pdf."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.document import document_from_text
from extractors.nlp import parse_pages
from extractors.records import PriorityItem
from extractors.structure import Structure
from extractors.themes import find_mentions, summarize, theme_for_text, theme_info, themes_in_text

ROOT = Path(__file__).resolve().parent.parent


def ids(text: str) -> set[str]:
    return {t for t, *_ in themes_in_text(text)}


def parsed(text: str, spacy: bool = True):
    doc = document_from_text(text, doc_id="t")
    if spacy:
        parse_pages(doc.pages)
    return doc


def summary(text: str, priorities=None, spacy: bool = True):
    doc = parsed(text, spacy)
    mentions = find_mentions(doc)
    rows = summarize(doc, mentions, Structure(), priorities or [])
    return {r.theme_id: r for r in rows}, mentions


# ----------------------------------------------------------------------------- matching

@pytest.mark.parametrize("text, theme", [
    ("In de wijk Zuid steeg het aantal woninginbraken opnieuw.", "woninginbraak"),
    ("Een overlastgevende jeugdgroep hangt rond bij het station.", "jeugdgroepen"),
    ("We pakken straatroven en overvallen op ondernemers hard aan.", "straatroof"),
    ("Er zijn meer meldingen over personen met ernstig verward gedrag.", "verward_gedrag"),
    ("Agressie en geweld tegen werknemers met publieke taak nemen toe.", "geweld_publieke_taak"),
    ("De aanpak van georganiseerde (ondermijnende) misdaad vraagt om samenwerking.", "georganiseerde_criminaliteit"),
    ("Outlaw motorcycle gangs zijn in de regio actief.", "omg"),
    ("Criminele geldstromen worden zichtbaar gemaakt.", "witwassen"),
])
def test_inflected_and_multiword_terms_match(text, theme):
    assert theme in ids(text)


def test_plural_form_is_a_lemma_match_with_the_term_recorded():
    ms = [m for m in find_mentions(parsed("Het college wil hennepkwekerij en overlastgevende jeugdgroep aanpakken."))]
    grp = next(m for m in ms if m.theme_id == "jeugdgroepen")
    assert grp.match_kind == "lemma" and grp.term == "overlastgevende jeugdgroepen" and grp.score < 100


@pytest.mark.parametrize("text, expected", [
    ("Drugs- en alcoholoverlast in het centrum", {"drugsoverlast", "alcoholoverlast"}),
    ("de aanpak van cyber- en gedigitaliseerde criminaliteit", {"cybercrime", "gedigitaliseerde_criminaliteit"}),
    ("Verkeersoverlast en -veiligheid rond scholen", {"verkeersoverlast", "verkeersveiligheid"}),
    ("kennis-, informatie- en expertisedeling tussen partners", {"informatiedeling"}),
    ("een verkenning naar cybercrime/-fraude", {"cybercrime", "cyberfraude"}),
    ("Ram- en plofkraken bij pinautomaten", {"ram_plofkraken"}),
])
def test_coordination_ellipsis_names_every_conjunct(text, expected):
    assert expected <= ids(text)


def test_elided_tail_is_not_a_theme_of_its_own():
    # "-fraude" completes "cyberfraude"; it is not the broad theme fraude
    assert "fraude" not in ids("Verkenning van de aanpak van cybercrime/-fraude")


@pytest.mark.parametrize("typo, theme", [
    ("Ondermijnign", "ondermijning"),  # swapped letters
    ("Ondemijning", "ondermijning"),  # dropped letter
    ("rnensenhandel", "mensenhandel"),  # OCR rn for m
    ("Radicalisenng", "radicalisering"),  # OCR rn for ri
    ("woninginbraaak", "woninginbraak"),  # doubled letter
    ("verkeersveiligheld", "verkeersveiligheid"),
    ("Jeugdoverlaast", "jeugdoverlast"),
    ("zorg en veiligheidsdornein", "zorg_en_veiligheid"),  # OCR inside a multiword term
])
def test_typos_and_ocr_errors_resolve(typo, theme):
    assert theme_for_text(typo) == theme
    kinds = {k for t, _s, _e, k in themes_in_text(typo) if t == theme}
    assert "fuzzy" in kinds


@pytest.mark.parametrize("word", [
    "ondernemers", "onderneming", "Ondernemen", "ondernemend", "geweldig", "jeugdige", "jeugdigen",
    "inbreken", "kennisneming", "verkeer", "rationalisering", "populariseren", "extreme", "overleg",
])
def test_look_alikes_never_match(word):
    assert theme_for_text(word) is None
    assert theme_for_text(f"De {word} in de gemeente worden betrokken.") is None


def test_exact_term_beats_a_fuzzy_look_alike():
    assert ids("Het keurmerk veilig ondernemen wordt uitgebreid.") == {"veilig_ondernemen"}


def test_abbreviations_are_case_sensitive_whole_tokens():
    assert theme_for_text("HIC") == "high_impact_crime"
    assert theme_for_text("De aanpak van OMG's en CSV's") == "omg"
    assert "georganiseerde_criminaliteit" in ids("De aanpak van OMG's en CSV's")
    assert theme_for_text("hic et nunc") is None
    assert theme_for_text("omg wat een dag") is None
    assert theme_for_text("Het CSV-bestand met cijfers") is None


def test_weak_term_only_counts_among_other_themes_or_as_label():
    doc = parsed("De gemeente verkoopt vastgoed aan de stationszijde om de begroting sluitend te maken.")
    assert not [m for m in find_mentions(doc) if m.theme_id == "vastgoed"]
    doc = parsed("Aandacht gaat uit naar mensenhandel, vastgoed, witwassen en hennepteelt in de regio.")
    assert [m for m in find_mentions(doc) if m.theme_id == "vastgoed"]
    assert theme_for_text("Vastgoed") == "vastgoed"


def test_theme_for_text_takes_the_first_theme_named():
    assert theme_for_text("Geweld (inclusief straatroof, overvallen en huiselijk geweld)") == "geweld"
    assert theme_for_text("3.2 Prioriteit woninginbraken") == "woninginbraak"
    assert theme_for_text("Verkeeroverlast en -veiligheid") == "verkeersoverlast"
    assert theme_for_text("Planning en proces") is None
    assert theme_for_text("") is None


def test_mentions_carry_provenance():
    text = "Inleiding\n\nDe gemeente ziet ondermijning als grootste opgave. Ook woninginbraken nemen toe.\f" \
           "Pagina twee gaat over radicalisering."
    doc = parsed(text)
    ms = find_mentions(doc)
    by = {m.theme_id: m for m in ms}
    for m in ms:
        page = doc.page(m.page)
        assert page.text[m.char_start:m.char_end] == m.surface
        assert m.surface in m.sentence
        assert m.match_kind in {"exact", "lemma", "abbreviation", "fuzzy"}
    assert by["radicalisering"].page == 2
    assert by["ondermijning"].sentence == "De gemeente ziet ondermijning als grootste opgave."
    assert by["ondermijning"].score == 100 and by["ondermijning"].match_kind == "exact"


def test_works_without_a_spacy_parse():
    doc = document_from_text("Onze speerpunten zijn ondernijning, jeugdoverlast en cybercrime.")
    assert doc.pages[0].spacy_doc is None
    assert {"ondermijning", "jeugdoverlast", "cybercrime"} <= {m.theme_id for m in find_mentions(doc)}


# ----------------------------------------------------------------------------- prioritisation

IVP = """Integraal Veiligheidsplan 2025-2028

1. Inleiding

Dit plan beschrijft hoe de gemeente met haar partners werkt aan een veilige stad. Ook huiselijk geweld
blijft aandacht vragen, net als de veiligheid rond evenementen.

2. Onze prioriteiten

Na gesprekken met inwoners, ondernemers en partners kiest het college de volgende prioriteiten:

1. Ondermijning
Hieronder vallen onder meer drugshandel, witwassen en misbruik van vakantieparken.
2. Jeugdoverlast
3. Verkeersveiligheid

De landelijke prioriteiten van de politie zijn:

- Cybercrime
- Mensenhandel

3. Uitwerking

3.1 Speerpunt ondermijning

We versterken de bestuurlijke aanpak. Daarbij richten we ons in het bijzonder op zorgfraude.
De gemeente werkt samen met het RIEC en de Belastingdienst aan een goede informatiepositie.

Thema Evenementenveiligheid

Het thema veilige evenementen wordt komend jaar nader verkend; een keuze volgt later.
"""


def test_issuer_priorities_are_prioritized_and_reported_lists_are_not():
    rows, _ = summary(IVP)
    for tid in ("ondermijning", "jeugdoverlast", "verkeersveiligheid"):
        assert rows[tid].prioritized, tid
    for tid in ("cybercrime", "mensenhandel", "huiselijk_geweld"):
        assert not rows[tid].prioritized, tid


def test_sub_themes_under_a_priority_are_prioritized_with_their_parent():
    rows, _ = summary(IVP)
    for tid in ("drugscriminaliteit", "witwassen", "vakantieparken", "zorgfraude"):
        assert rows[tid].prioritized, tid
    assert rows["witwassen"].parent_theme_id == "ondermijning"
    assert rows["witwassen"].vng_field == "Integriteit en veiligheid"
    # a partner's information position mentioned in passing is not a sub-theme
    assert not rows["informatiepositie"].prioritized


def test_explicitly_not_chosen_theme_is_not_prioritized():
    rows, _ = summary(IVP)
    assert not rows["evenementen"].prioritized


def test_same_plan_as_pdf_text_without_blank_lines():
    squeezed = "\n".join(line for line in IVP.split("\n") if line.strip())
    rows, _ = summary(squeezed)
    assert {t for t, r in rows.items() if r.prioritized} == {t for t, r in summary(IVP)[0].items() if r.prioritized}


def test_blank_pipeline_gives_the_same_priorities():
    with_parse = {t for t, r in summary(IVP)[0].items() if r.prioritized}
    without = {t for t, r in summary(IVP, spacy=False)[0].items() if r.prioritized}
    assert with_parse == without


def test_inline_enumeration_after_a_priority_cue():
    text = ("Voor de komende vier jaar kiest de gemeente drie speerpunten, namelijk 'veiligheidsbeleving', "
            "'cybercrime' en 'ondermijning'. Daarbij denken we ook aan thema's als radicalisering en "
            "polarisatie, die landelijk spelen.")
    rows, _ = summary(text)
    assert rows["veiligheidsbeleving"].prioritized and rows["cybercrime"].prioritized
    assert rows["ondermijning"].prioritized
    assert not rows["radicalisering"].prioritized and not rows["polarisatie"].prioritized


def test_ranked_list_gives_ranks():
    text = ("Top 3 van onze veiligheidsprioriteiten:\n\n1. Woninginbraken\n2. Jeugdoverlast\n3. Drugsoverlast\n\n"
            "Overige onderwerpen, zoals fietsendiefstal, pakken we binnen de reguliere aanpak op.")
    rows, _ = summary(text)
    assert rows["woninginbraak"].rank == 1 and rows["jeugdoverlast"].rank == 2 and rows["drugsoverlast"].rank == 3
    assert not rows["fietsendiefstal"].prioritized and rows["fietsendiefstal"].rank is None


def test_unranked_numbered_list_has_no_rank():
    rows, _ = summary(IVP)
    assert rows["ondermijning"].rank is None


def test_heading_with_priority_cue_and_its_section():
    text = ("Speerpunt 2: Woninginbraken\n\nNaast woninginbraken richten we ons onder meer op fietsendiefstal, "
            "autokraken en straatroof.\n\nHoofdstuk 5 Financien\n\nHet budget voor buurtpreventie blijft gelijk.")
    rows, _ = summary(text)
    assert rows["woninginbraak"].prioritized
    assert rows["woninginbraak"].evidence.startswith("Speerpunt 2")
    assert rows["fietsendiefstal"].prioritized and rows["straatroof"].prioritized
    assert rows["fietsendiefstal"].parent_theme_id == "voertuigcriminaliteit"
    assert not rows["burgerparticipatie"].prioritized


def test_passing_mentions_only_give_no_priority():
    text = ("De burgemeester sprak met de raad over overlast, geweld en ondermijning in het centrum. "
            "Een besluit volgt na de zomer.")
    rows, _ = summary(text)
    assert rows and not any(r.prioritized for r in rows.values())


def test_reported_priority_item_from_the_structure_helper_vetoes():
    text = "De prioriteiten zijn:\n\n- Ondermijning\n- Cybercrime\n"
    doc = parsed(text)
    ms = find_mentions(doc)
    start = doc.pages[0].text.index("Cybercrime")
    veto = PriorityItem(doc_id="t", list_title="prioriteiten van het OM", ranked=False, rank=None,
                        item_text="Cybercrime", theme_id="cybercrime", page=1, char_start=start,
                        char_end=start + len("Cybercrime"), adopted=False)
    rows = {r.theme_id: r for r in summarize(doc, ms, Structure(), [veto])}
    assert rows["ondermijning"].prioritized and not rows["cybercrime"].prioritized


# ----------------------------------------------------------------------------- real PDFs

def _pdf_text(name: str) -> str:
    pdfium = pytest.importorskip("pypdfium2")
    path = ROOT / "samples" / "pdf" / name
    if not path.exists():
        pytest.skip(f"{name} not present")
    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\f".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def test_real_pdf_about_rats_has_no_invented_priorities():
    rows, mentions = summary(_pdf_text("haarlem_memo_visie_rattenbestrijding_2024-04-25.pdf"))
    assert not any(r.prioritized for r in rows.values())
    assert set(rows) <= {"overlast"}  # rat nuisance is overlast; nothing else is a safety theme here
    assert all(m.match_kind == "exact" for m in mentions)


def test_real_pdf_council_decisions_do_not_fuzzy_match_everyday_words():
    text = _pdf_text("overijssel_statenvoorstel_omgevingsverordening_wind_2024-11-22.pdf")
    assert "kennisneming" in text.lower() or "kennis" in text.lower()
    rows, mentions = summary(text)
    assert not [m for m in mentions if m.match_kind == "fuzzy"]
    assert not any(r.prioritized for r in rows.values())


def test_theme_info_for_other_extractors():
    info = theme_info("cybercrime")
    assert info["label"] == "Cybercrime" and info["parent"] == "cyber"
    assert info["vng_field"] == "Integriteit en veiligheid"


def test_spacy_component_gives_the_same_themes_as_spans():
    import spacy

    import extractors.theme_spacy  # noqa: F401  registers the factory

    nlp = spacy.blank("nl")
    nlp.add_pipe("ivp_themes")
    doc = nlp("De raad kiest voor drugs- en alcoholoverlast en de aanpak van OMG's; ook ondernijning.")
    spans = doc.spans["ivp_themes"]
    assert {s.label_ for s in spans} == {"drugsoverlast", "alcoholoverlast", "omg", "ondermijning"}
    fuzzy = next(s for s in spans if s.label_ == "ondermijning")
    assert fuzzy._.theme_match_kind == "fuzzy" and fuzzy.text == "ondernijning" and fuzzy._.theme_term == "ondermijning"


def test_list_under_a_reported_appendix_stays_reported_whatever_its_table_header_says():
    text = ("Bijlage 3: Landelijke prioriteiten politie 2019-2022\n\nprioriteit          bijdrage politie\n"
            "1. Aanpak van ondermijning\n2. Bestrijding van kinderporno\n3. Aanpak van cybercrime\n")
    rows, _ = summary(text)
    assert rows and not any(r.prioritized for r in rows.values())


def test_lead_in_about_strategy_or_criteria_is_not_a_priority_list():
    text = ("De partners maken afspraken over de gezamenlijke prioriteiten. Om de aanpak te versterken "
            "maken we de volgende strategische keuzes:\n\n- informatiegestuurd werken met de politie\n"
            "- een persoonsgerichte aanpak van daders\n")
    rows, _ = summary(text)
    assert not any(r.prioritized for r in rows.values())


def test_item_that_mentions_a_priority_inside_a_target_is_not_a_label():
    text = ("Ambities\n\n- Een daling van het aantal slachtoffers met tien procent voor de geprioriteerde "
            "high impact crimes in de binnenstad in 2026\n")
    rows, _ = summary(text)
    assert not rows["high_impact_crime"].prioritized


def test_with_the_structure_helpers_parse_the_priorities_agree():
    from extractors.priorities import extract_priorities
    from extractors.structure import parse_structure

    doc = parsed(IVP)
    structure = parse_structure(doc)
    rows = summarize(doc, find_mentions(doc), structure, extract_priorities(doc, structure))
    got = {r.theme_id for r in rows if r.prioritized}
    assert got == {t for t, r in summary(IVP)[0].items() if r.prioritized}


@pytest.mark.parametrize("text, theme", [
    ("Het aantal woning inbraken is gedaald.", "woninginbraak"),
    ("Samen met de politie pakken we cyber crime aan.", "cybercrime"),
    ("De aanpak van mensen handel in de regio.", "mensenhandel"),
])
def test_compound_written_apart_is_that_compound(text, theme):
    hits = [(t, k) for t, _s, _e, k in themes_in_text(text) if t == theme]
    assert hits and hits[0][1] == "fuzzy"


def test_words_apart_across_punctuation_are_not_joined():
    assert "jeugdoverlast" not in ids("Het gaat om jeugd, overlast en geweld.")


# ----------------------------------------------------------------------------- held-out style gaps

@pytest.mark.parametrize("text, theme", [
    ("Thema 2: Zorg & Veiligheid", "zorg_en_veiligheid"),
    ("Speerpunt Veiligheid & zorg in de wijk", "zorg_en_veiligheid"),
])
def test_ampersand_joins_conjuncts_like_en(text, theme):
    assert theme_for_text(text) == theme


def test_ampersand_between_letters_is_no_conjunction():
    assert ids("Het college van B&W besluit.") == set()


@pytest.mark.parametrize("word", ["overvallend", "explosief", "explosieve"])
def test_listed_look_alikes_are_not_reached_through_their_lemma_or_stem(word):
    assert ids(f"Het was een {word} moment in de raad.") == set()


@pytest.mark.parametrize("text, theme", [
    ("Aanpak van huiselijk gewe1d in de regio", "huiselijk_geweld"),
    ("Thema 1: 0ndermijning", "ondermijning"),
    ("Het aantal woninginbraken steeg; fietsendiefsta1 daalde.", "fietsendiefstal"),
])
def test_ocr_digits_for_letters_are_read_as_typos(text, theme):
    hits = [(t, k) for t, _s, _e, k in themes_in_text(text) if t == theme]
    assert hits and hits[0][1] == "fuzzy"


@pytest.mark.parametrize("text", ["Op de 10e verdieping in 2023.", "Route A10 en N201 zijn afgesloten."])
def test_numbers_and_road_names_are_no_ocr_typos(text):
    assert ids(text) == set()


def test_participle_tagged_as_verb_is_still_corrected_inside_its_phrase():
    doc = parsed("In de haven is veel ondermjinende criminaliteit zichtbaar.")
    got = {(m.theme_id, m.match_kind) for m in find_mentions(doc)}
    assert ("ondermijning", "fuzzy") in got


def test_verb_typo_alone_invents_no_theme():
    doc = parsed("Zij ondermijnnen het gezag van de burgemeester.")
    assert find_mentions(doc) == []


def test_typo_next_to_a_listed_misspelling_still_resolves():
    assert theme_for_text("Ondermjining") == "ondermijning"


def test_combined_term_does_not_add_the_head_word_of_its_own_conjunct():
    # "huiselijk geweld" inside the combo is the combo's theme; "geweld" is no extra theme
    assert ids("Wij pakken huiselijk geweld en kindermishandeling integraal aan.") == {
        "huiselijk_geweld", "kindermishandeling"}
    assert ids("de aanpak van cyber- en gedigitaliseerde criminaliteit") >= {"cybercrime", "gedigitaliseerde_criminaliteit"}


@pytest.mark.parametrize("text, theme", [
    ("Babbeltrucs bij senioren", "babbeltrucs"),
    ("Voorlichting over nepagenten aan de deur", "babbeltrucs"),
    ("Vitaal buitengebied", "buitengebied"),
    ("Ondermijning in het landelijk gebied", "buitengebied"),
    ("Illegaal wapenbezit onder jongeren", "wapens"),
    ("Explosies bij woningen en bedrijfspanden", "explosies"),
    ("Vuurwerkoverlast", "jaarwisseling"),
    ("Jaarwisseling", "jaarwisseling"),
    ("Sextortion en online afpersing", "online_bedreiging"),
    ("Ondermijning op vakantieparken", "vakantieparken"),
])
def test_themes_of_recent_plans_are_in_the_vocabulary(text, theme):
    assert theme_for_text(text) == theme


def test_explosives_are_no_longer_external_safety():
    assert theme_for_text("explosieven") == "explosies"
    assert theme_for_text("Vervoer van gevaarlijke stoffen") == "externe_veiligheid"


def test_a_passing_mention_of_a_new_theme_is_not_a_priority():
    text = ("Rond de jaarwisseling zijn extra handhavers op straat om de boa's en de politie "
            "te ondersteunen bij hun werk in de wijken.")
    rows, _ = summary(text)
    assert not rows["jaarwisseling"].prioritized


def test_sub_theme_wrapped_over_two_lines_is_prioritised_with_its_section():
    text = ("3.2 Prioriteit ondermijning\n\n"
            "Wij richten ons onder meer op hennep- en\n"
            "xtc-productie en op mensenhandel in de haven.\n")
    rows, _ = summary(text)
    assert rows["ondermijning"].prioritized
    assert rows["hennep"].prioritized


def test_priority_sentence_does_not_run_into_the_next_paragraph():
    text = ("Binnen deze prioriteit kiezen wij de volgende onderwerpen:\n\n"
            "- Woonoverlast\n- Jeugdoverlast\n\n"
            "Straatroof en overvallen horen bij de High Impact Crimes; die pakt de politie "
            "regionaal aan en ze komen hier weinig voor\n")
    rows, _ = summary(text)
    assert rows["woonoverlast"].prioritized and rows["jeugdoverlast"].prioritized
    assert not rows["high_impact_crime"].prioritized


@pytest.mark.parametrize("phrase", ["is geen speerpunt", "vormt geen lokale prioriteit", "is geen focuspunt"])
def test_not_a_speerpunt_is_a_rejection(phrase):
    text = (f"Speerpunt 4: Verkeersveiligheid\n\nVerkeersveiligheid {phrase} van deze gemeente; "
            "de provincie neemt dit op zich.\n")
    rows, _ = summary(text)
    assert not rows["verkeersveiligheid"].prioritized


def test_rejection_in_the_next_chapter_does_not_veto_a_section_above():
    from extractors.structure import parse_structure

    text = ("1. Speerpunten\n\nWij kiezen de volgende speerpunten:\n\n- Jeugdgroepen\n- Fietsendiefstal\n\n"
            "1.2 Speerpunt fietsendiefstal\n\nWe registreren gestolen fietsen en zetten lokfietsen in.\n\n"
            "2. Overige inzet\n\nCybercrime is geen speerpunt van deze gemeente: de aanpak ligt bij de politie.\n")
    doc = parsed(text)
    rows = {r.theme_id: r for r in summarize(doc, find_mentions(doc), parse_structure(doc), [])}
    assert rows["fietsendiefstal"].prioritized
    assert not rows["cybercrime"].prioritized


@pytest.mark.parametrize("text, theme", [
    ("De aanpak van huiselijk geweld blijft nodig.", "huiselijk_geweld"),
    ("Aanpak van seksueel geweld tegen jongeren", "zeden"),
])
def test_gapped_general_term_does_not_swallow_a_specific_one(text, theme):
    assert theme_for_text(text) == theme
    assert "geweld" not in ids(text)


def test_real_word_typo_inside_a_phrase_is_corrected():
    # "huislijk" is in the lexicon, but only "huiselijk geweld" makes a theme of it
    hits = [(t, k) for t, _s, _e, k in themes_in_text("Wij pakken huislijk geweld aan.") if t == "huiselijk_geweld"]
    assert hits == [("huiselijk_geweld", "fuzzy")]
    assert ids("huislijk") == set()


NESTED = ("De volgende drie prioriteiten zijn in het plan opgenomen:\n\n"
          "1. Diefstal en overvallen (High Impact\n   Crime)\n"
          "   - woninginbraken\n   - straatroof\n"
          "2. Zorg en veiligheid\n   - personen met verward gedrag\n   - huiselijk geweld\n"
          "3. Ondermijning in de haven en\n   in de kernen\n\n"
          "De regio werkt ook aan andere zaken die hier niet aan de orde zijn.\n")


def test_nested_sub_lists_and_resumed_numbering_share_the_verdict_of_their_list():
    rows, _ = summary(NESTED)
    for tid in ("overvallen", "woninginbraak", "straatroof", "zorg_en_veiligheid", "verward_gedrag",
                "huiselijk_geweld", "ondermijning"):
        assert rows[tid].prioritized, tid


def test_nested_list_under_a_reported_list_stays_reported():
    text = NESTED.replace("De volgende drie prioriteiten zijn in het plan opgenomen:",
                          "De landelijke prioriteiten van het kabinet zijn:")
    rows, _ = summary(text)
    assert not any(r.prioritized for r in rows.values())


def test_full_width_prose_line_is_not_a_heading():
    from extractors.theme_context import _classify_lines
    from extractors.theme_vocab import load_vocab

    text = ("Inleiding\n\n"
            "De prioriteiten sluiten aan bij het Regionaal Beleidsplan 2015-2018 van de eenheid\n"
            "Oost-Brabant. Binnen dat plan is veel ruimte voor lokale accenten.\n")
    lines = _classify_lines(parsed(text, spacy=False), load_vocab())
    kinds = {ln.text[:10]: ln.kind for ln in lines if ln.text}
    assert kinds["Inleiding"] == "heading"
    assert kinds["De priorit"] == "text"


def test_speerpunten_of_another_body_are_reported():
    text = ("Binnen het regionale plan zijn de speerpunten van de politie ondermijning, "
            "high impact crime en cybercrime.\n")
    rows, _ = summary(text)
    assert not any(r.prioritized for r in rows.values())


@pytest.mark.parametrize("sentence, subs", [
    ("Bij ondermijning richten we ons vooral op drugshandel, witwassen en mensenhandel.",
     {"drugscriminaliteit", "witwassen", "mensenhandel"}),
    ("Onder jeugd en veiligheid vallen de aanpak van jeugdoverlast en het voorkomen van criminele aanwas.",
     {"jeugdoverlast", "criminele_aanwas"}),
    ("Zorg en veiligheid gaat over personen met verward gedrag en over huiselijk geweld.",
     {"verward_gedrag", "huiselijk_geweld"}),
])
def test_sentence_opening_with_a_priority_names_its_sub_themes(sentence, subs):
    text = ("Wij stellen voor om vier prioriteiten te kiezen:\n\n1. Ondermijning\n2. Jeugd en veiligheid\n"
            f"3. Zorg en veiligheid\n4. Digitale veiligheid\n\n{sentence}\n")
    rows, _ = summary(text)
    for tid in subs:
        assert rows[tid].prioritized, tid


def test_sentence_about_a_theme_that_is_not_a_priority_names_no_sub_themes():
    text = ("Wij stellen voor om twee prioriteiten te kiezen:\n\n1. Ondermijning\n2. Jeugd en veiligheid\n\n"
            "Verkeersveiligheid gaat over hardrijders en verkeersoverlast in de wijken.\n")
    rows, _ = summary(text)
    assert not rows["verkeersoverlast"].prioritized


def test_count_sentence_before_a_plain_lead_in_governs_the_list():
    text = ("Het plan kent drie prioriteiten. In 2025 ligt het accent op:\n\n"
            "• Ondermijning\n• Jeugdgroepen\n• Woonoverlast\n")
    rows, _ = summary(text)
    assert all(rows[t].prioritized for t in ("ondermijning", "jeugdgroepen", "woonoverlast"))


def test_plain_lead_in_after_an_unrelated_sentence_decides_alone():
    text = ("Het college kent drie wethouders. In de wijken zien we het volgende beeld ontstaan:\n\n"
            "• Woninginbraken\n• Jeugdgroepen\n")
    rows, _ = summary(text)
    assert not any(r.prioritized for r in rows.values())


def test_sentence_in_a_section_about_partners_priorities_adopts_nothing():
    from extractors.structure import parse_structure

    text = ("## 2. Onze thema's\n\n### Thema 1: Woonoverlast\n\nWe bespreken casussen.\n\n"
            "## 3. Prioriteiten van onze partners\n\n"
            "Het RIEC heeft de volgende prioriteiten benoemd:\n\n* Drugscriminaliteit\n* Mensenhandel\n\n"
            "Wij leveren op twee van deze prioriteiten een bijdrage: bij mensenhandel en bij drugscriminaliteit.\n")
    doc = parsed(text)
    rows = {r.theme_id: r for r in summarize(doc, find_mentions(doc), parse_structure(doc), [])}
    assert rows["woonoverlast"].prioritized
    assert not rows["mensenhandel"].prioritized and not rows["drugscriminaliteit"].prioritized


# ----------------------------------------------------------------------------- text layers without blank lines

def test_a_heading_line_end_ends_a_phrase():
    text = "4.2 Speerpunt: zware en georganiseerde criminaliteit\nOndermijnende criminaliteit raakt iedereen.\n"
    spans = {(t, text[s:e]) for t, s, e, _k in themes_in_text(text)}
    assert ("georganiseerde_criminaliteit", "zware en georganiseerde criminaliteit") in spans
    assert ("ondermijning", "Ondermijnende criminaliteit") in spans


def test_wrapped_prose_line_still_joins_a_phrase():
    assert "huiselijk_geweld" in ids("Wij werken samen aan de aanpak van huiselijk\ngeweld in alle kernen.")


PDF_LIKE = ("3.1 Prioriteit: Veilig wonen\n"
            "Binnen deze prioriteit richten wij ons op de volgende onderwerpen:\n"
            "• Woonoverlast\n"
            "• Jeugdoverlast\n"
            "Straatroof en overvallen horen bij de High Impact Crimes; de politie pakt die regionaal aan.\n"
            "3.2 Prioriteit: Veilig ondernemen\n"
            "• De persoonsgerichte aanpak (PGA) van veelplegers in de winkelcentra van de gemeente\n"
            "Voor fietsendiefstal zet de gemeente geen extra middelen in dit jaar.\n")


def test_list_without_blank_lines_ends_at_the_next_capitalised_paragraph():
    rows, _ = summary(PDF_LIKE)
    assert rows["woonoverlast"].prioritized and rows["jeugdoverlast"].prioritized
    assert not rows["high_impact_crime"].prioritized


def test_capitalised_line_after_a_finished_item_is_not_its_continuation():
    rows, _ = summary(PDF_LIKE)
    assert rows["persoonsgerichte_aanpak"].prioritized  # alone in its item again
    assert not rows["fietsendiefstal"].prioritized


def test_numbered_title_that_reports_partners_priorities_governs_the_text_below():
    text = ("3. Prioriteiten van onze partners\n"
            "Het RIEC heeft in zijn jaarplan de volgende prioriteiten benoemd:\n"
            "• Mensenhandel\n• Misbruik van vastgoed\n"
            "Wij leveren op twee van deze prioriteiten een bijdrage: bij mensenhandel en bij vastgoed.\n")
    rows, _ = summary(text)
    assert not rows["mensenhandel"].prioritized


def test_item_of_a_reported_list_does_not_adopt_the_paragraph_after_it():
    # the priority list decides (extractors/priorities.py); its reported items prioritise nothing
    from extractors.priorities import extract_priority_tree
    from extractors.structure import parse_structure

    text = ("De landelijke prioriteiten zijn:\n\n- Mensenhandel\n\n"
            "Wij dragen bij aan de aanpak van mensenhandel in de haven.\n")
    doc = parsed(text)
    structure = parse_structure(doc)
    tree = extract_priority_tree(doc, structure)
    assert tree and not any(item.adopted for item, _ in tree)
    rows = {r.theme_id: r for r in summarize(doc, find_mentions(doc), structure, [i for i, _ in tree], tree)}
    assert not rows["mensenhandel"].prioritized


def test_a_gap_does_not_skip_into_a_relative_clause():
    assert "jeugdcriminaliteit" not in ids("Signalering van jongeren die door criminele netwerken worden benaderd.")
    assert "jeugdcriminaliteit" in ids("De aanpak van jonge criminelen in de wijk.")


def test_semicolon_after_a_finished_enumeration_starts_a_new_clause():
    text = ("3.1 Speerpunt woninginbraak\n\n"
            "Wij kiezen hier voor woninginbraak, fietsendiefstal en straatroof; overvallen komen in de "
            "gemeente weinig voor.\n")
    rows, _ = summary(text)
    assert rows["straatroof"].prioritized and rows["fietsendiefstal"].prioritized
    assert not rows["overvallen"].prioritized


def test_semicolons_between_list_items_still_enumerate():
    text = ("3.1 Prioriteit ondermijning\n\n"
            "Aandacht gaat uit naar mensenhandel; witwassen; zorgfraude en vakantieparken.\n")
    rows, _ = summary(text)
    assert all(rows[t].prioritized for t in ("mensenhandel", "witwassen", "zorgfraude", "vakantieparken"))


def test_priorities_of_the_previous_plan_are_not_chosen_again():
    text = ("Terugblik\n\nIn het vorige veiligheidsplan (2018-2021) waren de prioriteiten woninginbraak, "
            "jeugdoverlast en drugsoverlast.\n")
    rows, _ = summary(text)
    assert not any(r.prioritized for r in rows.values())


def test_new_priorities_after_a_look_back_at_the_old_ones():
    text = ("Evaluatie\n\nDe prioriteiten van de vorige planperiode waren:\n\n- Woninginbraken\n- Jeugdoverlast\n\n"
            "Keuzes voor 2025-2028\n\nDe raad kiest nu voor de volgende prioriteiten:\n\n- Ondermijning\n- Cybercrime\n")
    rows, _ = summary(text)
    assert rows["ondermijning"].prioritized and rows["cybercrime"].prioritized
    assert not rows["woninginbraak"].prioritized and not rows["jeugdoverlast"].prioritized


def test_the_same_priority_kept_from_the_previous_plan_is_still_chosen():
    text = "Ook in deze planperiode blijft ondermijning, net als in het vorige plan, onze eerste prioriteit.\n"
    rows, _ = summary(text)
    assert rows["ondermijning"].prioritized


@pytest.mark.parametrize("sentence, theme", [
    ("Ondermijning is voor de hele regio het belangrijkste speerpunt.", "ondermijning"),
    ("Ook in deze planperiode blijft jeugdoverlast een prioriteit.", "jeugdoverlast"),
    ("Woninginbraken en straatroof vormen samen ons eerste speerpunt.", "straatroof"),
])
def test_theme_as_subject_of_a_priority_predicate_is_prioritised(sentence, theme):
    rows, _ = summary(sentence + "\n")
    assert rows[theme].prioritized


@pytest.mark.parametrize("sentence", [
    "Cybercrime is een landelijke prioriteit; de gemeente sluit daar bij aan waar het kan.",
    "Het aantal woninginbraken is gedaald, wat lang een prioriteit van de politie was.",
    "Verkeersveiligheid is in deze planperiode geen prioriteit.",
])
def test_subject_of_someone_elses_or_a_rejected_priority_is_not(sentence):
    rows, _ = summary(sentence + "\n")
    assert not any(r.prioritized for r in rows.values())


def test_examples_before_a_priority_predicate_are_not_its_subject():
    text = ("De overige onderwerpen, zoals brandveiligheid en verkeersveiligheid, zijn onderdeel van het "
            "basisniveau en krijgen gee prioriteit.\n")  # a noisy "geen"
    rows, _ = summary(text)
    assert not any(r.prioritized for r in rows.values())


def test_a_colon_label_describing_a_measure_adopts_no_theme_deep_inside_it():
    text = "Speerpunt: vroegtijdige signalering van jongeren die door criminele netwerken worden benaderd.\n"
    rows, _ = summary(text)
    assert not any(r.prioritized for r in rows.values())
    rows, _ = summary("Speerpunt: de aanpak van ondermijning.\n")
    assert rows["ondermijning"].prioritized


@pytest.mark.parametrize("text, dropped, kept", [
    ("Het vorige plan kende drie prioriteiten: fietsendiefstal, jeugdoverlast en huiselijk geweld.\n\n"
     "Fietsendiefstal\nHet aantal aangiften halveerde. De driehoek besluit fietsendiefstal vanaf 2025 niet langer "
     "als speerpunt te behandelen.\n", "fietsendiefstal", "huiselijk_geweld"),
    ("In 2020 koos de raad deze prioriteiten: verkeersoverlast, cybercrime en jeugdoverlast.\n\n"
     "Jeugdoverlast\nDe overlast is sterk afgenomen. Wij stellen voor het thema niet meer in het "
     "nieuwe veiligheidsplan op te nemen.\n", "jeugdoverlast", "cybercrime"),
    ("De gemeente werkte aan drie speerpunten: woninginbraken, witwassen en horeca.\n\n"
     "Na de evaluatie is horeca geen prioriteit meer; de aanpak loopt via de vergunningen.\n", "horeca", "witwassen"),
])
def test_a_theme_the_document_drops_as_priority_is_not_prioritized(text, dropped, kept):
    rows, _ = summary(text)
    assert not rows[dropped].prioritized
    assert rows[kept].prioritized


def test_the_sentence_after_a_list_can_reject_that_list():
    text = ("De partners in de regio hebben voor deze periode de volgende prioriteiten gekozen:\n\n"
            "- mensenhandel;\n- witwassen;\n- huiselijk geweld.\n\n"
            "Deze gezamenlijke prioriteiten zijn voor onze gemeente geen aparte lokale speerpunten.\n\n"
            "Onze eigen prioriteiten zijn:\n\n1. Fietsendiefstal\n2. Woonoverlast\n")
    rows, _ = summary(text)
    for tid in ("mensenhandel", "witwassen", "huiselijk_geweld"):
        assert not rows[tid].prioritized, tid
    assert rows["fietsendiefstal"].prioritized and rows["woonoverlast"].prioritized


def test_other_negations_near_a_priority_do_not_drop_it():
    rows, _ = summary("Onze prioriteiten zijn ondermijning en jeugdoverlast.\n\n"
                      "Naast ondermijning kent het plan geen andere prioriteiten. Jeugdoverlast vraagt niet langer "
                      "alleen om handhaving.\n")
    assert rows["ondermijning"].prioritized and rows["jeugdoverlast"].prioritized


def test_a_lead_in_whose_list_ends_before_any_theme_does_not_crash_the_blank_tier():
    # the blank tier's sentencizer runs one "sentence" from the lead-in through a list whose
    # first paragraph names no theme; the themes after the next capitalised line are another list
    from extractors.nlp import _blank_pipeline

    text = ("Het college kiest de volgende prioriteiten voor de komende jaren\n"
            "- samenwerking met partners\nIn de wijken\n- ondermijning\n- cybercrime\n- jeugdoverlast\n")
    doc = document_from_text(text, doc_id="t")
    nlp = _blank_pipeline()
    for page in doc.pages:
        page.spacy_doc = nlp(page.text)
    assert len(list(doc.pages[0].sentences())) == 1
    rows = {r.theme_id: r for r in summarize(doc, find_mentions(doc), Structure(), [])}
    assert {"ondermijning", "cybercrime", "jeugdoverlast"} <= set(rows)
