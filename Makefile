# The two commands of the README's quick start. Both install what they need themselves.
.PHONY: demo demo-onboarding test serve lint bench

demo:  ## the reference platform on SQLite, a local Pulumi backend, the hospital applied, changed and re-planned
	scripts/demo

demo-onboarding:  ## a hand-built organisation exported, adopted, then changed through a reviewed plan
	scripts/demo-onboarding

test:  ## every test: unit, contract, fuzz, PostgreSQL storage, and end-to-end through the real engine
	scripts/test

serve:  ## the reference platform on ./vcplatform.db, http://127.0.0.1:8750
	scripts/bootstrap && .venv/bin/vcplatform serve

lint:  ## ruff (lint and format) and mypy --strict on provider/ and server/
	scripts/bootstrap && .venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/mypy

bench:
	scripts/bootstrap && .venv/bin/python bench/bench_validate.py && .venv/bin/python bench/bench_provider.py
