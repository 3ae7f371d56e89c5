"""`report.html`: the comparison as one self-contained page (no scripts, no network).

The figures are matplotlib SVG inlined in the page, so that every heatmap cell
and every timeline point is a link (matplotlib writes an artist's `url` as an
SVG `<a>`) to the evidence further down: the document, the page and the
sentence each fact comes from. Hover titles are added to those links after
rendering. The page uses no JavaScript at all: `:target` CSS highlights the
evidence a link jumps to.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import html
import io
import re
from pathlib import Path
from typing import Iterable, Optional

import pandas as pd

from pipeline.atomic import replacing
from pipeline.cells import text_or_none
from pipeline.compare import Comparison

#: colour per cell status, chosen to stay distinguishable in grey scale too
COLOURS = {"prioritized": "#b2182b", "mentioned": "#f4a582", "absent": "#f4f4f4"}
TEXT_COLOURS = {"prioritized": "white", "mentioned": "black", "absent": "#999999"}
DEADLINE_COLOURS = {"upcoming": "#2166ac", "overdue": "#b2182b"}
MAX_QUOTES = 8  # per document and theme, in a matrix cell's evidence
MAX_DOC_QUOTES = 30  # per document and theme, in the document's section (the table has them all)


def anchor(*parts: object) -> str:
    """A stable, HTML-safe id; the hash keeps ids unique when slugs collide."""
    raw = "\x1f".join(str(p) for p in parts)
    slug = re.sub(r"[^a-z0-9]+", "-", raw.casefold()).strip("-")[:40]
    return f"{slug}-{hashlib.sha1(raw.encode()).hexdigest()[:8]}"


def esc(value: object) -> str:
    text = text_or_none(value)
    return html.escape(text) if text else ""


# ---------------------------------------------------------------- figures

def _svg(fig, titles: dict[str, str], salt: str) -> str:
    """The figure as inline SVG markup, with a hover <title> in every link that has one."""
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<svg ", '<svg class="figure" role="img" ', svg, count=1)

    def add_title(m: re.Match) -> str:
        target = html.unescape(m.group(1)).lstrip("#")
        title = titles.get(target)
        return m.group(0) + (f"<title>{html.escape(title)}</title>" if title else "")

    # matplotlib opens links in a new window; evidence is further down this same page
    svg = re.sub(r'(<a xlink:href="#[^"]*")\s+target="_blank"', r"\1", svg)
    return re.sub(r'<a xlink:href="([^"]*)"[^>]*>', add_title, svg)


def _mpl(text: str) -> str:
    """Text for matplotlib: a '$' would start mathtext."""
    return text.replace("$", r"\$")


def _figure(width: float, height: float):
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=96)


def heatmap_svg(rows: list[str], columns: list[str], cells: dict[tuple[int, int], dict], salt: str,
                title: str = "", numbers: Optional[bool] = None) -> str:
    """A status heatmap: `cells[(row, col)]` = {status, text, href, title}.

    All squares are one PatchCollection (matplotlib writes a link per element),
    so a matrix of hundreds of municipalities stays quick to draw; the numbers
    are left out when there are too many cells to read them anyway.
    """
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import Patch, Rectangle

    n_rows, n_cols = max(len(rows), 1), max(len(columns), 1)
    numbers = numbers if numbers is not None else n_rows * n_cols <= 1500
    label_w = min(max([len(r) for r in rows] + [8]), 48) * 0.075
    col_h = min(max([len(c) for c in columns] + [6]), 40) * 0.06
    cell_w = 0.62 if n_cols <= 30 else 0.3
    cell_h = 0.27 if n_rows <= 80 else 0.18
    fig = _figure(label_w + cell_w * n_cols + 0.6, cell_h * n_rows + col_h + 1.0)
    ax = fig.add_subplot()
    ax.set_xlim(0, n_cols)
    ax.set_ylim(n_rows, 0)
    from matplotlib.colors import to_rgba

    rgba = {status: to_rgba(colour) for status, colour in COLOURS.items()}
    # absent cells are the axes background, with the grid drawn by the white edges: fewer SVG elements
    ax.set_facecolor(COLOURS["absent"])
    if n_rows * n_cols > 1500:
        ax.set_xticks(range(n_cols + 1), minor=True)
        ax.set_yticks(range(n_rows + 1), minor=True)
        ax.grid(which="minor", color="white", linewidth=0.4)
    else:
        for c in range(n_cols):
            for r in range(n_rows):
                if cells.get((r, c), {}).get("status", "absent") == "absent":
                    ax.add_patch(Rectangle((c, r), 1, 1, facecolor=COLOURS["absent"], edgecolor="white",
                                           linewidth=1.2))
    titles, patches, colours, urls = {}, [], [], []
    for (r, c), cell in sorted(cells.items()):
        status = cell.get("status", "absent")
        if status == "absent":
            continue
        patches.append(Rectangle((c, r), 1, 1))
        colours.append(rgba[status])
        href = cell.get("href")
        urls.append("#" + href if href else None)
        if href:
            titles[href] = cell.get("title", "")
        if numbers and cell.get("text"):
            text = ax.text(c + 0.5, r + 0.55, cell["text"], ha="center", va="center", fontsize=7,
                           color=TEXT_COLOURS[status])
            if href:
                text.set_url("#" + href)
    squares = PatchCollection(patches, facecolors=colours, edgecolors="white",
                              linewidths=1.2 if n_rows * n_cols <= 4000 else 0.4)
    squares.set_urls(urls)
    ax.add_collection(squares)
    ax.set_yticks([i + 0.5 for i in range(len(rows))], [_mpl(r) for r in rows], fontsize=8 if n_rows <= 80 else 6)
    ax.set_xticks([i + 0.5 for i in range(len(columns))], [_mpl(c) for c in columns], fontsize=8 if n_cols <= 30 else 6,
                  rotation=40 if n_cols <= 30 else 90, ha="left" if n_cols <= 30 else "center")
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.legend(handles=[Patch(color=COLOURS[s], label=s) for s in ("prioritized", "mentioned", "absent")],
              loc="upper left", bbox_to_anchor=(0, -0.01), ncol=3, fontsize=8, frameon=False)
    if title:
        ax.set_title(title, fontsize=10, loc="left", pad=12)
    return _svg(fig, titles, salt)


def timeline_svg(deadlines: pd.DataFrame, row_of: dict[str, str], today: dt.date, salt: str) -> str:
    """Deadlines as points on a date axis, one line per document; each point links to its sentence."""
    import matplotlib.dates as mdates

    rows = list(dict.fromkeys(row_of[d] for d in deadlines["doc_id"]))
    y = {label: i for i, label in enumerate(rows)}
    fig = _figure(10, 0.45 * len(rows) + 1.4)
    ax = fig.add_subplot()
    titles = {}
    for status, colour in DEADLINE_COLOURS.items():
        part = deadlines[deadlines["status"] == status]
        if part.empty:
            continue
        xs = [mdates.date2num(d) for d in part["date"]]
        ys = [y[row_of[d]] for d in part["doc_id"]]
        points = ax.scatter(xs, ys, s=36, color=colour, alpha=0.85, label=status, zorder=3,
                            edgecolors="white", linewidths=0.6)
        hrefs = [f"dl-{i}" for i in part.index]
        points.set_urls(["#" + h for h in hrefs])
        for h, (_, row) in zip(hrefs, part.iterrows()):
            titles[h] = f"{row['date']}: {row['date_text'] or ''} — {row['what'] or ''}".strip(" —")
    ax.axvline(mdates.date2num(today), color="#555555", linestyle="--", linewidth=1, zorder=2)
    ax.text(mdates.date2num(today), -0.6, f" today {today}", fontsize=7, color="#555555", va="bottom")
    ax.set_yticks(range(len(rows)), [_mpl(r) for r in rows], fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.8)
    ax.xaxis.set_major_locator(mdates.AutoDateLocator())
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), ncol=2, fontsize=8, frameon=False)
    for spine in ("top", "right"):
        ax.spines[spine].set_visible(False)
    return _svg(fig, titles, salt)


# ---------------------------------------------------------------- evidence

def _mark(sentence: str, needle: Optional[str]) -> str:
    """The sentence, escaped, with the matched words highlighted."""
    sentence = sentence or ""
    if needle:
        i = sentence.casefold().find(needle.casefold())
        if i >= 0:
            j = i + len(needle)
            return html.escape(sentence[:i]) + "<mark>" + html.escape(sentence[i:j]) + "</mark>" + html.escape(sentence[j:])
    return html.escape(sentence)


def _in_period(periods: Optional[str]) -> str:
    """' (2019-2022)', ' (2019-2022, (2024))': a year without a stated period is already in brackets."""
    if not text_or_none(periods):
        return ""
    parts = [p for p in str(periods).split(";") if p]
    if len(parts) == 1 and parts[0].startswith("("):
        return " " + parts[0]
    return " (" + ", ".join(parts) + ")"


def _short(text: Optional[str], n: int = 60) -> str:
    text = text_or_none(text) or ""
    return text if len(text) <= n else text[: n - 1] + "\u2026"


class _Docs:
    """Document names and links."""

    def __init__(self, documents: pd.DataFrame):
        self.rows = {d["doc_id"]: d for d in documents.to_dict("records")}

    def name(self, doc_id: str) -> str:
        d = self.rows.get(doc_id, {})
        title = text_or_none(d.get("title"))
        file = Path(text_or_none(d.get("source_path")) or doc_id).name
        return title or file

    def file(self, doc_id: str) -> str:
        return Path(text_or_none(self.rows.get(doc_id, {}).get("source_path")) or doc_id).name

    def link(self, doc_id: str) -> str:
        return f'<a href="#{anchor("doc", doc_id)}">{esc(_short(self.name(doc_id), 80))}</a>'


def quotes_by_doc_theme(mentions: pd.DataFrame) -> dict[tuple[str, str], list[dict]]:
    out: dict[tuple[str, str], list[dict]] = {}
    if mentions.empty:
        return out
    ordered = mentions.sort_values(["doc_id", "theme_id", "page", "char_start"])
    for m in ordered.to_dict("records"):
        key = (m["doc_id"], m["theme_id"])
        seen = out.setdefault(key, [])
        if any(q["sentence"] == m.get("sentence") and q["page"] == m.get("page") for q in seen):
            continue
        seen.append(m)
    return out


def _quote_li(q: dict, docs: _Docs, with_doc: bool = True) -> str:
    page = q.get("page")
    where = f"p.&nbsp;{int(page)}" if text_or_none(page) else "p.&nbsp;?"
    doc = f"{docs.link(q['doc_id'])}, " if with_doc else ""
    kind = text_or_none(q.get("match_kind"))
    extra = f' <span class="kind">{esc(kind)}: “{esc(q.get("surface"))}”</span>' if kind and kind != "exact" else ""
    surface = text_or_none(q.get("surface"))
    sentence = text_or_none(q.get("sentence")) or surface or ""
    return f'<li><span class="where">{doc}{where}</span> <q>{_mark(sentence, surface)}</q>{extra}</li>'


# ---------------------------------------------------------------- page

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0 auto;max-width:1200px;padding:1em 2em;color:#222}
h1{font-size:1.6em;margin-bottom:.2em} h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:2em}
h3{margin-bottom:.3em} .meta{color:#555} nav a{margin-right:1em}
svg.figure{max-width:100%;height:auto;display:block;margin:.5em 0}
svg.figure a:hover path, svg.figure a:hover use{opacity:.7}
table{border-collapse:collapse;margin:.5em 0 1em} th,td{border:1px solid #ddd;padding:3px 7px;vertical-align:top;text-align:left}
th{background:#f3f3f3} td.num{text-align:right}
.prioritized{background:#b2182b;color:#fff} .mentioned{background:#f4a582} .absent{color:#999}
.overdue{color:#b2182b} .upcoming{color:#2166ac} td.date{white-space:nowrap}
.evidence{border-left:3px solid #ddd;padding:.2em .8em;margin:.6em 0}
.evidence:target,tr:target,.doc:target{background:#fff6c8;border-left-color:#e6b800}
ul.quotes{margin:.2em 0;padding-left:1.2em} ul.quotes li{margin:.15em 0}
q{quotes:"“" "”"} mark{background:#ffe066;padding:0 1px} .where{color:#555;font-size:.92em} .kind{color:#777;font-size:.85em}
.small{font-size:.9em;color:#555}
"""


