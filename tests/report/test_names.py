"""What a reader sees on every kind of page: catalogue types by their display names, never by
their keys; sweep parameters in words with their units; a headline first."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from umbrella.report import build_report
from umbrella.report.names import display_names, parameter_label, type_name
from umbrella.report.page import KINDS

Q = {"mean": 3.5, "ci95": [3.0, 4.0], "p05": 1.0, "p50": 3.0, "p95": 7.0}
DIST = {"p": [0.05, 0.5, 0.95], "leaked": [1.0, 2.0, 3.0], "damage": [4.0, 5.0, 6.0]}


class _Visible(HTMLParser):
    """The text a browser shows: everything but scripts, styles and the charts' drawing."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.parts: list[str] = []
        self.first: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "svg", "title"):
            self.hidden += 1
        self.first.append(tag + "." + (dict(attrs).get("class") or ""))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "svg", "title"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _visible(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return " ".join(parser.parts)


def _keys_shown(text: str) -> set[str]:
    """The catalogue keys with a display name of their own that ``text`` holds as words."""
    words = set(re.findall(r"[A-Za-z0-9_\-]+", text))
    return {key for key in display_names() if key in words}


def _stock(key: str, first: str = "2026-01-05") -> dict[str, Any]:
    return {"display_name": key, "tracked": True, "stock_start": 100, "stock_end": Q,
            "fired": Q, "stockout_by_end": Q, "first_stockout": first}  # fmt: skip


#: One document of every kind, its types named by catalogue keys (the display names left to
#: the catalogue, as a document written with the key as its display name would).
DOCS: dict[str, dict[str, Any]] = {
    "campaign": {
        "campaign": "c", "start": "2026-01-01", "end": "2026-01-20", "nights": 20, "runs": 4,
        "seed": 0, "totals": {"leaked": Q, "damage": Q}, "distribution": DIST,
        "interceptors": {"pac3_mse": _stock("pac3_mse"),
                         "gepard_35mm": _stock("gepard_35mm", "2026-01-09")},
    },
    "compare": {
        "baseline": "a.toml", "runs": 4, "seed": 0,
        "campaigns": [{"label": "a.toml", "campaign": "a", "totals": {"leaked": Q}},
                      {"label": "b.toml", "campaign": "b", "totals": {"leaked": Q}}],
        "alternatives": {"b.toml": {"totals": {"leaked": Q, "damage": Q},
                                    "interceptors": {"iris_t_slm": _stock("iris_t_slm")},
                                    "distribution": DIST}},
    },
    "raid-compare": {
        "baseline": "reference", "alternative": "b.toml", "runs": 4, "seed": 0,
        "difference": {"leaked": Q, "damage": Q, "defender_cost_usd": Q}, "distribution": DIST,
        "scenarios": [{"role": "baseline", "label": "reference", "scenario": "shahed_136",
                       "totals": {"leaked": Q}}],
    },
    "optimise": {
        "name": "o", "budget_usd": 1e8, "objective": "damage", "runs": 4, "seed": 0,
        "best": {"buy": {"lot": 1}, "cost_usd": 1e7, "objective": Q, "reduction": Q,
                 "gap": {"estimate": 0.0, "ci95_upper": 1.0}},
        "frontier": [{"buy": {}, "cost_usd": 0.0, "objective": Q, "reduction": Q}],
        "marginal": {"lot": Q}, "options": [{"id": "lot", "kind": "lot",
                                             "contents": "10 rounds of PAC-3 MSE",
                                             "price_usd": 1e7, "max_units": 2,
                                             "arrival": "2026-01-02", "description": ""}],
    },
    "sweep": {
        "name": "s", "model": "campaign:c", "design": "grid", "runs": 4, "seed": 0,
        "outputs": ["fired.pac3_mse", "leaked.shahed"],
        "points": [{"params": {"stocks.pac3_mse": 10, "threats[0].speed_kmh": 150.0},
                    "outputs": {"fired.pac3_mse": Q, "leaked.shahed": Q}},
                   {"params": {"stocks.pac3_mse": 20, "threats[0].speed_kmh": 180.0},
                    "outputs": {"fired.pac3_mse": {**Q, "mean": 9.0},
                                "leaked.shahed": Q}}],
        "sensitivity": None,
    },
    "nights": {
        "scenario": "posture", "runs": 4, "seed": 0, "start": "2025-07-01", "end": "2025-07-31",
        "min_drones": 100, "assimilated": True, "state_through": "2025-06-30", "nights": [],
        "scores": {"posture": {"nights": 20, "mae": 0.05, "bias": 0.0, "correlation": 0.5,
                               "coverage90": 0.9}},
        "missiles": {"by_class": {"cruise": {"launched": 10, "predicted_share": 0.5,
                                             "reported_share": 0.5}},
                     "by_type": {"kh101": {"assessed": 10, "predicted_share": 0.5,
                                           "reported_share": 0.4},
                                 "iskander_m": {"assessed": 5, "predicted_share": 0.3,
                                                "reported_share": 0.2}}},
    },
    "calibration": {"scenario": "posture", "runs": 4, "nights": 30, "method": "abc",
                    "parameters": {"capability": {"mean": 0.5, "p05": 0.4, "p95": 0.6}},
                    "fit": {"mae": 0.05}},
    "data-summary": {"start": "2025-01-01", "end": "2025-03-31",
                     "classes": {"one_way_attack_drone": {"launched": 10, "neutralised": 8,
                                                          "assessed": 9,
                                                          "neutralised_share": 0.9}}},
    "forecast": {"train_end": "2024-12-31", "start": "2025-01-01", "end": "2025-03-31",
                 "runs": 20, "drones_launched_total": Q},
    "backtest": {"first_origin": "2024-01-31", "last_origin": "2024-12-31",
                 "scores": [{"horizon_months": 1, "quantity": "drones_launched_total",
                             "origins": 3, "coverage90": 0.9, "crps": 1.0,
                             "crps_persistence": 2.0}]},
    "wta": {"instance": "i", "weapons": 2, "targets": 3, "rounds": 2, "objective": 1.5,
            "bound": 1.5, "gap": 0.0, "status": "optimal", "method": "exact", "seconds": 0.1,
            "assignment": [[0, 1, 1]]},
}  # fmt: skip


def _page_of(folder: Path, kind: str, doc: dict[str, Any]) -> str:
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps({"kind": kind, **doc}), encoding="utf-8")
    return build_report(folder, kind).read_text(encoding="utf-8")


