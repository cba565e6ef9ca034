"""Built-in enterprise tools over fictional fixtures (fixtures.json next to this file).

Each tool is a plain function taking keyword arguments and returning a JSON-serialisable
dict. A refusal (unknown account, bad date, calendar conflict) raises `ToolError`.
`query_metrics` is deliberately flaky: it raises `TimeoutError` on ~30% of calls, drawn
from a module RNG that `reset(seed)` re-seeds together with the ticket/meeting counters,
so a task replays identically. `delete_account` exists only so a catalog can list a
destructive tool that the agent's guard must refuse.
"""
from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import random
import re
from pathlib import Path
from typing import Any, Callable

FAIL_RATE = 0.30
FLAKY = {"query_metrics"}
PRIORITIES = ("low", "medium", "high", "urgent")
TEAMS = ("support", "billing", "engineering", "privacy", "ops", "success", "growth")
_METRIC_ALIASES = {"signup": "signups", "sign_ups": "signups", "new_users": "signups",
                   "active_user": "active_users", "dau": "active_users", "users": "active_users",
                   "churn": "churned", "churns": "churned", "revenue": "revenue_usd",
                   "tickets": "tickets_opened", "ticket_volume": "tickets_opened"}


_STOP = set("the and any are for with about from that this there what which our their your "
            "has have was were not all ticket tickets issue issues open closed".split())


class ToolError(Exception):
    """The tool ran and refused: bad or unknown input (unknown account, busy attendee...)."""


_DATA: dict | None = None
_RNG = random.Random(0)
_STATE: dict[str, Any] = {}


def _data() -> dict:
    global _DATA
    if _DATA is None:
        _DATA = json.loads(Path(__file__).with_name("fixtures.json").read_text("utf-8"))
    return _DATA


def reset(seed: int = 0) -> None:
    """Re-seed the flaky RNG and restart ticket/meeting ids (T-2001, M-3001) and state."""
    _RNG.seed(seed)
    _STATE.update(next_ticket=2001, next_meeting=3001, tickets=[], meetings=[], deleted=set())


reset(0)


def _tool(fn: Callable) -> Callable:
    """Turn bad argument names (a TypeError when binding) into a ToolError."""
    sig = inspect.signature(fn)

    @functools.wraps(fn)
    def call(**kwargs: Any) -> dict:
        try:
            sig.bind(**kwargs)
        except TypeError as e:
            raise ToolError(f"{fn.__name__}: {e}") from None
        return fn(**kwargs)
    return call


