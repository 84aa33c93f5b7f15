"""Writing outputs that never destroy: atomic files, and ``--out`` folders kept beside a user's own.

An output folder is written into a hidden staging folder first and committed only when every
file is there, so an interruption leaves the previous complete output or none. Umbrella records
what it wrote in a manifest (:data:`MANIFEST`: name, size and SHA-256 of each file), which is how
it tells its own files from a user's:

* a new or empty folder, or one holding only an earlier umbrella output, is replaced whole by an
  atomic exchange of the two folders (``renameat2(RENAME_EXCHANGE)``; on systems without it, two
  renames, with the earlier output kept aside until the new one is in place);
* a folder that holds anything else (a file umbrella did not write, or one of its files since
  edited) is refused with one line, unless ``force``: then umbrella's files are written beside
  the user's, replacing only the files of its own earlier output. The files are moved in with
  SIGINT and SIGTERM held, after a journal of the move is written, so a move cut short (by a
  ``kill -9`` or a power cut) is completed by the next write into the folder;
* a path that is an existing file, that is or contains one of the command's inputs, or that is
  empty, is refused.

A folder may come from someone else, so what it holds is data, never instructions: its manifest
and journal are read only if they are regular files of strict JSON whose every name is a plain
file name (:func:`~umbrella.core.manifest.is_plain_name`), and the journal's staging folder only
if it is a folder (not a link) holding umbrella's marker; anything else is refused with one line
before any file is touched. A file is replaced or removed only if its current bytes are the ones
umbrella's manifest records (``--force`` included). Staging folders are recognised by the marker
umbrella writes inside them (:func:`~umbrella.core.manifest.is_staging`), and one left by a
process that has gone is removed only if it holds nothing but regular files.

Nothing else is ever removed. Folders and files get the ordinary permissions (``0777`` and
``0666`` less the umask).
"""

from __future__ import annotations

import ctypes
import errno
import json
import math
import os
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from umbrella.core.errors import InputError
from umbrella.core.manifest import (
    BOOKKEEPING,
    JOURNAL,
    MANIFEST,
    STAGING,
    STAGING_MARK,
    foreign_names,
    is_own_file,
    is_plain_name,
    is_sealed_file,
    is_staging,
    mark_staging,
    read_book,
    read_manifest,
    staging_pid,
    write_manifest,
)

__all__ = [
    "MANIFEST",
    "atomic_dir",
    "check_output_dir",
    "check_output_file",
    "current_umask",
    "dumps_json",
    "hold_signals",
    "release_signals",
    "write_json",
    "write_text_atomic",
]


#: The manifest umbrella writes into every output folder.
def current_umask() -> int:
    """The process umask (read without changing it where the system allows)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def nan_to_none(value: Any) -> Any:
    """``value`` with every NaN or infinite float, at any depth, replaced by None: what strict
    JSON writes for "no value"."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: nan_to_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [nan_to_none(v) for v in value]
    return value


def dumps_json(obj: Any, *, indent: int | None = None) -> str:
    """Strict JSON: a NaN or infinity is an error, never written (``allow_nan=False``)."""
    return json.dumps(obj, indent=indent, allow_nan=False)


def hold_signals() -> set[int | signal.Signals] | None:
    """Hold SIGINT and SIGTERM (in the main thread): they are delivered by
    :func:`release_signals`. Returns the mask to restore (None off the main thread).

    Used as ``mask = hold_signals()`` and ``try: ... finally: release_signals(mask)``, not as a
    ``with`` block, whose exit an interrupt could skip.
    """
    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})


def release_signals(mask: set[int | signal.Signals] | None) -> None:
    """Restore the mask :func:`hold_signals` returned (pending signals arrive now)."""
    if mask is not None:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _fail(target: Path | str, message: str) -> InputError:
    return InputError(message, source=target, key="--out")


def _resolve(target: str | Path) -> Path:
    from umbrella.core.userfiles import real_path

    if str(target) == "":
        raise _fail("''", "empty path")
    return real_path(target, key="--out")


