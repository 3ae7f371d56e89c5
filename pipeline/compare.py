"""`ivp compare --out DIR`: which regions prioritize which themes, per plan period, and what is due when.

Reads the contract tables that `ivp run` wrote to DIR (DuckDB first, Parquet
otherwise) and writes, next to them:

- `compare_<by>_theme.{csv,parquet}`: one row per (group, theme): prioritized /
  mentioned / absent, with document and mention counts (long form, for tools);
- `compare_<by>_theme_matrix.{csv,parquet}`: the same as a matrix (one row per group);
- `compare_theme_period.{csv,parquet}`: one row per (plan period, theme);
- `compare_deadlines.{csv,parquet}`: the deadlines timeline, upcoming and overdue;
- `report.html` (self-contained) and `ivp.xlsx` (one sheet per table).

A document counts for every group it covers: a regional plan for the 62
municipalities of a police unit counts for each of them with `--by municipality`,
and for the three provinces it spans with `--by province`. Coverage comes from
the document's own columns, else from the municipalities it resolves to
(`documents.municipalities`, else its region name looked up in vocab/gemeenten.csv).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

import pandas as pd

GROUPINGS = ("region", "municipality", "police_unit", "province")
CONTRACT_TABLES = ("documents", "themes", "theme_mentions", "priorities", "deadlines",
                   "municipality_priorities", "runs")
STATUSES = ("prioritized", "mentioned", "absent")
#: municipality × priority table cells that say "not a priority"
_NEGATIVE_CELL = {"", "0", "-", "nee", "no", "n", "false", "geen", "nvt", "n.v.t."}
UNKNOWN = "(unknown)"


# ---------------------------------------------------------------- reading the tables

def load_tables(out_dir: Path) -> dict[str, pd.DataFrame]:
    """The contract tables of an output folder: from ivp.duckdb, else from the Parquet (or CSV) exports."""
    out_dir = Path(out_dir)
    tables: dict[str, pd.DataFrame] = {}
    db = out_dir / "ivp.duckdb"
    if db.exists():
        try:
            import duckdb

            con = duckdb.connect(str(db), read_only=True)
            try:
                have = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
                for name in CONTRACT_TABLES:
                    if name in have:
                        tables[name] = con.execute(f'SELECT * FROM "{name}"').df()
            finally:
                con.close()
        except Exception as exc:  # locked by a running `ivp run`, or an older DuckDB: the exports will do
            print(f"ivp compare: reading {db} failed ({exc}); using the Parquet/CSV files", file=sys.stderr)
            tables = {}
    for name in CONTRACT_TABLES:
        if name in tables:
            continue
        for suffix, reader in ((".parquet", pd.read_parquet), (".csv", _read_csv)):
            path = out_dir / f"{name}{suffix}"
            if path.exists():
                tables[name] = reader(path)
                break
    return {name: _typed(name, frame) for name, frame in tables.items()}


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"doc_id": str, "cbs_code": str, "municipalities": str})


def _typed(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in ("doc_date", "date"):
        if column in frame.columns:
            # NaT is a datetime instance: make missing dates None so `isinstance(d, date)` means "has a date"
            frame[column] = pd.Series([None if pd.isna(d) else d for d in
                                       pd.to_datetime(frame[column], errors="coerce").dt.date],
                                      index=frame.index, dtype=object)
    for column in ("prioritized", "ranked", "year_inferred"):
        if column in frame.columns:
            frame[column] = frame[column].map(_truthy)
    return frame


def _truthy(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "ja", "t"}
    try:
        return bool(value) and value == value
    except (TypeError, ValueError):
        return False


def _str(value) -> Optional[str]:
    if value is None:
        return None
    try:
        if value != value:  # NaN / NA
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or None


# ---------------------------------------------------------------- municipalities

@dataclass(frozen=True)
class Municipality:
    cbs_code: str
    name: str
    province: Optional[str]
    police_unit: Optional[str]
    safety_region: Optional[str]
    active_from: Optional[dt.date]
    active_until: Optional[dt.date]

    def active_on(self, day: Optional[dt.date]) -> bool:
        if day is None:
            return self.active_until is None
        return (self.active_from is None or self.active_from <= day) and (
            self.active_until is None or day < self.active_until)


def _date(value) -> Optional[dt.date]:
    text = _str(value)
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def municipalities() -> dict[str, Municipality]:
    """CBS code -> municipality, from vocab/gemeenten.csv."""
    from extractors.vocab import load_csv

    out = {}
    for row in load_csv("gemeenten.csv"):
        out[row["cbs_code"]] = Municipality(
            cbs_code=row["cbs_code"], name=row["name"], province=_str(row.get("province")),
            police_unit=_str(row.get("police_unit")), safety_region=_str(row.get("safety_region")),
            active_from=_date(row.get("active_from")), active_until=_date(row.get("active_until")))
    return out


def _key(text: Optional[str]) -> str:
    """Names compare without case, punctuation or CBS's province suffix ("Bergen (NH.)")."""
    text = re.sub(r"\s*\([A-Z]{1,2}\.\)\s*$", "", text or "")
    return " ".join(re.findall(r"\w+", text.casefold()))


