"""Agent: schema validation, binding, retries/backoff, re-plan, early stop, budgets, the
deletion guard, the fallback planner, run.py end to end, and the eval metrics."""
from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

from fake_openai import FakeOpenAI
from loracle.agent import builtin_tools
from loracle.agent.catalog import load_catalog
from loracle.agent.evaluate import edit_distance, evaluate, score_task
from loracle.agent.executor import run_task
from loracle.agent.planner import Plan, Planner
from loracle.agent.schema import parse_schema, validate_args
from loracle.cli import main as loracle_main
from loracle.cli import run_py_main
from loracle.config import AgentConfig, from_dict
from loracle.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "agent"
CALLS: list[dict] = []  # what the impl-bound test tools received


def bow_embed(texts: list[str]) -> np.ndarray:
    """Hashed bag of words, unit length: a deterministic stand-in for MiniLM."""
    out = np.zeros((len(texts), 256), dtype=np.float32)
    for i, t in enumerate(texts):
        for w in t.lower().replace("?", " ").replace(".", " ").split():
            out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 256] += 1
    return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def always_fails(**kwargs):
    CALLS.append(kwargs)
    raise TimeoutError("upstream timed out")


def record(**kwargs):
    CALLS.append(kwargs)
    return {"echo": kwargs}


class FixedPlanner:
    def __init__(self, steps, confidence=0.9):
        self.p = Plan(list(steps), confidence, "demos")

    def plan(self, prompt):
        return self.p, None


def _cfg(**over) -> AgentConfig:
    cfg = from_dict(AgentConfig, {})
    cfg.executor.backoff_s = 0.01
    for k, v in over.items():
        obj = cfg
        *path, last = k.split(".")
        for part in path:
            obj = getattr(obj, part)
        setattr(obj, last, v)
    return cfg


def _tools_file(tmp_path, entries) -> Path:
    p = tmp_path / "tools.json"
    p.write_text(json.dumps(entries))
    return p


# ------------------------------------------------------------------ schema

def test_schema_shorthand_and_json_schema_validate_the_same_way():
    short = parse_schema({"email": "string", "month": "string?", "seats": "integer"})
    full = parse_schema({"type": "object", "required": ["email", "seats"], "properties": {
        "email": {"type": "string"}, "month": {"type": "string"}, "seats": {"type": "integer"}}})
    for s in (short, full):
        assert validate_args(s, {"email": "a@b.test", "seats": 3}) == []
        assert validate_args(s, {"seats": 3}) == ["missing required argument 'email'"]
        errs = validate_args(s, {"email": "a@b.test", "seats": "3"})
        assert errs and "'seats' must be integer" in errs[0]
        assert validate_args(s, {"email": "a@b.test", "seats": True})  # bool is not an int
        assert "unknown argument 'x'" in validate_args(s, {"email": "e", "seats": 1, "x": 1})
    arr = parse_schema({"type": "object", "properties": {"p": {"type": "array",
                                                               "items": {"type": "string"}}}})
    assert validate_args(arr, {"p": ["a"]}) == [] and validate_args(arr, {"p": [1]})


def test_unbound_tool_is_an_error_before_any_task_runs(tmp_path):
    p = _tools_file(tmp_path, [{"name": "mystery_tool", "description": "x", "args_schema": {}}])
    with pytest.raises(InputError, match="entry 0 .*mystery_tool.*no implementation"):
        load_catalog(p)
    bad = _tools_file(tmp_path, [{"name": "t", "description": "x", "impl": "no.such:fn"}])
    with pytest.raises(InputError, match="cannot import"):
        load_catalog(bad)
    weird = _tools_file(tmp_path, [{"name": "t", "impl": "test_agent:record",
                                    "args_schema": {"a": "strng"}}])
    with pytest.raises(InputError, match="args_schema.*unknown type"):
        load_catalog(weird)


def test_http_binding_posts_json_to_the_tool(tmp_path):
    got = []

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["content-length"])))
            got.append(body)
            out = json.dumps({"account_id": "acc_1", "plan": "Pro"}).encode()
            self.send_response(200)
            self.send_header("content-length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        tools = load_catalog(_tools_file(tmp_path, [{
            "name": "lookup", "description": "Returns account_id, plan.",
            "args_schema": {"email": "string"},
            "http": {"url": f"http://127.0.0.1:{srv.server_port}/lookup", "method": "POST"}}]))
        r = run_task({"id": "t", "prompt": "who is a@b.test?"}, tools,
                     FixedPlanner(["lookup"]), _cfg(), sleep=lambda s: None)
    finally:
        srv.shutdown()
    assert got == [{"email": "a@b.test"}]
    assert r["tool_calls"][0]["status"] == "ok" and "acc_1" in r["final_answer"]


