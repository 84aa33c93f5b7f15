# Set-up and checks. `make demo` and `make test` each create .venv on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test test-slow lint docs bench bench-wta clean

# The version is read from src/umbrella/core/version.py into the installed metadata: a new
# version reinstalls.
$(STAMP): pyproject.toml constraints.txt src/umbrella/core/version.py
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev,docs]'
	touch $(STAMP)

install: $(STAMP)

# The reference raid, its tables and report.html in out/demo (the command prints the page's
# path). Run again, it replaces its own earlier output there; a file of yours in out/demo makes
# it stop with one line, and nothing is removed.
demo: $(STAMP)
	$(BIN)/umbrella run --runs 2000 --seed 7 --out out/demo

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs/hooks examples/gallery
	$(BIN)/ruff format --check src tests benchmarks docs/hooks examples/gallery
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

test-slow: $(STAMP)
	$(BIN)/python -m pytest -m slow

# The site in site/: strict, so a warning or a broken link fails. The reference pages (commands,
# file formats) and the gallery's figures are generated during the build (docs/hooks/).
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

bench: $(STAMP)
	$(BIN)/python benchmarks/raid.py
	$(BIN)/python benchmarks/campaign.py
	$(BIN)/python benchmarks/report.py
	$(BIN)/python benchmarks/optimise.py --menu five

bench-wta: $(STAMP)
	$(BIN)/python benchmarks/wta.py

clean:
	rm -rf $(VENV) build dist site src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