def _check_inputs(target: Path, shown: str | Path, inputs: Iterable[str | Path]) -> None:
    from umbrella.core.userfiles import real_path

    for item in inputs:
        real = real_path(item)
        if real == target:
            raise _fail(shown, f"is the input {item}; choose another path")
        if target in real.parents:
            raise _fail(shown, f"holds the input {item}; choose another folder")


def check_output_dir(
    target: str | Path, *, inputs: Iterable[str | Path] = (), force: bool = False
) -> Path:
    """Refuse, before any work, an output folder that cannot be written without loss.

    Returns the resolved folder. See the module docstring for the rules.

    Raises
    ------
    InputError
        The path is empty, an existing file, is or holds an input, or (without ``force``) holds
        files umbrella did not write.
    """
    real = _resolve(target)
    _check_inputs(real, target, inputs)
    if real.exists() and not real.is_dir():
        raise _fail(target, "is a file, not a folder; give a folder for the outputs")
    if real.is_dir():
        _roll_forward(real)
        read_manifest(real)  # a manifest that is not umbrella's, or names a path, is refused
        if not force:
            foreign = foreign_names(real)
            if foreign:
                names = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
                raise _fail(
                    target,
                    f"holds {len(foreign)} file(s) umbrella did not write ({names}); give a new or "
                    "empty folder, or --force to write umbrella's files beside them",
                )
    elif not real.parent.is_dir():
        try:
            real.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _fail(target, f"cannot create the folder: {exc.strerror or exc}") from None
    return real


def check_output_file(
    path: str | Path, *, kind: str, inputs: Iterable[str | Path] = (), force: bool = False
) -> Path:
    """Refuse, before any work, an output file that would replace something not umbrella's.

    An existing file is replaced only if umbrella wrote it as a document of the same ``kind``
    and nobody has changed it since (its seal matches: :func:`~umbrella.core.manifest.seal_json`).
    ``force`` changes nothing here: a file umbrella did not write is never replaced.
    """
    real = _resolve(path)
    _check_inputs(real, path, inputs)
    if real.is_dir():
        raise _fail(path, "is a folder; give a file name")
    if os.path.lexists(real) and not is_sealed_file(real, kind=kind):
        raise _fail(path, "exists and is not an umbrella output of this kind (or was edited "
                          "since umbrella wrote it); give another name (--force never replaces "
                          "a file umbrella did not write)")  # fmt: skip
    return real


def _clean_stale(folder: Path) -> None:
    """Remove staging folders (marked as umbrella's) left by processes that no longer run."""
    try:
        entries = list(folder.iterdir())
    except OSError:
        return
    for entry in entries:
        pid = staging_pid(entry)
        if pid is None:
            pid = _emptied_staging_pid(entry)
        if pid is None:
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            _remove_staging(entry)
        except OSError:
            continue


def _emptied_staging_pid(path: Path) -> int | None:
    """The process named by an *empty* folder named as a staging folder (one whose removal a
    kill cut between its marker and the folder itself): removing it removes nothing else."""
    name = path.name
    if not name.startswith(".") or f".{STAGING}." not in name:
        return None
    try:
        if not stat.S_ISDIR(os.lstat(path).st_mode) or any(path.iterdir()):
            return None
        return int(name.rsplit(f".{STAGING}.", 1)[1].split(".")[0])
    except (OSError, ValueError, IndexError):
        return None


def _remove_staging(staging: Path) -> None:
    """Remove a staging folder that holds only regular files (its marker last, so that a
    folder half removed is still recognised); one holding anything else is left alone."""
    try:
        entries = list(staging.iterdir())
        if not all(stat.S_ISREG(os.lstat(e).st_mode) for e in entries):
            return
        for entry in entries:
            if entry.name != STAGING_MARK:
                entry.unlink()
        (staging / STAGING_MARK).unlink(missing_ok=True)
        staging.rmdir()
    except OSError:
        return


def _unmark(folder: Path) -> None:
    """Remove a staging marker that a committed folder still holds (it names another folder)."""
    path = folder / STAGING_MARK
    try:
        doc = read_book(path, "staging marker")
    except InputError:
        return
    if isinstance(doc, dict) and doc.get("written_by") == "umbrella":
        path.unlink(missing_ok=True)


