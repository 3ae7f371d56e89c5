"""Document metadata: title, type, issuer, region, and what the region resolves to.

No NER: the issuer comes from the header fields ("Van:"), the signature after a
letter's closing formula, or a sentence in which the issuers name themselves; places
come from the gazetteer. Cue words are data in vocab/doc_types.yaml.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from typing import Optional

from extractors import gazetteer
from extractors.document import Document
from extractors.structure import Structure, collapse, is_field_line, strip_markup
from extractors.vocab import load_yaml, require

#: how far into the document the header, title and form cues are looked for
HEAD_LINES = 40
#: how far into the text a sentence in which the document names itself is looked for
SELF_REFERENCE_CHARS = 6_000
#: how much text is scanned for place names (the start says where a document is about)
REGION_SCAN_CHARS = 40_000
#: types that name the form of a document; the others name its content (a letter about a plan is a letter)
_FORM_TYPES = {"voorstel", "raadsvoorstel", "memo", "brief", "other"}
_GENERIC_HEADINGS = re.compile(r"^(voorwoord|inhoud|inhoudsopgave|inleiding|samenvatting|colofon|bijlagen?)\b", re.I)


@functools.cache
def _vocab() -> dict:
    def validate(data):
        require(isinstance(data, dict), "expected a mapping")
        for key in ("doc_types", "form_words", "letter", "memo_header", "title_words", "body_words",
                    "body_min_count", "title_fields", "issuer_fields", "issuer_patterns_re", "signature_stop_re",
                    "issuer_signature_re", "issuer_letterhead_re", "reply_prefixes_re", "letterhead_kinds", "place_body_kinds", "police_unit_kinds", "self_reference_re", "self_reference_owner_re", "adopted_by_re"):
            require(key in data, f"missing key {key!r}")
        types = set(data["doc_types"])
        for key in ("form_words", "title_words", "body_words"):
            for t in data[key]:
                require(t in types, f"{key}: unknown doc_type {t!r}")
        for p in data["issuer_patterns_re"] + data["issuer_letterhead_re"]:
            require("(?P<issuer>" in p, f"issuer pattern without an 'issuer' group: {p!r}")

    data = load_yaml("doc_types.yaml", validate)
    out = dict(data)

    def words_rx(words):
        return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)

    out["form_rx"] = {t: re.compile(r"^(?:" + "|".join(w) + r")\b", re.IGNORECASE) for t, w in data["form_words"].items()}
    out["form_line_rx"] = {t: re.compile(r"^(?:" + "|".join(w) + r")\s*:?$", re.IGNORECASE)
                           for t, w in data["form_words"].items()}
    out["title_rx"] = {t: words_rx(w) for t, w in data["title_words"].items()}
    out["body_rx"] = {t: words_rx(w) for t, w in data["body_words"].items()}
    out["salutation_rx"] = [re.compile(p, re.IGNORECASE) for p in data["letter"]["salutation"]]
    out["closing_rx"] = [re.compile(p, re.IGNORECASE) for p in data["letter"]["closing"]]
    out["memo_rx"] = [re.compile(p, re.IGNORECASE) for p in data["memo_header"]["fields"]]
    out["issuer_rx"] = [re.compile(p, re.IGNORECASE) for p in data["issuer_patterns_re"]]
    out["stop_rx"] = [re.compile(p, re.IGNORECASE) for p in data["signature_stop_re"]]
    out["body_signature_rx"] = [re.compile(p, re.IGNORECASE) for p in data["issuer_signature_re"]]
    out["letterhead_rx"] = [re.compile(p, re.IGNORECASE) for p in data["issuer_letterhead_re"]]
    out["reply_rx"] = [re.compile(p, re.IGNORECASE) for p in data["reply_prefixes_re"]]
    out["self_rx"] = [re.compile(p, re.IGNORECASE | re.MULTILINE) for p in data["self_reference_re"]]
    # case matters here: the owner's name is capitalised, the words after it are not
    out["owner_rx"] = [re.compile(p) for p in data["self_reference_owner_re"]]
    out["adopted_rx"] = [re.compile(p) for p in data["adopted_by_re"]]
    kinds = "|".join(re.escape(k) for k in sorted(data["letterhead_kinds"], key=len, reverse=True))
    out["kind_line_rx"] = re.compile(rf"^(?:{kinds})$", re.IGNORECASE)
    place_bodies = "|".join(re.escape(k) for k in data["place_body_kinds"])
    out["place_body_rx"] = re.compile(rf"^(?:{place_bodies})\s+(?P<name>\S.{{0,40}})$", re.IGNORECASE)
    units = "|".join(re.escape(k) for k in sorted(data["police_unit_kinds"], key=len, reverse=True))
    out["unit_line_rx"] = re.compile(rf"^(?:politie\s*)?(?:{units})\s+(?P<rest>\S.*)$", re.IGNORECASE)
    labels = "|".join(re.escape(f) for f in data["title_fields"])
    out["title_label_rx"] = re.compile(rf"^(?:{labels})\s*:?$", re.IGNORECASE)
    issuer_labels = "|".join(re.escape(f) for f in data["issuer_fields"])
    out["issuer_label_rx"] = re.compile(rf"^(?:{issuer_labels})\s*:?$", re.IGNORECASE)
    out["form_word_rx"] = {t: re.compile(r"\b(?:" + "|".join(w) + r")\b", re.IGNORECASE)
                           for t, w in data["form_words"].items()}
    labels = "|".join(re.escape(f) for f in data["title_fields"])
    out["title_field_rx"] = re.compile(rf"^(?:{labels})\s*(?::|\t|\s)\s*(?P<value>\S.*)$", re.IGNORECASE)
    labels = "|".join(re.escape(f) for f in data["issuer_fields"])
    out["issuer_field_rx"] = re.compile(rf"^(?:{labels})\s*:\s*(?P<value>\S.*)$|^(?:{labels})\t+(?P<value2>\S.*)$",
                                        re.IGNORECASE)
    return out


def _head_lines(doc: Document, n: int = HEAD_LINES) -> list[str]:
    out = []
    for page in doc.pages:
        for line in page.text.split("\n"):
            if line.strip():
                out.append(strip_markup(line.strip().lstrip("#").strip()))
                if len(out) >= n:
                    return out
    return out


# ---------------------------------------------------------------- title

def _tidy_field_title(value: str) -> str:
    value = collapse(strip_markup(value))
    for rx in _vocab()["reply_rx"]:
        value = rx.sub("", value)
    return value.strip()


def _joined_head_lines(doc: Document, n: int = HEAD_LINES) -> list[str]:
    """Head lines, with a letterhead split over two lines ("Gemeente" / "Haarlem") joined."""
    v = _vocab()
    head = _head_lines(doc, n)
    out = []
    for i, line in enumerate(head):
        if v["kind_line_rx"].match(line) and i + 1 < len(head) and len(head[i + 1].split()) <= 4:
            out.append(f"{line} {head[i + 1]}")
        out.append(line)
    return out


def extract_title(doc: Document, structure: Structure) -> Optional[str]:
    v = _vocab()
    head = _head_lines(doc)
    for line in head:
        m = v["title_field_rx"].match(line)
        if m:
            value = _tidy_field_title(m.group("value"))
            if value:
                return value
    # PDF table cells: the label on a line of its own and the subject on the next line
    for i, line in enumerate(head[:-1]):
        nxt = head[i + 1]
        if (v["title_label_rx"].match(line) and len(nxt.split()) >= 2 and nxt[:1].isupper()
                and not nxt.rstrip().endswith(":") and not is_field_line(nxt)):
            return _tidy_field_title(nxt)
    first_page = doc.pages[0].number if doc.pages else 1
    head_limit = _offset_of_line(doc, HEAD_LINES // 2)
    for h in structure.headings:
        if h.page != first_page or h.char_start > head_limit:
            break
        if _GENERIC_HEADINGS.match(h.text) or any(rx.match(h.text) for rx in v["form_line_rx"].values()):
            continue
        if (h.raw.rstrip().endswith(":") or (v["place_body_rx"].match(h.text) and len(h.text.split()) == 2)
                or any(rx.match(h.text) for rx in v["letterhead_rx"]) or _is_unit_line(h.text)):
            continue  # a field label or the letterhead, not the title
        if len(h.text.split()) >= 2:
            return h.text
    return None


def _is_unit_line(text: str) -> bool:
    """'Eenheid Noord-Holland', 'District Zaanstreek-Waterland', 'Politie Limburg': a letterhead line."""
    m = _vocab()["unit_line_rx"].match(text)
    if not m:
        return False
    rest = m.group("rest")
    return bool(gazetteer.find_places(rest)) or (len(rest.split()) <= 3 and rest[:1].isupper()
                                                 and not re.search(r"\d", rest))


def _offset_of_line(doc: Document, n: int) -> int:
    if not doc.pages:
        return 0
    text = doc.pages[0].text
    pos = 0
    count = 0
    for line in text.split("\n"):
        pos += len(line) + 1
        if line.strip():
            count += 1
            if count >= n:
                break
    return pos


# ---------------------------------------------------------------- doc_type

def classify(doc: Document, title: Optional[str]) -> str:
    v = _vocab()
    head = _head_lines(doc)
    # 1. the document names its form: first word of the title, or a line of its own at the top
    for line in head[:12]:
        for t, rx in v["form_line_rx"].items():
            if rx.match(line):
                return t
    # the title's first word, when it names a form rather than a content ("Voorstel ...", "Brief aan ...")
    if title:
        for t, rx in v["form_rx"].items():
            if t in _FORM_TYPES and rx.match(title):
                return t
    # ... or inside a short line at the very top ("Gemeente Haarlem Memo", OCR'd letterheads)
    for line in head[:6]:
        if len(line.split()) <= 4 and not is_field_line(line):  # "Onderwerp Beleidsplan 2024" is the subject
            for t, rx in v["form_word_rx"].items():
                if rx.search(line):
                    return t
    # 2. a letter: salutation and closing formula
    lines = [l.strip() for p in doc.pages for l in p.text.split("\n") if l.strip()]
    if any(rx.match(l) for l in lines for rx in v["salutation_rx"]) and (
            any(rx.match(l) for l in lines for rx in v["closing_rx"])
            # or signed by a body without a closing formula ("De Minister van ...,")
            or any(l[:1].isupper() and rx.match(l) for l in lines[-15:] for rx in v["body_signature_rx"])):
        return "brief"
    # 3. a memo header
    fields = sum(1 for l in head[:15] for rx in v["memo_rx"] if rx.match(l))
    if fields >= v["memo_header"]["min_fields"]:
        if title:
            for t in ("raadsvoorstel", "voorstel"):
                if v["title_rx"][t].search(title):
                    return t
        return "memo"
    # 4. words of the title
    if title:
        for t, rx in v["form_rx"].items():
            if rx.match(title):
                return t
        for t, rx in v["title_rx"].items():
            if rx.search(title):
                return t
    # 4b. the document names itself in its opening pages ("Voor u ligt het jaarverslag 2023")
    text = doc.text[:REGION_SCAN_CHARS]
    for rx in v["self_rx"]:
        m = rx.search(text[:SELF_REFERENCE_CHARS])
        if m:
            what = collapse(m.group("what"))
            for t, rx2 in v["form_word_rx"].items():
                if rx2.match(what):
                    return t
            for t, rx2 in v["title_rx"].items():
                if rx2.search(what):
                    return t
    # 5. words of the body
    counts = {t: len(rx.findall(text)) for t, rx in v["body_rx"].items()}
    best = max(counts, key=counts.get) if counts else None
    if best and counts[best] >= v["body_min_count"]:
        return best
    return "other"


# ---------------------------------------------------------------- issuer

def extract_issuer(doc: Document) -> Optional[str]:
    v = _vocab()
    head = _head_lines(doc)
    for line in head:
        m = v["issuer_field_rx"].match(line)
        if m:
            value = collapse(m.group("value") or m.group("value2") or "")
            if value:
                return value
    # PDF table cells: "Van" on a line of its own and the sender on the next line
    for i, line in enumerate(head[:-1]):
        nxt = head[i + 1]
        if (v["issuer_label_rx"].match(line) and nxt[:1].isupper() and len(nxt.split()) <= 10
                and not nxt.rstrip().endswith(":") and not is_field_line(nxt)):
            return collapse(nxt)
    signature = _signature(doc)
    if signature:
        return signature
    lines = [l.strip() for p in doc.pages for l in p.text.split("\n") if l.strip()]
    for line in reversed(lines[-60:]):
        if not line[:1].isupper():
            continue  # a signing line starts with a capital; "de minister van ..." mid-sentence does not sign
        for rx in v["body_signature_rx"]:
            m = rx.match(line)
            if m:
                return collapse(m.group("issuer"))
    text = doc.text
    for rx in v["issuer_rx"]:
        m = rx.search(collapse(text[:REGION_SCAN_CHARS]))
        if m:
            return collapse(m.group("issuer")).strip(" ,")
    return _letterhead_issuer(doc) or _self_reference_owner(doc) or _adopted_by(doc)


def _adopted_by(doc: Document) -> Optional[str]:
    for line in _head_lines(doc, HEAD_LINES // 2):
        for rx in _vocab()["adopted_rx"]:
            m = rx.match(collapse(line))
            if m and len(m.group("issuer").split()) >= 2:
                return m.group("issuer")
    return None


def _self_reference_owner(doc: Document) -> Optional[str]:
    v = _vocab()
    text = doc.text[:SELF_REFERENCE_CHARS]
    for rx in v["self_rx"]:
        m = rx.search(text)
        if not m:
            continue
        what = collapse(m.group("what"))
        for orx in v["owner_rx"]:
            o = orx.search(what)
            if o:
                owner = o.group("issuer")
                return owner[:1].upper() + owner[1:]
    return None


#: how many lines at the end of a document are searched for a colophon/address block
TAIL_LINES = 12


def _letterhead_issuer(doc: Document) -> Optional[str]:
    """A line at the top or the very end that only names a body."""
    v = _vocab()
    head = _joined_head_lines(doc, HEAD_LINES // 2)
    tail = [strip_markup(l.strip().lstrip("#").strip()) for p in doc.pages for l in p.text.split("\n") if l.strip()]
    tail = tail[-TAIL_LINES:]
    for rx in v["letterhead_rx"]:
        for line in head + tail:
            line = collapse(line)
            m = rx.match(line)
            if m and line[:1].isupper() and _names_a_body(m.group("issuer")):
                return collapse(m.group("issuer")).rstrip(" ,")
    return None


def _names_a_body(text: str) -> bool:
    """'Gemeente Venlo', 'Veiligheidshuis Fryslân'; not 'Provincie Nr. Onderwerp' (a table header)
    or 'gemeente die ...': the words after the kind of body are a name, a known place for a
    municipality or province."""
    words = text.split()
    if len(words) < 2 or re.search(r"\d", text):
        return False
    if words[0].lower() in _vocab()["place_body_kinds"]:
        rest = " ".join(words[1:])
        return bool(gazetteer.resolve_municipality(rest, fuzzy=False) or gazetteer.resolve_province(rest))
    return words[-1][:1].isupper() and not any(w.endswith(".") for w in words)


def _signature(doc: Document) -> Optional[str]:
    """The lines under a letter's closing formula: name, function, organisation."""
    v = _vocab()
    lines = [l.strip() for p in doc.pages for l in p.text.split("\n")]
    for i in range(len(lines) - 1, -1, -1):
        if lines[i] and any(rx.match(lines[i]) for rx in v["closing_rx"]):
            picked: list[str] = []
            j = i + 1
            while j < len(lines) and not lines[j]:
                j += 1
            while j < len(lines) and lines[j] and len(picked) < 3:
                line = strip_markup(lines[j])
                if any(rx.search(line) for rx in v["stop_rx"]) or len(line.split()) > 10:
                    break
                if not picked:
                    body = next((m for rx in v["body_signature_rx"] for m in [rx.match(line)] if m), None)
                    if body:
                        # "Burgemeester en wethouders van X," signs as a body; the officials
                        # under it ("de secretaris, de burgemeester") sign for it
                        return collapse(body.group("issuer"))
                picked.append(line.rstrip(","))
                j += 1
            if picked:
                return ", ".join(picked)
    return None


