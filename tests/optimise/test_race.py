"""Racing and the executor: the same per-run numbers in one piece, in blocks and on workers; the
same buy as flying every candidate on every run; clearly beaten buys dropped early; the level of
each test; the command on local workers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from umbrella.campaign import load_campaign
from umbrella.campaign.inputs import load_defence
from umbrella.core.executor import InProcess, Where, open_executor
from umbrella.core.stats import t_quantile
from umbrella.optimise import Evaluator, load_optimisation, optimise
from umbrella.optimise.buy import Buy
from umbrella.optimise.flights import Flights, plan_grid
from umbrella.optimise.race import ALPHA, comparison_level, plan_stages, race

FIXTURES = Path(__file__).parent / "fixtures"
MENU = FIXTURES / "menu.toml"
BUYS: list[Buy] = [(0, 0, 0, 0), (1, 0, 0, 0), (3, 0, 0, 1), (0, 1, 0, 0), (2, 1, 2, 1),
                   (0, 0, 0, 1)]  # fmt: skip


@pytest.fixture(scope="module")
def menu() -> tuple[Any, Any, Any]:
    spec = load_optimisation(MENU)
    camp = load_campaign(spec.campaign_path())
    return spec, camp, load_defence(camp)


def test_stages_and_blocks() -> None:
    assert plan_stages(200) == [50, 200]
    assert plan_stages(24) == [10, 24]
    assert plan_stages(8) == [8] and plan_stages(10) == [10]  # too few runs to race
    assert plan_stages(200, stages=4, first_share=0.125) == [25, 50, 100, 200]
    assert plan_grid([25, 50, 100], 1) == [(0, 25), (25, 25), (50, 50)]
    assert plan_grid([10, 20, 24], 3) == [(0, 3), (3, 4), (7, 3), (10, 3), (13, 4), (17, 3),
                                          (20, 1), (21, 2), (23, 1)]  # fmt: skip


def test_per_run_objective_identical_in_one_piece_in_blocks_and_on_workers(
    menu: tuple[Any, Any, Any],
) -> None:
    spec, camp, defence = menu
    runs = 12
    whole = Evaluator(spec, camp, defence, None, runs, 4)
    want = {b: whole.per_run(b) for b in BUYS}
    stages = [3, 7, 12]
    blocks = Flights(InProcess(), spec, camp, defence, None, runs, 4, stages=stages)
    blocks.fly(BUYS[:3], 3)  # some buys flown on a prefix first, then the rest
    blocks.fly(BUYS, 12)
    with open_executor(Where(workers=2)) as ex:
        assert ex.workers == 2
        remote = Flights(ex, spec, camp, defence, None, runs, 4, stages=stages)
        assert len(remote.blocks) == 6  # each stage in two pieces
        remote.fly(BUYS, 7)
        remote.fly(BUYS, 12)
    for b in BUYS:
        assert blocks.per_run(b).tobytes() == want[b].tobytes(), b
        assert remote.per_run(b).tobytes() == want[b].tobytes(), b
    assert len({want[b].tobytes() for b in BUYS}) > 3  # the buys differ


def test_racing_chooses_the_buy_of_every_run_on_every_candidate(
    menu: tuple[Any, Any, Any],
) -> None:
    spec, camp, defence = menu
    raced = optimise(spec, camp, defence, 40, 4)
    full = optimise(spec, camp, defence, 40, 4, racing=False)
    assert raced.racing is not None and raced.racing.enabled and raced.racing.stages == (10, 40)
    assert full.racing is not None and not full.racing.enabled
    assert "racing turned off" in full.summary()["details"]["racing"]["note"]
    # Every buy on every run without racing; the same answer, with fewer runs flown.
    assert {x.size for x in full.evaluated.values()} == {40}
    if raced.best != full.best:  # else a buy within the gap bound of the exhaustive answer
        d = full.evaluated[raced.best] - full.evaluated[full.best]
        assert float(d.mean()) <= full.gap()["ci95_upper"]
    assert raced.best == full.best
    doc = raced.summary()["details"]["racing"]
    assert doc["runs_flown"] < doc["runs_without_racing"] == 40 * len(raced.evaluated)
    # The re-estimation is the same: every buy re-flown on every independent replication.
    assert raced.confirm[raced.best].tobytes() == full.confirm[full.best].tobytes()


def test_a_clearly_dominated_buy_is_dropped_at_the_first_stage(
    tmp_path: Path, menu: tuple[Any, Any, Any]
) -> None:
    spec, camp, defence = menu
    # Only the rounds lot, 0 to 3 units: the first stage drops one lot against three.
    lots = spec.model_copy(update={"options": spec.options[:1], "budget_usd": 60e6})
    res = optimise(lots, camp, defence, 40, 4)
    doc = res.summary()["details"]["racing"]
    dropped = {json.dumps(e["buy"], sort_keys=True): e for e in doc["eliminated"]}
    one = json.dumps({"missiles": 1})
    assert one in dropped and dropped[one]["stage"] == 1 and dropped[one]["runs"] == 10
    assert res.evaluated[(1,)].size == 10  # fewer runs flown with it
    # One lot and two are dropped too, and the race stops with one candidate left.
    assert res.best == (3,) and res.evaluated[res.best].size == 10
    assert res.evaluated[res.baseline].size == 40  # the reference flies every run
    (exhaustive,) = doc["races"]
    assert exhaustive["buys"] == 4 and exhaustive["survivors"] == [4]
    assert doc["runs_flown"] == 40 + 3 * 10 < doc["runs_without_racing"] == 4 * 40


class _Fake:
    """A stand-in for :class:`Flights` whose buys' runs are given arrays."""

    def __init__(self, runs: dict[Buy, Any], stages: list[int]) -> None:
        self.runs = runs
        self.stages = stages
        self.flown: list[tuple[int, int]] = []  # (buys, n) of each call

    def plan(self, buys: Any, n: int) -> None:
        pass

    def fly(self, buys: Any, n: int) -> None:
        self.flown.append((len(list(buys)), n))


