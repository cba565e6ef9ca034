"""Fallback in the ticket job, the run store, resume, runs compare and the HTML report."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from fake_openai import FakeOpenAI
from loracle.cli import main as loracle_main
from loracle.cli import run_py_main
from loracle.store import SCHEMA_VERSION, Store

KEY = "sk-live-DO-NOT-LEAK-42"


@pytest.fixture
def endpoint_env(monkeypatch):
    for v in ("MODEL_GATEWAY_URL", "MODEL_GATEWAY_KEY", "CHAT_MODEL", "OPENAI_BASE_URL",
              "OPENAI_API_KEY", "LORACLE_DB"):
        monkeypatch.delenv(v, raising=False)

    def use(server):
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("CHAT_MODEL", "gpt-4o-mini")
    return use


def _taxonomy(train: Path) -> list[str]:
    return sorted({json.loads(l)["intent"] for l in train.read_text().splitlines()})


def _run(tmp_path, train, val, overrides, name="r", extra=()):
    w, o = tmp_path / f"{name}_w", tmp_path / f"{name}.json"
    args = ["--train", str(train), "--val", str(val), "--weights", str(w), "--output", str(o),
            *extra] + sum((["--set", x] for x in overrides), [])
    return run_py_main(args), o


def _answer(intent: str):
    return ("ok", json.dumps({"intent": intent, "reply": f"LLM reply about {intent}"}), 40, 12)


FAST = ["fallback.backoff_base_s=0.01", "fallback.backoff_max_s=0.02", "reply.mode=retrieve"]


def test_429_then_200_every_row_fallback(tmp_path, sample_data, tiny_overrides, endpoint_env):
    train, val = sample_data
    tax = _taxonomy(train)
    n = len(val.read_text().splitlines())
    with FakeOpenAI(default=_answer(tax[0])) as srv:
        srv.script = [("status", 429, {"Retry-After": "0"}), ("status", 429, {})]
        endpoint_env(srv)
        rc, out = _run(tmp_path, train, val,
                       tiny_overrides + FAST + ["fallback.min_confidence=1.01"])
        assert rc == 0
        assert len(srv.requests) == n + 2
    preds = json.loads(out.read_text())["predictions"]
    assert all(p["source"] == "fallback" for p in preds)
    assert all(p["predicted_intent"] == tax[0] for p in preds)
    assert preds[0]["prediction"] == f"LLM reply about {tax[0]}"


def test_second_identical_run_is_served_from_cache(tmp_path, sample_data, tiny_overrides,
                                                   endpoint_env):
    train, val = sample_data
    tax = _taxonomy(train)
    with FakeOpenAI(default=_answer(tax[1])) as srv:
        endpoint_env(srv)
        over = tiny_overrides + FAST + ["fallback.min_confidence=1.01"]
        assert _run(tmp_path, train, val, over, "a")[0] == 0
        first = len(srv.requests)
        assert _run(tmp_path, train, val, over, "b")[0] == 0
        assert len(srv.requests) == first  # zero HTTP calls the second time
    store = Store(tmp_path / "loracle.db")
    runs = store.runs()
    assert len(runs) == 2
    second = store.calls(runs[0]["id"])
    assert second and all(c["cache_hit"] == 1 for c in second)


def test_402_after_n_calls_rest_local_exit_0(tmp_path, sample_data, tiny_overrides,
                                             endpoint_env):
    train, val = sample_data
    tax = _taxonomy(train)
    n_rows = len(val.read_text().splitlines())
    N = 3
    with FakeOpenAI() as srv:
        srv.script = [_answer(tax[2])] * N + [("status", 402, {})]
        srv.default = _answer(tax[2])
        endpoint_env(srv)
        rc, out = _run(tmp_path, train, val,
                       tiny_overrides + FAST + ["fallback.min_confidence=1.01"])
        assert len(srv.requests) == N + 1
    assert rc == 0
    preds = json.loads(out.read_text())["predictions"]
    assert [p["source"] for p in preds] == ["fallback"] * N + ["local"] * (n_rows - N)


def test_answers_outside_taxonomy_or_unparseable_are_rejected(tmp_path, sample_data,
                                                              tiny_overrides, endpoint_env):
    train, val = sample_data
    with FakeOpenAI() as srv:
        srv.script = [("ok", '{"intent": "made.up", "reply": "x"}', 5, 5),
                      ("ok", "I think it's billing", 5, 5)]
        srv.default = ("status", 500, {})
        endpoint_env(srv)
        rc, out = _run(tmp_path, train, val, tiny_overrides + FAST + [
            "fallback.min_confidence=1.01", "fallback.max_retries=0",
            "fallback.breaker_threshold=2"])
    assert rc == 0
    preds = json.loads(out.read_text())["predictions"]
    assert all(p["source"] == "local" for p in preds)
    assert all(p["predicted_intent"] in _taxonomy(train) for p in preds)


def test_usd_totals_and_key_absent_everywhere(tmp_path, sample_data, tiny_overrides,
                                              endpoint_env, caplog, capsys):
    train, val = sample_data
    tax = _taxonomy(train)
    with FakeOpenAI(default=("ok", json.dumps({"intent": tax[0], "reply": "r"}), 1000, 100)) as srv:
        endpoint_env(srv)
        rc, out = _run(tmp_path, train, val, tiny_overrides + FAST + [
            "fallback.min_confidence=1.01"])
    assert rc == 0
    n = len(val.read_text().splitlines())
    store = Store(tmp_path / "loracle.db")
    run = store.runs()[0]
    cost = store.cost_by_role(run["id"])["ticket"]
    # gpt-4o-mini: $0.15 / $0.60 per 1M tokens (configs/pricing.yaml)
    assert cost["tokens_in"] == 1000 * n and cost["tokens_out"] == 100 * n
    assert cost["usd"] == pytest.approx(n * (1000 * 0.15 + 100 * 0.60) / 1e6)
    assert run["metrics"]["cost_usd"] == pytest.approx(cost["usd"])
    html = tmp_path / "report.html"
    assert loracle_main(["report", run["id"], "--out", str(html), "--db",
                         str(tmp_path / "loracle.db")]) == 0
    store.close()
    logs = caplog.text + capsys.readouterr().err
    assert KEY not in logs
    for f in tmp_path.rglob("*"):
        if f.is_file():
            assert KEY.encode() not in f.read_bytes(), f


def test_budget_flag_caps_spend(tmp_path, sample_data, tiny_overrides, endpoint_env):
    train, val = sample_data
    tax = _taxonomy(train)
    with FakeOpenAI(default=("ok", json.dumps({"intent": tax[0], "reply": "r"}),
                             1_000_000, 0)) as srv:  # $0.15 per call
        endpoint_env(srv)
        rc, out = _run(tmp_path, train, val, tiny_overrides + FAST + [
            "fallback.min_confidence=1.01"], extra=["--budget-usd", "0.3"])
        assert len(srv.requests) == 2
    assert rc == 0
    srcs = [p["source"] for p in json.loads(out.read_text())["predictions"]]
    assert srcs[:2] == ["fallback", "fallback"] and set(srcs[2:]) == {"local"}


def test_resume_reuses_finished_items(tmp_path, sample_data, tiny_overrides, monkeypatch):
    monkeypatch.delenv("LORACLE_DB", raising=False)
    train, val = sample_data
    over = tiny_overrides + ["reply.mode=retrieve"]
    assert _run(tmp_path, train, val, over, "r")[0] == 0
    db = Store(tmp_path / "loracle.db")
    run = db.runs()[0]
    items = db.items(run["id"])
    # Simulate a run killed after 4 items: status back to running, later items gone,
    # and one stored item marked so we can see it is reused, not recomputed.
    db.db.execute("UPDATE runs SET status='running' WHERE id=?", (run["id"],))
    db.db.execute("DELETE FROM items WHERE run_id=? AND idx>=4", (run["id"],))
    marked = dict(items[0]["output"], prediction="STORED-BEFORE-KILL")
    db.put_item(run["id"], items[0]["item_id"], 0, items[0]["input"], marked)
    db.close()
    rc, out = _run(tmp_path, train, val, over, "r", extra=["--resume"])
    assert rc == 0
    preds = json.loads(out.read_text())["predictions"]
    assert preds[0]["prediction"] == "STORED-BEFORE-KILL"
    assert len(preds) == len(val.read_text().splitlines())
    db = Store(tmp_path / "loracle.db")
    assert len(db.runs()) == 1 and db.runs()[0]["status"] == "done"
    assert len(db.items(run["id"])) == len(preds)


def test_runs_list_show_compare(tmp_path, sample_data, tiny_overrides, monkeypatch, capsys):
    monkeypatch.delenv("LORACLE_DB", raising=False)
    train, val = sample_data
    # val with labels so there is an accuracy metric to compare
    labels = {json.loads(l)["id"]: json.loads(l)["intent"] for l in
              (Path(__file__).resolve().parents[1] / "data/tickets/val_labels.jsonl")
              .read_text().splitlines()}
    rows = [dict(json.loads(l), intent=labels[json.loads(l)["id"]])
            for l in val.read_text().splitlines()]
    val.write_text("".join(json.dumps(r) + "\n" for r in rows))
    over = tiny_overrides + ["reply.mode=retrieve"]
    assert _run(tmp_path, train, val, over + ["seed=1"], "a")[0] == 0
    assert _run(tmp_path, train, val, over + ["seed=2"], "b")[0] == 0
    db = str(tmp_path / "loracle.db")
    capsys.readouterr()
    assert loracle_main(["runs", "list", "--db", db, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 2 and all(r["status"] == "done" for r in listed)
    b_id, a_id = listed[0]["id"], listed[1]["id"]
    assert loracle_main(["runs", "show", "2", "--db", db]) == 2  # ambiguous prefix
    assert "matches 2 runs" in capsys.readouterr().err
    assert loracle_main(["runs", "show", a_id, "--db", db, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["id"] == a_id and "intent_accuracy" in shown["metrics"]
    assert loracle_main(["runs", "compare", a_id, b_id, "--db", db, "--json"]) == 0
    cmp = json.loads(capsys.readouterr().out)
    assert cmp["config_diff"] == {"seed": [1, 2]}
    assert "intent_accuracy" in cmp["metric_deltas"]
    store = Store(db)
    ia = {i["item_id"]: i["output"] for i in store.items(a_id)}
    ib = {i["item_id"]: i["output"] for i in store.items(b_id)}
    expect = sorted(k for k in ia if any(ia[k][f] != ib[k][f] for f in
                                         ("predicted_intent", "prediction", "source")))
    assert sorted(c["id"] for c in cmp["changed_items"]) == expect
    assert loracle_main(["runs", "compare", a_id, b_id, "--db", db]) == 0
    assert "changed items" in capsys.readouterr().out


def test_cache_cli_and_schema_version(tmp_path, capsys):
    s = Store(tmp_path / "x.db")
    assert s.schema_version() == SCHEMA_VERSION
    s.cache_put("k1", "m", {"text": "a", "tokens_in": 1, "tokens_out": 1}, 1, 1)
    s.db.execute("UPDATE cache SET last_used = last_used - 90000")
    s.cache_put("k2", "m", {"text": "b", "tokens_in": 1, "tokens_out": 1}, 1, 1)
    s.close()
    db = str(tmp_path / "x.db")
    assert loracle_main(["cache", "stats", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"] == 2
    assert loracle_main(["cache", "prune", "--older-than", "1d", "--db", db]) == 0
    assert "removed=1" in capsys.readouterr().out
    assert loracle_main(["cache", "clear", "--db", db]) == 0
    assert "removed=1" in capsys.readouterr().out
    assert loracle_main(["cache", "prune", "--older-than", "soon", "--db", db]) == 2
