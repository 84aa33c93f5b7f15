"""report.html in a real browser (headless Chromium): it runs without error, asks for nothing
but its own file, draws, replays, and runs no script a name smuggles in.

Skipped, with the reason, where Chromium or Playwright is missing (see ``conftest.py``).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

KINDS = ["run", "campaign", "compare", "optimise", "evil_run", "evil_campaign"]


class Opened:
    """A report opened in a fresh page, with what the page logged and asked for."""

    def __init__(self, browser: Any, folder: Path) -> None:
        self.page = browser.new_page(viewport={"width": 1100, "height": 900})
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.errors.append(f"page error: {exc}"))
        self.page.on("request", lambda req: self.requests.append(req.url))
        self.url = (folder / "report.html").resolve().as_uri()
        self.page.goto(self.url, wait_until="load")

    def _console(self, msg: Any) -> None:
        if msg.type in ("error", "warning"):
            self.errors.append(f"console {msg.type}: {msg.text}")


@pytest.fixture
def opened(
    browser: Any, outputs: dict[str, Path], request: pytest.FixtureRequest
) -> Iterator[Opened]:
    page = Opened(browser, outputs[request.param])
    try:
        yield page
    finally:
        page.page.close()


def _pixels(png: bytes) -> np.ndarray[Any, Any]:
    from PIL import Image

    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize("opened", KINDS, indirect=True)
def test_the_page_loads_cleanly_and_offline(opened: Opened) -> None:
    page = opened.page
    page.wait_for_timeout(100)
    assert opened.errors == []
    assert opened.requests and all(
        u == opened.url or u.startswith("data:") for u in opened.requests
    )
    # Nothing a name carried ran.
    assert page.evaluate("typeof window.pwned") == "undefined"
    # Something is drawn: a screenshot of the top of the page is not one colour.
    shot = _pixels(page.screenshot())
    colours = np.unique(shot.reshape(-1, 3), axis=0)
    assert len(colours) > 20 and shot.std() > 10
    # Every chart is drawn, as inline SVG, at a readable size.
    boxes = page.eval_on_selector_all(
        "figure svg",
        "els => els.map(e => [e.getBoundingClientRect().width, e.getBoundingClientRect().height])",
    )
    assert boxes and all(w > 300 and h > 100 for w, h in boxes)
    # The headline is the first thing under the title.
    first = page.evaluate("document.querySelector('main > h1').nextElementSibling.className")
    assert first == "headline" and page.locator("div.headline p").count() >= 3


def _frame(page: Any) -> np.ndarray[Any, Any]:
    return _pixels(page.locator("#replay-canvas").screenshot())


@pytest.mark.parametrize("opened", ["run", "evil_run"], indirect=True)
def test_the_replay_slider_play_and_zoom_move_the_frame(opened: Opened) -> None:
    page = opened.page
    slider = page.locator("#replay-time")
    first = _frame(page)
    top = int(slider.get_attribute("max") or 0)
    assert top > 0
    clock = page.locator("#replay-clock").inner_text()
    # A threat in flight at a quarter of the raid, none at its start: the drawing must differ.
    page.evaluate(
        "v => { const s = document.getElementById('replay-time'); s.value = String(v);"
        " s.dispatchEvent(new Event('input')); }",
        0,
    )
    at_start = _frame(page)
    assert page.locator("#replay-counts").inner_text().startswith("in flight 0 · killed 0")
    assert page.locator("#replay-clock").inner_text() != clock
    assert np.abs(at_start - first).sum() > 0
    page.evaluate(
        "v => { const s = document.getElementById('replay-time'); s.value = String(v);"
        " s.dispatchEvent(new Event('input')); }",
        top,
    )
    at_end = _frame(page)
    assert np.abs(at_end - at_start).sum() > 0
    counts = page.locator("#replay-counts").inner_text()
    assert counts.startswith("in flight 0 ·") and "killed 0 ·" not in counts
    # Play from the start: time advances by itself.
    page.evaluate("() => { document.getElementById('replay-time').value = '0'; }")
    page.click("#replay-play")
    page.wait_for_timeout(400)
    page.click("#replay-play")
    assert float(slider.input_value()) > 0
    page.click("#replay-view-whole")
    whole = _frame(page)
    assert np.abs(whole - at_end).sum() > 0
    # The wheel zooms in about the pointer.
    page.locator("#replay-canvas").hover()
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(100)
    assert np.abs(_frame(page) - whole).sum() > 0
    assert opened.errors == []


# ---------------------------------------------------------------------------- replay controls

NAMED = Path(__file__).parents[1] / "scenario" / "fixtures" / "named_types.toml"
#: Catalogue keys of the named raid's types: none may show where a reader looks.
NAMED_KEYS = (
    "shahed", "gerbera", "iskander_m", "patriot", "mobile_fire_group", "long_range_radar",
    "pac3_mse", "pac2_gemt", "mfg_burst",
)  # fmt: skip
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def named_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A raid of bundled catalogue types (drones, decoys, Iskander-M) written with its page."""
    from umbrella.jobs import run_raid

    out = tmp_path_factory.mktemp("named") / "out"
    run_raid(NAMED, runs=4, seed=3, out=out, history=False)
    return out


