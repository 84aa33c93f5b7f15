"""Output folders: the one contract every ``--out`` folder keeps, and rebuilding its page.

Every output folder holds, written atomically (:func:`~umbrella.core.files.atomic_dir`):

- the manifest (:data:`~umbrella.core.manifest.MANIFEST`) with the output's ``kind`` and the
  name, size and SHA-256 of every file umbrella wrote;
- ``summary.json``: the result's document (what ``--json`` prints) with the stable part of its
  provenance under ``provenance``;
- ``meta.json``: the whole provenance (:mod:`umbrella.jobs.provenance`);
- the result's tables as Parquet, its charts as PNG (200 dpi) and SVG, and any other documents
  of its kind (``replay.json``, ``compare.json``, ``best.toml``, ...);
- ``report.html``, built from those files (:func:`~umbrella.report.page.build_report`).

:func:`write_output` writes such a folder; every result's ``write`` calls it.
:func:`rebuild_report` writes the page again in a folder umbrella wrote (``umbrella report DIR``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from umbrella.core.errors import InputError
from umbrella.core.files import atomic_dir, dumps_json
from umbrella.core.manifest import MANIFEST, is_own_file, read_kind, read_manifest
from umbrella.report.page import KINDS, REPORT, build_report

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

__all__ = [
    "CHART_DPI",
    "RUN_FIELDS",
    "hand_provenance",
    "rebuild_report",
    "stable_provenance",
    "write_output",
]

#: Resolution of the PNG charts in an output folder.
CHART_DPI = 200
#: Provenance fields that differ between two runs of the same command on the same inputs.
RUN_FIELDS = ("id", "created", "cwd")


def stable_provenance(meta: Mapping[str, Any]) -> dict[str, Any]:
    """``meta`` without the fields of one particular run (:data:`RUN_FIELDS`)."""
    return {k: v for k, v in meta.items() if k not in RUN_FIELDS}


def hand_provenance(kind: str, *, seed: int | None, runs: int | None) -> dict[str, Any]:
    """The provenance of a result made by hand (not by a job of :mod:`umbrella.jobs`, which
    records its inputs and command): its kind, seed, runs and umbrella's version."""
    from umbrella.core.version import __version__

    return {"kind": kind, "seed": seed, "runs": runs, "version": __version__}


def write_output(
    out: str | Path,
    *,
    kind: str,
    summary: Mapping[str, Any],
    meta: Mapping[str, Any],
    tables: Mapping[str, pd.DataFrame] | None = None,
    figures: Mapping[str, Figure] | None = None,
    documents: Mapping[str, Any] | None = None,
    texts: Mapping[str, str] | None = None,
    files: Mapping[str, bytes] | None = None,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
) -> Path:
    """Write an output folder of ``kind`` atomically (see the module docstring); returns it.

    Parameters
    ----------
    out
        The folder (created; an earlier umbrella output there is replaced whole).
    kind
        The output's kind, recorded in the manifest; one of :data:`~umbrella.report.page.KINDS`.
    summary, meta
        The result's document and its provenance.
    tables
        ``name -> DataFrame``, written as ``name.parquet``.
    figures
        ``name -> Figure``, written as ``name.png`` (200 dpi) and ``name.svg``.
    documents
        ``file name -> JSON document`` (strict JSON: NaN refused).
    texts
        ``file name -> text`` (a campaign file, a CSV).
    files
        ``file name -> bytes`` (a netCDF dataset).
    force, inputs
        As :func:`~umbrella.core.files.atomic_dir`.
    """
    from matplotlib import rc_context

    from umbrella.core.files import write_json
    from umbrella.report.charts.style import LITERAL_TEXT

    if kind not in KINDS:
        raise ValueError(f"unknown output kind {kind!r}")
    doc = dict(summary) | {"provenance": stable_provenance(meta)}
    dumps_json(doc)  # a NaN or infinity is refused before the folder is touched
    with atomic_dir(out, force=force, inputs=inputs, kind=kind) as tmp, rc_context(LITERAL_TEXT):
        for name, table in (tables or {}).items():
            table.to_parquet(tmp / f"{name}.parquet", index=False)
        for name, fig in (figures or {}).items():
            # bbox_inches="tight": nothing drawn (a label, the source line) falls off the edge.
            fig.savefig(tmp / f"{name}.png", dpi=CHART_DPI, bbox_inches="tight", pad_inches=0.1)
            fig.savefig(tmp / f"{name}.svg", metadata={"Date": None}, bbox_inches="tight",
                        pad_inches=0.1)  # fmt: skip
        for name, value in (documents or {}).items():
            write_json(tmp / name, value)
        for name, text in (texts or {}).items():
            (tmp / name).write_text(text, encoding="utf-8")
        for name, data in (files or {}).items():
            (tmp / name).write_bytes(data)
        write_json(tmp / "summary.json", doc)
        write_json(tmp / "meta.json", dict(meta))
        build_report(tmp, kind)
    return Path(out)


def rebuild_report(folder: str | Path, *, force: bool = False) -> Path:
    """Write ``report.html`` again in the umbrella output folder ``folder``; returns its path.

    The folder is written like any output: umbrella's own files are copied into a staging
    folder, the page is built there from them, and the whole is committed at once with a new
    manifest. A folder that also holds a user's files, or files of umbrella's edited since, is
    refused unless ``force`` (then the page is built from umbrella's unchanged files only, and
    nothing else is touched).

    Raises
    ------
    InputError
        ``folder`` is missing, not a folder, not an umbrella output (no manifest, or one that
        records no kind), holds files umbrella did not write (without ``force``), or lacks its
        ``summary.json``.
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
    kind = read_kind(real)
    if kind not in KINDS:
        raise InputError(
            f"its {MANIFEST} records no kind of output umbrella knows (a folder written before "
            "umbrella 0.2: run the command again); nothing written",
            source=folder,
        )
    own = [n for n in manifest if n != REPORT and is_own_file(real, n, manifest)]
    if "summary.json" not in own:
        raise InputError(
            "holds no summary.json that umbrella wrote; nothing written", source=folder
        )
    with atomic_dir(real, force=force, kind=kind) as tmp:
        for name in own:
            shutil.copy2(real / name, tmp / name)
        try:
            build_report(tmp, kind)
        except InputError as exc:  # named in the staging folder: name it in the folder
            where = real / Path(exc.source).name if exc.source else real
            raise InputError(exc.message, source=where, key=exc.key, line=exc.line) from None
        except _DAMAGED as exc:
            # Documents edited and re-hashed consistently: what they hold is not what the page
            # of their kind reads. One line naming the folder, nothing written.
            what = " ".join(str(exc).replace(str(tmp), str(real)).split())[:200]
            raise InputError(
                f"its documents and tables do not hold what a {kind} page reads "
                f"({type(exc).__name__}: {what}); nothing written",
                source=real,
            ) from None
    return real / REPORT


#: What building a page from documents of the wrong shape raises.
_DAMAGED = (AttributeError, TypeError, KeyError, ValueError, IndexError, OverflowError,
            ZeroDivisionError)  # fmt: skip
