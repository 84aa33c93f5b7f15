"""The adversarial corpus: helpers shared by its tests.

Every input of the corpus is one change to a small valid seed file (``fixtures/``) or one
command line; each must end with exit code 2 and exactly one ``error:`` line on stderr naming
the file (or ``command line``), no traceback, nothing on stdout and nothing written, or be
accepted with finite outputs.
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable, Hashable, Iterable
from pathlib import Path
from typing import Any

import pytest
import tomli_w

FIXTURES = Path(__file__).parent / "fixtures"
SCENARIO = FIXTURES / "scenario.toml"
CAMPAIGN = FIXTURES / "campaign.toml"


def assert_refused(result: tuple[int, str, str], needle: str) -> str:
    """Exit 2, nothing on stdout, one ``error:`` line on stderr that names ``needle``."""
    code, out, err = result
    assert code == 2, (code, out[-300:], err[-600:])
    assert out == "", out[-300:]
    assert err.startswith("error: "), err[-600:]
    assert err.count("\n") == 1 and err.endswith("\n"), err
    assert "Traceback" not in err
    assert needle in err, (needle, err)
    return err


def assert_one_line_or_ok(result: tuple[int, str, str], needle: str) -> None:
    """Either accepted (exit 0, nothing on stderr) or refused as :func:`assert_refused`."""
    code, _, err = result
    if code == 0:
        assert "Traceback" not in err and "error" not in err, err
    else:
        assert_refused(result, needle)


def assert_finite_json(text: str) -> Any:
    """Parse strict JSON: NaN and infinities are refused, every number is finite."""

    def refuse(token: str) -> Any:
        raise AssertionError(f"{token} in a JSON output")

    doc = json.loads(text, parse_constant=refuse)
    for _, value in leaves(doc):
        assert not isinstance(value, float) or math.isfinite(value)
    return doc


def listing(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (relative path -> bytes): to show nothing was written."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b"<dir>"
        for p in sorted(folder.rglob("*"))
    }


def set_path(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    """A copy of ``doc`` with the leaf at ``path`` replaced (``value is DELETE`` removes it)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(doc, dict):
        out = dict(doc)
        if not rest and value is DELETE:
            del out[head]
        elif not rest:
            out[head] = value
        else:
            out[head] = set_path(doc[head], rest, value)
        return out
    out_list = list(doc)
    if not rest and value is DELETE:
        del out_list[head]
    else:
        out_list[head] = set_path(doc[head], rest, value)
    return out_list


class _Delete:
    def __repr__(self) -> str:
        return "DELETE"


DELETE = _Delete()


def leaves(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """(path, value) of every scalar leaf of a parsed TOML document."""
    if isinstance(doc, dict):
        return [item for k, v in doc.items() for item in leaves(v, (*prefix, k))]
    if isinstance(doc, list):
        return [item for k, v in enumerate(doc) for item in leaves(v, (*prefix, k))]
    return [(prefix, doc)]


def tables(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Paths of every table (dict) in a parsed TOML document, the top one included."""
    out: list[tuple[Any, ...]] = []
    if isinstance(doc, dict):
        out.append(prefix)
        for k, v in doc.items():
            out += tables(v, (*prefix, k))
    elif isinstance(doc, list):
        for k, v in enumerate(doc):
            out += tables(v, (*prefix, k))
    return out


def dotted(path: tuple[Any, ...]) -> str:
    """``threats[0].count`` for ``("threats", 0, "count")``, as error messages write it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else ("." if out else "") + str(part)
    return out


def section(path: tuple[Any, ...]) -> str:
    """The part of a file a path lies in: ``threats``, ``catalog.sensors``, ``stocks``...; the
    top table's own keys are ``(top)``."""
    if len(path) < 2:
        return "(top)"
    if path[0] == "catalog" and len(path) > 2:
        return f"catalog.{path[1]}"
    return str(path[0])


def sample(cases: list[Any], covers: Callable[[Any], Iterable[Hashable]]) -> list[Any]:
    """The cases with all but a covering sample marked ``slow``.

    ``covers(case)`` names what a case exercises (its section of the file, its kind of bad
    value...). The sample is a small set of cases that together name everything any case names,
    picked greedily (most names not yet covered first, ties broken by a CRC of the case id), so it
    is the same on every run and machine and changes only when the cases do. The other cases
    keep their ids and run under ``-m slow``: the two passes together are the whole product.
    """
    names = [frozenset(covers(c)) for c in cases]
    order = sorted(range(len(cases)), key=lambda i: (zlib.crc32(cases[i].id.encode()), i))
    left = frozenset().union(*names)
    chosen: set[int] = set()
    while left:
        best = max(order, key=lambda i: len(names[i] & left))  # the first of the best
        chosen.add(best)
        left -= names[best]
    return [
        case
        if i in chosen
        else pytest.param(*case.values, id=case.id, marks=[*case.marks, pytest.mark.slow])
        for i, case in enumerate(cases)
    ]


def write_toml(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(tomli_w.dumps(doc), encoding="utf-8")
    return path


Cli = Callable[[list[str]], tuple[int, str, str]]
