# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo run test chaos lint typecheck mutation translations readability bench bench-broadcast clean

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
	$(BIN)/ruff check bot tests bench localapi tools
	$(BIN)/ruff format --check bot tests localapi tools

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP)
	$(BIN)/ruff check bot tests bench localapi tools
	$(BIN)/mypy
	$(BIN)/pytest -q -n 4

# Mutation testing of the pure modules against their fast tests ([tool.mutmut] in
# pyproject.toml), from scratch each time; prints the share of mutants killed per module.
mutation: $(STAMP)
	rm -rf mutants
	$(BIN)/mutmut run
	$(BIN)/python tests/mutation_score.py

# The crash test of tests/test_crash.py again and again, each run with a fresh seed and more
# kills; every seed is printed, and the failed ones listed at the end (replay one with
# CRASH_SEED=<seed> CRASH_KILLS=<kills>). Not part of `make test`.
CHAOS_RUNS  ?= 5
CHAOS_KILLS ?= 40
CRASH_TEST  := tests/test_crash.py::test_a_seminar_killed_at_random_moments_loses_nothing_and_counts_nothing_twice

chaos: $(STAMP)
	@failed=""; \
	for run in $$(seq $(CHAOS_RUNS)); do \
		seed=$$(od -An -N4 -tu4 /dev/urandom | tr -d ' '); \
		echo "crash seed=$$seed kills=$(CHAOS_KILLS)"; \
		CRASH_SEED=$$seed CRASH_KILLS=$(CHAOS_KILLS) $(BIN)/pytest -q -s $(CRASH_TEST) \
			|| failed="$$failed $$seed"; \
	done; \
	if [ -n "$$failed" ]; then echo "failed seeds (kills=$(CHAOS_KILLS)):$$failed"; exit 1; fi

translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -o locales/messages.pot --sort-output --no-location \
		--add-comments=Participant: \
		--project=seminarbot bot
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete

# The reading level (LIX) of every participant-facing text, per language: the texts marked
# `# Participant:` in the code, read from each catalog. nb and nn stay at 35 or below.
readability: $(STAMP)
	$(BIN)/python -m tools.readability

# The seminar bot against a bare python-telegram-bot bot, a 10,000-note seminar, a broadcast.
bench: $(STAMP)
	$(BIN)/python -m bench.seminar

bench-broadcast: $(STAMP)
	$(BIN)/python -m bench.broadcast --participants 1000

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
