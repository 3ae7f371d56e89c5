"""The document's outline as data: the entries of its table of contents.

A table of contents comes out of a text layer in many shapes: one entry a line with its page
number ("4.1 Aanpak overlast jeugd 13"), dot leaders ("Inleiding ..... 3"), several entries
run together on one line ("2. Visie 2.1 Missie 2.2 Strategie"), page numbers gathered on a
line of their own ("12 13 14"), or a number on one line and its title on the next (a web
page's nested list). This module reads all of them the same way: after a contents heading
it cuts the text at every section number and keeps what follows each number up to the end
of its line, without page references. Levels come from the number ("7.2.a" is level 3) or,
for undotted numbers, from the indentation. The words live in vocab/structure.yaml
(`outline`).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from extractors.document import Document
from extractors.structure import Structure, collapse, vocab


@dataclass
class OutlineEntry:
    page: int
    start: int  # offsets of the title in the page text
    end: int
    number: str  # "4", "4.1", "7.2.a"
    title: str  # without number, page reference or dot leader
    level: int
    children: list["OutlineEntry"] = field(default_factory=list)


@functools.cache
def _patterns() -> dict[str, re.Pattern]:
    v = vocab()["outline"]
    chapter_words = "|".join(w for c in v["chapter_words"] for w in (c.capitalize(), c.upper()))
    return {
        "heading": re.compile(r"^[ \t•*-]*(?:%s)\b\s*:?" % "|".join(v["contents_headings"]),
                              re.IGNORECASE | re.MULTILINE),
        # a section number: at a line start or after a space, before a capitalised title
        "number": re.compile(r"(?:(?<=\s)|^)(?:(?P<word>(?-i:%s))\s+)?(?P<num>\d{1,2}(?:\.\d{1,2})*(?:\.[a-z])?)"
                             r"(?P<dot>\.)?(?(word):?)(?=\s+(?-i:[A-ZÀ-Þ]))" % chapter_words, re.IGNORECASE),
        "page_ref": re.compile(r"(?:\s*[.…·_]{2,}\s*|\s+)(?:(?:pag|blz|p)\.?\s*)?\d{1,3}\s*$", re.IGNORECASE),
    }


def read_outline(doc: Document) -> list[OutlineEntry]:
    """Top-level entries of the first table of contents of each page, children nested (the
    body's headings: `outline_from_headings`)."""
    out: list[OutlineEntry] = []
    for page in doc.pages:
        head = _patterns()["heading"].search(page.text)
        if head is not None:
            out.extend(_nest(_entries(page.number, page.text, head.end())))
    return out


def outline_from_headings(structure: Structure) -> list[OutlineEntry]:
    """The body's numbered headings as the same outline: "3 Onze prioriteiten" above "3.1 ...",
    "3.2 ..." (with text between them); a sub-heading's number starts with its chapter's."""
    entries = [OutlineEntry(h.page, h.char_start, h.char_end, h.number.rstrip("."), collapse(h.text),
                            h.number.rstrip(".").count(".") + 1)
               for h in structure.headings
               if h.kind == "numbered" and h.number and re.fullmatch(r"\d{1,2}(?:\.\d{1,2})*\.?", h.number)]
    top: list[OutlineEntry] = []
    stack: list[OutlineEntry] = []
    for e in entries:
        while stack and not e.number.startswith(stack[-1].number + "."):
            stack.pop()
        (stack[-1].children if stack else top).append(e)
        stack.append(e)
    return top


def _entries(page_no: int, text: str, start: int) -> list[OutlineEntry]:
    limits = vocab()["outline"]
    pats = _patterns()
    # an undotted number without a dot ("1 Inleiding 4") numbers a section only at a line start;
    # inside a line it is part of a title ("programma 2 Veiligheid")
    found = [m for m in pats["number"].finditer(text, start, min(len(text), start + limits["max_chars"]))
             if m.group("word") or m.group("dot") or "." in m.group("num")
             or not text[text.rfind("\n", 0, m.start()) + 1:m.start()].strip(" \t•*-")]
    entries: list[OutlineEntry] = []
    for k, m in enumerate(found):
        stop = found[k + 1].start() if k + 1 < len(found) else min(len(text), m.end() + 300)
        body = text[m.end():stop]
        lead = len(body) - len(body.lstrip())
        first_line = body.lstrip().split("\n", 1)[0]
        title = _clean_title(first_line)
        rest = collapse(body.lstrip()[len(first_line):])
        prose = len(re.sub(r"\b\d+\b", " ", rest).split())
        if not title or len(title.split()) > limits["max_title_words"]:
            break  # running text: the contents have ended
        s = m.end() + lead
        entries.append(OutlineEntry(page_no, s, s + len(title), m.group("num"), title,
                                    _level(m.group("num"), text, m.start())))
        if any(e.number == m.group("num") and e.title == title for e in entries[:-1]):
            entries.pop()  # the body repeats a chapter: the contents ended before it
            break
        if prose > limits["max_title_words"]:
            break
    return entries if len(entries) >= limits["min_entries"] else []


def _clean_title(line: str) -> str:
    title = collapse(line)
    prev = None
    while prev != title:
        prev, title = title, _patterns()["page_ref"].sub("", title).strip()
    return title.strip(" .:;•")


def _level(number: str, text: str, pos: int) -> int:
    """Dots give the level; an undotted number deeper indented than the contents' first
    undotted number (a nested web list) is one level down."""
    depth = number.count(".") + 1
    return depth if depth > 1 else 1 + (_indent(text, pos) > _first_indent(text, pos))


def _indent(text: str, pos: int) -> int:
    line_start = text.rfind("\n", 0, pos) + 1
    lead = text[line_start:pos]
    return len(lead) - len(lead.lstrip(" \t•*-")) if lead.strip(" \t•*-") == "" else 0


def _first_indent(text: str, pos: int) -> int:
    head = _patterns()["heading"].search(text)
    if head is None or head.end() > pos:
        return 0
    first = _patterns()["number"].search(text, head.end())
    return _indent(text, first.start()) if first and first.start() <= pos else 0


def _nest(entries: list[OutlineEntry]) -> list[OutlineEntry]:
    top: list[OutlineEntry] = []
    stack: list[OutlineEntry] = []
    for e in entries:
        while stack and stack[-1].level >= e.level:
            stack.pop()
        (stack[-1].children if stack else top).append(e)
        stack.append(e)
    return top


def walk(entries: list[OutlineEntry]):
    for e in entries:
        yield e
        yield from walk(e.children)

