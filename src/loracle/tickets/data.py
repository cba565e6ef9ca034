"""Loading and validating ticket JSONL in the finetune-challenge shapes."""
from __future__ import annotations

import logging
from dataclasses import dataclass

from ..errors import InputError
from ..io import read_jsonl

log = logging.getLogger("loracle")


@dataclass
class Ticket:
    id: str
    ticket: str
    intent: str | None = None
    ideal_reply: str | None = None
    line: int = 0


def _text(obj: dict, key: str, path: str, line: int, required: bool) -> str | None:
    if key not in obj or obj[key] is None:
        if required:
            raise InputError("missing required field", path=path, line=line, field=key)
        return None
    v = obj[key]
    if isinstance(v, (int, float)) and key == "id" and not isinstance(v, bool):
        v = str(v)
    if not isinstance(v, str):
        raise InputError(f"expected a string, got {type(v).__name__}", path=path, line=line,
                         field=key)
    if required and not v.strip():
        raise InputError("empty value", path=path, line=line, field=key)
    return v


def load_tickets(path: str, *, labelled: bool, max_chars: int) -> list[Ticket]:
    """Read train (``labelled=True``: intent required) or val rows.

    A val file may carry ``intent`` labels; they are read but never trained on.
    """
    rows = read_jsonl(path)
    out: list[Ticket] = []
    seen: dict[str, int] = {}
    for line, obj in rows:
        tid = _text(obj, "id", path, line, True)
        text = _text(obj, "ticket", path, line, True)
        intent = _text(obj, "intent", path, line, labelled)
        reply = _text(obj, "ideal_reply", path, line, False)
        if tid in seen:
            raise InputError(f"duplicate id '{tid}' (first seen on line {seen[tid]})",
                             path=path, line=line, field="id")
        seen[tid] = line
        if len(text) > max_chars:
            log.warning("%s line %d: ticket '%s' has %d characters; truncated to %d",
                        path, line, tid, len(text), max_chars)
            text = text[:max_chars]
        if intent is not None:
            intent = intent.strip()
        out.append(Ticket(id=tid, ticket=text, intent=intent or None,
                          ideal_reply=reply if reply and reply.strip() else None, line=line))
    return out


def check_train(train: list[Ticket], path: str) -> list[str]:
    """Return the sorted intent taxonomy; a single intent cannot train a classifier."""
    taxonomy = sorted({t.intent for t in train if t.intent})
    if len(taxonomy) < 2:
        raise InputError(f"train has only one intent ('{taxonomy[0] if taxonomy else ''}'); "
                         "a classifier needs at least two", path=path, field="intent")
    return taxonomy


def check_val_labels(val: list[Ticket], taxonomy: list[str], path: str) -> None:
    known = set(taxonomy)
    for t in val:
        if t.intent is not None and t.intent not in known:
            raise InputError(f"intent '{t.intent}' never appears in train", path=path,
                             line=t.line, field="intent")