def render_report(c: Comparison) -> str:
    docs = _Docs(c.documents)
    tables = c.tables
    mentions = tables.get("theme_mentions", pd.DataFrame(columns=["doc_id", "theme_id"]))
    if not mentions.empty:
        mentions = mentions[mentions["doc_id"].isin(set(c.documents["doc_id"]))]
    quotes = quotes_by_doc_theme(mentions)
    themes_tab = tables.get("themes", pd.DataFrame(columns=["doc_id", "theme_id"]))
    evidence_of = {(t["doc_id"], t["theme_id"]): text_or_none(t.get("evidence"))
                   for t in themes_tab.to_dict("records")} if not themes_tab.empty else {}
    label = dict(zip(c.themes["theme_id"], c.themes["theme_label"]))
    doc_status = {(r["doc_id"], r["theme_id"]): r for r in c.doc_themes.to_dict("records")}
    cells_tab = c.table_cells

    parts = [f"<!DOCTYPE html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\">"
             f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
             f"<title>ivp: themes by {esc(c.by)}</title><style>{CSS}</style></head><body>"]
    n_docs = len(c.documents)
    all_docs = tables.get("documents")
    skipped = (len(all_docs) - n_docs) if all_docs is not None else 0
    parts.append(f"<h1>Safety themes by {esc(c.by.replace('_', ' '))}</h1>"
                 f"<p class=\"meta\">{n_docs} document{'s' if n_docs != 1 else ''} compared"
                 f"{'; period ' + esc(c.period) if c.period else ''}"
                 f"{f'; {skipped} not compared (not readable or outside the period)' if skipped else ''}"
                 f"; deadlines relative to {c.today}; generated {dt.datetime.now():%Y-%m-%d %H:%M}.</p>")
    parts.append('<nav><a href="#matrix">Matrix</a><a href="#periods">Periods</a>'
                 '<a href="#deadlines">Deadlines</a><a href="#documents">Documents</a>'
                 '<a href="#evidence">Evidence</a></nav>')

    # ---- group × theme heatmap
    groups = list(dict.fromkeys(c.group_theme["group"]))
    theme_ids = list(c.themes["theme_id"])
    theme_labels = ["   " * int(depth or 0) + _short(label[t], 46)
                    for t, depth in zip(theme_ids, c.themes["depth"])]
    row_labels = theme_labels
    blocks: dict[str, str] = {}
    block_groups: dict[str, list[str]] = {}
    cells = {}
    gt = {(r["group"], r["theme_id"]): r for r in c.group_theme.to_dict("records")}
    periods_of = c.group_theme.drop_duplicates("group").set_index("group")["periods"].to_dict()
    # few groups: themes down, groups across; many (municipalities): groups down, themes across
    groups_down = len(groups) > 30
    for gi, group in enumerate(groups):
        for ti, tid in enumerate(theme_ids):
            row = gt[(group, tid)]
            status = row["status"]
            cell = {"status": status, "text": str(row["mentions"]) if status != "absent" else "",
                    "title": f"{group} × {label[tid]}: {status}"}
            if status != "absent":
                doc_ids = tuple(sorted(text_or_none(row["doc_ids"]).split(";"))) if text_or_none(row["doc_ids"]) else ()
                table_group = group if row["from_table"] else None
                key = anchor("cell", tid, *doc_ids, table_group or "")
                cell["href"] = key
                cell["title"] += f" ({row['mentions']} mentions in {len(doc_ids)} document(s))"
                if key not in blocks:
                    blocks[key] = _cell_block(key, tid, label[tid], doc_ids, table_group, docs, doc_status,
                                              quotes, evidence_of, cells_tab)
                block_groups.setdefault(key, []).append(group)
            cells[(gi, ti) if groups_down else (ti, gi)] = cell
    for key, members in block_groups.items():
        shown = "; ".join(members[:40]) + (f"; and {len(members) - 40} more" if len(members) > 40 else "")
        blocks[key] = blocks[key].replace("<!--groups-->", esc(shown), 1)
    group_labels = [_short(g, 30) + _in_period(periods_of.get(g)) for g in groups]
    where = "row" if groups_down else "column"
    parts.append(f'<h2 id="matrix">{esc(c.by.replace("_", " ").capitalize())} × theme</h2>'
                 f'<p class="small">Dark: prioritized by a document covering the {where}; light: mentioned only; '
                 'number: mentions. Click a cell for the sentences behind it.</p>')
    if theme_ids and groups:
        if groups_down:
            parts.append(heatmap_svg(group_labels, [l.strip() for l in theme_labels], cells, salt="matrix"))
        else:
            parts.append(heatmap_svg(row_labels, group_labels, cells, salt="matrix"))
    else:
        parts.append("<p>No themes found in the compared documents.</p>")

    # ---- theme × period heatmap
    tp = c.theme_period
    periods = list(dict.fromkeys(tp["period"])) if not tp.empty else []
    tp_cells = {}
    tpi = {(r["period"], r["theme_id"]): r for r in tp.to_dict("records")}
    for pi, period in enumerate(periods):
        for ti, tid in enumerate(theme_ids):
            row = tpi[(period, tid)]
            status = row["status"]
            cell = {"status": status, "title": f"{label[tid]} in {period}: {status}"}
            if status != "absent":
                cell["text"] = f"{row['n_docs_prioritized'] or row['n_docs_mentioned']}/{row['n_docs']}"
                key = anchor("period", period, tid)
                cell["href"] = key
                cell["title"] += (f" ({row['n_docs_prioritized']} of {row['n_docs']} documents prioritize it, "
                                  f"{row['n_docs_mentioned']} mention it only)")
                doc_ids = tuple(sorted(text_or_none(row["doc_ids"]).split(";")))
                blocks[key] = _period_block(key, period, tid, label[tid], doc_ids, docs, doc_status, quotes)
            tp_cells[(ti, pi)] = cell
    parts.append('<h2 id="periods">Themes over plan periods</h2>'
                 '<p class="small">Number: documents of that period that prioritize the theme (or, when none does, '
                 'that mention it) / documents of that period.</p>')
    if periods and theme_ids:
        parts.append(heatmap_svg(row_labels, periods, tp_cells, salt="periods"))

    # ---- deadlines
    parts.append(_deadlines_section(c, docs))

    # ---- documents
    parts.append('<h2 id="documents">Documents</h2>')
    for doc in c.documents.to_dict("records"):
        parts.append(_document_section(doc, c, docs, label, quotes, evidence_of))

    # ---- evidence blocks
    parts.append('<h2 id="evidence">Evidence behind the matrix cells</h2>')
    parts.extend(blocks.values())
    parts.append("</body></html>")
    return "\n".join(parts)


