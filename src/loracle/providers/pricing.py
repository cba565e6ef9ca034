"""USD per 1M tokens by model, from configs/pricing.yaml."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import ConfigError

DEFAULT_PRICING = Path(__file__).resolve().parents[3] / "configs" / "pricing.yaml"


@dataclass(frozen=True)
class Price:
    input_per_1m: float
    output_per_1m: float


class Pricing:
    def __init__(self, table: dict[str, Price]):
        self.table = table

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Pricing":
        p = Path(path) if path else DEFAULT_PRICING
        if not p.is_file():
            return cls({})
        data = yaml.safe_load(p.read_text()) or {}
        models = data.get("models", {})
        table = {}
        for name, v in models.items():
            try:
                table[name] = Price(float(v["input_per_1m"]), float(v["output_per_1m"]))
            except (KeyError, TypeError, ValueError):
                raise ConfigError(f"{p}: models.{name} needs numeric input_per_1m and "
                                  "output_per_1m") from None
        return cls(table)

    def price(self, model: str) -> Price | None:
        if model in self.table:
            return self.table[model]
        # dated snapshots ("gpt-4o-mini-2024-07-18") priced as their family
        best = max((k for k in self.table if model.startswith(k)), key=len, default=None)
        return self.table[best] if best else None

    def usd(self, model: str, tokens_in: int, tokens_out: int) -> float:
        p = self.price(model)
        if p is None:
            return 0.0
        return tokens_in * p.input_per_1m / 1e6 + tokens_out * p.output_per_1m / 1e6
