"""OpenAI-compatible fallback: endpoint resolution, a fault-tolerant client, pricing."""
from .client import CallResult, ChatClient, ClientSettings, cache_key
from .endpoint import Endpoint, resolve_endpoint
from .pricing import Pricing


def client_from_config(cfg, *, store=None, run_id: str | None = None, seed: int = 0):
    """A ChatClient for a FallbackConfig-shaped section, or None when no endpoint is set."""
    import dataclasses

    ep = resolve_endpoint(cfg.base_url, cfg.api_key_env, cfg.model)
    if ep is None:
        return None
    # ClientSettings fields are a subset of FallbackConfig's, by name.
    settings = ClientSettings(**{f.name: getattr(cfg, f.name)
                                 for f in dataclasses.fields(ClientSettings)})
    return ChatClient(ep, store=store, run_id=run_id, pricing=Pricing.load(), seed=seed,
                      settings=settings)

__all__ = ["CallResult", "ChatClient", "ClientSettings", "cache_key", "Endpoint",
           "resolve_endpoint", "Pricing", "client_from_config"]
