"""Views over the run store for `loracle runs` (data first; text rendering separate)."""
from __future__ import annotations

import time

from .errors import LoracleError


def _get(store, run_id: str) -> dict:
    r = store.run(run_id)
    if r is None:
        raise LoracleError(f"no run '{run_id}' in {store.path}")
    return r


def list_runs(store) -> list[dict]:
    out = []
    for r in store.runs():
        m = r.get("metrics") or {}
        out.append({"id": r["id"], "job": r["job"], "status": r["status"], "seed": r["seed"],
                    "created": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["created_at"])),
                    "rows": m.get("rows"), "intent_accuracy": m.get("intent_accuracy"),
                    "cost_usd": sum(v["usd"] for v in store.cost_by_role(r["id"]).values())})
    return out


def show_run(store, run_id: str) -> dict:
    r = _get(store, run_id)
    calls = store.calls(r["id"])
    return {"id": r["id"], "job": r["job"], "status": r["status"], "seed": r["seed"],
            "config_hash": r["config_hash"], "inputs": r["inputs"], "metrics": r["metrics"],
            "timings": r["timings"], "note": r["note"], "cost_by_role": store.cost_by_role(r["id"]),
            "calls": {"total": len(calls), "cache_hits": sum(c["cache_hit"] for c in calls),
                      "errors": sum(1 for c in calls if c["error"])},
            "items": len(store.items(r["id"])), "config": r["config"]}


def compare_runs(store, a_id: str, b_id: str) -> dict:
    a, b = _get(store, a_id), _get(store, b_id)
    ma, mb = a.get("metrics") or {}, b.get("metrics") or {}
    deltas = {}
    for k in sorted(set(ma) | set(mb)):
        va, vb = ma.get(k), mb.get(k)
        if isinstance(va, (int, float)) and isinstance(vb, (int, float)) \
                and not isinstance(va, bool):
            deltas[k] = {"a": va, "b": vb, "delta": round(vb - va, 6)}
    ia = {i["item_id"]: i["output"] for i in store.items(a["id"])}
    ib = {i["item_id"]: i["output"] for i in store.items(b["id"])}
    changed = []
    for item_id in [k for k in ia if k in ib]:
        pa, pb = ia[item_id], ib[item_id]
        fields = [f for f in ("predicted_intent", "prediction", "source") if pa.get(f) != pb.get(f)]
        if fields:
            changed.append({"id": item_id, "fields": fields,
                            "a": {f: pa.get(f) for f in fields},
                            "b": {f: pb.get(f) for f in fields}})
    cfg_diff = _dict_diff(a.get("config") or {}, b.get("config") or {})
    return {"a": a["id"], "b": b["id"], "config_diff": cfg_diff, "metric_deltas": deltas,
            "changed_items": changed, "only_in_a": sorted(set(ia) - set(ib)),
            "only_in_b": sorted(set(ib) - set(ia))}


def _dict_diff(a: dict, b: dict, prefix: str = "") -> dict:
    out = {}
    for k in sorted(set(a) | set(b)):
        va, vb = a.get(k), b.get(k)
        if isinstance(va, dict) and isinstance(vb, dict):
            out.update(_dict_diff(va, vb, f"{prefix}{k}."))
        elif va != vb:
            out[f"{prefix}{k}"] = [va, vb]
    return out


def _short(v, n: int = 60) -> str:
    s = str(v).replace("\n", " ")
    return s if len(s) <= n else s[: n - 1] + "…"


def render_text(cmd: str, data) -> str:
    if cmd == "list":
        if not data:
            return "no runs"
        lines = [f"{'id':24} {'job':8} {'status':10} {'seed':>5} {'rows':>6} {'acc':>7} {'usd':>9}"]
        for r in data:
            acc = f"{r['intent_accuracy'] * 100:.2f}" if r["intent_accuracy"] is not None else "-"
            lines.append(f"{r['id']:24} {r['job']:8} {r['status']:10} {r['seed']:>5} "
                         f"{r['rows'] if r['rows'] is not None else '-':>6} {acc:>7} "
                         f"{r['cost_usd']:>9.5f}")
        return "\n".join(lines)
    if cmd == "show":
        lines = [f"run {data['id']} ({data['job']}, {data['status']}, seed {data['seed']})",
                 f"config_hash {data['config_hash']}", f"items {data['items']}"]
        for k, v in (data["metrics"] or {}).items():
            lines.append(f"  metric {k}: {v}")
        for k, v in (data["timings"] or {}).items():
            lines.append(f"  timing {k}: {v}")
        for role, c in data["cost_by_role"].items():
            lines.append(f"  cost {role}: {c['calls']} calls ({c['cache_hits']} cached), "
                         f"{c['tokens_in']} in / {c['tokens_out']} out tokens, ${c['usd']:.6f}")
        if data["note"]:
            lines.append(f"  note: {data['note']}")
        return "\n".join(lines)
    lines = [f"compare {data['a']} -> {data['b']}"]
    for k, v in data["config_diff"].items():
        lines.append(f"  config {k}: {v[0]!r} -> {v[1]!r}")
    for k, d in data["metric_deltas"].items():
        lines.append(f"  {k}: {d['a']} -> {d['b']} ({d['delta']:+g})")
    lines.append(f"  changed items: {len(data['changed_items'])}")
    for c in data["changed_items"]:
        for f in c["fields"]:
            lines.append(f"    {c['id']} {f}: {_short(c['a'][f])!r} -> {_short(c['b'][f])!r}")
    return "\n".join(lines)
