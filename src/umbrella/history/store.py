"""The run history: one row per command in a DuckDB database under ``$UMBRELLA_HOME``
(default ``~/.umbrella``), ``history.duckdb``.

Writing never loses or blocks a result. DuckDB lets one process at a time open the file for
writing; a writer that finds it locked tries again for a moment, then keeps its row in
``pending/`` (one JSON file, written atomically), which the next writer adds to the database.
A store that cannot be written at all gives a warning, and the command carries on.

The store is opened only if it is a regular file (a FIFO, device or folder at its path is never
opened, so it cannot hang a command), and within :data:`OPEN_TIMEOUT_S`; a file that is not an
umbrella run history (garbage, truncated, another schema, a newer version) is named in one line
(:class:`HistoryUnusable`). A pending file that is not a row umbrella wrote (malformed, not a
regular file, refused by the database) is moved to ``pending/quarantine/`` and reported
(:attr:`HistoryStore.notes`), and never keeps the other rows out of the database.
"""

from __future__ import annotations

import json
import os
import random
import re
import stat
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "COLUMNS",
    "OPEN_TIMEOUT_S",
    "HistoryBusy",
    "HistoryStore",
    "HistoryUnusable",
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
#: Where pending files that are not rows go (inside ``pending/``).
QUARANTINE = "quarantine"
#: Longest wait for the database file to open (a store on a hung file system), seconds.
OPEN_TIMEOUT_S = 10.0
#: Largest pending file read, bytes.
MAX_PENDING_BYTES = 64 * 2**20
_ID = re.compile(r"[0-9A-Za-z_-]{4,64}")


def default_home() -> Path:
    """``$UMBRELLA_HOME``, or ``~/.umbrella``."""
    home = os.environ.get("UMBRELLA_HOME")
    return Path(home).expanduser() if home else Path.home() / ".umbrella"


class HistoryBusy(Exception):
    """The history database stayed locked by another process while reading."""


class HistoryUnusable(Exception):
    """The history database cannot be used: not a regular file, not an umbrella run history,
    unreadable, or it did not open in time. The message names the file."""


@dataclass(frozen=True)
class Recorded:
    """How a row was recorded: ``"stored"``, ``"pending"`` (kept beside the locked database,
    added by the next writer) or ``"lost"``; ``warning`` is the line to show, if any, and
    ``notes`` the pending files moved to quarantine on the way (one line each)."""

    status: str
    warning: str | None = None
    notes: tuple[str, ...] = ()


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
            with suppress(ValueError, RecursionError):  # else shown as the text it is
                value = json.loads(value)
        rec[name] = value
    return rec