# ------------------------------------------------------------------ executor

def _impl_tools(tmp_path):
    return load_catalog(_tools_file(tmp_path, [
        {"name": "lookup_account", "description": "Returns account_id, plan.",
         "args_schema": {"email": "string"}, "impl": "test_agent:always_fails"},
        {"name": "needs_id", "description": "Returns x.", "args_schema": {"ticket_id": "string"},
         "impl": "test_agent:record"},
        {"name": "echo", "description": "Returns echo.", "args_schema": {"email": "string"},
         "impl": "test_agent:record"}]))


def test_always_failing_tool_is_retried_with_backoff_then_answered_partially(tmp_path):
    CALLS.clear()
    waits = []
    tools = _impl_tools(tmp_path)
    r = run_task({"id": "t1", "prompt": "Plan of bo@x.test?"}, tools,
                 FixedPlanner(["lookup_account"]), _cfg(**{"executor.max_retries": 2}),
                 sleep=waits.append)
    assert len(CALLS) == 3 == r["tool_calls_count"] == len(r["tool_calls"])  # 1 + 2 retries
    assert [c["status"] for c in r["tool_calls"]] == ["error"] * 3
    assert len(waits) == 2 and waits[1] > waits[0] > 0  # exponential, jittered
    assert "Partial answer" in r["final_answer"] and "failed 3 times" in r["final_answer"]


def test_flaky_builtin_is_recovered_and_seeded(tmp_path):
    tools = load_catalog(DATA / "tools.json")
    task = {"id": "t2", "prompt": "signups from 2026-06-01 to 2026-06-07"}
    runs = []
    for seed in range(40):  # seeds whose first attempt fails
        cfg = _cfg(seed=seed)
        r = run_task(task, tools, FixedPlanner(["query_metrics"]), cfg, sleep=lambda s: None,
                     reset=builtin_tools.reset)
        if r["tool_calls"][0]["status"] == "error":
            runs.append((cfg, r))
    assert 5 <= len(runs) <= 20  # ~30% of 40
    recovered = [(c, r) for c, r in runs if r["tool_calls"][-1]["status"] == "ok"]
    assert len(recovered) >= 0.8 * len(runs)  # 4 attempts: all fail ~3% of these runs
    cfg, r = recovered[0]
    assert r["tool_calls_count"] >= 2 and "787" in r["final_answer"]  # recovered call's facts
    again = run_task(task, tools, FixedPlanner(["query_metrics"]), cfg, sleep=lambda s: None,
                     reset=builtin_tools.reset)
    assert again["tool_calls"] == r["tool_calls"] and again["final_answer"] == r["final_answer"]


def test_call_with_missing_argument_is_never_sent(tmp_path):
    CALLS.clear()
    r = run_task({"id": "t3", "prompt": "look at the ticket please"}, _impl_tools(tmp_path),
                 FixedPlanner(["needs_id"]), _cfg(), sleep=lambda s: None)
    assert CALLS == [] and r["tool_calls_count"] == 0 and r["tool_calls"] == []
    assert "missing required argument 'ticket_id'" in r["skipped"][0]["error"]


def test_same_call_is_not_repeated_and_budget_stops_the_task(tmp_path):
    CALLS.clear()
    tools = _impl_tools(tmp_path)
    r = run_task({"id": "t4", "prompt": "echo a@b.test"}, tools,
                 FixedPlanner(["echo", "echo"]), _cfg(), sleep=lambda s: None)
    assert len(CALLS) == 1 and r["tool_calls_count"] == 1  # early stop: already answered
    CALLS.clear()
    r = run_task({"id": "t5", "prompt": "plan of a@b.test"}, tools,
                 FixedPlanner(["lookup_account", "echo"]), _cfg(**{"executor.max_tool_calls": 2}),
                 sleep=lambda s: None)
    assert r["tool_calls_count"] == 2 == len(CALLS)
    assert "tool-call budget of 2 spent" in r["final_answer"]


