"""The optimiser: buys as campaign changes, search against brute force, the rules of what is
bought, confirmation of the winner, the CLI contract and bad files."""

from __future__ import annotations

import itertools
import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from umbrella.campaign import load_campaign, prepare_campaign, simulate_prepared
from umbrella.campaign.inputs import load_defence
from umbrella.core.executor import InProcess
from umbrella.core.manifest import MANIFEST
from umbrella.core.results import Result
from umbrella.core.stats import mean_ci
from umbrella.optimise import Evaluator, apply_buy, load_optimisation, optimise, search
from umbrella.optimise.buy import idle_options
from umbrella.optimise.evaluate import buy_cost, score
from umbrella.optimise.flights import Flights
from umbrella.optimise.race import plan_stages
from umbrella.optimise.search import rank_key
from umbrella.optimise.spec import parse_optimisation
from umbrella.report.folder import stable_provenance

FIXTURES = Path(__file__).parent / "fixtures"
MENU = FIXTURES / "menu.toml"
CAMPAIGN = FIXTURES / "campaign.toml"
RUNS = 24

LOT = """
[[options]]
id = "{id}"
interceptor = "missile"
quantity = {quantity}
price_usd = {price}
max_units = {units}
arrival = 2026-01-03
"""


def _menu(budget: float, *options: str, extra: str = "") -> str:
    head = (f'schema_version = 1\nname = "t"\ncampaign = "{CAMPAIGN}"\nbudget_usd = {budget}\n'
            f'objective = "damage"\n{extra}')  # fmt: skip
    return head + "".join(options)


def _lot(id_: str, price: float, units: int = 3, quantity: int = 10) -> str:
    return LOT.format(id=id_, price=price, units=units, quantity=quantity)


def _setup(text: str, tmp_path: Path, runs: int = RUNS, seed: int = 4) -> tuple[Any, Any, Any, Any]:
    path = tmp_path / "menu.toml"
    path.write_text(text)
    spec = load_optimisation(path)
    camp = load_campaign(spec.campaign_path())
    defence = load_defence(camp)
    return spec, camp, defence, Evaluator(spec, camp, defence, None, runs, seed)


def _flights(spec: Any, camp: Any, defence: Any, runs: int = RUNS, seed: int = 4, *,
             racing: bool = False, progress: Any = None) -> Flights:  # fmt: skip
    """Buys flown in this process, on every run (or raced in the default stages)."""
    stages = plan_stages(runs) if racing else [runs]
    return Flights(InProcess(), spec, camp, defence, None, runs, seed, stages=stages,
                   progress=progress)  # fmt: skip


@pytest.fixture(scope="module")
def menu() -> tuple[Any, Any, Any]:
    spec = load_optimisation(MENU)
    camp = load_campaign(spec.campaign_path())
    return spec, camp, load_defence(camp)


def test_apply_buy_translates_every_kind(menu: tuple[Any, Any, Any]) -> None:
    spec, camp, defence = menu
    text = MENU.read_text() + (
        '\n[[options]]\nid = "line"\nproduction = { interceptor = "missile", per_day = 2.0, '
        "ramp_days = 4 }\nprice_usd = 1e6\narrival = 2026-01-02\n"
        '\n[[options]]\nid = "team"\ndrone_team = { type = "gun", position_km = [1.0, 1.0], '
        "operators_per_night = 7 }\nprice_usd = 1e6\nmax_units = 2\n"
    )
    spec = parse_optimisation(text, "menu.toml")
    limited = camp.model_copy(update={"limits": [{"interceptor": "burst", "max_per_night": 5}]})
    c, d = apply_buy(limited, defence, spec.options, (2, 1, 0, 1, 3, 2))
    assert [(x.interceptor, x.quantity, x.price_usd, x.order_date, x.lead_time_days)
            for x in c.purchases] == [("missile", 20, 2e6, date(2026, 1, 1), 2)]  # fmt: skip
    assert c.deliveries == camp.deliveries
    assert c.budget_usd == pytest.approx(40e6, abs=2.0)
    adds = [(p.date, s.id, s.type) for p in c.posture for s in p.add]
    assert adds == [(date(2026, 1, 4), "sam-1", "sam"), (date(2026, 1, 1), "team-1", "gun"),
                    (date(2026, 1, 1), "team-2", "gun")]  # fmt: skip
    assert c.limits[0].max_per_night == 5 + 2 * 7  # the team's gun fires "burst"
    (line,) = c.production
    assert (line.per_day_start, line.per_day_end) == (0.0, 6.0)
    assert (line.ramp_start, line.ramp_end) == (date(2026, 1, 2), date(2026, 1, 6))
    assert [z.id for z in d.ew_zones] == ["ew", "jammer-1"]
    same_c, same_d = apply_buy(camp, defence, spec.options, (0,) * 6)
    assert same_c == camp and same_d is defence


