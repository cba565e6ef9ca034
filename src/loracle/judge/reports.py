"""File-level entry points for `loracle judge agreement | power`."""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..io import read_jsonl
from .stats import agreement, power_report


def _load_any(path: str) -> list[tuple[int, dict]]:
    """A JSON array (results.json) or JSONL (graded rows), with line numbers for errors."""
    p = Path(path)
    if not p.is_file():
        raise InputError("file not found", path=path)
    text = p.read_text(encoding="utf-8", errors="strict")
    if text.lstrip().startswith("["):
        try:
            arr = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"malformed JSON: {e.msg}", path=path, line=e.lineno) from None
        return [(i + 1, r) for i, r in enumerate(arr)]
    return read_jsonl(path)


def _scores(rows, path: str) -> dict[str, dict]:
    out = {}
    for line, r in rows:
        if "id" not in r:
            raise InputError("missing required field", path=path, line=line, field="id")
        sc = dict(r.get("scores") or {})
        if "overall" in r:
            sc["overall"] = r["overall"]
        out[str(r["id"])] = {"scores": sc, "group": r.get("group")}
    return out


def _scale(rubric: str | None, dim: str, values: list[float]) -> tuple[int, int]:
    if rubric:
        data = json.loads(Path(rubric).read_text())
        for d in data.get("dimensions", []):
            if d.get("key") == dim and d.get("scale"):
                return int(d["scale"][0]), int(d["scale"][-1])
    return int(min(values) // 1), int(-(-max(values) // 1))  # floor, ceil of the gold range


def agreement_report(pred_path: str, gold_path: str, rubric: str | None = None,
                     n_boot: int = 1000, seed: int = 0) -> dict:
    pred = _scores(_load_any(pred_path), pred_path)
    gold = _scores(_load_any(gold_path), gold_path)
    ids = [i for i in gold if i in pred]
    if not ids:
        raise InputError("no ids in common with the predictions", path=gold_path, field="id")
    dims = sorted({d for i in ids for d in gold[i]["scores"]})
    groups = [gold[i]["group"] for i in ids]
    use_groups = all(g is not None for g in groups)
    out = {"n_common": len(ids), "missing_in_pred": len([i for i in gold if i not in pred]),
           "dimensions": {}}
    for d in dims:
        g = [gold[i]["scores"].get(d) for i in ids]
        p = [pred[i]["scores"].get(d) for i in ids]  # None = unscored: dropped, never 0
        vals = [x for x in g if x is not None]
        if not vals:
            continue
        out["dimensions"][d] = {"scale": list(_scale(rubric, d, vals)),
                                "unscored": sum(x is None for x in p),
                                **agreement(p, g, _scale(rubric, d, vals),
                                            groups if use_groups else None, n_boot, seed)}
    return out


def power_from_files(pred_path: str, groups_path: str, field: str = "overall",
                     alpha: float = 0.05, seed: int = 0) -> dict:
    pred = _scores(_load_any(pred_path), pred_path)
    labels = {}
    for line, r in _load_any(groups_path):
        if "id" not in r or "group" not in r:
            raise InputError("rows need id and group", path=groups_path, line=line)
        labels[str(r["id"])] = str(r["group"])
    names = sorted(set(labels.values()))
    if len(names) != 2:
        raise InputError(f"need exactly two groups, got {names}", path=groups_path,
                         field="group")
    xs = {n: [pred[i]["scores"][field] for i, g in labels.items()
              if g == n and i in pred and pred[i]["scores"].get(field) is not None]
          for n in names}
    rep = power_report(xs[names[0]], xs[names[1]], alpha=alpha, seed=seed)
    return {"field": field, "group_a": names[0], "group_b": names[1], **rep}
