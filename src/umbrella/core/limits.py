"""Limits on the size of inputs and the work they ask for, checked before anything is allocated.

Every limit is a budget of size or work computed from the inputs (never a timeout), and every
refusal names the limit, so that a mistyped count (``10**12`` drones, a ring of 70,000 units,
``--runs 1e9``) is answered at once with one line instead of exhausting memory or running for
hours. The limits are far above any real raid or campaign: the reference raid of 550 threats
and 93 fire units needs a thirtieth of the geometry budget, and 10,000 runs of it a ninetieth
of the work budget.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from umbrella.core.errors import InputError

__all__ = [
    "BYTES_PER_RUN_THREAT",
    "EVENTS_IN_CACHE",
    "MAX_CHANNELS",
    "MAX_EVENTS",
    "MAX_FIRE_UNITS",
    "MAX_GEOMETRY",
    "MAX_MEMORY_BYTES",
    "MAX_RUNS",
    "MAX_SENSORS",
    "MAX_SPEC_BYTES",
    "MAX_SWEEP_POINTS",
    "MAX_SWEEP_WORK",
    "MAX_THREATS",
    "MAX_WORK",
    "MAX_WORKERS",
    "check_runs",
    "check_sweep",
    "check_work",
    "check_workers",
    "events_per_threat",
]

#: Largest spec file (scenario, campaign, catalogue change) read, bytes.
MAX_SPEC_BYTES = 10 * 2**20
#: Most threats in one raid (the engine's own hard limit is 16,777,215).
MAX_THREATS = 200_000
#: Most fire units in a scenario, after rings are expanded.
MAX_FIRE_UNITS = 10_000
#: Most sensors in a scenario, after rings are expanded.
MAX_SENSORS = 10_000
#: Most engagement channels over every fire unit.
MAX_CHANNELS = 1_000_000
#: Most route-template x site pairs whose geometry the compiler works out.
MAX_GEOMETRY = 2_000_000
#: Most replications (runs) of a raid or a campaign.
MAX_RUNS = 10_000_000
#: Most engagement opportunities in one replication of one raid.
MAX_EVENTS = 2_000_000
#: Most work of one command: engagement opportunities and threats over every replication (and
#: night), each weighted by ``1 + E / EVENTS_IN_CACHE`` for a replication of ``E``
#: opportunities, because a replication that outgrows the processor's caches costs more per
#: opportunity (measured: about 4x at 300,000, 1x at the reference raid's 4,478).
MAX_WORK = 5 * 10**9
EVENTS_IN_CACHE = 100_000
#: Most memory the per-run results of one command may take (with their summaries), bytes.
MAX_MEMORY_BYTES = 4 * 2**30
#: Bytes per run and threat of a raid's results and the tables made from them.
BYTES_PER_RUN_THREAT = 40
#: Most points of one sweep's design (a grid's every combination; a Latin hypercube's samples;
#: a Sobol' design's N x (parameters + 2)).
MAX_SWEEP_POINTS = 100_000
#: Most work of one sweep: points x replications per point x threats per replication (for a
#: campaign, x nights: each night is at least one raid). The reference raid's 550 threats allow
#: 900 points of 10,000 runs.
MAX_SWEEP_WORK = 5 * 10**9
#: Most local worker processes of one command.
MAX_WORKERS = 256


def _fmt(n: float) -> str:
    return f"{n:,.0f}"


def check_runs(runs: int, key: str = "runs", minimum: int = 2, source: str | None = None) -> int:
    """``runs`` if it is a whole number from ``minimum`` to :data:`MAX_RUNS`."""
    if isinstance(runs, bool) or not isinstance(runs, int | np.integer):
        raise InputError(f"runs must be a whole number (got {runs!r})", key=key, source=source)
    if not minimum <= int(runs) <= MAX_RUNS:
        raise InputError(
            f"runs must be between {minimum} and {_fmt(MAX_RUNS)} (got {int(runs):,})"
            + (" (confidence intervals need two)" if int(runs) < 2 <= minimum else ""),
            key=key,
            source=source,
        )
    return int(runs)


def events_per_threat(
    tmpl_opp_ptr: npt.NDArray[np.int64],
    wave_tmpl_start: npt.NDArray[np.int64],
    wave_tmpl_end: npt.NDArray[np.int64],
) -> npt.NDArray[np.int64]:
    """(V,) most engagement opportunities a threat of each wave can have (over its routes)."""
    opps = np.diff(tmpl_opp_ptr)
    out = np.zeros(len(wave_tmpl_start), dtype=np.int64)
    for v, (lo, hi) in enumerate(zip(wave_tmpl_start, wave_tmpl_end, strict=True)):
        if hi > lo:
            out[v] = int(opps[lo:hi].max())
    return out


def check_work(
    *,
    events: int,
    work: int,
    memory_bytes: int,
    what: str,
    key: str = "runs",
    source: str | None = None,
) -> None:
    """Refuse a command whose work or result memory exceeds the budgets.

    Parameters
    ----------
    events
        The most engagement opportunities of any one replication.
    work
        Engagement opportunities plus threats over every replication (weighted here by the
        size of one replication, see :data:`MAX_WORK`).
    memory_bytes
        Bytes of the per-run result arrays.
    what
        The command's size in words (``"3,000 runs of 550 threats"``), for the message.
    key
        The option or key to name (``--runs``).
    """
    if events > MAX_EVENTS:
        raise InputError(
            f"too large: {_fmt(events)} engagement opportunities in one replication exceed the "
            f"limit of {_fmt(MAX_EVENTS)} (fewer threats or fire units)",
            key=key,
            source=source,
        )
    work = int(work * (1 + events / EVENTS_IN_CACHE))
    if work > MAX_WORK:
        raise InputError(
            f"too much work: {what} make {_fmt(work)} engagement opportunities (weighted by "
            f"size), over the budget of {_fmt(MAX_WORK)} (a budget of work, not a timeout; "
            "use fewer runs)",
            key=key,
            source=source,
        )
    if memory_bytes > MAX_MEMORY_BYTES:
        raise InputError(
            f"too large: {what} need {memory_bytes / 2**30:,.1f} GiB of results, over the "
            f"limit of {MAX_MEMORY_BYTES / 2**30:,.0f} GiB (use fewer runs)",
            key=key,
            source=source,
        )


def check_workers(workers: int | None, key: str = "workers", source: str | None = None) -> None:
    """Refuse a number of local worker processes that is not from 1 to :data:`MAX_WORKERS`."""
    if workers is None:
        return
    if isinstance(workers, bool) or not isinstance(workers, int | np.integer):
        raise InputError(f"workers must be a whole number (got {workers!r})", key=key,
                         source=source)  # fmt: skip
    if not 1 <= int(workers) <= MAX_WORKERS:
        raise InputError(f"workers must be between 1 and {MAX_WORKERS} (got {int(workers):,})",
                         key=key, source=source)  # fmt: skip


def check_sweep(
    *,
    points: int,
    runs: int,
    threats: int,
    outputs: int,
    unit: str = "threats",
    key: str = "runs",
    source: str | None = None,
) -> None:
    """Refuse, before anything is allocated, a sweep over the budgets: at most
    :data:`MAX_SWEEP_POINTS` points, :data:`MAX_SWEEP_WORK` points x runs x ``threats`` (the
    threats of one replication; ``unit`` names them), and :data:`MAX_MEMORY_BYTES` of results
    (points x runs x outputs numbers)."""
    if points > MAX_SWEEP_POINTS:
        raise InputError(
            f"too large: {_fmt(points)} points, over the limit of {_fmt(MAX_SWEEP_POINTS)} points "
            "of one sweep (fewer values or samples)",
            key="parameters",
            source=source,
        )
    work = points * runs * max(threats, 1)
    if work > MAX_SWEEP_WORK:
        raise InputError(
            f"too much work: {_fmt(points)} points x {_fmt(runs)} runs x {_fmt(threats)} {unit} "
            f"= {_fmt(work)}, over the budget of {_fmt(MAX_SWEEP_WORK)} points x runs x {unit} "
            "(a budget of work, not a timeout; use fewer points or runs)",
            key=key,
            source=source,
        )
    memory = points * runs * max(outputs, 1) * 8
    if memory > MAX_MEMORY_BYTES:
        raise InputError(
            f"too large: {_fmt(points)} points x {_fmt(runs)} runs x {outputs} outputs need "
            f"{memory / 2**30:,.1f} GiB of results, over the limit of "
            f"{MAX_MEMORY_BYTES / 2**30:,.0f} GiB (use fewer points or runs)",
            key=key,
            source=source,
        )
