"""Table cells as read back from DuckDB, Parquet or CSV: whatever the reader made of a
missing value (None, NaN, NA, ''), it is missing here."""
from __future__ import annotations

from typing import Optional

import pandas as pd


def text_or_none(value) -> Optional[str]:
    """The cell as stripped text; None when it is missing or blank."""
    if value is None or value is pd.NA:  # NA: an integer column with gaps, as a row of a frame
        return None
    try:
        if value != value:  # NaN / NA
            return None
    except (TypeError, ValueError):
        pass
    text = str(value).strip()
    return text or None


def truthy(value) -> bool:
    """A yes/no cell: True, 1, 'true', 'ja', ... (missing is no)."""
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "yes", "ja", "t"}
    try:
        return bool(value) and value == value
    except (TypeError, ValueError):
        return False
