# talentfin: `make run` serves the demo, `make test` runs the suite. Both install what is missing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app talentfin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
STAMP := $(VENV)/.installed

.PHONY: run test test-pg test-faults test-cluster cluster lint deps system-deps translations catalogs fonts bench clean fuzz loadtest scan

deps: system-deps $(STAMP) translations fonts

system-deps:
	@bash scripts/install-system-deps.sh

$(STAMP): setup.cfg pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(STAMP)

translations: $(STAMP)
	@$(BIN)/pybabel compile -f -d talentfin/translations

# Extract new strings into the catalogs and list those still lacking Chinese.
catalogs: $(STAMP)
	$(BIN)/python scripts/catalogs.py
	@$(BIN)/pybabel compile -f -d talentfin/translations

fonts: $(STAMP)
	@$(FLASK) fonts

run: deps
	@mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@# The demo's staff accounts log in without a second factor (production requires it).
	@TALENTFIN_SECOND_FACTOR_REQUIRED=false bash scripts/serve.sh

test: deps
	$(BIN)/pytest -q

# Generated input to every form at length (Hypothesis's "fuzz" profile: FUZZ_EXAMPLES cases
# of each of the 72 fuzz tests, 180,000 by default: hours; make fuzz FUZZ_EXAMPLES=200 for
# a shorter run). make test runs a bounded share of the same tests (15 cases of 26, 5 of
# each of the page forms' 36).
FUZZ_EXAMPLES ?= 2500
fuzz: deps
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -m fuzz -p no:randomly

test-pg: deps
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	TALENTFIN_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m "not browser"

# Real processes killed (kill -9), PostgreSQL stopped under a running web server, a full
# disk under the dossier folder: on SQLite, then on PostgreSQL (tests/faults). A test this
# machine cannot run (no right to mount, no PostgreSQL server binaries) is skipped, or fails
# when CI is set (.ci/run runs CI=1 make test-faults).
test-faults: deps
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	$(BIN)/pytest -q -m faults tests/faults
	TALENTFIN_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m faults tests/faults

# Several hosts on this machine (scripts/cluster.sh): two web servers (5101, 5102), two
# workers, two schedulers, PostgreSQL and an S3 server (SeaweedFS).
cluster: deps
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	bash scripts/cluster.sh

# A loan driven through both web servers of a cluster the test starts itself.
test-cluster: deps
	@pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start
	TALENTFIN_TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -m cluster tests/cluster

lint: $(STAMP)
	$(BIN)/ruff check talentfin tests examples loadtest
	$(BIN)/lint-imports

# Locust against a running server (loadtest/locustfile.py): founders, reviewers, the pool's
# staff, dossier downloads and verify lookups for LOADTEST_TIME with LOADTEST_USERS users;
# p50/p95 per endpoint and the error rate (at most 1%), then `flask loadtest-check` against
# the server's database and store (run make with the server's TALENTFIN_* settings). The
# server runs with TALENTFIN_PROXY_COUNT=1 so that each simulated user has its own address
# for the rate limits. LOADTEST_HOSTS: several servers, requests sent to each in turn;
# LOADTEST_WAIT: seconds the check waits for the workers to render the dossiers.
LOADTEST_HOST ?= http://127.0.0.1:5000
LOADTEST_HOSTS ?= $(LOADTEST_HOST)
LOADTEST_TIME ?= 2m
LOADTEST_USERS ?= 20
LOADTEST_FOUNDERS ?= 100
LOADTEST_REVIEWERS ?= 4
LOADTEST_OUT ?= instance/loadtest-results
LOADTEST_WAIT ?= 300
loadtest: $(STAMP)
	$(FLASK) loadtest-seed --founders $(LOADTEST_FOUNDERS) --reviewers $(LOADTEST_REVIEWERS)
	@mkdir -p $(LOADTEST_OUT) && rm -f $(LOADTEST_OUT)/record.jsonl $(LOADTEST_OUT)/locust_*.csv
	LOADTEST_RECORD=$(LOADTEST_OUT)/record.jsonl LOADTEST_HOSTS="$(LOADTEST_HOSTS)" \
	LOADTEST_FOUNDERS=$(LOADTEST_FOUNDERS) LOADTEST_REVIEWERS=$(LOADTEST_REVIEWERS) \
	PYTHONPATH=$(CURDIR) $(BIN)/locust -f loadtest/locustfile.py --headless --only-summary \
	  --host $(firstword $(LOADTEST_HOSTS)) -u $(LOADTEST_USERS) -r 5 -t $(LOADTEST_TIME) \
	  --csv $(LOADTEST_OUT)/locust --exit-code-on-error 0 > $(LOADTEST_OUT)/locust.log 2>&1
	@PYTHONPATH=$(CURDIR) $(BIN)/python -m loadtest.report $(LOADTEST_OUT)/locust_stats.csv; \
	  rate=$$?; $(FLASK) loadtest-check --wait $(LOADTEST_WAIT) $(LOADTEST_OUT)/record.jsonl; check=$$?; \
	  test $$rate = 0 -a $$check = 0

bench: deps
	$(FLASK) bench

# A wapiti scan of a demo instance (about 45 minutes; reports in build/scan/): exit 1 when it
# finds anything above informational.
scan: deps
	scripts/wapiti_scan.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
