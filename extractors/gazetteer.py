"""Dutch municipalities, police units, provinces and safety regions from vocab/gemeenten.csv.

Names are matched on a folded key: case, diacritics, hyphens, spaces and CBS province
suffixes ("Bergen (NH.)") do not count, so "Sudwest Fryslan", "Súdwest-Fryslân" and
"SÚDWEST-FRYSLÂN" are one name. Extra spellings (Den Haag, Den Bosch, Friesland) are
data in vocab/gazetteer_aliases.yaml. Fuzzy matching for PDF noise is length-aware:
short names only match exactly.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Optional

from rapidfuzz import fuzz, process

from extractors.vocab import load_csv, load_yaml, require

_SUFFIX = re.compile(r"\s*\((?:[A-Z]{1,2})\.\)\s*$")


@dataclass(frozen=True)
class Municipality:
    cbs_code: str
    name: str  # CBS name
    province: str
    police_unit: str
    safety_region: str
    active_until: str  # ISO date, '' when current
    merged_into: str
    active_from: str = ""  # ISO date, '' when it existed before the list begins

    @property
    def current(self) -> bool:
        return not self.active_until

    def active_on(self, day: Optional[dt.date]) -> bool:
        """Whether the municipality existed on `day` (None: today, i.e. it is current)."""
        if day is None:
            return self.current
        iso = day.isoformat()  # ISO dates compare as strings
        return (not self.active_from or self.active_from <= iso) and (not self.active_until or iso < self.active_until)


@dataclass(frozen=True)
class Place:
    kind: str  # municipality, police_unit, province, safety_region, region (informal_regions)
    name: str  # canonical name
    surface: str  # as written
    start: int
    end: int


def fold(text: str) -> str:
    """Lower case, no diacritics, hyphens and runs of spaces as one space; same words as `text`."""
    out = []
    for ch in text:
        base = unicodedata.normalize("NFKD", ch)[0]
        out.append(base)
    text = "".join(out).lower()
    text = text.replace("’", "'").replace("‘", "'")
    text = re.sub(r"[\s\-‐‑–—]+", " ", text)
    return text.strip()


class _FoldTable(dict):
    """str.translate table built on demand: a non-ASCII letter -> its base letter (same length)."""

    def __missing__(self, code: int):
        ch = chr(code)
        if ch in "‐‑–—":
            value = "-"
        elif ch in "’‘":
            value = "'"
        elif ch.isalpha():
            base = unicodedata.normalize("NFKD", ch)[0]
            value = base if len(base) == 1 else ch
        else:
            value = ch
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable({c: chr(c) for c in range(128)})


def _fold_same_length(text: str) -> str:
    """Per-character fold that keeps offsets: for scanning running text."""
    return text.translate(_FOLD_TABLE)


def strip_suffix(name: str) -> str:
    return _SUFFIX.sub("", name).strip()


@functools.cache
def _aliases() -> dict:
    def validate(data):
        require(isinstance(data, dict), "expected a mapping")
        for key in ("municipality_aliases", "province_aliases", "police_unit_aliases", "safety_region_aliases",
                    "ambiguous_names", "fuzzy_min_ratio", "informal_regions"):
            require(key in data, f"missing key {key!r}")
        for name, row in data["informal_regions"].items():
            require(isinstance(row, dict) and {"province", "police_unit"} <= set(row),
                    f"informal_regions: {name!r} needs province and police_unit")
        for row in data["fuzzy_min_ratio"]:
            require(isinstance(row, dict) and {"min_len", "ratio"} <= set(row), "fuzzy_min_ratio rows need min_len and ratio")

    return load_yaml("gazetteer_aliases.yaml", validate)


@functools.cache
def municipalities() -> tuple[Municipality, ...]:
    rows = load_csv("gemeenten.csv")
    require(rows and "cbs_code" in rows[0], "gemeenten.csv needs a cbs_code column")
    return tuple(Municipality(r["cbs_code"], r["name"], r["province"], r["police_unit"], r["safety_region"],
                              r.get("active_until", ""), r.get("merged_into", ""), r.get("active_from", ""))
                 for r in rows)


def by_code() -> dict[str, Municipality]:
    """CBS code -> municipality, current and former."""
    return _index()["by_code"]


@functools.cache
def _index() -> dict:
    al = _aliases()
    by_code = {m.cbs_code: m for m in municipalities()}
    by_key: dict[str, list[Municipality]] = {}
    for m in municipalities():
        for key in {fold(m.name), fold(strip_suffix(m.name))}:
            by_key.setdefault(key, []).append(m)
    by_name = {m.name: m for m in municipalities()}
    for alias, target in al["municipality_aliases"].items():
        if target in by_name:
            by_key.setdefault(fold(alias), [])
            if by_name[target] not in by_key[fold(alias)]:
                by_key[fold(alias)].append(by_name[target])
    units = sorted({m.police_unit for m in municipalities() if m.police_unit})
    provinces = sorted({m.province for m in municipalities() if m.province})
    regions = sorted({m.safety_region for m in municipalities() if m.safety_region})

    def keyed(names, aliases):
        out = {fold(n): n for n in names}
        for alias, target in aliases.items():
            require(target in names, f"gazetteer_aliases.yaml: alias target {target!r} is not a known name")
            out[fold(alias)] = target
        return out

    informal = {}
    for name, row in al["informal_regions"].items():
        require(row["police_unit"] in units, f"informal_regions: unknown police unit {row['police_unit']!r}")
        for prov in str(row["province"]).split(";"):
            require(prov in provinces, f"informal_regions: unknown province {prov!r}")
        informal[fold(name)] = (name, row)
    return {
        "by_code": by_code,
        "by_key": by_key,
        "informal": informal,
        "units": keyed(units, al["police_unit_aliases"]),
        "provinces": keyed(provinces, al["province_aliases"]),
        "regions": keyed(regions, al["safety_region_aliases"]),
        "ambiguous": {fold(n) for n in al["ambiguous_names"]},
        "keys": sorted(by_key),
    }


def _min_ratio(length: int) -> float:
    best = 101.0
    for row in sorted(_aliases()["fuzzy_min_ratio"], key=lambda r: r["min_len"]):
        if length >= row["min_len"]:
            best = float(row["ratio"])
    return best


def resolve_municipality(name: str, province: Optional[str] = None, fuzzy: bool = True) -> Optional[Municipality]:
    """The municipality a name denotes (current or former), or None. `province` breaks ties."""
    candidates = municipality_candidates(name, fuzzy=fuzzy)
    if not candidates:
        return None
    if province:
        prov = resolve_province(province) or province
        narrowed = [m for m in candidates if m.province == prov]
        if narrowed:
            candidates = narrowed
    # "Bergen" without a hint: ambiguous; prefer a current municipality only when it is the only one
    current = [m for m in candidates if m.current]
    if len(candidates) == 1:
        return candidates[0]
    if len(current) == 1:
        return current[0]
    return None


def municipality_candidates(name: str, fuzzy: bool = True) -> list[Municipality]:
    idx = _index()
    cleaned = re.sub(r"^(?:de\s+)?gemeente\s+", "", name.strip(), flags=re.IGNORECASE)
    cleaned = re.sub(r"^\d{1,3}[.)]\s*", "", cleaned)
    full = fold(cleaned).strip(" ,;:")
    if full in idx["by_key"]:
        return list(idx["by_key"][full])
    key = fold(strip_suffix(cleaned)).strip(" .,;:")
    if not key:
        return []
    if key in idx["by_key"]:
        return list(idx["by_key"][key])
    if not fuzzy:
        return []
    threshold = _min_ratio(len(key))
    if threshold > 100:
        return []
    hits = process.extract(key, idx["keys"], scorer=fuzz.ratio, limit=3, score_cutoff=threshold)
    if not hits:
        return []
    best = hits[0]
    # two different names equally close: refuse rather than guess
    if len(hits) > 1 and hits[1][1] == best[1] and hits[1][0] != best[0]:
        return []
    # length-aware: a match must not differ much in length (noise, not another name)
    if abs(len(best[0]) - len(key)) > max(2, len(key) // 6):
        return []
    return list(idx["by_key"][best[0]])


def current_successors(m: Municipality) -> list[Municipality]:
    """Follow merged_into to the current municipality (or several after a split)."""
    return successors_on(m, None)


def successors_on(m: Municipality, day: Optional[dt.date]) -> list[Municipality]:
    """Follow merged_into to the municipalities that existed on `day` (None: the current ones).

    `m` itself when it existed then; [] when the day lies before it did.
    """
    idx = _index()
    out, todo, seen = [], [m], set()
    while todo:
        x = todo.pop(0)
        if x.cbs_code in seen:
            continue
        seen.add(x.cbs_code)
        if x.active_on(day):
            out.append(x)
            continue
        if day is not None and x.active_from and day.isoformat() < x.active_from:
            continue  # it did not exist yet, nor did anything it merged into
        for code in filter(None, x.merged_into.split(";")):
            if code in idx["by_code"]:
                todo.append(idx["by_code"][code])
    return out


def resolve_police_unit(name: str) -> Optional[str]:
    key = fold(re.sub(r"^(?:politie\s*)?(?:eenheid|regionale eenheid)\s+", "", name.strip(), flags=re.IGNORECASE))
    return _index()["units"].get(key)


def resolve_province(name: str) -> Optional[str]:
    key = fold(re.sub(r"^provincie\s+", "", name.strip(), flags=re.IGNORECASE))
    return _index()["provinces"].get(key)


def resolve_safety_region(name: str) -> Optional[str]:
    key = fold(re.sub(r"^veiligheidsregio\s+", "", name.strip(), flags=re.IGNORECASE))
    return _index()["regions"].get(key)


def resolve_informal_region(name: str) -> Optional[dict]:
    """police_unit and province of a region such as 'Achterhoek' or 'West-Brabant', or None."""
    hit = _index()["informal"].get(fold(name.strip()))
    if not hit:
        return None
    return {"police_unit": hit[1]["police_unit"], "province": hit[1]["province"], "municipalities": None}


def municipalities_of(kind: str, name: str, current_only: bool = True) -> list[Municipality]:
    field = {"police_unit": "police_unit", "province": "province", "safety_region": "safety_region"}[kind]
    return [m for m in municipalities() if getattr(m, field) == name and (m.current or not current_only)]


# ---------------------------------------------------------------- areas on a date

def _name_key(text: str) -> str:
    """A name's words, folded, without a CBS province suffix: "Bergen (NH.)" and "bergen" are one key."""
    return " ".join(re.findall(r"\w+", fold(strip_suffix(text))))