def _new_staging(parent: Path, label: str) -> Path:
    label = label[:80]
    staging = Path(tempfile.mkdtemp(prefix=f".{label}{STAGING}.{os.getpid()}.", dir=parent))
    try:
        mark_staging(staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def _fix_modes(staging: Path) -> None:
    mask = current_umask()
    os.chmod(staging, 0o777 & ~mask)
    for entry in staging.iterdir():
        if entry.is_file() and not entry.is_symlink():
            os.chmod(entry, 0o666 & ~mask)


@contextmanager
def atomic_dir(
    target: str | Path,
    *,
    force: bool = False,
    inputs: Iterable[str | Path] = (),
    kind: str | None = None,
) -> Iterator[Path]:
    """Yield a staging folder whose files become ``target``'s only if the block succeeds.

    Parameters
    ----------
    target
        The output folder (created if missing).
    force
        Write beside files umbrella did not write (never replacing or removing them).
    inputs
        The command's inputs: ``target`` may not be one of them or hold one.
    kind
        The output's kind, recorded in the manifest (see :mod:`umbrella.core.manifest`).

    Raises
    ------
    InputError
        As :func:`check_output_dir`; or the folder cannot be written.
    """
    inputs = list(inputs)
    real = check_output_dir(target, inputs=inputs, force=force)
    in_place = real.is_dir() and (
        bool(foreign_names(real)) or real == Path.cwd() or real in Path.cwd().parents
    )
    parent = real if in_place else real.parent
    _clean_stale(parent)
    try:
        staging = _new_staging(parent, "" if in_place else f"{real.name}.")
    except OSError as exc:
        raise _fail(target, f"cannot write here: {exc.strerror or exc}") from None
    try:
        yield staging
        names = write_manifest(staging, kind)
        _fix_modes(staging)
        check_output_dir(target, inputs=inputs, force=force)
        if in_place:
            _commit_in_place(real, staging, names)
        else:
            _commit_whole(real, staging)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise _fail(target, f"cannot write: {exc.strerror or exc}") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system cannot."""
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _commit_whole(real: Path, staging: Path) -> None:
    """``staging`` becomes ``real``; an earlier umbrella output there is removed after.

    The earlier output is marked as a staging folder under the name it takes when swapped out,
    so that a kill before it is removed leaves a folder the next write recognises and clears."""
    mask = hold_signals()
    try:
        if not real.exists():
            os.rename(staging, real)
            _unmark(real)
            return
        os.chmod(staging, stat.S_IMODE(real.stat().st_mode))
        mark_staging(real, staging.name)
        if not _exchange(staging, real):
            old = staging.with_name(staging.name + ".old")
            mark_staging(real, old.name)
            os.rename(real, old)
            os.rename(staging, real)
            staging = old
        _unmark(real)
    finally:
        release_signals(mask)
    _dispose_old(staging, real)


def _dispose_old(old: Path, real: Path) -> None:
    """Remove an earlier umbrella output swapped out of ``real``; anything else in it (a file
    that appeared while the command ran) is moved back into ``real``, or the folder is kept."""
    manifest = read_manifest(old)
    kept = False
    for entry in list(old.iterdir()):
        name = entry.name
        if name == STAGING_MARK:
            continue
        if name == MANIFEST or is_own_file(old, name, manifest):
            entry.unlink()
        elif not os.path.lexists(real / name):
            os.rename(entry, real / name)
        else:
            kept = True
    (old / STAGING_MARK).unlink(missing_ok=True)
    if kept:
        os.rename(old, real.with_name(f"{real.name}.kept-{os.getpid()}"))
    else:
        old.rmdir()


def _commit_in_place(real: Path, staging: Path, names: list[str]) -> None:
    """Move umbrella's files into a folder that also holds a user's, under a journal."""
    old = read_manifest(real)
    remove = sorted(n for n in old if n not in names and is_own_file(real, n, old))
    for name in names:
        if os.path.lexists(real / name) and not is_own_file(real, name, old):
            raise _fail(real, f"would replace {name}, which umbrella did not write; "
                              "move it or choose another folder")  # fmt: skip
    journal = {"staging": staging.name, "files": names, "remove": remove}
    tmp = staging / JOURNAL
    tmp.write_text(dumps_json(journal), encoding="utf-8")
    mask = hold_signals()
    try:
        os.replace(tmp, real / JOURNAL)
        _roll_forward(real)
    finally:
        release_signals(mask)


def _names(journal: dict[str, Any], key: str, path: Path) -> list[str]:
    names = journal.get(key)
    if not isinstance(names, list):
        raise _bad_journal(path, f"its {key} is not a list of file names")
    for name in names:
        if not is_plain_name(name) or name in BOOKKEEPING:
            raise _bad_journal(path, f"{name!r} in its {key} is not a plain file name")
    return list(names)


def _bad_journal(path: Path, why: str) -> InputError:
    return InputError(f"malformed journal: {why}; nothing touched (remove it to write here)",
                      source=path)  # fmt: skip


def _check_journal(real: Path) -> tuple[Path, list[str], list[str]] | None:
    """The staging folder, files and removals a journal in ``real`` records, every one
    checked before anything is touched (None when there is no journal)."""
    path = real / JOURNAL
    journal = read_book(path, "journal")
    if journal is None:
        return None
    if not isinstance(journal, dict):
        raise _bad_journal(path, "not a JSON object")
    name = journal.get("staging")
    if not is_plain_name(name) or STAGING not in str(name):
        raise _bad_journal(path, f"its staging {name!r} is not a staging folder's name")
    files, remove = _names(journal, "files", path), _names(journal, "remove", path)
    staging = real / str(name)
    try:
        mode = os.lstat(staging).st_mode
    except FileNotFoundError:
        return staging, files, remove  # moved and cleared: only the journal is left
    except OSError as exc:
        raise _bad_journal(path, f"its staging folder cannot be read ({exc.strerror})") from None
    if not stat.S_ISDIR(mode):
        raise _bad_journal(path, f"its staging {name!r} is not a folder (a link or a file)")
    entries = list(staging.iterdir())
    if entries and not is_staging(staging):
        raise _bad_journal(path, f"{name!r} holds no staging marker of umbrella's")
    for entry in entries:
        if not stat.S_ISREG(os.lstat(entry).st_mode):
            raise _bad_journal(path, f"{name}/{entry.name} is not a regular file")
    old = read_manifest(real)
    for file in files:
        moving = os.path.lexists(staging / file) and os.path.lexists(real / file)
        if moving and not is_own_file(real, file, old):
            raise _fail(real, f"would replace {file}, which umbrella did not write; "
                              f"move it, or remove {JOURNAL} to write here")  # fmt: skip
    if os.path.lexists(staging / MANIFEST):
        read_manifest(staging)
    return staging, files, remove


def _roll_forward(real: Path) -> None:
    """Finish a move into ``real`` that its journal records (idempotent). The journal is
    checked whole first (:func:`_check_journal`); a removal happens only to a file whose
    current bytes are those the folder's manifest records."""
    checked = _check_journal(real)
    if checked is None:
        return
    staging, files, remove = checked
    for name in files:
        if os.path.lexists(staging / name):
            os.replace(staging / name, real / name)
    old = read_manifest(real)
    for name in remove:
        if name not in files and is_own_file(real, name, old):
            (real / name).unlink()
    if os.path.lexists(staging / MANIFEST):
        os.replace(staging / MANIFEST, real / MANIFEST)
    if os.path.lexists(staging):
        _remove_staging(staging)
    (real / JOURNAL).unlink()


def write_text_atomic(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename (mode ``0666`` less
    the umask)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o666 & ~current_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: str | Path, obj: Any) -> None:
    """Write ``obj`` as indented strict JSON (a NaN or infinity is an error), atomically."""
    write_text_atomic(path, dumps_json(obj, indent=2) + "\n")
