"""Parallel calls from enumerations in the question: "Taylor Swift and Maroon 5 ... 20 and
15 minutes respectively" -> two calls. Pure string rules over one decoded call's values: each
value's siblings, with where they stand (bfcl_siblings), then interleaved lists zip and lists
that follow one another multiply. Measured effects: docs/agent.md ("Several calls")."""
from __future__ import annotations

import re
from typing import Any

from loracle.agent.bfcl_forms import formulas, is_formula, is_length_unit, is_unit_param
from loracle.agent.bfcl_siblings import alternatives, is_number_list, located
from loracle.agent.bfcl_values import enum_mentions

__all__ = ["alternatives", "drop_foreign", "enum_alternatives", "expand", "located"]


def enum_alternatives(question: str, value: Any, spec: dict) -> list:
    """An enum value and the other values of its enum the question names ("driving ...
    then bicycling ... and finally transit")."""
    return [v for v, _ in _enum_located(question, value, spec)]


def _enum_located(question: str, value: Any, spec: dict) -> list[tuple]:
    named = [(v, a) for a, _, v in enum_mentions(question, spec.get("enum") or [])]
    at = dict(named)
    return [(value, at[value])] + [x for x in named if x[0] != value] if value in at \
        else [(value, -1)]


def _formula_located(question: str, value: Any, region=None) -> list[tuple] | None:
    """A whole formula's siblings are the question's other whole formulas (in the
    function's clauses) ("the function 3x^2 + 2x - 1 ... the function 4y^3 - 3y^2 + 2y -
    1"): read word by word, "4y" of "4y^3" had looked like the next item. None when the
    value is no whole formula."""
    forms = [x for x in formulas(question)
             if not region or any(lo <= x[0] < hi for lo, hi in region)]
    at = next((a for a, b, _ in forms if question[a:b] == value), None)
    if at is None:
        return None
    return [(value, at)] + [(question[a:b], a) for a, b, _ in forms if a != at][:7]


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
           region: list[tuple[int, int]] | None = None, pair: bool = True) -> list[dict]:
    """One call's arguments -> the parallel calls the question enumerates. Enumerations whose
    items interleave ("75 kilograms ... 180 cm, ... 60 kilograms ... 165 cm") belong to the
    same calls; enumerations that follow one another multiply ("rock and jazz concerts in San
    Francisco and New York": four calls) unless the question says "respectively". With a
    `region` (the function's clauses when the question asks for several), siblings outside
    it are another function's ("the weather for the city of Paris. Then the air quality for
    the city of Rome": Rome is no weather call). `pair=False` leaves number lists that
    share their siblings unpaired (_pair_number_lists), as the multi-call gate counts."""
    props = props or {}
    found = {p: _enum_located(question, v, props[p]) if props.get(p, {}).get("enum")
             else is_formula(p, props.get(p, {})) and _formula_located(question, v, region)
             or located(question, v, avoid, region) for p, v in args.items()}
    # Where the other params' values stand: "between 5 and 10" (lo, hi) is no enumeration,
    # but "area of 2000" is a sibling of "area of 2500" though the year is 2000 too.
    lists: dict[str, list[tuple]] = {}
    for p, f in found.items():
        taken = {g[0][1] for o, g in found.items() if o != p and g[0][1] >= 0}
        # Two params of a call almost never share a string ("USD to AUD and USD to CAD":
        # the second USD is no target currency), nor an item of another's list ("the game
        # between Lakers and Clippers": a team's siblings are no venues).
        same = {x.lower() for o, v in args.items() if o != p
                for x in (v if isinstance(v, list) else [v]) if isinstance(x, str)}
        # A unit's siblings are units ("5cm, the second circle ... 10cm": no "second").
        unit = is_unit_param(p, props.get(p, {})) and is_length_unit(args[p])
        alts = [a for a in f[1:] if a[1] not in taken and (not unit or is_length_unit(a[0]))
                and not (isinstance(a[0], str) and a[0].lower() in same)
                and (not region or any(lo <= a[1] < hi for lo, hi in region))]
        if alts:  # in question order: the i-th items of interleaved lists go together
            lists[p] = sorted([f[0]] + alts, key=lambda x: x[1])
    if pair:
        lists = _pair_number_lists(args, lists)
    # "Apple, Microsoft, Amazon, and Tesla over 1 week, 2 weeks, 3 weeks, and 1 month
    # respectively": a list of strings written in that order, as long as another
    # enumeration, is that many calls' values, one item each.
    if lists and re.search(r"\brespectively\b", question, re.I):
        for p, v in args.items():
            at = [question.find(x) for x in v] if _string_list(v) else []
            if p not in lists and at and min(at) >= 0 and at == sorted(at) and \
                    any(len(items) == len(v) for items in lists.values()):
                lists[p] = [([x], a) for x, a in zip(v, at)]
    if not lists:
        return [args]
    calls = [{}]
    for group in _groups(lists, paired(question)):
        calls = [{**c, **z} for c in calls for z in _zip(group)]
    return [{**args, **c} for c in calls]


