# Two commands set up a fresh clone: `make generate` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PRISM := tests/prism/node_modules/.installed

.PHONY: generate update check test test-big test-corpus test-fast fuzz bench clean

$(INSTALLED): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint constraints.txt --editable '.[test]'
	touch $@

$(PRISM): tests/prism/package.json tests/prism/package-lock.json
	npm ci --prefix tests/prism --no-audit --no-fund --loglevel=error
	touch $@

generate: $(INSTALLED)
	$(PY) -m generator generate

# Fetch the sources: of every provider.yaml and import them in sync mode; `make update generate`
# is the whole refresh (README.md, Refreshing fragments).
update: $(INSTALLED)
	$(PY) -m generator update

check: $(INSTALLED)
	$(PY) -m generator check

# The whole suite: unit, golden, runtime, type checks (mypy, pyright), black, Prism contract tests.
test: $(INSTALLED) $(PRISM)
	$(PY) -m pytest -m "not big and not corpus"

# The large real specs (OpenAI, Discord, Box): split, generate, import, mypy --strict, Prism sample.
test-big: $(INSTALLED) $(PRISM)
	$(PY) -m pytest -m big tests/big

# The corpus of real public specs (tests/data/corpus/SOURCES.md): import-spec, generate with
# default settings, import, mypy --strict, pyright strict, operation count, Prism sample.
test-corpus: $(INSTALLED) $(PRISM)
	$(PY) -m pytest -m corpus tests/corpus

# Property-based fuzzing of the whole generator with hostile specs: 5,000 examples, about 5 minutes
# (docs/testing.md, threat model).
fuzz: $(INSTALLED)
	FUZZ_EXAMPLES=5000 $(PY) -m pytest -q tests/test_fuzz.py

# Everything but the slow type-checker and Prism tests.
test-fast: $(INSTALLED)
	$(PY) -m pytest -m "not slow and not big and not corpus"

# Benchmarks side by side with the peers; writes docs/benchmarks.md (see bench/README.md).
bench: $(INSTALLED)
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) tests/prism/node_modules .pytest_cache .mypy_cache