def resolve_area(text: Optional[str], day: Optional[dt.date] = None) -> list[str]:
    """CBS codes of the municipalities an area covers on `day` (None: today).

    The area is a municipality, police unit, safety region or province, or a list of them
    ("Dronten, Urk en Lelystad"). A municipality's own name wins over a police unit, safety
    region or province of that name; spellings only the aliases know come last. A municipality
    that no longer existed on `day` stands for its successors.
    """
    if not text or not text.strip():
        return []
    live = [m for m in municipalities() if m.active_on(day)] or list(municipalities())
    # whole first: "Kollumerland en Nieuwkruisland" is one municipality, "Dronten, Urk en Lelystad" three
    codes = _area_codes(text, day, live)
    if codes:
        return codes
    # "Almelo – Tubbergen – Twenterand": a dash between spaces separates names, one inside a name does not
    for part in re.split(r"\s*[,;/&+]\s*|\s+[–—-]\s+|\s+(?:en|and)\s+", text):
        codes += [c for c in _area_codes(part, day, live) if c not in codes]
    return codes


def _area_codes(name: str, day: Optional[dt.date], live: list[Municipality]) -> list[str]:
    key = _name_key(name)
    if not key:
        return []
    named = [m.cbs_code for m in live if _name_key(m.name) == key]
    if named:
        return named
    for attr, resolve in (("police_unit", resolve_police_unit), ("safety_region", resolve_safety_region),
                          ("province", resolve_province)):
        area = resolve(name)
        if area:
            return [m.cbs_code for m in live if getattr(m, attr) == area]
    # aliases and "gemeente X"; a former municipality counts for its successors of that day
    m = resolve_municipality(name, fuzzy=False)
    if m is None:
        return []
    live_codes = {x.cbs_code for x in live}
    return [x.cbs_code for x in successors_on(m, day) if x.cbs_code in live_codes]


