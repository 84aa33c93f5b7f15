"""Tables on the command line: whole cells at 80 columns on a terminal, plain text when piped."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from umbrella.cli.tables import Table, column_widths, plain_lines, record_lines, show

BOX = re.compile("[\u2500-\u257f]")  # box drawing
ANSI = re.compile("\x1b\\[")
COST = "73,497,123 (71,612,097 to 75,636,423)"
PARAM = "catalog.interceptors.pac3_mse.p_kill.ballistic"


def _table() -> Table:
    t = Table("a wide table: mean (95% CI of the mean)")
    t.add_column("parameter")
    t.add_column("horizon (months)", right=True)
    t.add_column("defender spend (USD): mean (95% CI of the mean)", right=True)
    t.add_column("leakers: median (per-run p05-p95)", right=True)
    t.add_row(PARAM, "3", COST, "76 (61 to 93)")
    t.add_row("catalog.interceptors.iris_t_slm.p_kill.cruise", "6", "1", None)
    t.notes.append("h: horizon in months")
    return t


def _words(t: Table) -> set[str]:
    return {w.removesuffix(":") for row in [t.headers, *t.rows] for c in row for w in c.split()}


def _terminal(width: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Console, io.StringIO]:
    monkeypatch.setenv("TTY_COMPATIBLE", "1")
    buf = io.StringIO()
    return Console(file=buf, width=width, force_terminal=True, color_system=None), buf


def test_piped_is_plain_aligned_text_with_whole_cells(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    t = _table()
    show(t)
    out = capsys.readouterr().out
    assert not BOX.search(out) and not ANSI.search(out) and "…" not in out
    lines = out.splitlines()
    assert lines[0] == t.title and lines[-1] == "h: horizon in months"
    for header in t.headers:
        assert header in lines[1]
    assert PARAM in out and COST in out and "–" in out  # a missing value shows as a dash
    # Aligned: every row's cells start where their headers do.
    assert lines[3].index(PARAM) == lines[1].index("parameter") == 0
    assert lines[3].index("3") < lines[1].index("horizon (months)") + len("horizon (months)")


def test_piped_with_columns_set_too_narrow_prints_records(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    show(_table())
    out = capsys.readouterr().out
    assert f"parameter: {PARAM}" in out
    assert f"  defender spend (USD): mean (95% CI of the mean): {COST}" in out
    assert "  horizon (months): 6" in out and not BOX.search(out)


@pytest.mark.parametrize("width", [80, 100, 200])
def test_on_a_terminal_every_word_is_whole_and_no_line_is_too_wide(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    con, buf = _terminal(width, monkeypatch)
    t = _table()
    show(t, con)
    out = buf.getvalue()
    assert "…" not in out
    assert all(len(line) <= width for line in out.splitlines())
    shown = {w.removesuffix(":") for w in re.split(r"[\s\u2500-\u257f]+", out)}
    assert _words(t) <= shown  # no cell or header word cut, no column gone


def test_a_table_that_fits_is_boxed_and_one_too_wide_becomes_records(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    t = Table("small")
    t.add_column("threat type")
    t.add_column("leakers", right=True)
    t.add_row("Shahed-136/Geran-2", "36.7 ±2.0")
    con, buf = _terminal(80, monkeypatch)
    show(t, con)
    assert BOX.search(buf.getvalue()) and "Shahed-136/Geran-2" in buf.getvalue()
    wide = _table()
    assert column_widths(wide, 80) is None  # the longest words alone overflow 80 columns
    con, buf = _terminal(80, monkeypatch)
    show(wide, con)
    flat = " ".join(buf.getvalue().split())
    assert " ".join(" ".join(record_lines(wide)).split()) in flat  # records, wrapped by words


def test_column_widths_narrow_the_widest_first_and_never_below_a_word() -> None:
    t = Table()
    t.add_column("quantity")
    t.add_column("change")
    t.add_row("leakers (threats)", "+219,639,900 (+199,755,222 to +239,524,578)")
    full = column_widths(t, 200)
    assert full == [len("leakers (threats)"), len(t.rows[0][1])]
    narrow = column_widths(t, 50)
    assert narrow is not None and narrow[0] == full[0] and narrow[1] < full[1]
    assert narrow[1] >= len("+219,639,900") and sum(narrow) + 7 <= 50
    assert column_widths(t, 20) is None


def test_cells_are_literal_one_line_text() -> None:
    t = Table()
    t.add_column("name")
    t.add_row("evil\x1b[31m\nname [bold]x[/]")
    line = plain_lines(t)[2]
    assert "\x1b" not in line and "\\x1b" in line and "[bold]x[/]" in line and "\n" not in line
    with pytest.raises(ValueError, match="1 columns"):
        t.add_row("a", "b")