def _row_problem(record: Any) -> str | None:
    """Why a pending file's document is not a row umbrella wrote (None if it is one)."""
    if not isinstance(record, dict):
        return "not a JSON object"
    if not isinstance(record.get("id"), str) or not _ID.fullmatch(record["id"]):
        return "no id"
    if not isinstance(record.get("kind"), str) or not record["kind"]:
        return "no kind"
    created = record.get("created")
    try:
        datetime.fromisoformat(str(created).removesuffix("Z"))
    except ValueError:
        return "no creation time"
    for name in ("seed", "runs"):
        value = record.get(name)
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or abs(value) >= 2**63
        ):
            return f"{name} is not a whole number"
    unknown = set(record) - {name for name, _ in COLUMNS} - {"catalog_hash"}
    if unknown:
        return f"unknown fields ({', '.join(sorted(map(str, unknown))[:3])})"
    return None


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
        #: Pending files moved to quarantine by this store, one line each.
        self.notes: list[str] = []

    @property
    def path(self) -> Path:
        """The database file."""
        return self.home / DB_NAME

    @property
    def pending_dir(self) -> Path:
        """Rows waiting to be added (the database was locked when they were recorded)."""
        return self.home / PENDING

    # ------------------------------------------------------------------ connections
    def _check_file(self) -> bool:
        """Whether the database file is there; it must be a regular file (never a FIFO, device
        or folder, which could block or fail the open)."""
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise HistoryUnusable(f"{self.path} cannot be read: {exc.strerror or exc}") from None
        if not stat.S_ISREG(info.st_mode):
            raise HistoryUnusable(
                f"{self.path} is not a regular file (a folder, FIFO or device), not a run history"
            )
        return True

    def _open(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        """``duckdb.connect`` within :data:`OPEN_TIMEOUT_S` (a store on a hung file system is
        given up, never waited on)."""
        import duckdb

        done: list[Any] = []

        def connect() -> None:
            try:
                done.append(duckdb.connect(str(self.path), read_only=read_only))
            except BaseException as exc:  # handed to the caller's thread
                done.append(exc)

        worker = threading.Thread(target=connect, name="umbrella-history-open", daemon=True)
        worker.start()
        worker.join(OPEN_TIMEOUT_S)
        if not done:
            raise HistoryUnusable(f"{self.path} did not open within {OPEN_TIMEOUT_S:g} s")
        if isinstance(done[0], BaseException):
            raise done[0]
        con: duckdb.DuckDBPyConnection = done[0]
        return con

    @contextmanager
    def _connect(self, read_only: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        import duckdb

        self._check_file()
        deadline = time.monotonic() + self.wait_s
        delay = 0.02
        while True:
            try:
                con = self._open(read_only)
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

    def _check_schema(self, con: duckdb.DuckDBPyConnection) -> None:
        """Refuse a database that is not an umbrella run history this version reads."""
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "store" in tables:
            row = con.execute("SELECT max(schema_version) FROM store").fetchone()
            version = None if row is None else row[0]
            if isinstance(version, int) and version > SCHEMA_VERSION:
                raise HistoryUnusable(
                    f"{self.path} is a run history of a newer umbrella (schema {version}; this "
                    f"one reads {SCHEMA_VERSION})"
                )
        if "runs" in tables:
            have = {r[0] for r in con.execute("DESCRIBE runs").fetchall()}
            wanted = {name for name, _ in COLUMNS}
            if "catalog_hash" in have:  # a version-1 store, migrated when written
                have = (have - {"catalog_hash"}) | {"catalogue_hash"}
            missing = sorted(wanted - have)
            if missing:
                raise HistoryUnusable(
                    f"{self.path} is not an umbrella run history (its runs table lacks "
                    f"{', '.join(missing[:3])}{', ...' if len(missing) > 3 else ''})"
                )

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

    def _quarantine(self, path: Path, why: str) -> None:
        """Move a pending file that is not a row out of the way, and note it."""
        folder = self.pending_dir / QUARANTINE
        try:
            folder.mkdir(exist_ok=True)
            target = folder / path.name
            if os.path.lexists(target):
                target = folder / f"{path.stem}.{os.getpid()}.{time.time_ns()}{path.suffix}"
            os.rename(path, target)
            where = f"moved to {target}"
        except OSError as exc:
            where = f"left in place ({exc.strerror or exc})"
        self.notes.append(f"run history: {path} is not a row ({why}); {where}")

    def _pending(self) -> Iterator[tuple[Path, dict[str, Any]]]:
        """(file, row) of every pending file that holds a row; the others are quarantined."""
        from umbrella.core.errors import InputError
        from umbrella.core.userfiles import loads_strict_json

        try:
            if not stat.S_ISDIR(os.lstat(self.pending_dir).st_mode):
                return
            paths = sorted(self.pending_dir.glob("*.json"))
        except OSError:
            return
        for path in paths:
            try:
                info = os.lstat(path)
            except OSError:
                continue  # added to the database by another writer meanwhile
            if not stat.S_ISREG(info.st_mode):
                self._quarantine(path, "not a regular file")
                continue
            if info.st_size > MAX_PENDING_BYTES:
                self._quarantine(path, f"over {MAX_PENDING_BYTES:,} bytes")
                continue
            try:
                text = path.read_text(encoding="utf-8")
                record = loads_strict_json(text, path)
            except FileNotFoundError:
                continue
            except (OSError, UnicodeDecodeError, InputError) as exc:
                why = exc.message if isinstance(exc, InputError) else type(exc).__name__
                self._quarantine(path, why)
                continue
            problem = _row_problem(record)
            if problem is not None:
                self._quarantine(path, problem)
                continue
            if "catalog_hash" in record:  # kept by umbrella 0.1
                record["catalogue_hash"] = record.pop("catalog_hash")
            yield path, record

    def _ingest_pending(self, con: duckdb.DuckDBPyConnection) -> None:
        import duckdb

        for path, record in self._pending():
            try:
                self._insert(con, record)
            except (duckdb.Error, ValueError, TypeError, OverflowError) as exc:
                if _is_lock(exc):
                    raise
                self._quarantine(path, " ".join(str(exc).split())[:200])
                continue
            path.unlink(missing_ok=True)

    # ------------------------------------------------------------------ writing
    def _keep_pending(self, record: Mapping[str, Any]) -> None:
        from umbrella.core.files import nan_to_none

        self.pending_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.pending_dir)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(nan_to_none(dict(record)), fh, default=str, allow_nan=False)
            os.replace(tmp, self.pending_dir / f"{record['id']}.json")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def record(self, record: Mapping[str, Any]) -> Recorded:
        """Add one row; never raises (see :class:`Recorded`)."""
        self.notes = []
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            with self._connect(read_only=False) as con:
                self._check_schema(con)
                self._create(con)
                self._ingest_pending(con)
                self._insert(con, record)
            return Recorded("stored", notes=tuple(self.notes))
        except Exception as exc:
            if _is_lock(exc):
                reason = "is in use by another process"
            elif isinstance(exc, HistoryUnusable):
                reason = "cannot be written: " + str(exc).removeprefix(str(self.path)).strip()
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
                tuple(self.notes),
            )
        return Recorded(
            "pending",
            f"warning: run history {self.path} {reason}: run {record['id']} is kept in "
            f"{self.pending_dir} and added to it next time",
            tuple(self.notes),
        )

    # ------------------------------------------------------------------ reading
    def _pending_rows(self) -> list[dict[str, Any]]:
        return [record for _, record in self._pending()]

    def rows(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every row (pending ones too), oldest first.

        Raises
        ------
        HistoryBusy
            The database stayed locked by a writer for ``wait_s``.
        HistoryUnusable
            The database is not a regular file, not an umbrella run history, or unreadable.
        """
        import duckdb

        self.notes = []
        out: list[dict[str, Any]] = []
        if self._check_file():
            try:
                with self._connect(read_only=True) as con:
                    self._check_schema(con)
                    names = ", ".join(name for name, _ in COLUMNS)
                    fetched = con.execute(f"SELECT {names} FROM runs ORDER BY created, id")
                    out = [_from_row(r) for r in fetched.fetchall()]
            except duckdb.Error as exc:
                if _is_lock(exc):
                    raise HistoryBusy(f"{self.path} is in use by another process") from None
                if "does not exist" not in str(exc):
                    what = " ".join(str(exc).split())
                    raise HistoryUnusable(
                        f"{self.path} is not a run history umbrella can read ({what})"
                    ) from None
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
