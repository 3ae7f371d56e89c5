"""`ivp compare` on the terminal: the group × theme matrix as text."""
from __future__ import annotations

import shutil
from typing import Optional

from pipeline.compare import Comparison

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
    labels = _theme_lines(comparison)
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
            text = _fit(label, label_w)
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
    for tid, text in _theme_lines(comparison):
        c = counts.loc[tid] if tid is not None and tid in counts.index else {}
        rows.append((tid, text, int(c.get("prioritized", 0)), int(c.get("mentioned", 0))))
    label_w = min(max(len(r[1]) for r in rows), 46)
    lines.append(" " * label_w + "  " + "prioritized".rjust(12) + "mentioned".rjust(11))
    for tid, text, prio, ment in rows:
        text = _fit(text, label_w)
        lines.append(text if tid is None else text.ljust(label_w) + "  " + str(prio).rjust(12) + str(ment).rjust(11))
    return "\n".join(lines)


def _theme_lines(comparison: Comparison) -> list[tuple[Optional[str], str]]:
    """(theme id, indented label) in display order; a VNG field heading (no id) before each field's themes."""
    lines: list[tuple[Optional[str], str]] = []
    field_now = object()
    for theme in comparison.themes.to_dict("records"):
        depth = int(theme.get("depth") or 0)
        if depth == 0 and (theme.get("vng_field") or None) != field_now:
            field_now = theme.get("vng_field") or None
            lines.append((None, (field_now or "(no VNG field)").upper()))
        lines.append((theme["theme_id"], "  " * (depth + 1) + theme["theme_label"]))
    return lines


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "\u2026"
