"""Required dict parameters: `budget={"min": 500000.0, "max": 800000.0}`.

A dict whose schema declares its properties is decoded key by key, in the same KV cache as
the call: each property is a required value of its own type, copied from the question like
a top-level one ("a budget range of $500,000 to $800,000" gives min 500000, max 800000).
Properties the schema marks optional are left out, as optional parameters are when unsaid.
A dict that declares no properties takes a dict literal the question writes ("with the
grade dictionary {'Math': 85, 'English': 90}"). Before this a required dict was decoded
freely and almost never parsed (11 dev questions failed on it). The measured effect is in
docs/agent.md ("Dict parameters").
"""
from __future__ import annotations

import ast
import json
import re

from loracle.agent.bfcl_lm import literal
from loracle.agent.bfcl_values import coerce

_SCALARS = ("string", "any", "integer", "float")


def declared(spec: dict) -> bool:
    """Whether a dict parameter declares scalar properties this module can decode."""
    props = spec.get("properties") or {}
    return spec.get("type") == "dict" and bool(props) and all(
        (s or {}).get("type") in (*_SCALARS, "boolean") for s in props.values())


def decode_dict(dec, question: str, param: str, spec: dict) -> dict | None:
    """The dict's required properties, decoded after `param={` (which the caller fed). Each
    value is fed back as the text the call will show, then the cache is cut to where it
    was. None when a required property gets no value (the parameter is then left out, as
    before: a partial dict fails the checker as surely as a missing one)."""
    props = spec["properties"]
    req = spec.get("required") or list(props)
    out: dict = {}
    pending = ""
    start = dec.cache.get_seq_length()
    try:
        for key, sub in props.items():
            if key not in req:
                continue
            lead = (", " if out else "") + f"{json.dumps(key)}: "
            value = keyed(question, key, sub)  # "'name':'John Doe'"
            if value is None:
                value = _decode_value(dec, question, param, key, sub, pending + lead)
                dec.cache.crop(start - dec.cache.get_seq_length())
            if value is None or value == "":
                return None
            out[key] = value
            dec._hold(value)
            # Fed with the next key's lead: the cache is back at `start` plus nothing.
            pending += lead + literal(value)
    finally:
        dec.param = param
    return out


def _decode_value(dec, question: str, param: str, key: str, sub: dict, text: str):
    """One property's value, decoded after `text` (the properties so far and this key's
    lead): a flag from the model's True/False, a scalar copied as a top-level one."""
    t = sub.get("type")
    logits = dec._step(dec._ids(text + ('"' if t in ("string", "any") else "")))
    dec.param, dec.last_span = key, None
    if t == "boolean":
        return bool(logits[dec.true_id] >= logits[dec.false_id])
    value = dec._scalar(logits, question, sub, close=dec.dict_term)[0]
    if dec.last_span is not None:  # a number another key took is not this key's
        dec.positions[f"{param}.{key}"] = dec.last_span
    return value


def keyed(question: str, key: str, spec: dict):
    """A value the question writes as `'key': value` (quoted or not; a string quoted),
    as its type; None when it writes none."""
    q = r"""['"]"""
    m = re.search(rf"(?<![\w.]){q}?{re.escape(key)}{q}?\s*[:=]\s*({q}[^'\"]*{q}|-?[\d.,]*\d)",
                  question)
    if not m:
        return None
    try:
        v = ast.literal_eval(m.group(1).replace(",", "") if m.group(1)[0] not in "'\"" else
                             m.group(1))
    except (ValueError, SyntaxError):
        return None
    t = spec.get("type")
    if t in ("string", "any"):
        return v if isinstance(v, str) and v else None
    if t in ("integer", "float") and isinstance(v, (int, float)) and not isinstance(v, bool):
        return coerce(v, spec)  # None for 2.5 as an integer
    return None


_BRACES = re.compile(r"\{[^{}]*\}")


def stated_dicts(question: str, region: list[tuple[int, int]] | None = None) -> list[dict]:
    """The dict literals the question writes, those inside `region` first."""
    found = []
    for m in _BRACES.finditer(question):
        try:
            v = ast.literal_eval(m.group())
        except (ValueError, SyntaxError):
            continue
        if isinstance(v, dict) and v:
            inside = not region or any(a <= m.start() < b for a, b in region)
            found.append((not inside, m.start(), v))
    return [v for *_, v in sorted(found, key=lambda x: x[:2])]
