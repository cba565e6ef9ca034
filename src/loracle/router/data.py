"""Outcome data: JSONL rows {id, prompt, outcomes: {model_key: {quality 0..1, ...}}}."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..io import read_jsonl


@dataclass
class Outcome:
    id: str
    prompt: str
    quality: dict[str, float]  # model_key -> 0..1 (models without a grade are absent)


def load_outcomes(path: str, need_outcomes: bool = True) -> list[Outcome]:
    rows, seen = [], set()
    for line, r in read_jsonl(path):
        for f in ("id", "prompt"):
            if not isinstance(r.get(f), str) or not r[f].strip():
                raise InputError("missing or empty string", path=path, line=line, field=f)
        if r["id"] in seen:
            raise InputError(f"duplicate id '{r['id']}'", path=path, line=line, field="id")
        seen.add(r["id"])
        q = {}
        outs = r.get("outcomes")
        if outs is None and not need_outcomes:
            rows.append(Outcome(r["id"], r["prompt"], {}))
            continue
        if not isinstance(outs, dict) or not outs:
            raise InputError("expected a non-empty object {model_key: {quality}}", path=path,
                             line=line, field="outcomes")
        for k, o in outs.items():
            v = o.get("quality") if isinstance(o, dict) else None
            if v is None:
                continue  # ungraded (e.g. an unparseable judge grade): not a number to learn
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
                raise InputError(f"quality must be a number in [0, 1], got {v!r}", path=path,
                                 line=line, field=f"outcomes.{k}.quality")
            q[k] = float(v)
        rows.append(Outcome(r["id"], r["prompt"], q))
    if not rows:
        raise InputError("no rows", path=path)
    return rows