# ---------------------------------------------------------------- region

def _list_of_municipalities(text: str) -> Optional[str]:
    """'Dronten, Noordoostpolder, Urk' (two or more names joined by commas/en) as written."""
    places = [p for p in gazetteer.find_places(text) if p.kind == "municipality"]
    spans = sorted({(p.start, p.end) for p in places})
    best = None
    run = []
    for s, e in spans:
        if run and re.fullmatch(r"\s*(?:,|en|&|,\s*en|[–—/-])\s*", text[run[-1][1]:s]):
            run.append((s, e))
        else:
            run = [(s, e)]
        if len(run) >= 2 and (best is None or len(run) > len(best)):
            best = list(run)
    if best:
        return text[best[0][0]:best[-1][1]]
    return None


def extract_region(doc: Document, title: Optional[str]) -> Optional[str]:
    if title:
        listed = _list_of_municipalities(title)
        if listed:
            return listed
    for line in _head_lines(doc, 6):
        listed = _list_of_municipalities(line)
        if listed:
            return listed
    if title:
        places = gazetteer.find_places(title)
        supra = [p for p in places if p.kind != "municipality"]
        if supra or places:
            return (supra or places)[0].surface
    # the letterhead names the body's own municipality or province ("Gemeente" / "Haarlem")
    for line in _joined_head_lines(doc, 8):
        m = _vocab()["place_body_rx"].match(line)
        if m:
            name = m.group("name").strip(" ,.")
            if gazetteer.resolve_municipality(name, fuzzy=False) or gazetteer.resolve_province(name):
                return name
    places = gazetteer.find_places(doc.text[:REGION_SCAN_CHARS])
    if not places:
        return None
    counts: Counter = Counter()
    surfaces: dict[str, Counter] = {}
    for p in places:
        key = gazetteer.fold(p.surface)
        if (key, p.start) in surfaces.setdefault("_seen", Counter()):
            continue
        surfaces["_seen"][(key, p.start)] += 1
        counts[key] += 1
        surfaces.setdefault(key, Counter())[p.surface] += 1
    supra_keys = {gazetteer.fold(p.surface) for p in places if p.kind != "municipality"}
    ranked = sorted(counts, key=lambda k: (counts[k], k in supra_keys), reverse=True)
    top = ranked[0]
    if counts[top] < 2:
        return None
    return surfaces[top].most_common(1)[0][0]


