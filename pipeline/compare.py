"""The comparison behind `ivp compare`: which groups (regions, municipalities, police units,
provinces) prioritize which themes, per plan period, and what is due when.

`compare(tables)` takes the contract tables (`pipeline.read_tables`) and returns a
`Comparison`; the writers (`pipeline.compare_write`, `pipeline.report`, `pipeline.excel`)
and the terminal text (`pipeline.compare_text`) only read it.

A document counts for every group it covers: a regional plan for the 62 municipalities of a
police unit counts for each of them with `by="municipality"`, and for the three provinces it
spans with `by="province"`. Which municipalities a region covers on the document's date is
the gazetteer's answer (`extractors.gazetteer.resolve_area`).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Iterable, Optional

import pandas as pd

from extractors import gazetteer
from extractors.theme_vocab import theme_info
from pipeline.cells import text_or_none, truthy

GROUPINGS = ("region", "municipality", "police_unit", "province")
STATUSES = ("prioritized", "mentioned", "absent")
#: municipality × priority table cells that say "not a priority"
_NEGATIVE_CELL = {"", "0", "-", "nee", "no", "n", "false", "geen", "nvt", "n.v.t."}
UNKNOWN = "(unknown)"


# ---------------------------------------------------------------- coverage

def document_coverage(documents: pd.DataFrame, by: str) -> pd.DataFrame:
    """(doc_id, group) pairs: the groups each document speaks for.

    Its municipalities are the document's own (`documents.municipalities`), else those its
    region, police unit or province covers on the document's date.
    """
    gm = gazetteer.by_code()
    rows = []
    for doc in documents.to_dict("records"):
        day = doc.get("doc_date") if isinstance(doc.get("doc_date"), dt.date) else None
        codes = [c for c in re.split(r"[;,\s]+", text_or_none(doc.get("municipalities")) or "") if c]
        if not codes:
            for column in ("region", "police_unit", "province"):
                codes = gazetteer.resolve_area(text_or_none(doc.get(column)), day)
                if codes:
                    break
        if by == "municipality":
            groups = [gm[c].name if c in gm else c for c in codes]
        else:
            own = text_or_none(doc.get(by))
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
    if text_or_none(start) and text_or_none(end):
        return f"{int(start)}-{int(end)}" if int(start) != int(end) else f"{int(start)}"
    if text_or_none(start):
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
        if not text_or_none(start):
            day = doc.get("doc_date")
            return isinstance(day, dt.date) and lo <= day.year <= hi
        start, end = int(start), int(end) if text_or_none(end) else int(start)
        if m.group(2):
            return (start, end) == (lo, hi)
        return start <= lo <= end

    return documents[documents.apply(lambda r: keep(r.to_dict()), axis=1)]


def _period_sort_key(row) -> int:
    if text_or_none(row.get("period_start")):
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
    #: municipality × priority table cells of the compared documents, with the `group` each counts for
    table_cells: pd.DataFrame = field(default_factory=pd.DataFrame)
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
        tid = text_or_none(t.get("theme_id"))
        if not tid:
            continue
        entry = rows.setdefault(tid, {"theme_id": tid, "labels": {}, "parent_theme_id": None, "vng_field": None})
        label = text_or_none(t.get("theme_label")) or tid
        entry["labels"][label] = entry["labels"].get(label, 0) + 1
        entry["parent_theme_id"] = entry["parent_theme_id"] or text_or_none(t.get("parent_theme_id"))
        entry["vng_field"] = entry["vng_field"] or text_or_none(t.get("vng_field"))
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
        tid = text_or_none(t.get("theme_id"))
        if tid and (tid not in parent or parent[tid] is None):
            parent[tid] = text_or_none(t.get("parent_theme_id"))
    todo = [p for p in parent.values() if p and p not in parent]
    while todo:
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
        fields = rows["vng_field"].dropna()
        return str(rows["theme_label"].mode().iloc[0]), text_or_none(fields.iloc[0]) if len(fields) else None
    info = theme_info(tid) or {}
    return info.get("label") or tid, info.get("vng_field")


def roll_up(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The tables with every sub-theme replaced by its top-level theme (prioritized if any part is)."""
    themes = _frame(tables, "themes", ["doc_id", "theme_id", "theme_label", "parent_theme_id", "vng_field",
                                       "prioritized", "rank", "mentions", "first_page", "evidence"])
    parent = _parent_of(themes)

    def root(tid):
        seen = set()
        while text_or_none(tid) and parent.get(tid) and tid not in seen:
            seen.add(tid)
            tid = parent[tid]
        return tid

    out = dict(tables)
    if not themes.empty:
        t = themes.copy()
        t["theme_id"] = t["theme_id"].map(root)
        t["prioritized"] = t["prioritized"].map(truthy)
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
            out[name] = frame.assign(theme_id=frame["theme_id"].map(lambda x: root(x) if text_or_none(x) else x))
    return out


