"""ivp.xlsx: one sheet per table, frozen header, filters, real dates, widths; opens with openpyxl and pandas."""
from __future__ import annotations

import argparse
import datetime as dt

import openpyxl
import pandas as pd
import pytest

from pipeline import compare_cli
from pipeline.excel import sheet_name, write_workbook
from pipeline.read_tables import CONTRACT_TABLES, load_tables
from tests.test_compare import sample_extractions, write_contract_tables


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    out = tmp_path_factory.mktemp("excel")
    write_contract_tables(out, sample_extractions())
    parser = argparse.ArgumentParser()
    compare_cli.add_arguments(parser)
    assert compare_cli.run(parser.parse_args(["--out", str(out), "--today", "2024-01-01", "--no-report"])) == 0
    return out / "ivp.xlsx", load_tables(out)


def test_one_sheet_per_table(workbook):
    path, tables = workbook
    wb = openpyxl.load_workbook(path)
    for name in CONTRACT_TABLES:
        assert name in wb.sheetnames
    for name in ("region_theme", "region_theme_matrix", "theme_period", "deadlines_timeline"):
        assert name in wb.sheetnames
    frames = pd.read_excel(path, sheet_name=None)
    for name in CONTRACT_TABLES:
        assert len(frames[name]) == len(tables[name]), name
        assert list(frames[name].columns) == list(tables[name].columns)


def test_header_frozen_filters_on_widths_set(workbook):
    path, _ = workbook
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws["A1"].font.bold
    ws = wb["theme_mentions"]
    widths = {ws.cell(1, i).value: ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width
              for i in range(1, ws.max_column + 1)}
    assert widths["sentence"] > widths["page"] >= len("page")
    assert widths["sentence"] <= 60
    assert ws.cell(2, list(widths).index("sentence") + 1).alignment.wrap_text


def test_matrix_sheet_is_coloured_like_the_heatmap(workbook):
    path, _ = workbook
    ws = openpyxl.load_workbook(path)["region_theme_matrix"]
    header = [c.value for c in ws[1]]
    col = header.index("Ondermijning") + 1
    cells = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
    assert all(c.value.startswith("prioritized (") for c in cells)
    assert all(c.fill.fgColor.rgb.endswith("B2182B") for c in cells)
    plain = ws.cell(2, header.index("group") + 1)
    assert plain.fill.fill_type is None


def test_dates_are_real_excel_dates(workbook):
    path, _ = workbook
    wb = openpyxl.load_workbook(path)
    ws = wb["deadlines"]
    header = [c.value for c in ws[1]]
    col = header.index("date") + 1
    values = [ws.cell(r, col) for r in range(2, ws.max_row + 1)]
    assert values and all(isinstance(c.value, dt.datetime) for c in values)
    assert all(c.number_format == "yyyy-mm-dd" for c in values)
    ws = wb["documents"]
    header = [c.value for c in ws[1]]
    col = header.index("doc_date") + 1
    cells = [ws.cell(r, col).value for r in range(2, ws.max_row + 1)]
    assert dt.datetime(2018, 4, 20) in cells and None in cells  # the failed file has no date
    ws = wb["runs"]
    header = [c.value for c in ws[1]]
    started = ws.cell(2, header.index("started_at") + 1)
    assert started.value == dt.datetime(2024, 1, 1, 9, 0) and "hh:mm" in started.number_format


def test_awkward_values(tmp_path):
    frame = pd.DataFrame({"text": ["bell\x07 inside\ufffe", "x" * 40000, None],
                          "when_date": ["2024-02-29", None, "2023-12-31"],
                          "n": [1, None, 3]})
    path = write_workbook({"a" * 40: frame, "a" * 40 + "b": frame, "x/y": frame}, tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert len(wb.sheetnames) == 3 and len(set(wb.sheetnames)) == 3
    assert all(len(n) <= 31 for n in wb.sheetnames)
    ws = wb.worksheets[0]
    assert ws["A2"].value == "bell  inside-"
    assert len(ws["A3"].value) == 32767
    assert ws["B2"].value == dt.datetime(2024, 2, 29)
    assert ws["C3"].value is None


def test_sheet_names_unique_case_insensitively():
    taken: set[str] = set()
    assert sheet_name("Themes", taken) == "Themes"
    assert sheet_name("themes", taken) == "themes~2"