def _race(runs: dict[Buy, Any], stages: list[int], alpha: float = ALPHA) -> Any:
    fake = _Fake(runs, stages)
    alive, record = race(fake, list(runs), lambda b, n: runs[b][:n], step="t",  # type: ignore[arg-type]
                         tiebreak=lambda b: (0.0, 0), alpha=alpha)  # fmt: skip
    return alive, record, fake


def test_each_test_is_at_the_bonferroni_level() -> None:
    assert comparison_level(0.05, 12, 3) == pytest.approx(0.05 / (11 * 2))
    assert comparison_level(0.05, 1, 4) == 0.05 and comparison_level(0.05, 5, 1) == 0.05
    # Three candidates, two stages: each test at alpha / (2 x 1). A candidate whose paired
    # difference from the incumbent has a t statistic between the quantiles at that level and at
    # twice it is kept; just above the quantile at that level, it is dropped.
    n, level = 20, 0.05 / 2
    q_level, q_twice = t_quantile(1 - level, n - 1), t_quantile(1 - 2 * level, n - 1)
    rng = np.random.default_rng(1)
    e = rng.normal(size=n)
    e = (e - e.mean()) / e.std(ddof=1)  # mean 0, sd 1

    def runs_with(t: float) -> dict[Buy, Any]:
        best = np.zeros(2 * n)
        mid = np.concatenate([e + t / np.sqrt(n), np.zeros(n)])
        far = np.full(2 * n, 100.0)
        return {(0,): best, (1,): mid, (2,): far}

    for t, dropped in (((q_level + q_twice) / 2, False), (q_level * 1.001, True)):
        alive, record, _ = _race(runs_with(t), [n, 2 * n])
        assert record.level == pytest.approx(level)
        assert ((1,) in record.dropped) is dropped, t
        assert record.dropped.get((2,)) == 1
        assert (0,) in alive


def test_the_best_is_dropped_rarely() -> None:
    # Ten candidates of equal expected value and one better by a little: the better one is
    # dropped in far fewer than alpha of the races (Bonferroni is conservative).
    rng = np.random.default_rng(7)
    stages = [10, 20, 40, 80]
    lost, survivors = 0, 0
    for _ in range(200):
        common = rng.normal(0.0, 5.0, size=80)  # common random numbers: shared by every buy
        runs = {(k,): common + rng.normal(0.0, 1.0, size=80) + (0.0 if k == 0 else 0.05)
                for k in range(11)}  # fmt: skip
        alive, _, fake = _race(runs, stages)
        lost += (0,) not in alive
        survivors += len(alive)
    assert lost <= 200 * ALPHA / 2
    # And one clearly worse is dropped at once, so later stages fly fewer buys.
    runs = {(0,): np.zeros(80), (1,): np.full(80, 3.0) + rng.normal(0, 1, 80)}
    alive, record, fake = _race(runs, stages)
    assert alive == [(0,)] and record.dropped == {(1,): 1} and fake.flown == [(2, 10)]


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--workers", "0"], "--workers"),
        (["--workers", "2", "--scheduler", "tcp://127.0.0.1:9"], "not both"),
    ],
)
def test_bad_workers_one_line(cli: Any, extra: list[str], needle: str) -> None:
    code, out, err = cli(["optimise", str(MENU), "--runs", "4", *extra])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err