def _string_list(v: Any) -> bool:
    """Two or more non-empty strings: a list value that may go one item per call."""
    return isinstance(v, list) and len(v) > 1 and all(isinstance(x, str) and x for x in v)


def _pair_number_lists(args: dict, lists: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """Number-list parameters that list the same written lists ("Point A [3, 2] and Point B
    [7, 5] ... Point C [10, 8] and Point D [14, 12]": each point's siblings are [10, 8] and
    [14, 12]) take them in turn, in question order: the first parameter the first of each
    run, the second the next. Zipped as they were, a call held [10, 8] twice, which no dev
    ground-truth call does."""
    over = [p for p in lists if is_number_list(args[p]) and any(
        {a for _, a in lists[p]} & {a for _, a in lists[o]}
        for o in lists if o != p and is_number_list(args[o]))]
    if len(over) < 2:
        return lists
    items = sorted({x[1]: x for p in over for x in lists[p]}.values(), key=lambda x: x[1])
    k = len(over)
    if len(items) % k:
        return lists
    runs = [items[i:i + k] for i in range(0, len(items), k)]
    return {**lists, **{p: [run[j] for run in runs] for j, p in enumerate(over)}}


def paired(question: str) -> bool:
    """Whether equal-length enumerations go item by item: "respectively", or the question
    counts its cases ("the first object ... 0 m/s and the second ... 5 m/s. If the first
    ... 10 seconds and the second ... 7 seconds": two calls, not four)."""
    return re.search(r"\brespectively\b", question, re.I) is not None or all(
        re.search(rf"\b{w}\b", question, re.I) for w in ("first", "second"))


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


def split_pairs(question: str, call: dict) -> list[dict]:
    """A call whose string lists pair up item by item in the question ("Tenet at 5 pm and
    No Time To Die at 7:30 pm" as movie=[both], time=[both]) is one call per pair: the
    i-th items of two or more lists as long as each other stand together, before every
    (i+1)-th item. No dev ground-truth call holds such lists; one answer did. Otherwise
    the call is returned as it is."""
    lists = {p: v for p, v in call.items() if _string_list(v)}
    n = max((len(v) for v in lists.values()), default=0)
    lists = {p: v for p, v in lists.items() if len(v) == n}
    at = {p: sorted((question.find(x), x) for x in v) for p, v in lists.items()}
    if len(at) < 2 or any(a < 0 for v in at.values() for a, _ in v):
        return [call]
    blocks = [[v[i][0] for v in at.values()] for i in range(n)]
    if any(max(b) >= min(c) for b, c in zip(blocks, blocks[1:])):
        return [call]
    return [{**call, **{p: [v[i][1]] for p, v in at.items()}} for i in range(n)]