def test_reused_evaluation_equals_a_full_campaign_run(tmp_path: Path) -> None:
    # Without fire units on the menu the reused preparation is the campaign's own: the result
    # of a buy is exactly that of running the campaign with the buy written in.
    spec, camp, defence, ev = _setup(_menu(100e6, _lot("a", 20e6)), tmp_path)
    buy = (2,)
    got = ev.result(buy)
    applied, dfn = apply_buy(camp, defence, spec.options, buy)
    want = simulate_prepared(prepare_campaign(applied, dfn, RUNS, 4))
    np.testing.assert_array_equal(got.damage, want.damage)
    np.testing.assert_array_equal(got.stock, want.stock)


def test_exhaustive_and_greedy_agree_with_brute_force(menu: tuple[Any, Any, Any]) -> None:
    spec, camp, defence = menu
    ev = Evaluator(spec, camp, defence, None, RUNS, 4)
    flights = _flights(spec, camp, defence)
    idle = idle_options(spec, camp, flights.tracked())
    found = search(flights, idle)
    assert found.method == "exhaustive"
    # Brute force: every buy within max_units and the budget, ranked by mean then cost.
    every = [b for b in itertools.product(*(range(o.max_units + 1) for o in spec.options))
             if buy_cost(spec, b) <= spec.budget_usd]  # fmt: skip
    brute = min(every, key=lambda b: (round(float(ev.per_run(b).mean()), 9), buy_cost(spec, b)))
    assert found.best == brute
    greedy = search(flights, idle, max_exhaustive=0)
    assert greedy.method == "greedy + local search"
    assert greedy.best == brute


@pytest.mark.parametrize("exhaustive", [64, 0])
def test_dominated_option_not_chosen_while_cheaper_has_units_left(
    tmp_path: Path, exhaustive: int
) -> None:
    # "dear" is "cheap" at a higher price: same rounds, same day.
    text = _menu(60e6, _lot("dear", 25e6), _lot("cheap", 20e6))
    spec, camp, defence, _ = _setup(text, tmp_path)
    flights = _flights(spec, camp, defence)
    best = search(flights, idle_options(spec, camp, flights.tracked()),
                  max_exhaustive=exhaustive).best  # fmt: skip
    dear, cheap = best
    assert dear == 0 or cheap == 3
    assert cheap > 0  # the rounds are worth buying at all


@pytest.mark.parametrize("budget", [0.0, 19e6, 45e6, 95e6])
def test_budget_never_exceeded(menu: tuple[Any, Any, Any], budget: float) -> None:
    spec, camp, defence = menu
    spec = spec.model_copy(update={"budget_usd": budget})
    res = optimise(spec, camp, defence, 8, 1)
    doc = res.summary()
    assert doc["best"]["cost_usd"] <= budget
    assert all(row["cost_usd"] <= budget for row in doc["frontier"])


def test_unaffordable_and_idle_options_never_bought(tmp_path: Path) -> None:
    after_end = LOT.format(id="late", quantity=50, price=1e6, units=2).replace(
        "2026-01-03", "2026-02-01"
    )
    text = _menu(
        50e6,
        _lot("gold", 60e6, units=1, quantity=500),  # over the budget on its own
        _lot("cheap", 20e6),
        after_end,
        '\n[[options]]\nid = "bursts"\ninterceptor = "burst"\nquantity = 100\n'
        "price_usd = 1e6\nmax_units = 2\n",  # a type whose stock is not tracked
    )
    spec, camp, defence, _ = _setup(text, tmp_path)
    res = optimise(spec, camp, defence, RUNS, 2)
    buy = res.summary()["best"]["buy"]
    assert buy.get("cheap", 0) > 0
    assert {"gold", "late", "bursts"}.isdisjoint(buy)
    idle = res.details()["idle_options"]
    assert set(idle) == {"gold", "late", "bursts"}
    # The first unit of gold is flown for the marginal table: it helps, yet is not bought.
    assert res.summary()["marginal"]["gold"]["mean"] > 0
    zero = {"mean": 0.0, "ci95": [0.0, 0.0], "p05": 0.0, "p50": 0.0, "p95": 0.0}
    assert res.summary()["marginal"]["bursts"] == zero


