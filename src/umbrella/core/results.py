"""What every result offers, whatever made it (a raid, a campaign, a sweep, ...).

A result is data (NumPy arrays, documents) that knows how to show and save itself:

- ``summary()``: its JSON document (what ``--json`` prints), a typed dictionary of
  :mod:`umbrella.core.documents`;
- ``tables()``: its tidy tables by name (pandas DataFrames, what ``--out`` writes as Parquet);
- ``_repr_html_()``: a short table for a notebook;
- ``write(out, force=False, inputs=())``: the output folder that ``--out`` writes, with the same
  files (see :mod:`umbrella.report.folder`); its provenance is the one the job that made the result
  attached (``provenance``), or a short one when the result was made by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Result"]


@runtime_checkable
class Result(Protocol):
    """The result protocol (see the module docstring)."""

    #: The output kind (``run``, ``campaign``, ...), as the manifest records it.
    kind: ClassVar[str]

    @property
    def provenance(self) -> Mapping[str, Any] | None:
        """The provenance of the job that made it (None when made by hand)."""

    def summary(self) -> Mapping[str, object]: ...

    def tables(self) -> dict[str, pd.DataFrame]: ...

    def _repr_html_(self) -> str: ...

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path: ...
