# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create .venv and install the project (with its local runtime and test tools) into it, at exactly the
# versions in uv.lock (with hashes): the same set the tests, CI and every Lambda package (infra/packaging.py) use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# uv resolves and installs from the lock; it lives beside the venv (not in it: `uv sync` removes what the lock
# does not name). Upgrade deliberately: a newer uv may rewrite uv.lock's format.
UV_VERSION := 0.13.8
UV_HOME := $(VENV)-uv
UV := $(UV_HOME)/bin/uv
LOCK_STALE := uv.lock does not match pyproject.toml (a dependency was added, removed or re-ranged): run 'make lock' and commit uv.lock

.PHONY: demo test up lint lockcheck lock format unit e2e clean package synth deploy chromium chaos

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target $(UV_HOME) uv==$(UV_VERSION)

$(STAMP): pyproject.toml uv.lock | $(UV)
	@$(UV) sync --quiet --locked --extra dev --python $(PYTHON) || { echo "$(LOCK_STALE)" >&2; exit 1; }
	touch $(STAMP)

lock: $(UV)  ## regenerate uv.lock from pyproject.toml (keeps locked versions that still fit; `make lock UPGRADE=1` takes the newest)
	$(UV) lock $(if $(UPGRADE),--upgrade)

lockcheck: $(UV)  ## fail when uv.lock and pyproject.toml disagree
	@$(UV) lock --check --quiet || { echo "$(LOCK_STALE)" >&2; exit 1; }

demo: $(STAMP)  ## run the whole program end to end on the embedded AWS emulator
	$(BIN)/tfc demo

up: $(STAMP)  ## start the system locally (API on http://127.0.0.1:8000); Ctrl-C stops it
	$(BIN)/tfc up

test: lockcheck $(STAMP) chromium  ## lock check and lint (ruff, mypy), then every test
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

# The browser tests drive Debian's chromium; install it when missing and apt-get can (as root).
# Without it they skip, saying why.
chromium:
	@command -v chromium >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
		&& apt-get install -y -q chromium >/dev/null && echo "installed chromium for the browser tests"; } \
		|| echo "chromium not installed: browser tests will skip (install: apt-get install chromium)"

unit: $(STAMP)
	$(BIN)/python -m pytest -q tests/unit

e2e: $(STAMP)
	$(BIN)/python -m pytest -q -m e2e

lint: lockcheck $(STAMP)  ## ruff, and mypy with the pydantic plugin (zero errors; [tool.mypy] in pyproject.toml)
	$(BIN)/ruff check .
	$(BIN)/mypy

SEED ?= 7
chaos: $(STAMP)  ## the demo scenario without faults, with the full mix, and with a steady low rate (seeded); prints JSON, fails on a broken invariant or a missed target
	$(BIN)/tfc bench chaos --seed $(SEED) --volunteers 600 --campaigns 6 --invitation-ttl 90 --timeout 400

format: $(STAMP)
	$(BIN)/ruff format .

STAGE ?= dev
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20

package: $(STAMP)  ## build every function's Lambda zip and the layers into build/lambda/
	$(BIN)/python -m infra.packaging

synth: $(STAMP)  ## synthesize STAGE (default dev) into infra/cdk.out/, offline: no AWS account, no Docker
	$(BIN)/python -m infra.app -c stage=$(STAGE) $(CDK_ARGS)
	$(BIN)/cfn-lint --non-zero-exit-code error infra/cdk.out/tfc-$(STAGE).template.json

ACCOUNT = $(shell $(BIN)/python -c "import boto3; print(boto3.client('sts').get_caller_identity()['Account'])" 2>/dev/null)

deploy: $(STAMP)  ## deploy STAGE with real AWS credentials (never in CI); see infra/README.md
	@test -n "$(ACCOUNT)" || (echo "no AWS credentials: deploy needs them (aws configure, or AWS_PROFILE)" && exit 2)
	npx --yes aws-cdk@2 deploy tfc-$(STAGE) --app "$(BIN)/python -m infra.app" --output infra/cdk.out \
		-c stage=$(STAGE) -c account=$(ACCOUNT) -c region=$${AWS_REGION:-$${AWS_DEFAULT_REGION:-us-east-1}} \
		--require-approval broadening $(CDK_ARGS)

clean:
	rm -rf $(VENV) $(UV_HOME) .pytest_cache .ruff_cache .tfc build infra/cdk.out
