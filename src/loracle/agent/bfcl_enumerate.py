"""Parallel calls from enumerations in the question: "Taylor Swift and Maroon 5 ... 20 and
15 minutes respectively" -> two calls. Pure string rules over one decoded call's values."""
from __future__ import annotations

import itertools
import json
import re
from typing import Any

from loracle.agent.bfcl_values import _STOP, _words, coerce, enum_mentions

_SEP = r"\s*(?:,\s*(?:and|or)?|and|or|&|vs\.?|versus)\s+(?:then\s+|also\s+|the\s+)?"


def alternatives(question: str, value: Any, avoid: frozenset = frozenset()) -> list:
    """The enumeration the value opens in the question ("Taylor Swift and Maroon 5" ->
    ["Taylor Swift", "Maroon 5"]), or [value]. Items after a string keep its word count."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return [value]
    if isinstance(value, str):
        m = re.search(re.escape(value), question, re.I)
        if not m or not value.strip():
            return [value]
        q0 = question[m.start() - 1:m.start()]
        ctx = re.search(r"([A-Za-z]+\W+[A-Za-z]+\W*)$", question[:m.start()])
        if q0 in "'\"" and q0 and ctx:  # "SNP ID 'rs1' ... SNP ID 'rs2'": quoted siblings
            sib = re.findall(re.escape(ctx.group(1)) + r"([^'\"]+)['\"]", question)
            if len(sib) > 1 and value in sib:
                return [value] + [v for v in sib if v != value]
        out, rest, n = [value], question[m.end():], len(value.split())
        while (mm := _next_item(rest, n)) and len(out) < 8:
            it = mm.group(1)
            if re.fullmatch(r"[A-Z]{2,3}", it) and mm.group(0).lstrip()[:1] == ",":
                rest = rest[mm.end():]  # "New York, NY and ...": the city's code, no sibling
                continue
            # "Taylor Swift and Maroon 5, with a ..." : a capitalised list stays capitalised,
            # and an item that is a stop word or names a parameter ("base and height") ends it.
            if (value[0].isupper() and not it[0].isupper() and not it[0].isdigit()) or \
                    it.split()[0].lower() in _STOP or _words(it) & avoid:
                break
            out.append(it)
            rest = rest[mm.end():]
        return out
    num = r"(?<![\w.])%s(?!\d|[.,]\d)" % re.escape(str(value).removesuffix(".0"))
    m = re.search(num, question)
    if not m:
        return [value]
    out, rest = [value], question[m.end():]
    # "the factorial of 5, the factorial of 3": numbers after the same words are siblings.
    # Two words of context, three when those two are stop words ("kilograms and is 180"),
    # else the one word before ("this game 20 times ... the game 50 times").
    for ctx in _contexts(question[:m.start()]):
        sib = re.findall(re.escape(ctx) + r"\$?(-?\d[\d,]*(?:\.\d+)?)", question)
        conv = [coerce(x.replace(",", ""), {"type": "float" if isinstance(value, float)
                                            else "integer"}) for x in sib]
        if len(conv) > 1 and value in conv:
            return [value] + [v for v in conv if v is not None and v != value]
    while (mm := re.match(r"(?:\s+[A-Za-z%]+){0,2}" + _SEP + r"\$?(-?\d[\d,]*(?:\.\d+)?)",
                          rest, re.I)) and len(out) < 8:
        out.append(coerce(mm.group(1).replace(",", ""), {"type": "float" if isinstance(
            value, float) else "integer"}))
        rest = rest[mm.end():]
    return [v for v in out if v is not None]


def _next_item(rest: str, n: int) -> re.Match | None:
    """The next item of an enumeration of n-word values: n words, or fewer where the n-th
    would be a stop word or the item ends early ("Los Angeles, London and Tokyo": "London",
    then "Tokyo")."""
    w = r"[\w$%'-]+"
    for k in range(n, 0, -1):
        mm = re.match(_SEP + rf"((?:{w}\s+){{{k - 1}}}{w})", rest, re.I)
        if mm and mm.group(1).split()[-1].lower() not in _STOP:
            return mm
    return None


def _contexts(before: str) -> list[str]:
    """The contexts, longest first, whose repeats before another number make it a sibling."""
    out = []
    for n in (2, 3):
        ctx = re.search(r"((?:[A-Za-z]+\W+){%d})$" % n, before)
        if ctx and not set(re.findall(r"[a-z]+", ctx.group(1).lower())) <= _STOP:
            out.append(ctx.group(1))
            break
    one = re.search(r"([A-Za-z]+\W+)$", before)
    if one and one.group(1).split()[0].lower() not in _STOP:
        out.append(one.group(1))
    return out


def enum_alternatives(question: str, value: Any, spec: dict) -> list:
    """An enum value and the other values of its enum the question names ("driving ...
    then bicycling ... and finally transit")."""
    named = [v for *_, v in enum_mentions(question, spec.get("enum") or [])]
    return [value] + [v for v in named if v != value] if value in named else [value]


def expand(question: str, args: dict, avoid: frozenset = frozenset(),
           props: dict | None = None) -> list[dict]:
    """One call's arguments -> the parallel calls the question enumerates: equal-length lists
    zip ("respectively"), unequal ones multiply; a value already used by another param
    ("between 5 and 10") is no alternative."""
    def key(v: Any) -> str:  # 200 and 200.0 are one value
        return json.dumps(float(v) if isinstance(v, int) and not isinstance(v, bool) else v)
    used = {key(v) for v in args.values()}
    lists = {}
    for p, v in args.items():
        spec = (props or {}).get(p, {})
        found = enum_alternatives(question, v, spec) if spec.get("enum") else \
            alternatives(question, v, avoid)
        alts = [a for a in found[1:] if key(a) not in used]
        if alts:
            lists[p] = [v] + alts
    if not lists:
        return [args]
    keys, lens = list(lists), {len(v) for v in lists.values()}
    combos = zip(*lists.values()) if len(lens) == 1 else itertools.product(*lists.values())
    return [{**args, **dict(zip(keys, c))} for c in combos]
