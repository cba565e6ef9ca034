"""Small gradient-boosted tree ensembles (sklearn's HistGradientBoosting) stored as plain JSON,
so shipped models need no pickle and load without sklearn. Used by the multi-call gate
(bfcl_gate) and the value-span prior (bfcl_spans)."""
from __future__ import annotations

from typing import Any

import numpy as np


def fit_trees(X: np.ndarray, y: np.ndarray, features: list[str], seed: int = 0,
              max_iter: int = 200, balanced: bool = True) -> dict:
    """A binary classifier as {"features", "baseline", "trees"} (one tree per round)."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    h = HistGradientBoostingClassifier(max_iter=max_iter, learning_rate=0.05,
                                       class_weight="balanced" if balanced else None,
                                       random_state=seed, early_stopping=False).fit(X, y)
    trees = []
    for (pred,) in h._predictors:  # binary: one tree per boosting round
        n = pred.nodes
        trees.append({"feature": n["feature_idx"].tolist(),
                      "threshold": n["num_threshold"].tolist(),
                      "left": n["left"].tolist(), "right": n["right"].tolist(),
                      "leaf": n["is_leaf"].astype(int).tolist(),
                      "value": n["value"].tolist()})
    return {"features": list(features),
            "baseline": float(np.ravel(h._baseline_prediction)[0]), "trees": trees}


def tree_score(model: dict[str, Any], x: list[float]) -> float:
    """The ensemble's log-odds for one feature vector."""
    z = model["baseline"]
    for t in model["trees"]:
        i = 0
        while not t["leaf"][i]:
            i = t["left"][i] if x[t["feature"][i]] <= t["threshold"][i] else t["right"][i]
        z += t["value"][i]
    return z