def _cell_block(key, tid, theme_label, doc_ids, table_group, docs, doc_status, quotes, evidence_of, cells_tab) -> str:
    out = [f'<div class="evidence" id="{key}"><h3>{esc(theme_label)}</h3>'
           f'<p class="small">Where: <!--groups--></p><ul class="quotes">']
    for d in doc_ids:
        st = doc_status.get((d, tid), {})
        status = st.get("status") or ("prioritized" if table_group else "mentioned")
        out.append(f'<li>{docs.link(d)}: <span class="{status}">&nbsp;{status}&nbsp;</span>, '
                   f'{int(st.get("mentions") or 0)} mention(s)')
        ev = evidence_of.get((d, tid))
        inner = []
        if ev:
            inner.append(f'<li><span class="where">why prioritized:</span> <q>{esc(ev)}</q></li>')
        if table_group and not cells_tab.empty:
            rows = cells_tab[(cells_tab["doc_id"] == d) & (cells_tab["theme_id"] == tid)]
            for r in rows.to_dict("records"):
                if r["group"] == table_group:
                    inner.append(f'<li><span class="where">table, p.&nbsp;{esc(_int(r.get("page")))}:</span> '
                                 f'{esc(r.get("municipality"))} × {esc(r.get("column_label"))} = {esc(r.get("value"))}</li>')
        qs = quotes.get((d, tid), [])
        inner += [_quote_li(q, docs, with_doc=False) for q in qs[:MAX_QUOTES]]
        if len(qs) > MAX_QUOTES:
            inner.append(f'<li class="small"><a href="#{anchor("q", d, tid)}">more of the {len(qs)} sentences</a></li>')
        if inner:
            out.append('<ul class="quotes">' + "".join(inner) + "</ul>")
        out.append("</li>")
    out.append("</ul></div>")
    return "".join(out)


