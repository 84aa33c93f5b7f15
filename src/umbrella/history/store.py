"""The run history: one row per command in a DuckDB database under ``$UMBRELLA_HOME``
(default ``~/.umbrella``), ``history.duckdb``.

Writing never loses or blocks a result. DuckDB lets one process at a time open the file for
writing; a writer that finds it locked tries again for a moment, then keeps its row in
``pending/`` (one JSON file, written atomically), which the next writer adds to the database.
A store that cannot be written at all gives a warning, and the command carries on.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "COLUMNS",
    "HistoryBusy",
    "HistoryStore",
    "Recorded",
    "default_home",
]

#: The columns of the ``runs`` table, in order; JSON columns hold text.
COLUMNS = (
    ("id", "VARCHAR PRIMARY KEY"),
    ("kind", "VARCHAR NOT NULL"),
    ("created", "TIMESTAMP NOT NULL"),
    ("command", "VARCHAR"),
    ("cwd", "VARCHAR"),
    ("inputs", "VARCHAR"),
    ("catalogue_hash", "VARCHAR"),
    ("data_hash", "VARCHAR"),
    ("seed", "BIGINT"),
    ("runs", "BIGINT"),
    ("version", "VARCHAR"),
    ("git_commit", "VARCHAR"),
    ("git_dirty", "BOOLEAN"),
    ("python", "VARCHAR"),
    ("dependencies", "VARCHAR"),
    ("parameters", "VARCHAR"),
    ("spec", "VARCHAR"),
    ("summary", "VARCHAR"),
    ("headline", "VARCHAR"),
    ("out_dir", "VARCHAR"),
)
JSON_COLUMNS = ("inputs", "dependencies", "parameters", "spec", "summary")
#: 2: ``catalog_hash`` renamed ``catalogue_hash`` (umbrella 0.2); a version-1 store is migrated.
SCHEMA_VERSION = 2
DB_NAME = "history.duckdb"
PENDING = "pending"


def default_home() -> Path:
    """``$UMBRELLA_HOME``, or ``~/.umbrella``."""
    home = os.environ.get("UMBRELLA_HOME")
    return Path(home).expanduser() if home else Path.home() / ".umbrella"


class HistoryBusy(Exception):
    """The history database stayed locked by another process while reading."""


@dataclass(frozen=True)
class Recorded:
    """How a row was recorded: ``"stored"``, ``"pending"`` (kept beside the locked database,
    added by the next writer) or ``"lost"``; ``warning`` is the line to show, if any."""

    status: str
    warning: str | None = None


def _is_lock(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def _to_row(record: Mapping[str, Any]) -> list[Any]:
    out: list[Any] = []
    for name, _ in COLUMNS:
        value = record.get(name)
        if name == "created" and isinstance(value, str):
            value = datetime.fromisoformat(value.removesuffix("Z"))
        elif name in JSON_COLUMNS:
            value = json.dumps(value, default=str)
        out.append(value)
    return out


def _from_row(values: tuple[Any, ...]) -> dict[str, Any]:
    rec: dict[str, Any] = {}
    for (name, _), value in zip(COLUMNS, values, strict=True):
        if name == "created" and isinstance(value, datetime):
            value = value.isoformat(timespec="milliseconds") + "Z"
        elif name in JSON_COLUMNS and isinstance(value, str):
            value = json.loads(value)
        rec[name] = value
    return rec


class HistoryStore:
    """The run history in ``home`` (default :func:`default_home`).

    Parameters
    ----------
    home
        The folder holding ``history.duckdb`` and ``pending/``.
    wait_s
        How long a writer waits for a lock held by another process before it keeps its row in
        ``pending/`` (and a reader before it gives up).
    """

    def __init__(self, home: str | Path | None = None, wait_s: float = 3.0) -> None:
        self.home = Path(home) if home is not None else default_home()
        self.wait_s = wait_s

    @property
    def path(self) -> Path:
        """The database file."""
        return self.home / DB_NAME

    @property
    def pending_dir(self) -> Path:
        """Rows waiting to be added (the database was locked when they were recorded)."""
        return self.home / PENDING

    # ------------------------------------------------------------------ connections
    @contextmanager
    def _connect(self, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        import duckdb

        deadline = time.monotonic() + self.wait_s
        delay = 0.02
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                break
            except duckdb.Error as exc:
                if not _is_lock(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(delay * (1 + random.random()))
                delay = min(delay * 2, 0.25)
        try:
            yield con
        finally:
            con.close()

    @staticmethod
    def _create(con: duckdb.DuckDBPyConnection) -> None:
        cols = ", ".join(f"{name} {kind}" for name, kind in COLUMNS)
        con.execute(f"CREATE TABLE IF NOT EXISTS runs ({cols})")
        con.execute("CREATE TABLE IF NOT EXISTS store (schema_version INTEGER)")
        if con.execute("SELECT count(*) FROM store").fetchone() == (0,):
            con.execute("INSERT INTO store VALUES (?)", [SCHEMA_VERSION])
        elif con.execute("SELECT max(schema_version) FROM store").fetchone() == (1,):
            con.execute("ALTER TABLE runs RENAME COLUMN catalog_hash TO catalogue_hash")
            con.execute("UPDATE store SET schema_version = ?", [SCHEMA_VERSION])

    @staticmethod
    def _insert(con: duckdb.DuckDBPyConnection, record: Mapping[str, Any]) -> None:
        marks = ", ".join("?" for _ in COLUMNS)
        con.execute(f"INSERT INTO runs VALUES ({marks}) ON CONFLICT DO NOTHING", _to_row(record))

    def _ingest_pending(self, con: duckdb.DuckDBPyConnection) -> None:
        if not self.pending_dir.is_dir():
            return
        for path in sorted(self.pending_dir.glob("*.json")):
            try:
                record = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # being written (never: rename is atomic) or unreadable: left alone
            if isinstance(record, dict) and "catalog_hash" in record:  # kept by umbrella 0.1
                record["catalogue_hash"] = record.pop("catalog_hash")
            self._insert(con, record)
            path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ writing
    def _keep_pending(self, record: Mapping[str, Any]) -> None:
        self.pending_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.pending_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(record, fh, default=str)
            os.replace(tmp, self.pending_dir / f"{record['id']}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def record(self, record: Mapping[str, Any]) -> Recorded:
        """Add one row; never raises (see :class:`Recorded`)."""
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            with self._connect(read_only=False) as con:
                self._create(con)
                self._ingest_pending(con)
                self._insert(con, record)
            return Recorded("stored")
        except Exception as exc:
            if _is_lock(exc):
                reason = "is in use by another process"
            else:
                reason = "cannot be written (" + " ".join(str(exc).split()) + ")"
        try:
            self._keep_pending(record)
        except Exception as exc:
            return Recorded(
                "lost",
                f"warning: run history {self.path} {reason}, nor {self.pending_dir} "
                f"({' '.join(str(exc).split())}): run {record['id']} not recorded; "
                "its results are complete",
            )
        return Recorded(
            "pending",
            f"warning: run history {self.path} {reason}: run {record['id']} is kept in "
            f"{self.pending_dir} and added to it next time",
        )

    # ------------------------------------------------------------------ reading
    def _pending_rows(self) -> list[dict[str, Any]]:
        rows = []
        if self.pending_dir.is_dir():
            for path in sorted(self.pending_dir.glob("*.json")):
                try:
                    rows.append(json.loads(path.read_text(encoding="utf-8")))
                except (OSError, ValueError):
                    continue
        return rows

    def rows(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every row (pending ones too), oldest first.

        Raises
        ------
        HistoryBusy
            The database stayed locked by a writer for ``wait_s``.
        """
        import duckdb

        out: list[dict[str, Any]] = []
        if self.path.exists():
            try:
                with self._connect(read_only=True) as con:
                    names = ", ".join(name for name, _ in COLUMNS)
                    fetched = con.execute(f"SELECT {names} FROM runs ORDER BY created, id")
                    out = [_from_row(r) for r in fetched.fetchall()]
            except duckdb.Error as exc:
                if _is_lock(exc):
                    raise HistoryBusy(f"{self.path} is in use by another process") from None
                if "does not exist" not in str(exc):
                    raise
        seen = {r["id"] for r in out}
        out += [r for r in self._pending_rows() if r.get("id") not in seen]
        out.sort(key=lambda r: (str(r.get("created")), str(r.get("id"))))
        if kind is not None:
            out = [r for r in out if r.get("kind") == kind]
        return out

    def get(self, ref: str) -> dict[str, Any]:
        """The row whose id is ``ref`` or starts with it (4 characters at least), or ``last``.

        Raises
        ------
        KeyError
            No row, or several, match.
        """
        rows = self.rows()
        if ref == "last":
            if not rows:
                raise KeyError("the history is empty")
            return rows[-1]
        if len(ref) < 4:
            raise KeyError(f"give at least 4 characters of an id (got {ref!r})")
        hits = [r for r in rows if str(r["id"]).startswith(ref)]
        if not hits:
            raise KeyError(f"no run {ref!r} in the history ({self.path})")
        if len(hits) > 1:
            raise KeyError(f"{ref!r} matches {len(hits)} runs; give more of the id")
        return hits[0]
