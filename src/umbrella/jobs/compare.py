"""The comparison job: ``umbrella campaign compare FILE FILE...`` from Python."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from umbrella.campaign.compare import ComparisonResult
from umbrella.campaign.spec import Campaign
from umbrella.core.errors import InputError
from umbrella.core.executor import Where, open_executor
from umbrella.core.progress import Progress
from umbrella.jobs.campaign import CampaignInputs, read_campaign
from umbrella.jobs.pipeline import Job, execute
from umbrella.jobs.provenance import provenance
from umbrella.scenario.overrides import Override, as_overrides

__all__ = ["comparison_provenance", "run_comparison"]

#: What the provenance of a comparison records of each campaign (the rest is the comparison's).
CAMPAIGN_FIELDS = ("campaign", "source", "campaign_hash", "inputs", "catalogue_hash", "data_hash",
                   "parameters")  # fmt: skip


def comparison_provenance(
    result: ComparisonResult, read: Sequence[CampaignInputs], overrides: Sequence[Override] = ()
) -> dict[str, Any]:
    """Provenance of a comparison: every file each campaign reads, runs, seed, the files in
    order (``parameters.files``) and the overrides, and under ``campaigns`` what identifies each
    campaign (:data:`CAMPAIGN_FIELDS` of :func:`~umbrella.jobs.provenance.campaign_provenance`:
    its name, source, hash, inputs, catalogue and data hashes and overrides)."""
    from umbrella.jobs.provenance import campaign_inputs

    inputs: dict[str, str | None] = {}
    for one in read:
        inputs.update(campaign_inputs(one.spec, one.source))
    meta = provenance(
        "compare", inputs=inputs, seed=result.seed, runs=result.runs,
        parameters={"files": list(result.labels),
                    "set": {ov.key: ov.value for ov in overrides}},
    )  # fmt: skip
    each = [one.provenance(res) for one, res in zip(read, result.results, strict=True)]
    meta["campaigns"] = [{key: doc[key] for key in CAMPAIGN_FIELDS} for doc in each]
    return meta


def run_comparison(
    campaigns: Sequence[Campaign | str | Path],
    *,
    runs: int = 200,
    seed: int = 0,
    sets: Sequence[str | Override] = (),
    data: str | Path | None = None,
    out: str | Path | None = None,
    force: bool = False,
    history: bool = True,
    progress: Progress | None = None,
    labels: Sequence[str] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
) -> ComparisonResult:
    """Run campaigns with the same runs and seed (common random numbers) and compare each with
    the first: what ``umbrella campaign compare FILE FILE...`` does, from Python.

    Parameters
    ----------
    campaigns
        Two or more campaigns or campaign files, the baseline first; no alternative twice (the
        baseline may be one: a campaign against itself).
    runs, seed
        Runs (>= 2) and the seed (>= 0) of every campaign.
    sets
        Changes at key paths applied to every campaign (see
        :func:`~umbrella.jobs.run_campaign`).
    data
        The attack-report folder of every campaign, instead of their ``raids.data_dir``.
    out, force
        Write the output folder here (tables, ``summary.json``, ``meta.json``, charts and
        ``report.html``), refused before any work where it would replace a user's files (unless
        ``force``: then umbrella's files are written beside them).
    history
        Record the comparison in the run history (``umbrella history``).
    progress
        ``progress(done, total, "nights")`` after each night of each campaign, counted over
        all of them (:mod:`umbrella.core.progress`).
    labels
        What to call each campaign in the document and tables; by default the file as given,
        or the campaign's name for a campaign given as an object.
    workers, scheduler
        Fly each campaign's runs in blocks on this many local worker processes, or on the Dask
        cluster of this scheduler (``tcp://HOST:PORT``): the same numbers as in this process
        (progress then counts runs of every campaign).

    Returns
    -------
    ComparisonResult
        With its provenance attached, so that ``result.write(folder)`` writes what ``out``
        writes. A comparison keeps no checkpoint.

    Raises
    ------
    InputError
        Fewer than two campaigns, one given twice among the alternatives, or a bad campaign,
        defence scenario, override, number of runs or seed, attack-report folder or output
        folder; nothing is run or written.
    """
    from umbrella.core.limits import check_runs
    from umbrella.core.seeds import check_seed

    runs = check_runs(runs)
    seed = check_seed(seed)
    where = Where(workers=workers, scheduler=scheduler)
    if len(campaigns) < 2:
        raise InputError("compare needs at least two campaigns", key="campaigns")
    if labels is None:
        labels = [c.name if isinstance(c, Campaign) else str(c) for c in campaigns]
    if len(labels) != len(campaigns):
        raise InputError("give one label per campaign", key="labels")
    for k, label in enumerate(labels[1:], start=1):
        if label in labels[1:k]:
            raise InputError(f"{label} is given twice among the alternatives", key="campaigns")
    overrides = as_overrides(sets)
    read = [read_campaign(c, overrides, data) for c in campaigns]
    steps = [runs if not where.in_process else one.spec.n_nights for one in read]

    def run(report: Progress | None) -> ComparisonResult:
        results = []
        with open_executor(where) as ex:
            executor = None if where.in_process else ex
            for k, one in enumerate(read):
                before = sum(steps[:k])

                def step(done: int, _: int, stage: str, before: int = before) -> None:
                    if report is not None:
                        report(before + done, sum(steps), stage)

                results.append(one.simulate(runs, seed, progress=step, executor=executor))
        return ComparisonResult(results=tuple(results), labels=tuple(labels))

    def headline(result: ComparisonResult) -> str:
        return f"compare {len(result.labels) - 1} alternatives with {Path(result.labels[0]).name}"

    job = Job(
        kind="compare",
        inputs=[f for one in read for f in one.files],
        run=run,
        provenance=lambda result: comparison_provenance(result, read, overrides),
        headline=headline,
        spec={label: one.spec.model_dump(mode="json") for label, one in zip(labels, read,
                                                                           strict=True)},
    )  # fmt: skip
    return execute(job, out=out, force=force, history=history, progress=progress)
