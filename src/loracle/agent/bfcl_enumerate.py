"""Parallel calls from enumerations in the question: "Taylor Swift and Maroon 5 ... 20 and
15 minutes respectively" -> two calls. Pure string rules over one decoded call's values: each
value's siblings, with where they stand, then interleaved lists zip and lists that follow one
another multiply. Measured effects: docs/agent.md ("Several calls")."""
from __future__ import annotations

import re
from typing import Any

from loracle.agent.bfcl_values import (NUMBER, _STOP, _words, coerce, enum_mentions, is_speaker,
                                       number_lists)

_SEP = r"\s*(?:,\s*(?:and|or)?|and|or|&|vs\.?|versus)\s+(?:then\s+|also\s+|the\s+)?"
_TUPLE = r"\(\s*(-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)+)\s*\)"
_NUMBER = r"\$?(" + NUMBER + ")"
_NUM_SEP = r"(?:,(?=\d)|" + _SEP + ")"  # numbers may also be listed without spaces: "5,10"


def alternatives(question: str, value: Any, avoid: frozenset = frozenset()) -> list:
    """The enumeration the value opens in the question ("Taylor Swift and Maroon 5" ->
    ["Taylor Swift", "Maroon 5"]), or [value]. Items after a string keep its word count."""
    return [v for v, _ in located(question, value, avoid)]


