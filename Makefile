# Two commands do everything on a fresh clone: `make demo` and `make test`.
# Each bootstraps .venv from requirements.lock (pinned, hashed) with nothing
# preinstalled but python3.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark

# Demo scale: `make demo MEMBERS=120000` for a larger sample.
MEMBERS ?= 20000
SEED ?= 42
DEMO_RAW := data/raw
DEMO_DB := warehouse/crm.duckdb

# Test scale: small, fast, deterministic.
TEST_MEMBERS ?= 400
TEST_SEED ?= 7
TEST_DIR := build/test
TEST_DB := $(TEST_DIR)/crm.duckdb

export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export GX_ANALYTICS_ENABLED := False
export DBT_PROFILES_DIR := $(CURDIR)
export DO_NOT_TRACK := 1

.PHONY: help setup setup-spark test-spark demo test lint lint-python lint-sql dbt-test pytest lock bench bench-identity bench-tags bench-gx docs clean browser dashboard bench-dashboard

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | column -t -s "$$(printf '\t')"

$(STAMP): requirements.lock pyproject.toml
	@echo "==> bootstrapping $(VENV) from requirements.lock"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $@

setup: $(STAMP) ## Create .venv with the locked dependencies

# The Spark target's extras (dbt-spark, pyspark) on top of the same .venv: the spark lock
# is the main lock plus four packages (its .in takes requirements.lock as constraints), so
# `uv pip install` only adds them. pyspark is a source release: it builds offline (~35 s).
$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	@echo "==> adding the Spark extras to $(VENV) from requirements-spark.lock"
	$(BIN)/uv pip install --quiet --python $(BIN)/python --require-hashes --no-deps -r requirements-spark.lock
	@touch $@

setup-spark: $(SPARK_STAMP) ## Add dbt-spark and pyspark to .venv (requirements-spark.lock)

demo: $(STAMP) ## Generate sample data, ingest, dbt build, validate, print a summary
	rm -rf $(DEMO_RAW)
	$(BIN)/crm generate --out $(DEMO_RAW) --members $(MEMBERS) --seed $(SEED)
	$(BIN)/crm run --raw-dir $(DEMO_RAW) --database $(DEMO_DB) --fresh
	$(BIN)/crm evaluate identity --raw-dir $(DEMO_RAW) --database $(DEMO_DB)
	$(BIN)/crm report weekly --database $(DEMO_DB)
	$(BIN)/crm publish --database $(DEMO_DB)
	@echo "==> dashboard: make dashboard (= $(BIN)/crm dashboard --database $(DEMO_DB)), then open http://127.0.0.1:8501/"
	@echo "==> data validation (Great Expectations):"
	@cat $(dir $(DEMO_DB))gx/data_docs/summary.txt

test: browser lint dbt-test pytest ## Every check: ruff, sqlfluff, dbt build with all tests, pytest (with the browser test)

lint: lint-python lint-sql ## ruff and sqlfluff

lint-python: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint-sql: $(STAMP)
	mkdir -p build
	CRM_DATABASE=$(CURDIR)/build/lint.duckdb $(BIN)/sqlfluff lint models tests analyses

dbt-test: $(STAMP) ## dbt build (models, seeds, data tests, unit tests) on small generated data
	rm -rf $(TEST_DIR)
	$(BIN)/crm generate --out $(TEST_DIR)/raw --members $(TEST_MEMBERS) --seed $(TEST_SEED)
	$(BIN)/crm run --raw-dir $(TEST_DIR)/raw --database $(TEST_DB) --unit-tests

# The same small data built on Spark (a local session, issue 11) and on DuckDB, then every
# table compared row by row (src/crm_warehouse/engine_parity.py). One ingestion: the
# exports go into DuckDB, `crm land-raw` writes its raw tables as Parquet, which Spark
# declares external tables (on-run-start). Spark's metastore, derby.log and warehouse
# stay under SPARK_DIR; spark/log4j2.properties keeps its log to errors. Both builds share
# one hash secret (<database>.hash-secret). int_customer_keys is built a second time on
# both engines: its incremental run, which reads the keys of the first.
SPARK_DIR := build/spark
SPARK_DB := $(SPARK_DIR)/crm.duckdb
SPARK_ENV := CRM_SPARK_DIR=$(CURDIR)/$(SPARK_DIR) CRM_SPARK_RAW_DIR=$(CURDIR)/$(SPARK_DIR)/parquet \
	SPARK_CONF_DIR=$(CURDIR)/spark
