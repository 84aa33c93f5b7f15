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
