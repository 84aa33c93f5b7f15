"""Read the Air Force attack reports (``missile_attacks_daily.csv``) into a checked table.

The format is Petro Ivaniuk's dataset "Massive Missile Attacks on Ukraine": one row per weapon
model per report window, counts stored as text floats (``"539.0"``). The reader is strict about
what would corrupt an analysis and lenient about known reporting quirks:

=============================================  =====================================================
input                                          handling
=============================================  =====================================================
missing required column                        :class:`InputError` naming the file and the column
unparseable ``time_start``/``time_end``        :class:`InputError` naming file, row, column, line
``time_end`` before ``time_start``             :class:`InputError`
count not a number (``NaN``, ``inf`` too),     :class:`InputError` naming file, row, column, line
negative or fractional
``destroyed`` > ``launched``                   :class:`InputError` (impossible in any report)
``is_shahed`` > ``launched``                   :class:`InputError`
``launched_details`` unparseable or not        :class:`InputError`
summing to ``launched``
``destroyed + not_reach_goal`` > ``launched``  reporting quirk: kept, the sum is capped at
                                               ``launched`` later (one row in the 2025 copy)
empty ``launched``                             row kept with ``launched`` NaN; it counts nowhere
empty ``destroyed`` (or no such column)        outcome unknown: counts as launched but not as
                                               assessed (left out of neutralisation shares); a
                                               night whose rows carry no outcome is a night to
                                               *predict* (``umbrella nights``)
a row with more or fewer fields than the       :class:`InputError` naming the row and line
header
a file that is not UTF-8 (or UTF-16/32 with a  :class:`InputError` with the first bad byte; a
BOM), binary, a folder or FIFO, over 256 MB    UTF-8 byte-order mark and CRLF line ends are fine
a count over 10,000,000                        :class:`InputError`
=============================================  =====================================================

Only the launch columns are required; the outcome columns (``destroyed``, ``not_reach_goal``,
``still_attacking``, hit and debris counts, ``destroyed_details``, ``affected region``) may be
empty or absent.
"""

from __future__ import annotations

import ast
import csv
import io
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from umbrella.core.errors import InputError
from umbrella.core.userfiles import read_user_text

__all__ = [
    "COUNT_COLUMNS",
    "DAILY_FILE",
    "REQUIRED_COLUMNS",
    "read_data_dir",
    "read_reports",
    "report_account",
]

DAILY_FILE = "missile_attacks_daily.csv"
"""File name of the per-window, per-model report table inside a data directory."""
#: Largest report file read, bytes (the 2022-2025 file is under 1 MB).
MAX_REPORTS_BYTES = 256 * 2**20
#: Largest count in one row (no report names more than a few thousand weapons).
MAX_COUNT = 10_000_000

REQUIRED_COLUMNS = ("time_start", "time_end", "model", "launched", "source")
_TIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S")
COUNT_COLUMNS = ("launched", "destroyed", "not_reach_goal", "is_shahed")


def report_account(source: str) -> str:
    """Return the publishing account of a ``source`` post path.

    ``"kpszsu/posts/pfbid..."`` and ``"https://t.me/kpszsu/44624"`` both give ``"kpszsu"``.
    """
    text = source.strip()
    for prefix in ("https://", "http://"):
        if text.startswith(prefix):
            text = text[len(prefix) :]
            host, _, rest = text.partition("/")
            text = rest if host in ("t.me", "www.facebook.com", "facebook.com") else text
            break
    return text.split("/", 1)[0]


def _parse_time(text: str, path: Path, where: str, line: int) -> datetime:
    text = " ".join(text.split())
    for fmt in _TIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise InputError(
        f"cannot read {text!r} as a date (YYYY-MM-DD or YYYY-MM-DD HH:MM)",
        source=path,
        key=where,
        line=line,
    )


def _parse_count(text: str, path: Path, where: str, line: int) -> float:
    text = text.strip()
    if text == "":
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise InputError(
            f"cannot read {text!r} as a count", source=path, key=where, line=line
        ) from None
    if math.isnan(value):
        # Written, but not a number: a count lost on the way, never "no weapons". An unknown
        # count is an empty cell.
        raise InputError(
            f"count {text!r} is not a number (leave the cell empty where the count is unknown)",
            source=path,
            key=where,
            line=line,
        )
    if not math.isfinite(value) or value < 0:
        raise InputError(
            f"count {text!r} is negative or not finite", source=path, key=where, line=line
        )
    if value > MAX_COUNT:
        raise InputError(f"count {text!r} is over {MAX_COUNT:,}", source=path, key=where, line=line)
    if value != int(value):
        raise InputError(f"count {text!r} is not a whole number", source=path, key=where, line=line)
    return value


def _parse_details(text: str, launched: float, path: Path, where: str, line: int) -> dict[str, int]:
    try:
        # literal_eval reads Python literals only (never calls or evaluates code); the length
        # cap keeps a hostile cell from nesting the parser into the ground.
        raw = ast.literal_eval(text) if len(text) <= 10_000 else None
    except (ValueError, SyntaxError, TypeError, RecursionError, MemoryError):
        raw = None
    if not isinstance(raw, dict) or not all(
        isinstance(k, str) and isinstance(v, int | float) and v >= 0 for k, v in raw.items()
    ):
        raise InputError(
            "launched_details is not a dict of model name to count",
            source=path,
            key=where,
            line=line,
        )
    details = {str(k).strip(): int(v) for k, v in raw.items()}
    if not math.isnan(launched) and sum(details.values()) != int(launched):
        raise InputError(
            f"launched_details sum to {sum(details.values())}, launched is {int(launched)}",
            source=path,
            key=where,
            line=line,
        )
    return details