def resolve_region(region: Optional[str], day: Optional[dt.date] = None) -> dict:
    """police_unit, province and CBS codes of a region as written, on the document's day (None: today).

    Which municipalities an area covers is the gazetteer's one answer (`gazetteer.resolve_area`, the
    same that `ivp compare` gets): a municipality's own name before a police unit, safety region or
    province of that name, former municipalities as their successors of that day. An informal region
    ("Achterhoek") names only its police unit and province.
    """
    empty = {"police_unit": None, "province": None, "municipalities": None}
    if not region:
        return empty
    codes = gazetteer.resolve_area(region, day)
    if codes:
        by_code = gazetteer.by_code()
        return gazetteer.describe([by_code[c] for c in codes])
    return gazetteer.resolve_informal_region(region) or empty


def extract_metadata(doc: Document, structure: Structure, day: Optional[dt.date] = None) -> dict:
    """Fields of DocumentRecord: title, doc_type, issuer, region, police_unit, province, municipalities.

    `day` is the document's date: the municipalities of its region are those of that day.
    """
    title = extract_title(doc, structure)
    region = extract_region(doc, title)
    out = {"title": title, "doc_type": classify(doc, title), "issuer": extract_issuer(doc), "region": region}
    out.update(resolve_region(region, day))
    return out
