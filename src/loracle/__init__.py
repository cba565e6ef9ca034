"""loracle: small seeded LoRA adapters for tickets, routing, judging and agents."""

__version__ = "0.1.0"

from .config import TicketsConfig, load_config  # noqa: E402
from .errors import ConfigError, InputError, LoracleError  # noqa: E402

__all__ = ["TicketsConfig", "load_config", "LoracleError", "InputError", "ConfigError",
           "__version__"]
