"""Municipality x priority matrices: text renderings, ruled and unruled PDFs, a real PDF without one."""
from __future__ import annotations

from pathlib import Path

import pytest

from extractors.document import Document, Page, document_from_text
from extractors.tables import UNKNOWN_COLUMN, candidate_pages, extract_municipality_priorities

ROOT = Path(__file__).resolve().parent.parent

NAMES = ["Almelo", "Borne", "Dinkelland", "Enschede", "Haaksbergen", "Hellendoorn", "Hengelo", "Hof van Twente",
         "Losser", "Oldenzaal"]
COLS = ["Woninginbraken", "Jeugdoverlast", "Ondermijning", "Geweld"]
MARKS = [[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1], [0, 0, 1, 0], [1, 0, 0, 1], [1, 1, 1, 0],
         [0, 1, 0, 0], [0, 0, 1, 1], [1, 0, 1, 0]]


def sparse_text(total_bump: int = 0) -> str:
    """Like a PDF text layer that prints only the 1s of each row, with a wrapped name."""
    lines = ["Gemeentelijke prioriteiten 2024", "1. Woninginbraken", "2. Jeugd en", "veiligheid", ""]
    for i, (n, m) in enumerate(zip(NAMES, MARKS), start=1):
        label = f"{i}. {n}"
        if n == "Hof van Twente":
            lines += [f"{i}. Hof van", "Twente " + " ".join("1" for v in m if v), ""]
            continue
        lines += [label + " " + " ".join("1" for v in m if v), ""]
    totals = [sum(m[c] for m in MARKS) for c in range(4)]
    totals[0] += total_bump
    lines += ["TOTAAL " + " ".join(map(str, totals)), "", "Politie 1 1", "", "Na de tabel volgt gewone tekst over de aanpak."]
    return "\n".join(lines)


def test_sparse_text_rendering_keeps_counts_and_reports_what_is_lost():
    doc = document_from_text(sparse_text())
    rows, warnings = extract_municipality_priorities(doc)
    by_name = {r.municipality: r for r in rows}
    assert len([r for r in rows if r.cbs_code]) == 10
    assert by_name["Hof van Twente"].cbs_code == "GM1735" and by_name["Hof van Twente"].value == "1"
    assert by_name["Enschede"].value == "4" and by_name["Enschede"].column_label == UNKNOWN_COLUMN
    assert by_name["Politie"].cbs_code is None
    text = " ".join(warnings)
    assert "column of each mark is lost" in text
    assert "equal the TOTAAL row's sum (21)" in text
    assert "1. Woninginbraken" in text and "2. Jeugd en veiligheid" in text


def test_sparse_text_total_mismatch_is_reported():
    rows, warnings = extract_municipality_priorities(document_from_text(sparse_text(total_bump=2)))
    assert any("MISMATCH" in w and "(21) vs TOTAAL row's sum (23)" in w for w in warnings)


def test_full_text_rendering_gives_positional_columns_and_per_column_check():
    lines = []
    for n, m in zip(NAMES, MARKS):
        lines.append(n + " " + " ".join(str(v) for v in m))
    totals = [sum(m[c] for m in MARKS) for c in range(4)]
    totals[3] -= 1
    lines.append("Totaal " + " ".join(map(str, totals)))
    rows, warnings = extract_municipality_priorities(document_from_text("\n".join(lines)))
    enschede = [r.column_label for r in rows if r.municipality == "Enschede"]
    assert enschede == ["kolom 1", "kolom 2", "kolom 3", "kolom 4"]
    assert any("MISMATCH" in w and "kolom 4: rows 3 vs TOTAAL 2" in w for w in warnings)


def test_no_matrix_in_a_numbered_list_of_ordinary_items():
    text = "Prioriteiten\n1. Woninginbraken\n2. Jeugd 2024\n3. Ondermijning\n4. Geweld\n5. Overlast\n"
    assert extract_municipality_priorities(document_from_text(text)) == ([], [])


def _pdf(tmp_path: Path, ruled: bool) -> Path:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("pdf")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.27, 11.69))
    fig.text(0.1, 0.95, "Prioriteiten per gemeente 2024", fontsize=12)
    x0, xs, top, step = 0.1, [0.40, 0.52, 0.64, 0.76], 0.88, 0.03
    for x, c in zip(xs, COLS):
        fig.text(x, top, c, fontsize=7, ha="center")
    totals = [sum(m[c] for m in MARKS) for c in range(4)]
    totals[2] += 1  # one TOTAAL value that does not add up
    for r, (n, m) in enumerate(list(zip(NAMES, MARKS)) + [("TOTAAL", totals)]):
        y = top - step * (r + 1)
        fig.text(x0, y, n, fontsize=8)
        for x, v in zip(xs, m):
            if n == "TOTAAL" or v:
                # without ruling, marks sit a point lower than the names, as in many exports
                fig.text(x, y if ruled else y - 0.0012, str(v), fontsize=8, ha="center")
    if ruled:
        ys = [top + step * 0.7 - step * k for k in range(len(NAMES) + 3)]
        for y in ys:
            fig.add_artist(plt.Line2D([x0 - 0.01, 0.82], [y, y], color="black", lw=0.5))
        for x in [x0 - 0.01, 0.34, 0.46, 0.58, 0.70, 0.82]:
            fig.add_artist(plt.Line2D([x, x], [ys[0], ys[-1]], color="black", lw=0.5))
    path = tmp_path / ("ruled.pdf" if ruled else "unruled.pdf")
    fig.savefig(path)
    plt.close(fig)
    return path