def _period_block(key, period, tid, theme_label, doc_ids, docs, doc_status, quotes) -> str:
    out = [f'<div class="evidence" id="{key}"><h3>{esc(theme_label)} — {esc(period)}</h3><ul class="quotes">']
    for d in doc_ids:
        st = doc_status.get((d, tid), {})
        qs = quotes.get((d, tid), [])
        first = _quote_li(qs[0], docs, with_doc=False) if qs else ""
        out.append(f'<li>{docs.link(d)}: {esc(st.get("status"))}, {int(st.get("mentions") or 0)} mention(s) '
                   f'(<a href="#{anchor("q", d, tid)}">evidence</a>)'
                   + (f'<ul class="quotes">{first}</ul>' if first else "") + "</li>")
    out.append("</ul></div>")
    return "".join(out)


def _deadlines_section(c: Comparison, docs: _Docs) -> str:
    dl = c.deadlines
    out = ['<h2 id="deadlines">Deadlines</h2>']
    if dl.empty:
        out.append("<p>No deadlines in the compared documents.</p>")
        return "".join(out)
    row_of = {d: _short(docs.name(d), 40) + _in_period(p)
              for d, p in zip(c.documents["doc_id"], c.documents["period"])}
    # two documents with the same title must stay two lines
    seen: dict[str, int] = {}
    for d in list(row_of):
        seen[row_of[d]] = seen.get(row_of[d], 0) + 1
        if seen[row_of[d]] > 1:
            row_of[d] += f" [{docs.file(d)}]"
    upcoming = int((dl["status"] == "upcoming").sum())
    out.append(f'<p class="small">{len(dl)} deadlines: {upcoming} upcoming, {len(dl) - upcoming} overdue '
               f'(dates before {c.today}; done or not, the documents do not say). Click a point for its sentence.</p>')
    out.append(timeline_svg(dl, row_of, c.today, salt="timeline"))
    for status, title in (("upcoming", "Upcoming"), ("overdue", "Overdue")):
        part = dl[dl["status"] == status]
        if status == "overdue":
            part = part.iloc[::-1]  # most recent first
        if part.empty:
            continue
        out.append(f"<h3>{title}</h3><table><tr><th>date</th><th>precision</th><th>as written</th><th>what</th>"
                   "<th>theme</th><th>document</th><th>page</th><th>sentence</th></tr>")
        for i, row in part.iterrows():
            inferred = " (year inferred)" if row.get("year_inferred") else ""
            out.append(f'<tr id="dl-{i}" class="{status}"><td class="date">{row["date"]}</td><td>{esc(row["precision"])}{inferred}</td>'
                       f'<td>{esc(row["date_text"])}</td><td>{esc(row["what"])}</td><td>{esc(row["theme_label"])}</td>'
                       f'<td>{docs.link(row["doc_id"])}</td><td class="num">{esc(row["page"])}</td>'
                       f'<td><q>{_mark(text_or_none(row["sentence"]) or "", text_or_none(row["date_text"]))}</q></td></tr>')
        out.append("</table>")
    return "".join(out)