def test_option_that_changes_nothing_is_not_bought(menu: tuple[Any, Any, Any]) -> None:
    # The SAM arrives once the missiles it would fire have run out: under common random numbers
    # every run is the same with it or without, so the tie goes to the cheaper buy.
    spec, camp, defence = menu
    ev = Evaluator(spec, camp, defence, None, RUNS, 4)
    np.testing.assert_array_equal(ev.per_run((0, 1, 0, 0)), ev.per_run((0, 0, 0, 0)))
    res = optimise(spec, camp, defence, RUNS, 4)
    assert "sam" not in res.summary()["best"]["buy"]
    flights = _flights(spec, camp, defence)
    flights.fly([(0, 0, 0, 0), (0, 1, 0, 0)], RUNS)
    assert rank_key(flights, (0, 0, 0, 0)) < rank_key(flights, (0, 1, 0, 0))


def test_risk_score_is_mean_plus_tail() -> None:
    from umbrella.optimise.spec import Risk

    x = np.arange(1.0, 11.0)  # 1..10
    assert score(x, None) == 5.5
    assert score(x, Risk(cvar_alpha=0.8, weight=1.0)) == 9.5  # mean of the worst 2
    assert score(x, Risk(cvar_alpha=0.8, weight=0.5)) == 7.5


def test_cli_contract_best_toml_confirmed_with_another_seed(tmp_path: Path, cli: Any) -> None:
    out_dir = tmp_path / "out"
    args = ["optimise", str(MENU), "--runs", str(RUNS), "--seed", "4", "--json"]
    code, out, err = cli([*args, "--out", str(out_dir)])
    assert code == 0, err
    doc = json.loads(out)
    assert set(doc) == {"kind", "name", "campaign", "version", "budget_usd", "objective",
                        "assets", "runs", "seed", "baseline", "best", "frontier", "marginal",
                        "options", "details"}  # fmt: skip
    assert (doc["kind"], doc["name"], doc["objective"], doc["runs"], doc["seed"]) == (
        "optimise", "tiny-buy", "damage", RUNS, 4,
    )  # fmt: skip
    estimate = {"mean", "ci95", "p05", "p50", "p95"}
    assert set(doc["best"]) == {"buy", "cost_usd", "objective", "reduction", "gap"}
    assert set(doc["best"]["objective"]) == set(doc["best"]["reduction"]) == estimate
    assert set(doc["best"]["gap"]) == {"estimate", "ci95_upper"}
    assert set(doc["marginal"]) == {"missiles", "sam", "bursts", "jammer"}
    assert all(set(m) == estimate for m in doc["marginal"].values())
    assert set(doc["details"]) == {"method", "stopped_by_time_limit", "buys_evaluated",
                                   "selection", "confirmation", "alternatives",
                                   "idle_options", "racing"}  # fmt: skip
    assert set(doc["details"]["racing"]) == {"enabled", "note", "alpha", "stages", "runs_flown",
                                             "runs_without_racing", "races",
                                             "eliminated"}  # fmt: skip
    assert doc["details"]["racing"]["stages"] == plan_stages(RUNS)
    assert all(set(a["difference"]) == estimate for a in doc["details"]["alternatives"])
    names = {"best.toml", "frontier.parquet", "frontier.png", "frontier.svg", "summary.json",
             "meta.json", "report.html", MANIFEST}  # fmt: skip
    assert names <= {p.name for p in out_dir.iterdir()} <= names | {"best-defence.toml"}
    meta = json.loads((out_dir / "meta.json").read_text())
    assert meta["kind"] == "optimise" and meta["optimisation"] == "tiny-buy"
    assert json.loads((out_dir / "summary.json").read_text()) == doc | {
        "provenance": stable_provenance(meta)
    }
    page = (out_dir / "report.html").read_text()
    assert "<h1>Optimisation: tiny-buy</h1>" in page and "The buy chosen" in page
    assert "Optimality gap: estimate" in page and "reduction from no buy (no buy − chosen)" in page
    assert "Raced in stages of 10, 24 runs (error rate 0.05 per race)" in page
    costs = [row["cost_usd"] for row in doc["frontier"]]
    cuts = [row["reduction"]["mean"] for row in doc["frontier"]]  # paired, on each buy's runs
    assert costs == sorted(costs) and cuts == sorted(cuts)
    assert all(2 <= row["runs"] <= RUNS for row in doc["frontier"])
    base = doc["frontier"][0]
    assert base["buy"] == {} and base["reduction"]["mean"] == 0.0 and base["runs"] == RUNS
    # The menu: what one unit is, its price and its arrival.
    menu = {o["id"]: o for o in doc["options"]}
    assert menu["missiles"]["contents"] == "10 rounds of missile"
    assert (menu["missiles"]["price_usd"], menu["missiles"]["arrival"]) == (20e6, "2026-01-03")
    assert menu["jammer"]["kind"] == "ew_zone" and menu["bursts"]["max_units"] == 2
    # Same seed, same answer.
    code, again, err = cli(args)
    assert code == 0 and json.loads(again) == doc
    # best.toml is a campaign: flown beside the baseline on another seed, its gain falls in the
    # optimiser's interval of the gain (independent replications).
    lo, hi = doc["best"]["reduction"]["ci95"]
    gain = _damage(CAMPAIGN, 60, 99) - _damage(out_dir / "best.toml", 60, 99)
    m, c_lo, c_hi = mean_ci(gain)
    assert m > 0
    assert c_lo <= hi and lo <= c_hi  # the two intervals of the gain overlap
    code, out, err = cli(["validate", str(MENU)])
    assert code == 0 and out.startswith("ok: ") and "optimisation tiny-buy" in out


