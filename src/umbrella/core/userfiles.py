"""Reading a user's text file safely: what it is, how big, and in which encoding.

Every reader of a user file (scenario, campaign, catalogue change, WTA instance, attack
reports) opens it through :func:`read_user_text`, which answers with an
:class:`~umbrella.core.errors.InputError` naming the file, instead of blocking or exhausting memory,
when the path is missing, a folder, a FIFO or a device, too large, binary, or not text in a
known encoding.
"""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

from umbrella.core.errors import InputError

__all__ = ["read_user_bytes", "read_user_text"]

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
