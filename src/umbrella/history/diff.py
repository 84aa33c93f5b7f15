"""Differences between two runs of the history: what changed in how they were made (inputs,
versions, parameters, the spec itself) and in what they found."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["SECTIONS", "Change", "diff_runs", "flatten"]

#: The parts of a row compared, in order; ``id`` and ``created`` always differ and are left out.
SECTIONS = (
    ("provenance", ("kind", "command", "cwd", "inputs", "catalogue_hash", "data_hash", "seed",
                    "runs", "version", "git_commit", "git_dirty", "python", "dependencies")),
    ("parameters", ("parameters",)),
    ("spec", ("spec",)),
    ("summary", ("summary",)),
)  # fmt: skip


@dataclass(frozen=True)
class Change:
    """One value that differs: ``before`` or ``after`` is None where the key is absent."""

    section: str
    key: str
    before: Any
    after: Any
    is_added: bool = False
    is_removed: bool = False

    @property
    def delta(self) -> float | None:
        """``after - before`` for two numbers, else None."""
        num = (int, float)
        if (
            isinstance(self.before, num)
            and isinstance(self.after, num)
            and not isinstance(self.before, bool)
            and not isinstance(self.after, bool)
        ):
            return float(self.after) - float(self.before)
        return None

    def to_dict(self) -> dict[str, Any]:
        """As JSON: ``{"section", "key", "before", "after"[, "delta"]}``."""
        out = {"section": self.section, "key": self.key, "before": self.before,
               "after": self.after}  # fmt: skip
        if self.delta is not None:
            out["delta"] = self.delta
        return out


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Leaves of nested tables and arrays by key path (``threats[0].count``)."""
    out: dict[str, Any] = {}
    if isinstance(obj, Mapping) and obj:
        for k, v in obj.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else str(k)))
    elif isinstance(obj, list | tuple) and obj:
        for i, v in enumerate(obj):
            out.update(flatten(v, f"{prefix}[{i}]"))
    else:
        out[prefix] = obj
    return out


def diff_runs(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[Change]:
    """Every value that differs between runs ``a`` and ``b``, section by section."""
    changes: list[Change] = []
    for section, fields in SECTIONS:
        fa = flatten({f: a.get(f) for f in fields})
        fb = flatten({f: b.get(f) for f in fields})
        for key in list(fa) + [k for k in fb if k not in fa]:
            if key not in fb:
                changes.append(Change(section, key, fa[key], None, is_removed=True))
            elif key not in fa:
                changes.append(Change(section, key, None, fb[key], is_added=True))
            elif fa[key] != fb[key]:
                changes.append(Change(section, key, fa[key], fb[key]))
    return changes