def _damage(path: Path, runs: int, seed: int) -> Any:
    """(R,) damage over the campaign in each run of the campaign file ``path``."""
    camp = load_campaign(path)
    return simulate_prepared(prepare_campaign(camp, load_defence(camp), runs, seed)).damage.sum(
        axis=1
    )


def test_the_python_job_makes_the_folder_and_history_the_command_makes(
    tmp_path: Path, cli: Any
) -> None:
    from umbrella.history import HistoryStore
    from umbrella.jobs import run_optimisation
    from umbrella.jobs.command import set_command

    set_command(None)  # as in a fresh Python: an earlier in-process command set it
    seen: list[tuple[int, int, str]] = []
    res = run_optimisation(MENU, runs=8, seed=4, out=tmp_path / "py",
                           progress=lambda *a: seen.append(a))  # fmt: skip
    assert res.provenance is not None
    assert res.provenance["command"] == "python: umbrella.jobs (optimise)"
    code, out, err = cli(["optimise", str(MENU), "--runs", "8", "--seed", "4", "--out",
                          str(tmp_path / "cli"), "--json"])  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == res.summary()
    for name in ("best.toml", "frontier.parquet", "summary.json"):
        a, b = tmp_path / "py" / name, tmp_path / "cli" / name
        if name == "summary.json":
            da, db = json.loads(a.read_text()), json.loads(b.read_text())
            assert da["provenance"].pop("command") != db["provenance"].pop("command")
            assert da == db
        elif name.endswith(".parquet"):
            pd.testing.assert_frame_equal(pd.read_parquet(a), pd.read_parquet(b))
        else:
            assert a.read_text() == b.read_text()
    rows = HistoryStore().rows(kind="optimise")
    assert [r["out_dir"] for r in rows] == [str((tmp_path / d).resolve()) for d in ("py", "cli")]
    assert rows[0]["summary"] == rows[1]["summary"] == res.summary()
    assert rows[0]["headline"] == f"tiny-buy: best {res.buy_text(res.best)} for $" + (
        f"{res.summary()['best']['cost_usd'] / 1e6:,.0f}M"
    )
    # Progress: every stage counts runs flown up to a known total, never past it, never
    # "n of 0"; the search's count is every run flown with a buy.
    from umbrella.optimise.run import CONFIRM_STAGE, FIRSTS_STAGE, SEARCH_STAGE

    stages = list(dict.fromkeys(stage for _, _, stage in seen))
    assert stages[0] == SEARCH_STAGE and stages[-1] == CONFIRM_STAGE
    assert set(stages) <= {SEARCH_STAGE, FIRSTS_STAGE, CONFIRM_STAGE}
    for stage in stages:
        mine = [(d, t) for d, t, s in seen if s == stage]
        assert all(1 <= d <= t for d, t in mine), mine
        assert [d for d, _ in mine] == sorted(d for d, _ in mine)
        assert mine[-1][0] == mine[-1][1]
    firsts = max((d for d, _, s in seen if s == FIRSTS_STAGE), default=0)
    flown = sum(x.size for x in res.evaluated.values())
    assert [d for d, _, s in seen if s == SEARCH_STAGE][-1] == flown - firsts
    assert [d for d, _, s in seen if s == CONFIRM_STAGE][-1] == 8 * len(res.confirm)


