"""tools.json → bound, validated tools. Every binding problem is found before any task runs.

Binding order per entry (docs/agent.md):
1. `"impl": "package.module:function"` — a Python callable, called with keyword arguments;
2. `"http": {"url": ..., "method": "POST"|"GET"}` — JSON body (POST) or query string (GET),
   the JSON reply is the result;
3. a built-in tool of the same name shipped in `loracle.agent.builtin_tools`;
4. otherwise: an error naming the entry, before anything is executed.
"""
from __future__ import annotations

import importlib
import json
import re
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..errors import InputError
from ..io import read_json_array
from .schema import Schema, SchemaError, parse_schema

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_RETURNS = re.compile(r"\breturns?\b:?\s*(.+?)(?:\.\s|\.$|$)", re.I)
# Verbs of actions that cannot be undone: the guard never runs these on a prompt's word.
_DESTRUCTIVE = re.compile(r"^(delete|remove|erase|purge|drop|wipe|destroy|deactivate|"
                          r"terminate|close_account|cancel_account)", re.I)


@dataclass
class Tool:
    name: str
    description: str
    schema: Schema
    fn: Callable[..., Any]
    binding: str            # "impl:pkg.mod:fn" | "http:URL" | "builtin"
    returns: list[str]      # output keys named in the description ("Returns a, b, c.")
    destructive: bool

    def __call__(self, **kwargs: Any) -> Any:
        return self.fn(**kwargs)


def parse_returns(description: str) -> list[str]:
    """Output keys from "Returns account_id, plan, status." (snake_case words only)."""
    m = _RETURNS.search(description or "")
    if not m:
        return []
    words = re.split(r",|\band\b|\bor\b|/", m.group(1))
    keys = []
    for w in words:
        w = w.strip().strip("`'\" ")
        w = re.sub(r"\s*\(.*", "", w)  # "series (daily values)" -> "series"
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", w) and w.lower() not in ("a", "the"):
            keys.append(w)
    return keys


def _import_impl(spec: str, where: str) -> Callable:
    mod_name, _, fn_name = spec.partition(":")
    if not mod_name or not fn_name:
        raise InputError(f"impl must look like 'package.module:function', got {spec!r}",
                         path=where, field="impl")
    try:
        fn = getattr(importlib.import_module(mod_name), fn_name)
    except (ImportError, AttributeError) as e:
        raise InputError(f"cannot import {spec!r}: {e}", path=where, field="impl") from None
    if not callable(fn):
        raise InputError(f"{spec!r} is not callable", path=where, field="impl")
    return fn


def _http_tool(spec: dict, where: str, timeout_s: float) -> Callable:
    url, method = spec.get("url"), str(spec.get("method", "POST")).upper()
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise InputError(f"http.url must be an http(s) URL, got {url!r}", path=where,
                         field="http.url")
    if method not in ("GET", "POST"):
        raise InputError(f"http.method must be GET or POST, got {method!r}", path=where,
                         field="http.method")

    def call(**kwargs: Any) -> Any:
        if method == "GET":
            q = urllib.parse.urlencode({k: json.dumps(v) if isinstance(v, (list, dict)) else v
                                        for k, v in kwargs.items()})
            req = urllib.request.Request(f"{url}{'&' if '?' in url else '?'}{q}")
        else:
            req = urllib.request.Request(url, data=json.dumps(kwargs).encode(), method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout_s) as r:  # HTTPError = failure
            body = r.read().decode("utf-8")
        try:
            return json.loads(body)
        except json.JSONDecodeError:
            return {"text": body}

    return call


def load_catalog(path: str | Path, *, http_timeout_s: float = 10.0,
                 builtins: dict[str, Callable] | None = None) -> dict[str, Tool]:
    """Read, validate and bind tools.json. Raises InputError naming the entry and field."""
    from . import builtin_tools

    builtins = builtin_tools.BUILTIN_TOOLS if builtins is None else builtins
    p = Path(path)
    raw = read_json_array(p, "tools")
    tools: dict[str, Tool] = {}
    for i, entry in enumerate(raw):
        where = f"{p} entry {i}"
        if not isinstance(entry, dict):
            raise InputError("each tool must be an object", path=where)
        name = entry.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            raise InputError(f"tool name must be an identifier, got {name!r}", path=where,
                             field="name")
        where = f"{p} entry {i} ({name})"
        if name in tools:
            raise InputError("duplicate tool name", path=where, field="name")
        desc = entry.get("description", "")
        if not isinstance(desc, str):
            raise InputError("description must be a string", path=where, field="description")
        try:
            schema = parse_schema(entry.get("args_schema", {}))
        except SchemaError as e:
            raise InputError(str(e), path=where, field="args_schema") from None
        if "impl" in entry:
            fn, binding = _import_impl(str(entry["impl"]), where), f"impl:{entry['impl']}"
        elif "http" in entry:
            if not isinstance(entry["http"], dict):
                raise InputError("http must be an object with url and method", path=where,
                                 field="http")
            fn = _http_tool(entry["http"], where, http_timeout_s)
            binding = f"http:{entry['http'].get('url')}"
        elif name in builtins:
            fn, binding = builtins[name], "builtin"
        else:
            raise InputError("no implementation: add \"impl\": \"package.module:function\" or "
                             "\"http\": {\"url\": ..., \"method\": ...}; no built-in tool has "
                             f"this name (built-ins: {', '.join(sorted(builtins))})",
                             path=where, field="name")
        tools[name] = Tool(name, desc, schema, fn, binding, parse_returns(desc),
                           bool(_DESTRUCTIVE.match(name)))
    return tools
