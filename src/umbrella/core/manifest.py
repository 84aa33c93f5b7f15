"""Which files in an output folder are umbrella's: the manifest it writes beside them.

Every folder umbrella writes gets :data:`MANIFEST`: the output's ``kind`` (``run``, ``campaign``,
``compare``, ``optimise``, ``sweep``, ``nights``, ``data-summary``, ``backtest``, ...) and the files
written with their size and SHA-256. A file listed there, unchanged since, is umbrella's own (it may
be replaced by the next output); anything else in the folder (a file added, or one of umbrella's
edited) is the user's and is never replaced or removed.

A folder may come from someone else (a colleague's results, a download), so what it holds is
data, never instructions: every name read from its manifest or journal must be a plain file name
(:func:`is_plain_name`: no separator, no ``..``, not absolute, no NUL), the manifest and journal
must be regular files (never a link followed), strict JSON and of the expected form; one that is
not is refused with one line (:class:`~umbrella.core.errors.InputError` naming it), before any
file is touched.

An output that is one file (a fitted posture, a raid-tempo model) carries its own seal instead:
the SHA-256 of its content, in its last line (:func:`seal_text`: ``# umbrella-output
sha256=...``) or in its JSON document (:func:`seal_json`: ``"sha256"``, over the rest of the
document). Such a file is umbrella's while the seal matches (:func:`is_sealed_file`); an
existing file that is not is never replaced, ``--force`` or not.

Staging folders (where an output is written before it is committed) are recognised by the marker
file :data:`STAGING_MARK` that umbrella writes inside each as soon as it is made, recording the
folder's own name and the process writing it (:func:`is_staging`), never by their name alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from umbrella.core.errors import InputError
from umbrella.core.userfiles import loads_strict_json

__all__ = [
    "JOURNAL",
    "MANIFEST",
    "MAX_BOOK_BYTES",
    "STAGING",
    "STAGING_MARK",
    "foreign_names",
    "is_own_file",
    "is_plain_name",
    "is_sealed_file",
    "is_staging",
    "mark_staging",
    "read_book",
    "read_kind",
    "read_manifest",
    "seal_json",
    "seal_text",
    "sha256_file",
    "staging_pid",
    "write_manifest",
]

MANIFEST = ".umbrella-output.json"
JOURNAL = ".umbrella-output.commit"
# Staging folders are named ``.<name>.umbrella-staging.<pid>.<random>`` (a name for people to
# recognise; umbrella goes by the marker inside).
STAGING = "umbrella-staging"
#: The marker file inside every staging folder: ``{"written_by": "umbrella", "staging": <the
#: folder's name>, "pid": <the writing process>}``.
STAGING_MARK = ".umbrella-staging"
#: Largest manifest, journal or staging marker read, bytes (a manifest of 100,000 files).
MAX_BOOK_BYTES = 16 * 2**20
#: The names of umbrella's bookkeeping files in an output folder (never outputs themselves).
BOOKKEEPING = (MANIFEST, JOURNAL, STAGING_MARK)

_SHA256 = re.compile(r"[0-9a-f]{64}")
# Open without following a link, and without blocking on a FIFO put there since the check.
_NO_FOLLOW = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)


def is_plain_name(name: object) -> bool:
    """Whether ``name`` is a plain file name: text, not empty, not ``.`` or ``..``, without a
    path separator or NUL, not absolute, at most 255 bytes. Only such a name read from a folder
    (its manifest, its journal) is ever joined to the folder's path."""
    if not isinstance(name, str) or name in ("", ".", ".."):
        return False
    if "/" in name or "\\" in name or "\x00" in name or os.path.isabs(name):
        return False
    try:
        return len(os.fsencode(name)) <= 255
    except UnicodeError:
        return False


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _malformed(path: Path, why: str) -> InputError:
    return InputError(f"{why}; nothing touched (remove it to write here)", source=path)


