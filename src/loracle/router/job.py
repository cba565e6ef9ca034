"""router fit / score / eval and the `run.py --queries Q --models M --output O` batch form."""
from __future__ import annotations

import dataclasses
import json
import logging
import time
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..io import atomic_write_json, atomic_write_text, repo_path, sha256_file
from .base import deployment_for, strongest
from .data import Outcome, load_outcomes
from .fit import fit_quality, group_folds
from .learned import LearnedRouter, PromptEncoder, calibrate_strong_cut
from .registry import Registry, load_registry

log = logging.getLogger("loracle")
ROOT = Path(__file__).resolve().parents[3]
SHIPPED_ROUTER = ROOT / "routers" / "routellm"


def _matrix(rows: list[Outcome], keys: list[str]) -> np.ndarray:
    return np.array([[r.quality.get(k, np.nan) for k in keys] for r in rows], dtype=np.float64)


def _check_keys(keys: list[str], registry: Registry, data: str, registry_path: str) -> None:
    missing = [k for k in keys if k not in registry.models]
    if missing:
        raise InputError(f"model '{missing[0]}' has outcomes but is not in the registry "
                         f"{registry_path}; add it there", path=data,
                         field=f"outcomes.{missing[0]}")


def groups_of(rows: list[Outcome]) -> list[str]:
    """Conversation of each row (id prefix before '_t'): its turns must share a fold."""
    return [r.id.rsplit("_t", 1)[0] if "_t" in r.id else r.id for r in rows]


def folds_of(rows: list[Outcome], k: int, seed: int) -> np.ndarray:
    """Seeded fold per row; rows of one conversation share a fold."""
    return group_folds(groups_of(rows), k, seed)


def out_of_fold(E: np.ndarray, prompts: list[str], Q: np.ndarray, keys: list[str], cfg,
                folds: np.ndarray, groups: list[str] | None = None):
    P = np.zeros_like(Q)
    pr = np.array(prompts, dtype=object)
    gr = np.array(groups if groups is not None else range(len(prompts)), dtype=object)
    for f in np.unique(folds):
        tr, te = folds != f, folds == f
        qm = _fit(E[tr], list(pr[tr]), Q[tr], keys, cfg, list(gr[tr]))
        P[te] = qm.predict(E[te], list(pr[te]))
    return P


def _fit(E, prompts, Q, keys, cfg, groups):
    return fit_quality(E, prompts, Q, keys, cfg.head, cfg.alpha, cfg.k, cfg.alpha_grid,
                       groups, cfg.seed)


def fit_router(data: str, out_dir: str, cfg) -> dict:
    rows = load_outcomes(data)
    registry = load_registry(repo_path(cfg.registry))
    keys = sorted({k for r in rows for k in r.quality})
    _check_keys(keys, registry, data, cfg.registry)
    t0 = time.perf_counter()
    enc = PromptEncoder(cfg.encoder, cfg.max_seq_len, cfg.encoder_layers)
    prompts = [r.prompt for r in rows]
    E = enc(prompts)
    Q = _matrix(rows, keys)
    groups = groups_of(rows)
    qm = _fit(E, prompts, Q, keys, cfg, groups)
    # The strong_share cut is calibrated on out-of-fold predictions: in-sample kNN
    # predictions see each prompt's own outcome and would put the cut too high.
    P = out_of_fold(E, prompts, Q, keys, cfg, folds_of(rows, 5, cfg.seed), groups) \
        if len(rows) >= 10 else qm.predict(E, prompts)
    cut = calibrate_strong_cut(P, keys, registry, cfg.rule.strong_share)
    router = LearnedRouter(registry, qm, enc, dataclasses.asdict(cfg.rule), cut,
                           cfg.rule.prefer_edge)
    router.save(out_dir, {"data_sha256": sha256_file(data), "rows": len(rows), "seed": cfg.seed,
                          "max_seq_len": cfg.max_seq_len,
                          "fit_prompt_hashes": sorted({_phash(p) for p in prompts})})
    return {"rows": len(rows), "models": keys, "head": cfg.head, "strong_cut": cut,
            "fit_s": round(time.perf_counter() - t0, 2), "out": str(out_dir)}


def _phash(prompt: str) -> str:
    """Short prompt fingerprint: lets `eval` tell held-out rows from fit rows."""
    import hashlib

    return hashlib.sha256(prompt.encode("utf-8")).hexdigest()[:16]


def load_router(router_dir: str | None, cfg, registry: Registry | None = None,
                rule_from_config: bool = False) -> LearnedRouter:
    registry = registry or load_registry(repo_path(cfg.registry))
    d = Path(router_dir) if router_dir else SHIPPED_ROUTER
    if not (d / "router.json").is_file():
        raise InputError("not a fitted router dir (no router.json); run `loracle router fit`",
                         path=str(d))
    rule = dataclasses.asdict(cfg.rule) if rule_from_config else None
    return LearnedRouter.load(d, registry, rule=rule)


def score_router(data: str, router_dir: str, output: str, cfg) -> dict:
    rows = load_outcomes(data, need_outcomes=False)
    router = load_router(router_dir, cfg)
    preds = router.predict([r.prompt for r in rows])
    lines = [json.dumps({"id": r.id, "predicted": {k: round(v, 6) for k, v in p.items()}})
             for r, p in zip(rows, preds)]
    atomic_write_text(output, "\n".join(lines) + "\n")
    return {"rows": len(rows), "output": output}


