"""The headline of every page: three to six sentences in plain words, made from the numbers of
the folder's ``summary.json``, that say what a reader would quote.

Every interval a sentence gives says which it is: "95% CI of the mean" (how well the runs pin
the mean down) or "per-run p05–p95" (where nine runs in ten fall). Each function returns
sentences as escaped HTML; a sentence whose numbers the document lacks is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from umbrella.report.html import esc, fmt
from umbrella.report.names import display_name, parameter_label, quantity_label

__all__ = ["headline"]

Doc = Mapping[str, Any]


def _num(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _q(doc: Any, *path: str) -> Mapping[str, Any]:
    for key in path:
        doc = doc.get(key) if isinstance(doc, Mapping) else None
    return doc if isinstance(doc, Mapping) else {}


def _ci(q: Mapping[str, Any], digits: int = 1) -> tuple[str, str] | None:
    ci = q.get("ci95")
    if isinstance(ci, Sequence) and len(ci) == 2 and _num(ci[0]) and _num(ci[1]):
        return fmt(float(ci[0]), digits), fmt(float(ci[1]), digits)
    return None


def _spread(q: Mapping[str, Any], digits: int = 1) -> str:
    """ "a median of 76 (58 to 94 in nine runs of ten, per-run p05–p95)"."""
    return (
        f"a median of {fmt(float(q['p50']), digits)} ({fmt(float(q['p05']), digits)} to "
        f"{fmt(float(q['p95']), digits)} in nine {{runs}} of ten, per-run p05–p95)"
    )


def _has_spread(q: Mapping[str, Any]) -> bool:
    return all(_num(q.get(k)) for k in ("p05", "p50", "p95"))


def _mean_ci(q: Mapping[str, Any], digits: int = 1) -> str:
    ci = _ci(q, digits)
    mean = fmt(float(q["mean"]), digits)
    return f"{mean} (95% CI of the mean {ci[0]} to {ci[1]})" if ci else mean


def _clear(q: Mapping[str, Any]) -> str:
    """Whether the 95% CI of a mean difference lies clear of zero, in words."""
    ci = q.get("ci95")
    if not (isinstance(ci, Sequence) and len(ci) == 2 and _num(ci[0]) and _num(ci[1])):
        return "with too few runs to say whether it is clear of zero"
    if ci[1] < 0:
        return "clearly below zero"
    if ci[0] > 0:
        return "clearly above zero"
    return "not clear of zero"


def _musd(x: Any) -> str:
    return f"${fmt(x / 1e6, 1)}M" if _num(x) else "–"


# ---------------------------------------------------------------------------- raid run
def _run(doc: Doc) -> list[str]:
    out = []
    totals = _q(doc, "totals")
    launched, leaked, damage = _q(totals, "launched"), _q(totals, "leaked"), _q(totals, "damage")
    if _has_spread(leaked) and _num(leaked.get("mean")):
        n = fmt(float(launched["mean"]), 0) if _num(launched.get("mean")) else "the"
        out.append(
            f"Of {n} threats launched per raid, {_spread(leaked).format(runs='raids')} "
            f"reached a target; the mean is {_mean_ci(leaked)}."
        )
    killed, lost = _q(totals, "killed"), _q(totals, "lost")
    if _num(killed.get("mean")) and _num(lost.get("mean")):
        out.append(
            f"On average {fmt(float(killed['mean']))} were shot down and "
            f"{fmt(float(lost['mean']))} lost to electronic warfare."
        )
    if _has_spread(damage):
        out.append(f"Damage to the assets: {_spread(damage).format(runs='raids')} value units.")
    threats = {k: v for k, v in _q(doc, "threats").items() if isinstance(v, Mapping)}
    worst = max(
        threats.items(), key=lambda kv: _q(kv[1], "leaked").get("mean") or 0.0, default=None
    )
    if worst and (_q(worst[1], "leaked").get("mean") or 0) > 0:
        name = display_name(worst[0], worst[1].get("display_name"))
        out.append(
            f"Most leakers were {esc(name)}: {fmt(float(worst[1]['leaked']['mean']))} per raid "
            "on average."
        )
    spend, cost = _q(totals, "defender_cost_usd"), _q(totals, "attacker_cost_usd")
    if _num(spend.get("mean")) and _num(cost.get("mean")):
        out.append(
            f"The defence fired rounds worth {fmt(float(spend['mean']), 0)} USD per raid "
            f"against weapons worth {fmt(float(cost['mean']), 0)} USD (means)."
        )
    return out


# ---------------------------------------------------------------------------- campaign
def _campaign(doc: Doc) -> list[str]:
    out = []
    totals = _q(doc, "totals")
    leaked, damage = _q(totals, "leaked"), _q(totals, "damage")
    span = (
        f"Over the {fmt(doc.get('nights'))} nights from {esc(doc.get('start'))} to "
        f"{esc(doc.get('end'))}"
        if doc.get("start") and doc.get("nights")
        else "Over the season"
    )
    if _has_spread(leaked) and _num(leaked.get("mean")):
        out.append(
            f"{span}, {_spread(leaked).format(runs='seasons')} threats reached a target; the "
            f"mean is {_mean_ci(leaked)}."
        )
    if _has_spread(damage):
        out.append(f"Damage to the assets: {_spread(damage).format(runs='seasons')} value units.")
    itc = {
        k: v
        for k, v in _q(doc, "interceptors").items()
        if isinstance(v, Mapping) and v.get("tracked", True)
    }
    firsts = sorted(
        (str(v["first_stockout"]), k) for k, v in itc.items() if v.get("first_stockout")
    )
    if firsts:
        day, key = firsts[0]
        who = esc(display_name(key, itc[key].get("display_name")))
        out.append(f"The first stock-out in the median run: {who} on {esc(day)}.")
    elif itc:
        out.append("No carried stock ran out by the last night in the median run.")
    likely = max(
        itc.items(), key=lambda kv: _q(kv[1], "stockout_by_end").get("mean") or 0.0, default=None
    )
    if likely and _num(_q(likely[1], "stockout_by_end").get("mean")):
        q = _q(likely[1], "stockout_by_end")
        out.append(
            f"P(stock-out of {esc(display_name(likely[0], likely[1].get('display_name')))} by "
            f"the end) = {_mean_ci(q, 2)}."
        )
    groups = {k: v for k, v in _q(doc, "assets", "by_group").items() if isinstance(v, Mapping)}
    hit = max(groups.items(), key=lambda kv: _q(kv[1], "damage").get("mean") or 0.0, default=None)
    if hit and len(groups) > 1 and _has_spread(_q(hit[1], "damage")):
        q = _q(hit[1], "damage")
        out.append(
            f"{esc(hit[0])} took the most damage: {_spread(q).format(runs='seasons')} value units."
        )
    return out


# ---------------------------------------------------------------------------- comparison
def _compare(doc: Doc) -> list[str]:
    out = []
    base = esc(doc.get("baseline", "the baseline"))
    alts = {k: v for k, v in _q(doc, "alternatives").items() if isinstance(v, Mapping)}
    if alts:
        out.append(
            f"Each alternative is set against {base} on the same {fmt(doc.get('runs'))} runs "
            "(the same raids and shots): every change is a paired difference alternative − "
            "baseline, over the season."
        )
    for name, alt in list(alts.items())[:3]:
        parts = []
        for key in ("leaked", "damage"):
            q = _q(alt, "totals", key)
            if _num(q.get("mean")):
                parts.append(f"{quantity_label(key)} by {_mean_ci(q)}, {_clear(q)}")
        if parts:
            out.append(f"{esc(name)} changes {'; '.join(parts)}.")
        itc = {
            k: v
            for k, v in _q(alt, "interceptors").items()
            if isinstance(v, Mapping) and v.get("tracked", True)
        }
        moved = max(
            itc.items(),
            key=lambda kv: abs(_q(kv[1], "stockout_by_end").get("mean") or 0.0),
            default=None,
        )
        if moved and _num(_q(moved[1], "stockout_by_end").get("mean")):
            q = _q(moved[1], "stockout_by_end")
            who = esc(display_name(moved[0], moved[1].get("display_name")))
            out.append(
                f"Under {esc(name)}, P(stock-out of {who} by the end) changes by "
                f"{_mean_ci(q, 2)}, {_clear(q)}."
            )
    return out[:6]


def _raid_compare(doc: Doc) -> list[str]:
    base, alt = esc(doc.get("baseline", "the baseline")), esc(doc.get("alternative", "it"))
    out = [
        f"{alt} is set against {base} on the same {fmt(doc.get('runs'))} runs (the same launch "
        "times, routes and shots): every change is a paired difference alternative − baseline, "
        "per raid."
    ]
    words = {"leaked": "leakers", "damage": "damage", "defender_cost_usd": "defender spend (USD)"}
    for key, word in words.items():
        q = _q(doc, "difference", key)
        if _num(q.get("mean")):
            spread = ""
            if _has_spread(q):
                spread = "; " + _spread(q).format(runs="raids").replace("a median of", "median")
            out.append(f"{alt} changes {word} by {_mean_ci(q)}, {_clear(q)}{spread}.")
    return out if len(out) > 1 else []


# ---------------------------------------------------------------------------- optimise
def _buy(buy: Any) -> str:
    if not isinstance(buy, Mapping) or not buy:
        return "nothing"
    return ", ".join(f"{esc(k)} × {fmt(v)}" for k, v in buy.items())


def _optimise(doc: Doc) -> list[str]:
    out = []
    best = _q(doc, "best")
    objective = quantity_label(doc.get("objective", "damage"))
    if best:
        out.append(
            f"Buy {_buy(best.get('buy'))} for {_musd(best.get('cost_usd'))} of the "
            f"{_musd(doc.get('budget_usd'))} budget."
        )
    cut = _q(best, "reduction")
    if _num(cut.get("mean")):
        runs = _q(doc, "details", "confirmation").get("runs", doc.get("runs"))
        spread = (
            f"; per-run p05–p95 {fmt(cut['p05'])} to {fmt(cut['p95'])}" if _has_spread(cut) else ""
        )
        ci = _ci(cut)
        ci_text = f" (95% CI of the mean {ci[0]} to {ci[1]}{spread})" if ci else ""
        clear = _clear(cut)
        verdict = "" if clear == "clearly above zero" else f"; the reduction is {clear}"
        out.append(
            f"Flown again on {fmt(runs)} independent runs, paired run by run with no buy, it "
            f"cuts the campaign's {esc(objective)} by {fmt(float(cut['mean']))}{ci_text}"
            f"{verdict}."
        )
    gap = _q(best, "gap")
    if _num(gap.get("ci95_upper")):
        out.append(
            "None of the runners-up re-flown beside it beats it by more than "
            f"{fmt(float(gap['ci95_upper']))} (the optimality gap's 95% upper bound; estimate "
            f"{fmt(float(gap.get('estimate') or 0.0))})."
        )
    details = _q(doc, "details")
    if details.get("method"):
        stop = (
            " It was stopped by its time limit: this is the best buy found."
            if details.get("stopped_by_time_limit")
            else ""
        )
        out.append(
            f"{fmt(details.get('buys_evaluated'))} buys were evaluated "
            f"({esc(details['method'])}).{stop}"
        )
    return out


# ---------------------------------------------------------------------------- sweep
def _main_effects(doc: Doc, output: str) -> dict[str, float]:
    """Per parameter: the range of the output's mean over the parameter's values, each value's
    mean taken over the points that have it (the other parameters averaged)."""
    points = [p for p in doc.get("points") or [] if isinstance(p, Mapping)]
    ok = [
        p
        for p in points
        if isinstance(p.get("outputs"), Mapping) and _num(_q(p, "outputs", output).get("mean"))
    ]
    effects: dict[str, float] = {}
    for key in dict.fromkeys(k for p in ok for k in _q(p, "params")):
        by: dict[str, list[float]] = {}
        for p in ok:
            by.setdefault(repr(p["params"].get(key)), []).append(
                float(p["outputs"][output]["mean"])
            )
        if len(by) > 1:
            means = [sum(v) / len(v) for v in by.values()]
            effects[key] = max(means) - min(means)
    return effects


def _sweep(doc: Doc) -> list[str]:
    out = []
    points = [p for p in doc.get("points") or [] if isinstance(p, Mapping)]
    keys = list(dict.fromkeys(k for p in points for k in _q(p, "params")))
    outputs = [str(o) for o in doc.get("outputs") or []]
    if points:
        out.append(
            f"{len(points)} points of a {esc(doc.get('design', ''))} design over "
            f"{len(keys)} parameter{'s' if len(keys) != 1 else ''} "
            f"({esc('; '.join(parameter_label(k) for k in keys))}), "
            f"{fmt(doc.get('runs'))} runs at each, with common random numbers."
        )
    failed = sum(1 for p in points if p.get("outputs") is None)
    if failed:
        out.append(f"{failed} point{'s' if failed != 1 else ''} failed (listed below).")
    sens = _q(doc, "sensitivity")
    for output in outputs[:2]:
        means = [
            float(_q(p, "outputs", output)["mean"])
            for p in points
            if _num(_q(p, "outputs", output).get("mean"))
        ]
        if not means:
            continue
        label = esc(quantity_label(output))
        out.append(
            f"The mean of {label} runs from {fmt(min(means))} to {fmt(max(means))} across the "
            "points."
        )
        by_key = _q(sens, output)
        st = {
            k: float(v["ST"])
            for k, v in by_key.items()
            if isinstance(v, Mapping) and _num(v.get("ST"))
        }
        if st:
            key = max(st, key=lambda k: st[k])
            out.append(
                f"What matters most for {label} is {esc(parameter_label(key))}: its total "
                f"Sobol' index is {fmt(st[key], 2)} (its share of the variance, with its "
                "interactions)."
            )
            continue
        effects = _main_effects(doc, output)
        if effects:
            key = max(effects, key=lambda k: effects[k])
            out.append(
                f"What matters most for {label} is {esc(parameter_label(key))}: the mean moves "
                f"by {fmt(effects[key])} across its values (the other parameters averaged)."
            )
    return out[:6]


# ---------------------------------------------------------------------------- other kinds
def _share(x: Any) -> str:
    return f"{100 * x:.1f}%" if _num(x) else "–"


def _nights(doc: Doc) -> list[str]:
    out = []
    if doc.get("start"):
        assimilated = doc.get("assimilated")
        how = (
            "assimilating each report before the night"
            if assimilated is True
            else "frozen (no report seen after its state)"
            if assimilated is False
            else ""
        )
        out.append(
            f"Predicted nights from {esc(doc.get('start'))} to {esc(doc.get('end'))}, "
            f"{fmt(doc.get('runs'))} runs a night" + (f", {how}" if how else "") + "."
        )
    posture = _q(doc, "scores", "posture")
    if _num(posture.get("mae")):
        out.append(
            f"Over {fmt(posture.get('nights'))} nights, the predicted share of drones "
            f"neutralised is off by {fmt(100 * float(posture['mae']))} share points on average "
            f"(bias {fmt(100 * float(posture.get('bias') or 0.0))})."
        )
        if _num(posture.get("coverage90")):
            out.append(
                f"{_share(posture['coverage90'])} of the reported shares fall inside the "
                "per-run p05–p95 of the prediction."
            )
    nights = [n for n in doc.get("nights") or [] if isinstance(n, Mapping)]
    if nights:
        big = max(nights, key=lambda n: float(n.get("drones_launched") or 0))
        out.append(
            f"{len(nights)} nights in all; the largest, {esc(big.get('night'))}, had "
            f"{fmt(big.get('drones_launched'))} drones launched."
        )
    return out


def _calibration(doc: Doc) -> list[str]:
    out = [
        f"The posture {esc(doc.get('scenario', ''))} fitted to "
        f"{fmt(doc.get('nights'))} nights of reports"
        + (
            f" from {esc(doc['train_start'])} to {esc(doc['train_end'])}"
            if doc.get("train_start")
            else ""
        )
        + (f" ({esc(doc['method'])})." if doc.get("method") else ".")
    ]
    params = _q(doc, "parameters")
    if params:
        out.append(
            f"{len(params)} parameters fitted; each is shown with its posterior mean and the "
            "posterior's 90% interval (p05–p95 of its draws)."
        )
    fit = _q(doc, "fit")
    if _num(fit.get("mae")):
        out.append(
            f"Flown on its own training nights, the fitted posture is off by "
            f"{fmt(100 * float(fit['mae']))} share points on average."
        )
    return out


def _data_summary(doc: Doc) -> list[str]:
    out = [f"National attack reports from {esc(doc.get('start'))} to {esc(doc.get('end'))}."]
    drones = _q(doc, "classes", "one_way_attack_drone")
    if _num(drones.get("launched")):
        out.append(
            f"{fmt(drones['launched'])} one-way attack drones were launched; "
            f"{_share(drones.get('neutralised_share'))} of those whose outcome was reported "
            "were neutralised."
        )
    out.append(
        "Neutralised counts shot down and lost together; a share is over the launches whose "
        "outcome was reported."
    )
    largest = [n for n in doc.get("largest_nights") or [] if isinstance(n, Mapping)]
    if largest:
        n = max(largest, key=lambda n: float(n.get("drones") or 0))
        out.append(f"The largest night, {esc(n.get('night'))}, had {fmt(n.get('drones'))} drones.")
    return out


def _forecast(doc: Doc) -> list[str]:
    out = [
        f"A forecast of {esc(doc.get('start'))} to {esc(doc.get('end'))} from a model fitted "
        f"to the reports up to {esc(doc.get('train_end'))}, {fmt(doc.get('runs'))} runs."
    ]
    q = _q(doc, "drones_launched_total")
    if _has_spread(q):
        out.append(f"Drones launched over the window: {_spread(q, 0).format(runs='runs')}.")
    share = _q(doc, "drones_neutralised_share")
    if _has_spread(share):
        out.append(
            f"Share of drones neutralised: a median of {_share(share['p50'])} "
            f"({_share(share['p05'])} to {_share(share['p95'])}, per-run p05–p95)."
        )
    out.append(
        "Each per-run p05–p95 is the forecast's 90% predictive interval: nine windows in ten "
        "should fall inside it."
    )
    return out


def _backtest(doc: Doc) -> list[str]:
    scores = [s for s in doc.get("scores") or [] if isinstance(s, Mapping)]
    out = [
        f"The forecast refitted at each month end from {esc(doc.get('first_origin'))} to "
        f"{esc(doc.get('last_origin'))} and scored against what the reports then showed."
    ]
    if scores:
        cover = [float(s["coverage90"]) for s in scores if _num(s.get("coverage90"))]
        if cover:
            out.append(
                f"Across {len(scores)} horizons and quantities, {_share(min(cover))} to "
                f"{_share(max(cover))} of the outcomes fell inside the 90% interval "
                "(per-run p05–p95)."
            )
        better = sum(
            1
            for s in scores
            if _num(s.get("crps"))
            and _num(s.get("crps_persistence"))
            and s["crps"] < s["crps_persistence"]
        )
        out.append(f"The model beats persistence on CRPS in {better} of {len(scores)} rows.")
    return out


def _wta(doc: Doc) -> list[str]:
    gap = doc.get("gap")
    out = [
        f"Weapon-target assignment {esc(doc.get('instance', ''))}: {fmt(doc.get('weapons'))} "
        f"weapons against {fmt(doc.get('targets'))} targets."
    ]
    if _num(doc.get("objective")):
        out.append(
            f"The {esc(doc.get('method', ''))} solver found an objective of "
            f"{float(doc['objective']):,.4f} in {fmt(doc.get('seconds'), 2)} s "
            f"(status {esc(doc.get('status', ''))})."
        )
    if isinstance(gap, int | float) and not isinstance(gap, bool):
        out.append(f"Its proven gap to the lower bound is {100 * float(gap):.4f}%.")
    return out


_KINDS: dict[str, Callable[[Doc], list[str]]] = {
    "run": _run,
    "campaign": _campaign,
    "compare": _compare,
    "raid-compare": _raid_compare,
    "optimise": _optimise,
    "sweep": _sweep,
    "nights": _nights,
    "calibration": _calibration,
    "data-summary": _data_summary,
    "forecast": _forecast,
    "backtest": _backtest,
    "wta": _wta,
}


def headline(kind: str, doc: Doc) -> str:
    """The page's headline (a ``<div class="headline">`` of sentences, escaped HTML), or ""
    when the document holds none of the numbers a sentence needs."""
    make = _KINDS.get(kind)
    sentences = make(doc) if make else []
    if not sentences:
        return ""
    return '<div class="headline">' + "".join(f"<p>{s}</p>" for s in sentences[:6]) + "</div>"
