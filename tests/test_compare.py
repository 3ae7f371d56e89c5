"""`ivp compare` on contract tables built from the record dataclasses (our own documents, not the seeds)."""
from __future__ import annotations

import argparse
import datetime as dt
import typing
from dataclasses import fields
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from extractors.records import (TABLE_RECORDS, Deadline, DocumentRecord, Extraction, MunicipalityPriority,
                                PriorityItem, Theme, ThemeMention)
from pipeline import compare as cmp
from pipeline import compare_cli
from pipeline.compare_text import format_matrix
from pipeline.read_tables import CONTRACT_TABLES, load_tables

TODAY = dt.date(2024, 1, 1)


def _doc(doc_id, region, period, doc_date, title, **kw):
    return DocumentRecord(doc_id=doc_id, source_path=f"/data/{doc_id}.pdf", sha256=doc_id * 4, title=title,
                          doc_type="beleidsplan", region=region, doc_date=doc_date,
                          period_start=period[0] if period else None, period_end=period[1] if period else None,
                          pages=10, n_chars=20000, language="nl", status="ok", **kw)


def _mentions(doc_id, theme_id, sentences, surface=None, kind="exact"):
    out = []
    for i, s in enumerate(sentences):
        word = surface or theme_id
        start = max(s.casefold().find(word.casefold()), 0)
        out.append(ThemeMention(doc_id=doc_id, theme_id=theme_id, surface=word, match_kind=kind,
                                score=100.0 if kind == "exact" else 91.0, page=i + 1, char_start=start,
                                char_end=start + len(word), sentence=s, term=theme_id))
    return out


def _theme(doc_id, theme_id, label, prioritized, mentions, parent=None, evidence=None, field="Criminaliteit"):
    return Theme(doc_id=doc_id, theme_id=theme_id, theme_label=label, parent_theme_id=parent, vng_field=field,
                 prioritized=prioritized, rank=None, mentions=mentions, first_page=1, evidence=evidence)


def _deadline(doc_id, date, precision, text, sentence, what=None, theme_id=None, page=2):
    start = max(sentence.find(text), 0)
    return Deadline(doc_id=doc_id, date=date, precision=precision, timex=date[:4], mod=None, date_text=text,
                    cue="gereed", what=what, theme_id=theme_id, page=page, char_start=start,
                    char_end=start + len(text), sentence=sentence)