def resolve_area(text: Optional[str], day: Optional[dt.date], gm: dict[str, Municipality]) -> list[str]:
    """CBS codes an area name covers: a municipality, police unit, safety region or province, or a list of them."""
    if not _str(text):
        return []
    live = [m for m in gm.values() if m.active_on(day)] or list(gm.values())

    def match(part: str) -> list[str]:
        k = _key(part)
        if not k:
            return []
        hit = [m.cbs_code for m in live if _key(m.name) == k]
        for attr in ("police_unit", "safety_region", "province"):
            if hit:
                break
            hit = [m.cbs_code for m in live if _key(getattr(m, attr)) == k]
        return hit or _gazetteer_codes(part, live)

    # whole first: "Kollumerland en Nieuwkruisland" is one municipality, "Dronten, Urk en Lelystad" three
    codes = match(text)
    if codes:
        return codes
    for part in re.split(r"\s*[,;/&+]\s*|\s+(?:en|and)\s+", text):
        codes += [c for c in match(part) if c not in codes]
    return codes


def _gazetteer_codes(part: str, live: list[Municipality]) -> list[str]:
    """Spellings the CSV names don't have: aliases, "gemeente X", "Eenheid X", "Friesland"."""
    try:
        from extractors import gazetteer as gz
    except ImportError:
        return []
    m = gz.resolve_municipality(part, fuzzy=False)
    if m is not None:
        live_codes = {x.cbs_code for x in live}
        if m.cbs_code in live_codes:
            return [m.cbs_code]
        return [x.cbs_code for x in gz.current_successors(m) if x.cbs_code in live_codes]
    for attr, resolve in (("police_unit", gz.resolve_police_unit), ("safety_region", gz.resolve_safety_region),
                          ("province", gz.resolve_province)):
        name = resolve(part)
        if name:
            return [x.cbs_code for x in live if getattr(x, attr) == name]
    return []


def document_coverage(documents: pd.DataFrame, by: str,
                      gm: Optional[dict[str, Municipality]] = None) -> pd.DataFrame:
    """(doc_id, group) pairs: the groups each document speaks for."""
    gm = gm if gm is not None else municipalities()
    rows = []
    for doc in documents.to_dict("records"):
        day = doc.get("doc_date") if isinstance(doc.get("doc_date"), dt.date) else None
        codes = [c for c in re.split(r"[;,\s]+", _str(doc.get("municipalities")) or "") if c]
        if not codes:
            for column in ("region", "police_unit", "province"):
                codes = resolve_area(doc.get(column), day, gm)
                if codes:
                    break
        if by == "municipality":
            groups = [gm[c].name if c in gm else c for c in codes]
        else:
            own = _str(doc.get(by))
            if own:
                groups = [g.strip() for g in own.split(";") if g.strip()]
            else:
                # a document without a region of its own speaks for the police unit(s) of its municipalities
                attr = "police_unit" if by == "region" else by
                groups = sorted({getattr(gm[c], attr) for c in codes if c in gm and getattr(gm[c], attr)})
        for group in groups or [UNKNOWN]:
            rows.append({"doc_id": doc["doc_id"], "group": group})
    return pd.DataFrame(rows, columns=["doc_id", "group"]).drop_duplicates()


# ---------------------------------------------------------------- periods

def period_label(doc: dict) -> str:
    """'2019-2022' for a plan period; the document's year when it states none."""
    start, end = doc.get("period_start"), doc.get("period_end")
    if _str(start) and _str(end):
        return f"{int(start)}-{int(end)}" if int(start) != int(end) else f"{int(start)}"
    if _str(start):
        return f"{int(start)}"
    day = doc.get("doc_date")
    if isinstance(day, dt.date):
        return f"({day.year})"
    return UNKNOWN


def filter_period(documents: pd.DataFrame, spec: Optional[str], coverage: pd.DataFrame) -> pd.DataFrame:
    """Documents of the requested period: 'YYYY-YYYY' (that plan period), 'YYYY' (periods covering
    that year), 'latest' (per group, the most recent period), or None/'all'."""
    if not spec or spec == "all":
        return documents
    if spec == "latest":
        docs = documents.assign(_start=documents.apply(_period_sort_key, axis=1))
        merged = coverage.merge(docs[["doc_id", "_start"]], on="doc_id")
        newest = merged.groupby("group")["_start"].transform("max")
        keep = set(merged.loc[merged["_start"] == newest, "doc_id"])
        return documents[documents["doc_id"].isin(keep)]
    m = re.fullmatch(r"\s*(\d{4})\s*(?:[-/]\s*(\d{4}))?\s*", spec)
    if not m:
        raise ValueError(f"--period {spec!r}: use YYYY-YYYY, YYYY, latest or all")
    lo, hi = int(m.group(1)), int(m.group(2) or m.group(1))

    def keep(doc) -> bool:
        start, end = doc.get("period_start"), doc.get("period_end")
        if not _str(start):
            day = doc.get("doc_date")
            return isinstance(day, dt.date) and lo <= day.year <= hi
        start, end = int(start), int(end) if _str(end) else int(start)
        if m.group(2):
            return (start, end) == (lo, hi)
        return start <= lo <= end

    return documents[documents.apply(lambda r: keep(r.to_dict()), axis=1)]


