"""Agreement and power statistics for judges (no model needed).

Cohen's kappa (unweighted and quadratic-weighted) on an integer scale,
Spearman and Kendall (tau-b) correlations, each over all items and averaged per
``group`` (the summary-level protocol of G-Eval), with percentile bootstrap 95%
intervals; Mann-Whitney U and a permutation test for "does the judge separate
these two groups", and the smallest n reaching p < alpha by resampling.
Seeded throughout: same inputs + seed => same numbers.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats as sst


def cohen_kappa(a, b, scale: tuple[int, int], weights: str | None = None) -> float:
    """Kappa between two raters on the integer scale [lo, hi] (values are rounded and clipped).

    ``weights``: None (unweighted) or "quadratic".
    """
    lo, hi = scale
    k = hi - lo + 1
    ia = np.clip(np.rint(np.asarray(a, float)), lo, hi).astype(int) - lo
    ib = np.clip(np.rint(np.asarray(b, float)), lo, hi).astype(int) - lo
    n = len(ia)
    if n == 0:
        return float("nan")
    obs = np.zeros((k, k))
    np.add.at(obs, (ia, ib), 1)
    obs /= n
    exp = np.outer(obs.sum(1), obs.sum(0))
    i, j = np.indices((k, k))
    w = (i != j).astype(float) if weights is None else ((i - j) / max(k - 1, 1)) ** 2
    denom = (w * exp).sum()
    if denom == 0:
        return 1.0 if (w * obs).sum() == 0 else 0.0
    return float(1 - (w * obs).sum() / denom)


def spearman(a, b) -> float:
    r = sst.spearmanr(a, b).statistic
    return float(r) if np.isfinite(r) else float("nan")


def kendall(a, b) -> float:
    r = sst.kendalltau(a, b).statistic  # tau-b: handles ties
    return float(r) if np.isfinite(r) else float("nan")


def _grouped(metric, a, b, groups) -> float:
    vals = []
    for g in dict.fromkeys(groups):
        idx = [i for i, x in enumerate(groups) if x == g]
        if len(idx) >= 2:
            v = metric(np.asarray(a)[idx], np.asarray(b)[idx])
            if np.isfinite(v):
                vals.append(v)
    return float(np.mean(vals)) if vals else float("nan")


@dataclass
class Estimate:
    value: float
    low: float
    high: float

    def as_dict(self) -> dict:
        return {"value": _r(self.value), "ci95": [_r(self.low), _r(self.high)]}


def _r(x: float):
    return None if x is None or not math.isfinite(x) else round(float(x), 4)


def bootstrap(metric, a, b, groups=None, n_boot: int = 1000, seed: int = 0) -> Estimate:
    """Percentile bootstrap; resamples whole groups when groups are given."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    rng = np.random.default_rng(seed)
    value = metric(a, b) if groups is None else _grouped(metric, a, b, groups)
    samples = []
    if groups is None:
        n = len(a)
        for _ in range(n_boot):
            idx = rng.integers(0, n, n)
            samples.append(metric(a[idx], b[idx]))
    else:
        uniq = list(dict.fromkeys(groups))
        members = {g: [i for i, x in enumerate(groups) if x == g] for g in uniq}
        for _ in range(n_boot):
            pick = rng.integers(0, len(uniq), len(uniq))
            vals = [metric(a[members[uniq[p]]], b[members[uniq[p]]]) for p in pick
                    if len(members[uniq[p]]) >= 2]
            vals = [v for v in vals if np.isfinite(v)]
            if vals:
                samples.append(float(np.mean(vals)))
    samples = [s for s in samples if np.isfinite(s)]
    if not samples:
        return Estimate(value, float("nan"), float("nan"))
    lo, hi = np.percentile(samples, [2.5, 97.5])
    return Estimate(value, float(lo), float(hi))


def agreement(pred, gold, scale: tuple[int, int], groups=None, n_boot: int = 1000,
              seed: int = 0) -> dict:
    """All agreement statistics for one dimension (pred/gold aligned, unscored removed)."""
    pairs = [(p, g, grp) for p, g, grp in zip(pred, gold, groups or [None] * len(pred))
             if p is not None and g is not None]
    if not pairs:
        return {"n": 0}
    p = [x[0] for x in pairs]
    g = [x[1] for x in pairs]
    grp = [x[2] for x in pairs] if groups else None
    out = {"n": len(pairs),
           "kappa": bootstrap(lambda x, y: cohen_kappa(x, y, scale), p, g, None, n_boot,
                              seed).as_dict(),
           "kappa_quadratic": bootstrap(lambda x, y: cohen_kappa(x, y, scale, "quadratic"),
                                        p, g, None, n_boot, seed).as_dict(),
           "spearman": bootstrap(spearman, p, g, None, n_boot, seed).as_dict(),
           "kendall": bootstrap(kendall, p, g, None, n_boot, seed).as_dict()}
    if grp is not None:
        out["spearman_per_group"] = bootstrap(spearman, p, g, grp, n_boot, seed).as_dict()
        out["kendall_per_group"] = bootstrap(kendall, p, g, grp, n_boot, seed).as_dict()
    return out


# ---------------------------------------------------------------- power

def mann_whitney_p(x, y) -> float:
    """Two-sided Mann-Whitney U p-value (x vs y)."""
    return float(sst.mannwhitneyu(x, y, alternative="two-sided").pvalue)


def permutation_p(x, y, n_perm: int = 5000, seed: int = 0) -> float:
    """Two-sided permutation test on the difference of means (add-one smoothed)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    rng = np.random.default_rng(seed)
    both = np.concatenate([x, y])
    obs = abs(x.mean() - y.mean())
    hits = 0
    for _ in range(n_perm):
        perm = rng.permutation(both)
        if abs(perm[:len(x)].mean() - perm[len(x):].mean()) >= obs - 1e-12:
            hits += 1
    return (hits + 1) / (n_perm + 1)


def smallest_n(x, y, alpha: float = 0.05, power: float = 0.8, n_max: int = 200,
               n_sim: int = 200, seed: int = 0) -> int | None:
    """Smallest per-group n at which resampled groups reach p < alpha (Mann-Whitney)
    in at least ``power`` of simulations; None if not reached by n_max."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    rng = np.random.default_rng(seed)
    for n in range(3, n_max + 1):
        wins = 0
        for _ in range(n_sim):
            xs, ys = rng.choice(x, n), rng.choice(y, n)
            if np.ptp(np.concatenate([xs, ys])) == 0:
                continue
            if mann_whitney_p(xs, ys) < alpha:
                wins += 1
        if wins / n_sim >= power:
            return n
    return None


def power_report(x, y, alpha: float = 0.05, seed: int = 0) -> dict:
    return {"n_a": len(x), "n_b": len(y), "mean_a": _r(float(np.mean(x))),
            "mean_b": _r(float(np.mean(y))), "mann_whitney_p": _r(mann_whitney_p(x, y)),
            "permutation_p": _r(permutation_p(x, y, seed=seed)),
            "smallest_n_per_group": smallest_n(x, y, alpha=alpha, seed=seed), "alpha": alpha}