@pytest.fixture
def replay_page(
    browser: Any, outputs: dict[str, Path], named_out: Path, request: pytest.FixtureRequest
) -> Iterator[tuple[Opened, dict[str, Any]]]:
    """A run's page (``run``, ``evil_run`` or ``named``) opened, with its ``replay.json``."""
    import json

    folder = named_out if request.param == "named" else outputs[request.param]
    page = Opened(browser, folder)
    page.page.evaluate(
        "() => { window.violations = []; document.addEventListener('securitypolicyviolation',"
        " e => window.violations.push(e.violatedDirective)); }"
    )
    try:
        yield page, json.loads((folder / "replay.json").read_text(encoding="utf-8"))
    finally:
        page.page.close()


def _set_clock(page: Any, t: float) -> None:
    page.evaluate(
        "v => { const s = document.getElementById('replay-time'); s.value = String(v);"
        " s.dispatchEvent(new Event('input')); }",
        t,
    )


def _clock(page: Any) -> float:
    return float(page.locator("#replay-time").input_value())


def _export(page: Any, which: str) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.click(f"#replay-{which}")
    download = info.value
    return download.suggested_filename, Path(download.path()).read_bytes()


def _svg_classes(page: Any) -> list[list[str]]:
    """The class lists of every element of the frame saved as SVG."""
    from xml.etree import ElementTree

    name, data = _export(page, "svg")
    assert name.endswith(".svg")
    root = ElementTree.fromstring(data)
    assert root.tag == f"{SVG}svg"
    return [el.get("class", "").split() for el in root.iter() if el.get("class")]


def _count(classes: list[list[str]], *wanted: str) -> int:
    return sum(1 for c in classes if set(wanted) <= set(c))


@pytest.mark.parametrize("replay_page", ["run"], indirect=True)
def test_the_speed_control_sets_how_fast_the_clock_runs(
    replay_page: tuple[Opened, dict[str, Any]],
) -> None:
    import time

    opened, _ = replay_page
    page = opened.page
    top = float(page.locator("#replay-time").get_attribute("max") or 0)
    # The default plays the whole raid in about a minute.
    pressed = page.locator("#replay-speeds button[aria-pressed=true]")
    assert pressed.count() == 1 and "the raid in a minute" in pressed.inner_text()
    assert float(pressed.get_attribute("data-speed") or 0) == pytest.approx(top / 60, rel=0.05)
    labels = page.locator("#replay-speeds button").all_inner_texts()
    assert any(t.startswith("1× (real time)") for t in labels)

    def advance(speed: int) -> tuple[float, float]:
        _set_clock(page, 0)
        page.click(f"#replay-speeds button[data-speed='{speed}']")
        start = time.monotonic()
        page.click("#replay-play")
        page.wait_for_timeout(1200)
        page.click("#replay-play")
        return _clock(page), time.monotonic() - start

    slow, wall_slow = advance(10)
    fast, wall_fast = advance(300)
    # The clock runs at the speed chosen: never faster than speed x wall time, and 30 times
    # the speed moves it much further in the same wall time.
    assert 0 < slow <= 10 * wall_slow + 1e-6
    assert 0 < fast <= 300 * wall_fast + 1e-6
    assert fast > 5 * slow
    assert page.locator("#replay-play").inner_text() == "Play"
    assert opened.errors == []


