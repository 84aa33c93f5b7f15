"""Campaign checkpoints: the state after a whole number of nights, saved and restored.

The campaign engine is given a :class:`CheckpointStore`; :class:`FileCheckpoint` keeps it in one
``.npz`` file (plain arrays and a JSON header, no pickle), written atomically.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from umbrella.errors import InputError

__all__ = ["Checkpoint", "CheckpointStore", "FileCheckpoint"]


@dataclass(frozen=True)
class Checkpoint:
    """Nights ``0 .. done - 1`` finished; ``state`` holds their per-run arrays."""

    done: int
    state: dict[str, npt.NDArray[np.generic]]


class CheckpointStore(Protocol):
    """Where a campaign keeps its progress."""

    def load(self, fingerprint: str) -> Checkpoint | None:
        """The saved checkpoint of the run with this fingerprint, or None if there is none.

        Raises :class:`~umbrella.errors.InputError` if one is there but belongs to another run
        or cannot be read.
        """
        ...

    def save(self, fingerprint: str, checkpoint: Checkpoint) -> None:
        """Save (replacing any earlier one) all at once."""
        ...

    def clear(self) -> None:
        """Remove the saved checkpoint (the run finished)."""
        ...


class FileCheckpoint:
    """A checkpoint kept in one ``.npz`` file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def __repr__(self) -> str:
        return f"FileCheckpoint({str(self.path)!r})"

    def load(self, fingerprint: str) -> Checkpoint | None:
        if not self.path.exists():
            return None
        try:
            with np.load(self.path, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                if meta["fingerprint"] != fingerprint:
                    raise InputError(
                        "checkpoint is of another campaign, run count, seed or version",
                        source=self.path,
                    )
                state = {k: np.array(data[k]) for k in data.files if k != "meta"}
                return Checkpoint(done=int(meta["done"]), state=state)
        except (OSError, ValueError, KeyError) as exc:
            raise InputError(f"unreadable checkpoint: {exc}", source=self.path) from None

    def save(self, fingerprint: str, checkpoint: Checkpoint) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        meta = json.dumps({"fingerprint": fingerprint, "done": checkpoint.done})
        arrays: dict[str, Any] = {"meta": np.array(meta), **checkpoint.state}
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)