def document_themes(documents: pd.DataFrame, themes: pd.DataFrame, mentions: pd.DataFrame) -> pd.DataFrame:
    """(doc, theme): prioritized or mentioned, with the number of mentions."""
    ids = set(documents["doc_id"])
    counts = (mentions[mentions["doc_id"].isin(ids)].groupby(["doc_id", "theme_id"]).size()
              .rename("n_mentions").reset_index())
    rows = themes[themes["doc_id"].isin(ids)][["doc_id", "theme_id", "prioritized", "mentions"]]
    merged = rows.merge(counts, on=["doc_id", "theme_id"], how="outer")
    merged["prioritized"] = merged["prioritized"].map(truthy)
    merged["mentions"] = pd.to_numeric(merged["mentions"], errors="coerce")
    merged["mentions"] = merged[["mentions", "n_mentions"]].max(axis=1).fillna(0).astype(int)
    merged["status"] = merged["prioritized"].map(lambda p: "prioritized" if p else "mentioned")
    merged["source"] = "document"
    return merged[["doc_id", "theme_id", "status", "mentions", "source"]].drop_duplicates(["doc_id", "theme_id"])


def table_cells(documents: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """The municipality × priority table cells of the documents, each with the municipality
    group it counts for (the CBS name of its code, else the name as the table writes it)."""
    gm = gazetteer.by_code()
    cells = cells[cells["doc_id"].isin(set(documents["doc_id"]))]

    def group(cell: dict) -> str:
        code = text_or_none(cell.get("cbs_code"))
        return gm[code].name if code in gm else (text_or_none(cell.get("municipality")) or UNKNOWN)

    return cells.assign(group=[group(c) for c in cells.to_dict("records")])


def municipality_table_themes(cells: pd.DataFrame) -> pd.DataFrame:
    """(doc, municipality, theme) that a municipality × priority table marks as chosen;
    `cells` as `table_cells` gives them."""
    rows = []
    for cell in cells.to_dict("records"):
        tid, value = text_or_none(cell.get("theme_id")), text_or_none(cell.get("value"))
        if not tid or (value or "").casefold() in _NEGATIVE_CELL:
            continue
        rows.append({"doc_id": cell["doc_id"], "group": cell["group"], "theme_id": tid})
    return pd.DataFrame(rows, columns=["doc_id", "group", "theme_id"]).drop_duplicates()


def compare(tables: dict[str, pd.DataFrame], by: str = "region", period: Optional[str] = None,
            today: Optional[dt.date] = None, top_level: bool = False) -> Comparison:
    """`top_level`: sub-themes count for their top-level theme (fewer, broader rows)."""
    if by not in GROUPINGS:
        raise ValueError(f"--by {by!r}: choose one of {', '.join(GROUPINGS)}")
    original = tables
    if top_level:
        tables = roll_up(tables)
    today = today or dt.date.today()
    documents = _frame(tables, "documents", ["doc_id", "status", "title", "source_path", "region", "police_unit",
                                             "province", "municipalities", "doc_date", "period_start",
                                             "period_end", "doc_type", "issuer"])
    documents = documents[documents["status"].fillna("ok") == "ok"].copy()
    documents["period"] = [period_label(d) for d in documents.to_dict("records")]
    coverage = document_coverage(documents, by)
    documents = filter_period(documents, period, coverage)
    coverage = coverage[coverage["doc_id"].isin(set(documents["doc_id"]))]

    themes = _frame(tables, "themes", ["doc_id", "theme_id", "theme_label", "parent_theme_id", "vng_field",
                                       "prioritized", "rank", "mentions", "first_page", "evidence"])
    mentions = _frame(tables, "theme_mentions", ["doc_id", "theme_id", "surface", "match_kind", "page",
                                                 "char_start", "char_end", "sentence"])
    cells = table_cells(documents, _frame(tables, "municipality_priorities",
                                          ["doc_id", "municipality", "cbs_code", "column_label", "theme_id",
                                           "value", "page"]))
    ids = set(documents["doc_id"])
    catalogue = theme_catalogue(themes[themes["doc_id"].isin(ids)], mentions[mentions["doc_id"].isin(ids)])
    doc_themes = document_themes(documents, themes, mentions)

    # per (group, theme): what the documents covering the group say
    hits = coverage.merge(doc_themes, on="doc_id")
    if by == "municipality":
        table_rows = municipality_table_themes(cells)
        if not table_rows.empty:
            table_rows = table_rows.assign(status="prioritized", mentions=0, source="municipality table")
            hits = pd.concat([hits, table_rows[hits.columns]], ignore_index=True)
    group_theme = group_theme_table(by, documents, coverage, hits, catalogue)
    return Comparison(by=by, period=period, today=today, documents=documents.reset_index(drop=True),
                      coverage=coverage.reset_index(drop=True), themes=catalogue, doc_themes=doc_themes,
                      group_theme=group_theme, matrix=wide_matrix(group_theme, catalogue),
                      theme_period=theme_period_matrix(documents, coverage, doc_themes, catalogue),
                      deadlines=deadlines_timeline(tables, documents, coverage, catalogue, today),
                      table_cells=cells.reset_index(drop=True), tables=tables, top_level=top_level,
                      raw_tables=original)


def group_theme_table(by: str, documents: pd.DataFrame, coverage: pd.DataFrame, hits: pd.DataFrame,
                      catalogue: pd.DataFrame) -> pd.DataFrame:
    """One row per (group, theme), long form: prioritized by a document covering the group (or by
    its row of a municipality table), mentioned only, or absent. `hits`: doc_id, group, theme_id,
    status, mentions, source."""
    period_of = dict(zip(documents["doc_id"], documents["period"]))
    groups = sorted(coverage["group"].unique(), key=lambda g: (g == UNKNOWN, g.casefold()))
    docs_of = coverage.groupby("group")["doc_id"].apply(lambda d: sorted(set(d))).to_dict()
    hits_of: dict[tuple[str, str], list[dict]] = {}
    for hit in hits.to_dict("records"):
        hits_of.setdefault((hit["group"], hit["theme_id"]), []).append(hit)
    rows = []
    for group in groups:
        group_docs = docs_of.get(group, [])
        periods = ";".join(sorted({period_of[d] for d in group_docs}))
        for theme in catalogue.to_dict("records"):
            found = hits_of.get((group, theme["theme_id"]), [])
            prio = sorted({h["doc_id"] for h in found if h["status"] == "prioritized"})
            ment = sorted({h["doc_id"] for h in found} - set(prio))
            status = "prioritized" if prio else "mentioned" if ment else "absent"
            per_doc = {}
            for h in found:  # a document's mentions count once, whichever way it reached the group
                per_doc[h["doc_id"]] = max(per_doc.get(h["doc_id"], 0), int(h["mentions"] or 0))
            rows.append({
                "by": by, "group": group, **theme, "status": status,
                "n_docs": len(group_docs), "n_docs_prioritized": len(prio), "n_docs_mentioned": len(ment),
                "mentions": sum(per_doc.values()), "periods": periods,
                "doc_ids": ";".join(sorted(per_doc)),
                "from_table": any(h["source"] == "municipality table" for h in found),
            })
    columns = ["by", "group", "theme_id", "theme_label", "parent_theme_id", "vng_field", "depth", "status", "n_docs",
               "n_docs_prioritized", "n_docs_mentioned", "mentions", "periods", "doc_ids", "from_table"]
    return pd.DataFrame(rows, columns=columns)


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
    frame["theme_label"] = frame["theme_id"].map(lambda t: labels.get(t) if text_or_none(t) else None)
    frame["groups"] = frame["doc_id"].map(groups)
    frame["title"] = frame["doc_id"].map(docs["title"])
    frame["source_path"] = frame["doc_id"].map(docs["source_path"])
    frame["period"] = frame["doc_id"].map(docs["period"])
    frame = frame.sort_values(["date", "doc_id", "page", "char_start"], na_position="last")
    return frame[columns].reset_index(drop=True)