@pytest.mark.parametrize("replay_page", ["run", "named"], indirect=True)
def test_the_event_buttons_step_the_clock_to_each_event(
    replay_page: tuple[Opened, dict[str, Any]],
) -> None:
    opened, replay = replay_page
    page = opened.page
    ev = replay["events"]
    wanted = {
        "intercept": [t for t, k in zip(ev["t"], ev["kind"], strict=True) if k == 0],
        "leak": [t for t, k in zip(ev["t"], ev["kind"], strict=True) if k == 2],
        "hit": [t for t, k, h in zip(ev["t"], ev["kind"], ev["hit"], strict=True) if k == 2 and h],
    }
    assert all(wanted.values())
    for kind, times in wanted.items():
        _set_clock(page, 0)
        seen = []
        for _ in range(len(times) + 1):
            page.click(f"#replay-next-{kind}")
            if page.locator("#replay-event").inner_text() == f"no later {kind}":
                break
            seen.append(_clock(page))
        assert seen == sorted(set(times)), kind
        # And back again, from the last.
        page.click(f"#replay-prev-{kind}")
        assert _clock(page) == (sorted(set(times))[-2] if len(set(times)) > 1 else seen[-1])
    # The event is described by display names, the intercept with its fire unit's id.
    _set_clock(page, 0)
    page.click("#replay-next-intercept")
    j = ev["kind"].index(0)
    said = page.locator("#replay-event").inner_text()
    unit = replay["units"][ev["who"][j]]
    assert replay["types"][ev["type"][j]]["name"] + " intercepted by " + unit["id"] in said
    assert unit["name"] in said
    assert opened.errors == []


@pytest.mark.parametrize("replay_page", ["run", "named"], indirect=True)
def test_all_of_the_raid_draws_every_track_intercept_and_impact(
    replay_page: tuple[Opened, dict[str, Any]],
) -> None:
    opened, replay = replay_page
    page = opened.page
    fates = replay["threats"]["fate"]
    hits = sum(replay["events"]["hit"])
    before = _svg_classes(page)
    assert _count(before, "track", "fate-0") == 0
    page.click("#replay-all")
    assert page.locator("#replay-all").get_attribute("aria-pressed") == "true"
    drawn = _svg_classes(page)
    assert _count(drawn, "track") == len(fates)
    for f in range(4):
        assert _count(drawn, "track", f"fate-{f}") == fates.count(f)
    assert _count(drawn, "intercept") == fates.count(0) == replay["killed"]
    assert _count(drawn, "lost") == fates.count(1)
    assert _count(drawn, "impact") == fates.count(2) == replay["leaked"]
    assert _count(drawn, "impact", "hit") == hits
    assert _count(drawn, "short") == fates.count(3)
    counts = page.locator("#replay-counts").inner_text()
    assert counts.startswith(f"all of the raid: {len(fates)} tracks")
    assert f"leaked to a target {fates.count(2)} ({hits} doing damage)" in counts
    page.click("#replay-all")
    assert _count(_svg_classes(page), "track", "fate-2") == 0
    assert opened.errors == []


@pytest.mark.parametrize("replay_page", ["run"], indirect=True)
def test_range_rings_are_off_until_asked_for(replay_page: tuple[Opened, dict[str, Any]]) -> None:
    opened, replay = replay_page
    page = opened.page
    rings = page.locator("#replay-rings")
    assert rings.get_attribute("aria-pressed") == "false"
    assert _count(_svg_classes(page), "ring") == 0
    plain = _frame(page)
    rings.click()
    assert rings.get_attribute("aria-pressed") == "true"
    assert _count(_svg_classes(page), "ring") == len(replay["units"])
    assert np.abs(_frame(page) - plain).sum() > 0
    rings.click()
    assert _count(_svg_classes(page), "ring") == 0
    assert opened.errors == []


@pytest.mark.parametrize("replay_page", ["named"], indirect=True)
def test_readers_see_display_names_not_catalogue_keys(
    replay_page: tuple[Opened, dict[str, Any]],
) -> None:
    import re

    opened, _ = replay_page
    page = opened.page

    def shown() -> str:
        return " ".join(
            page.locator(f"#replay-{part}").inner_text() for part in ("legend", "event", "counts")
        )

    texts = [shown()]
    page.click("#replay-next-intercept")
    page.click("#replay-next-hit")
    texts.append(shown())
    page.click("#replay-all")
    page.click("#replay-rings")
    texts.append(shown())
    legend = texts[0]
    for name in ("Shahed-136/Geran-2", "Gerbera decoy", "Iskander-M", "Patriot",
                 "Mobile fire group", "Long-range radar"):  # fmt: skip
        assert name in legend
    for text in texts:
        for key in NAMED_KEYS:
            assert not re.search(rf"\b{key}\b", text), (key, text)
    assert opened.errors == []


