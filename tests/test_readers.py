"""Readers: every common encoding of text, PDFs via pypdfium2, docx, and bad input."""
from __future__ import annotations

import io

import pytest

from extractors.errors import EmptyDocument, NeedsOCR, UnreadableDocument
from extractors.reader import decode_text, read_document
from tests.pdfmaker import image_only_pdf, text_pdf

DUTCH = "Het college stelt uiterlijk eind 2024 een plan van aanpak ondermijning vast. Café’s en één brief."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "cp1252"])
def test_text_in_any_common_encoding(tmp_path, encoding):
    path = tmp_path / "plan.txt"
    path.write_bytes(DUTCH.encode(encoding))
    doc = read_document(path)
    assert doc.pages[0].text == DUTCH
    assert doc.source_format == "txt"


def test_windows_1252_quotes_and_accents_are_not_mojibake():
    raw = "Jeugd en veiligheid – ‘weerbare jeugd’ en coördinatie".encode("cp1252")
    assert decode_text(raw) == "Jeugd en veiligheid – ‘weerbare jeugd’ en coördinatie"


def test_form_feeds_split_text_into_pages(tmp_path):
    path = tmp_path / "two.md"
    path.write_text("# Eerste\nEen pagina.\fTweede pagina.", encoding="utf-8")
    doc = read_document(path)
    assert [p.number for p in doc.pages] == [1, 2]
    assert doc.pages[1].text == "Tweede pagina."


def test_pdf_pages_come_back_with_their_text(tmp_path):
    path = tmp_path / "plan.pdf"
    path.write_bytes(text_pdf([["Integraal veiligheidsplan 2024-2027", "Thema 1: Ondermijning"],
                               ["Thema 2: Jeugd en veiligheid"]]))
    doc = read_document(path)
    assert len(doc.pages) == 2
    assert "Thema 1: Ondermijning" in doc.pages[0].text
    assert "Jeugd en veiligheid" in doc.pages[1].text
    assert doc.doc_id == doc.sha256[:16]


def test_docx_paragraphs_and_tables(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Integraal veiligheidsbeleid 2024-2027")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text = "Ondermijning"
    table.rows[0].cells[1].text = "1"
    path = tmp_path / "beleid.docx"
    document.save(path)
    doc = read_document(path)
    assert "Integraal veiligheidsbeleid 2024-2027" in doc.pages[0].text
    assert "Ondermijning\t1" in doc.pages[0].text


def test_empty_file_is_empty(tmp_path):
    path = tmp_path / "leeg.txt"
    path.write_bytes(b"  \n\n")
    with pytest.raises(EmptyDocument):
        read_document(path)


def test_binary_file_named_txt_is_refused_with_advice(tmp_path):
    path = tmp_path / "foto.txt"
    path.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(UnreadableDocument, match="binary"):
        read_document(path)


def test_unknown_extension_says_what_is_supported(tmp_path):
    path = tmp_path / "plan.xyz"
    path.write_text("tekst")
    with pytest.raises(UnreadableDocument, match=r"unsupported file type '\.xyz'.*\.pdf"):
        read_document(path)


def test_corrupt_pdf(tmp_path):
    path = tmp_path / "kapot.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 100)
    with pytest.raises(UnreadableDocument, match="damaged"):
        read_document(path)


def test_encrypted_pdf_asks_for_decryption(tmp_path):
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(text_pdf([["Geheim plan"]]))))
    writer.encrypt(user_password="geheim", owner_password="eigenaar")
    path = tmp_path / "versleuteld.pdf"
    with open(path, "wb") as fh:
        writer.write(fh)
    with pytest.raises(UnreadableDocument, match="encrypted"):
        read_document(path)


def test_image_only_pdf_needs_ocr_where_tesseract_has_no_dutch_data(tmp_path, monkeypatch):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))  # a folder without nld.traineddata
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_only_pdf(3))
    with pytest.raises(NeedsOCR, match="tesseract-ocr-nld.*ocrmypdf"):
        read_document(path)


def test_real_scans_in_samples_need_ocr_where_tesseract_has_no_dutch_data(samples, tmp_path, monkeypatch):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    for path in sorted((samples / "pdf").glob("*_SCAN.pdf")):
        with pytest.raises(NeedsOCR):
            read_document(path)


def test_real_text_pdfs_in_samples_read(samples):
    for path in sorted((samples / "pdf").glob("*.pdf")):
        if path.stem.endswith("_SCAN"):
            continue
        doc = read_document(path)
        assert doc.n_chars > 500, path.name


def test_a_long_text_without_form_feeds_becomes_pages_of_bounded_size_at_paragraph_breaks(tmp_path):
    from extractors.reader import split_text_pages

    paragraph = "De gemeente zet in op de aanpak van woninginbraak en ondermijning in de wijken.\n"
    text = "".join(f"Paragraaf {i}\n{paragraph * 3}\n" for i in range(400))
    pages = split_text_pages(text, max_chars=5_000)
    assert len(pages) > 20 and all(len(p.text) <= 5_000 for p in pages)
    assert "".join(p.text for p in pages) == text  # nothing lost, nothing added
    assert all(p.text.endswith("\n\n") for p in pages[:-1])  # cut at paragraph breaks
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    # a stretch without paragraph breaks is cut at a line break, then at a space
    lines = split_text_pages("regel met woorden\n" * 1_000, max_chars=5_000)
    assert all(p.text.endswith("\n") for p in lines[:-1]) and all(len(p.text) <= 5_000 for p in lines)
    words = split_text_pages("woord " * 3_000, max_chars=5_000)
    assert all(p.text.endswith(" ") and len(p.text) <= 5_000 for p in words[:-1])
    # form feeds still separate pages; short pages stay whole
    assert [p.text for p in split_text_pages("een\ftwee")] == ["een", "twee"]
