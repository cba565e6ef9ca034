"""Which OpenAI-compatible endpoint to use, if any (DESIGN.md, Fallback)."""
from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Endpoint:
    base_url: str
    api_key: str
    model: str
    source: str  # which variables it came from (never the key itself)

    def __repr__(self) -> str:  # keys must never reach logs
        return f"Endpoint(base_url={self.base_url!r}, model={self.model!r}, source={self.source})"

    __str__ = __repr__


def resolve_endpoint(config_base_url: str = "", config_api_key_env: str = "",
                     config_model: str = "gpt-4o-mini") -> Endpoint | None:
    """MODEL_GATEWAY_URL+KEY (+CHAT_MODEL), else OPENAI_BASE_URL+OPENAI_API_KEY, else the
    config (base URL + the *name* of the env var holding the key). None: fully local."""
    env = os.environ
    model = env.get("CHAT_MODEL") or config_model
    if env.get("MODEL_GATEWAY_URL") and env.get("MODEL_GATEWAY_KEY"):
        return Endpoint(env["MODEL_GATEWAY_URL"], env["MODEL_GATEWAY_KEY"], model, "MODEL_GATEWAY")
    if env.get("OPENAI_API_KEY"):
        base = env.get("OPENAI_BASE_URL") or config_base_url or "https://api.openai.com/v1"
        return Endpoint(base, env["OPENAI_API_KEY"], model, "OPENAI")
    if config_base_url and config_api_key_env and env.get(config_api_key_env):
        return Endpoint(config_base_url, env[config_api_key_env], model, "config")
    return None
