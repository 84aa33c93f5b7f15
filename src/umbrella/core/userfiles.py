"""Reading a user's text file safely: what it is, how big, and in which encoding.

Every reader of a user file (scenario, campaign, catalogue change, WTA instance, attack
reports) opens it through :func:`read_user_text`, which answers with an
:class:`~umbrella.core.errors.InputError` naming the file, instead of blocking or exhausting memory,
when the path is missing, a folder, a FIFO or a device, too large, binary, or not text in a
known encoding.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
from pathlib import Path
from typing import Any

from umbrella.core.errors import InputError

__all__ = [
    "loads_strict_json",
    "read_strict_json",
    "read_user_bytes",
    "read_user_text",
    "real_path",
]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def read_user_bytes(path: str | Path, max_bytes: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``max_bytes``.

    Raises
    ------
    InputError
        The path is missing, not a regular file (a folder, FIFO, device or socket), larger than
        ``max_bytes``, or cannot be read.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError("cannot read: no such file", source=path) from None
    except ValueError:  # a NUL byte in the path
        raise InputError("cannot read: the path holds a NUL byte", source=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=path) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"is a folder, not a {what}", source=path)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(
            f"not a regular file (a FIFO, device or socket), not a {what}", source=path
        )
    if info.st_size > max_bytes:
        raise InputError(
            f"too large: {info.st_size:,} bytes, over the limit of {max_bytes:,} for a {what}",
            source=path,
        )
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", source=path) from None
    if len(data) > max_bytes:
        raise InputError(f"too large: over the limit of {max_bytes:,} bytes", source=path)
    return data


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def read_user_text(path: str | Path, max_bytes: int, what: str = "file") -> str:
    """The text of a user file: UTF-8 (with or without a byte-order mark) or UTF-16/32 with one.

    Line ends are kept as they are (CRLF is fine for every reader here).

    Raises
    ------
    InputError
        As :func:`read_user_bytes`; or the file is binary (holds NUL bytes) or not text in one
        of those encodings (the message gives the first bad byte and its line).
    """
    data = read_user_bytes(path, max_bytes, what)
    encoding = "utf-8"
    for bom, name in _BOMS:
        if data.startswith(bom):
            encoding = name
            break
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InputError(
            f"not {encoding.upper().removesuffix('-SIG')} text: byte 0x{bad} cannot be decoded "
            "(save the file as UTF-8)",
            source=path,
            line=_line_of(data, exc.start) if encoding == "utf-8" else None,
        ) from None
    nul = text.find("\x00")
    if nul >= 0:
        raise InputError(
            f"binary data (a NUL byte), not a {what}",
            source=path,
            line=text.count("\n", 0, nul) + 1,
        )
    return text


def _refuse_constant(token: str) -> float:
    raise ValueError(f"{token} is not a number JSON allows")


def loads_strict_json(text: str, source: str | Path) -> Any:
    """Parse strict JSON: ``NaN``, ``Infinity`` and ``-Infinity`` are refused, as is a document
    nested too deeply to parse.

    Raises
    ------
    InputError
        Naming ``source`` (and the line, where the parser gives one).
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise InputError(f"not JSON: {exc.msg}", source=source, line=exc.lineno) from None
    except ValueError as exc:
        raise InputError(f"not strict JSON: {exc}", source=source) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", source=source) from None


def read_strict_json(path: str | Path, max_bytes: int, what: str = "JSON document") -> Any:
    """The strict JSON (:func:`loads_strict_json`) of a regular file of at most ``max_bytes``
    (:func:`read_user_text`)."""
    return loads_strict_json(read_user_text(path, max_bytes, what), path)


def real_path(path: str | Path, key: str | None = None) -> Path:
    """``path`` with every symbolic link resolved, never raising for a link that loops (the
    loop is left as it is, for the read that follows to refuse with one line).

    Raises
    ------
    InputError
        The path is empty or holds a NUL byte.
    """
    text = os.fspath(path)
    if text == "":
        raise InputError("empty path", source="''", key=key)
    if "\x00" in text:
        raise InputError("the path holds a NUL byte", source=text, key=key)
    return Path(os.path.realpath(text))
