"""Rubrics in the judge challenge's shape: name, dimensions (key, scale, description,
anchors), weights, grading_prompt."""
from __future__ import annotations

import json
from pathlib import Path

from ..errors import InputError
from ..io import repo_path

DEFAULT_RUBRIC = Path(__file__).resolve().parents[3] / "configs" / "rubric_release_notes.json"


def load_rubric(path: str | Path | None = None) -> dict:
    p = repo_path(path) if path else DEFAULT_RUBRIC
    try:
        r = json.loads(p.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise InputError(f"cannot read rubric ({e})", path=str(p)) from None
    dims = r.get("dimensions")
    if not isinstance(dims, list) or not dims:
        raise InputError("rubric needs a non-empty 'dimensions' list", path=str(p),
                         field="dimensions")
    for i, d in enumerate(dims):
        if not isinstance(d, dict) or "key" not in d or "scale" not in d:
            raise InputError(f"dimension {i} needs 'key' and 'scale'", path=str(p),
                             field="dimensions")
    w = r.get("weights") or {d["key"]: 1.0 for d in dims}
    unknown = set(w) - {d["key"] for d in dims}
    if unknown:
        raise InputError(f"weights name unknown dimensions {sorted(unknown)}", path=str(p),
                         field="weights")
    r["weights"] = w
    return r


def overall(scores: dict[str, float | None], weights: dict[str, float]) -> float | None:
    """Weighted mean over scored dimensions (unscored ones are left out, never 0)."""
    num = sum(weights.get(k, 0) * v for k, v in scores.items() if v is not None)
    den = sum(weights.get(k, 0) for k, v in scores.items() if v is not None)
    return round(num / den, 3) if den else None
