"""Which files in an output folder are umbrella's: the manifest it writes beside them.

Every folder umbrella writes gets :data:`MANIFEST`: the output's ``kind`` (``run``, ``campaign``,
``compare``, ``optimise``, ``sweep``, ``nights``, ``data-summary``, ``backtest``, ...) and the files
written with their size and SHA-256. A file listed there, unchanged since, is umbrella's own (it may
be replaced by the next output); anything else in the folder (a file added, or one of umbrella's
edited) is the user's and is never replaced or removed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

__all__ = [
    "JOURNAL",
    "MANIFEST",
    "STAGING",
    "foreign_names",
    "is_own_file",
    "is_staging",
    "read_kind",
    "read_manifest",
    "sha256_file",
    "write_manifest",
]

MANIFEST = ".umbrella-output.json"
JOURNAL = ".umbrella-output.commit"
# Staging folders are named ``.<name>.umbrella-staging.<pid>.<random>``: one whose process is
# gone is left over from a kill and is removed by the next write beside it.
STAGING = "umbrella-staging"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def read_manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """Files of umbrella's earlier output in ``folder`` (empty when there is none)."""
    try:
        doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        files = doc["files"]
        if doc.get("written_by") == "umbrella" and isinstance(files, dict):
            return {str(k): v for k, v in files.items() if isinstance(v, dict)}
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return {}


def read_kind(folder: Path) -> str | None:
    """The kind of umbrella output in ``folder`` as its manifest records it (None when there is
    no manifest, or one written before manifests recorded the kind)."""
    try:
        doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("written_by") != "umbrella":
        return None
    kind = doc.get("kind")
    return kind if isinstance(kind, str) else None


def is_own_file(folder: Path, name: str, manifest: dict[str, dict[str, Any]]) -> bool:
    """Whether ``folder/name`` is a file umbrella wrote there and nobody has changed since."""
    entry = manifest.get(name)
    path = folder / name
    if entry is None or path.is_symlink() or not path.is_file():
        return False
    try:
        return path.stat().st_size == entry.get("size") and sha256_file(path) == entry.get("sha256")
    except OSError:
        return False


def is_staging(path: Path) -> bool:
    return f"{STAGING}." in path.name and path.name.startswith(".") and path.is_dir()


def foreign_names(folder: Path) -> list[str]:
    """Names in ``folder`` that are not umbrella's own (sorted)."""
    manifest = read_manifest(folder)
    out = []
    for entry in folder.iterdir():
        name = entry.name
        if name in (MANIFEST, JOURNAL) or is_staging(entry):
            continue
        if not is_own_file(folder, name, manifest):
            out.append(name)
    return sorted(out)


def write_manifest(staging: Path, kind: str | None = None) -> list[str]:
    names = sorted(p.name for p in staging.iterdir())
    for name in names:
        if not (staging / name).is_file():
            raise RuntimeError(f"output {name!r} is not a plain file")
    files = {n: {"size": (staging / n).stat().st_size, "sha256": sha256_file(staging / n)}
             for n in names}  # fmt: skip
    doc: dict[str, Any] = {"written_by": "umbrella"}
    if kind is not None:
        doc["kind"] = kind
    text = json.dumps(doc | {"files": files}, indent=2, allow_nan=False)
    (staging / MANIFEST).write_text(text + "\n", encoding="utf-8")
    return names
