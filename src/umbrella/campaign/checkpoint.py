"""Campaign checkpoints: the state after a whole number of nights, saved and restored.

The campaign engine is given a :class:`CheckpointStore`; :class:`FileCheckpoint` keeps it in one
``.npz`` file: a zip of plain ``.npy`` arrays (int64 and float64 only) and a JSON header,
written atomically. Nothing in it is ever unpickled or executed. The header carries the run's
fingerprint (a hash of every input, the run count, the seed and the version) and a SHA-256 of
each array; a file that is torn, bit-flipped, of another run, or whose arrays do not match their
checksums is refused with one line.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from umbrella.campaign.spec import MAX_DAYS, Campaign, campaign_hash
from umbrella.core.errors import InputError
from umbrella.core.files import current_umask, hold_signals, release_signals
from umbrella.core.limits import MAX_MEMORY_BYTES
from umbrella.core.userfiles import loads_strict_json
from umbrella.core.version import __version__
from umbrella.scenario.model import Scenario, scenario_hash

if TYPE_CHECKING:
    from umbrella.tempo.model import TempoModel

__all__ = [
    "KIND",
    "Checkpoint",
    "CheckpointStore",
    "FileCheckpoint",
    "catalogue_hash",
    "fingerprint",
]

#: The ``kind`` in a checkpoint's header.
KIND = "umbrella.campaign_checkpoint"
_FORMAT = 3
_META = "meta.json"
_DTYPES = (np.dtype(np.int64), np.dtype(np.float64))
#: Largest checkpoint read (the campaign's result arrays are at most ``MAX_MEMORY_BYTES``).
MAX_CHECKPOINT_BYTES = MAX_MEMORY_BYTES + 2**20


@dataclass(frozen=True)
class Checkpoint:
    """Nights ``0 .. done - 1`` finished; ``state`` holds their per-run arrays."""

    done: int
    state: dict[str, npt.NDArray[np.generic]]


class CheckpointStore(Protocol):
    """Where a campaign keeps its progress."""

    def load(self, fingerprint: str) -> Checkpoint | None:
        """The saved checkpoint of the run with this fingerprint, or None if there is none.

        Raises :class:`~umbrella.core.errors.InputError` if one is there but belongs to another run
        or cannot be read.
        """
        ...

    def save(self, fingerprint: str, checkpoint: Checkpoint) -> None:
        """Save (replacing any earlier one) all at once."""
        ...

    def clear(self) -> None:
        """Remove the saved checkpoint (the run finished)."""
        ...


def _write_zip(fh: Any, meta: dict[str, Any], state: dict[str, npt.NDArray[np.generic]]) -> None:
    """The checkpoint's zip into the open file ``fh``, flushed to disk."""
    zf = None
    try:
        zf = zipfile.ZipFile(fh, "w", zipfile.ZIP_STORED, allowZip64=True)
        zf.writestr(_META, json.dumps(meta, sort_keys=True))
        for name, array in state.items():
            zf.writestr(f"{name}.npy", _npy_bytes(np.ascontiguousarray(array)))
        zf.close()
    except BaseException:
        if zf is not None:
            zf.fp = None  # abandoned: the caller removes the file, nothing to finish
        raise
    fh.flush()
    os.fsync(fh.fileno())


def _sha256(obj: Any) -> str:
    text = json.dumps(obj, sort_keys=True, allow_nan=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def catalogue_hash(defence: Scenario) -> str:
    """SHA-256 of the resolved catalogue a defence flies with (bundled values and changes)."""
    cat = defence.resolved_catalogue()
    return _sha256({
        section: {name: t.model_dump(mode="json") for name, t in getattr(cat, section).items()}
        for section in ("threats", "interceptors", "fire_units", "sensors")
    })  # fmt: skip


def fingerprint(
    campaign: Campaign, defence: Scenario, tempo: TempoModel | None, runs: int, seed: int
) -> str:
    """What a checkpoint must match: the campaign, the defence scenario, the resolved catalogue,
    the raid-tempo model fitted to the attack reports (so the reports up to ``train_end``, all
    the model reads of them), the run count, the seed and the version."""
    tempo_hash = "" if tempo is None else _sha256(tempo.to_dict())
    parts = (campaign_hash(campaign), scenario_hash(defence), catalogue_hash(defence), tempo_hash,
             runs, seed, __version__)  # fmt: skip
    return ":".join(str(p) for p in parts)


def _npy_bytes(array: npt.NDArray[np.generic]) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=False)
    return buf.getvalue()


def _digest(array: npt.NDArray[np.generic]) -> str:
    h = hashlib.sha256(f"{array.dtype.str}{array.shape}".encode())
    h.update(np.ascontiguousarray(array).tobytes())
    return h.hexdigest()


