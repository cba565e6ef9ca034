"""Errors that reach the user as one clear line and a non-zero exit."""
from __future__ import annotations


class LoracleError(Exception):
    """Base class: anything the CLI prints without a traceback."""

    exit_code = 2


class InputError(LoracleError):
    """Bad user input. Names the file, the 1-based line and the field where known."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 field: str | None = None):
        where = []
        if path is not None:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field '{field}'")
        prefix = ", ".join(where)
        super().__init__(f"{prefix}: {message}" if prefix else message)
        self.path, self.line, self.field = path, line, field


class ConfigError(LoracleError):
    """Invalid configuration (unknown key, wrong type, bad value)."""


class ModelNotFoundError(LoracleError):
    """A model that is neither embedded nor a readable local directory."""