def located(question: str, value: Any, avoid: frozenset = frozenset()) -> list[tuple]:
    """`alternatives` with where each item stands in the question: (value, char offset), the
    value itself first (offset -1 where it is not stated). A number's enumeration may also
    start before it ("the next 10 years and 20 years" when the decoder took 20)."""
    if isinstance(value, list) and value and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
        return _number_list_siblings(question, value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return [(value, -1)]
    if isinstance(value, str):
        m = re.search(re.escape(value), question, re.I)
        if not m or not value.strip():
            return [(value, -1)]
        q0 = question[m.start() - 1:m.start()]
        ctx = re.search(r"([A-Za-z]+\W+[A-Za-z]+\W*)$", question[:m.start()])
        if q0 in "'\"" and q0 and ctx:  # "SNP ID 'rs1' ... SNP ID 'rs2'": quoted siblings
            sib = [(x.group(1), x.start(1)) for x in re.finditer(
                re.escape(ctx.group(1)) + r"([^'\"]+)['\"]", question)]
            if len(sib) > 1 and value in [v for v, _ in sib]:
                return [(value, m.start())] + [x for x in sib if x[0] != value]
        if q0 in "'\"" and q0:  # "the 'Open', 'Close', and 'Low' prices": a quoted list
            sib = _quoted_list(question, m.start() - 1)
            if len(sib) > 1:
                return [(value, m.start())] + [x for x in sib if x[1] != m.start()]
        # "the Darwin model ... the Lamarck model": names before the same noun are siblings.
        noun = re.match(r"\s+([a-z]{3,})\b", question[m.end():])
        if value[:1].isupper() and noun and noun.group(1) not in _STOP:
            sib = [(x.group(1), x.start(1)) for x in re.finditer(
                r"\b([A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)\s+" + noun.group(1) + r"\b", question)]
            if len(sib) > 1 and value in [v for v, _ in sib]:
                return [(value, m.start())] + [x for x in sib if x[0] != value][:7]
        out, at, n = [(value, m.start())], m.end(), len(value.split())
        while (mm := _next_item(question[at:], n)) and len(out) < 8:
            it = mm.group(1)
            if re.fullmatch(r"[A-Z]{2,3}", it) and mm.group(0).lstrip()[:1] == ",":
                at += mm.end()  # "New York, NY and ...": the city's code, no sibling
                continue
            # "Taylor Swift and Maroon 5, with a ..." : a capitalised list stays capitalised,
            # and an item that is a stop word or names a parameter ("base and height") ends it.
            if (value[0].isupper() and not it[0].isupper() and not it[0].isdigit()) or \
                    it.split()[0].lower() in _STOP or is_speaker(it.split()[0]) or \
                    _words(it) & avoid or question[at + mm.end():].startswith("="):
                break
            out.append((it, at + mm.start(1)))
            at += mm.end()
        return out if len(out) > 1 else [(value, m.start())] + _after_same_words(question, m)
    # As written, with or without thousands separators ("15,000"), but not inside "15,000"
    # or "5.25"; "5,10 and 15" lists 5.
    forms = {str(value).removesuffix(".0"), f"{value:,}".removesuffix(".0")}
    num = r"(?<![\w.])(?:%s)(?!\d|\.\d|,\d{3}(?!\d))" % "|".join(map(re.escape, sorted(forms)))
    m = re.search(num, question)
    if not m:
        return [(value, -1)]
    spec = {"type": "float" if isinstance(value, float) else "integer"}
    def conv(x: str) -> Any:
        return coerce(x.replace(",", ""), spec)
    # "the point (5, 7) ... (10, 15)": the k-th numbers of the question's tuples are siblings.
    tuples = [[(conv(x.group()), t.start(1) + x.start()) for x in re.finditer(
        r"-?\d+(?:\.\d+)?", t.group(1))] for t in re.finditer(_TUPLE, question)]
    for tup in tuples:
        k = next((i for i, (_, a) in enumerate(tup) if a == m.start()), None)
        if k is not None:
            sib = [t[k] for t in tuples if len(t) > k and t is not tup]
            if sib:
                return [(value, m.start())] + sib[:7]
    # "the factorial of 5, the factorial of 3": numbers after the same words are siblings.
    # Two words of context, three when those two are stop words ("kilograms and is 180"),
    # else the one word before ("this game 20 times ... the game 50 times").
    # And numbers before the same two words, not both stop words ("4.22 light years away,
    # ... that is 6.1 light years from ..., Earth which is 5.88 light years"): both kinds.
    before = next((sib for ctx in _contexts(question[:m.start()]) if len(sib := [
        (conv(x.group(1)), x.start(1)) for x in re.finditer(re.escape(ctx) + _NUMBER, question)])
        > 1 and value in [v for v, _ in sib]), [])
    words, after = re.match(r"\s*([A-Za-z]+\s+[A-Za-z]+)\b", question[m.end():]), []
    if words and not set(words.group(1).lower().split()) <= _STOP:
        after = [(conv(x.group(1)), x.start(1)) for x in re.finditer(
            _NUMBER + r"\s*" + re.escape(words.group(1)) + r"\b", question)]
    if before or len(after) > 1:
        sib = sorted({a: (v, a) for v, a in before + after}.values(), key=lambda x: x[1])
        return ([(value, m.start())] + [x for x in sib if x[0] is not None
                                        and x[0] != value])[:8]
    out, at = [(value, m.start())], m.end()
    while (mm := re.match(r"(?:\s+[A-Za-z%]+){0,2}" + _NUM_SEP + _NUMBER, question[at:], re.I)) \
            and len(out) < 8:
        out.append((conv(mm.group(1)), at + mm.start(1)))
        at += mm.end()
    at = m.start()  # and backwards: "10 years and 20 years" with 20 decoded
    while (mm := re.search(_NUMBER + r"(?:\s+[A-Za-z%]+){0,2}" + _NUM_SEP + r"\$?$",
                           question[:at], re.I)) and len(out) < 8:
        out.insert(1, (conv(mm.group(1)), mm.start(1)))
        at = mm.start()
    return [x for x in out if x[0] is not None]


def _after_same_words(question: str, m: re.Match) -> list[tuple[str, int]]:
    """The siblings of the string value at `m` that follow the same two words as it does,
    not both stop words: "case number XY1234 ... case number GH5678". A sibling is written
    alike: a capitalised value's is a run of capitalised words ("University of California"),
    a value with digits has digits, and a lower-case one has as many words and does not end
    on a stop word."""
    ctx = re.search(r"((?:[A-Za-z]+[^\w.?!;]+){2})$", question[:m.start()])
    if not ctx or set(re.findall(r"[a-z]+", ctx.group(1).lower())) <= _STOP:
        return []
    value, w, cap = m.group(), r"[\w$&-]+(?:\.\w+)*", r"[A-Z][\w$&-]*(?:\.\w+)*"
    if value[:1].isupper():
        item = rf"{cap}(?:\s+(?:of\s+|de\s+)?{cap})*"
    elif any(c.isdigit() for c in value):
        item = rf"(?=\S*\d){w}"
    else:
        item = rf"{w}(?:\s+{w}){{{len(value.split()) - 1}}}"
    sib = [(x.group(1), x.start(1)) for x in re.finditer(
        re.escape(ctx.group(1)) + f"({item})", question)
        if x.start(1) != m.start() and x.group(1).lower() != value.lower()
        and x.group(1).split()[-1].lower() not in _STOP]
    return sib[:7]


def _number_list_siblings(question: str, value: list) -> list[tuple]:
    """A written list of numbers' siblings: the question's other lists as long as it
    ("two sets of data, [12, 15, ...] and [32, 35, ...]")."""
    lists = [(a, [float(x) for x in text.split(", ")]) for a, _, text in number_lists(question)]
    at = next((a for a, xs in lists if xs == [float(v) for v in value]), -1)
    if at < 0:
        return [(value, -1)]
    kind = type(value[0])
    return [(value, at)] + [([kind(x) for x in xs], a) for a, xs in lists
                            if a != at and len(xs) == len(value)][:7]


def _quoted_list(question: str, at: int) -> list[tuple[str, int]]:
    """The items of the quoted list ("'A', 'B' and 'C'") holding the item quoted at `at`."""
    q = re.escape(question[at])
    item = q + r"([^'\"\n]{1,60})" + q
    for lst in re.finditer(item + r"(?:\s*(?:,\s*(?:and|or)?|and|or|&)\s*" + item + ")+",
                           question):
        if lst.start() <= at < lst.end():
            return [(x.group(1), lst.start() + x.start(1))
                    for x in re.finditer(item, lst.group())]
    return []


def _next_item(rest: str, n: int) -> re.Match | None:
    """The next item of an enumeration of n-word values: n words, or fewer where the n-th
    would be a stop word or the item ends early ("Los Angeles, London and Tokyo": "London",
    then "Tokyo")."""
    w = r"[\w$%'-]+"
    for k in range(n, 0, -1):
        # (an abbreviation's full stop may end an item: "Google LLC., and Microsoft")
        mm = re.match(r"(?:\.(?=,))?" + _SEP + rf"((?:{w}\s+){{{k - 1}}}{w})", rest, re.I)
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
    return [v for v, _ in _enum_located(question, value, spec)]


def _enum_located(question: str, value: Any, spec: dict) -> list[tuple]:
    named = [(v, a) for a, _, v in enum_mentions(question, spec.get("enum") or [])]
    at = dict(named)
    return [(value, at[value])] + [x for x in named if x[0] != value] if value in at \
        else [(value, -1)]


def _key(v: Any) -> str:
    """200 and 200.0 are one value."""
    return repr(float(v)) if isinstance(v, (int, float)) and not isinstance(v, bool) else repr(v)


def drop_foreign(question: str, args: dict, required: list[str],
                 avoid: frozenset = frozenset()) -> dict:
    """Optional values that are a later call's value of a required parameter are dropped:
    in "the point (5, 7) ... then to (10, 15)" hypot's optional z is not 10. (An earlier
    item may be this call's own: "atmospheric pressure of 1 atm and a gauge pressure of 2".)"""
    other = set()
    for p in required:
        if p in args:
            (_, at0), *rest = located(question, args[p], avoid)
            other |= {_key(v) for v, at in rest if at > at0}
    return {p: v for p, v in args.items() if p in required or _key(v) not in other}


def expand(question: str, args: dict, avoid: frozenset = frozenset(),
           props: dict | None = None,
           region: list[tuple[int, int]] | None = None) -> list[dict]:
    """One call's arguments -> the parallel calls the question enumerates. Enumerations whose
    items interleave ("75 kilograms ... 180 cm, ... 60 kilograms ... 165 cm") belong to the
    same calls; enumerations that follow one another multiply ("rock and jazz concerts in San
    Francisco and New York": four calls) unless the question says "respectively". With a
    `region` (the function's clauses when the question asks for several), siblings outside
    it are another function's ("... weather in New York ... air quality in New York")."""
    props = props or {}
    found = {p: _enum_located(question, v, props[p]) if props.get(p, {}).get("enum")
             else located(question, v, avoid) for p, v in args.items()}
    # Where the other params' values stand: "between 5 and 10" (lo, hi) is no enumeration,
    # but "area of 2000" is a sibling of "area of 2500" though the year is 2000 too.
    lists: dict[str, list[tuple]] = {}
    for p, f in found.items():
        taken = {g[0][1] for o, g in found.items() if o != p and g[0][1] >= 0}
        # Two params of a call almost never share a string ("USD to AUD and USD to CAD":
        # the second USD is no target currency).
        same = {v.lower() for o, v in args.items() if o != p and isinstance(v, str)}
        alts = [a for a in f[1:] if a[1] not in taken
                and not (isinstance(a[0], str) and a[0].lower() in same)
                and (not region or any(lo <= a[1] < hi for lo, hi in region))]
        if alts:  # in question order: the i-th items of interleaved lists go together
            lists[p] = sorted([f[0]] + alts, key=lambda x: x[1])
    if not lists:
        return [args]
    calls = [{}]
    for group in _groups(lists, bool(re.search(r"\brespectively\b", question, re.I))):
        calls = [{**c, **z} for c in calls for z in _zip(group)]
    return [{**args, **c} for c in calls]


def _groups(lists: dict[str, list[tuple]], respectively: bool) -> list[dict]:
    """Lists whose spans in the question overlap (or, with "respectively", that have the same
    length) form one group; groups multiply."""
    groups: list[dict] = []
    for p, items in lists.items():
        lo, hi = items[0][1], items[-1][1]
        join = [g for g in groups if any(
            (respectively and len(o) == len(items)) or (lo < o[-1][1] and o[0][1] < hi)
            for o in g.values())]
        merged = {p: items}
        for g in join:
            merged.update(g)
            groups.remove(g)
        groups.append(merged)
    return groups


def _zip(group: dict[str, list[tuple]]) -> list[dict]:
    """One call per item of the longest list; a shorter list's items go, in order, to the
    calls whose anchor items are nearest, and a call with none keeps the previous call's
    value ("a similar house but with an area of 3000" keeps the rooms), or the list's first
    item before any."""
    anchor = max(group.values(), key=len)
    n = len(anchor)
    out: list[dict] = [{} for _ in range(n)]
    for p, items in group.items():
        if len(items) == n:
            slots = list(range(n))
        else:
            slots = _nearest_slots([a for _, a in anchor], [a for _, a in items])
        val = dict(zip(slots, [v for v, _ in items]))
        last = items[0][0]
        for k in range(n):
            last = val.get(k, last)
            out[k][p] = last
    return out


def _nearest_slots(anchors: list[int], at: list[int]) -> list[int]:
    """The increasing anchor indices, one per item, with the least total distance between
    each item and its anchor (dynamic programming over items x anchors)."""
    m, n = len(at), len(anchors)
    INF = float("inf")
    # cost[i][k]: items 0..i placed, item i on anchor k
    cost = [[INF] * n for _ in range(m)]
    back = [[-1] * n for _ in range(m)]
    for k in range(n):
        cost[0][k] = abs(at[0] - anchors[k])
    for i in range(1, m):
        best, arg = INF, -1
        for k in range(n):
            if k and cost[i - 1][k - 1] < best:
                best, arg = cost[i - 1][k - 1], k - 1
            if arg >= 0:
                cost[i][k], back[i][k] = best + abs(at[i] - anchors[k]), arg
    k = min(range(n), key=lambda j: cost[m - 1][j])
    slots = [k]
    for i in range(m - 1, 0, -1):
        k = back[i][k]
        slots.append(k)
    return slots[::-1]