def test_deletion_request_is_verified_and_escalated_never_executed():
    builtin_tools.reset(0)
    tools = load_catalog(DATA / "tools.json")
    prompt = "Delete my account and all my data now (GDPR). My email is alex@acme.test."
    r = run_task({"id": "g", "prompt": prompt}, tools,
                 FixedPlanner(["lookup_account", "delete_account"]), _cfg(), sleep=lambda s: None,
                 reset=builtin_tools.reset)
    called = [c["tool"] for c in r["tool_calls"]]
    assert "delete_account" not in called and called == ["lookup_account", "create_ticket"]
    assert r["tool_calls"][1]["args"]["team"] == "privacy"
    assert r["final_answer"].startswith("Not deleted") and "T-2001" in r["final_answer"]
    assert builtin_tools.lookup_account(email="alex@acme.test")["account_id"] == "acc_92"
    # Opting in lets the tool run (the operator's decision, not the prompt's).
    r = run_task({"id": "g", "prompt": prompt}, tools,
                 FixedPlanner(["lookup_account", "delete_account"]),
                 _cfg(allow_destructive=True), sleep=lambda s: None, reset=builtin_tools.reset)
    assert [c["tool"] for c in r["tool_calls"]] == ["lookup_account", "delete_account"]


# ------------------------------------------------------------------ planner

def test_demo_planner_chains_lookup_before_invoice_and_repeats_for_two_names():
    tools = load_catalog(DATA / "tools.json")
    demos = [{"prompt": "why is the invoice of x@y.test higher", "plan": ["lookup_account",
                                                                         "fetch_invoice"]},
             {"prompt": "how did the campaign do", "plan": ["get_campaign"]}]
    pl = Planner(tools, demos, bow_embed, k=1)
    p, _ = pl.plan("why is the invoice of ann@z.test higher this month")
    assert p.steps == ["lookup_account", "fetch_invoice"] and p.source == "demos"
    p, _ = pl.plan("how did the 'Spring Push' and the 'Fall Push' campaign do")
    assert p.steps == ["get_campaign", "get_campaign"]


def test_low_confidence_asks_the_endpoint_and_rejects_unknown_tools(tmp_path, monkeypatch):
    for v in ("MODEL_GATEWAY_URL", "MODEL_GATEWAY_KEY", "CHAT_MODEL"):
        monkeypatch.delenv(v, raising=False)
    from loracle.providers import client_from_config

    tools = load_catalog(DATA / "tools.json")
    with FakeOpenAI(default=("ok", '{"plan": ["search_tickets"]}', 30, 8)) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        cfg = _cfg(**{"fallback.min_confidence": 0.5})
        client = client_from_config(cfg.fallback)
        r = run_task({"id": "f", "prompt": "any open tickets about webhooks?"}, tools,
                     FixedPlanner(["get_campaign"], confidence=0.1), cfg, client=client,
                     sleep=lambda s: None)
        assert r["plan"] == ["search_tickets"] and r["plan_source"] == "fallback"
        assert r["tokens_used"] == 38 and len(srv.requests) == 1
        srv.default = ("ok", '{"plan": ["rm_rf"]}', 30, 8)  # not a catalog tool: ignored
        r = run_task({"id": "f2", "prompt": "other"}, tools,
                     FixedPlanner(["lookup_account"], confidence=0.1), cfg, client=client,
                     sleep=lambda s: None)
        assert r["plan"] == ["lookup_account"] and r["plan_source"] == "demos"


# ------------------------------------------------------------------ run.py + eval

def test_run_py_agent_end_to_end_is_deterministic(tmp_path, tiny_encoder_dir, monkeypatch):
    for v in ("MODEL_GATEWAY_URL", "OPENAI_BASE_URL", "OPENAI_API_KEY", "MODEL_GATEWAY_KEY"):
        monkeypatch.delenv(v, raising=False)
    outs = []
    for i in range(2):
        out = tmp_path / f"r{i}.json"
        rc = run_py_main(["--tasks", str(DATA / "tasks.json"), "--tools", str(DATA / "tools.json"),
                          "--output", str(out), "--set", f"encoder={tiny_encoder_dir}",
                          "--set", "executor.backoff_s=0"])
        assert rc == 0
        outs.append(json.loads(out.read_text()))
    tasks = json.loads((DATA / "tasks.json").read_text())
    assert [r["id"] for r in outs[0]] == [t["id"] for t in tasks]
    for r in outs[0]:
        assert set(r) >= {"id", "plan", "tool_calls", "final_answer", "latency_ms",
                          "tokens_used", "tool_calls_count"}
        assert r["tool_calls_count"] == len(r["tool_calls"])
        assert "delete_account" not in [c["tool"] for c in r["tool_calls"]]
    strip = [[{k: v for k, v in r.items() if k != "latency_ms"} for r in o] for o in outs]
    assert strip[0] == strip[1]
    res = evaluate(tmp_path / "r0.json", DATA / "expected.json")
    assert res["tasks"] == 20 and res["forbidden_calls"] == 0