def read_reports(path: str | Path) -> pd.DataFrame:
    """Read and check one ``missile_attacks_daily.csv`` file.

    Parameters
    ----------
    path
        The CSV file, in the dataset's format (header row, one row per model per window).

    Returns
    -------
    pandas.DataFrame
        One row per input row, in file order, with columns ``row`` (1-based data row),
        ``line`` (1-based line in the file), ``time_start``, ``time_end`` (datetime64),
        ``model``, ``target``, ``launched``, ``destroyed``, ``not_reach_goal``, ``is_shahed``
        (float counts, NaN where empty), ``launched_details`` (dict or None), ``source`` and
        ``account`` (publishing account, e.g. ``kpszsu``).

    Raises
    ------
    InputError
        For a missing file or column or a malformed value; the message names the file, the row
        and column, and the line.
    """
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", source=path)
    text = read_user_text(path, MAX_REPORTS_BYTES, "CSV file")
    records: list[dict[str, object]] = []
    with io.StringIO(text, newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise InputError("empty file, expected a header row", source=path, line=1) from None
        except csv.Error as exc:
            raise InputError(f"not a CSV file: {exc}", source=path, line=1) from None
        missing = [c for c in REQUIRED_COLUMNS if c not in header]
        if missing:
            raise InputError(
                f"missing column(s) {', '.join(missing)}", source=path, key="header", line=1
            )
        index = {name: i for i, name in enumerate(header)}
        line = reader.line_num
        row_no = 0
        while True:
            first_line = line + 1
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                raise InputError(f"malformed CSV: {exc}", source=path, line=first_line) from None
            line = reader.line_num
            if not cells or all(c.strip() == "" for c in cells):
                continue
            row_no += 1
            if len(cells) != len(header):
                raise InputError(
                    f"row {row_no} has {len(cells)} fields, the header has {len(header)}",
                    source=path,
                    line=first_line,
                )
            records.append(_read_row(cells, index, path, row_no, first_line))
    return _to_frame(records)


def read_data_dir(data_dir: str | Path) -> pd.DataFrame:
    """Read ``missile_attacks_daily.csv`` in a data directory (see :func:`read_reports`).

    Raises
    ------
    InputError
        If the directory or the file is missing, or the file is malformed.
    """
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InputError("data directory not found", source=data_dir)
    path = data_dir / DAILY_FILE
    if not path.is_file():
        raise InputError(f"no {DAILY_FILE} in the data directory", source=data_dir)
    try:
        return read_reports(path)
    except InputError as exc:
        if exc.source is not None:
            raise
        raise InputError(exc.message, source=path, key=exc.key, line=exc.line) from None


def _read_row(
    cells: list[str], index: dict[str, int], path: Path, row_no: int, line: int
) -> dict[str, object]:
    def cell(name: str) -> str:
        i = index.get(name)
        return cells[i] if i is not None and i < len(cells) else ""

    def where(name: str) -> str:
        return f"row {row_no}, column {name}"

    start = _parse_time(cell("time_start"), path, where("time_start"), line)
    end = _parse_time(cell("time_end"), path, where("time_end"), line)
    if end < start:
        raise InputError(
            "time_end is before time_start", source=path, key=where("time_end"), line=line
        )
    model = " ".join(cell("model").split())
    if not model:
        raise InputError("empty weapon model", source=path, key=where("model"), line=line)
    counts = {c: _parse_count(cell(c), path, where(c), line) for c in COUNT_COLUMNS}
    launched, destroyed = counts["launched"], counts["destroyed"]
    if not math.isnan(launched):
        if destroyed > launched:
            raise InputError(
                f"destroyed ({destroyed:.0f}) exceeds launched ({launched:.0f})",
                source=path,
                key=where("destroyed"),
                line=line,
            )
        if counts["is_shahed"] > launched:
            raise InputError(
                f"is_shahed ({counts['is_shahed']:.0f}) exceeds launched ({launched:.0f})",
                source=path,
                key=where("is_shahed"),
                line=line,
            )
    details_text = cell("launched_details").strip()
    details = (
        _parse_details(details_text, launched, path, where("launched_details"), line)
        if details_text and details_text.lower() != "nan"
        else None
    )
    source = cell("source").strip()
    return {
        "row": row_no,
        "line": line,
        "time_start": start,
        "time_end": end,
        "model": model,
        "target": cell("target").strip(),
        **counts,
        "launched_details": details,
        "source": source,
        "account": report_account(source),
    }


def _to_frame(records: list[dict[str, object]]) -> pd.DataFrame:
    columns = [
        "row",
        "line",
        "time_start",
        "time_end",
        "model",
        "target",
        *COUNT_COLUMNS,
        "launched_details",
        "source",
        "account",
    ]
    frame = pd.DataFrame.from_records(records, columns=columns)
    for col in ("time_start", "time_end"):
        frame[col] = pd.to_datetime(frame[col])
    for col in COUNT_COLUMNS:
        frame[col] = frame[col].astype(np.float64)
    frame["row"] = frame["row"].astype(np.int64)
    frame["line"] = frame["line"].astype(np.int64)
    return frame
