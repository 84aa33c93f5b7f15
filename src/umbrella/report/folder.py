"""Rebuilding ``report.html`` in an existing output folder (``umbrella report DIR``).

The folder is written like any output (:func:`~umbrella.core.files.atomic_dir`): umbrella's
own files are copied into a staging folder, the page is built there from them, and the whole
is committed at once with a new manifest. A folder umbrella did not write is refused; one that
also holds a user's files, or files of umbrella's edited since, is refused unless ``force``
(then the page is built from umbrella's unchanged files only, and nothing else is touched).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from umbrella.core.errors import InputError
from umbrella.core.files import atomic_dir
from umbrella.core.manifest import MANIFEST, is_own_file, read_manifest
from umbrella.report.page import REPORT, build_report, report_kind

__all__ = ["rebuild_report"]


def rebuild_report(folder: str | Path, *, force: bool = False) -> Path:
    """Write ``report.html`` again in the umbrella output folder ``folder``; returns its path.

    Raises
    ------
    InputError
        ``folder`` is missing, not a folder, not an umbrella output (no manifest), holds files
        umbrella did not write (without ``force``), or holds no run, campaign or comparison.
    """
    real = Path(folder)
    if not real.is_dir():
        what = "is not a folder" if real.exists() else "no such folder"
        raise InputError(f"{what}; give an umbrella output folder", source=folder)
    manifest = read_manifest(real)
    if not manifest:
        raise InputError(
            f"is not an umbrella output folder (no valid {MANIFEST}); nothing written",
            source=folder,
        )
    own = [n for n in manifest if n != REPORT and is_own_file(real, n, manifest)]
    report_kind_of_files(real, own)
    with atomic_dir(real, force=force) as tmp:
        for name in own:
            shutil.copy2(real / name, tmp / name)
        build_report(tmp)
    return real / REPORT


def report_kind_of_files(folder: Path, names: list[str]) -> str:
    """:func:`~umbrella.report.page.report_kind` of ``folder``, refusing before any work a
    folder whose run, campaign or comparison document is not among umbrella's own ``names``."""
    if not {"summary.json", "compare.json"} & set(names):
        raise InputError(
            "holds no summary.json or compare.json that umbrella wrote; nothing written",
            source=folder,
        )
    return report_kind(folder)