def _period_sort_key(row) -> int:
    if _str(row.get("period_start")):
        return int(row["period_start"])
    day = row.get("doc_date")
    return day.year if isinstance(day, dt.date) else 0


# ---------------------------------------------------------------- the comparison

@dataclass
class Comparison:
    by: str
    period: Optional[str]
    today: dt.date
    documents: pd.DataFrame          # the documents compared (status ok, in the period)
    coverage: pd.DataFrame           # doc_id, group
    themes: pd.DataFrame             # theme_id, theme_label, parent_theme_id, vng_field (display order)
    doc_themes: pd.DataFrame         # doc_id, theme_id, status, mentions, source
    group_theme: pd.DataFrame        # long form
    matrix: pd.DataFrame             # wide form
    theme_period: pd.DataFrame
    deadlines: pd.DataFrame
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # as compared (rolled up with top_level)
    top_level: bool = False
    raw_tables: dict[str, pd.DataFrame] = field(default_factory=dict)  # as read: the workbook shows these

    def outputs(self) -> dict[str, pd.DataFrame]:
        return {f"compare_{self.by}_theme": self.group_theme,
                f"compare_{self.by}_theme_matrix": self.matrix,
                "compare_theme_period": self.theme_period,
                "compare_deadlines": self.deadlines}


def _frame(tables: dict[str, pd.DataFrame], name: str, columns: Iterable[str]) -> pd.DataFrame:
    frame = tables.get(name)
    columns = list(columns)
    if frame is None:
        return pd.DataFrame(columns=columns)
    for column in columns:
        if column not in frame.columns:
            frame = frame.assign(**{column: None})
    return frame


