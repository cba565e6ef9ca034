"""Routing metrics, exactly as RouteLLM defines them, plus a many-model cost curve.

Two models (strong/weak). A router gives each query a score (higher = more
reason to call the strong model). RouteLLM cuts the scores at their 0%, 10%,
..., 100% quantiles (`pd.qcut(scores, 10, retbins=True)`); at each cut a query
goes to the strong model when its score is >= the cut (> for the last cut, so
the sweep ends at 0% strong calls). Each cut gives a point (share of strong
calls, mean quality). Then, as in routellm/evals/evaluate.py:

- PGR(point) = (quality - weak) / (strong - weak): the share of the quality gap
  between always-weak and always-strong that the router recovers.
- APGR = (AUC - weak_AUC) / (strong_AUC - weak_AUC), every AUC taken with the
  trapezoid rule over the points sorted by strong-call share in [0, 1].
- CPT(x%) = the strong-call share at which the curve reaches PGR = x%, by linear
  interpolation (`np.interp(weak + x (strong - weak), quality, share)` over the
  points sorted by share, as RouteLLM does).

Many models: `quality_cost_curve` sweeps a price of quality λ and routes each
query to argmax(predicted quality - λ · cost); the points (mean cost, mean true
quality) trace the curve whose normalized area is reported.
"""
from __future__ import annotations

import numpy as np


def routellm_curve(scores, q_strong, q_weak, num_results: int = 10):
    """(strong-call shares in [0, 1], mean quality) at each quantile cut of `scores`."""
    s = np.asarray(scores, float)
    qs, qw = np.asarray(q_strong, float), np.asarray(q_weak, float)
    cuts = np.quantile(s, np.linspace(0, 1, num_results + 1))
    shares, perf = [], []
    for i, t in enumerate(cuts):
        sel = s >= t if i != len(cuts) - 1 else s > t
        shares.append(float(sel.mean()))
        perf.append(float(np.where(sel, qs, qw).mean()))
    return np.array(shares), np.array(perf)


def _sorted(shares, perf):
    order = np.argsort(shares, kind="stable")
    return np.asarray(shares, float)[order], np.asarray(perf, float)[order]


def pgr(quality: float, weak: float, strong: float) -> float:
    return (quality - weak) / (strong - weak)


def apgr(shares, perf, weak: float, strong: float) -> float:
    x, y = _sorted(shares, perf)
    auc = np.trapezoid(y, x)
    weak_auc = np.trapezoid(np.full_like(x, weak), x)
    strong_auc = np.trapezoid(np.full_like(x, strong), x)
    return float((auc - weak_auc) / (strong_auc - weak_auc))


def cpt(shares, perf, weak: float, strong: float, level: float) -> float:
    """Share of strong calls needed to recover `level` (e.g. 0.5) of the quality gap."""
    x, y = _sorted(shares, perf)
    return float(np.interp(level * (strong - weak) + weak, y, x))


def two_model_report(scores, q_strong, q_weak, num_results: int = 10) -> dict:
    weak, strong = float(np.mean(q_weak)), float(np.mean(q_strong))
    shares, perf = routellm_curve(scores, q_strong, q_weak, num_results)
    return {"apgr": round(apgr(shares, perf, weak, strong), 4),
            "cpt50": round(cpt(shares, perf, weak, strong, 0.5), 4),
            "cpt80": round(cpt(shares, perf, weak, strong, 0.8), 4),
            "weak_quality": round(weak, 4), "strong_quality": round(strong, 4),
            "curve": [[round(float(a), 4), round(float(b), 4)] for a, b in zip(shares, perf)]}


def quality_cost_curve(pred, true, costs, n_points: int = 41):
    """(mean cost, mean true quality) for routing rules argmax(pred - λ cost), λ swept
    log-uniformly from 'quality only' to 'cost only'; both ends are always included."""
    pred, true, costs = np.asarray(pred, float), np.asarray(true, float), np.asarray(costs, float)
    span = max(float(np.ptp(pred)), 1e-9) / max(float(np.ptp(costs)), 1e-12)
    lams = np.concatenate([[0.0], np.logspace(-4, 4, n_points) * span, [np.inf]])
    pts = []
    for lam in lams:
        util = np.broadcast_to(-costs, pred.shape) if np.isinf(lam) else pred - lam * costs
        choice = _argmax_cheapest(util, costs)  # ties go to the cheaper model
        pts.append((float(costs[choice].mean()), float(true[np.arange(len(true)), choice].mean())))
    pts = sorted(set(pts))
    return np.array([p[0] for p in pts]), np.array([p[1] for p in pts])


def _argmax_cheapest(util: np.ndarray, costs: np.ndarray) -> np.ndarray:
    best = util.max(axis=1, keepdims=True)
    tied = np.isclose(util, best, rtol=0, atol=1e-12)
    masked = np.where(tied, costs[None, :], np.inf)
    return masked.argmin(axis=1)


def curve_area(cost, quality, costs, true) -> float:
    """Area under the quality-cost curve with cost scaled to [cheapest model, priciest
    model] and quality to [cheapest model's, best single model's]; 1 = oracle-like."""
    true, costs = np.asarray(true, float), np.asarray(costs, float)
    lo_c, hi_c = costs.min(), costs.max()
    q_lo = true[:, costs.argmin()].mean()
    q_hi = true.mean(0).max()
    x = (np.asarray(cost) - lo_c) / max(hi_c - lo_c, 1e-12)
    y = (np.asarray(quality) - q_lo) / max(q_hi - q_lo, 1e-12)
    # extend flat to the right edge so every router is integrated over [0, 1]
    x, y = np.append(x, 1.0), np.append(y, y[-1])
    return float(np.trapezoid(y, x))


def cost_at_quality(cost, quality, target: float) -> float | None:
    """Lowest mean cost on the curve whose quality reaches `target` (None if never)."""
    ok = np.asarray(quality) >= target - 1e-12
    return float(np.asarray(cost)[ok].min()) if ok.any() else None
