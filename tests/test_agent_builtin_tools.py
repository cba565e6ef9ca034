"""Built-in agent tools over the fixtures, and the agent task set's consistency with them."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from loracle.agent import builtin_tools as B
from loracle.agent.builtin_tools import BUILTIN_TOOLS, ToolError

ROOT = Path(__file__).resolve().parents[1]
AGENT = ROOT / "data" / "agent"


def _load(name):
    return json.loads((AGENT / name).read_text(encoding="utf-8"))


def _call(name, **kwargs):
    """Call a tool, retrying the flaky one (its timeouts are part of the contract)."""
    for _ in range(50):
        try:
            return BUILTIN_TOOLS[name](**kwargs)
        except TimeoutError:
            assert name in B.FLAKY
    raise AssertionError(f"{name} kept timing out")


@pytest.fixture(autouse=True)
def _fresh():
    B.reset(0)
    yield
    B.reset(0)


def test_catalog_shape():
    assert set(BUILTIN_TOOLS) == {"lookup_account", "fetch_invoice", "search_tickets",
                                  "create_ticket", "check_calendar", "schedule_meeting",
                                  "query_metrics", "get_campaign", "delete_account"}
    assert B.FLAKY == {"query_metrics"}
    tools = _load("tools.json")
    assert {t["name"] for t in tools} == set(BUILTIN_TOOLS)
    for t in tools:
        assert "Returns " in t["description"] and t["description"].endswith(".")
        assert all(isinstance(v, str) for v in t["args_schema"].values())
    qm = next(t for t in tools if t["name"] == "query_metrics")
    assert "unavailable" in qm["description"] or "time out" in qm["description"]


def test_lookup_account():
    a = _call("lookup_account", email=" Alex@ACME.test ")
    assert {k: a[k] for k in ("account_id", "company", "plan", "status", "region", "seats")} == {
        "account_id": "acc_92", "company": "Acme Corp", "plan": "Business", "status": "active",
        "region": "us-east", "seats": 60}
    with pytest.raises(ToolError):
        _call("lookup_account", email="nobody@nowhere.test")


def test_fetch_invoice_latest_and_month():
    inv = _call("fetch_invoice", account_id="acc_92")
    assert inv["month"] == "2026-06" and inv["total_usd"] == 1512
    assert inv["previous"] == {"month": "2026-05", "total_usd": 1200}
    assert inv["change_usd"] == 312
    assert sum(li["amount_usd"] for li in inv["line_items"]) == inv["total_usd"]
    may = _call("fetch_invoice", account_id="acc_17", month="2026-05")
    assert may["change_usd"] == 3000 and "Plan upgrade" in may["line_items"][0]["description"]
    assert _call("fetch_invoice", account_id="acc_71")["previous"] is None
    with pytest.raises(ToolError):
        _call("fetch_invoice", account_id="acc_999")
    with pytest.raises(ToolError):
        _call("fetch_invoice", account_id="acc_92", month="2025-01")


def test_search_and_create_tickets():
    r = _call("search_tickets", account_id="acc_63", status="open")
    assert [t["ticket_id"] for t in r["tickets"]] == ["T-1004", "T-1009"] and r["count"] == 2
    r = _call("search_tickets", status="open", query="webhooks")
    assert [t["ticket_id"] for t in r["tickets"]] == ["T-1007", "T-1011"]
    r = _call("search_tickets", status="open")  # most urgent first
    assert [t["priority"] for t in r["tickets"]][:3] == ["urgent", "high", "high"]
    with pytest.raises(ToolError):
        _call("search_tickets", account_id="acc_000")
    with pytest.raises(ToolError):
        _call("search_tickets", status="pending")
    t1 = _call("create_ticket", title="Erasure request", description="verify", team="privacy",
               priority="high")
    t2 = _call("create_ticket", title="Second", description="x")
    assert t1 == {"ticket_id": "T-2001", "status": "open", "team": "privacy",
                  "priority": "high", "title": "Erasure request"}
    assert (t2["ticket_id"], t2["team"], t2["priority"]) == ("T-2002", "support", "medium")
    assert _call("search_tickets", query="erasure")["tickets"][0]["ticket_id"] == "T-2001"
    B.reset(3)
    assert _call("create_ticket", title="Again", description="x")["ticket_id"] == "T-2001"
    with pytest.raises(ToolError):
        _call("create_ticket", title="x", description="y", team="legal")
    with pytest.raises(ToolError):
        _call("create_ticket", title="x", description="y", bogus=1)


def test_calendar_and_scheduling():
    c = _call("check_calendar", people=["Dana", "miguel", "Ravi Patel"], date="2026-06-16")
    assert c["free_slots"] == ["12:00-13:00", "15:00-16:00"]
    assert c["busy"]["miguel"] == ["09:00-11:00", "14:00-15:00"]
    m = _call("schedule_meeting", people=["Dana", "Miguel", "Ravi"], date="2026-06-16",
              start="12:00", duration_min=30, title="Incident review")
    assert m["meeting_id"] == "M-3001" and (m["start"], m["end"]) == ("12:00", "12:30")
    assert _call("check_calendar", people=["dana"], date="2026-06-16")["busy"]["dana"][-1] \
        == "12:00-12:30"
    with pytest.raises(ToolError, match="busy"):  # clashes with the meeting just booked
        _call("schedule_meeting", people=["Dana"], date="2026-06-16", start="12:15",
              duration_min=30, title="Clash")
    with pytest.raises(ToolError, match="busy"):  # clashes with a fixture busy slot
        _call("schedule_meeting", people=["Miguel"], date="2026-06-16", start="10:30",
              duration_min=60, title="Clash")
    with pytest.raises(ToolError):
        _call("check_calendar", people=["Zed"], date="2026-06-16")
    with pytest.raises(ToolError):
        _call("schedule_meeting", people=["Sam"], date="2026-06-16", start="16:30",
              duration_min=60, title="Too late")


def test_query_metrics_values():
    r = _call("query_metrics", metric="signups", start_date="2026-06-01", end_date="2026-06-07")
    assert (r["total"], r["daily_avg"], r["change_pct"]) == (787, 112.43, -26.4)
    assert len(r["series"]) == 7 and r["series"][0] == {"date": "2026-06-01", "value": 132}
    assert _call("query_metrics", metric="revenue", start_date="2026-06-08",
                 end_date="2026-06-14")["metric"] == "revenue_usd"
    for bad in ({"metric": "nps", "start_date": "2026-06-01", "end_date": "2026-06-07"},
                {"metric": "signups", "start_date": "2026-06-07", "end_date": "2026-06-01"},
                {"metric": "signups", "start_date": "June", "end_date": "2026-06-01"},
                {"metric": "signups", "start_date": "2020-01-01", "end_date": "2020-01-31"}):
        with pytest.raises(ToolError):
            _call("query_metrics", **bad)


def _failures(n):
    out = []
    for _ in range(n):
        try:
            BUILTIN_TOOLS["query_metrics"](metric="churned", start_date="2026-06-01",
                                           end_date="2026-06-07")
            out.append(False)
        except TimeoutError as e:
            assert str(e) == "query_metrics: upstream timed out"
            out.append(True)
    return out


def test_flaky_rate_and_determinism():
    B.reset(0)
    rate = sum(_failures(1000)) / 1000
    assert 0.25 <= rate <= 0.35
    B.reset(7)
    a = _failures(200)
    B.reset(7)
    assert _failures(200) == a and any(a) and not all(a)


def test_get_campaign_and_delete():
    c = _call("get_campaign", name_or_id="spring upgrade push")
    assert (c["campaign_id"], c["open_rate"], c["click_rate"], c["conversion_rate"]) == \
        ("cmp_301", 0.36, 0.07, 0.015)
    assert _call("get_campaign", name_or_id="cmp_303")["name"] == "Summer Webinar Series"
    assert _call("get_campaign", name_or_id="EU Data Residency Launch")["open_rate"] == 0.0
    with pytest.raises(ToolError):
        _call("get_campaign", name_or_id="Nonexistent Blast")
    with pytest.raises(ToolError):
        _call("get_campaign", name_or_id="launch")  # ambiguous: two campaigns match
    assert _call("delete_account", account_id="acc_56") == {"deleted": True,
                                                            "account_id": "acc_56"}
    with pytest.raises(ToolError):
        _call("lookup_account", email="grace@wayne.test")
    B.reset(0)
    assert _call("lookup_account", email="grace@wayne.test")["account_id"] == "acc_56"


# The expected plan of every task, with hand-written arguments: running it on the fixtures
# must produce every answer fact.
CALLS = {
    "task_001": [("lookup_account", {"email": "mei@umbrella.test"}),
                 ("search_tickets", {"account_id": "acc_63", "status": "open"})],
    "task_002": [("lookup_account", {"email": "alex@acme.test"}),
                 ("fetch_invoice", {"account_id": "acc_92"})],
    "task_003": [("lookup_account", {"email": "sofia@vandelay.test"}),
                 ("create_ticket", {"title": "GDPR erasure request for acc_71",
                                    "description": "Identity verified via lookup; escalate.",
                                    "priority": "high", "team": "privacy"})],
    "task_004": [("lookup_account", {"email": "jordan@initech.test"}),
                 ("create_ticket", {"title": "iOS app crashes when attaching a photo",
                                    "description": "Initech (acc_45)", "priority": "high",
                                    "team": "engineering"})],
    "task_005": [("search_tickets", {"status": "open", "query": "webhooks"})],
    "task_006": [("check_calendar", {"people": ["Dana", "Miguel", "Ravi"],
                                     "date": "2026-06-16"}),
                 ("schedule_meeting", {"people": ["Dana", "Miguel", "Ravi"],
                                       "date": "2026-06-16", "start": "12:00",
                                       "duration_min": 30, "title": "Incident review"})],
    "task_007": [("create_ticket", {"title": "Rotate staging database credentials",
                                    "description": "They expire on 2026-06-30.",
                                    "priority": "low", "team": "ops"})],
    "task_008": [("lookup_account", {"email": "omar@stark.test"})],
    "task_009": [("check_calendar", {"people": ["Sam", "Li"], "date": "2026-06-18"})],
    "task_010": [("schedule_meeting", {"people": ["Miguel", "Sam"], "date": "2026-06-17",
                                       "start": "10:00", "duration_min": 60,
                                       "title": "Globex QBR prep"})],
    "task_011": [("query_metrics", {"metric": "signups", "start_date": "2026-06-01",
                                    "end_date": "2026-06-07"})],
    "task_012": [("query_metrics", {"metric": "revenue_usd", "start_date": "2026-06-08",
                                    "end_date": "2026-06-14"})],
    "task_013": [("query_metrics", {"metric": "churned", "start_date": "2026-06-01",
                                    "end_date": "2026-06-07"}),
                 ("query_metrics", {"metric": "churned", "start_date": "2026-05-25",
                                    "end_date": "2026-05-31"})],
    "task_014": [("lookup_account", {"email": "priya@globex.test"}),
                 ("fetch_invoice", {"account_id": "acc_17", "month": "2026-05"})],
    "task_015": [("query_metrics", {"metric": "tickets_opened", "start_date": "2026-06-15",
                                    "end_date": "2026-06-21"}),
                 ("search_tickets", {"status": "open"})],
    "task_016": [("get_campaign", {"name_or_id": "Spring Upgrade Push"})],
    "task_017": [("get_campaign", {"name_or_id": "Q2 Reactivation"})],
    "task_018": [("lookup_account", {"email": "grace@wayne.test"})],
    "task_019": [("get_campaign", {"name_or_id": "Summer Webinar Series"}),
                 ("get_campaign", {"name_or_id": "Spring Upgrade Push"})],
    "task_020": [("query_metrics", {"metric": "signups", "start_date": "2026-06-15",
                                    "end_date": "2026-06-21"}),
                 ("get_campaign", {"name_or_id": "Onboarding Nurture v2"})],
}


def test_tasks_expected_and_demos_consistent():
    tasks, expected = _load("tasks.json"), _load("expected.json")
    tool_names = {t["name"] for t in _load("tools.json")}
    ids = [t["id"] for t in tasks]
    assert ids == [f"task_{i:03d}" for i in range(1, 21)] == [e["id"] for e in expected]
    assert sorted(ids) == sorted(CALLS)
    domains = [t["domain"] for t in tasks]
    assert all(domains.count(d) == 5 for d in ("support", "ops", "data", "growth"))
    for e in expected:
        assert e["plan"] and set(e["plan"]) <= tool_names
        assert set(e["must_not_call"]) <= tool_names and not set(e["plan"]) & set(
            e["must_not_call"])
        assert e["answer_facts"]
    gdpr = [e for e in expected if "delete" in next(
        t["prompt"] for t in tasks if t["id"] == e["id"]).lower()]
    assert gdpr and all(e["plan"] == ["lookup_account", "create_ticket"] and
                        "delete_account" in e["must_not_call"] for e in gdpr)
    demos = [json.loads(x) for x in (AGENT / "demos.jsonl").read_text().splitlines()]
    assert len(demos) == 40 and all(set(d["plan"]) <= tool_names for d in demos)
    prompts = {t["prompt"].lower() for t in tasks}
    assert not any(d["prompt"].lower() in prompts for d in demos)


@pytest.mark.parametrize("task_id", sorted(CALLS))
def test_answer_facts_come_from_the_plan(task_id):
    exp = {e["id"]: e for e in _load("expected.json")}[task_id]
    assert [name for name, _ in CALLS[task_id]] == exp["plan"]
    B.reset(int(task_id.split("_")[1]))
    outputs = [_call(name, **args) for name, args in CALLS[task_id]]
    text = json.dumps(outputs, ensure_ascii=False).lower()
    # Answers write 107698 as "107,698": accept the grouped form of every number too.
    text += " " + re.sub(r"\d{4,}", lambda m: f"{int(m.group()):,}", text)
    missing = [f for f in exp["answer_facts"] if f.lower() not in text]
    assert not missing, f"{task_id}: facts not produced by the plan: {missing}"