def test_greedy_progress_totals_grow_with_the_steps(menu: tuple[Any, Any, Any]) -> None:
    spec, camp, defence = menu
    seen: list[tuple[int, int, str]] = []
    flights = _flights(spec, camp, defence, 4, 1, progress=lambda *a: seen.append(a))
    search(flights, idle_options(spec, camp, flights.tracked()), max_exhaustive=0)
    assert seen and all(1 <= d <= t for d, t, _ in seen)
    assert [d for d, _, _ in seen] == list(range(4, 4 * len(flights) + 1, 4))  # one buy a task
    totals = [t for _, t, _ in seen]
    assert totals == sorted(totals) and totals[0] < totals[-1] == 4 * len(flights)


def test_frontier_table_columns_name_the_objective(menu: tuple[Any, Any, Any]) -> None:
    spec, camp, defence = menu
    res = optimise(spec, camp, defence, 6, 1)
    assert isinstance(res, Result) and res.kind == "optimise"
    assert set(res.tables()) == {"frontier"} and set(res.figures()) == {"frontier"}
    table = res.frontier_table()
    est = [f"{k}{s}" for k in ("damage", "reduction")
           for s in ("", "_ci95_lo", "_ci95_hi", "_p05", "_p50", "_p95")]  # fmt: skip
    assert list(table.columns) == ["buy", *(f"units_{o.id}" for o in spec.options), "cost_usd",
                                   "runs", *est, "on_frontier", "is_best"]  # fmt: skip
    assert len(table) == len(res.evaluated) and table["is_best"].sum() == 1
    base = res.evaluated[res.baseline]
    for row in table.to_dict("records"):
        buy = tuple(int(row[f"units_{o.id}"]) for o in spec.options)
        assert row["runs"] == res.evaluated[buy].size
        m, lo, hi = mean_ci(base[: row["runs"]] - res.evaluated[buy])
        assert row["reduction"] == pytest.approx(float(m))
        assert (row["reduction_ci95_lo"], row["reduction_ci95_hi"]) == pytest.approx((lo, hi))
        assert row["damage"] == pytest.approx(float(res.evaluated[buy].mean()))
    assert table["cost_usd"].is_monotonic_increasing
    front = table[table["on_frontier"]]
    assert [json.loads(b) for b in front["buy"]] == [res.buy_doc(b) for b in res.frontier()]


def test_the_old_name_of_the_spec_class_still_works() -> None:
    import umbrella.optimise
    from umbrella.core.errors import UmbrellaDeprecationWarning
    from umbrella.optimise import OptimisationSpec

    with pytest.warns(UmbrellaDeprecationWarning, match="now umbrella.optimise.OptimisationSpec"):
        old = umbrella.optimise.Optimisation
    assert old is OptimisationSpec


def test_time_limit_reports_best_so_far(menu: tuple[Any, Any, Any]) -> None:
    spec, camp, defence = menu
    res = optimise(spec, camp, defence, 8, 1, time_limit_s=1e-9)
    assert res.stopped
    doc = res.summary()
    assert doc["best"]["cost_usd"] <= spec.budget_usd
    assert doc["best"]["gap"]["ci95_upper"] >= doc["best"]["gap"]["estimate"] >= 0.0
    m, _, _ = mean_ci(res.confirm[res.best])
    assert doc["best"]["objective"]["mean"] == pytest.approx(float(m))


