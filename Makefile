# Two commands for a newcomer: `make run` and `make test`. Everything else is optional.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PACKAGES := libs/common libs/devkit services/intake services/ticket-store services/notification services/search services/portal
PROJECTS := $(foreach p,$(PACKAGES),$(p)/pyproject.toml)
# Type-checked one package at a time: each has a tests/ folder of its own.
TYPED := libs/common libs/devkit/src $(filter services/%,$(PACKAGES)) tests bench

.PHONY: help install run test lint format typecheck pytest token schemas constraints servers clean bench bench-full

help:
	@echo "make run        the whole system with demo data (Ctrl-C stops it)"
	@echo "make test       ruff, mypy and every test, as CI runs them"
	@echo "make token      a development token: make token ARGS='--demo customer'"
	@echo "make format     format the code with ruff"
	@echo "make schemas    export the events' JSON Schemas after a compatible change"
	@echo "make bench      a quick benchmark beside the machine's limits (about 3 minutes)"
	@echo "make bench-full the full benchmark: fixed rates, a million incidents, profiles"

install: $(STAMP)

$(STAMP): constraints.txt requirements-dev.txt $(PROJECTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -r requirements-dev.txt
	# The build backend comes pinned from constraints.txt, not fetched anew per build.
	$(BIN)/python -m pip install --quiet -c constraints.txt --no-build-isolation \
		$(foreach p,$(PACKAGES),-e $(p))
	touch $(STAMP)

servers: install
	$(BIN)/python -m ticketing_devkit.servers

run: install
	$(BIN)/ticketing-dev

test: install lint typecheck pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python deploy/docker/check_dockerfiles.py

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	@set -e; for target in $(TYPED); do echo "mypy $$target"; $(BIN)/mypy $$target; done

pytest: install
	$(BIN)/pytest

token: install
	@$(BIN)/ticketing-token $(ARGS)

schemas: install
	$(BIN)/ticketing-export-schemas

# Benchmarks (bench/README.md): the system as make run starts it, on its own databases,
# vhost and ports, beside the machine's limits. Reports go to var/bench/.
bench: install
	$(BIN)/python -m bench --plan quick $(ARGS)

bench-full: install
	$(BIN)/python -m bench --plan full --profile $(ARGS)

# Pin every third-party package at the version installed now (no download addresses).
constraints: install
	( echo "# Exact versions of every third-party package, direct or not. Install with"; \
	  echo "#   pip install -c constraints.txt ..."; \
	  echo "# Regenerate with: make constraints"; \
	  $(BIN)/pip freeze --exclude-editable | sort -f ) > constraints.txt

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache var

# The failure suite's long form: thousands of declarations while RabbitMQ, PostgreSQL
# and every service are stopped, killed and restarted (docs/reliability.md). Its short
# form runs in `make test`. FAILURE_SUITE_SEED=<n> replays a run's random choices.
.PHONY: test-failures dead-letters
test-failures: install
	FAILURE_SUITE=long $(BIN)/pytest tests/failures -p no:cacheprovider

# How many dead letters wait in each service's queues (AMQP_URL as for make run); see
# `<service> dead-letters --help` to list, show, replay or purge them.
dead-letters: install
	@for service in intake ticket-store notification search; do \
		$(BIN)/$$service dead-letters count || exit 1; done
