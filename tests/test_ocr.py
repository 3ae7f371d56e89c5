"""OCR of scanned pages with Tesseract's Dutch model: scans made here from text PDFs.

The scans are the pages of tests/pdfmaker's text PDFs rendered at 200 dpi and stored as
JPEG pictures without a text layer (scripts/rasterise_pdf.py), so the text they must yield
is known. Without Tesseract's Dutch data the OCR tests skip; the missing-data path is
tested everywhere by pointing TESSDATA_PREFIX at an empty folder.
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from extractors import ocr
from extractors.errors import EmptyDocument, NeedsOCR
from extractors.extract import extract_path
from extractors.reader import read_document
from tests.pdfmaker import text_pdf

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("rasterise_pdf", ROOT / "scripts" / "rasterise_pdf.py")
rasterise = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rasterise)

needs_tesseract = pytest.mark.skipif(not ocr.availability()[0], reason=f"no OCR here: {ocr.availability()[1]}")

PLAN = [
    "Veiligheidsplan Noorderveld 2026-2029",
    "",
    "Het college kiest voor drie prioriteiten: ondermijning, jeugdoverlast en woninginbraken.",
    "De gemeente werkt daarbij samen met de politie en het Openbaar Ministerie.",
]
DEADLINE = [
    "Uitvoering",
    "",
    "Uiterlijk 1 oktober 2026 stelt het college een plan van aanpak ondermijning vast.",
    "De raad ontvangt jaarlijks een voortgangsrapportage over de aanpak van jeugdoverlast.",
]
ENGLISH = [
    "Community safety plan for the city of Northfield",
    "",
    "The council will publish the action plan on organised crime before the end of the year.",
    "It works with the police and the public prosecutor on burglary and youth nuisance.",
    "Every year the council receives a report on the progress of these measures and their costs.",
    "The plan is reviewed by the mayor and the aldermen after two years and then again at the end.",
]


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.fixture
def no_tessdata(tmp_path, monkeypatch):
    """Tesseract's data made unavailable the way a user's configuration would: an empty TESSDATA_PREFIX."""
    empty = tmp_path / "tessdata-empty"
    empty.mkdir()
    monkeypatch.setenv("TESSDATA_PREFIX", str(empty))
    return empty


@needs_tesseract
def test_rasterised_pages_are_read_and_their_facts_say_ocr_with_page(tmp_path):
    path = write(tmp_path, "scan.pdf", rasterise.rasterise_pdf(text_pdf([PLAN, DEADLINE])))
    assert not any(p.text.strip() for p in _text_layer(path))  # really a scan
    extraction = extract_path(path)
    doc = extraction.document
    assert (doc.status, doc.ocr_pages) == ("ok", 2), doc.error
    assert 80 <= doc.ocr_confidence <= 100
    deadline = next(d for d in extraction.deadlines if d.date == "2026-10-01")
    assert (deadline.page, deadline.page_source) == (2, "ocr")
    assert deadline.ocr_confidence and deadline.ocr_confidence > 50
    assert "oktober 2026" in deadline.sentence
    page_two = read_document(path).pages[1]
    assert page_two.source == "ocr"
    mentions = {m.theme_id: m for m in extraction.theme_mentions}
    assert any("ondermijning" in t for t in mentions), sorted(mentions)
    assert all(m.page_source == "ocr" and m.page in (1, 2) for m in extraction.theme_mentions)


@needs_tesseract
def test_a_mixed_pdf_ocrs_only_its_scanned_page(tmp_path):
    original = text_pdf([PLAN, DEADLINE, PLAN])
    path = write(tmp_path, "gemengd.pdf", rasterise.rasterise_pdf(original, pages=[2]))
    text_only = read_document(write(tmp_path, "tekst.pdf", original))
    doc = read_document(path)
    assert [p.source for p in doc.pages] == ["text", "ocr", "text"]
    assert doc.pages[0].text == text_only.pages[0].text and doc.pages[2].text == text_only.pages[2].text
    assert doc.pages[0].ocr_confidence is None and doc.pages[1].ocr_confidence > 80
    assert "1 oktober 2026" in " ".join(doc.pages[1].text.split())


@needs_tesseract
def test_a_scanned_numbered_list_keeps_its_numbers_beside_the_items(tmp_path):
    fpdf = pytest.importorskip("fpdf")
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=10)
    pdf.set_xy(20, 20)
    pdf.cell(0, 6, "Veiligheidsplan Noorderveld 2026-2029")
    pdf.set_xy(20, 32)
    pdf.cell(0, 6, "De gemeenteraad heeft de volgende prioriteiten vastgesteld:")
    items = ["Ondermijning en georganiseerde criminaliteit", "Jeugdoverlast en criminele jeugdgroepen",
             "Woninginbraken en babbeltrucs", "Huiselijk geweld en kindermishandeling"]
    for i, item in enumerate(items):  # the numbers in a column of their own, as a hanging indent
        pdf.set_xy(20, 42 + 6 * i)
        pdf.cell(8, 6, f"{i + 1}.")
        pdf.set_xy(28, 42 + 6 * i)
        pdf.cell(0, 6, item)
    path = write(tmp_path, "lijst.pdf", rasterise.rasterise_pdf(bytes(pdf.output())))
    lines = [" ".join(line.split()) for line in read_document(path).pages[0].text.split("\n")]
    for i, item in enumerate(items):
        assert f"{i + 1}. {item}" in lines, lines


def test_without_tesseract_data_a_scan_keeps_needs_ocr_and_says_what_to_install(tmp_path, no_tessdata):
    path = write(tmp_path, "scan.pdf", rasterise.rasterise_pdf(text_pdf([PLAN, DEADLINE])))
    with pytest.raises(NeedsOCR, match="tesseract-ocr-nld") as raised:
        read_document(path)
    assert "TESSDATA_PREFIX" in raised.value.message and "2 of 2 pages" in raised.value.message
    assert not ocr.availability()[0]
    # and as a documents row, through the command line, configured the same way
    done = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(path), "--compact"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "TESSDATA_PREFIX": str(no_tessdata)})
    row = json.loads(done.stdout)["documents"][0]
    assert done.returncode == 1 and row["status"] == "needs_ocr"
    assert "tesseract-ocr-nld" in row["error"] and row["ocr_pages"] == 0


def test_without_tesseract_data_a_text_pdf_with_one_blank_page_is_read_as_before(tmp_path, no_tessdata):
    doc = read_document(write(tmp_path, "bijna.pdf", text_pdf([PLAN, [], DEADLINE])))
    assert [p.source for p in doc.pages] == ["text", "text", "text"] and doc.pages[1].text.strip() == ""


@needs_tesseract
def test_the_page_cap_reads_the_first_pages_and_marks_the_document_partial(tmp_path, monkeypatch):
    monkeypatch.setenv("IVP_OCR_MAX_PAGES", "1")
    path = write(tmp_path, "lang.pdf", rasterise.rasterise_pdf(text_pdf([PLAN, DEADLINE, DEADLINE])))
    extraction = extract_path(path)
    doc = extraction.document
    assert (doc.status, doc.ocr_pages, doc.pages) == ("partial", 1, 3)
    assert "pp. 2-3" in doc.error and "IVP_OCR_MAX_PAGES=1" in doc.error
    assert extraction.theme_mentions and {m.page for m in extraction.theme_mentions} == {1}


@needs_tesseract
def test_a_page_over_its_timeout_is_given_up_with_a_clear_status(tmp_path, monkeypatch):
    monkeypatch.setenv("IVP_OCR_PAGE_TIMEOUT", "0.1")
    path = write(tmp_path, "traag.pdf", rasterise.rasterise_pdf(text_pdf([PLAN + DEADLINE])))
    with pytest.raises(NeedsOCR, match="IVP_OCR_PAGE_TIMEOUT"):
        read_document(path)


@needs_tesseract
def test_an_upside_down_scan_is_turned_and_read(tmp_path):
    import pypdfium2 as pdfium

    page = pdfium.PdfDocument(rasterise.rasterise_pdf(text_pdf([PLAN + DEADLINE])))[0]
    picture = page.render(scale=200 / 72, grayscale=True).to_pil().rotate(180)
    doc = read_document(write(tmp_path, "omgekeerd.pdf", rasterise.pictures_pdf([picture])))
    assert "1 oktober 2026" in " ".join(doc.pages[0].text.split())
    assert doc.pages[0].ocr_confidence > 80


@needs_tesseract
def test_blank_and_photo_scans_are_empty_rows_with_a_reason(tmp_path):
    from PIL import Image

    blank = Image.new("L", (1654, 2339), 255)
    with pytest.raises(EmptyDocument, match="no readable text on its 2 page"):
        read_document(write(tmp_path, "blanco.pdf", rasterise.pictures_pdf([blank, blank])))
    photo = Image.effect_noise((1654, 2339), 60)
    with pytest.raises(EmptyDocument, match="photo"):
        read_document(write(tmp_path, "foto.pdf", rasterise.pictures_pdf([photo])))


@needs_tesseract
def test_a_scan_in_english_is_not_dutch(tmp_path):
    path = write(tmp_path, "english.pdf", rasterise.rasterise_pdf(text_pdf([ENGLISH])))
    doc = extract_path(path).document
    assert doc.status == "not_dutch", (doc.status, doc.error)


def _text_layer(path: Path):
    import pypdfium2 as pdfium

    from extractors.document import Page

    pdf = pdfium.PdfDocument(path)
    return [Page(i + 1, pdf[i].get_textpage().get_text_range()) for i in range(len(pdf))]


def test_a_scan_left_for_want_of_ocr_is_read_again_once_ocr_is_there(tmp_path, monkeypatch):
    from extractors import extractor_version
    from pipeline.plan import make_plan, sha256_of

    path = write(tmp_path, "scan.pdf", b"%PDF-1.4 stand-in bytes")
    stat = path.stat()
    manifest = {str(path): {"sha256": sha256_of(path), "size_bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns,
                            "extractor_version": extractor_version(), "status": "needs_ocr", "retryable": True}}
    configured = os.environ.get("TESSDATA_PREFIX")
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # no Dutch data there
    assert make_plan([path], manifest, extractor_version()).unchanged == [str(path)]
    if configured is None:
        monkeypatch.delenv("TESSDATA_PREFIX")
    else:
        monkeypatch.setenv("TESSDATA_PREFIX", configured)
    if ocr.availability()[0]:
        assert make_plan([path], manifest, extractor_version()).retried == [str(path)]