def _single(values: Iterable[str]) -> Optional[str]:
    vals = sorted({v for v in values if v})
    return ";".join(vals) if vals else None


def describe(municipality_list: list[Municipality]) -> dict:
    """police_unit, province (';'-joined when several) and CBS codes of a set of municipalities."""
    return {
        "police_unit": _single(m.police_unit for m in municipality_list),
        "province": _single(m.province for m in municipality_list),
        "municipalities": ";".join(sorted({m.cbs_code for m in municipality_list})) or None,
    }


# ---------------------------------------------------------------- scanning running text

_TOKEN = re.compile(r"'s|[^\W\d_][\w']*")


@functools.cache
def _scan_index() -> dict[str, list[tuple[str, ...]]]:
    """First word -> the word sequences of every name that starts with it (folded)."""
    idx = _index()
    names = set()
    for m in municipalities():
        names.add(strip_suffix(m.name))
    names |= set(_aliases()["municipality_aliases"])
    names |= set(idx["units"].values()) | set(_aliases()["police_unit_aliases"])
    names |= set(idx["provinces"].values()) | set(_aliases()["province_aliases"])
    names |= set(idx["regions"].values()) | set(_aliases()["safety_region_aliases"])
    names |= set(_aliases()["informal_regions"])
    out: dict[str, list[tuple[str, ...]]] = {}
    for n in names:
        words = tuple(w.lower() for w in _TOKEN.findall(_fold_same_length(n)))
        if words:
            out.setdefault(words[0], []).append(words)
    for seqs in out.values():
        seqs.sort(key=len, reverse=True)  # longest name first
    return out


