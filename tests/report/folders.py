"""Inputs of the report tests: the small scenario and campaign, and versions of them named
with markup."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

HERE = Path(__file__).parent
TESTS = HERE.parent
SCENARIO = TESTS / "engine" / "fixtures" / "small_layered.toml"
CAMPAIGN = TESTS / "campaign" / "fixtures" / "small.toml"
CHROMIUM = Path("/usr/bin/chromium")
#: Names that would run script if a page wrote them unescaped (the last one is a file name).
EVIL_SCRIPT = "<script>window.pwned=1</script>"
EVIL_IMG = '<img src=x onerror="window.pwned=2">'
EVIL_FILE = "<img src=x onerror=window.pwned=3>.toml"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
]


def evil_scenario(folder: Path) -> Path:
    """The small scenario with markup in its name, description and an asset's id."""
    text = SCENARIO.read_text(encoding="utf-8")
    text = text.replace('name = "small-layered"', f"name = {EVIL_SCRIPT!r}", 1)
    text = text.replace('id = "sub"', f"id = '{EVIL_IMG}'", 1)
    text = text.replace("duration_h", f"description = {EVIL_IMG + '</script>'!r}\nduration_h", 1)
    path = folder / "evil.toml"
    path.write_text(text, encoding="utf-8")
    return path


def campaign_file(folder: Path, name: str, stock: int, file_name: str = "") -> Path:
    """The small campaign, with its own name and missile stock, its scenario path absolute."""
    text = CAMPAIGN.read_text(encoding="utf-8")
    text = re.sub(r'^name = ".*"$', f"name = {name!r}", text, count=1, flags=re.M)
    text = re.sub(r'^scenario = ".*"$', f"scenario = {str(SCENARIO)!r}", text, count=1, flags=re.M)
    text = re.sub(r"^missile = \d+$", f"missile = {stock}", text, count=1, flags=re.M)
    path = folder / (file_name or f"campaign-{stock}.toml")
    path.write_text(text, encoding="utf-8")
    return path


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(page: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every element of ``page`` as a browser's parser reads it: (tag, attributes)."""
    parser = _Tags()
    parser.feed(page)
    parser.close()
    return parser.tags