def sample_extractions() -> list[Extraction]:
    """Four plans in four kinds of region, one unreadable file."""
    a = "oost"
    ondermijning_a = _mentions(a, "ondermijning", [
        "De aanpak van ondernijning blijft de komende jaren onze eerste prioriteit.",
        "Samen met het RIEC versterken we de informatiepositie op ondermijning."], surface="ondernijning", kind="fuzzy")
    cyber_a = _mentions(a, "cybercrime", ["We verkennen de aanpak van cybercrime in de regio."])
    inbraak_a = _mentions(a, "woninginbraken", ["Het aantal woninginbraken daalde in 2017 verder."])
    ex_a = Extraction(
        document=_doc(a, "Oost-Nederland", (2019, 2022), "2018-04-20", "Veiligheidsstrategie Oost-Nederland"),
        themes=[_theme(a, "ondermijning", "Ondermijning", True, 2, evidence="2. Ondermijning"),
                _theme(a, "cybercrime", "Cybercrime", True, 1),
                _theme(a, "woninginbraken", "Woninginbraken", False, 1, field="Veilige woon- en leefomgeving")],
        theme_mentions=ondermijning_a + cyber_a + inbraak_a,
        priorities=[PriorityItem(doc_id=a, list_title="Voorgestelde thema's", ranked=False, rank=None,
                                 item_text=t, theme_id=tid, page=3, list_index=0, position=i)
                    for i, (t, tid) in enumerate([("Ondernijning", "ondermijning"),
                                                  ("Verkenning cybercrime", "cybercrime")], start=1)],
        deadlines=[_deadline(a, "2019-01-01", "year", "begin 2019",
                             "Het plan wordt begin 2019 aan de gemeenteraden aangeboden.", what="plan aangeboden"),
                   _deadline(a, "2018-10-31", "half", "najaar",
                             "De doelen worden in het najaar ter vaststelling aangeboden.")])

    b = "nholland"
    ex_b = Extraction(
        document=_doc(b, "Noord-Holland", (2024, 2027), "2023-05-09", "Brief IMV 2024-2027"),
        themes=[_theme(b, "ondermijning", "Ondermijning", True, 3),
                _theme(b, "cybercrime", "Cybercrime en gedigitaliseerde criminaliteit", True, 1),
                _theme(b, "jeugd", "Jeugd en veiligheid", True, 1, field="Jeugd en veiligheid"),
                _theme(b, "zorg_en_veiligheid", "Zorg en veiligheid", False, 1, field="Fysieke veiligheid")],
        theme_mentions=(_mentions(b, "ondermijning", ["Ondermijning blijft een thema.", "Ondermijning raakt ons allen.",
                                                      "De aanpak van ondermijning wordt versterkt."])
                        + _mentions(b, "cybercrime", ["Cybercrime groeit snel."])
                        + _mentions(b, "jeugd", ["Jeugd en veiligheid is het tweede thema."], surface="Jeugd")
                        + _mentions(b, "zorg_en_veiligheid", ["Zorg en veiligheid wordt nog verkend."],
                                    surface="Zorg en veiligheid")),
        deadlines=[_deadline(b, "2023-11-09", "day", "9 november 2023",
                             "Het IMV wordt op 9 november 2023 ter vaststelling geagendeerd."),
                   _deadline(b, "2024-06-15", "month", "medio juni 2024",
                             "Medio juni 2024 is de eerste evaluatie gereed.", theme_id="ondermijning")])

    c = "nnederland"
    ex_c = Extraction(
        document=_doc(c, "Noord-Nederland", (2013, 2014), "2012-09-05", "Regionaal beleidsplan"),
        themes=[_theme(c, "ondermijning", "Ondermijning", True, 1),
                _theme(c, "cybercrime", "Cybercrime", False, 1),
                _theme(c, "woninginbraken", "Woninginbraken", False, 1, field="Veilige woon- en leefomgeving")],
        theme_mentions=(_mentions(c, "ondermijning", ["Georganiseerde criminaliteit (ondermijning) is prioriteit vier."])
                        + _mentions(c, "cybercrime", ["Landelijk geldt een versterking van de aanpak van cybercrime."])
                        + _mentions(c, "woninginbraken", ["Woninginbraken zijn een lokale prioriteit."])),
        municipality_priorities=[
            MunicipalityPriority(doc_id=c, municipality="Assen", cbs_code="GM0106", column_label="Woninginbraak",
                                 theme_id="woninginbraken", value="x", page=8),
            MunicipalityPriority(doc_id=c, municipality="Bedum", cbs_code="GM0005", column_label="Woninginbraak",
                                 theme_id="woninginbraken", value="", page=8)],
        deadlines=[_deadline(c, "2013-05-01", "day", "uiterlijk 1 mei 2013",
                             "Alle zaken zijn uiterlijk 1 mei 2013 aangepakt.")])

    d = "flevo"
    ex_d = Extraction(
        document=_doc(d, "Dronten, Noordoostpolder, Urk", (2024, 2027), "2023-10-20", "Memo IVB",
                      municipalities="GM0303;GM0171;GM0184"),
        themes=[_theme(d, "ondermijning", "Ondermijning", True, 1),
                _theme(d, "cybercrime", "Cybercrime en digitale veiligheid", True, 1)],
        theme_mentions=(_mentions(d, "ondermijning", ["Het tweede thema is ondermijning."])
                        + _mentions(d, "cybercrime", ["Cybercrime en digitale veiligheid is het eerste thema."])),
        deadlines=[_deadline(d, "2024-04-30", "half", "Voorjaar '24",
                             "Voorjaar '24: het IVB wordt aan de gemeenteraad aangeboden.")])

    bad = Extraction(document=DocumentRecord(doc_id="kapot", source_path="/data/kapot.pdf", sha256="0",
                                             status="failed", error="not a PDF"))
    return [ex_a, ex_b, ex_c, ex_d, bad]