def find_places(text: str) -> list[Place]:
    """Every place name in `text` with its kinds; a name may be several (Groningen)."""
    folded = _fold_same_length(text)
    idx = _index()
    scan = _scan_index()
    tokens = [(m.start(), m.end(), m.group().lower()) for m in _TOKEN.finditer(folded)]
    out = []
    k = 0
    while k < len(tokens):
        start, end, word = tokens[k]
        match_len = 0
        for seq in scan.get(word, ()):
            n = len(seq)
            if k + n > len(tokens):
                continue
            ok = all(tokens[k + x][2] == seq[x] for x in range(n))
            # the words of a name are separated by spaces or hyphens only
            ok = ok and all(re.fullmatch(r"[\s\-]+", folded[tokens[k + x][1]:tokens[k + x + 1][0]])
                            for x in range(n - 1))
            if ok:
                match_len = n
                break
        if not match_len:
            k += 1
            continue
        s_, e_ = start, tokens[k + match_len - 1][1]
        if (s_ > 0 and folded[s_ - 1] in "-") or (e_ < len(folded) and folded[e_] == "-" and
                                                  e_ + 1 < len(folded) and folded[e_ + 1].isalpha()):
            k += 1
            continue  # part of a longer hyphenated word ("Noord-Hollands", "Groningen-Zuid")
        surface = text[s_:e_]
        k += match_len
        if not any(c.isupper() for c in surface):
            continue  # "haren", "leek": words, not places
        key = fold(surface)
        if key in idx["units"]:
            out.append(Place("police_unit", idx["units"][key], surface, s_, e_))
        if key in idx["regions"]:
            out.append(Place("safety_region", idx["regions"][key], surface, s_, e_))
        if key in idx["provinces"]:
            out.append(Place("province", idx["provinces"][key], surface, s_, e_))
        if key in idx["informal"]:
            out.append(Place("region", idx["informal"][key][0], surface, s_, e_))
        if key in idx["by_key"]:
            before = folded[max(0, s_ - 12):s_].lower()
            if key in idx["ambiguous"] and "gemeente" not in before:
                continue
            for mun in idx["by_key"][key]:
                out.append(Place("municipality", mun.name, surface, s_, e_))
    return out
