"""Run one task: plan → guarded plan → calls with retries → re-plan on failure → answer.

Rules (docs/agent.md):
- a call is sent only when its arguments validate against the tool's schema; a step whose
  required arguments cannot be filled is recorded as `skipped` and never executed;
- a failing call is retried `max_retries` times with exponential backoff and seeded jitter;
  every attempt counts in `tool_calls_count` and appears in `tool_calls` with its status;
- after the last retry the step is re-planned: an unused, non-destructive tool that returns
  the same keys, else the answer says what could not be fetched (a partial answer);
- a step whose outputs are already known is not called again (early stop), and the task
  ends when the plan is done or a budget (tool calls, tokens) is spent.
"""
from __future__ import annotations

import random
import time
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable

from . import answer, guard
from .args import fill_args, flatten
from .catalog import Tool
from .schema import validate_args


@dataclass
class TaskState:
    calls: list[dict] = field(default_factory=list)
    outputs: list[tuple[str, Any]] = field(default_factory=list)
    facts: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)  # steps never sent (bad/missing args)
    attempts: int = 0
    tokens: int = 0
    budget_note: str | None = None


def task_seed(seed: int, task_id: str) -> int:
    """Per-task seed: a task's flaky failures do not depend on which tasks ran before it."""
    return (seed * 1_000_003 + zlib.crc32(task_id.encode())) % (2**31)


def _alternative(failed: Tool, tools: dict[str, Tool], used: set[str]) -> str | None:
    want = set(failed.returns)
    for name, t in tools.items():
        if name not in used and not t.destructive and want and want & set(t.returns):
            return name
    return None


def _call_with_retries(tool: Tool, args: dict, st: TaskState, cfg, rng: random.Random,
                       sleep: Callable[[float], None]) -> tuple[bool, Any]:
    last = None
    for attempt in range(cfg.max_retries + 1):
        if st.attempts >= cfg.max_tool_calls:
            st.budget_note = f"tool-call budget of {cfg.max_tool_calls} spent"
            return False, last
        st.attempts += 1
        try:
            out = tool(**args)
        except Exception as e:  # any exception from a tool is a failed attempt
            last = f"{type(e).__name__}: {e}"
            st.calls.append({"tool": tool.name, "args": args, "status": "error",
                             "error": last, "attempt": attempt + 1})
            if attempt < cfg.max_retries:
                sleep(cfg.backoff_s * (2 ** attempt) * (0.5 + rng.random()))
            continue
        st.calls.append({"tool": tool.name, "args": args, "status": "ok",
                         "attempt": attempt + 1})
        return True, out
    return False, last


def run_task(task: dict, tools: dict[str, Tool], planner, cfg, *, client=None,
             sleep: Callable[[float], None] = time.sleep, reset: Callable[[int], None] = None
             ) -> dict:
    """One result row in the seed's shape (+ per-call status, plan source/confidence)."""
    from .planner import fallback_plan

    t0 = time.perf_counter()
    prompt = task["prompt"]
    seed = task_seed(cfg.seed, task["id"])
    if reset is not None:
        reset(seed)
    rng = random.Random(seed)
    st = TaskState()
    plan, _ = planner.plan(prompt)
    if client is not None and plan.confidence < cfg.fallback.min_confidence \
            and st.tokens < cfg.executor.max_tokens:
        alt, tok = fallback_plan(client, prompt, tools)
        st.tokens += tok
        plan = alt or plan
    steps, guard_note = guard.apply(plan.steps, prompt, tools, cfg.allow_destructive)
    if guard_note:
        # The escalation carries what the verifying team needs, not the raw request alone.
        st.facts.update({"title": "Data deletion request: verify identity before any erasure",
                         "priority": "high", "team": "privacy"})
    ex = cfg.executor
    queue, used, done = list(steps), set(), set()
    occurrence: dict[str, int] = {}
    while queue:
        name = queue.pop(0)
        tool = tools[name]
        used.add(name)
        k = occurrence.get(name, 0)
        occurrence[name] = k + 1
        args, missing = fill_args(tool, prompt, st.facts, occurrence=k)
        key = (name, repr(sorted(args.items())))
        if key in done:
            continue  # the same call already answered: calling again would be wasted
        errors = validate_args(tool.schema, args) if not missing else \
            [f"missing required argument '{m}'" for m in missing]
        if errors:
            st.skipped.append({"tool": name, "args": args, "error": "; ".join(errors)})
            st.failures.append(f"{name} was not called ({'; '.join(errors)}).")
            continue
        ok, out = _call_with_retries(tool, args, st, ex, rng, sleep)
        if ok:
            done.add(key)
            st.outputs.append((name, out))
            for k, v in flatten(out).items():
                st.facts.setdefault(k, v)
            continue
        if st.budget_note:
            st.failures.append(f"Stopped: {st.budget_note}.")
            break
        alt = _alternative(tool, tools, used | set(queue))
        if alt:
            queue.insert(0, alt)
        else:
            st.failures.append(f"{name} failed {ex.max_retries + 1} times ({out}); its data "
                               "is missing from this answer.")
    copy_text = None
    if client is not None and st.outputs and not guard_note and st.tokens < ex.max_tokens \
            and answer.COPY_REQUEST.search(prompt):
        copy_text, tok = answer.fallback_copy(client, prompt, st.outputs)
        st.tokens += tok
    final = answer.compose(prompt, st.outputs, st.failures, guard_note, st.facts, copy_text)
    return {"id": task["id"], "plan": steps, "tool_calls": st.calls, "final_answer": final,
            "latency_ms": int(round((time.perf_counter() - t0) * 1000)),
            "tokens_used": st.tokens, "tool_calls_count": st.attempts, "skipped": st.skipped,
            "plan_source": plan.source, "plan_confidence": round(float(plan.confidence), 4)}