def eval_router(data: str, router_dir: str | None, cfg, report: str | None = None) -> dict:
    from .base import cheapest
    from .metrics import (cost_at_quality, curve_area, quality_cost_curve, two_model_report)

    rows = load_outcomes(data)
    router = load_router(router_dir, cfg)
    seen = set(router.meta.get("fit_prompt_hashes", []))
    overlap = sum(_phash(r.prompt) in seen for r in rows)
    in_sample = router.meta.get("data_sha256") == sha256_file(data) or overlap > 0
    if in_sample:
        log.warning("%d of %d eval prompts were in the router's fit data: these numbers are "
                    "in-sample, not held-out", overlap, len(rows))
    keys = [k for k in router.qm.keys if all(k in r.quality for r in rows)]
    if len(keys) < 2:
        raise InputError("need outcomes for at least two of the router's models on every row",
                         path=data, field="outcomes")
    specs = router.registry.subset(keys)
    P = np.array([[p[k] for k in keys] for p in router.predict([r.prompt for r in rows])])
    T = _matrix(rows, keys)
    out: dict = {"rows": len(rows), "models": keys, "in_sample": in_sample,
                 "rows_seen_in_fit": overlap}
    s, w = strongest(specs), cheapest(specs)
    si, wi = keys.index(s.key), keys.index(w.key)
    rng = np.random.default_rng(cfg.seed)
    out["strong"], out["weak"] = s.key, w.key
    out["router"] = two_model_report(P[:, si] - P[:, wi], T[:, si], T[:, wi])
    out["random"] = two_model_report(rng.random(len(rows)), T[:, si], T[:, wi])
    out["oracle"] = two_model_report(T[:, si] - T[:, wi] + 1e-9 * rng.random(len(rows)),
                                     T[:, si], T[:, wi])
    costs = np.array([m.cost_usd() for m in specs])
    c, q = quality_cost_curve(P, T, costs)
    target = 0.95 * T.mean(0).max()
    router_cost = cost_at_quality(c, q, target)
    single = [costs[j] for j in range(len(keys)) if T[:, j].mean() >= target]
    out["quality_cost"] = {
        "area": round(curve_area(c, q, costs, T), 4),
        "target_quality": round(float(target), 4),
        "router_cost_usd_per_query": router_cost,
        "cheapest_single_model_cost_usd": float(min(single)) if single else None,
        "cost_saved": None if router_cost is None or not single
        else round(1 - router_cost / float(min(single)), 4),
        "curve": [[float(a), round(float(b), 4)] for a, b in zip(c, q)]}
    for k in ("random", "oracle"):  # baselines: metrics only; the router keeps its curve
        out[k].pop("curve")
    if report:
        from .plot import curve_html

        atomic_write_text(report, curve_html(out))
        out["report"] = report
    return out


def load_queries(path: str) -> list[dict]:
    p = Path(path)
    if not p.is_file():
        raise InputError("file not found", path=path)
    text = p.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"malformed JSON: {e.msg}", path=path, line=e.lineno) from None
        items = list(enumerate(data, start=1))
        where = "item"
    else:
        from ..io import read_jsonl

        items = read_jsonl(path)
        where = "line"
    out, seen = [], set()
    for n, q in items:
        if not isinstance(q, dict):
            raise InputError(f"{where} {n}: expected an object", path=path)
        prompt = q.get("prompt", q.get("query"))
        if not isinstance(q.get("id"), (str, int)) or not isinstance(prompt, str) \
                or not prompt.strip():
            raise InputError(f"{where} {n}: needs 'id' and a non-empty 'prompt' (or 'query')",
                             path=path, line=n if where == "line" else None,
                             field="prompt" if "id" in q else "id")
        if str(q["id"]) in seen:
            raise InputError(f"{where} {n}: duplicate id '{q['id']}'", path=path, field="id")
        seen.add(str(q["id"]))
        out.append({"id": q["id"], "prompt": prompt,
                    "available_models": q.get("available_models")})
    if not out:
        raise InputError("no queries", path=path)
    return out


def run_queries(queries: str, models: str, output: str, router_dir: str | None, cfg) -> list:
    """One routing decision per query: {id, model_key, deployment, predicted_quality,
    est_cost_usd}. Models without outcome data are never predicted: they are chosen
    only as the strongest fallback."""
    qs = load_queries(queries)
    registry = load_registry(models)
    router = load_router(router_dir, cfg, registry, rule_from_config=True)
    preds = router.predict([q["prompt"] for q in qs])
    tok = router.encoder.tok
    out = []
    for q, pred in zip(qs, preds):
        avail = q["available_models"] or list(registry.models)
        unknown = [k for k in avail if k not in registry.models]
        if unknown:
            raise InputError(f"query {q['id']}: model '{unknown[0]}' is not in {models}",
                             path=queries, field="available_models")
        specs = registry.subset(avail)
        known = [m for m in specs if m.key in pred]
        spec = router.pick_from(pred, known) if known else strongest(specs)
        n_in = len(tok(q["prompt"])["input_ids"])
        out.append({"id": q["id"], "model_key": spec.key,
                    "deployment": deployment_for(spec, router.prefer_edge),
                    "predicted_quality": round(pred[spec.key], 4) if spec.key in pred else None,
                    "est_cost_usd": round(spec.cost_usd(n_in), 8)})
    atomic_write_json(output, out)
    return out
