"""Document-level theme summary: which themes the issuer sets as priorities (first version)."""
from __future__ import annotations

from extractors.document import Document
from extractors.records import PriorityItem, Theme, ThemeMention
from extractors.structure import Structure
from extractors.theme_vocab import load_vocab


def summarize_themes(doc: Document, mentions: list[ThemeMention], structure: Structure,
                     priorities: list[PriorityItem]) -> list[Theme]:
    vocab = load_vocab()
    by_theme: dict[str, list[ThemeMention]] = {}
    for m in mentions:
        by_theme.setdefault(m.theme_id, []).append(m)
    adopted = {p.theme_id: p for p in priorities if p.theme_id and p.adopted}
    rows = []
    for tid, ms in by_theme.items():
        td = vocab.themes[tid]
        item = adopted.get(tid)
        rows.append(Theme(doc_id=doc.doc_id, theme_id=tid, theme_label=td.label, parent_theme_id=td.parent,
                          vng_field=td.field, prioritized=item is not None,
                          rank=item.rank if item is not None and item.ranked else None,
                          mentions=len(ms), first_page=min(m.page for m in ms),
                          evidence=item.item_text if item is not None else None))
    return rows