BAD = [
    (lambda t: t.replace('objective = "damage"\n', 'objective = "damage"\nassets = ["plant", '
                         '"kyiv"]\n'),
     "assets[1]: 'kyiv' is neither an asset nor a group of the campaign's defence"),
    (lambda t: t.replace('id = "sam"', 'id = "missiles"'), "menu.toml:16: options[1].id: "
     "duplicate option id 'missiles'"),
    (lambda t: t.replace('interceptor = "missile"', 'interceptor = "nope"'),
     "options[0].interceptor: unknown interceptor type 'nope'"),
    (lambda t: t.replace("arrival = 2026-01-03", "arrival = 2025-12-01"),
     "options[0].arrival: arrival 2025-12-01 is before the campaign starts"),
    (lambda t: t.replace("price_usd = 20e6", "price_usd = 0.0"), "options[0].price_usd"),
    (lambda t: t.replace('id = "sam"\n', 'id = "sam"\ninterceptor = "missile"\nquantity = 2\n'),
     "options[1]: give exactly one of interceptor + quantity, fire_unit"),
    (lambda t: t.replace("position_km = [-3.0, 3.0]", "position_km = [-3.0, 3.0], ring = "
                         "{ radius_km = 1.0, count = 2 }"),
     "options[1].fire_unit: give exactly one of position_km or ring"),
    (lambda t: t.replace('campaign = "campaign.toml"', 'campaign = "missing.toml"'),
     "missing.toml"),
    (lambda t: t.replace('objective = "damage"', 'objective = "cost"'), "menu.toml:5: objective"),
    (lambda t: t.replace('type = "sam"', 'type = "tank"'),
     "options[1].fire_unit.type: unknown fire unit type 'tank'"),
    (lambda t: t.replace("p_loss = 0.5 }", "p_loss = 0.5 }\narrival = 2026-01-02"),
     "options[3]: an EW zone is present for the whole campaign"),
]  # fmt: skip


@pytest.mark.parametrize(("edit", "needle"), BAD)
def test_bad_files_one_line_exit_2(tmp_path: Path, cli: Any, edit: Any, needle: str) -> None:
    (tmp_path / "campaign.toml").write_text(
        CAMPAIGN.read_text().replace("../../engine", str(FIXTURES.parent.parent / "engine"))
    )
    path = tmp_path / "menu.toml"
    path.write_text(edit(MENU.read_text()))
    code, out, err = cli(["optimise", str(path), "--runs", "4"])
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("error: ")
    assert needle in err
    assert str(path) in err or "missing.toml" in err


EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples" / "optimise").glob("*.toml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_menus_check(path: Path) -> None:
    from umbrella.optimise import check_options

    spec = load_optimisation(path)
    camp = load_campaign(spec.campaign_path())
    check_options(spec, camp, load_defence(camp))
    assert 5 <= len(spec.options) <= 10
    assert all(o.max_units <= 4 for o in spec.options)


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--runs", "1"], "--runs"),
        (["--seed", "-1"], "--seed"),
        (["--time-limit", "0"], "--time-limit"),
        (["--time-limit", "nan"], "--time-limit"),
    ],
)
def test_bad_command_line_one_line(cli: Any, extra: list[str], needle: str) -> None:
    code, out, err = cli(["optimise", str(MENU), *extra])
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and needle in err