class FileCheckpoint:
    """A checkpoint kept in one ``.npz`` file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"FileCheckpoint({str(self.path)!r})"

    def _fail(self, message: str) -> InputError:
        return InputError(message, source=self.path)

    def _read(self) -> tuple[dict[str, Any], dict[str, npt.NDArray[np.generic]]] | None:
        """Header and arrays, checked against the checksums; None when there is no file."""
        try:
            info = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise self._fail(f"cannot read checkpoint: {exc.strerror or exc}") from None
        if not stat.S_ISREG(info.st_mode):
            raise self._fail("not a checkpoint: not a regular file")
        if info.st_size > MAX_CHECKPOINT_BYTES:
            raise self._fail(f"not a checkpoint: {info.st_size:,} bytes, over the limit")
        try:
            with zipfile.ZipFile(self.path) as zf:
                return self._read_zip(zf)
        except InputError:
            raise
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError,
                KeyError, TypeError, RuntimeError, NotImplementedError) as exc:  # fmt: skip
            raise self._fail(f"torn or foreign checkpoint ({type(exc).__name__})") from None

    def _read_zip(
        self, zf: zipfile.ZipFile
    ) -> tuple[dict[str, Any], dict[str, npt.NDArray[np.generic]]]:
        members = {i.filename: i for i in zf.infolist()}
        if _META not in members or sum(i.file_size for i in members.values()) > (
            MAX_CHECKPOINT_BYTES
        ):
            raise self._fail("not a campaign checkpoint (no header)")
        meta = loads_strict_json(zf.read(_META).decode("utf-8"), self.path)
        if not isinstance(meta, dict) or meta.get("kind") != KIND:
            raise self._fail("not a campaign checkpoint (header of another kind)")
        if meta.get("format") != _FORMAT:
            raise self._fail(f"checkpoint format {meta.get('format')!r} is not {_FORMAT}")
        done = meta.get("done")
        if isinstance(done, bool) or not isinstance(done, int) or not 0 <= done <= MAX_DAYS:
            raise self._fail(
                f"checkpoint header has no whole number of nights done (done = {done!r}); "
                "remove the file to start over"
            )
        if not isinstance(meta.get("fingerprint"), str):
            raise self._fail("checkpoint header has no fingerprint; remove the file to start over")
        checksums = meta.get("checksums")
        if not isinstance(checksums, dict) or set(checksums) | {_META} != set(
            n.removesuffix(".npy") if n != _META else n for n in members
        ):
            raise self._fail("checkpoint arrays do not match its header")
        arrays: dict[str, npt.NDArray[np.generic]] = {}
        for name, digest in checksums.items():
            member = members[f"{name}.npy"]
            with zf.open(member) as fh:
                buf = io.BytesIO(fh.read(member.file_size + 1))
            version = np.lib.format.read_magic(buf)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(buf)
            elif version == (2, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(buf)
            else:
                raise self._fail(f"checkpoint array {name!r} is malformed")
            size = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
            if dtype not in _DTYPES or fortran or size != member.file_size - buf.tell():
                raise self._fail(f"checkpoint array {name!r} is malformed")
            buf.seek(0)
            array = np.lib.format.read_array(buf, allow_pickle=False)
            if _digest(array) != digest:
                raise self._fail(f"checkpoint array {name!r} does not match its checksum")
            arrays[name] = array
        return meta, arrays

    def peek(self) -> tuple[str, int] | None:
        """(fingerprint, nights done) of the checkpoint there, or None when there is none."""
        read = self._read()
        if read is None:
            return None
        meta, _ = read
        return str(meta["fingerprint"]), int(meta["done"])

    def load(self, fingerprint: str) -> Checkpoint | None:
        read = self._read()
        if read is None:
            return None
        meta, arrays = read
        if meta.get("fingerprint") != fingerprint:
            raise self._fail(
                "checkpoint is of another campaign, defence, catalogue, attack data, run count, "
                "seed or version"
            )
        done = meta.get("done")
        if isinstance(done, bool) or not isinstance(done, int):
            raise self._fail("checkpoint header has no whole number of nights done")
        return Checkpoint(done=done, state=arrays)

    def save(self, fingerprint: str, checkpoint: Checkpoint) -> None:
        if self.path.exists() or self.path.is_symlink():
            self._read()  # refuses to replace a file that is not a checkpoint
        checksums = {k: _digest(np.asarray(v)) for k, v in checkpoint.state.items()}
        meta = {"kind": KIND, "format": _FORMAT, "fingerprint": fingerprint,
                "done": checkpoint.done, "checksums": checksums}  # fmt: skip
        # SIGINT and SIGTERM wait until the file is in place; and whatever else stops the write
        # (an exception, a full disk), the earlier checkpoint stays, the temporary file goes,
        # and the exception that stopped it is the one raised.
        fh = mask = None
        try:
            mask = hold_signals()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed below on every path
                "wb", prefix=f".{self.path.name[:80]}.", suffix=".tmp", dir=self.path.parent,
                delete=False,
            )  # fmt: skip
            _write_zip(fh.file, meta, checkpoint.state)
            fh.close()
            os.chmod(fh.name, 0o666 & ~current_umask())
            os.replace(fh.name, self.path)
        except BaseException as exc:
            if fh is not None:
                fh.close()
                Path(fh.name).unlink(missing_ok=True)
            if isinstance(exc, OSError):
                raise self._fail(f"cannot write checkpoint: {exc.strerror or exc}") from None
            raise
        finally:
            release_signals(mask)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
