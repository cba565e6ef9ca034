"""`loracle agent eval`: agent results against expected plans and facts.

Per task, and averaged:
- plan_exact: the plan equals the expected plan (order and repeats included);
- plan_edit: Levenshtein distance between the two tool lists, and 1 - dist/max(len) as
  plan_similarity (partial credit for one missing or extra step);
- completed: every expected answer fact appears in final_answer (case-insensitive, thousands
  separators ignored) and no forbidden tool (`must_not_call`) was executed;
- wasted_calls: successful calls of a tool outside the expected plan, plus repeats of a call
  already answered (same tool, same arguments); failed attempts are not "wasted" — they are
  what recovery is measured on;
- recovered: for a task with a failed attempt, whether that tool (or a re-planned
  alternative) later succeeded; recovery_rate is over tasks that saw a failure;
- tool_calls (executed attempts) and tokens_used.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..io import read_json_array


def edit_distance(a: list[str], b: list[str]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def _norm(s: str) -> str:
    return str(s).lower().replace(",", "")


def score_task(result: dict, expected: dict) -> dict:
    plan, want = list(result.get("plan") or []), list(expected.get("plan") or [])
    dist = edit_distance(plan, want)
    calls = result.get("tool_calls") or []
    ok_calls = [c for c in calls if c.get("status", "ok") == "ok"]
    answer = _norm(result.get("final_answer", ""))
    facts = expected.get("answer_facts") or []
    missing = [f for f in facts if _norm(f) not in answer]
    forbidden = [c["tool"] for c in ok_calls if c["tool"] in (expected.get("must_not_call") or [])]
    seen, wasted = set(), 0
    for c in ok_calls:
        key = (c["tool"], json.dumps(c.get("args"), sort_keys=True))
        wasted += c["tool"] not in want or key in seen
        seen.add(key)
    failed = {c["tool"] for c in calls if c.get("status") == "error"}
    recovered = None
    if failed:
        later_ok = {c["tool"] for c in ok_calls}
        recovered = bool(failed & later_ok) or len(ok_calls) > 0 and not (failed - later_ok)
    return {"id": result.get("id"), "plan_exact": plan == want, "plan_edit": dist,
            "plan_similarity": 1 - dist / max(len(plan), len(want), 1),
            "completed": not missing and not forbidden, "missing_facts": missing,
            "forbidden_calls": forbidden, "wasted_calls": wasted,
            "failed_attempts": sum(c.get("status") == "error" for c in calls),
            "recovered": recovered, "tool_calls": int(result.get("tool_calls_count", len(calls))),
            "tokens_used": int(result.get("tokens_used") or 0)}


def _load_array(path: str | Path, what: str) -> list[dict]:
    data = read_json_array(path, f"{what} objects")
    if not all(isinstance(r, dict) and "id" in r for r in data):
        raise InputError(f"every {what} must be an object with an 'id'", path=str(path))
    return data


def evaluate(results_path: str | Path, expected_path: str | Path) -> dict:
    results = {str(r["id"]): r for r in _load_array(results_path, "result")}
    expected = _load_array(expected_path, "expected")
    rows = [score_task(results[str(e["id"])], e) if str(e["id"]) in results else
            {"id": e["id"], "plan_exact": False, "plan_edit": len(e.get("plan", [])),
             "plan_similarity": 0.0, "completed": False, "missing_facts": ["(no result)"],
             "forbidden_calls": [], "wasted_calls": 0, "failed_attempts": 0, "recovered": None,
             "tool_calls": 0, "tokens_used": 0} for e in expected]
    n = len(rows)
    hit = [r for r in rows if r["recovered"] is not None]
    total_ok = sum(r["tool_calls"] - r["failed_attempts"] for r in rows)
    return {
        "tasks": n,
        "plan_exact": sum(r["plan_exact"] for r in rows) / n,
        "plan_similarity": sum(r["plan_similarity"] for r in rows) / n,
        "mean_plan_edit": sum(r["plan_edit"] for r in rows) / n,
        "completion": sum(r["completed"] for r in rows) / n,
        "wasted_calls": sum(r["wasted_calls"] for r in rows),
        "tool_selection": 1 - sum(r["wasted_calls"] for r in rows) / max(total_ok, 1),
        "tasks_with_failures": len(hit),
        "recovery_rate": (sum(bool(r["recovered"]) for r in hit) / len(hit)) if hit else None,
        "mean_tool_calls": sum(r["tool_calls"] for r in rows) / n,
        "tokens_used": sum(r["tokens_used"] for r in rows),
        "forbidden_calls": sum(len(r["forbidden_calls"]) for r in rows),
        "unexpected_ids": sorted(set(results) - {str(e["id"]) for e in expected}),
        "per_task": rows,
    }
