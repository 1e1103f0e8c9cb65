# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create .venv and install the project (with its local runtime and test tools) into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test up lint format unit e2e clean package synth deploy chromium chaos

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

demo: $(STAMP)  ## run the whole program end to end on the embedded AWS emulator
	$(BIN)/tfc demo

up: $(STAMP)  ## start the system locally (API on http://127.0.0.1:8000); Ctrl-C stops it
	$(BIN)/tfc up

test: $(STAMP) chromium  ## lint, then every test
	$(BIN)/ruff check .
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

lint: $(STAMP)
	$(BIN)/ruff check .

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
	rm -rf $(VENV) .pytest_cache .ruff_cache .tfc build infra/cdk.out
