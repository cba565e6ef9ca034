"""`run.py --samples S --rubric R --output O [--judge DIR]` and `loracle judge fit`."""
from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..io import atomic_write_json, read_json_array, read_jsonl
from .checks import rationale
from .model import DEFAULT_FAMILIES, Featurizer, Judge, fit
from .rubric import load_rubric, overall

log = logging.getLogger("loracle")
ROOT = Path(__file__).resolve().parents[3]
SHIPPED_JUDGE = ROOT / "judges" / "release_notes"


def load_samples(path: str) -> list[dict]:
    data = read_json_array(path, "samples")
    seen = set()
    for i, s in enumerate(data):
        for f in ("id", "input_ticket", "model_output"):
            if not isinstance(s, dict) or not isinstance(s.get(f), str):
                raise InputError(f"sample {i}: missing or non-string field", path=path, field=f)
        if s["id"] in seen:
            raise InputError(f"sample {i}: duplicate id '{s['id']}'", path=path, field="id")
        seen.add(s["id"])
    return data


def load_judge(judge_dir: str | None) -> tuple[Judge, dict]:
    """A fitted judge dir (default: the shipped one) and the rubric stored with it."""
    jdir = Path(judge_dir) if judge_dir else SHIPPED_JUDGE
    rubric = load_rubric(jdir / "rubric.json" if (jdir / "rubric.json").is_file() else None)
    return Judge.load(jdir), rubric


def run_judge(samples_path: str, rubric_out: str, output: str, judge_dir: str | None) -> list:
    samples = load_samples(samples_path)
    judge, rubric = load_judge(judge_dir)
    atomic_write_json(rubric_out, rubric)  # the rubric actually used
    out = grade(judge, rubric, Featurizer.for_judge(judge), samples)
    atomic_write_json(output, out)
    return out


def grade(judge: Judge, rubric: dict, feats: Featurizer, samples: list[dict]) -> list[dict]:
    t0 = time.perf_counter()
    rows = [(s["input_ticket"], s["model_output"]) for s in samples]
    X, checks, toks = feats(rows, progress=len(rows) > 50)
    preds = judge.predict(X)
    per = (time.perf_counter() - t0) * 1000 / len(samples)
    out = []
    for i, s in enumerate(samples):
        scores = {k: int(v[i]) for k, v in preds.items()}
        out.append({"id": s["id"], "scores": scores,
                    "overall": overall(scores, rubric["weights"]),
                    "rationale": rationale(checks[i], scores, s["input_ticket"]),
                    "latency_ms": round(per, 2), "tokens_used": int(toks[i])})
    return out


def bias_report(samples_path: str, judge_dir: str | None, seed: int = 0) -> dict:
    """Mean shift of `overall` under each meaning-preserving perturbation, with a 95% CI."""
    from .perturb import PERTURBATIONS, perturb_all

    samples = load_samples(samples_path)
    judge, rubric = load_judge(judge_dir)
    feats = Featurizer.for_judge(judge)
    base = [r["overall"] for r in grade(judge, rubric, feats, samples)]
    variants = [perturb_all(s["model_output"], seed) for s in samples]
    rng = np.random.default_rng(seed)
    report = {}
    for name in PERTURBATIONS:
        pert = [dict(s, model_output=v[name]) for s, v in zip(samples, variants)]
        shifted = [r["overall"] for r in grade(judge, rubric, feats, pert)]
        d = np.array([b2 - b1 for b1, b2 in zip(base, shifted)], float)
        boots = [d[rng.integers(0, len(d), len(d))].mean() for _ in range(1000)]
        lo, hi = np.percentile(boots, [2.5, 97.5])
        report[name] = {"mean_shift": round(float(d.mean()), 4),
                        "ci95": [round(float(lo), 4), round(float(hi), 4)], "n": len(d)}
    return report


def fit_judge(data_path: str, rubric_path: str | None, out_dir: str, alpha: float = 1.0,
              encoder: str = "embedded:all-minilm-l6-v2", families: list[str] | None = None,
              lm: str = "embedded:smollm2-135m-instruct") -> dict:
    rubric = load_rubric(rubric_path)
    rows = read_jsonl(data_path)
    keys = [d["key"] for d in rubric["dimensions"]]
    scales = {d["key"]: (int(d["scale"][0]), int(d["scale"][-1])) for d in rubric["dimensions"]}
    pairs, targets, skipped = [], {k: [] for k in keys}, 0
    for line, r in rows:
        for f in ("input_ticket", "model_output", "scores"):
            if f not in r:
                raise InputError("missing required field", path=data_path, line=line, field=f)
        if not isinstance(r["scores"], dict):
            raise InputError("scores must be an object {dimension: number}", path=data_path,
                             line=line, field="scores")
        if r.get("status") == "unscored" or not any(
                r["scores"].get(k) is not None for k in keys):
            skipped += 1  # a teacher grade we could not parse is not a number to learn from
            continue
        pairs.append((r["input_ticket"], r["model_output"]))
        for k in keys:
            v = r["scores"].get(k)
            targets[k].append(np.nan if v is None else float(v))
    if not pairs:
        raise InputError("no scored rows to fit on", path=data_path, field="scores")
    families = list(families or DEFAULT_FAMILIES)
    X, _, _ = Featurizer(families, encoder, lm)(pairs, progress=True)
    judge = fit(X, {k: np.array(v) for k, v in targets.items()}, scales, alpha, encoder,
                families, lm)
    judge.save(out_dir)
    atomic_write_json(Path(out_dir) / "rubric.json", rubric)
    return {"rows": len(pairs), "skipped_unscored": skipped, "dimensions": keys,
            "families": families, "out": str(out_dir)}
