# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo run test chaos lint typecheck mutation translations bench bench-broadcast clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/python -m bot demo

run: $(STAMP)
	$(BIN)/python -m bot run

lint: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/ruff format --check bot tests

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/ruff check bot tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

.PHONY: install demo run test chaos lint typecheck mutation translations bench bench-broadcast clean

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o locales/messages.pot --sort-output --no-location \
		--project=seminarbot bot
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete

# The seminar bot against a bare python-telegram-bot bot, a 10,000-note seminar, a broadcast.
bench: $(STAMP)
	$(BIN)/python -m bench.seminar

bench-broadcast: $(STAMP)
	$(BIN)/python -m bench.broadcast --participants 1000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