def _date(value: Any, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise ToolError(f"{what} must be an ISO date YYYY-MM-DD, got {value!r}") from None


def _minutes(hhmm: str) -> int:
    m = re.fullmatch(r"\s*([01]?\d|2[0-3]):([0-5]\d)\s*", str(hhmm))
    if not m:
        raise ToolError(f"time must be HH:MM (24h), got {hhmm!r}")
    return int(m.group(1)) * 60 + int(m.group(2))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _account(account_id: str) -> dict:
    aid = str(account_id).strip().lower()
    for a in _data()["accounts"]:
        if a["account_id"] == aid and aid not in _STATE["deleted"]:
            return a
    raise ToolError(f"unknown account_id {account_id!r}")


@_tool
def lookup_account(email: str) -> dict:
    e = str(email).strip().lower()
    for a in _data()["accounts"]:
        if a["email"] == e and a["account_id"] not in _STATE["deleted"]:
            return {k: a[k] for k in ("account_id", "name", "email", "company", "plan",
                                      "status", "region", "seats", "created")}
    raise ToolError(f"no account with email {email!r}")


@_tool
def fetch_invoice(account_id: str, month: str | None = None) -> dict:
    acc = _account(account_id)["account_id"]
    invs = sorted((i for i in _data()["invoices"] if i["account_id"] == acc),
                  key=lambda i: i["month"])
    if month:
        m = str(month).strip()[:7]
        pick = [i for i in invs if i["month"] == m]
        if not pick:
            raise ToolError(f"no invoice for {acc} in {m!r}; months: "
                            f"{', '.join(i['month'] for i in invs)}")
        inv = pick[0]
    else:
        inv = invs[-1]
    prev = [i for i in invs if i["month"] < inv["month"]]
    out = {k: inv[k] for k in ("invoice_id", "account_id", "month", "total_usd", "line_items")}
    out["previous"] = {"month": prev[-1]["month"], "total_usd": prev[-1]["total_usd"]} \
        if prev else None
    out["change_usd"] = inv["total_usd"] - prev[-1]["total_usd"] if prev else None
    return out


@_tool
def search_tickets(account_id: str | None = None, status: str | None = None,
                   query: str | None = None) -> dict:
    acc = _account(account_id)["account_id"] if account_id else None
    st = str(status).strip().lower() if status else None
    if st not in (None, "open", "closed", "any", "all"):
        raise ToolError(f"status must be open or closed, got {status!r}")
    words = [w for w in re.findall(r"[a-z0-9]+", str(query or "").lower())
             if len(w) >= 3 and w not in _STOP]
    hits = []
    for t in _data()["tickets"] + _STATE["tickets"]:
        if (acc and t.get("account_id") != acc) or (st in ("open", "closed")
                                                     and t["status"] != st):
            continue
        text = f"{t['subject']} {t.get('description', '')}".lower()
        score = sum(w.rstrip("s") in text for w in words)
        if words and not score:
            continue
        hits.append((-score, -PRIORITIES.index(t["priority"]), t["ticket_id"],
                     {k: t.get(k) for k in ("ticket_id", "subject", "priority", "account_id",
                                            "status", "created")}))
    tickets = [h[-1] for h in sorted(hits, key=lambda h: h[:3])]  # relevance, urgency, id
    return {"tickets": tickets, "count": len(tickets)}


@_tool
def create_ticket(title: str, description: str, priority: str | None = None,
                  team: str | None = None) -> dict:
    if not str(title).strip():
        raise ToolError("title must not be empty")
    pr, tm = str(priority or "medium").strip().lower(), str(team or "support").strip().lower()
    if pr not in PRIORITIES:
        raise ToolError(f"priority must be one of {', '.join(PRIORITIES)}, got {priority!r}")
    if tm not in TEAMS:
        raise ToolError(f"team must be one of {', '.join(TEAMS)}, got {team!r}")
    tid = f"T-{_STATE['next_ticket']}"
    _STATE["next_ticket"] += 1
    _STATE["tickets"].append({"ticket_id": tid, "account_id": None, "subject": str(title),
                              "description": str(description), "status": "open",
                              "priority": pr, "created": "2026-06-15", "team": tm})
    return {"ticket_id": tid, "status": "open", "team": tm, "priority": pr, "title": str(title)}


def _person(name: Any) -> str:
    key = str(name).strip().lower()
    for pid, p in _data()["calendar"]["people"].items():
        if key in (pid, p["full_name"].lower(), p["email"]) or key.split()[:1] == [pid]:
            return pid
    raise ToolError(f"unknown person {name!r}; known: "
                    f"{', '.join(sorted(_data()['calendar']['people']))}")


def _people(people: Any) -> list[str]:
    if isinstance(people, str):
        people = re.split(r",|\band\b|&", people)
    if not isinstance(people, list) or not [p for p in people if str(p).strip()]:
        raise ToolError("people must be a non-empty list of names")
    return list(dict.fromkeys(_person(p) for p in people if str(p).strip()))


def _busy(pid: str, day: str) -> list[tuple[int, int]]:
    spans = _data()["calendar"]["people"][pid]["busy"].get(day, [])
    out = [(_minutes(s.split("-")[0]), _minutes(s.split("-")[1])) for s in spans]
    return sorted(out + [(m["_s"], m["_e"]) for m in _STATE["meetings"]
                         if m["date"] == day and pid in m["people"]])


@_tool
def check_calendar(people: list, date: str) -> dict:
    day, pids = _date(date, "date").isoformat(), _people(people)
    lo, hi = (_minutes(t) for t in _data()["calendar"]["working_hours"])
    busy = {p: _busy(p, day) for p in pids}
    free = [f"{_hhmm(h)}-{_hhmm(h + 60)}" for h in range(lo, hi, 60)
            if all(e <= h or s >= h + 60 for b in busy.values() for s, e in b)]
    return {"date": day, "people": pids, "free_slots": free,
            "busy": {p: [f"{_hhmm(s)}-{_hhmm(e)}" for s, e in b] for p, b in busy.items()}}


@_tool
def schedule_meeting(people: list, date: str, start: str, duration_min: int,
                     title: str) -> dict:
    day, pids = _date(date, "date").isoformat(), _people(people)
    try:
        dur = int(duration_min)
    except (TypeError, ValueError):
        raise ToolError(f"duration_min must be an integer, got {duration_min!r}") from None
    s = _minutes(start)
    e = s + dur
    lo, hi = (_minutes(t) for t in _data()["calendar"]["working_hours"])
    if dur <= 0 or s < lo or e > hi:
        raise ToolError(f"meeting must fit within working hours {_hhmm(lo)}-{_hhmm(hi)}")
    clash = [f"{p} ({_hhmm(bs)}-{_hhmm(be)})" for p in pids for bs, be in _busy(p, day)
             if bs < e and s < be]
    if clash:
        raise ToolError(f"cannot schedule {_hhmm(s)}-{_hhmm(e)} on {day}: busy: "
                        f"{', '.join(clash)}")
    mid = f"M-{_STATE['next_meeting']}"
    _STATE["next_meeting"] += 1
    _STATE["meetings"].append({"date": day, "people": pids, "_s": s, "_e": e})
    return {"meeting_id": mid, "title": str(title), "date": day, "start": _hhmm(s),
            "end": _hhmm(e), "duration_min": dur, "people": pids, "status": "scheduled"}


@_tool
def query_metrics(metric: str, start_date: str, end_date: str) -> dict:
    if _RNG.random() < FAIL_RATE:
        raise TimeoutError("query_metrics: upstream timed out")
    key = re.sub(r"[\s\-]+", "_", str(metric).strip().lower())
    key = _METRIC_ALIASES.get(key, key)
    rows = _data()["metrics"]
    if key not in rows[0] or key == "date":
        raise ToolError(f"unknown metric {metric!r}; known: "
                        f"{', '.join(k for k in rows[0] if k != 'date')}")
    a, b = _date(start_date, "start_date"), _date(end_date, "end_date")
    if a > b:
        raise ToolError(f"start_date {a} is after end_date {b}")
    series = [{"date": r["date"], "value": r[key]} for r in rows
              if a.isoformat() <= r["date"] <= b.isoformat()]
    if not series:
        raise ToolError(f"no data between {a} and {b}; data covers "
                        f"{rows[0]['date']} to {rows[-1]['date']}")
    vals = [x["value"] for x in series]
    half = len(vals) // 2
    first, second = vals[:half], vals[len(vals) - half:]
    change = None
    if half and sum(first):
        change = round((sum(second) / half - sum(first) / half) / (sum(first) / half) * 100, 1)
    return {"metric": key, "start_date": a.isoformat(), "end_date": b.isoformat(),
            "total": sum(vals), "daily_avg": round(sum(vals) / len(vals), 2),
            "change_pct": change, "series": series}


@_tool
def get_campaign(name_or_id: str) -> dict:
    q = str(name_or_id).strip().lower()
    camps = _data()["campaigns"]
    hit = [c for c in camps if q in (c["campaign_id"], c["name"].lower())] or \
        [c for c in camps if q and q in c["name"].lower()]
    if len(hit) != 1:
        raise ToolError(f"{'ambiguous' if hit else 'unknown'} campaign {name_or_id!r}; "
                        f"known: {', '.join(c['name'] for c in camps)}")
    c, n = hit[0], hit[0]["sent"]
    rates = {r: round(c[k] / n, 4) if n else 0.0 for r, k in (
        ("open_rate", "opened"), ("click_rate", "clicked"), ("conversion_rate", "converted"))}
    # Headline numbers first: answer renderers may show only the first few keys.
    return {"campaign_id": c["campaign_id"], "name": c["name"], "subject_line": c["subject_line"],
            **rates, **{k: c[k] for k in ("sent", "opened", "clicked", "converted", "status",
                                          "channel", "audience", "start_date")}}


@_tool
def delete_account(account_id: str) -> dict:
    """Destructive and irreversible: listed so the agent's guard can refuse it."""
    acc = _account(account_id)["account_id"]
    _STATE["deleted"].add(acc)
    return {"deleted": True, "account_id": acc}


BUILTIN_TOOLS: dict[str, Callable[..., dict]] = {
    f.__name__: f for f in (lookup_account, fetch_invoice, search_tickets, create_ticket,
                            check_calendar, schedule_meeting, query_metrics, get_campaign,
                            delete_account)}
