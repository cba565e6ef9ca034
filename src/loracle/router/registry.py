"""The model registry (configs/models.yaml): what can be routed to, at what cost and speed.

Validation names the file, the entry and the field. The challenge's edge rule is
enforced here, once: only SMALL-tier models may be deployed on the edge, where
they answer at `edge_latency_factor` (0.2) of their cloud latency.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputError

TIERS = ("SMALL", "MEDIUM", "LARGE", "REASONING")
PROVIDERS = ("openai", "local")
DEFAULT_REGISTRY = Path(__file__).resolve().parents[3] / "configs" / "models.yaml"
TYPICAL_TOKENS = (400, 300)  # (in, out) used to compare prices when a query's size is unknown


@dataclass(frozen=True)
class ModelSpec:
    key: str
    model: str
    provider: str
    tier: str
    edge: bool
    input_per_1m: float
    output_per_1m: float
    latency_ms: float
    context_window: int

    def cost_usd(self, tokens_in: int = TYPICAL_TOKENS[0],
                 tokens_out: int = TYPICAL_TOKENS[1]) -> float:
        return (tokens_in * self.input_per_1m + tokens_out * self.output_per_1m) / 1e6

    @property
    def rank(self) -> int:
        """Strength by tier (REASONING strongest), then price as tie-break."""
        return TIERS.index(self.tier)


@dataclass(frozen=True)
class Registry:
    models: dict[str, ModelSpec]
    edge_latency_factor: float = 0.2

    def __getitem__(self, key: str) -> ModelSpec:
        return self.models[key]

    def subset(self, keys) -> list[ModelSpec]:
        return [self.models[k] for k in keys if k in self.models]

    def latency_ms(self, key: str, deployment: str) -> float:
        m = self.models[key]
        return m.latency_ms * (self.edge_latency_factor if deployment == "edge" else 1.0)


_FIELDS = {"key": str, "model": str, "provider": str, "tier": str, "edge": bool,
           "input_per_1m": float, "output_per_1m": float, "latency_ms": float,
           "context_window": int}


def load_registry(path: str | Path | None = None) -> Registry:
    p = Path(path) if path else DEFAULT_REGISTRY
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("model registry not found", path=str(p)) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        raise InputError(f"invalid YAML: {getattr(e, 'problem', e)}", path=str(p),
                         line=mark.line + 1 if mark else None) from None
    if not isinstance(data, dict) or not isinstance(data.get("models"), list) \
            or not data["models"]:
        raise InputError("expected a mapping with a non-empty 'models' list", path=str(p),
                         field="models")
    unknown_top = set(data) - {"models", "edge_latency_factor"}
    if unknown_top:
        raise InputError(f"unknown key '{sorted(unknown_top)[0]}'", path=str(p),
                         field=sorted(unknown_top)[0])
    models: dict[str, ModelSpec] = {}
    for i, m in enumerate(data["models"]):
        where = f"models[{i}]"
        if not isinstance(m, dict):
            raise InputError(f"{where}: expected a mapping", path=str(p), field=where)
        extra = set(m) - set(_FIELDS)
        if extra:
            raise InputError(f"{where}: unknown field", path=str(p),
                             field=f"{where}.{sorted(extra)[0]}")
        vals = {}
        for f, typ in _FIELDS.items():
            if f not in m:
                raise InputError(f"{where}: missing field", path=str(p), field=f"{where}.{f}")
            v = m[f]
            ok = isinstance(v, bool) if typ is bool else (
                isinstance(v, (int, float)) and not isinstance(v, bool) if typ in (int, float)
                else isinstance(v, str) and v.strip() != "")
            if not ok:
                raise InputError(f"{where}: expected {typ.__name__}, got {v!r}", path=str(p),
                                 field=f"{where}.{f}")
            vals[f] = typ(v)
        if vals["tier"] not in TIERS:
            raise InputError(f"{where}: tier must be one of {TIERS}", path=str(p),
                             field=f"{where}.tier")
        if vals["provider"] not in PROVIDERS:
            raise InputError(f"{where}: provider must be one of {PROVIDERS}", path=str(p),
                             field=f"{where}.provider")
        if vals["edge"] and vals["tier"] != "SMALL":
            raise InputError(f"{where}: only SMALL-tier models can be deployed on the edge",
                             path=str(p), field=f"{where}.edge")
        for f in ("input_per_1m", "output_per_1m", "latency_ms"):
            if vals[f] < 0:
                raise InputError(f"{where}: must be >= 0", path=str(p), field=f"{where}.{f}")
        if vals["key"] in models:
            raise InputError(f"{where}: duplicate key '{vals['key']}'", path=str(p),
                             field=f"{where}.key")
        models[vals["key"]] = ModelSpec(**vals)
    factor = data.get("edge_latency_factor", 0.2)
    if not isinstance(factor, (int, float)) or not 0 < factor <= 1:
        raise InputError("edge_latency_factor must be in (0, 1]", path=str(p),
                         field="edge_latency_factor")
    return Registry(models, float(factor))
