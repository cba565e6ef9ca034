"""Fitting the quality model: one linear head per model, its L2 strength chosen by
inner cross-validation, plus the kNN bank.

Why inner CV: the right regularization depends on how much outcome data a model has
and how predictable it is. On GSM8K (1,000+ fit prompts, the weak model fails on
multi-step problems) the weak model's head wants little regularization; on MT-Bench
(115 fit prompts, GPT-4 good on nearly all) the strong model's head is mostly noise
and is best shrunk to a near-constant. One fixed alpha cannot serve both. For each
model, `fit_quality` tries every alpha of `alpha_grid` on 5 inner folds of the fit
data (rows of one conversation kept together, seeded), keeps the one with the lowest
held-out log loss (squared error for ridge), and refits on all of it.
"""
from __future__ import annotations

import numpy as np

from .features import surface
from .learned import HEADS, QualityModel

INNER_FOLDS = 5


def fit_quality(E: np.ndarray, prompts: list[str], Q: np.ndarray, keys: list[str],
                head: str = "blend", alpha: float = 1.0, k: int = 50,
                alpha_grid: tuple[float, ...] | list[float] = (), groups=None,
                seed: int = 0) -> QualityModel:
    """alpha: L2 strength (ridge alpha; logistic C = 1/alpha), used when `alpha_grid` is
    empty or the data are too few for inner CV. groups: rows that must share an inner
    fold (the turns of one conversation); None = every row its own group."""
    if head not in HEADS:
        raise ValueError(f"unknown head '{head}'; choose from {HEADS}")
    S = surface(prompts)
    s_mean, s_std = S.mean(0), S.std(0)
    s_std[s_std == 0] = 1.0
    qm = QualityModel(keys, head, [float(alpha)] * len(keys), k, np.zeros(0), np.zeros(0),
                      s_mean, s_std, E.astype(np.float32), Q.astype(np.float32))
    X = qm.features(E, prompts).astype(np.float64)
    coef = np.zeros((len(keys), X.shape[1]))
    icpt = np.zeros(len(keys))
    inner = _inner_folds(len(prompts), groups, seed)
    for j in range(len(keys)):
        ok = ~np.isnan(Q[:, j])
        if ok.sum() == 0:
            raise ValueError(f"model '{keys[j]}' has no graded outcomes")
        if head == "knn":
            continue
        q = Q[ok, j]
        if head != "ridge" and len(set(q)) == 1:  # one outcome only: a constant model
            icpt[j] = np.log((q[0] + 1e-3) / (1 - q[0] + 1e-3))
            continue
        a = (_pick_alpha(X[ok], q, head, alpha_grid, inner[ok]) if alpha_grid else None) \
            or alpha
        qm.alphas[j] = float(a)
        coef[j], icpt[j] = _fit_linear(X[ok], q, head, a)
    qm.coef, qm.intercept = coef.astype(np.float32), icpt.astype(np.float32)
    return qm


def _fit_linear(X: np.ndarray, q: np.ndarray, head: str, alpha: float):
    from sklearn.linear_model import LogisticRegression, Ridge

    if head == "ridge":
        m = Ridge(alpha=alpha).fit(X, q)
        return m.coef_, float(m.intercept_)
    # soft labels: each prompt is a success with weight q and a failure with weight 1 - q
    Xd = np.vstack([X, X])
    yd = np.r_[np.ones(len(q)), np.zeros(len(q))]
    wd = np.r_[q, 1 - q] + 1e-6
    m = LogisticRegression(C=1.0 / alpha, max_iter=3000).fit(Xd, yd, sample_weight=wd)
    return np.ravel(m.coef_), float(np.ravel(m.intercept_)[0])


def group_folds(groups, k: int, seed: int) -> np.ndarray:
    """Seeded fold (0..k-1) per row; rows of one group share a fold."""
    g = list(groups)
    uniq = sorted(set(g), key=str)
    np.random.default_rng(seed).shuffle(uniq)
    fold = {u: i % k for i, u in enumerate(uniq)}
    return np.array([fold[u] for u in g])


def _inner_folds(n: int, groups, seed: int) -> np.ndarray:
    return group_folds(range(n) if groups is None else groups, INNER_FOLDS, seed)


def _pick_alpha(X, q, head, grid, inner) -> float | None:
    """The grid alpha with the lowest inner-CV loss (ties: the stronger L2); None when
    the data are too few to compare (an empty inner fold, or one outcome only)."""
    best, best_loss = None, np.inf
    for a in sorted(grid, reverse=True):
        losses = []
        for f in range(INNER_FOLDS):
            tr, va = inner != f, inner == f
            if va.sum() == 0 or (head != "ridge" and len(set(q[tr])) < 2):
                return None
            w, b = _fit_linear(X[tr], q[tr], head, a)
            z = X[va] @ w + b
            if head == "ridge":
                losses.append(np.mean((z - q[va]) ** 2))
            else:
                p = np.clip(1 / (1 + np.exp(-z)), 1e-6, 1 - 1e-6)
                losses.append(-np.mean(q[va] * np.log(p) + (1 - q[va]) * np.log(1 - p)))
        if np.mean(losses) < best_loss - 1e-12:
            best, best_loss = a, float(np.mean(losses))
    return float(best)
