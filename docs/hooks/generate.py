"""MkDocs hook: the pages written when the site is built, never by hand.

- ``reference/cli.md`` from the commands' definitions (:mod:`umbrella.cli.reference`);
- ``reference/formats/*.md`` from the spec models (:mod:`umbrella.core.reference`);
- ``gallery/index.md`` and its figures, by running every script of ``examples/gallery/``.

A failing gallery script fails the build.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
GALLERY = ROOT / "examples" / "gallery"

#: page -> (title, introduction, root model "module:Class").
FORMATS = {
    "scenario": ("Scenario files", "A raid against a defence: `umbrella run FILE`.",
                 "umbrella.scenario.model:Scenario"),
    "campaign": ("Campaign files", "A season of nightly raids and stockpiles: "
                 "`umbrella campaign FILE`.", "umbrella.campaign.spec:Campaign"),
    "optimisation": ("Optimisation files", "A budget and a menu of things to buy: "
                     "`umbrella optimise FILE`.", "umbrella.optimise.spec:OptimisationSpec"),
    "sweep": ("Sweep files", "A scenario or campaign over a design: `umbrella sweep FILE`.",
              "umbrella.sweep.spec:SweepSpec"),
}  # fmt: skip
CATALOGUE_TYPES = ("ThreatType", "InterceptorType", "FireUnitType", "SensorType")


def _model(path: str) -> Any:
    from importlib import import_module

    module, name = path.split(":")
    return getattr(import_module(module), name)


def format_page(name: str) -> str:
    """The reference page of one file format."""
    from umbrella.core.reference import format_models, models_in

    title, intro, root = FORMATS[name]
    models = models_in(_model(root))
    return "\n".join(
        [
            f"# {title}",
            "",
            intro,
            "Written from the spec models when the site is built (`umbrella.core.reference`):",
            "every key with its type, the values it allows, its default and its description.",
            "Units are in the key names (`_km`, `_m`, `_h`, `_s`, `_kmh`, `_usd`). "
            "`umbrella validate FILE` checks a file as the command that reads it would.",
            "",
            format_models(models),
        ]
    )


def catalogue_page() -> str:
    """The catalogue's types: what a `[catalogue.<section>.<name>]` table may set."""
    from umbrella.catalogue import types
    from umbrella.core.reference import format_models

    return "\n".join(
        [
            "# Catalogue types",
            "",
            "The bundled catalogue (`src/umbrella/catalogue/catalogue.toml`, listed by",
            "`umbrella catalogue`) holds one table per type; a scenario's",
            "`[catalogue.<section>.<name>]` table overrides any of these keys or adds a type",
            '(`base = "shahed"` derives one). Written from `umbrella.catalogue.types`.',
            "",
            format_models([getattr(types, name) for name in CATALOGUE_TYPES]),
        ]
    )


def gallery_scripts() -> list[Path]:
    return sorted(GALLERY.glob("*.py"))


def _run_script(script: Path, out: Path) -> None:
    env = {**os.environ, "MPLBACKEND": "Agg", "UMBRELLA_HOME": str(out / "home")}
    done = subprocess.run(
        [sys.executable, str(script), str(out)], cwd=ROOT, env=env, capture_output=True,
        text=True, check=False,
    )  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"gallery script {script.name} failed:\n{done.stdout}\n{done.stderr}")


def _docstring(script: Path) -> tuple[str, str]:
    import ast

    doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or script.stem
    title, _, rest = doc.partition("\n\n")
    return title.strip().rstrip("."), rest.strip()


def gallery_page(figures: dict[str, list[str]]) -> str:
    lines = [
        "# Gallery",
        "",
        "Small executed examples: each script in `examples/gallery/` is run when the site is",
        "built, and its figures are those below. Run one yourself with",
        "`python examples/gallery/NAME.py [FOLDER]` (the figures go to FOLDER, by default the",
        "current folder).",
        "",
    ]
    for script in gallery_scripts():
        title, text = _docstring(script)
        lines += [f"## {title}", "", text, ""]
        lines += [f"![{title}]({name})" + "{ loading=lazy }" for name in figures[script.stem]]
        code = script.read_text(encoding="utf-8")
        lines += ["", f'??? example "examples/gallery/{script.name}"', "", "    ```python"]
        lines += [f"    {line}".rstrip() for line in code.splitlines()]
        lines += ["    ```", ""]
    return "\n".join(lines)


def on_files(files: Files, config: Any) -> Files:
    def add(uri: str, content: str | bytes) -> None:
        files.append(File.generated(config, uri, content=content))

    from umbrella.cli.reference import cli_reference

    add("reference/cli.md", cli_reference())
    for name in FORMATS:
        add(f"reference/formats/{name}.md", format_page(name))
    add("reference/formats/catalogue.md", catalogue_page())

    figures: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory(prefix="umbrella-gallery-") as tmp:
        folders = {s.stem: Path(tmp) / s.stem for s in gallery_scripts()}
        for folder in folders.values():
            folder.mkdir()
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(lambda s: _run_script(s, folders[s.stem]), gallery_scripts()))
        for stem, folder in folders.items():
            pngs = sorted(folder.glob("*.png"))
            if not pngs:
                raise RuntimeError(f"gallery script {stem}.py wrote no figure")
            figures[stem] = [f"{stem}-{p.name}" for p in pngs]
            for png in pngs:
                add(f"gallery/{stem}-{png.name}", png.read_bytes())
    add("gallery/index.md", gallery_page(figures))
    return files
