"""Every item of a coordination. "I am efficient, organized, easy going and compassionate":
the decoder copies list items one at a time and the 135M model ends an item early ("easy")
and the list with it; "a Yamaha acoustic guitar and a Kawai piano" came out as ["Yamaha"].
When the items of a string list stand in the question in order, and the last one is
followed by a list separator (", ", " and ", " or "), the last item runs on to its
conjunct's end and the conjuncts after it join the list, up to the "and"/"or" that closes
the coordination. Pure functions over decoded calls; measured effect in docs/agent.md
("Every item of a coordination")."""
from __future__ import annotations

import re

from loracle.agent.bfcl_values import _params

# A conjunct ends before these: "a Kawai piano in San Francisco", "cheese for 2 servings".
_ENDS = frozenset("in at for from with to on by near within over under during per into than "
                  "that which who where when while as if so but because and or".split())
_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+(?:also\s+)?|\s*&\s*)", re.I)
_CLOSES = re.compile(r"\b(?:and|or)\b", re.I)
_ARTICLE = re.compile(r"(?:a|an|the|some|also)\s+", re.I)
_WORD = re.compile(r"[\w'-]+")
_MAX_WORDS = 4  # a longer run is a clause, not an item


def _conjunct_end(q: str, at: int, values: set[str]) -> int:
    """Where the conjunct starting at `at` ends: before an ending word, a word that is
    another parameter's whole value ("large" of size in "a large pepperoni pizza"), or
    anything but one space and a word (punctuation ends it)."""
    end = i = at
    stops = _ENDS | values
    while (m := _WORD.match(q, i)) and m.group(0).lower() not in stops:
        end = m.end()
        if not re.match(r" [\w'-]", q[end:end + 2]):
            break
        i = end + 1
    return end


def _word_at(low: str, value: str) -> re.Match | None:
    """`value` (lower case) as whole words of `low`: "10" is not in "2010"."""
    return re.search(r"(?<![\w'-])" + re.escape(value) + r"(?![\w'-])", low)


def _holds(text: str, values: set[str]) -> bool:
    low = text.lower()
    return any(_word_at(low, v) for v in values if v)


def complete(question: str, items: list[str], values: set[str],
             taken: set[str] = frozenset()) -> list[str]:
    """`items` with the last one run on to its conjunct's end and the conjuncts after it
    added. `values` are the call's other values (a conjunct never runs into or holds one),
    `taken` the items other calls of the function hold (an enumeration the answerer split
    into calls: "Apple, Microsoft and Tesla", one company per call)."""
    low, at = question.lower(), []
    for v in items:
        if not (m := _word_at(low, v.lower())):
            return items
        at.append(m.start())
    if at != sorted(at) or (len(at) > 1 and _CLOSES.search(question[at[-2]:at[-1]])):
        return items  # not in order, or the coordination already closed ("A and 10")
    out, a = list(items), at[-1]
    end = _conjunct_end(question, a, values)
    if end > a + len(items[-1]) and len(question[a:end].split()) <= _MAX_WORDS \
            and _SEP.match(question, end):
        out[-1] = question[a:end]
    end = a + len(out[-1])
    digits = any(re.search(r"\d", v) for v in items)
    while len(out) < 8 and (sep := _SEP.match(question, end)):
        start = sep.end()
        if art := _ARTICLE.match(question, start):
            start = art.end()
        stop = _conjunct_end(question, start, values)
        item = question[start:stop]
        # An item like the others (numbers with numbers), no other value in it, at most
        # four words; after a bare comma the list must go on to a closing "and"/"or".
        if stop <= start or len(item.split()) > _MAX_WORDS or \
                bool(re.search(r"\d", item)) != digits or _holds(item, values | set(taken)):
            break
        closes = bool(_CLOSES.search(sep.group(0)))
        if not closes and not re.match(r"\s*,?\s*(?:and|or)\b|\s*,", question[stop:]):
            break
        out.append(item)
        end = stop
        if closes:
            break
    return out


def complete_lists(question: str, function: dict, calls: list[dict]) -> list[dict]:
    """Each call's free string lists (items typed string, no enum) completed (above)."""
    props, _ = _params(function)
    out = []
    for call in calls:
        new = dict(call)
        for p, v in call.items():
            items = props.get(p, {}).get("items") or {}
            if props.get(p, {}).get("type") != "array" or items.get("type") != "string" \
                    or items.get("enum") or not v or not isinstance(v, list) \
                    or not all(isinstance(x, str) for x in v):
                continue
            values = {str(x).lower() for o, w in call.items() if o != p
                      for x in (w if isinstance(w, list) else [w])}
            taken = {x.lower() for c in calls if c is not call
                     for x in (c.get(p) if isinstance(c.get(p), list) else [])
                     if isinstance(x, str)}
            new[p] = complete(question, v, values, taken)
        out.append(new)
    return out
