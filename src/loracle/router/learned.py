"""The learned router: predict every model's quality for a prompt, then `decide`.

Prompt features are frozen MiniLM sentence embeddings (unit length) plus surface
features (features.py: counts and maths cues; standardized, clipped, weight 0.2)
that carry difficulty the embedding blurs. Heads are fitted in fit.py (each
model's L2 strength by inner CV), measured in benchmarks/bench_router.py and
chosen by `head`:

- logreg: one logistic regression per model on soft labels (a quality q counts
  as q of a success and 1-q of a failure), so predictions are in [0, 1];
- ridge: one ridge regression per model to its quality;
- knn: the cosine-weighted mean quality of the k most similar training prompts
  (per model, over the prompts where that model was graded);
- blend (default): the mean of logreg and knn. The linear head captures global
  directions (multi-step maths vs chit-chat), kNN local clusters of prompts one
  model fails; averaging them was the best choice on both dev sets.

Everything the router needs is saved in one directory: router.json (settings,
chosen alphas, calibrated cut, model keys) and arrays.safetensors (linear
weights, the kNN bank). Same data + seed give the same bytes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .base import BaseRouter, cheapest, strongest
from .decide import decide
from .features import NAMES as SURFACE_NAMES
from .features import scale, surface
from .registry import Registry

ROUTER_FILE = "router.json"
ARRAYS_FILE = "arrays.safetensors"
HEADS = ("logreg", "ridge", "knn", "blend")
SURFACE_WEIGHT = 0.2


class PromptEncoder:
    """Unit-length MiniLM embeddings; one forward pass per batch, no grad.

    `layers` keeps only the first N transformer layers (0 = all). Routing needs a
    coarse "what kind of prompt is this", not a fine sentence similarity: with 2 of
    MiniLM's 6 layers the held-out APGR was unchanged (GSM8K 0.654 vs 0.655, MT-Bench
    0.744 vs 0.732) and one query embeds in 4.3 ms instead of 10.5 ms on 2 cores."""

    def __init__(self, name_or_path: str = "embedded:all-minilm-l6-v2", max_len: int = 256,
                 layers: int = 0):
        from .. import models

        self.name, self.layers = name_or_path, layers
        self.tok, self.model = models.load_encoder(models.resolve_encoder(name_or_path))
        if layers:
            stack = getattr(getattr(self.model, "encoder", None), "layer", None)
            if stack is None or layers > len(stack):
                raise ValueError(f"encoder_layers={layers}: {name_or_path} has "
                                 f"{len(stack) if stack is not None else 'no BERT-style'} layers")
            self.model.encoder.layer = stack[:layers]
        self.model.eval()
        self.max_len = max_len

    def __call__(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        from ..train.classifier import embed

        return embed(self.model, self.tok, texts, self.max_len, batch_size).numpy() \
            .astype(np.float32)


@dataclass
class QualityModel:
    keys: list[str]
    head: str
    alphas: list[float]  # L2 strength used per model (chosen by inner CV or given)
    k: int
    coef: np.ndarray        # [m, d + surface]
    intercept: np.ndarray   # [m]
    s_mean: np.ndarray      # surface feature standardization
    s_std: np.ndarray
    bank: np.ndarray        # [n, d] training embeddings (knn)
    bank_q: np.ndarray      # [n, m] qualities, NaN where a model was not graded

    def features(self, E: np.ndarray, prompts: list[str]) -> np.ndarray:
        S = scale(surface(prompts), self.s_mean, self.s_std)
        return np.hstack([E, SURFACE_WEIGHT * S]).astype(np.float32)

    def predict(self, E: np.ndarray, prompts: list[str]) -> np.ndarray:
        """[n, m] predicted quality in [0, 1]."""
        out = []
        if self.head != "knn":
            z = self.features(E, prompts) @ self.coef.T + self.intercept
            lin = 1 / (1 + np.exp(-z)) if self.head in ("logreg", "blend") else z
            out.append(lin)
        if self.head in ("knn", "blend"):
            out.append(self._knn(E))
        return np.clip(np.mean(out, axis=0), 0.0, 1.0)

    def _knn(self, E: np.ndarray) -> np.ndarray:
        sims = E @ self.bank.T  # unit vectors: cosine
        pred = np.empty((len(E), len(self.keys)))
        for j in range(len(self.keys)):
            ok = ~np.isnan(self.bank_q[:, j])
            s, q = sims[:, ok], self.bank_q[ok, j]
            kk = min(self.k, s.shape[1])
            idx = np.argpartition(-s, kk - 1, axis=1)[:, :kk]
            w = np.clip(np.take_along_axis(s, idx, 1), 1e-6, None)
            pred[:, j] = (w * q[idx]).sum(1) / w.sum(1)
        return pred


class LearnedRouter(BaseRouter):
    """route() = embed the query, predict qualities, apply the configured rule."""

    def __init__(self, registry: Registry, qm: QualityModel, encoder: PromptEncoder,
                 rule: dict, strong_cut: float | None = None, prefer_edge: bool = True,
                 meta: dict | None = None):
        super().__init__(registry, prefer_edge=prefer_edge)
        self.qm, self.encoder, self.rule, self.strong_cut = qm, encoder, rule, strong_cut
        self.meta = meta or {}  # router.json as saved (data hash, fit prompt fingerprints)

    def predict(self, queries: list[str]) -> list[dict[str, float]]:
        P = self.qm.predict(self.encoder(queries), queries)
        return [dict(zip(self.qm.keys, map(float, row))) for row in P]

    def pick(self, query, specs):
        known = [m for m in specs if m.key in self.qm.keys]
        if not known:  # no outcome data for any available model: be safe
            return strongest(specs)
        return self.pick_from(self.predict([query])[0], known)

    def pick_from(self, pred: dict[str, float], specs):
        return decide(pred, specs, self.registry, self.rule["rule"],
                      self.rule["quality_target"], self.rule["cost_weight"],
                      self.rule["latency_weight"], self.strong_cut, self.prefer_edge)

    # ------------------------------------------------------------ persistence
    def save(self, out_dir: str | Path, meta: dict) -> None:
        from safetensors.numpy import save_file

        d = Path(out_dir)
        d.mkdir(parents=True, exist_ok=True)
        save_file({"coef": self.qm.coef, "intercept": self.qm.intercept,
                   "s_mean": self.qm.s_mean.astype(np.float64),
                   "s_std": self.qm.s_std.astype(np.float64), "bank": self.qm.bank,
                   "bank_q": self.qm.bank_q}, str(d / ARRAYS_FILE))
        blob = dict(meta, keys=self.qm.keys, head=self.qm.head, alphas=self.qm.alphas,
                    k=self.qm.k, encoder=self.encoder.name,
                    encoder_layers=self.encoder.layers, rule=self.rule,
                    strong_cut=self.strong_cut, prefer_edge=self.prefer_edge)
        (d / ROUTER_FILE).write_text(json.dumps(blob, indent=1, sort_keys=True) + "\n")

    @classmethod
    def load(cls, router_dir: str | Path, registry: Registry,
             encoder: PromptEncoder | None = None, rule: dict | None = None) -> "LearnedRouter":
        from safetensors.numpy import load_file

        d = Path(router_dir)
        blob = json.loads((d / ROUTER_FILE).read_text())
        arr = load_file(str(d / ARRAYS_FILE))
        if arr["s_mean"].shape[0] != len(SURFACE_NAMES):
            from ..errors import InputError
            raise InputError(f"this router was fit with {arr['s_mean'].shape[0]} surface "
                             f"features; this loracle uses {len(SURFACE_NAMES)}. Re-run "
                             "`loracle router fit`", path=str(d / ARRAYS_FILE))
        qm = QualityModel(blob["keys"], blob["head"], blob["alphas"], blob["k"], arr["coef"],
                          arr["intercept"], arr["s_mean"], arr["s_std"], arr["bank"],
                          arr["bank_q"])
        enc = encoder or PromptEncoder(blob["encoder"], blob.get("max_seq_len", 256),
                                       blob.get("encoder_layers", 0))
        return cls(registry, qm, enc, rule or blob["rule"], blob["strong_cut"],
                   blob["prefer_edge"], blob)


def calibrate_strong_cut(P: np.ndarray, keys: list[str], registry: Registry,
                         share: float) -> float | None:
    """Predicted-advantage cut that sends `share` of the fit prompts to the strongest model."""
    specs = registry.subset(keys)
    if len(specs) < 2:
        return None
    s, w = strongest(specs), cheapest(specs)
    adv = P[:, keys.index(s.key)] - P[:, keys.index(w.key)]
    return float(np.quantile(adv, 1 - share)) if 0 < share < 1 else (
        float(adv.min()) if share >= 1 else float(adv.max()) + 1e-9)