test-spark: $(SPARK_STAMP) ## dbt build on Spark (local session) of the test data, compared row by row with DuckDB's
	rm -rf $(SPARK_DIR)
	$(BIN)/crm generate --out $(SPARK_DIR)/raw --members $(TEST_MEMBERS) --seed $(TEST_SEED) --quiet
	$(BIN)/crm ingest --raw-dir $(SPARK_DIR)/raw --database $(SPARK_DB) --quiet
	$(BIN)/crm land-raw --database $(SPARK_DB) --out $(SPARK_DIR)/parquet
	for step in build "build --select int_customer_keys"; do \
		CRM_TARGET=duckdb DBT_TARGET_PATH=$(SPARK_DIR)/target-duckdb DBT_LOG_PATH=$(SPARK_DIR)/logs-duckdb \
			$(BIN)/crm dbt --database $(SPARK_DB) -- --quiet $$step || exit 1; \
		CRM_TARGET=spark DBT_TARGET_PATH=$(SPARK_DIR)/target-spark DBT_LOG_PATH=$(SPARK_DIR)/logs-spark \
			$(SPARK_ENV) $(BIN)/crm dbt --database $(SPARK_DB) -- $$step || exit 1; \
	done
	$(BIN)/python -m crm_warehouse.engine_parity --duckdb $(SPARK_DB) --spark-dir $(SPARK_DIR) \
		--manifest $(SPARK_DIR)/target-duckdb/manifest.json

PYTEST_WORKERS ?= 2
pytest: $(STAMP) ## Python and whole-pipeline tests (PYTEST_WORKERS=2 processes, a test file per process)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadfile --durations=20

lock: ## Re-resolve requirements.lock and requirements-spark.lock after changing pyproject.toml
	$(PYTHON) -m pip install --quiet uv==$(UV_VERSION)
	$(PYTHON) -m uv pip compile requirements.in --override requirements-overrides.txt \
		--python-version 3.11 --generate-hashes --no-emit-package crm-warehouse \
		-o requirements.lock
	$(PYTHON) -m uv pip compile requirements-spark.in --override requirements-overrides.txt \
		--python-version 3.11 --generate-hashes --no-emit-package crm-warehouse \
		-o requirements-spark.lock

bench: $(STAMP) ## Generation and ingestion benchmark (see benchmarks/README.md)
	$(BIN)/python benchmarks/bench_generate_ingest.py

bench-identity: $(STAMP) ## Identity stitching benchmark beside SciPy (benchmarks/identity_results.md)
	$(BIN)/python benchmarks/bench_identity.py

docs: $(STAMP) ## Regenerate the tag docs from the catalogue, build the dbt docs site into target/
	$(BIN)/crm tags docs --database $(DEMO_DB)
	CRM_DATABASE=$(DEMO_DB) $(BIN)/dbt docs generate

bench-gx: $(STAMP) ## Great Expectations checkpoint benchmark on the demo warehouse (benchmarks/gx_results.md)
	$(BIN)/python benchmarks/bench_gx.py --database $(DEMO_DB) --members $(MEMBERS)

bench-tags: $(STAMP) ## Tag matrix benchmark (benchmarks/tags_results.md)
	$(BIN)/python benchmarks/bench_tags.py

# The dashboard's browser test drives Debian's chromium through chromium-driver (no
# browser download: Playwright's own fails offline); installed with apt when missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser: ## Install Debian's chromium, chromium-driver and CJK fonts when missing (browser test)
	@if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ] && [ -d /usr/share/fonts/opentype/noto ]; then \
		echo "browser: $$(/usr/bin/chromedriver --version | cut -d' ' -f1-2)"; \
	else \
		echo "==> installing chromium, chromium-driver and fonts-noto-cjk (apt)"; \
		$(SUDO) apt-get update -qq; \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
			chromium chromium-driver fonts-noto-cjk >/dev/null; \
	fi

dashboard: $(STAMP) ## Start the dashboard on the demo warehouse's serving copy (http://127.0.0.1:8501/)
	$(BIN)/crm dashboard --database $(DEMO_DB)

bench-dashboard: $(STAMP) ## Dashboard page load times on the demo serving copy (benchmarks/dashboard_results.md)
	$(BIN)/python benchmarks/bench_dashboard.py --database $(DEMO_DB)

clean: ## Remove generated data, databases and build output
	rm -rf build data warehouse target logs dbt_packages
