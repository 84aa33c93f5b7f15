"""Scenario and campaign files, one change at a time: every numeric field given a bad number,
every leaf a wrong type, every key removed, an unknown key in every table, duplicate ids,
unknown references, duplicate keys, and names full of markup and unicode.

The products (field x value, leaf x wrong type, every key, every table) run whole under
``-m slow``; the default pass keeps a fixed sample of each (:func:`corpus.sample`) that still
reaches every section of both files (threats, fire units, sensors, catalog..., stocks, deliveries,
raids...) and every kind of change (each bad value on an int and on a float field, each wrong
type on each type of leaf, the removal of a value, a table and an array).
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

from .corpus import (
    CAMPAIGN,
    DELETE,
    SCENARIO,
    Cli,
    assert_finite_json,
    assert_one_line_or_ok,
    assert_refused,
    dotted,
    leaves,
    sample,
    section,
    set_path,
    tables,
    write_toml,
)

SEEDS = {
    "scenario": tomllib.loads(SCENARIO.read_text()),
    "campaign": tomllib.loads(CAMPAIGN.read_text()),
}

#: Numbers no numeric field accepts: not finite, not numbers, or beyond every limit.
BAD_NUMBERS = [math.nan, math.inf, -math.inf, True, "12", 10**30, -(10**30), 2**63]
#: Numbers some fields accept and others refuse; either way, one line or success.
EDGE_NUMBERS = [-1, 0, 10**12, 1e-300]


def _at(doc: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _numeric(kind: str) -> list[tuple[Any, ...]]:
    return [
        path
        for path, value in leaves(SEEDS[kind])
        if isinstance(value, int | float) and not isinstance(value, bool)
        and path != ("schema_version",)
    ]  # fmt: skip


def _cases(values: list[Any]) -> list[Any]:
    return sample(
        [
            pytest.param(kind, path, value, id=f"{kind}:{dotted(path)}={value!r}")
            for kind in SEEDS
            for path in _numeric(kind)
            for value in values
        ],
        _covers_number,
    )


def _covers_number(case: Any) -> list[Any]:
    """Each section of each file, and each value on an int field and on a float field."""
    kind, path, value = case.values
    number = type(_at(SEEDS[kind], path)).__name__
    return [("section", kind, section(path)), ("value", kind, number, repr(value))]


def _validate(cli: Cli, seeds: Path, kind: str, doc: dict[str, Any]) -> tuple[int, str, str]:
    path = write_toml(seeds / f"bad-{kind}.toml", doc)
    return cli(["validate", str(path)])


@pytest.mark.parametrize(("kind", "path", "value"), _cases(BAD_NUMBERS))
def test_bad_number_refused_naming_file_and_key(
    kind: str, path: tuple[Any, ...], value: Any, cli: Cli, seeds: Path
) -> None:
    err = assert_refused(
        _validate(cli, seeds, kind, set_path(SEEDS[kind], path, value)), f"bad-{kind}.toml"
    )
    assert dotted(path) in err


@pytest.mark.parametrize(("kind", "path", "value"), _cases(EDGE_NUMBERS))
def test_edge_number_accepted_or_one_line(
    kind: str, path: tuple[Any, ...], value: Any, cli: Cli, seeds: Path
) -> None:
    result = _validate(cli, seeds, kind, set_path(SEEDS[kind], path, value))
    assert_one_line_or_ok(result, f"bad-{kind}.toml")
    if result[0] == 0:
        # Accepted: it runs, and its JSON holds finite numbers only.
        command = "run" if kind == "scenario" else "campaign"
        code, out, err = cli([command, str(seeds / f"bad-{kind}.toml"), "--runs", "3", "--json"])
        assert code == 0, err
        assert_finite_json(out)


def _type_swaps() -> list[Any]:
    out = []
    for kind, doc in SEEDS.items():
        for path, value in leaves(doc):
            if path == ("schema_version",):
                continue
            swapped = {"x": 1} if isinstance(value, str) else "text"
            out.append(pytest.param(kind, path, swapped, id=f"{kind}:{dotted(path)}"))
            out.append(pytest.param(kind, path, [value, value], id=f"{kind}:{dotted(path)}[]"))
    return sample(out, _covers_swap)


def _covers_swap(case: Any) -> list[Any]:
    """Each section of each file, and both swaps on each type of leaf (str, int, date...)."""
    kind, path, value = case.values
    leaf = type(_at(SEEDS[kind], path)).__name__
    swap = "list" if isinstance(value, list) else "scalar"
    return [("section", kind, section(path)), ("swap", kind, leaf, swap)]


@pytest.mark.parametrize(("kind", "path", "value"), _type_swaps())
def test_wrong_type_one_line(
    kind: str, path: tuple[Any, ...], value: Any, cli: Cli, seeds: Path
) -> None:
    assert_one_line_or_ok(
        _validate(cli, seeds, kind, set_path(SEEDS[kind], path, value)), f"bad-{kind}.toml"
    )


def _removals() -> list[Any]:
    return sample(
        [
            pytest.param(kind, (*table, key), id=f"{kind}:-{dotted((*table, key))}")
            for kind, doc in SEEDS.items()
            for table in tables(doc)
            for key in _at(doc, table)
        ],
        _covers_removal,
    )


def _covers_removal(case: Any) -> list[Any]:
    """Each section of each file, and the removal of a value, a table and an array."""
    kind, path = case.values
    removed = _at(SEEDS[kind], path)
    shape = "table" if isinstance(removed, dict) else "array" if isinstance(removed, list) else ""
    return [("section", kind, section(path)), ("shape", kind, shape or "value")]


@pytest.mark.parametrize(("kind", "path"), _removals())
def test_missing_key_one_line(kind: str, path: tuple[Any, ...], cli: Cli, seeds: Path) -> None:
    assert_one_line_or_ok(
        _validate(cli, seeds, kind, set_path(SEEDS[kind], path, DELETE)), f"bad-{kind}.toml"
    )


def _covers_table(case: Any) -> list[Any]:
    """Each section of each file, and tables at each depth (top, array item, inline...)."""
    kind, table = case.values
    return [("section", kind, section((*table, "bogus_key"))), ("depth", kind, len(table))]


@pytest.mark.parametrize(
    ("kind", "table"),
    sample(
        [
            pytest.param(k, t, id=f"{k}:{dotted(t) or 'top'}")
            for k in SEEDS
            for t in tables(SEEDS[k])
        ],
        _covers_table,
    ),
)
def test_unknown_key_in_every_table_refused(
    kind: str, table: tuple[Any, ...], cli: Cli, seeds: Path
) -> None:
    doc = set_path(SEEDS[kind], (*table, "bogus_key"), 1)
    assert_refused(_validate(cli, seeds, kind, doc), f"bad-{kind}.toml")


@pytest.mark.parametrize("section", ["assets", "threats", "sensors", "fire_units", "ew_zones"])
def test_duplicate_id_refused(section: str, cli: Cli, seeds: Path) -> None:
    doc = SEEDS["scenario"]
    dup = set_path(doc, (section,), [*doc[section], doc[section][0]])
    assert_refused(_validate(cli, seeds, "scenario", dup), f"{section}[{len(doc[section])}]")


REFERENCES = [
    ("scenario", ("threats", 0, "type"), "nope", "unknown threat type"),
    ("scenario", ("threats", 0, "aim"), {"nowhere": 1.0}, "unknown asset"),
    ("scenario", ("sensors", 0, "type"), "nope", "unknown sensor type"),
    ("scenario", ("fire_units", 0, "type"), "nope", "unknown fire unit type"),
    ("scenario", ("fire_units", 0, "magazine"), {"nope": 3}, "unknown interceptor"),
    ("scenario", ("fire_units", 0, "loaded"), {"burst": 3}, "not in the magazine"),
    ("scenario", ("doctrine", "allow", "cruise"), ["nope"], "unknown interceptor"),
    ("scenario", ("doctrine", "reserves", 0, "interceptor"), "nope", "unknown interceptor"),
    ("scenario", ("catalogue", "threats", "decoy", "base"), "nope", "unknown base type"),
    ("scenario", ("catalogue", "threats", "decoy", "base"), ["drone"], "base must be"),
    (
        "scenario",
        ("catalogue", "fire_units", "sam", "magazine"),
        {"nope": 1},
        "unknown interceptor",
    ),
    ("scenario", ("fire_units", 1, "id"), "sam", "duplicate"),
    ("scenario", ("fire_units", 0, "id"), "gun-1", "given twice"),
    ("scenario", ("threats",), [], "threats"),
    ("scenario", ("assets",), [], "assets"),
    ("scenario", ("assets", 0, "group"), "", "assets[0].group"),
    ("scenario", ("assets", 0, "group"), 5, "assets[0].group"),
    ("campaign", ("stocks", "nope"), 3, "unknown interceptor"),
    ("campaign", ("deliveries", 0, "interceptor"), "nope", "unknown interceptor"),
    ("campaign", ("pauses", 0, "interceptor"), "nope", "unknown interceptor"),
    ("campaign", ("production", 0, "interceptor"), "nope", "unknown interceptor"),
    ("campaign", ("purchases", 0, "interceptor"), "nope", "unknown interceptor"),
    ("campaign", ("rationing", 0, "interceptor"), "nope", "unknown interceptor"),
    ("campaign", ("limits", 0, "interceptor"), "nope", "unknown interceptor"),
    ("campaign", ("posture", 0, "remove", 0), "nope", "unknown fire unit"),
    ("campaign", ("posture", 0, "add", 0, "type"), "nope", "unknown fire unit type"),
    ("campaign", ("posture", 0, "add", 0, "id"), "sam", "duplicate fire unit id"),
    ("campaign", ("scenario",), "nowhere.toml", "no such file"),
    ("campaign", ("scenario",), "../../../../../../etc/passwd", "passwd"),
    ("campaign", ("budget_usd",), DELETE, "purchases need budget_usd"),
    ("campaign", ("end",), "2025-01-01", "end is before start"),
    ("campaign", ("raids", "source"), "tempo", "needs data_dir and train_end"),
]


@pytest.mark.parametrize(
    ("kind", "path", "value", "needle"),
    [pytest.param(*r, id=f"{r[0]}:{dotted(r[1])}={r[2]!r}") for r in REFERENCES],
)
def test_unknown_reference_refused(
    kind: str, path: tuple[Any, ...], value: Any, needle: str, cli: Cli, seeds: Path
) -> None:
    assert_refused(_validate(cli, seeds, kind, set_path(SEEDS[kind], path, value)), needle)


@pytest.mark.parametrize("kind", list(SEEDS))
def test_duplicate_key_refused_with_line(kind: str, cli: Cli, seeds: Path) -> None:
    text = (SCENARIO if kind == "scenario" else CAMPAIGN).read_text()
    first = next(ln for ln in text.splitlines() if ln.startswith("name ="))
    bad = seeds / "dup.toml"
    bad.write_text(text.replace(first, first + "\n" + first, 1))
    err = assert_refused(cli(["validate", str(bad)]), "dup.toml:")
    assert "malformed TOML" in err


NAMES = [
    "[/] [link=https://example.org]x[/link] [bold red]loud",
    "Київ 基辅 كييف",
    "zero\u200bwidth",
    "$\\frac{1}{0}$ and $$ dollars",
    ":warning: emoji 🚀",
    "x" * 200,
]


@pytest.mark.parametrize("name", NAMES, ids=range(len(NAMES)))
def test_names_with_markup_and_unicode_are_shown_literally(
    name: str, cli: Cli, seeds: Path
) -> None:
    path = write_toml(seeds / "named.toml", set_path(SEEDS["scenario"], ("name",), name))
    code, out, err = cli(["validate", str(path)])
    assert code == 0 and err == "", err
    assert out.count("\n") == 1
    assert "\x1b" not in out and "\u202e" not in out and "\u200b" not in out
    visible = name
    for char in ("\u202e", "\u202c", "\u200b"):
        visible = visible.replace(char, f"\\u{ord(char):04x}")
    assert visible in out


@pytest.mark.parametrize(
    "name",
    [
        "line\nbreak",
        "esc \x1b[31mred",
        "nul\x00",
        "tab\there",
        "del\x7f",
        "sep\u2028x",
        "rtl \u202eevil\u202c end",
        "",
        "y" * 201,
    ],
    ids=["newline", "ansi", "nul", "tab", "del", "linesep", "bidi", "empty", "long"],
)
def test_names_with_control_characters_refused(name: str, cli: Cli, seeds: Path) -> None:
    path = write_toml(seeds / "named.toml", set_path(SEEDS["scenario"], ("name",), name))
    err = assert_refused(cli(["validate", str(path)]), "named.toml")
    assert "\x1b" not in err and "\x00" not in err and "\u202e" not in err
