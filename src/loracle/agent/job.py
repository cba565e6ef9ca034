"""The agent job: `python run.py --tasks T --tools L --output O`.

One linear recipe: read + validate tasks and the catalog (every binding checked before any
task runs) → build the planner (MiniLM + demonstrations) → run each task → write the
results atomically, and record the run and each task in the store.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ..errors import InputError
from ..io import atomic_write_json, read_json_array, read_jsonl, repo_path, sha256_file

log = logging.getLogger("loracle")
MAX_PROMPT_CHARS = 4000


def load_tasks(path: str | Path) -> list[dict]:
    p = Path(path)
    raw = read_json_array(p, "tasks")
    seen: set[str] = set()
    for i, t in enumerate(raw):
        where = f"{p} task {i}"
        if not isinstance(t, dict):
            raise InputError("each task must be an object", path=where)
        if not isinstance(t.get("id"), (str, int)) or str(t.get("id")) == "":
            raise InputError("missing id", path=where, field="id")
        t["id"] = str(t["id"])
        if t["id"] in seen:
            raise InputError(f"duplicate id {t['id']!r}", path=where, field="id")
        seen.add(t["id"])
        if not isinstance(t.get("prompt"), str) or not t["prompt"].strip():
            raise InputError("missing or empty prompt", path=where, field="prompt")
        if len(t["prompt"]) > MAX_PROMPT_CHARS:
            log.warning("%s: prompt of %d chars truncated to %d", where, len(t["prompt"]),
                        MAX_PROMPT_CHARS)
            t["prompt"] = t["prompt"][:MAX_PROMPT_CHARS]
    return raw


def load_demos(path: str | Path) -> list[dict]:
    rows = []
    for line, r in read_jsonl(path):
        if not isinstance(r.get("prompt"), str) or not isinstance(r.get("plan"), list):
            raise InputError("a demo needs a 'prompt' string and a 'plan' list", path=str(path),
                             line=line)
        rows.append(r)
    return rows


def build_agent(tools_path: str | Path, cfg, encoder=None):
    """(tools, planner). `encoder` (texts -> unit vectors) is injectable for tests."""
    from .catalog import load_catalog
    from .planner import Planner

    tools = load_catalog(tools_path, http_timeout_s=cfg.executor.http_timeout_s)
    if encoder is None:
        from ..router.learned import PromptEncoder

        encoder = PromptEncoder(cfg.encoder, max_len=128)
    demos = load_demos(repo_path(cfg.plan.demos)) if cfg.plan.demos else []
    return tools, Planner(tools, demos, encoder, k=cfg.plan.k)


def run_agent(tasks_path: str, tools_path: str, output: str, cfg, *, encoder=None,
              sleep=None) -> list[dict]:
    import time

    from tqdm import tqdm

    from ..providers import client_from_config
    from ..seeding import seed_everything
    from ..store import recorded_run
    from . import builtin_tools
    from .executor import run_task

    seed_everything(cfg.seed)
    tasks = load_tasks(tasks_path)
    tools, planner = build_agent(tools_path, cfg, encoder)
    log.info("agent: %d tasks, %d tools (%s), %d usable demonstrations", len(tasks), len(tools),
             ", ".join(f"{n}={t.binding}" for n, t in tools.items()), len(planner.demos))
    uses_builtin = any(t.binding == "builtin" for t in tools.values())
    inputs = {"tasks": sha256_file(tasks_path), "tools": sha256_file(tools_path)}
    results = []
    with recorded_run("agent", cfg, inputs, output) as (store, run_id):
        client = client_from_config(cfg.fallback, store=store, run_id=run_id, seed=cfg.seed)
        for i, task in enumerate(tqdm(tasks, desc="tasks", disable=len(tasks) < 10)):
            r = run_task(task, tools, planner, cfg, client=client,
                         sleep=sleep or time.sleep,
                         reset=builtin_tools.reset if uses_builtin else None)
            results.append(r)
            store.put_item(run_id, r["id"], i, task, r)
        atomic_write_json(output, results)
        metrics = {"tasks": len(results),
                   "tool_calls": sum(r["tool_calls_count"] for r in results),
                   "failed_attempts": sum(c["status"] != "ok" for r in results
                                          for c in r["tool_calls"]),
                   "tokens": sum(r["tokens_used"] for r in results),
                   "plan_sources": {s: sum(r["plan_source"] == s for r in results)
                                    for s in ("demos", "catalog", "fallback")}}
        store.finish_run(run_id, status="done", metrics=metrics)
    log.info("agent: wrote %d results to %s (%s)", len(results), output, metrics)
    return results
