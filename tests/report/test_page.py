"""report.html as text: self-contained, escaped, intervals labelled, per-city tables when the
output has them; and ``umbrella report DIR``."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from umbrella.core.errors import InputError
from umbrella.core.manifest import MANIFEST, is_own_file, read_manifest, write_manifest
from umbrella.report import build_report
from umbrella.report.html import script_json

from .folders import EVIL_FILE, EVIL_IMG, EVIL_SCRIPT, tags

Q = {"mean": 3.5, "ci95": [3.0, 4.0], "p05": 1.0, "p50": 3.0, "p95": 7.0}
#: Every element the page may hold.
ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "h1",
    "h2",
    "h3",
    "p",
    "b",
    "i",
    "dl",
    "dt",
    "dd",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "figure",
    "img",
    "figcaption",
    "div",
    "button",
    "input",
    "span",
    "canvas",
    "ul",
    "li",
    "script",
    "code",
}
D = {"mean": -1.25, "ci95": [-1.5, -1.0], "p05": -3.0, "p50": -1.0, "p95": 0.5}


def _campaign(folder: Path, *, assets: bool) -> Path:
    folder.mkdir()
    doc: dict[str, Any] = {
        "kind": "campaign",
        "campaign": "tiny",
        "runs": 4,
        "seed": 0,
        "totals": {"leaked": Q, "defender_cost_usd": Q},
        "interceptors": {
            "pac3_mse": {"display_name": "PAC-3 MSE", "tracked": True, "stock_start": 220,
                         "stock_end": Q, "fired": Q, "stockout_by_end": D,
                         "first_stockout": "2026-01-11"},
            "gun": {"display_name": "gun", "tracked": False, "stock_start": 40, "stock_end": Q,
                    "fired": Q, "stockout_by_end": D, "first_stockout": None},
        },
    }  # fmt: skip
    if assets:
        doc["assets"] = {
            "by_asset": {
                "plant-1": {"group": "Capital", "value": 80.0, "damage": Q, "leaked": Q},
                "sub-9": {"group": "Harbour Town", "value": 20.0, "damage": Q, "leaked": Q},
            },
            "by_group": {
                "Capital": {"value": 80.0, "damage": Q, "leaked": Q},
                "Harbour Town": {"value": 20.0, "damage": Q, "leaked": Q},
            },
        }
    (folder / "summary.json").write_text(json.dumps(doc), encoding="utf-8")
    return folder


def _page(folder: Path, kind: str) -> str:
    return build_report(folder, kind).read_text(encoding="utf-8")


def test_per_city_tables_show_when_the_assets_block_is_there(tmp_path: Path) -> None:
    page = _page(_campaign(tmp_path / "with", assets=True), "campaign")
    assert "By city (group of assets)" in page and "By asset" in page
    # One wide row per city: its value, then damage and leakers side by side, each estimate
    # with its intervals, labelled: mean, CI of the mean, median, p05-p95 spread.
    cells = "<td>3.5</td><td>[3.0, 4.0]</td><td>3.0</td><td>[1.0, 7.0]</td>"
    assert "<td class=name>Harbour Town</td><td>20.0</td>" + cells + cells in page
    assert "damage: 95% CI of the mean" in page and "leakers: per-run spread p05–p95" in page
    for label in ("95% CI of the mean", "per-run spread p05–p95", "median (p50)"):
        assert label in page
    page = _page(_campaign(tmp_path / "without", assets=False), "campaign")
    assert "By city" not in page and "By asset" not in page and "Assets and cities" not in page


def test_a_campaign_shows_its_totals_stocks_and_rounds_fired(tmp_path: Path) -> None:
    page = _page(_campaign(tmp_path / "c", assets=False), "campaign")
    assert "<h1>Campaign: tiny</h1>" in page
    # Season totals by their metric's name and unit, every interval named.
    assert "<td class=name>leakers (threats)</td><td>3.5</td><td>[3.0, 4.0]</td>" in page
    assert "<td class=name>defender spend (USD)</td><td>4</td><td>[3, 4]</td>" in page
    # The stock-out with the 95% CI of its probability; only carried stocks have a stock row.
    pac3 = "<td class=name>PAC-3 MSE</td><td>220</td>"
    assert pac3 + "<td>4</td><td>[3, 4]</td><td>3</td><td>[1, 7]</td>" in page
    assert "<td>-1.25</td><td>[-1.50, -1.00]</td><td>2026-01-11</td>" in page
    assert "P(stock-out by the end): 95% CI of the mean" in page
    assert "<td class=name>gun</td><td>no (refilled nightly)</td><td>4</td>" in page
    assert page.count("<td class=name>gun</td>") == 1  # in rounds fired, not among the stocks


def test_a_comparison_shows_paired_differences_per_city(tmp_path: Path) -> None:
    folder = tmp_path / "cmp"
    folder.mkdir()
    totals = {"leaked": Q, "damage": Q}
    doc: dict[str, Any] = {
        "kind": "compare",
        "baseline": "a.toml",
        "runs": 4,
        "seed": 0,
        "campaigns": [
            {"label": "a.toml", "campaign": "winter", "totals": totals},
            {"label": "b.toml", "campaign": "winter, paused", "totals": totals},
        ],
        "alternatives": {
            "b.toml": {
                "totals": {"leaked": D},
                "assets": {
                    "by_asset": {"plant-1": {"damage": D, "leaked": D}},
                    "by_group": {"Capital": {"damage": D, "leaked": D}},
                },
                "interceptors": {
                    "pac3": {"display_name": "pac3", "tracked": True, "fired": D,
                             "stock_end": D, "stockout_by_end": D},
                    "amraam": {"display_name": "AMRAAM", "tracked": True, "fired": D,
                               "stock_end": D, "stockout_by_end": D},
                    "gun": {"display_name": "gun", "tracked": False, "fired": D, "stock_end": D,
                            "stockout_by_end": D},
                },
            }
        },
    }  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(doc), encoding="utf-8")
    page = _page(folder, "compare")
    assert "<h1>Comparison: a.toml and alternatives</h1>" in page
    # The campaigns side by side, one row per quantity; each named with its campaign.
    assert "b.toml (alternative): 95% CI of the mean" in page
    assert "<li>b.toml: campaign winter, paused</li>" in page
    assert "<td class=name>leakers (threats)</td><td>3.5</td><td>[3.0, 4.0]</td><td>[1.0, 7.0]" \
        "</td><td>3.5</td>" in page  # fmt: skip
    assert "Alternative: b.toml" in page
    # One wide table of every alternative's change per city (not one long table each).
    assert "b.toml: change in damage, 95% CI of the mean" in page
    assert ("<td class=name>Capital</td><td>-1.2</td><td>[-1.5, -1.0]</td><td>-1.2</td>"
            "<td>[-1.5, -1.0]</td>") in page  # fmt: skip
    assert "<td>-1.2</td><td>[-1.5, -1.0]</td><td>-1.0</td><td>[-3.0, 0.5]</td>" in page
    assert "change in P(stock-out by the end): 95% CI of the mean" in page
    # The change in the stock-out probability with its interval, under its one name.
    amraam = "<td class=name>AMRAAM</td>"  # the document's own display name
    assert amraam + "<td>-1.25</td><td>[-1.50, -1.00]</td><td>-1</td><td>[-2, -1]</td>" in page
    assert "<td class=name>gun</td><td>– (stock not carried)</td>" in page
    assert "no interval given" not in page
    assert "By asset" in page  # plant-1 is not a city of its own
    del doc["alternatives"]["b.toml"]["assets"]
    (folder / "summary.json").write_text(json.dumps(doc), encoding="utf-8")
    assert "By city" not in _page(folder, "compare")


def _inline(page: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", page, flags=re.S)


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


#: The elements of matplotlib's SVG charts, as an HTML parser names them.
SVG_TAGS = {"svg", "g", "path", "defs", "use", "clippath", "rect", "image", "text", "tspan",
            "line", "polyline", "polygon", "circle", "ellipse", "stop"}  # fmt: skip


def _charts(folder: Path) -> list[str]:
    return sorted({p.stem for p in folder.glob("*.png")} | {p.stem for p in folder.glob("*.svg")})


@pytest.mark.parametrize("kind", ["run", "campaign", "compare", "optimise"])
def test_the_page_is_one_self_contained_file(outputs: dict[str, Path], kind: str) -> None:
    folder = outputs[kind]
    page = (folder / "report.html").read_text(encoding="utf-8")
    # Every chart is inline, as vector SVG, one per chart of the folder (each kept there as
    # SVG and 200-dpi PNG); nothing refers to another file or host.
    charts = _charts(folder)
    assert charts and all((folder / f"{c}.png").is_file() for c in charts)
    assert all((folder / f"{c}.svg").is_file() for c in charts)
    assert page.count("<svg ") == len(charts) and "data:image/png" not in page
    elements = tags(page)
    refs = [
        v or ""
        for _, attrs in elements
        for k, v in attrs.items()
        if k in ("src", "href", "xlink:href", "action", "srcset", "poster", "data", "background")
    ]
    assert refs and all(r.startswith("#c") for r in refs)  # the charts' own glyphs and clips
    assert not [(t, k) for t, attrs in elements for k in attrs if k.startswith("on")]
    assert not [(t, k) for t, attrs in elements for k in attrs if k == "style"]
    assert {t for t, _ in elements} <= ALLOWED_TAGS | SVG_TAGS
    # Every id is the page's once: two charts never share a glyph's or a clip's id.
    ids = [a["id"] for _, a in elements if "id" in a]
    assert len(ids) == len(set(ids))
    assert re.findall(r"url\(([^)]*)\)", page) and all(
        u.startswith("#c") for u in re.findall(r"url\(([^)]*)\)", page)
    )
    assert "@import" not in page
    assert "http:" not in page.lower() and "https:" not in page.lower()
    # The policy allows the page's own style and scripts, by hash, and data: images only.
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', page)
    assert csp is not None and "default-src 'none'" in csp.group(1)
    assert f"style-src {_csp_hash(_inline(page, 'style')[0])};" in csp.group(1)
    assert "unsafe" not in csp.group(1)
    scripts = _inline(page, "script")
    # The tables' Copy and Download CSV script on every page, the replay's on a raid's.
    assert len(scripts) == (2 if kind == "run" else 1)
    assert f"script-src {' '.join(_csp_hash(x) for x in scripts)};" in csp.group(1)
    assert page.count('<button type="button" class="csv-table">Download CSV</button>') == (
        page.count("<table>")
    )
    if kind == "run":
        data = re.search(r'<script type="application/json" id="replay-data">(.*?)</script>', page)
        assert data is not None
        replay = json.loads((folder / "replay.json").read_text(encoding="utf-8"))
        assert json.loads(data.group(1)) == replay
    assert (folder / "report.html").name in read_manifest(folder)
    assert is_own_file(folder, "report.html", read_manifest(folder))


@pytest.mark.parametrize("kind", ["evil_run", "evil_campaign", "compare"])
def test_markup_in_names_is_written_as_text(outputs: dict[str, Path], kind: str) -> None:
    page = (outputs[kind] / "report.html").read_text(encoding="utf-8")
    assert EVIL_SCRIPT not in page and EVIL_FILE not in page and "window.pwned" in page
    # The only elements that could run or load anything are the page's own.
    elements = tags(page)
    assert not [(t, k) for t, attrs in elements for k in attrs if k.startswith("on")]
    assert [t for t, _ in elements if t == "img"] == []
    assert page.count("<svg ") == len(_charts(outputs[kind]))
    scripts = [a for t, a in elements if t == "script"]
    assert scripts in ([{}], [{"type": "application/json", "id": "replay-data"}, {}, {}])
    if kind != "compare":
        assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page
    else:
        assert "&lt;img src=x onerror=window.pwned=3&gt;.toml" in page
    if kind == "evil_run":
        assert (
            EVIL_IMG not in page and "&lt;img src=x onerror=&quot;window.pwned=2&quot;&gt;" in page
        )
        # In the replay's data, the markup is escaped JSON: it cannot end its element.
        data = page.split('id="replay-data">', 1)[1].split("</script>", 1)[0]
        assert "<" not in data and ">" not in data and "&" not in data
        assert json.loads(data)["scenario"] == EVIL_SCRIPT


def test_an_svg_that_holds_more_than_drawing_is_not_inlined() -> None:
    from umbrella.report.html import svg_figure

    ok = '<svg width="10pt" viewBox="0 0 10 10"><g id="a" style="fill: #fff; bogus: 1"/></svg>'
    shown = svg_figure("c", ok, "c0")
    assert shown is not None and 'id="c0-a"' in shown and 'fill="#fff"' in shown
    assert "style=" not in shown and "bogus" not in shown
    for bad in ('<svg><script>alert(1)</script></svg>', '<svg><g onload="x()"/></svg>',
                '<svg><use href="https://example.org/x.svg#a"/></svg>',
                "<svg><foreignObject><p>x</p></foreignObject></svg>"):  # fmt: skip
        assert svg_figure("c", bad, "c0") is None, bad


def test_script_json_cannot_close_its_element() -> None:
    obj = {"name": "</script><script>alert(1)</script>", "b": "a & b > c", "u": "\u2028é"}
    text = script_json(obj)
    assert not set("<>&") & set(text) and json.loads(text) == obj


def test_damaged_files_are_named(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(InputError, match=r"records no kind of output umbrella knows") as err:
        build_report(folder)  # no manifest, and no kind given
    assert err.value.source == str(folder)
    (folder / "summary.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(InputError, match="unreadable JSON") as err:
        build_report(folder, "run")
    assert err.value.source == str(folder / "summary.json")
    (folder / "summary.json").write_text('{"kind": "run", "threats": {}}', encoding="utf-8")
    (folder / "replay.json").write_text('{"replication": "2"}', encoding="utf-8")
    with pytest.raises(InputError, match="expected int in the replay") as err:
        build_report(folder, "run")
    assert (err.value.source, err.value.key) == (str(folder / "replay.json"), "replication")
    assert not (folder / "report.html").exists()


def test_umbrella_report_rebuilds_the_page(cli, outputs: dict[str, Path], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    folder = tmp_path / "copy"
    shutil.copytree(outputs["run"], folder)
    (folder / "report.html").unlink()
    old = read_manifest(folder)
    code, _, err = cli(["report", str(folder)])
    assert code == 0, err
    new = read_manifest(folder)
    assert "report.html" in new and is_own_file(folder, "report.html", new)
    assert {k: v for k, v in new.items() if k != "report.html"} == {
        k: v for k, v in old.items() if k != "report.html"
    }
    assert (folder / "report.html").read_text(encoding="utf-8") == (
        outputs["run"] / "report.html"
    ).read_text(encoding="utf-8")
    # A user's file beside umbrella's: refused, unless --force, which leaves it alone.
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    code, _, err = cli(["report", str(folder)])
    assert code == 2 and err.count("\n") == 1 and "umbrella did not write (notes.txt)" in err
    code, _, err = cli(["report", str(folder), "--force"])
    assert code == 0, err
    assert (folder / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert is_own_file(folder, "report.html", read_manifest(folder))


def test_umbrella_report_refuses_what_umbrella_did_not_write(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(["report", str(tmp_path / "missing")])
    assert (code, err) == (
        2,
        f"error: {tmp_path / 'missing'}: no such folder; give an umbrella output folder\n",
    )
    plain = _campaign(tmp_path / "plain", assets=False)
    code, _, err = cli(["report", str(plain)])
    assert (code, err) == (
        2,
        f"error: {plain}: is not an umbrella output folder (no valid "
        f"{MANIFEST}); nothing written\n",
    )
    assert not (plain / "report.html").exists()
    write_manifest(plain)  # a manifest without a kind: written before umbrella 0.2
    code, _, err = cli(["report", str(plain)])
    assert code == 2 and err.count("\n") == 1 and "records no kind of output" in err
    (plain / "summary.json").rename(plain / "other.json")
    write_manifest(plain, "campaign")
    code, _, err = cli(["report", str(plain)])
    assert code == 2 and "holds no summary.json that umbrella wrote" in err


def test_a_nights_folder_shows_its_scores_and_data_credit(tmp_path: Path) -> None:
    folder = tmp_path / "nights"
    folder.mkdir()
    share = {"mean": 0.8125, "ci95": [0.75, 0.875], "p05": 0.5, "p50": 0.8, "p95": 0.95}
    doc = {"kind": "nights", "scenario": "<b>posture</b>", "runs": 6, "seed": 0,
           "start": "2025-04-25", "end": "2025-05-02", "min_drones": 100,
           "summary": {"2025H1": {"nights": 3, "mae": 0.125, "bias": None}},
           "baselines": {"2025H1": {"own_mean": {"nights": 3, "mae": 0.0625, "bias": 0.0}}},
           "nights": [{"night": "2025-04-25", "drones_launched": 300,
                       "drones_neutralised_share": share,
                       "reported_drones_neutralised_share": 0.9, "missiles": {}},
                      {"night": "2025-04-26", "drones_launched": 0,
                       "drones_neutralised_share": None,
                       "reported_drones_neutralised_share": None, "missiles": {}}],
           "data_credit": "Data: <i>someone</i>"}  # fmt: skip
    (folder / "summary.json").write_text(json.dumps(doc), encoding="utf-8")
    (folder / "meta.json").write_text(json.dumps({"kind": "nights"}), encoding="utf-8")
    page = _page(folder, "nights")
    assert "<h1>Nights: &lt;b&gt;posture&lt;/b&gt;</h1>" in page
    assert "<td class=name>2025H1</td><td>3</td><td>0.125</td><td>–</td>" in page
    assert "<dd>2025-04-25 to 2025-05-02</dd>" in page
    assert '<p class="note">Data: &lt;i&gt;someone&lt;/i&gt;</p>' in page
    # The simple predictors, and each night's share with both intervals named.
    assert "<td class=name>own_mean</td><td>3</td><td>0.062</td><td>0.000</td>" in page
    assert ("<td class=name>2025-04-25</td><td>300</td><td>81.2%</td><td>[75.0%, 87.5%]</td>"
            "<td>80.0%</td><td>[50.0%, 95.0%]</td><td>90.0%</td>") in page  # fmt: skip
    assert "<td class=name>2025-04-26</td><td>0</td><td>–</td><td>–</td>" in page
    assert "How the nights were predicted" not in page  # a document from before 0.2 says not


def test_a_nights_page_says_how_it_predicted_and_sets_persistence_and_missiles_beside(
    tmp_path: Path,
) -> None:
    scores = {"posture": {"nights": 60, "mae": 0.0607, "bias": 0.0097, "correlation": 0.69,
                          "coverage90": 0.915},
              "previous_10": {"nights": 60, "mae": 0.0906, "bias": -0.004, "correlation": 0.12,
                              "coverage90": None}}  # fmt: skip
    missiles = {"by_class": {"cruise": {"launched": 760, "predicted_share": 0.759,
                                        "reported_share": 0.779}},
                "by_type": {"<kh101>": {"assessed": 278, "predicted_share": 0.85,
                                        "reported_share": 0.8},
                            "iskander_m": {"assessed": 238, "predicted_share": 0.35,
                                           "reported_share": 0.37}}}  # fmt: skip
    base = {
        "runs": 6,
        "seed": 0,
        "start": "2025-07-01",
        "end": "2025-12-31",
        "min_drones": 100,
        "nights": [],
        "scores": scores,
        "missiles": missiles,
        "state_through": "2025-06-30",
    }
    page = _kind_folder(tmp_path / "a", "nights", {**base, "assimilated": True})
    assert "<b>updated with every report before it</b> (assimilated from its state on " \
        "2025-06-30)" in page  # fmt: skip
    assert ("<td class=name>the posture</td><td>60</td><td>6.1</td><td>+1.0</td><td>0.69</td>"
            "<td>91.5%</td>") in page  # fmt: skip
    assert ("<td class=name>mean share of the previous 10 nights</td><td>60</td><td>9.1</td>"
            "<td>-0.4</td><td>0.12</td><td>–</td>") in page  # fmt: skip
    assert ("<td class=name>cruise</td><td>760</td><td>75.9%</td><td>77.9%</td><td>-2.0</td>"
            in page)  # fmt: skip
    assert "<td class=name>&lt;kh101&gt; (rows naming it alone)</td><td>278</td>" in page
    assert "Iskander-M (rows naming it alone)" in page
    frozen = _kind_folder(tmp_path / "f", "nights", {**base, "assimilated": False})
    assert "The posture as it was on 2025-06-30 (<b>frozen</b>)" in frozen


def _kind_folder(folder: Path, kind: str, doc: dict[str, Any]) -> str:
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps({"kind": kind, **doc}), encoding="utf-8")
    (folder / "meta.json").write_text(json.dumps({"kind": kind}), encoding="utf-8")
    return _page(folder, kind)


def test_pages_of_the_attack_report_kinds(tmp_path: Path) -> None:
    est = {"mean": 1234.5, "ci95": [1200.0, 1269.0], "p05": 900.0, "p50": 1230.0, "p95": 1600.0}
    share = {"mean": 0.83, "ci95": [0.82, 0.84], "p05": 0.77, "p50": 0.83, "p95": 0.88}
    page = _kind_folder(tmp_path / "f", "forecast", {
        "train_end": "2024-12-31", "start": "2025-01-01", "end": "2025-03-31", "runs": 200,
        "drones_launched_total": est, "drones_neutralised_share": share,
        "observed": {"drones_launched_total": 1500.0, "drones_neutralised_share": 0.85},
    })  # fmt: skip
    assert "<h1>Raid-tempo forecast: 2025-01-01 to 2025-03-31, fitted to 2024-12-31</h1>" in page
    assert (
        "<td class=name>drones launched (total over the window)</td><td>1,234</td>"
        "<td>[1,200, 1,269]</td><td>1,230</td><td>[900, 1,600]</td><td>1,500</td>"
    ) in page
    assert "<td>83.0%</td><td>[82.0%, 84.0%]</td><td>83.0%</td><td>[77.0%, 88.0%]</td>" in page
    assert "<dd>2025-01-01 to 2025-03-31</dd>" in page  # fmt: skip
    page = _kind_folder(tmp_path / "b", "backtest", {
        "first_origin": "2023-09-30", "last_origin": "2025-09-30", "min_history_days": 365,
        "scores": [{"horizon_months": 3, "quantity": "drones_neutralised_share", "origins": 25,
                    "coverage90": 0.8, "below": 0.08, "above": 0.12, "median_error": 0.046,
                    "relative_width": 0.21, "crps": 3.46, "crps_persistence": 3.07,
                    "interval_score": 32.1, "interval_score_persistence": 29.5}],
    })  # fmt: skip
    assert "<h1>Raid-tempo backtest: origins 2023-09-30 to 2025-09-30</h1>" in page
    assert ("<td class=name>3 months</td><td class=name>share of drones neutralised</td>"
            "<td>25</td><td>80.0%</td><td>8.0% / 12.0%</td>") in page  # fmt: skip
    page = _kind_folder(tmp_path / "s", "data-summary", {
        "start": "2024-01-01", "end": "2025-03-31", "break_date": "2025-08-01",
        "national_accounts": ["kpszsu"],
        "classes": {"one_way_attack_drone": {"launched": 1000, "neutralised": 800,
                                             "assessed": 900, "neutralised_share": 0.8889}},
        "months": [{"month": "2025-03", "nights": 31, "drones": 1000, "missiles": 7,
                    "nights_300_plus": 1, "nights_500_plus": 0, "max_drones": 310,
                    "classes": {"one_way_attack_drone": {"neutralised_share": 0.5}}}],
        "largest_nights": [{"night": "2025-03-07", "drones": 310, "missiles": 2,
                            "drones_neutralised_share": None}],
    })  # fmt: skip
    assert "<h1>Attack reports: national nights</h1>" in page
    assert ("<td class=name>one_way_attack_drone</td><td>1,000</td><td>800</td><td>900</td>"
            "<td>88.9%</td>") in page  # fmt: skip
    assert "<td class=name>2025-03</td><td>31</td><td>1,000</td><td>50.0%</td><td>7</td>" in page
    assert "<td class=name>2025-03-07</td><td>310</td><td>2</td><td>–</td>" in page
    assert "<dd>2024-01-01 to 2025-03-31</dd>" in page


def test_pages_of_a_wta_solution_and_a_calibration(tmp_path: Path) -> None:
    page = _kind_folder(tmp_path / "w", "wta", {
        "instance": "<i>bm</i>", "weapons": 5, "targets": 20, "rounds": 2, "objective": 1735.554,
        "bound": 1735.553, "gap": 5.8e-7, "status": "optimal", "method": "exact", "seconds": 1.5,
        "assignment": [[0, 3, 1], [4, 19, 1]],
    })  # fmt: skip
    assert "<h1>Weapon-target assignment: &lt;i&gt;bm&lt;/i&gt;</h1>" in page
    assert "<td>1,735.554000</td>" in page and "<td>0.0001%</td>" in page
    assert "<tr><td class=name>4</td><td>19</td><td>1</td></tr>" in page
    page = _kind_folder(tmp_path / "c", "calibration", {
        "scenario": "tiny", "runs": 20,
        "parameters": {"capability@2025-01": {"mean": 0.5, "p05": 0.25, "p95": 1.0}},
        "fit": {"mae": 0.0625, "correlation": None},
    })  # fmt: skip
    assert "<h1>Calibration: tiny</h1>" in page
    assert "<td class=name>capability@2025-01</td><td>0.500</td><td>[0.250, 1.000]</td>" in page
    assert "<td class=name>correlation</td><td>–</td>" in page


def test_types_are_shown_by_their_display_names() -> None:

    from umbrella.report.sections import campaign_sections, run_sections, type_name

    assert type_name("pac3_mse") == "PAC-3 MSE"
    assert type_name("my<type>") == "my&lt;type&gt;"  # not in the catalogue: the key, escaped
    use = {
        "fired": {"mean": 2.0, "ci95": [1.0, 3.0]},
        "cost_usd": {"mean": 8e6, "ci95": [4e6, 12e6]},
    }
    html = "".join(h for _, h in run_sections({"interceptors": {"pac3_mse": use, "gun": use}}, {}))
    assert "<td class=name>PAC-3 MSE</td>" in html
    assert "<td class=name>gun</td>" in html
    stock = {"tracked": True, "stock_start": 100, "stockout_by_end": Q, "first_stockout": None}
    html = "".join(h for _, h in campaign_sections({"interceptors": {"iris_t_slm": stock}}))
    assert "IRIS-T SLM" in html


def _optimisation_doc() -> dict[str, Any]:
    buy = {"<b>lot</b>": 2}
    cut = {"mean": 12.5, "ci95": [10.0, 15.0], "p05": 5.0, "p50": 12.0, "p95": 20.0}
    zero = {"mean": 0.0, "ci95": [0.0, 0.0], "p05": 0.0, "p50": 0.0, "p95": 0.0}
    return {
        "kind": "optimise", "name": EVIL_SCRIPT, "campaign": "winter", "version": "0.2.0",
        "budget_usd": 100e6, "objective": "damage", "assets": ["<i>capital</i>"], "runs": 8,
        "seed": 4, "baseline": {"objective": {**Q, "mean": 999.0}},
        "best": {"buy": buy, "cost_usd": 40e6, "objective": {**Q, "mean": 888.0},
                 "reduction": D, "gap": {"estimate": 0.0, "ci95_upper": 1.5}},
        "frontier": [{"buy": {}, "cost_usd": 0.0, "objective": Q, "reduction": zero, "runs": 8},
                     {"buy": buy, "cost_usd": 40e6, "objective": Q, "reduction": cut,
                      "runs": 4}],
        "marginal": {"<b>lot</b>": D, "idle": {**Q, "mean": 0.0}},
        "options": [{"id": "<b>lot</b>", "kind": "lot", "contents": "10 rounds of PAC-3 MSE",
                     "price_usd": 20e6, "max_units": 3, "arrival": "2026-01-03",
                     "description": ""},
                    {"id": "idle", "kind": "ew_zone", "contents": "an EW zone", "price_usd": 5e6,
                     "max_units": 1, "arrival": "2026-01-01", "description": ""}],
        "details": {"method": "exhaustive", "stopped_by_time_limit": True, "buys_evaluated": 3,
                    "selection": {"seed": 4, "runs": 8}, "confirmation": {"seed": 77, "runs": 8},
                    "alternatives": [{"buy": {}, "cost_usd": 0.0, "difference": D}],
                    "idle_options": {"idle": "<u>arrives late</u>"}},
    }  # fmt: skip


def test_an_optimisation_page_leads_with_the_paired_reduction_against_no_buy(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "opt"
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps(_optimisation_doc()), encoding="utf-8")
    page = _page(folder, "optimise")
    assert "<h1>Optimisation: &lt;script&gt;window.pwned=1&lt;/script&gt;</h1>" in page
    # The frontier leads, each buy with its paired reduction against no buy and its 95% CI of
    # the mean; no buy is one row of the same run set, and has one value on the page.
    assert page.index("Each buy against no buy: the frontier") < page.index("checked on indep")
    assert "reduction: 95% CI of the mean (paired per run)" in page
    assert ("<td class=name>&lt;b&gt;lot&lt;/b&gt; × 2</td><td>40.0</td><td>12.5</td>"
            "<td>[10.0, 15.0]</td><td>[5.0, 20.0]</td><td>3.5</td><td>[1.0, 7.0]</td>"
            "<td>4</td><td>chosen</td>") in page  # fmt: skip
    assert "<td class=name>no buy</td><td>0.0</td><td>0.0</td>" in page
    assert "999.0" not in page and "888.0" not in page  # no value from the other run set
    assert "the same 8 selection replications (seed 4)" in page
    # The check on independent runs: paired differences only; the gap; the headline says it.
    assert ("<td class=name>reduction from no buy (no buy − chosen)</td><td>-1.2</td>"
            "<td>[-1.5, -1.0]</td>") in page  # fmt: skip
    assert "(seed 77)" in page and "stopped by its time limit" in page
    assert "95% upper bound 1.5" in page
    assert "counted at the assets &lt;i&gt;capital&lt;/i&gt;" in page
    # The menu: what one unit is, its price and arrival; the first unit's value, both named.
    assert ("<td class=name>&lt;b&gt;lot&lt;/b&gt;</td><td class=name>10 rounds of PAC-3 MSE"
            "</td><td>20.0</td><td>3</td><td>2026-01-03</td><td>-1.25</td>"
            "<td>[-1.50, -1.00]</td>") in page  # fmt: skip
    assert "per $1M: 95% CI of the mean (paired per run)" in page
    assert "<td>&lt;u&gt;arrives late&lt;/u&gt;</td>" in page
    assert "<b>lot</b>" not in page and "<u>" not in page


def _sweep_doc() -> dict[str, Any]:
    ok = {"leaked": Q, "fired.<b>gun</b>": D}
    return {
        "kind": "sweep", "name": "<b>grid</b>", "model": "scenario:<i>small</i>", "design": "sobol",
        "samples": 2, "runs": 4, "seed": 1, "version": "0.2.0",
        "outputs": ["leaked", "fired.<b>gun</b>"],
        "points": [
            {"params": {"threats[0].count": 10, "<b>key</b>": True}, "outputs": ok},
            {"params": {"threats[0].count": 40, "<b>key</b>": 0.123456},
             "outputs": None, "error": "<script>bad</script>"},
        ],
        "sensitivity": {"leaked": {"threats[0].count": {"S1": 0.5, "ST": 0.75,
                                                         "S1_ci95": [0.25, 0.75],
                                                         "ST_ci95": [None, None]}}},
    }  # fmt: skip


def test_a_sweep_page_shows_its_results_and_design_in_words(tmp_path: Path) -> None:
    folder = tmp_path / "sweep"
    folder.mkdir()
    (folder / "summary.json").write_text(json.dumps(_sweep_doc()), encoding="utf-8")
    page = _page(folder, "sweep")
    assert "<h1>Sweep: &lt;b&gt;grid&lt;/b&gt;</h1>" in page
    assert "<dd>scenario:&lt;i&gt;small&lt;/i&gt;</dd>" in page
    # One results table: every output at every point, both intervals named; a failed point.
    assert page.index("Results at each point") < page.index("The design")
    assert "leakers (threats): 95% CI of the mean" in page
    assert "rounds fired, &lt;b&gt;gun&lt;/b&gt; (rounds): per-run spread p05–p95" in page
    assert ("<td class=name>0</td><td>3.5</td><td>[3.0, 4.0]</td><td>[1.0, 7.0]</td>"
            "<td>-1.2</td><td>[-1.5, -1.0]</td><td>[-3.0, 0.5]</td>") in page  # fmt: skip
    assert "<td class=name>1</td><td>failed</td>" in page
    # The design: parameters in words (the key path named once, beside them).
    assert "<th class=name scope=col>threat group 1: count</th>" in page
    assert "<td class=name>0</td><td class=name>10</td><td class=name>true</td>" in page
    assert "<td class=name>1</td><td class=name>40</td><td class=name>0.1235</td>" in page
    assert "threats[0]" not in page.split("<main>")[1]  # key paths stay in the files
    assert "<h2>Points that failed</h2>" in page and "&lt;script&gt;bad&lt;/script&gt;" in page
    assert ("<td class=name>leakers (threats)</td><td class=name>threat group 1: count</td>"
            "<td>0.500</td><td>[0.250, 0.750]</td><td>0.750</td><td>–</td>") in page  # fmt: skip
    # The headline names what matters most, in words.
    assert "What matters most for leakers (threats) is threat group 1: count" in page
    assert "<b>grid</b>" not in page and "<script>bad" not in page
    # A folder of umbrella 0.1 (no list of outputs, old names) still has its page.
    old = _sweep_doc()
    del old["outputs"]
    old["points"][0]["outputs"] = {"leaked_total": Q}
    (folder / "summary.json").write_text(json.dumps(old), encoding="utf-8")
    page = _page(folder, "sweep")
    assert "leaked_total: 95% CI of the mean" in page
