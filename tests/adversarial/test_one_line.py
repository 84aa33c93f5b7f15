"""One line everywhere: inputs that used to end in an internal error (a tiny price, a menu whose
every option at max_units breaks a campaign's limits, a checkpoint header without a whole number
of nights, symbolic-link loops and NUL bytes in referenced paths, a night too large for the
engine) end in exit 2 and one line naming the file and key, and ``validate`` says what the
command that reads the file says (a campaign that ``extends`` another included)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from .corpus import Cli, assert_refused
from .sample import sampled

MENU = """
schema_version = 1
name = "one-line-menu"
campaign = "campaign.toml"
budget_usd = 300.0

[[options]]
id = "lot"
interceptor = "missile"
quantity = 5
price_usd = 100.0
max_units = 2
"""

#: (change to the menu, what the line names after the file)
MENUS = [
    (("price_usd = 100.0", "price_usd = 1e-300"), "options[0].price_usd"),
    (("price_usd = 100.0", "price_usd = 5e-324"), "options[0].price_usd"),
    (("price_usd = 100.0", "price_usd = 0.001"), "options[0].price_usd"),
    (("quantity = 5\nprice_usd = 100.0\nmax_units = 2",
      "quantity = 100000000\nprice_usd = 100.0\nmax_units = 64"), "quantity x max_units"),
    (("quantity = 5\nprice_usd = 100.0\nmax_units = 2",
      "quantity = 1000000000\nprice_usd = 0.01\nmax_units = 2"), "quantity x max_units"),
    (('interceptor = "missile"\nquantity = 5',
      'production = { interceptor = "missile", per_day = 1000000.0 }'), "per_day x max_units"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "needle"), sampled(MENUS, 3))
def test_a_menu_validate_passes_never_crashes_optimise(
    change: tuple[str, str], needle: str, cli: Cli, seeds: Path
) -> None:
    old, new = change
    assert old in MENU
    path = seeds / "menu.toml"
    path.write_text(MENU.replace(old, new))
    err = assert_refused(cli(["validate", str(path)]), f"{path}:")
    assert needle in err
    run = cli(["optimise", str(path), "--runs", "2", "--json"])
    assert run == (2, "", err)  # the command says what validate said, before any run


def test_a_cent_is_a_price_and_the_menu_runs(cli: Cli, seeds: Path) -> None:
    path = seeds / "menu.toml"
    path.write_text(MENU.replace("price_usd = 100.0", "price_usd = 0.01"))
    code, _, err = cli(["validate", str(path)])
    assert code == 0, err
    code, out, err = cli(["optimise", str(path), "--runs", "2", "--json"])
    assert code == 0, err
    assert json.loads(out)["kind"] == "optimise"


def _saved_checkpoint(seeds: Path) -> tuple[Path, list[str]]:
    """A checkpoint umbrella wrote for the seed campaign (after 5 of its 12 nights)."""
    from umbrella.campaign import FileCheckpoint, load_campaign, prepare_campaign, simulate_prepared
    from umbrella.campaign.inputs import load_defence

    path = seeds / "ck.npz"
    camp = load_campaign(seeds / "campaign.toml")
    prep = prepare_campaign(camp, load_defence(camp), 4, 1)
    with pytest.raises(KeyboardInterrupt):
        simulate_prepared(prep, checkpoint=FileCheckpoint(path), stop_after=5)
    args = ["campaign", str(seeds / "campaign.toml"), "--runs", "4", "--seed", "1",
            "--checkpoint", str(path), "--json"]  # fmt: skip
    return path, args


DONE = [2.5, "5", None, True, -1, 10**30, 1e300, [5]]


@pytest.mark.parametrize("done", sampled(DONE, 4, ids=[repr(d) for d in DONE]))
def test_a_checkpoint_without_a_whole_number_of_nights_is_one_line(
    done: object, cli: Cli, seeds: Path
) -> None:
    path, args = _saved_checkpoint(seeds)
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    meta = json.loads(members["meta.json"])
    meta["done"] = done
    members["meta.json"] = json.dumps(meta).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    before = path.read_bytes()
    for extra in ([], ["--resume"], ["--force"]):
        err = assert_refused(cli([*args, *extra]), str(path))
        assert "whole number of nights" in err
    assert path.read_bytes() == before


def _loop(path: Path) -> str:
    path.symlink_to(path.name)
    return path.name


def _loop_pair(path: Path) -> str:
    other = path.with_name("other-" + path.name)
    path.symlink_to(other.name)
    other.symlink_to(path.name)
    return path.name


def _nul(path: Path) -> str:
    return "scen\x00ario.toml"


def _control(path: Path) -> str:
    return "scen\nario.toml"


REFERENCES: dict[str, Callable[[Path], str]] = {
    "loop": _loop,
    "loop-pair": _loop_pair,
    "nul": _nul,
    "control": _control,
}
#: (the key of the campaign that names a path, how the path is made)
PATH_CASES = [(key, how) for key in ("scenario", "extends", "raids.data_dir") for how in REFERENCES]


@pytest.mark.parametrize(
    ("key", "how"), sampled(PATH_CASES, 5, ids=[f"{k}-{h}" for k, h in PATH_CASES])
)
def test_a_referenced_path_that_loops_or_holds_nul_is_one_line(
    key: str, how: str, cli: Cli, seeds: Path
) -> None:
    target = REFERENCES[how](seeds / "ref.toml")
    text = (seeds / "campaign.toml").read_text()
    quoted = json.dumps(target)  # a TOML basic string: \u0000 and \n escaped
    if key == "scenario":
        text = text.replace('scenario = "scenario.toml"', f"scenario = {quoted}")
    elif key == "extends":
        text = f"extends = {quoted}\n" + text
    else:
        tempo = f'source = "tempo"\ndata_dir = {quoted}\ntrain_end = 2025-03-31'
        text = text.replace('source = "distributions"', tempo)
    path = seeds / "bad.toml"
    path.write_text(text)
    if how.startswith("loop") and key == "scenario":
        err = assert_refused(cli(["validate", str(path)]), "ref.toml")  # the file that loops
        assert "symbolic links" in err
    else:
        err = assert_refused(cli(["validate", str(path)]), "bad.toml")
        assert key.split(".")[-1] in err
    assert cli(["campaign", str(path), "--runs", "2", "--json"]) == (2, "", err)


def test_a_night_too_large_for_the_engine_names_the_reports(
    cli: Cli, tmp_path: Path, write_reports_to: Callable[..., Path]
) -> None:
    # The raid built for the night names no file of its own: the line names the reports.
    folder = write_reports_to(tmp_path / "reports", date(2025, 1, 1), date(2025, 3, 31))
    path = folder / "missile_attacks_daily.csv"
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    row = next(i for i, ln in enumerate(lines) if "2025-03-15 08:00" in ln and "Shahed" in ln)
    cells = lines[row].split(",")
    cells[header.index("launched")] = "5000000.0"
    cells[header.index("destroyed")] = "1.0"
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    args = ["nights", "national", "--data", str(folder), "--start", "2025-03-14", "--end",
            "2025-03-16", "--runs", "2", "--json"]  # fmt: skip
    err = assert_refused(cli(args), f"{path}: the night of 2025-03-15")
    assert "over the limit of 200,000" in err and "<" not in err


def test_an_option_of_the_command_line_is_named_as_such(cli: Cli, seeds: Path) -> None:
    err = assert_refused(cli(["run", str(seeds / "scenario.toml"), "--runs", "1"]), "--runs")
    assert err.startswith("error: command line: ") and "<input>" not in err


CHILD = 'schema_version = 1\nextends = "campaign.toml"\nname = "child"\n\n[stocks]\nmissile = 30\n'


def test_validate_reads_a_campaign_that_extends_another(cli: Cli, seeds: Path) -> None:
    path = seeds / "child.toml"
    path.write_text(CHILD)
    code, out, err = cli(["validate", str(path)])
    assert code == 0 and out.startswith("ok: ") and "campaign" in out, err
    code, out, err = cli(["campaign", str(path), "--runs", "2", "--json"])
    assert code == 0, err
    assert json.loads(out)["campaign"] == "child"


@pytest.mark.parametrize(
    "change",
    ["[stocks]\nmissile = -3\n", "[raids]\nfraction = 2.0\n", "end = 2025-12-31\n",
     'extends = "nowhere.toml"\n', "schema_version = 2\n"],
    ids=["stock", "fraction", "end-before-start", "missing-parent", "schema"],
)  # fmt: skip
def test_validate_and_campaign_refuse_an_extending_file_with_the_same_line(
    change: str, cli: Cli, seeds: Path
) -> None:
    path = seeds / "child.toml"
    text = CHILD.replace("[stocks]\nmissile = 30\n", change)
    if change.startswith("extends"):
        text = text.replace('extends = "campaign.toml"\n', "")
    if change.startswith("schema_version"):
        text = text.replace("schema_version = 1\n", "")
    path.write_text(text)
    err = assert_refused(cli(["validate", str(path)]), "toml")
    assert cli(["campaign", str(path), "--runs", "2", "--json"]) == (2, "", err)