def read_book(path: Path, what: str) -> Any:
    """The strict JSON of one of umbrella's bookkeeping files (manifest, journal, marker), or
    None where there is none. It is read only if it is a regular file (a link, folder, FIFO or
    device is never opened) of at most :data:`MAX_BOOK_BYTES`.

    Raises
    ------
    InputError
        The file is not a regular file, too large, unreadable or not strict JSON.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise _malformed(path, f"cannot read the {what}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _malformed(path, f"the {what} is not a regular file (a link, folder or device)")
    if info.st_size > MAX_BOOK_BYTES:
        raise _malformed(path, f"the {what} is {info.st_size:,} bytes, over {MAX_BOOK_BYTES:,}")
    try:
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(MAX_BOOK_BYTES + 1)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _malformed(path, f"unreadable {what} ({type(exc).__name__})") from None
    try:
        return loads_strict_json(text, path)
    except InputError as exc:
        raise _malformed(path, f"malformed {what}: {exc.message}") from None


def _check_entry(path: Path, name: object, entry: object) -> tuple[str, dict[str, Any]]:
    if not is_plain_name(name) or name in BOOKKEEPING:
        raise _malformed(path, f"malformed manifest: {name!r} is not a plain file name")
    assert isinstance(name, str)
    if (
        not isinstance(entry, dict)
        or isinstance(entry.get("size"), bool)
        or not isinstance(entry.get("size"), int)
        or entry["size"] < 0
        or not isinstance(entry.get("sha256"), str)
        or not _SHA256.fullmatch(entry["sha256"])
    ):
        raise _malformed(path, f"malformed manifest: the entry of {name!r} needs size and sha256")
    return name, {"size": entry["size"], "sha256": entry["sha256"]}


def _read(folder: Path) -> tuple[dict[str, dict[str, Any]], str | None] | None:
    """(files, kind) of the manifest in ``folder``; None where there is none."""
    path = folder / MANIFEST
    doc = read_book(path, "manifest")
    if doc is None:
        return None
    if not isinstance(doc, dict) or doc.get("written_by") != "umbrella":
        raise _malformed(path, "not umbrella's manifest (no written_by = umbrella)")
    files = doc.get("files")
    if not isinstance(files, dict):
        raise _malformed(path, "malformed manifest: no table of files")
    kind = doc.get("kind")
    if kind is not None and not isinstance(kind, str):
        raise _malformed(path, "malformed manifest: its kind is not text")
    return dict(_check_entry(path, k, v) for k, v in files.items()), kind


def read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Files of umbrella's earlier output in ``folder`` (empty when there is no manifest).

    Raises
    ------
    InputError
        The manifest is there but is not umbrella's, not a regular file, not strict JSON, or
        names something that is not a plain file name (:func:`is_plain_name`).
    """
    read = _read(folder)
    return {} if read is None else read[0]


def read_kind(folder: Path) -> str | None:
    """The kind of umbrella output in ``folder`` as its manifest records it (None when there is
    no manifest, or one written before manifests recorded the kind).

    Raises
    ------
    InputError
        As :func:`read_manifest`.
    """
    read = _read(folder)
    return None if read is None else read[1]


def is_own_file(folder: Path, name: str, manifest: dict[str, dict[str, Any]]) -> bool:
    """Whether ``folder/name`` is a file umbrella wrote there and nobody has changed since: a
    plain name listed in ``manifest``, a regular file (not a link), of the size and SHA-256
    recorded."""
    entry = manifest.get(name)
    if entry is None or not is_plain_name(name):
        return False
    path = folder / name
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size != entry.get("size"):
            return False
        return sha256_file(path) == entry.get("sha256")
    except OSError:
        return False


def mark_staging(staging: Path, name: str | None = None) -> None:
    """Write the marker that makes ``staging`` a staging folder of this process, under the
    folder's name (or ``name``: the name it is about to take)."""
    doc = {"written_by": "umbrella", "staging": name or staging.name, "pid": os.getpid()}
    (staging / STAGING_MARK).write_text(json.dumps(doc) + "\n", encoding="utf-8")


def _mark(path: Path) -> dict[str, Any] | None:
    try:
        doc = read_book(path / STAGING_MARK, "staging marker")
    except InputError:
        return None
    if (
        not isinstance(doc, dict)
        or doc.get("written_by") != "umbrella"
        or doc.get("staging") != path.name
        or isinstance(doc.get("pid"), bool)
        or not isinstance(doc.get("pid"), int)
    ):
        return None
    return doc