def test_out_dir_with_foreign_files_refused_before_work(
    tmp_path: Path, cli: Any, monkeypatch: Any
) -> None:
    import umbrella.campaign.inputs
    import umbrella.optimise
    from umbrella.core.errors import InputError
    from umbrella.jobs import run_optimisation

    def no_work(*args: Any, **kw: Any) -> Any:
        raise AssertionError("the optimisation started work before its folder was checked")

    out_dir = tmp_path / "out"
    out_dir.mkdir()
    (out_dir / "notes.txt").write_text("mine")
    with monkeypatch.context() as mp:
        mp.setattr(umbrella.optimise, "optimise", no_work)
        mp.setattr(umbrella.campaign.inputs, "load_raid_tempo", no_work)
        code, _, err = cli(["optimise", str(MENU), "--runs", "4", "--out", str(out_dir)])
        assert code == 2 and err.count("\n") == 1 and "--force" in err and "notes.txt" in err
        with pytest.raises(InputError, match=r"notes\.txt"):
            run_optimisation(MENU, runs=4, out=out_dir, history=False)
        code, _, err = cli(["optimise", str(MENU), "--runs", "4", "--force"])
        assert code == 2 and "--force applies to an --out folder" in err
    assert [p.name for p in out_dir.iterdir()] == ["notes.txt"]
    code, _, err = cli(["optimise", str(MENU), "--runs", "4", "--out", str(out_dir), "--force"])
    assert code == 0, err
    assert (out_dir / "notes.txt").read_text() == "mine" and (out_dir / "best.toml").is_file()


def test_gap_is_the_paired_bound_against_the_alternatives(menu: tuple[Any, Any, Any]) -> None:
    from umbrella.core.stats import t_quantile
    from umbrella.optimise import OptimisationResult

    spec, camp, defence = menu
    rng = np.random.default_rng(0)
    common = rng.normal(100.0, 20.0, size=50)
    win = common + rng.normal(0.0, 1.0, size=50)
    alts: dict[tuple[int, ...], Any] = {(1, 0, 0, 0): win - 3.0, (2, 0, 0, 0): win + 5.0,
                                       (0, 0, 0, 0): win + 40.0}  # fmt: skip
    noise = rng.normal(0.0, 2.0, size=50)
    alts[(1, 0, 0, 0)] = alts[(1, 0, 0, 0)] + noise  # better than the winner by 3 on average
    res = OptimisationResult(
        spec=spec, campaign=camp, defence=defence, runs=50, seed=0, confirm_seed=1,
        best=(0, 0, 0, 1), method="exhaustive",
        stopped=False, idle=[""] * 4, evaluated={}, confirm={(0, 0, 0, 1): win, **alts},
        seconds=0.0,
    )  # fmt: skip
    d = win - alts[(1, 0, 0, 0)]
    q = t_quantile(1 - 0.05 / 3, 49)
    gap = res.gap()
    assert gap["estimate"] == pytest.approx(float(d.mean()))
    assert gap["ci95_upper"] == pytest.approx(float(d.mean() + q * d.std(ddof=1) / np.sqrt(50)))
    assert 2.0 < gap["estimate"] < 4.0


def test_same_answer_whatever_the_threads(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    exe = str(Path(sys.executable).parent / "umbrella")
    procs = []  # the two processes run at once, each with its own run history
    for threads in ("1", "2"):
        env = {**os.environ, "NUMBA_NUM_THREADS": threads,
               "UMBRELLA_HOME": str(tmp_path / f"home{threads}")}  # fmt: skip
        procs.append(subprocess.Popen([exe, "optimise", str(MENU), "--runs", "8", "--seed", "3",
                                       "--json"], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))  # fmt: skip
    outs = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        outs.append(out)
    assert outs[0] == outs[1]
    assert json.loads(outs[0])["seed"] == 3


@pytest.mark.parametrize("objective", ["leaked", "damage"])
def test_assets_score_only_the_assets_named(tmp_path: Path, objective: str) -> None:
    """Every asset named is the national total (each leaker strikes one asset); one asset is its
    own column of the per-asset sums, and a group name picks its members."""
    text = _menu(100e6, _lot("lot", 20e6)).replace('"damage"', f'"{objective}"')
    _, _, _, ev = _setup(text, tmp_path)
    res = ev.result((1,))
    from umbrella.optimise.evaluate import objective_per_run

    national = objective_per_run(res, objective)
    both = objective_per_run(res, objective, ["plant", "sub"])
    np.testing.assert_allclose(both, national, rtol=1e-9, atol=1e-6)
    per_asset = res.asset_damage if objective == "damage" else res.asset_leaked
    col = res.asset_ids.index("sub")
    np.testing.assert_array_equal(objective_per_run(res, objective, ["sub"]), per_asset[:, col])
    group = res.asset_groups[col]
    np.testing.assert_array_equal(objective_per_run(res, objective, [group]), per_asset[:, col])
    assert objective_per_run(res, objective, ["sub"]).sum() < national.sum()
