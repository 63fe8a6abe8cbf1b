# isp.network: the commands a user and CI run. `make demo` and `make test` are the two that matter.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
COLLECTIONS := .collections/ansible_collections
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: setup lint format unit test demo bench clean

setup: $(VENV)/.installed $(COLLECTIONS)/isp/network

$(VENV)/.installed: requirements.txt requirements-test.txt tools/find-python
	@test -x $(PY) || $$(tools/find-python) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-test.txt
	@touch $@

# Ansible finds the collection at .collections/ansible_collections/isp/network (see ansible.cfg).
$(COLLECTIONS)/isp/network:
	@mkdir -p $(COLLECTIONS)/isp
	@ln -sfn ../../.. $(COLLECTIONS)/isp/network

lint: setup
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

unit: setup
	$(BIN)/pytest -q tests/unit

test: setup lint
	tools/run-tests

demo: setup
	tools/run-demo

# make bench BENCH_ARGS='--quick --only NAME'; tools/run-bench gives it a throwaway PostgreSQL.
bench: setup
	VENV=$(VENV) tools/run-bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .collections .demo build