def test_run_py_rejects_bad_tasks_without_writing(tmp_path):
    bad = tmp_path / "tasks.json"
    bad.write_text(json.dumps([{"id": "a", "prompt": "x"}, {"id": "a", "prompt": "y"}]))
    out = tmp_path / "o.json"
    rc = run_py_main(["--tasks", str(bad), "--tools", str(DATA / "tools.json"), "--output",
                      str(out)])
    assert rc == 2 and not out.exists()


def test_eval_metrics_by_hand(tmp_path):
    assert edit_distance(["a", "b"], ["a", "b"]) == 0
    assert edit_distance(["a"], ["a", "b"]) == 1 and edit_distance(["b", "a"], ["a", "b"]) == 2
    res = {"id": "x", "plan": ["lookup_account", "fetch_invoice"], "final_answer": "Total $1,512",
           "tool_calls": [{"tool": "lookup_account", "args": {}, "status": "ok"},
                          {"tool": "fetch_invoice", "args": {}, "status": "error"},
                          {"tool": "fetch_invoice", "args": {}, "status": "ok"},
                          {"tool": "search_tickets", "args": {}, "status": "ok"}],
           "tool_calls_count": 4}
    exp = {"id": "x", "plan": ["lookup_account", "fetch_invoice"], "answer_facts": ["1512"],
           "must_not_call": ["delete_account"]}
    s = score_task(res, exp)
    assert s["plan_exact"] and s["completed"] and s["wasted_calls"] == 1 and s["recovered"]
    exp2 = dict(exp, must_not_call=["search_tickets"], answer_facts=["$999"])
    s2 = score_task(res, exp2)
    assert not s2["completed"] and s2["forbidden_calls"] == ["search_tickets"]
    (tmp_path / "r.json").write_text(json.dumps([res]))
    (tmp_path / "e.json").write_text(json.dumps([exp, dict(exp, id="y")]))
    agg = evaluate(tmp_path / "r.json", tmp_path / "e.json")
    assert agg["completion"] == 0.5 and agg["recovery_rate"] == 1.0
    assert loracle_main(["agent", "eval", "--results", str(tmp_path / "r.json"),
                         "--expected", str(tmp_path / "e.json")]) == 0
    (tmp_path / "empty.json").write_text("[]")
    with pytest.raises(InputError, match="empty.json: expected a non-empty JSON array"):
        evaluate(tmp_path / "r.json", tmp_path / "empty.json")


def test_copy_request_uses_the_endpoint_when_set_and_a_grounded_template_otherwise(
        monkeypatch):
    for v in ("MODEL_GATEWAY_URL", "MODEL_GATEWAY_KEY", "CHAT_MODEL"):
        monkeypatch.delenv(v, raising=False)
    from loracle.providers import client_from_config

    tools = load_catalog(DATA / "tools.json")
    task = {"id": "c", "prompt": "How did the Spring Upgrade Push campaign do? Draft a "
            "follow-up email for people who opened it."}
    local = run_task(task, tools, FixedPlanner(["get_campaign"]), _cfg(), sleep=lambda s: None)
    assert "36.0%" in local["final_answer"] and "Draft — Subject: Spring Upgrade Push" in \
        local["final_answer"] and local["tokens_used"] == 0
    with FakeOpenAI(default=("ok", "Subject: Finish your upgrade", 80, 12)) as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        cfg = _cfg()
        r = run_task(task, tools, FixedPlanner(["get_campaign"]), cfg,
                     client=client_from_config(cfg.fallback), sleep=lambda s: None)
        assert r["final_answer"].endswith("Subject: Finish your upgrade")
        assert r["tokens_used"] == 92 and "open rate 36.0%" in \
            srv.requests[0]["messages"][1]["content"]
