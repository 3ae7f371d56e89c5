"""scripts/render_samples.py: rendered PDFs read back with their headings, page furniture and bullets."""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

pdfium = pytest.importorskip("pypdfium2")
pytest.importorskip("fpdf")

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("render_samples", ROOT / "scripts" / "render_samples.py")
render_samples = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("render_samples", render_samples)  # dataclasses look their module up
_spec.loader.exec_module(render_samples)

PARAGRAPH = (
    "De gemeente zet de komende jaren in op het terugdringen van woninginbraken en het versterken "
    "van de weerbaarheid van ondernemers. Samen met de politie, het Openbaar Ministerie en de "
    "woningcorporaties werken we aan een wijkgerichte aanpak waarin bewoners een actieve rol krijgen. "
)

TEXT = "\n".join([
    "# Integraal Veiligheidsplan Westerkwartier 2025-2028",
    "",
    "Vastgesteld door de gemeenteraad op 12 maart 2025.",
    "",
    "## 1. Inleiding",
    "",
    PARAGRAPH * 4,
    "",
    "## 2. Prioriteiten",
    "",
    "- Ondermijning en georganiseerde criminaliteit",
    "- Jeugd en **veiligheid** in de openbare ruimte",
    "1. Cybercrime",
    "2. Huiselijk geweld",
    "",
    *[PARAGRAPH * 3 + "\n" for _ in range(12)],
    "### 2.1 Uitvoering",
    "",
    "Het college stelt uiterlijk 1 juli 2026 een uitvoeringsprogramma vast.",
    "\fBijlage 1: Overzicht van partners",
])


def page_texts(path: Path) -> list[str]:
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(pdf))]
    finally:
        pdf.close()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("render") / "plan.pdf"
    result = render_samples.render_pdf(TEXT, out)
    return out, result


def test_text_layer_has_headings_without_markup(rendered):
    path, result = rendered
    full = "\n".join(page_texts(path))
    for heading in ("Integraal Veiligheidsplan Westerkwartier 2025-2028", "1. Inleiding", "2. Prioriteiten",
                    "2.1 Uitvoering"):
        assert re.search(r"^" + re.escape(heading) + r"\s*$", full, re.M), heading
    assert "#" not in full and "**" not in full
    assert "uiterlijk 1 juli 2026" in full


def test_headings_are_bold_and_body_is_not(rendered):
    path, _ = rendered
    pdf = pdfium.PdfDocument(str(path))
    page = pdf[0]
    tp = page.get_textpage()
    text = tp.get_text_range()
    heading_at = text.index("Integraal Veiligheidsplan")
    body_at = text.index("Vastgesteld door")
    weight = pdfium.raw.FPDFText_GetFontWeight
    assert weight(tp.raw, heading_at) >= 600
    assert weight(tp.raw, body_at) < 600
    pdf.close()


def test_running_header_and_page_numbers(rendered):
    path, result = rendered
    pages = page_texts(path)
    n = len(pages)
    assert n >= 3 and result.pages == n
    for i, text in enumerate(pages, 1):
        lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
        assert lines[-1] == f"Pagina {i} van {n}"
        if i > 1:
            assert lines[0] == "Integraal Veiligheidsplan Westerkwartier 2025-2028"
    # The form feed starts a new page with the appendix.
    assert "Bijlage 1: Overzicht van partners" in pages[-1]
    assert "Bijlage 1" not in pages[-2]


def test_bullets_and_numbers_kept_and_long_lines_wrapped(rendered):
    path, _ = rendered
    full = "\n".join(page_texts(path))
    assert re.search(r"^•\s+Ondermijning en georganiseerde criminaliteit$", full, re.M)
    assert re.search(r"^•\s+Jeugd en veiligheid in de openbare ruimte$", full, re.M)
    assert re.search(r"^1\.\s+Cybercrime$", full, re.M)
    longest = max(len(line) for line in full.split("\n"))
    assert longest < 140  # a 400-character paragraph came back as several lines


def test_rendering_is_reproducible(tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    render_samples.render_pdf(TEXT, a)
    render_samples.render_pdf(TEXT, b)
    assert a.read_bytes() == b.read_bytes()


def test_noise_rate_kinds_and_determinism():
    text = "\n".join([PARAGRAPH * 3] * 30) + "\nDeadline: 1 januari 2027, artikel 13."
    noisy, changes = render_samples.add_noise(text, "seed-1", rate=0.02)
    again, _ = render_samples.add_noise(text, "seed-1", rate=0.02)
    other, _ = render_samples.add_noise(text, "seed-2", rate=0.02)
    assert noisy == again and noisy != other
    n_words = len(render_samples.WORD_RE.findall(text))
    assert abs(len(changes) - 0.02 * n_words) <= 2
    assert {c["kind"] for c in changes} >= {"drop", "hyphen"}
    # Digits are never touched: dates and article numbers stay as written.
    assert re.findall(r"\d+", noisy) == re.findall(r"\d+", text)
    for c in changes:
        assert c["original"] != c["noisy"]
        if c["kind"] == "hyphen":
            head, tail = c["noisy"].split("-\n")
            assert head + tail == c["original"]
    assert sum(1 for c in changes if c["kind"] == "hyphen") == noisy.count("-\n")