@pytest.mark.parametrize("ruled", [True, False])
def test_pdf_tables_give_columns_headers_and_column_check(tmp_path, ruled):
    from extractors.clean import clean_document
    from extractors.reader import read_document

    doc = clean_document(read_document(_pdf(tmp_path, ruled)))
    assert candidate_pages(doc) == [1]
    rows, warnings = extract_municipality_priorities(doc)
    cells = {(r.municipality, r.column_label) for r in rows}
    expected = {(n, c) for n, m in zip(NAMES, MARKS) for c, v in zip(COLS, m) if v}
    assert cells == expected
    assert all(r.cbs_code for r in rows)
    assert any("MISMATCH" in w and "Ondermijning: rows 7 vs TOTAAL 8" in w for w in warnings)


def test_rendered_seed_pdf_matrix_rows_resolve():
    path = ROOT / "samples" / "rendered" / "003_9e8309887f18d911.pdf"
    if not path.exists():
        pytest.skip("rendered seed PDF not present")
    from extractors.clean import clean_document
    from extractors.reader import read_document

    doc = clean_document(read_document(path))
    rows, warnings = extract_municipality_priorities(doc)
    municipal = [r for r in rows if r.cbs_code]
    assert len(municipal) == 62 and len({r.cbs_code for r in municipal}) == 62
    assert any("TOTAAL" in w for w in warnings)


def test_real_pdf_with_agenda_tables_has_no_matrix():
    path = ROOT / "samples" / "pdf" / "overijssel_verslag_bestuurlijk_overleg_ATT_2024-03-18_tabellen.pdf"
    if not path.exists():
        pytest.skip("sample PDF not present")
    from extractors.clean import clean_document
    from extractors.reader import read_document

    doc = clean_document(read_document(path))
    assert extract_municipality_priorities(doc) == ([], [])


def test_tab_separated_rows_keep_empty_cells_and_header_labels():
    header = "Gemeente\t" + "\t".join(COLS)
    lines = [header]
    for n, m in zip(NAMES, MARKS):
        lines.append(n + "\t" + "\t".join("x" if v else "" for v in m))
    totals = [sum(m[c] for m in MARKS) for c in range(4)]
    lines.append("Totaal\t" + "\t".join(map(str, totals)))
    rows, warnings = extract_municipality_priorities(document_from_text("\n".join(lines)))
    cells = {(r.municipality, r.column_label) for r in rows}
    assert cells == {(n, c) for n, m in zip(NAMES, MARKS) for c, v in zip(COLS, m) if v}
    assert any("every column sum equals the TOTAAL row" in w for w in warnings)


def _matrix(text):
    from extractors.document import document_from_text
    from extractors.tables import extract_municipality_priorities
    return extract_municipality_priorities(document_from_text(text))


def test_space_aligned_text_table_keeps_its_columns():
    text = """\
Keuzes van de gemeenten

Gemeente          Ondermijning   Jeugd   Woninginbraak
Assen             x              x
Emmen             x                      x
Hoogeveen                        x       x
Meppel            x              x
Coevorden         x
Tynaarlo                                 x
Totaal            4              3       3
"""
    records, warnings = _matrix(text)
    cells = {(r.municipality, r.column_label) for r in records}
    assert ("Emmen", "Woninginbraak") in cells and ("Hoogeveen", "Jeugd") in cells
    assert ("Emmen", "Jeugd") not in cells and len(records) == 10
    assert any("every column sum equals" in w for w in warnings)


def test_markdown_pipe_table_keeps_its_columns_and_headers():
    text = """\
| Gemeente | Cybercrime | Jeugd | Verkeer |
|---|:---:|:---:|---|
| Almere | x |  | x |
| Lelystad |  | x |  |
| Dronten | x | x |  |
| Urk |  |  | x |
| Zeewolde | x |  |  |
| Noordoostpolder |  | x | x |
| Totaal | 3 | 3 | 3 |
"""
    records, warnings = _matrix(text)
    assert {(r.municipality, r.column_label) for r in records} >= {("Almere", "Verkeer"), ("Lelystad", "Jeugd")}
    assert len(records) == 9 and not any(r.column_label.startswith("kolom") for r in records)
    assert any("every column sum equals" in w for w in warnings)


def test_a_count_table_per_municipality_is_no_priority_matrix():
    text = ("Aantal casussen per gemeente\n\nGemeente     2022   2023\nBeesel       12     15\nGennep       17     21\n"
            "Venlo        188    203\nVenray       63     72\nHorst aan de Maas   41   44\nPeel en Maas   38   47\n"
            "Totaal       359    402\n")
    assert _matrix(text)[0] == []
