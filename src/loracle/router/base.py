"""Routers: `route(query, available_models) -> (model_key, deployment)`.

Baselines for comparison and tests: seeded random, static, cheapest, strongest
and an oracle that reads the true outcomes (evaluation only). The learned
router (learned.py) predicts each model's quality and applies `decide`.
"""
from __future__ import annotations

import random
from abc import ABC, abstractmethod

import numpy as np

from .registry import ModelSpec, Registry

EDGE, CLOUD = "edge", "cloud"


def deployment_for(spec: ModelSpec, prefer_edge: bool) -> str:
    return EDGE if (spec.edge and prefer_edge) else CLOUD


def strongest(specs: list[ModelSpec]) -> ModelSpec:
    """Highest tier; within a tier, the pricier model (price tracks capability there)."""
    return max(specs, key=lambda m: (m.rank, m.cost_usd(), m.key))


def cheapest(specs: list[ModelSpec]) -> ModelSpec:
    return min(specs, key=lambda m: (m.cost_usd(), m.rank, m.key))


class BaseRouter(ABC):
    def __init__(self, registry: Registry, prefer_edge: bool = True):
        self.registry = registry
        self.prefer_edge = prefer_edge

    def _available(self, available_models) -> list[ModelSpec]:
        keys = list(available_models) if available_models else list(self.registry.models)
        specs = self.registry.subset(keys)
        if not specs:
            raise ValueError(f"none of the available models {keys} is in the registry")
        return specs

    @abstractmethod
    def pick(self, query: str, specs: list[ModelSpec]) -> ModelSpec: ...

    def route(self, query: str, available_models=None) -> tuple[str, str]:
        spec = self.pick(query, self._available(available_models))
        return spec.key, deployment_for(spec, self.prefer_edge)


class RandomRouter(BaseRouter):
    def __init__(self, registry: Registry, seed: int = 0, **kw):
        super().__init__(registry, **kw)
        self._rng = random.Random(seed)

    def pick(self, query, specs):
        return self._rng.choice(sorted(specs, key=lambda m: m.key))


class StaticRouter(BaseRouter):
    def __init__(self, registry: Registry, key: str, **kw):
        super().__init__(registry, **kw)
        if key not in registry.models:
            raise ValueError(f"StaticRouter: '{key}' is not in the registry")
        self.key = key

    def pick(self, query, specs):
        for m in specs:
            if m.key == self.key:
                return m
        raise ValueError(f"StaticRouter: '{self.key}' is not among the available models")


class CheapestRouter(BaseRouter):
    def pick(self, query, specs):
        return cheapest(specs)


class StrongestRouter(BaseRouter):
    def pick(self, query, specs):
        return strongest(specs)


class OracleRouter(BaseRouter):
    """Cheapest model with the best true quality for this query (evaluation only)."""

    def __init__(self, registry: Registry, outcomes: dict[str, dict[str, float]], **kw):
        super().__init__(registry, **kw)
        self.outcomes = outcomes  # prompt -> {model_key: quality}

    def pick(self, query, specs):
        q = self.outcomes[query]
        known = [m for m in specs if m.key in q]
        best = max(q[m.key] for m in known)
        return cheapest([m for m in known if np.isclose(q[m.key], best)])