@pytest.mark.parametrize("replay_page", ["named"], indirect=True)
def test_a_missile_stays_on_screen_for_seconds_at_any_speed(
    replay_page: tuple[Opened, dict[str, Any]],
) -> None:
    opened, replay = replay_page
    page = opened.page
    th = replay["threats"]
    missile = [i for i, ty in enumerate(th["type"]) if replay["types"][ty]["class"] == "ballistic"]
    flight = max(th["t_out"][i] - th["t_launch"][i] for i in missile)
    assert flight < 300  # a few seconds of wall time at the fastest speed, without help
    last = max(th["t_out"][i] for i in missile)
    top = float(page.locator("#replay-time").get_attribute("max") or 0)
    later = last + 700  # past the ten minutes a drone's end stays marked
    assert later < top
    page.click("#replay-speeds button[data-speed='1200']")
    _set_clock(page, later)
    # At 1200x, 700 s of raid is under a second on screen: the missile's track is still there.
    assert _count(_svg_classes(page), "track", "missile") >= 1
    page.click("#replay-speeds button[data-speed='1']")
    assert _count(_svg_classes(page), "track", "missile") == 0
    # In flight, it is drawn from its launch.
    t = th["t_launch"][missile[0]] + 0.5 * (th["t_out"][missile[0]] - th["t_launch"][missile[0]])
    _set_clock(page, t)
    classes = _svg_classes(page)
    assert _count(classes, "threat", "missile") >= 1 and _count(classes, "track", "missile") >= 1
    assert opened.errors == []


@pytest.mark.parametrize("replay_page", ["run", "evil_run"], indirect=True)
def test_the_view_saves_as_png_and_svg(replay_page: tuple[Opened, dict[str, Any]]) -> None:
    from xml.etree import ElementTree

    from PIL import Image

    opened, replay = replay_page
    page = opened.page
    name, png = _export(page, "png")
    assert name.endswith(".png") and png.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size[0] >= 1000 and image.size[1] >= 700
    assert np.asarray(image.convert("RGB")).std() > 5
    name, svg = _export(page, "svg")
    assert name.endswith(".svg") and svg.startswith(b"<?xml")
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("viewBox") == "0 0 1000 700"
    # Names with markup are text in the SVG, as on the page.
    title = root.find(f"{SVG}title")
    assert title is not None and replay["scenario"] in (title.text or "")
    assert not [el for el in root.iter() if el.tag.endswith("script")]
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("window.violations") == []
    assert all(u == opened.url or u.startswith(("data:", "blob:")) for u in opened.requests)
    assert opened.errors == []


def _cells(page: Any, box: int) -> list[list[str]]:
    return page.evaluate(
        "i => Array.from(document.querySelectorAll('div.table-box table')[i].rows).map("
        "r => Array.from(r.cells).map(c => c.textContent.replace(/\\s+/g, ' ').trim()))",
        box,
    )


@pytest.mark.parametrize("kind", ["run", "compare", "optimise"])
def test_download_csv_and_copy_give_the_tables_cells(
    browser: Any, outputs: dict[str, Path], kind: str
) -> None:
    import csv

    context = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto((outputs[kind] / "report.html").resolve().as_uri(), wait_until="load")
        boxes = page.locator("div.table-box")
        assert boxes.count() >= 3
        for box in (0, boxes.count() - 1):
            with page.expect_download() as info:
                boxes.nth(box).locator("button.csv-table").click()
            download = info.value
            assert download.suggested_filename.endswith(f"-{box + 1}.csv")
            text = Path(download.path()).read_text(encoding="utf-8")
            # The header row and every row, cell for cell as the table shows them.
            assert list(csv.reader(text.splitlines())) == _cells(page, box)
        boxes.nth(0).locator("button.copy-table").click()
        page.wait_for_timeout(200)
        copied = page.evaluate("navigator.clipboard.readText()")
        assert [r.split("\t") for r in copied.splitlines()] == _cells(page, 0)
        assert errors == []  # no script error, no policy violation
    finally:
        context.close()
