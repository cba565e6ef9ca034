"""Agent on data/agent (20 tasks, 4 domains, one flaky tool), over several seeds.

    python benchmarks/bench_agent.py [--seeds 5]

The flaky tool's failures change with the seed; plans do not. Prints plan match, completion,
tool selection, recovery rate, calls and time per task, for each seed and as the mean. The
planner learns from data/agent/demos.jsonl, which is separate from these tasks.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from loracle.agent.evaluate import evaluate  # noqa: E402
from loracle.agent.job import run_agent  # noqa: E402
from loracle.config import AgentConfig, load_config  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=5)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    for v in ("MODEL_GATEWAY_URL", "OPENAI_BASE_URL"):
        os.environ.pop(v, None)  # local only: the numbers are the local agent's
    keys = ["plan_exact", "plan_similarity", "completion", "tool_selection", "recovery_rate",
            "tasks_with_failures", "mean_tool_calls"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.seeds):
            cfg = load_config(ROOT / "configs" / "agent.yaml", seed=seed, cls=AgentConfig)
            cfg.db_path = str(Path(tmp) / "db.sqlite")
            out = Path(tmp) / f"r{seed}.json"
            t0 = time.perf_counter()
            results = run_agent(str(ROOT / "data/agent/tasks.json"),
                                str(ROOT / "data/agent/tools.json"), str(out), cfg)
            wall = time.perf_counter() - t0
            res = evaluate(out, ROOT / "data/agent/expected.json")
            res["ms_per_task"] = sum(r["latency_ms"] for r in results) / len(results)
            res["wall_s"] = wall
            rows.append(res)
            print(f"seed {seed}: " + ", ".join(f"{k} {res[k]:.3f}" if isinstance(res[k], float)
                                              else f"{k} {res[k]}" for k in keys)
                  + f", {res['ms_per_task']:.1f} ms/task (wall {wall:.1f} s incl. model load)")
    mean = {}
    for k in keys + ["ms_per_task"]:
        vals = [r[k] for r in rows if r[k] is not None]  # no failures = no recovery to rate
        mean[k] = sum(vals) / len(vals) if vals else float("nan")
    print("mean over seeds: " + json.dumps({k: round(v, 3) for k, v in mean.items()}))


if __name__ == "__main__":
    main()
