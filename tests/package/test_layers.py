"""The package's front door and layers: what ``import umbrella`` offers, what each layer may
import, and that no module imports itself back through others."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import umbrella

SRC = Path(umbrella.__file__).parent
FRONT_DOOR = {
    "CampaignResult",
    "InputError",
    "Raid",
    "RaidResult",
    "Scenario",
    "WTAProblem",
    "WTAResult",
    "__version__",
    "compile_raid",
    "dump_scenario",
    "load_bundled",
    "load_campaign",
    "load_scenario",
    "run_calibration",
    "run_campaign",
    "run_comparison",
    "run_nights",
    "run_optimisation",
    "run_raid",
    "run_sweep",
    "simulate",
    "simulate_campaign",
    "solve_wta",
}
#: The packages from the foundation up: a package imports only packages of lower layers.
LAYERS = (
    {"core"},
    {"catalogue", "history"},
    {"report"},
    {"engine", "wta", "attacks", "tempo"},
    {"scenario"},
    {"calibration"},
    {"campaign"},
    {"optimise", "sweep"},
    {"jobs"},
    {"cli"},
    {"__main__"},  # ``python -m umbrella``: the command line
)
#: Packages the engine (the hot path) must never import.
NOT_IN_ENGINE = {"pydantic", "pandas", "matplotlib", "typer", "rich", "pyarrow", "umbrella.cli"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in SRC.rglob("*.py")}


def _top_level_imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Modules imported when ``path`` is imported (module level, outside ``TYPE_CHECKING``)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()

    def scan(node: ast.AST) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            return  # runs when called, not when imported
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                out.add(full if full in modules else base)
        for child in ast.iter_child_nodes(node):
            scan(child)

    scan(ast.parse(path.read_text(encoding="utf-8")))
    return out


def _imported_in_functions_too(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for sub in ast.walk(tree):
        if isinstance(sub, ast.Import):
            out |= {alias.name for alias in sub.names}
        elif isinstance(sub, ast.ImportFrom) and sub.module:
            out.add(sub.module)
    return out


def test_front_door_is_pinned_and_every_name_resolves() -> None:
    assert set(umbrella.__all__) == FRONT_DOOR
    for name in FRONT_DOOR:
        assert getattr(umbrella, name) is not None
    with pytest.raises(AttributeError):
        _ = umbrella.not_a_name  # type: ignore[attr-defined]


def test_import_umbrella_is_light() -> None:
    code = (
        "import sys, umbrella; heavy = {'numba', 'pandas', 'pydantic', 'scipy', 'matplotlib'}; "
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_engine_never_imports_specs_tables_plots_or_cli() -> None:
    modules = _modules()
    for name, path in modules.items():
        if name == "umbrella.engine" or name.startswith("umbrella.engine."):
            imported = _top_level_imports(path, modules)
            bad = {m for m in imported for banned in NOT_IN_ENGINE if m.split(".")[0] == banned}
            bad |= {m for m in imported if m.startswith("umbrella.cli")}
            assert not bad, f"{name} imports {sorted(bad)}"
            # Tables are pandas DataFrames, built on request: never the compiled kernel's business.
            if name.endswith(("kernel", "rng", "raid", "monte_carlo")):
                assert "pandas" not in _imported_in_functions_too(path), name
    code = (
        "import sys, umbrella.engine; "
        f"print(sorted(m for m in {sorted(NOT_IN_ENGINE)!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_only_the_cli_imports_typer_and_rich() -> None:
    modules = _modules()
    for name, path in modules.items():
        if name.startswith("umbrella.cli"):
            continue
        used = {m.split(".")[0] for m in _imported_in_functions_too(path)}
        assert not used & {"typer", "rich"}, name


def test_no_import_cycles() -> None:
    modules = _modules()
    graph = {
        name: {m for m in _top_level_imports(path, modules) if m in modules and m != name}
        for name, path in modules.items()
    }
    done: set[str] = set()

    def visit(node: str, stack: list[str]) -> None:
        if node in stack:
            cycle = [*stack[stack.index(node) :], node]
            raise AssertionError("import cycle: " + " -> ".join(cycle))
        if node in done:
            return
        for nxt in sorted(graph[node]):
            # A package's __init__ importing its own submodules is how packages are built.
            if nxt.startswith(node + "."):
                continue
            visit(nxt, [*stack, node])
        done.add(node)

    for name in sorted(graph):
        visit(name, [])


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _every_import(path: Path) -> set[str]:
    """Every umbrella module ``path`` imports: at module level, in functions and for type
    checking alike (a lower layer may not even name a higher one's types)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
    return {m for m in out if m.startswith("umbrella.")}


def test_every_package_imports_only_lower_layers() -> None:
    layer = {pkg: i for i, group in enumerate(LAYERS) for pkg in group}
    packages = {_package(m) for m in _modules()} - {""}
    assert packages == set(layer), "give every package a layer in LAYERS"
    wrong = []
    for name, path in _modules().items():
        here = _package(name)
        if not here:
            continue  # the front door (umbrella/__init__.py) names the public API of every layer
        for target in _every_import(path):
            there = _package(target)
            if there and there != here and layer[there] >= layer[here]:
                wrong.append(f"{name} imports {target}")
    assert not wrong, "; ".join(sorted(wrong))


#: Test folders that cut across packages: the bad-input corpus and the package's own shape.
CROSS_CUTTING = {"adversarial", "package"}


def test_the_tests_mirror_the_packages() -> None:
    tests = Path(__file__).resolve().parents[1]
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    folders = {p.name for p in tests.iterdir() if p.is_dir() and p.name[0] not in "_."}
    assert folders - CROSS_CUTTING == packages  # one test folder per package, no other
    for path in tests.rglob("test_*.py"):
        if path.parent.name not in ("cli", *CROSS_CUTTING):
            assert not path.name.startswith("test_cli"), f"{path}: the commands' tests are in cli/"
