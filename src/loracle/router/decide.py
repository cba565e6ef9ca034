"""The decision rule: predicted qualities -> one model, with semantics a user can state.

Three rules (config `rule.rule`):

- quality_target: the cheapest model whose predicted quality reaches
  `quality_target` (0..1). If no model is predicted to reach it, the strongest
  available model (highest tier, then price): when in doubt, pay for quality.
- cost_weight: maximize  predicted quality - cost_weight * cost / priciest cost
  - latency_weight * latency / slowest latency.  `cost_weight` reads as "how much
  quality (0..1) is paying the priciest model's price worth giving up".
- strong_share: send about `strong_share` of traffic (e.g. 0.3 = 30%) to the
  strongest model: the queries where its predicted advantage over the cheapest
  model is largest. The cut is calibrated on the fit data (the share's quantile
  of predicted advantages), as RouteLLM calibrates its threshold, and stored with
  the router, so the share holds on traffic that looks like the fit data.

Deployment: an edge-capable (SMALL) model runs on the edge when `prefer_edge`;
every other model runs in the cloud. Ties go to the cheaper model.
"""
from __future__ import annotations

from .base import cheapest, strongest
from .registry import ModelSpec, Registry

RULES = ("quality_target", "cost_weight", "strong_share")


def decide(pred: dict[str, float], specs: list[ModelSpec], registry: Registry, rule: str,
           quality_target: float = 0.8, cost_weight: float = 0.1, latency_weight: float = 0.0,
           strong_cut: float | None = None, prefer_edge: bool = True) -> ModelSpec:
    specs = [m for m in specs if m.key in pred] or specs
    if rule == "quality_target":
        ok = [m for m in specs if pred.get(m.key, -1.0) >= quality_target]
        return cheapest(ok) if ok else strongest(specs)
    if rule == "cost_weight":
        top_cost = max(m.cost_usd() for m in specs) or 1.0
        dep = lambda m: "edge" if (m.edge and prefer_edge) else "cloud"  # noqa: E731
        top_lat = max(registry.latency_ms(m.key, dep(m)) for m in specs) or 1.0

        def util(m: ModelSpec) -> tuple:
            u = (pred[m.key] - cost_weight * m.cost_usd() / top_cost
                 - latency_weight * registry.latency_ms(m.key, dep(m)) / top_lat)
            return (round(u, 12), -m.cost_usd())
        return max(specs, key=util)
    if rule == "strong_share":
        if strong_cut is None:
            raise ValueError("rule strong_share needs a calibrated cut (fit the router first)")
        strong, weak = strongest(specs), cheapest(specs)
        return strong if pred[strong.key] - pred[weak.key] >= strong_cut else weak
    raise ValueError(f"unknown rule '{rule}'; choose from {RULES}")