def _document_section(doc: dict, c: Comparison, docs: _Docs, label: dict, quotes, evidence_of) -> str:
    d = doc["doc_id"]
    tables = c.tables
    out = [f'<div class="doc" id="{anchor("doc", d)}"><h3>{esc(docs.name(d))}</h3>']
    themes = tables.get("themes")
    doc_theme_ids = list(dict.fromkeys(
        ([] if themes is None or themes.empty else list(themes.loc[themes["doc_id"] == d, "theme_id"]))
        + [tid for (doc_id, tid) in quotes if doc_id == d]))
    meta = [("file", docs.file(d)), ("type", doc.get("doc_type")), ("issuer", doc.get("issuer")),
            ("region", doc.get("region")), ("date", doc.get("doc_date")), ("period", doc.get("period")),
            ("covers", "; ".join(sorted(c.coverage.loc[c.coverage["doc_id"] == d, "group"])))]
    out.append('<p class="meta">' + " · ".join(f"{k}: {esc(v)}" for k, v in meta if text_or_none(v)) + "</p>")

    if themes is not None and not themes.empty:
        rows = themes[themes["doc_id"] == d].copy()
        if not rows.empty:
            rows["_order"] = rows["theme_id"].map({t: i for i, t in enumerate(c.themes["theme_id"])})
            rows = rows.sort_values(["_order"])
            out.append("<table><tr><th>theme</th><th>prioritized</th><th>rank</th><th>mentions</th>"
                       "<th>first page</th><th>sentences</th></tr>")
            for t in rows.to_dict("records"):
                tid = t["theme_id"]
                n = len(quotes.get((d, tid), []))
                sentences = f'<a href="#{anchor("q", d, tid)}">{n} sentence(s)</a>' if n else ""
                status = "prioritized" if t.get("prioritized") else "mentioned"
                out.append(f'<tr><td>{esc(label.get(tid, t.get("theme_label")))}</td>'
                           f'<td class="{status}">{"yes" if t.get("prioritized") else "no"}</td>'
                           f'<td class="num">{esc(_int(t.get("rank")))}</td><td class="num">{esc(_int(t.get("mentions")))}</td>'
                           f'<td class="num">{esc(_int(t.get("first_page")))}</td>'
                           f'<td>{sentences}</td></tr>')
            out.append("</table>")

    prios = tables.get("priorities")
    if prios is not None and not prios.empty:
        rows = prios[prios["doc_id"] == d]
        sort = [c_ for c_ in ("list_index", "position", "rank", "page") if c_ in rows.columns]
        rows = rows.sort_values(sort) if sort else rows
        group_key = "list_index" if "list_index" in rows.columns else "list_title"
        for _, lst in rows.groupby(group_key, sort=False):
            first = lst.iloc[0]
            ranked = bool(first.get("ranked"))
            adopted = first.get("adopted") if "adopted" in lst.columns else True
            note = ("ranked" if ranked else "not ranked") + ("" if adopted is None or _truthy_cell(adopted)
                                                             else "; reported, not the issuer's own")
            out.append(f'<p><b>{esc(first.get("list_title")) or "Priority list"}</b> '
                       f'<span class="small">({note}, p. {esc(_int(first.get("page")))})</span></p>')
            tag = "ol" if ranked else "ul"
            items = []
            for item in lst.to_dict("records"):
                theme = text_or_none(item.get("theme_id"))
                link = (f' <span class="small">→ <a href="#{anchor("q", d, theme)}">{esc(label.get(theme, theme))}</a></span>'
                        if theme in doc_theme_ids else "")
                items.append(f"<li>{esc(item.get('item_text'))}{link}</li>")
            out.append(f"<{tag}>{''.join(items)}</{tag}>")

    own = c.deadlines[c.deadlines["doc_id"] == d] if not c.deadlines.empty else c.deadlines
    if len(own):
        items = "".join(f'<li><a href="#dl-{i}">{row["date"]}</a> <span class="{row["status"]}">{esc(row["status"])}</span>: '
                        f'{esc(row["date_text"])}{" — " + esc(_short(row["what"], 100)) if text_or_none(row["what"]) else ""}</li>'
                        for i, row in own.iterrows())
        out.append(f"<p><b>Deadlines</b></p><ul>{items}</ul>")

    for tid in doc_theme_ids:
        qs = quotes.get((d, tid), [])
        ev = evidence_of.get((d, tid))
        lead = f'<li><span class="where">why prioritized:</span> <q>{esc(ev)}</q></li>' if ev else ""
        more = (f'<li class="small">and {len(qs) - MAX_DOC_QUOTES} more sentences in the theme_mentions table</li>'
                if len(qs) > MAX_DOC_QUOTES else "")
        shown = "".join(_quote_li(q, docs, with_doc=False) for q in qs[:MAX_DOC_QUOTES])
        out.append(f'<div class="evidence" id="{anchor("q", d, tid)}"><b>{esc(label.get(tid, tid))}</b>'
                   f'<ul class="quotes">{lead}{shown}{more}</ul></div>')
    out.append("</div>")
    return "".join(out)


def _int(value) -> Optional[str]:
    text = text_or_none(value)
    if text is None:
        return None
    try:
        return str(int(float(text)))
    except ValueError:
        return text


def _truthy_cell(value) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes"}
    return bool(value)


def write_report(comparison: Comparison, path: Path) -> Path:
    """Render and write atomically (a reader never sees half a page)."""
    path = Path(path)
    text = render_report(comparison)
    with replacing(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return path