def is_staging(path: Path) -> bool:
    """Whether ``path`` is one of umbrella's staging folders: a folder (not a link) holding the
    marker :data:`STAGING_MARK` that names it."""
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            return False
    except OSError:
        return False
    return _mark(path) is not None


def staging_pid(path: Path) -> int | None:
    """The process that wrote the staging folder ``path`` (None if it is not one)."""
    if not is_staging(path):
        return None
    doc = _mark(path)
    return None if doc is None else int(doc["pid"])


def foreign_names(folder: Path) -> list[str]:
    """Names in ``folder`` that are not umbrella's own (sorted).

    Raises
    ------
    InputError
        As :func:`read_manifest`.
    """
    manifest = read_manifest(folder)
    out = []
    for entry in folder.iterdir():
        name = entry.name
        if name in BOOKKEEPING or is_staging(entry):
            continue
        if not is_own_file(folder, name, manifest):
            out.append(name)
    return sorted(out)


def write_manifest(staging: Path, kind: str | None = None) -> list[str]:
    """Write the manifest of the files in ``staging`` (its staging marker left out); returns
    their names."""
    names = sorted(p.name for p in staging.iterdir() if p.name not in BOOKKEEPING)
    for name in names:
        if not is_plain_name(name) or not stat.S_ISREG(os.lstat(staging / name).st_mode):
            raise RuntimeError(f"output {name!r} is not a plain file")
    files = {n: {"size": (staging / n).stat().st_size, "sha256": sha256_file(staging / n)}
             for n in names}  # fmt: skip
    doc: dict[str, Any] = {"written_by": "umbrella"}
    if kind is not None:
        doc["kind"] = kind
    text = json.dumps(doc | {"files": files}, indent=2, allow_nan=False)
    (staging / MANIFEST).write_text(text + "\n", encoding="utf-8")
    return names


#: The last line of a sealed text file, before the SHA-256 of the text above it (as UTF-8).
SEAL = "# umbrella-output sha256="
_SEALED_LINE = re.compile(r"(?:^|\n)# umbrella-output sha256=([0-9a-f]{64})\n\Z")
#: Largest single-file output whose seal is checked, bytes.
MAX_SEALED_BYTES = 256 * 2**20


def seal_text(text: str) -> str:
    """``text`` (ending in a newline) with a last line, a comment in TOML, that records the
    SHA-256 of the text above it."""
    if text and not text.endswith("\n"):
        text += "\n"
    return f"{text}{SEAL}{hashlib.sha256(text.encode('utf-8')).hexdigest()}\n"


def _json_digest(doc: dict[str, Any]) -> str:
    rest = {k: v for k, v in doc.items() if k != "sha256"}
    text = json.dumps(rest, sort_keys=True, allow_nan=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def seal_json(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with ``"written_by": "umbrella"`` and ``"sha256"``: the SHA-256 of the rest of
    the document (its keys sorted, compact)."""
    out = {k: v for k, v in doc.items() if k != "sha256"} | {"written_by": "umbrella"}
    return out | {"sha256": _json_digest(out)}


def is_sealed_file(path: Path, *, kind: str | None = None) -> bool:
    """Whether ``path`` is a single-file output umbrella wrote and nobody has changed since:
    a regular file (a link is not followed) whose seal matches its content, and for a JSON
    document, whose ``kind`` is ``kind``."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_SEALED_BYTES:
            return False
        fd = os.open(
            path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
        )
        with os.fdopen(fd, "rb") as fh:
            data = fh.read(MAX_SEALED_BYTES + 1)
        text = data.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    tail = _SEALED_LINE.search(text)
    if tail is not None:
        body = text[: tail.start() + (1 if text[tail.start()] == "\n" else 0)]
        return kind is None and hashlib.sha256(body.encode("utf-8")).hexdigest() == tail.group(1)
    try:
        doc = loads_strict_json(text, path)
    except InputError:
        return False
    return (
        isinstance(doc, dict)
        and doc.get("written_by") == "umbrella"
        and (kind is None or doc.get("kind") == kind)
        and doc.get("sha256") == _json_digest(doc)
    )
