# The two commands of the README's quick start. Both install what they need themselves.
.PHONY: demo demo-onboarding test serve lint bench bench-crash bench-export bench-small

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

bench:  ## vcorg at 1,000, 2,000 and 5,000 resources against the engine floor (about 30 min on 2 CPUs)
	scripts/bootstrap && .venv/bin/python bench/bench_scale.py

bench-crash:  ## SIGKILL and re-run large applies, change sets and destroys
	scripts/bootstrap && .venv/bin/python bench/bench_crash.py --resources 1000 --kills 20 --destroy

bench-export:  ## export and adopt a 1,000-unit organisation built through the API
	scripts/bootstrap && .venv/bin/python bench/bench_export.py

bench-small:  ## the config loader and the provider at the hospital's size
	scripts/bootstrap && .venv/bin/python bench/bench_validate.py && .venv/bin/python bench/bench_provider.py