def _sql_type(table, f, hints):
    if (table, f.name) in {("documents", "doc_date"), ("deadlines", "date")}:
        return "DATE"
    args = [a for a in typing.get_args(hints[f.name]) if a is not type(None)]
    base = args[0] if args else hints[f.name]
    return {int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN"}.get(base, "VARCHAR")


def write_contract_tables(out_dir: Path, extractions: list[Extraction], duckdb_file: bool = True) -> dict:
    """The tables `ivp run` writes (Parquet + ivp.duckdb, dates as DATE), from records."""
    out_dir.mkdir(parents=True, exist_ok=True)
    frames = {}
    for table, cls in TABLE_RECORDS.items():
        rows = [row for ex in extractions for row in ex.tables()[table]]
        frame = pd.DataFrame(rows, columns=[f.name for f in fields(cls)])
        for column in ("doc_date", "date"):
            if column in frame.columns:
                frame[column] = pd.to_datetime(frame[column]).dt.date
        frames[table] = frame
        frame.to_parquet(out_dir / f"{table}.parquet", index=False)
    frames["runs"] = pd.DataFrame([{"run_id": "r1", "started_at": dt.datetime(2024, 1, 1, 9, 0),
                                    "finished_at": dt.datetime(2024, 1, 1, 9, 1), "n_new": 5, "n_changed": 0,
                                    "n_unchanged": 0, "n_failed": 1}])
    frames["runs"].to_parquet(out_dir / "runs.parquet", index=False)
    if duckdb_file:
        con = duckdb.connect(str(out_dir / "ivp.duckdb"))
        for table, cls in TABLE_RECORDS.items():
            hints = typing.get_type_hints(cls)
            cols = ", ".join(f'"{f.name}" {_sql_type(table, f, hints)}' for f in fields(cls))
            con.execute(f"CREATE TABLE {table} ({cols})")
            if len(frames[table]):
                con.register("frame", frames[table])
                con.execute(f"INSERT INTO {table} SELECT * FROM frame")
                con.unregister("frame")
        con.register("frame", frames["runs"])
        con.execute("CREATE TABLE runs AS SELECT * FROM frame")
        con.close()
    return frames


@pytest.fixture
def out_dir(tmp_path):
    write_contract_tables(tmp_path, sample_extractions())
    return tmp_path


def status(comparison, group, theme):
    row = comparison.group_theme[(comparison.group_theme["group"] == group)
                                 & (comparison.group_theme["theme_id"] == theme)]
    assert len(row) == 1, (group, theme)
    return row.iloc[0]


# ---------------------------------------------------------------- loading

def test_load_tables_prefers_duckdb_and_falls_back_to_parquet(out_dir):
    tables = load_tables(out_dir)
    assert set(CONTRACT_TABLES) <= set(tables)
    assert tables["documents"]["doc_date"].map(lambda d: isinstance(d, dt.date)).sum() == 4
    (out_dir / "ivp.duckdb").unlink()
    again = load_tables(out_dir)
    assert len(again["themes"]) == len(tables["themes"])
    assert isinstance(again["deadlines"]["date"].iloc[0], dt.date)


def test_csv_exports_alone_give_the_same_comparison(out_dir):
    tables = load_tables(out_dir)
    expected = cmp.compare(tables, today=TODAY).group_theme
    for name, frame in tables.items():
        frame.to_csv(out_dir / f"{name}.csv", index=False)
        (out_dir / f"{name}.parquet").unlink()
    (out_dir / "ivp.duckdb").unlink()
    again = cmp.compare(load_tables(out_dir), today=TODAY).group_theme
    pd.testing.assert_frame_equal(again.reset_index(drop=True), expected.reset_index(drop=True))


# ---------------------------------------------------------------- region × theme

def test_region_matrix_statuses_and_counts(out_dir):
    c = cmp.compare(load_tables(out_dir), by="region", today=TODAY)
    groups = list(dict.fromkeys(c.group_theme["group"]))
    assert sorted(groups) == sorted(["Oost-Nederland", "Noord-Holland", "Noord-Nederland",
                                     "Dronten, Noordoostpolder, Urk"])  # the failed file is no group
    for g in groups:
        assert status(c, g, "ondermijning")["status"] == "prioritized"
    assert status(c, "Noord-Nederland", "cybercrime")["status"] == "mentioned"
    assert status(c, "Oost-Nederland", "zorg_en_veiligheid")["status"] == "absent"
    assert status(c, "Oost-Nederland", "ondermijning")["mentions"] == 2
    assert status(c, "Noord-Holland", "ondermijning")["mentions"] == 3
    assert status(c, "Oost-Nederland", "ondermijning")["periods"] == "2019-2022"
    # every group × every theme, no more
    assert len(c.group_theme) == len(groups) * c.themes["theme_id"].nunique()
    wide = c.matrix.set_index("group")
    assert wide.loc["Noord-Nederland", "Cybercrime"] == "mentioned (1)"
    assert wide.loc["Oost-Nederland", "Zorg en veiligheid"] == ""


def test_theme_label_is_the_most_used_one(out_dir):
    c = cmp.compare(load_tables(out_dir), today=TODAY)
    labels = dict(zip(c.themes["theme_id"], c.themes["theme_label"]))
    assert labels["cybercrime"] == "Cybercrime"  # 2 of 4 documents say just that


def test_by_police_unit_and_province_resolve_through_the_gazetteer(out_dir):
    tables = load_tables(out_dir)
    c = cmp.compare(tables, by="police_unit", today=TODAY)
    groups = set(c.group_theme["group"])
    # the Flevoland memo has no police unit of its own: its three municipalities are in Midden-Nederland
    assert "Midden-Nederland" in groups
    assert {"Oost-Nederland", "Noord-Holland", "Noord-Nederland"} <= groups
    assert status(c, "Midden-Nederland", "cybercrime")["status"] == "prioritized"

    c = cmp.compare(tables, by="province", today=TODAY)
    groups = set(c.group_theme["group"])
    # the Noord-Nederland plan speaks for the three northern provinces
    assert {"Groningen", "Fryslân", "Drenthe", "Flevoland"} <= groups
    assert status(c, "Drenthe", "ondermijning")["n_docs"] == 1


def test_by_municipality_uses_the_municipalities_of_the_documents_date_and_the_table(out_dir):
    c = cmp.compare(load_tables(out_dir), by="municipality", today=TODAY)
    groups = set(c.group_theme["group"])
    assert {"Dronten", "Noordoostpolder", "Urk"} <= groups
    # 2012 plan: Bedum still existed, Het Hogeland (2019) did not
    assert "Bedum" in groups and "Het Hogeland" not in groups
    # the municipality table makes woninginbraken a priority of Assen only
    assert status(c, "Assen", "woninginbraken")["status"] == "prioritized"
    assert bool(status(c, "Assen", "woninginbraken")["from_table"])
    assert status(c, "Bedum", "woninginbraken")["status"] == "mentioned"
    assert status(c, "Urk", "woninginbraken")["status"] == "absent"


def _with_subthemes(tmp_path):
    exs = sample_extractions()
    oost, nned = exs[0], exs[2]
    # hennep's parent (drugscriminaliteit) is in no document; its grandparent ondermijning is
    nned.themes.append(_theme("nnederland", "hennep", "Hennepteelt", True, 2, parent="drugscriminaliteit"))
    nned.theme_mentions += _mentions("nnederland", "hennep", ["Georganiseerde hennepteelt pakken we aan.",
                                                              "Hennep blijft een probleem."], surface="hennep")
    oost.themes.append(_theme("oost", "verward_gedrag", "Personen met verward gedrag", True, 1,
                              parent="kwetsbare_personen", field="Veilige woon- en leefomgeving"))
    oost.theme_mentions += _mentions("oost", "verward_gedrag", ["Personen met verward gedrag vragen aandacht."],
                                     surface="verward gedrag")
    oost.themes.append(_theme("oost", "ondermijning_sub", "Vakantieparken", False, 1, parent="ondermijning"))
    write_contract_tables(tmp_path, exs)
    return load_tables(tmp_path)


def test_sub_themes_are_listed_under_their_parent(tmp_path):
    c = cmp.compare(_with_subthemes(tmp_path), today=TODAY)
    order = list(c.themes["theme_id"])
    i = order.index("ondermijning")
    assert order[i + 1] == "ondermijning_sub" and c.themes["depth"].iloc[i + 1] == 1
    # a sub-theme whose parent no document names stands on its own
    assert c.themes.set_index("theme_id").loc["hennep", "depth"] == 0
    text = format_matrix(c, width=200)
    assert "\n    Vakantieparken" in text  # under its field heading and its parent


def test_top_level_rolls_sub_themes_into_their_root(tmp_path):
    tables = _with_subthemes(tmp_path)
    c = cmp.compare(tables, today=TODAY, top_level=True)
    ids = set(c.themes["theme_id"])
    assert not ids & {"hennep", "verward_gedrag", "ondermijning_sub"}
    assert (c.themes["depth"] == 0).all()
    # hennep (via drugscriminaliteit) counts for ondermijning: 1 own mention + 2 hennep mentions
    assert status(c, "Noord-Nederland", "ondermijning")["mentions"] == 3
    # verward gedrag -> kwetsbare personen -> zorg en veiligheid, labelled from the vocabulary
    row = status(c, "Oost-Nederland", "zorg_en_veiligheid")
    assert row["status"] == "prioritized" and row["theme_label"] == "Zorg en veiligheid"
    assert status(c, "Noord-Holland", "zorg_en_veiligheid")["status"] == "mentioned"
    # the workbook still gets the tables as extracted
    assert "hennep" in set(c.raw_tables["themes"]["theme_id"])
    # and the report finds the sentences of the rolled-up sub-themes
    from pipeline.report import render_report

    assert "<mark>hennep</mark>" in render_report(c).casefold()


# ---------------------------------------------------------------- periods and deadlines

def test_period_filters(out_dir):
    tables = load_tables(out_dir)
    assert set(cmp.compare(tables, period="2024-2027", today=TODAY).documents["doc_id"]) == {"nholland", "flevo"}
    assert set(cmp.compare(tables, period="2013", today=TODAY).documents["doc_id"]) == {"nnederland"}
    assert len(cmp.compare(tables, period="latest", today=TODAY).documents) == 4  # one plan per region
    with pytest.raises(ValueError):
        cmp.compare(tables, period="vorig jaar")


def test_latest_period_counts_a_document_without_a_period_by_its_year(tmp_path):
    """Read back from DuckDB a missing period is NA, which no period rule may take for a year."""
    memo = Extraction(document=_doc("memo", "Urk", None, "2025-02-01", "Memo aan de raad over cameratoezicht"),
                      themes=[_theme("memo", "cameratoezicht", "Cameratoezicht", False, 1)])
    write_contract_tables(tmp_path, sample_extractions() + [memo])
    tables = load_tables(tmp_path)
    latest = cmp.compare(tables, by="municipality", period="latest", today=TODAY)
    assert "memo" in set(latest.documents["doc_id"])  # Urk's newest: 2025, after the 2024-2027 plan
    assert "Cameratoezicht" in set(latest.themes["theme_label"])
    assert set(cmp.compare(tables, period="2025", today=TODAY).documents["doc_id"]) == {"nholland", "flevo", "memo"}


def test_theme_period_matrix(out_dir):
    c = cmp.compare(load_tables(out_dir), today=TODAY)
    tp = c.theme_period.set_index(["period", "theme_id"])
    assert list(dict.fromkeys(c.theme_period["period"])) == ["2013-2014", "2019-2022", "2024-2027"]
    row = tp.loc[("2024-2027", "ondermijning")]
    assert (row["n_docs"], row["n_docs_prioritized"], row["n_groups_prioritized"]) == (2, 2, 2)
    assert tp.loc[("2013-2014", "cybercrime"), "status"] == "mentioned"
    assert tp.loc[("2019-2022", "jeugd"), "status"] == "absent"


def test_deadlines_timeline_is_sorted_and_split_at_today(out_dir):
    c = cmp.compare(load_tables(out_dir), today=TODAY)
    dl = c.deadlines
    assert list(dl["date"]) == sorted(dl["date"])
    assert len(dl) == 6
    upcoming = dl[dl["status"] == "upcoming"]
    assert set(upcoming["date"]) == {dt.date(2024, 4, 30), dt.date(2024, 6, 15)}
    assert (dl.loc[dl["status"] == "overdue", "days_from_today"] < 0).all()
    assert dl.loc[dl["date"] == dt.date(2024, 6, 15), "theme_label"].item() == "Ondermijning"
    assert dl["sentence"].notna().all() and dl["page"].notna().all()


# ---------------------------------------------------------------- terminal and CLI

def test_format_matrix_is_readable_and_wraps(out_dir):
    c = cmp.compare(load_tables(out_dir), today=TODAY)
    text = format_matrix(c, width=200)
    lines = text.splitlines()
    row = next(l for l in lines if l.strip().startswith("Ondermijning"))
    assert "CRIMINALITEIT" in lines  # VNG field headings
    # groups in alphabetical order: Dronten.., Noord-Holland, Noord-Nederland, Oost-Nederland
    assert row.split()[1:] == ["P1", "P3", "P1", "P2"]
    assert "[1] Dronten, Noordoostpolder, Urk  (1 document; 2024-2027)" in text
    narrow = format_matrix(c, width=36)
    blocks = [l for l in narrow.splitlines() if l.startswith(" ") and l.strip().startswith("[")]
    assert len(blocks) > 1  # groups spread over column blocks, each with every theme
    assert narrow.count("  Ondermijning") == len(blocks)
    assert max(len(l) for l in narrow.splitlines()[1:] if not l.startswith("[")) <= 36


def parse(argv):
    parser = argparse.ArgumentParser()
    compare_cli.add_arguments(parser)
    return parser.parse_args(argv)


def test_run_writes_every_output(out_dir, capsys):
    assert compare_cli.run(parse(["--out", str(out_dir), "--today", "2024-01-01"])) == 0
    printed = capsys.readouterr().out
    assert "Ondermijning" in printed and "deadlines: 6 (2 upcoming, 4 overdue as of 2024-01-01)" in printed
    for name in ("compare_region_theme", "compare_region_theme_matrix", "compare_theme_period", "compare_deadlines"):
        csv = pd.read_csv(out_dir / f"{name}.csv")
        parquet = pd.read_parquet(out_dir / f"{name}.parquet")
        assert len(csv) == len(parquet) > 0
    assert (out_dir / "report.html").stat().st_size > 10_000
    assert (out_dir / "ivp.xlsx").exists()
    assert not list(out_dir.glob(".*.tmp")) and not list(out_dir.glob(".compare*"))


def test_run_by_municipality_for_one_period(out_dir, capsys):
    assert compare_cli.run(parse(["--out", str(out_dir), "--by", "municipality", "--period", "2024-2027",
                          "--no-excel"])) == 0
    frame = pd.read_parquet(out_dir / "compare_municipality_theme.parquet")
    assert set(frame["group"]) >= {"Dronten", "Urk", "Noordoostpolder"}
    assert "Assen" not in set(frame["group"])  # its plan is 2013-2014
    printed = capsys.readouterr().out
    n = frame["group"].nunique()  # the Noord-Holland unit's municipalities and the three of the memo
    row = next(l for l in printed.splitlines() if l.strip().startswith("Ondermijning"))
    assert row.split()[-2:] == [str(n), "0"]


def test_many_groups_print_counts_instead_of_pages_of_columns(out_dir):
    c = cmp.compare(load_tables(out_dir), by="municipality", today=TODAY)
    text = format_matrix(c)
    assert "municipality groups: number of groups where each theme is prioritized" in text
    row = next(l for l in text.splitlines() if l.strip().startswith("Woninginbraken"))
    n_groups = c.group_theme["group"].nunique()
    prio, ment = map(int, row.split()[-2:])
    assert prio == 1  # Assen, from the municipality table
    assert 0 < ment < n_groups


def test_run_without_tables_says_what_to_do(tmp_path, capsys):
    assert compare_cli.run(parse(["--out", str(tmp_path)])) == 1
    assert "ivp run" in capsys.readouterr().err


# ---------------------------------------------------------------- the samples, through the real extractors and store

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "text"


@pytest.fixture(scope="module")
def seed_tables(tmp_path_factory):
    from extractors.extract import extract_paths
    from pipeline.store import Store

    out = tmp_path_factory.mktemp("seeds")
    extractions = list(extract_paths(sorted(SAMPLES.glob("*.txt"))))
    with Store(out) as store:
        store.replace_documents(extractions, files={})
        store.export()
    return out


def test_samples_ondermijning_prioritized_in_all_four_regions(seed_tables):
    tables = load_tables(seed_tables)
    for top_level in (False, True):
        c = cmp.compare(tables, by="region", today=TODAY, top_level=top_level)
        groups = set(c.group_theme["group"])
        assert len(groups) == 4, groups
        rows = c.group_theme[c.group_theme["theme_id"] == "ondermijning"]
        assert set(rows["status"]) == {"prioritized"}, rows[["group", "status"]]
        periods = dict(zip(rows["group"], rows["periods"]))
        assert sorted(periods.values()) == ["2013-2014", "2019-2022", "2024-2027", "2024-2027"]
    # cybercrime: chosen (or to be explored) in three documents; only a national priority in the 2013 plan
    c = cmp.compare(tables, by="region", today=TODAY, top_level=True)
    cyber = c.group_theme[c.group_theme["theme_label"].str.contains("Cyber")]
    by_period = {p: s for p, s in zip(cyber["periods"], cyber["status"])}
    assert by_period["2019-2022"] == "prioritized" and by_period["2013-2014"] != "prioritized"
    assert (cyber[cyber["periods"] == "2024-2027"]["status"] == "prioritized").all()


def test_samples_by_police_unit_and_municipality(seed_tables):
    tables = load_tables(seed_tables)
    c = cmp.compare(tables, by="police_unit", today=TODAY)
    assert {"Oost-Nederland", "Noord-Holland", "Noord-Nederland", "Midden-Nederland"} <= set(c.group_theme["group"])
    c = cmp.compare(tables, by="municipality", period="2024-2027", today=TODAY)
    groups = set(c.group_theme["group"])
    assert {"Dronten", "Noordoostpolder", "Urk", "Alkmaar", "Den Helder"} <= groups
    assert status(c, "Urk", "ondermijning")["status"] == "prioritized"


def test_a_failing_workbook_does_not_cost_the_report(out_dir, capsys, monkeypatch):
    import pipeline.excel

    def broken(sheets, path):
        raise OSError("disk full")

    monkeypatch.setattr(pipeline.excel, "write_workbook", broken)  # the writers call it through the module
    assert compare_cli.run(parse(["--out", str(out_dir), "--today", "2024-01-01"])) == 1
    assert "writing ivp.xlsx failed" in capsys.readouterr().err
    assert (out_dir / "report.html").exists() and (out_dir / "compare_region_theme.csv").exists()
