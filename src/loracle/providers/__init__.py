"""OpenAI-compatible fallback: endpoint resolution, a fault-tolerant client, pricing."""
from .client import CallResult, ChatClient, ClientSettings, cache_key
from .endpoint import Endpoint, resolve_endpoint
from .pricing import Pricing

__all__ = ["CallResult", "ChatClient", "ClientSettings", "cache_key", "Endpoint",
           "resolve_endpoint", "Pricing"]
