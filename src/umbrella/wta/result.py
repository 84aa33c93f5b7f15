"""What a weapon-target assignment solver returns: the assignment, its objective and bound, and
the document, tables, chart and output folder of ``umbrella wta solve``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

    from umbrella.core.documents.wta import WTASummary
    from umbrella.wta.problem import WTAProblem

__all__ = ["Status", "WTAResult"]

Status = Literal["optimal", "feasible"]


@dataclass(frozen=True, eq=False, repr=False)
class WTAResult:
    """What a WTA solver returns.

    Attributes
    ----------
    x
        Rounds of weapon ``i`` on target ``j``, shape ``(W, T)``, int64.
    objective
        :func:`~umbrella.wta.problem.evaluate` of ``x`` (expected surviving value plus round
        prices).
    bound
        A proven lower bound on the optimum, or ``None`` when the method gives none.
    status
        ``"optimal"`` when ``bound`` meets ``objective`` to 1e-6 relative, else ``"feasible"``.
    seconds
        Wall-clock time spent, in seconds.
    method
        The method that produced ``x`` (``greedy``, ``local`` or ``exact``).
    problem
        The instance solved (for the per-target and per-weapon tables), or None.
    instance
        The instance's name (its file's, when the job read one), or None.
    provenance
        How it was made (attached by :func:`umbrella.jobs.run_wta`; None when made by hand).
    """

    kind: ClassVar[str] = "wta"

    x: NDArray[np.int64]
    objective: float
    bound: float | None
    status: Status
    seconds: float
    method: str
    problem: WTAProblem | None = None
    instance: str | None = None
    provenance: Mapping[str, Any] | None = None

    def __repr__(self) -> str:
        bound = "None" if self.bound is None else f"{self.bound:.6g}"
        return (
            f"WTAResult(objective={self.objective:.6g}, bound={bound}, status={self.status!r}, "
            f"method={self.method!r}, seconds={self.seconds:.2f}, rounds={int(self.x.sum())})"
        )

    @property
    def gap(self) -> float | None:
        """Relative gap ``(objective - bound) / max(|objective|, 1e-12)``, or ``None``."""
        if self.bound is None:
            return None
        return max(0.0, self.objective - self.bound) / max(abs(self.objective), 1e-12)

    # ------------------------------------------------------------------ documents
    def summary(self) -> WTASummary:
        """The ``umbrella wta solve --json`` document (a
        :class:`~umbrella.core.documents.wta.WTASummary`): the objective, bound, gap, status,
        seconds, method and the nonzero assignment as ``[weapon, target, rounds]``."""
        weapons, targets = np.nonzero(self.x)
        return {
            "kind": "wta",
            "instance": self.instance,
            "weapons": int(self.x.shape[0]),
            "targets": int(self.x.shape[1]),
            "rounds": int(self.x.sum()),
            "objective": float(self.objective),
            "bound": None if self.bound is None else float(self.bound),
            "gap": self.gap,
            "status": self.status,
            "seconds": float(self.seconds),
            "method": self.method,
            "assignment": [
                [int(i), int(j), int(self.x[i, j])] for i, j in zip(weapons, targets, strict=True)
            ],
        }

    def tables(self) -> dict[str, pd.DataFrame]:
        """``assignment`` (``weapon``, ``target``, ``rounds``: the nonzero pairs, from 0) and,
        with the problem known, ``targets`` (``value``, ``rounds``, ``p_survive``,
        ``surviving_value``) and ``weapons`` (``units``, ``rounds``, ``unit_cost``)."""
        import pandas as pd

        weapons, targets = np.nonzero(self.x)
        out = {
            "assignment": pd.DataFrame(
                {"weapon": weapons, "target": targets, "rounds": self.x[weapons, targets]}
            )
        }
        p = self.problem
        if p is not None:
            survive = np.prod(np.power(1.0 - p.p_kill, self.x), axis=0)
            out["targets"] = pd.DataFrame(
                {"target": np.arange(p.n_targets), "value": p.values,
                 "rounds": self.x.sum(axis=0), "p_survive": survive,
                 "surviving_value": p.values * survive}
            )  # fmt: skip
            out["weapons"] = pd.DataFrame(
                {"weapon": np.arange(p.n_weapons), "units": p.units, "rounds": self.x.sum(axis=1),
                 "unit_cost": p.costs}
            )  # fmt: skip
        return out

    def figures(self) -> dict[str, Figure]:
        """``assignment``: rounds of each weapon on each target."""
        from umbrella.report.charts.wta import plot_assignment

        name = self.instance or "instance"
        title = (f"{name}\n{self.method}: objective {self.objective:.6g} ({self.status}), "
                 f"{int(self.x.sum()):,} rounds")  # fmt: skip
        return {"assignment": plot_assignment(self.x, title)}

    def plot(self) -> Figure:
        """The assignment's chart (a matplotlib figure)."""
        return self.figures()["assignment"]

    def _repr_html_(self) -> str:
        from umbrella.report.html import esc
        from umbrella.report.sections import wta_sections

        body = "".join(f"<h4>{esc(h)}</h4>{html}" for h, html in wta_sections(self.summary()))
        return f"<p><b>{esc(self.instance or 'WTA')}</b></p>{body}"

    def write(
        self, out: str | Path, *, force: bool = False, inputs: Iterable[str | Path] = ()
    ) -> Path:
        """Write the output folder ``umbrella wta solve --out`` writes (see
        :mod:`umbrella.report.folder`): the tables, ``summary.json``, ``meta.json``, the chart
        and ``report.html``."""
        from umbrella.report.folder import hand_provenance, write_output

        meta = self.provenance or hand_provenance(self.kind, seed=None, runs=None)
        return write_output(
            out, kind=self.kind, summary=self.summary(), meta=meta, tables=self.tables(),
            figures=self.figures(), force=force, inputs=inputs,
        )  # fmt: skip
