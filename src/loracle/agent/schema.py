"""Tool argument schemas: one normalised form for the seed's shorthand and JSON Schema.

The seed writes `"args_schema": {"email": "string"}`. Real catalogs (OpenAI tools, BFCL)
write JSON Schema: `{"type": "object", "properties": {...}, "required": [...]}`. Both
become a `Schema` of `Param`s, and `validate_args` checks a call against it before the
call is sent: a call with a missing or wrong-typed argument is never executed.

Shorthand rules: a type string may end in "?" (optional: `"month": "string?"`); every
other shorthand argument is required. A shorthand value may also be a dict
(`{"type": "string", "enum": [...], "optional": true}`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# JSON Schema and BFCL spellings -> one canonical type name.
_TYPES = {"string": "string", "str": "string", "integer": "integer", "int": "integer",
          "number": "number", "float": "number", "double": "number", "boolean": "boolean",
          "bool": "boolean", "array": "array", "list": "array", "tuple": "array",
          "object": "object", "dict": "object", "any": "any"}


@dataclass
class Param:
    name: str
    type: str = "any"
    required: bool = True
    description: str = ""
    enum: list | None = None
    items: str | None = None  # element type of an array, when given


@dataclass
class Schema:
    params: dict[str, Param] = field(default_factory=dict)

    @property
    def required(self) -> list[str]:
        return [p.name for p in self.params.values() if p.required]


class SchemaError(ValueError):
    """The schema itself is malformed (reported with the tool's name by the caller)."""


def _canonical(t: object, where: str) -> str:
    if isinstance(t, list):  # JSON Schema unions like ["string", "null"]: first real type
        t = next((x for x in t if x != "null"), "any")
    if not isinstance(t, str) or t.lower() not in _TYPES:
        raise SchemaError(f"{where}: unknown type {t!r}; use one of "
                          f"{sorted(set(_TYPES.values()))}")
    return _TYPES[t.lower()]


def _param(name: str, spec: object, required: bool) -> Param:
    if isinstance(spec, str):
        optional = spec.endswith("?")
        return Param(name, _canonical(spec.rstrip("?"), name), required and not optional)
    if isinstance(spec, dict):
        items = spec.get("items")
        item_type = _canonical(items.get("type", "any"), f"{name}.items") \
            if isinstance(items, dict) else None
        return Param(name, _canonical(spec.get("type", "any"), name),
                     required and not spec.get("optional", False),
                     str(spec.get("description", "")), spec.get("enum"), item_type)
    raise SchemaError(f"{name}: expected a type string or an object, got {spec!r}")


def parse_schema(raw: object) -> Schema:
    """Normalise the seed shorthand or a JSON-Schema object into a `Schema`."""
    if raw is None:
        return Schema()
    if not isinstance(raw, dict):
        raise SchemaError(f"args_schema must be an object, got {type(raw).__name__}")
    if raw.get("type") in ("object", "dict") and isinstance(raw.get("properties", {}), dict):
        required = raw.get("required", [])
        if not isinstance(required, list):
            raise SchemaError("'required' must be a list of argument names")
        props = raw.get("properties", {})
        unknown = [r for r in required if r not in props]
        if unknown:
            raise SchemaError(f"required names an undeclared argument: {unknown[0]!r}")
        return Schema({k: _param(k, v, k in required) for k, v in props.items()})
    return Schema({k: _param(k, v, True) for k, v in raw.items()})


def type_ok(value: object, t: str, items: str | None = None) -> bool:
    """JSON-typed check. bool is not an integer; an integer is a valid number."""
    if t == "any":
        return True
    if t == "string":
        return isinstance(value, str)
    if t == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "array":
        return isinstance(value, list) and (items is None or
                                            all(type_ok(v, items) for v in value))
    if t == "object":
        return isinstance(value, dict)
    return False


def validate_args(schema: Schema, args: dict) -> list[str]:
    """Every reason this call must not be sent; [] when it is valid."""
    if not isinstance(args, dict):
        return [f"arguments must be an object, got {type(args).__name__}"]
    errors = [f"missing required argument '{n}'" for n in schema.required if n not in args]
    for name, value in args.items():
        p = schema.params.get(name)
        if p is None:
            errors.append(f"unknown argument '{name}'")
        elif not type_ok(value, p.type, p.items):
            want = f"array of {p.items}" if p.type == "array" and p.items else p.type
            errors.append(f"argument '{name}' must be {want}, got {type(value).__name__} "
                          f"{value!r:.40}")
        elif p.enum is not None and value not in p.enum:
            errors.append(f"argument '{name}' must be one of {p.enum}, got {value!r:.40}")
    return errors