def test_every_kind_is_covered() -> None:
    assert set(DOCS) | {"run"} == set(KINDS)


@pytest.mark.parametrize("kind", sorted(DOCS))
def test_no_catalogue_key_is_shown_where_a_display_name_exists(tmp_path: Path, kind: str) -> None:
    page = _page_of(tmp_path / kind, kind, DOCS[kind])
    text = _visible(page)
    assert _keys_shown(text) == set(), kind
    # The page opens with its headline: three to six sentences, first under the title.
    main = page.split("<main>", 1)[1]
    assert re.match(r"<h1>[^<]*</h1><div class=\"headline\">", main), main[:200]
    sentences = main.split('<div class="headline">', 1)[1].split("</div>", 1)[0]
    assert 3 <= sentences.count("<p>") <= 6, sentences


def test_display_names_reach_the_pages(tmp_path: Path) -> None:
    text = _visible(_page_of(tmp_path / "c", "campaign", DOCS["campaign"]))
    assert "PAC-3 MSE" in text and "Gepard 35 mm" in text
    assert "The first stock-out in the median run: PAC-3 MSE on 2026-01-05." in text
    text = _visible(_page_of(tmp_path / "s", "sweep", DOCS["sweep"]))
    assert "stocks: PAC-3 MSE" in text and "threat group 1: speed (km/h)" in text
    assert "rounds fired, PAC-3 MSE (rounds)" in text


def test_a_raid_page_names_every_type_of_the_reference_scenario(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "ref"
    code, _, err = cli(["run", "--runs", "2", "--out", str(out)])
    assert code == 0, err
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    keys = set(summary["threats"]) | set(summary["interceptors"])
    assert keys & set(display_names())  # the check below is not empty
    text = _visible((out / "report.html").read_text(encoding="utf-8"))
    assert _keys_shown(text) == set()
    assert display_names()["shahed"] in text


def test_names_in_words() -> None:
    assert type_name("pac3_mse") == "PAC-3 MSE"
    assert type_name("pac3_mse", "my PAC-3") == "my PAC-3"  # a scenario's own name wins
    assert type_name("my<type>") == "my&lt;type&gt;"
    assert parameter_label("threats[0].count") == "threat group 1: count"
    assert parameter_label("fire_units[2].range_km") == "fire unit 3: range (km)"
    assert (
        parameter_label("doctrine.p_kill_scale") == "doctrine: probability of kill scale (0 to 1)"
    )
    assert parameter_label("stocks.iris_t_slm") == "stocks: IRIS-T SLM"