def theme_catalogue(themes: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """One row per theme id, with its most used label, in VNG field then label order."""
    rows = {}
    for t in themes.to_dict("records"):
        tid = _str(t.get("theme_id"))
        if not tid:
            continue
        entry = rows.setdefault(tid, {"theme_id": tid, "labels": {}, "parent_theme_id": None, "vng_field": None})
        label = _str(t.get("theme_label")) or tid
        entry["labels"][label] = entry["labels"].get(label, 0) + 1
        entry["parent_theme_id"] = entry["parent_theme_id"] or _str(t.get("parent_theme_id"))
        entry["vng_field"] = entry["vng_field"] or _str(t.get("vng_field"))
    for tid in mentions.get("theme_id", pd.Series(dtype=str)).dropna().unique():
        rows.setdefault(tid, {"theme_id": tid, "labels": {tid: 1}, "parent_theme_id": None, "vng_field": None})
    out = []
    for entry in rows.values():
        label = max(entry["labels"].items(), key=lambda kv: (kv[1], -len(kv[0])))[0]
        out.append({"theme_id": entry["theme_id"], "theme_label": label,
                    "parent_theme_id": entry["parent_theme_id"], "vng_field": entry["vng_field"]})
    frame = pd.DataFrame(out, columns=["theme_id", "theme_label", "parent_theme_id", "vng_field"])
    if frame.empty:
        return frame.assign(depth=pd.Series(dtype=int))
    # a tree: top-level themes by VNG field and label, each followed by its sub-themes
    entries = frame.to_dict("records")
    present = {e["theme_id"] for e in entries}
    children: dict[Optional[str], list[dict]] = {}
    for e in entries:
        parent = e["parent_theme_id"] if e["parent_theme_id"] in present and e["parent_theme_id"] != e["theme_id"] else None
        children.setdefault(parent, []).append(e)
    ordered: list[dict] = []

    def walk(parent: Optional[str], depth: int) -> None:
        kids = sorted(children.get(parent, []), key=lambda e: ((e["vng_field"] or "~") if depth == 0 else "",
                                                               e["theme_label"].casefold()))
        for e in kids:
            if any(o["theme_id"] == e["theme_id"] for o in ordered):
                continue  # a cycle in the parents: show the theme once
            ordered.append({**e, "depth": depth})
            walk(e["theme_id"], depth + 1)

    walk(None, 0)
    placed = {e["theme_id"] for e in ordered}
    ordered += [{**e, "depth": 0} for e in entries if e["theme_id"] not in placed]
    return pd.DataFrame(ordered, columns=["theme_id", "theme_label", "parent_theme_id", "vng_field", "depth"])


def _parent_of(themes: pd.DataFrame) -> dict[str, Optional[str]]:
    """theme -> parent, from the tables, completed from the theme vocabulary for parents no document names."""
    parent = {}
    for t in themes.to_dict("records"):
        tid = _str(t.get("theme_id"))
        if tid and (tid not in parent or parent[tid] is None):
            parent[tid] = _str(t.get("parent_theme_id"))
    try:
        from extractors.theme_vocab import theme_info
    except ImportError:  # an older extractors package: the tables alone
        theme_info = None
    todo = [p for p in parent.values() if p and p not in parent]
    while todo and theme_info is not None:
        tid = todo.pop()
        if tid in parent:
            continue
        info = theme_info(tid) or {}
        parent[tid] = info.get("parent")
        if parent[tid] and parent[tid] not in parent:
            todo.append(parent[tid])
    return parent


def _theme_label(tid: str, themes: pd.DataFrame) -> tuple[str, Optional[str]]:
    rows = themes[themes["theme_id"] == tid]
    if len(rows):
        return str(rows["theme_label"].mode().iloc[0]), _str(rows["vng_field"].dropna().iloc[0]) if rows["vng_field"].notna().any() else None
    try:
        from extractors.theme_vocab import theme_info

        info = theme_info(tid) or {}
    except ImportError:
        info = {}
    return info.get("label") or tid, info.get("vng_field")


def roll_up(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with every sub-theme replaced by its top-level theme (prioritized if any part is)."""
    themes = _frame(tables, "themes", ["doc_id", "theme_id", "theme_label", "parent_theme_id", "vng_field",
                                       "prioritized", "rank", "mentions", "first_page", "evidence"])
    parent = _parent_of(themes)

    def root(tid):
        seen = set()
        while _str(tid) and parent.get(tid) and tid not in seen:
            seen.add(tid)
            tid = parent[tid]
        return tid

    out = dict(tables)
    if not themes.empty:
        t = themes.copy()
        t["theme_id"] = t["theme_id"].map(root)
        t["prioritized"] = t["prioritized"].map(_truthy)
        t["mentions"] = pd.to_numeric(t["mentions"], errors="coerce").fillna(0)
        rows = []
        for (doc_id, tid), part in t.groupby(["doc_id", "theme_id"], sort=False):
            label, field = _theme_label(tid, themes)
            first = part.sort_values("prioritized", ascending=False).iloc[0].to_dict()
            rows.append({**first, "theme_id": tid, "theme_label": label, "vng_field": field, "parent_theme_id": None,
                         "prioritized": bool(part["prioritized"].any()), "mentions": int(part["mentions"].sum()),
                         "first_page": part["first_page"].min()})
        out["themes"] = pd.DataFrame(rows, columns=t.columns)
    for name in ("theme_mentions", "municipality_priorities", "deadlines", "priorities"):
        frame = tables.get(name)
        if frame is not None and "theme_id" in frame.columns:
            out[name] = frame.assign(theme_id=frame["theme_id"].map(lambda x: root(x) if _str(x) else x))
    return out


def document_themes(documents: pd.DataFrame, themes: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """(doc, theme): prioritized or mentioned, with the number of mentions."""
    ids = set(documents["doc_id"])
    counts = (mentions[mentions["doc_id"].isin(ids)].groupby(["doc_id", "theme_id"]).size()
              .rename("n_mentions").reset_index())
    rows = themes[themes["doc_id"].isin(ids)][["doc_id", "theme_id", "prioritized", "mentions"]]
    merged = rows.merge(counts, on=["doc_id", "theme_id"], how="outer")
    merged["prioritized"] = merged["prioritized"].map(_truthy)
    merged["mentions"] = pd.to_numeric(merged["mentions"], errors="coerce")
    merged["mentions"] = merged[["mentions", "n_mentions"]].max(axis=1).fillna(0).astype(int)
    merged["status"] = merged["prioritized"].map(lambda p: "prioritized" if p else "mentioned")
    merged["source"] = "document"
    return merged[["doc_id", "theme_id", "status", "mentions", "source"]].drop_duplicates(["doc_id", "theme_id"])


def municipality_table_themes(documents: pd.DataFrame, cells: pd.DataFrame,
                              gm: dict[str, Municipality]) -> pd.DataFrame:
    """(doc, municipality, theme) that a municipality × priority table marks as chosen."""
    ids = set(documents["doc_id"])
    rows = []
    for cell in cells[cells["doc_id"].isin(ids)].to_dict("records"):
        tid, value = _str(cell.get("theme_id")), _str(cell.get("value"))
        if not tid or (value or "").casefold() in _NEGATIVE_CELL:
            continue
        code = _str(cell.get("cbs_code"))
        name = gm[code].name if code in gm else (_str(cell.get("municipality")) or UNKNOWN)
        rows.append({"doc_id": cell["doc_id"], "group": name, "theme_id": tid})
    return pd.DataFrame(rows, columns=["doc_id", "group", "theme_id"]).drop_duplicates()


def compare(tables: dict[str, pd.DataFrame], by: str = "region", period: Optional[str] = None,
            today: Optional[dt.date] = None, gm: Optional[dict[str, Municipality]] = None,
            top_level: bool = False) -> Comparison:
    """`top_level`: sub-themes count for their top-level theme (fewer, broader rows)."""
    if by not in GROUPINGS:
        raise ValueError(f"--by {by!r}: choose one of {', '.join(GROUPINGS)}")
    original = tables
    if top_level:
        tables = roll_up(tables)
    today = today or dt.date.today()
    gm = gm if gm is not None else municipalities()
    documents = _frame(tables, "documents", ["doc_id", "status", "title", "source_path", "region", "police_unit",
                                             "province", "municipalities", "doc_date", "period_start",
                                             "period_end", "doc_type", "issuer"])
    documents = documents[documents["status"].fillna("ok") == "ok"].copy()
    documents["period"] = [period_label(d) for d in documents.to_dict("records")]
    coverage = document_coverage(documents, by, gm)
    documents = filter_period(documents, period, coverage)
    coverage = coverage[coverage["doc_id"].isin(set(documents["doc_id"]))]

    themes = _frame(tables, "themes", ["doc_id", "theme_id", "theme_label", "parent_theme_id", "vng_field",
                                       "prioritized", "rank", "mentions", "first_page", "evidence"])
    mentions = _frame(tables, "theme_mentions", ["doc_id", "theme_id", "surface", "match_kind", "page",
                                                 "char_start", "char_end", "sentence"])
    cells = _frame(tables, "municipality_priorities", ["doc_id", "municipality", "cbs_code", "column_label",
                                                       "theme_id", "value", "page"])
    ids = set(documents["doc_id"])
    catalogue = theme_catalogue(themes[themes["doc_id"].isin(ids)], mentions[mentions["doc_id"].isin(ids)])
    doc_themes = document_themes(documents, themes, mentions)

    # per (group, theme): what the documents covering the group say
    per = coverage.merge(doc_themes, on="doc_id")
    if by == "municipality":
        table_rows = municipality_table_themes(documents, cells, gm)
        if not table_rows.empty:
            table_rows = table_rows.assign(status="prioritized", mentions=0, source="municipality table")
            per = pd.concat([per, table_rows[per.columns]], ignore_index=True)
    period_of = dict(zip(documents["doc_id"], documents["period"]))
    groups = sorted(coverage["group"].unique(), key=lambda g: (g == UNKNOWN, g.casefold()))
    docs_of = coverage.groupby("group")["doc_id"].apply(lambda d: sorted(set(d))).to_dict()
    hits_of: dict[tuple[str, str], list[dict]] = {}
    for hit in per.to_dict("records"):
        hits_of.setdefault((hit["group"], hit["theme_id"]), []).append(hit)
    rows = []
    for group in groups:
        group_docs = docs_of.get(group, [])
        periods = ";".join(sorted({period_of[d] for d in group_docs}))
        for theme in catalogue.to_dict("records"):
            hits = hits_of.get((group, theme["theme_id"]), [])
            prio = sorted({h["doc_id"] for h in hits if h["status"] == "prioritized"})
            ment = sorted({h["doc_id"] for h in hits} - set(prio))
            status = "prioritized" if prio else "mentioned" if ment else "absent"
            per_doc = {}
            for h in hits:  # a document's mentions count once, whichever way it reached the group
                per_doc[h["doc_id"]] = max(per_doc.get(h["doc_id"], 0), int(h["mentions"] or 0))
            rows.append({
                "by": by, "group": group, **theme, "status": status,
                "n_docs": len(group_docs), "n_docs_prioritized": len(prio), "n_docs_mentioned": len(ment),
                "mentions": sum(per_doc.values()), "periods": periods,
                "doc_ids": ";".join(sorted(per_doc)),
                "from_table": any(h["source"] == "municipality table" for h in hits),
            })
    columns = ["by", "group", "theme_id", "theme_label", "parent_theme_id", "vng_field", "depth", "status", "n_docs",
               "n_docs_prioritized", "n_docs_mentioned", "mentions", "periods", "doc_ids", "from_table"]
    group_theme = pd.DataFrame(rows, columns=columns)
    return Comparison(by=by, period=period, today=today, documents=documents.reset_index(drop=True),
                      coverage=coverage.reset_index(drop=True), themes=catalogue, doc_themes=doc_themes,
                      group_theme=group_theme, matrix=wide_matrix(group_theme, catalogue),
                      theme_period=theme_period_matrix(documents, coverage, doc_themes, catalogue),
                      deadlines=deadlines_timeline(tables, documents, coverage, catalogue, today),
                      tables=tables, top_level=top_level, raw_tables=original)


def cell_text(status: str, mentions: int) -> str:
    if status == "absent":
        return ""
    return f"{status} ({mentions})"


def wide_matrix(group_theme: pd.DataFrame, catalogue: pd.DataFrame) -> pd.DataFrame:
    """One row per group, one column per theme label: 'prioritized (12)', 'mentioned (3)' or ''."""
    if group_theme.empty:
        return pd.DataFrame(columns=["group", "periods", "n_docs"])
    frame = group_theme.assign(cell=[cell_text(s, m) for s, m in zip(group_theme["status"], group_theme["mentions"])])
    wide = frame.pivot(index="group", columns="theme_id", values="cell")
    order = [t for t in catalogue["theme_id"] if t in wide.columns]
    label = _unique_labels(catalogue)
    wide = wide[order].rename(columns=label)
    info = frame.drop_duplicates("group").set_index("group")[["periods", "n_docs"]]
    wide = info.join(wide).reset_index()
    groups = list(dict.fromkeys(group_theme["group"]))
    return wide.set_index("group").loc[groups].reset_index()


def _unique_labels(catalogue: pd.DataFrame) -> dict[str, str]:
    """theme_id -> column name: the label, or 'label [id]' when two themes share a label."""
    counts = catalogue["theme_label"].value_counts()
    return {t: (l if counts[l] == 1 else f"{l} [{t}]") for t, l in zip(catalogue["theme_id"], catalogue["theme_label"])}


def theme_period_matrix(documents: pd.DataFrame, coverage: pd.DataFrame, doc_themes: pd.DataFrame,
                        catalogue: pd.DataFrame) -> pd.DataFrame:
    """One row per (plan period, theme): how many documents and groups prioritize or mention it."""
    period_of = dict(zip(documents["doc_id"], documents["period"]))
    periods = sorted(set(period_of.values()), key=lambda p: (p == UNKNOWN, p.strip("()")))
    groups_of = coverage.groupby("doc_id")["group"].apply(set).to_dict()
    hits_of: dict[tuple[str, str], list[dict]] = {}
    for hit in doc_themes.to_dict("records"):
        if hit["doc_id"] in period_of:
            hits_of.setdefault((period_of[hit["doc_id"]], hit["theme_id"]), []).append(hit)
    rows = []
    for period in periods:
        docs = {d for d, p in period_of.items() if p == period}
        all_groups = set().union(*[groups_of.get(d, set()) for d in docs]) if docs else set()
        for theme in catalogue.to_dict("records"):
            hits = hits_of.get((period, theme["theme_id"]), [])
            prio = {h["doc_id"] for h in hits if h["status"] == "prioritized"}
            ment = {h["doc_id"] for h in hits} - prio
            rows.append({
                "period": period, **theme,
                "status": "prioritized" if prio else "mentioned" if ment else "absent",
                "n_docs": len(docs), "n_docs_prioritized": len(prio), "n_docs_mentioned": len(ment),
                "n_groups": len(all_groups),
                "n_groups_prioritized": len(set().union(*[groups_of.get(d, set()) for d in prio])) if prio else 0,
                "mentions": int(sum(int(h["mentions"] or 0) for h in hits)),
                "doc_ids": ";".join(sorted({h["doc_id"] for h in hits})),
            })
    return pd.DataFrame(rows, columns=["period", "theme_id", "theme_label", "parent_theme_id", "vng_field", "depth",
                                       "status", "n_docs", "n_docs_prioritized", "n_docs_mentioned", "n_groups",
                                       "n_groups_prioritized", "mentions", "doc_ids"])


def deadlines_timeline(tables: dict[str, pd.DataFrame], documents: pd.DataFrame, coverage: pd.DataFrame,
                       catalogue: pd.DataFrame, today: dt.date) -> pd.DataFrame:
    """Every deadline of the compared documents, by date, marked upcoming or overdue relative to `today`."""
    deadlines = _frame(tables, "deadlines", ["doc_id", "date", "precision", "timex", "mod", "date_text", "cue",
                                             "what", "theme_id", "page", "char_start", "char_end", "sentence",
                                             "year_inferred"])
    columns = ["date", "status", "days_from_today", "precision", "timex", "mod", "date_text", "cue", "what",
               "theme_id", "theme_label", "groups", "doc_id", "title", "source_path", "period", "page",
               "char_start", "char_end", "sentence", "year_inferred"]
    frame = deadlines[deadlines["doc_id"].isin(set(documents["doc_id"]))].copy()
    frame = frame[frame["date"].map(lambda d: isinstance(d, dt.date))]
    if frame.empty:
        return pd.DataFrame(columns=columns)
    docs = documents.set_index("doc_id")
    groups = coverage.groupby("doc_id")["group"].apply(lambda g: ";".join(sorted(g))).to_dict()
    labels = dict(zip(catalogue["theme_id"], catalogue["theme_label"]))
    frame["days_from_today"] = frame["date"].map(lambda d: (d - today).days)
    frame["status"] = frame["days_from_today"].map(lambda n: "upcoming" if n >= 0 else "overdue")
    frame["theme_label"] = frame["theme_id"].map(lambda t: labels.get(t) if _str(t) else None)
    frame["groups"] = frame["doc_id"].map(groups)
    frame["title"] = frame["doc_id"].map(docs["title"])
    frame["source_path"] = frame["doc_id"].map(docs["source_path"])
    frame["period"] = frame["doc_id"].map(docs["period"])
    frame = frame.sort_values(["date", "doc_id", "page", "char_start"], na_position="last")
    return frame[columns].reset_index(drop=True)


# ---------------------------------------------------------------- terminal

SYMBOL = {"prioritized": "P", "mentioned": "m", "absent": "."}


def format_matrix(comparison: Comparison, width: Optional[int] = None, max_groups: int = 16) -> str:
    """Themes down, groups across (numbered, legend below), in as many column blocks as the terminal needs.

    More than `max_groups` groups (municipalities) would be pages of columns:
    then each theme gets a count of the groups that prioritize / mention it.
    """
    gt = comparison.group_theme
    if gt.empty:
        return "No themes in the compared documents."
    width = width or shutil.get_terminal_size((120, 40)).columns
    groups = list(dict.fromkeys(gt["group"]))
    if len(groups) > max_groups:
        return _format_counts(comparison, groups)
    labels: list[tuple[Optional[str], str]] = []  # (theme id, text); no id: a VNG field heading
    field_now = object()
    for theme in comparison.themes.to_dict("records"):
        depth = int(theme.get("depth") or 0)
        if depth == 0 and (theme.get("vng_field") or None) != field_now:
            field_now = theme.get("vng_field") or None
            labels.append((None, (field_now or "(no VNG field)").upper()))
        labels.append((theme["theme_id"], "  " * (depth + 1) + theme["theme_label"]))
    label_w = min(max(len(l) for _, l in labels), 46)
    cells = {(r["group"], r["theme_id"]): (f"{SYMBOL[r['status']]}{r['mentions']}" if r["status"] != "absent" else ".")
             for r in gt.to_dict("records")}
    col_w = max(5, max(len(c) for c in cells.values()) + 1)
    per_block = max(1, (width - label_w - 2) // (col_w + 1))
    lines = [f"{comparison.by} x theme  (P = prioritized, m = mentioned only, . = absent; number = mentions)"]
    for b in range(0, len(groups), per_block):
        block = groups[b:b + per_block]
        numbers = range(b + 1, b + 1 + len(block))
        lines.append("")
        lines.append(" " * label_w + "  " + " ".join(f"[{n}]".rjust(col_w) for n in numbers))
        for tid, label in labels:
            text = label if len(label) <= label_w else label[: label_w - 1] + "\u2026"
            if tid is None:
                lines.append(text)
                continue
            lines.append(text.ljust(label_w) + "  " + " ".join(cells.get((g, tid), ".").rjust(col_w) for g in block))
    lines.append("")
    info = gt.drop_duplicates("group").set_index("group")
    for n, group in enumerate(groups, start=1):
        n_docs = int(info.loc[group, "n_docs"])
        periods = info.loc[group, "periods"].replace(";", ", ")
        lines.append(f"[{n}] {group}  ({n_docs} document{'s' if n_docs != 1 else ''}; {periods})")
    return "\n".join(lines)


def _format_counts(comparison: Comparison, groups: list[str]) -> str:
    gt = comparison.group_theme
    counts = gt.groupby(["theme_id", "status"]).size().unstack(fill_value=0)
    by = comparison.by.replace("_", " ")
    lines = [f"{len(groups)} {by} groups: number of groups where each theme is prioritized / mentioned only "
             f"(full matrix: compare_{comparison.by}_theme_matrix.csv, report.html)", ""]
    rows = []
    field_now = object()
    for theme in comparison.themes.to_dict("records"):
        depth = int(theme.get("depth") or 0)
        if depth == 0 and (theme.get("vng_field") or None) != field_now:
            field_now = theme.get("vng_field") or None
            rows.append((None, (field_now or "(no VNG field)").upper(), 0, 0))
        c = counts.loc[theme["theme_id"]] if theme["theme_id"] in counts.index else {}
        rows.append((theme["theme_id"], "  " * (depth + 1) + theme["theme_label"],
                     int(c.get("prioritized", 0)), int(c.get("mentioned", 0))))
    label_w = min(max(len(r[1]) for r in rows), 46)
    lines.append(" " * label_w + "  " + "prioritized".rjust(12) + "mentioned".rjust(11))
    for tid, text, prio, ment in rows:
        text = text if len(text) <= label_w else text[: label_w - 1] + "\u2026"
        lines.append(text if tid is None else text.ljust(label_w) + "  " + str(prio).rjust(12) + str(ment).rjust(11))
    return "\n".join(lines)


# ---------------------------------------------------------------- writing

def publish(tmp: str, target: Path) -> None:
    """Move a finished temporary file into place, readable like any file the user creates (mkstemp makes 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(tmp, 0o666 & ~mask)
    os.replace(tmp, target)


def write_frame(frame: pd.DataFrame, out_dir: Path, name: str) -> list[Path]:
    """CSV and Parquet, each through a temporary file and os.replace (never a half-written file)."""
    written = []
    for suffix in (".csv", ".parquet"):
        target = out_dir / f"{name}{suffix}"
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=suffix, dir=out_dir)
        os.close(fd)
        try:
            if suffix == ".csv":
                frame.to_csv(tmp, index=False, encoding="utf-8")
            else:
                _parquet_safe(frame).to_parquet(tmp, index=False)
            publish(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
        written.append(target)
    return written


def _parquet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Object columns mixing types (None + str + date) trip pyarrow; keep dates, stringify the rest."""
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            values = frame[column].dropna()
            if len(values) and all(isinstance(v, dt.date) for v in values):
                continue
            if len(values) and not all(isinstance(v, str) for v in values):
                frame[column] = frame[column].map(lambda v: None if v is None or v != v else str(v))
    return frame


def write_outputs(comparison: Comparison, out_dir: Path, report: bool = True, excel: bool = True,
                  errors: Optional[list[str]] = None) -> list[Path]:
    """The comparison tables, report.html and ivp.xlsx. A failing report or workbook does not cost
    the others: its error goes to `errors` (raised when no list is given)."""
    out_dir = Path(out_dir)
    written = []
    for name, frame in comparison.outputs().items():
        written += write_frame(frame, out_dir, name)

    def attempt(what: str, make) -> None:
        try:
            written.append(make())
        except Exception as exc:
            if errors is None:
                raise
            errors.append(f"writing {what} failed: {exc!r}; this is a bug in ivp, please report it")

    if report:
        from pipeline.report import write_report

        attempt("report.html", lambda: write_report(comparison, out_dir / "report.html"))
    if excel:
        from pipeline.excel import write_workbook

        raw = comparison.raw_tables or comparison.tables
        sheets = {name: raw[name] for name in CONTRACT_TABLES if name in raw}
        # sheet names have 31 characters at most: drop the file prefix
        for name, frame in comparison.outputs().items():
            short = name.removeprefix("compare_")
            sheets["deadlines_timeline" if short in sheets else short] = frame
        attempt("ivp.xlsx", lambda: write_workbook(sheets, out_dir / "ivp.xlsx"))
    return written


# ---------------------------------------------------------------- CLI

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("outputs"), metavar="DIR",
                        help="the output folder of `ivp run` (default: outputs); results are written there too")
    parser.add_argument("--by", choices=GROUPINGS, default="region",
                        help="rows of the matrix (default: region)")
    parser.add_argument("--period", default=None,
                        help="plan period to compare: YYYY-YYYY, YYYY (periods covering it), latest, or all (default)")
    parser.add_argument("--top-level", action="store_true",
                        help="count sub-themes for their top-level theme (e.g. hennepteelt as ondermijning)")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help="reference day for upcoming/overdue deadlines (default: today)")
    parser.add_argument("--no-report", action="store_true", help="do not write report.html")
    parser.add_argument("--no-excel", action="store_true", help="do not write ivp.xlsx")


def run(args: argparse.Namespace) -> int:
    out_dir = Path(args.out)
    tables = load_tables(out_dir)
    if "documents" not in tables:
        print(f"ivp compare: no tables in {out_dir}; run `ivp run INPUT... --out {out_dir}` first", file=sys.stderr)
        return 1
    try:
        comparison = compare(tables, by=args.by, period=args.period, today=args.today,
                             top_level=getattr(args, "top_level", False))
    except ValueError as exc:
        print(f"ivp compare: {exc}", file=sys.stderr)
        return 2
    if comparison.documents.empty:
        print(f"ivp compare: no readable documents{' in period ' + args.period if args.period else ''} "
              f"in {out_dir}", file=sys.stderr)
        return 1
    errors: list[str] = []
    written = write_outputs(comparison, out_dir, report=not args.no_report, excel=not args.no_excel, errors=errors)
    print(format_matrix(comparison))
    dl = comparison.deadlines
    if not dl.empty:
        upcoming = int((dl["status"] == "upcoming").sum())
        print(f"\ndeadlines: {len(dl)} ({upcoming} upcoming, {len(dl) - upcoming} overdue as of {comparison.today})")
    print("\nwrote: " + ", ".join(p.name for p in written))
    for error in errors:
        print(f"ivp compare: {error}", file=sys.stderr)
    return 1 if errors else 0


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="ivp compare", description=__doc__.splitlines()[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
