"""Where a value's siblings stand in the question: the other items of the enumeration it
opens ("Taylor Swift and Maroon 5"), of a quoted list, of a written number list, and the
values after (or, for numbers, before) the same words as it ("case number XY1234 ... case
number GH5678", "4.22 light years ... 6.1 light years"). bfcl_enumerate turns the siblings
of one call's values into parallel calls. Measured effects: docs/agent.md ("Several calls")."""
from __future__ import annotations

import re
from typing import Any

from loracle.agent.bfcl_values import (NUMBER, _STOP, _words, coerce, is_speaker,
                                       number_lists)

# "San Francisco, California and New York, New York": the state after a city's comma is the
# city's, not the enumeration's next item (as a two-letter code is).
US_STATES = frozenset(
    "Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia "
    "Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts "
    "Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon "
    "Pennsylvania Tennessee Texas Utah Vermont Virginia Washington Wisconsin Wyoming".split()) | {
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
    "Rhode Island", "South Carolina", "South Dakota", "West Virginia"}
# A country after a city's comma is the city's too ("Berlin, Germany and Paris, France").
COUNTRIES = frozenset(
    "Afghanistan Albania Algeria Argentina Armenia Australia Austria Bangladesh Belgium "
    "Bolivia Brazil Bulgaria Cambodia Cameroon Canada Chile China Colombia Croatia Cuba Cyprus "
    "Denmark Ecuador Egypt England Estonia Ethiopia Finland France Germany Ghana Greece "
    "Hungary Iceland India Indonesia Iran Iraq Ireland Israel Italy Jamaica Japan Jordan "
    "Kenya Kuwait Latvia Lebanon Lithuania Luxembourg Malaysia Mexico Morocco Nepal "
    "Netherlands Nigeria Norway Pakistan Peru Philippines Poland Portugal Qatar Romania "
    "Russia Scotland Serbia Singapore Slovakia Slovenia Spain Sweden Switzerland Taiwan "
    "Tanzania Thailand Tunisia Turkey Uganda Ukraine Uruguay Venezuela Vietnam Wales Zimbabwe "
    "USA US UK UAE".split()) | {
    "United States", "United States of America", "United Kingdom", "United Arab Emirates",
    "New Zealand", "South Africa", "South Korea", "North Korea", "Saudi Arabia", "Sri Lanka",
    "Czech Republic", "Costa Rica", "Dominican Republic", "Hong Kong", "Puerto Rico"}
_CAP_RUN = re.compile(r"(?:[ ]+[A-Z][\w$&'-]*(?:\.[A-Z]\.?)*)+")  # " United", " D.C."
_SEP = r"\s*(?:,\s*(?:and|or)?|and|or|&|vs\.?|versus)\s+(?:then\s+|also\s+|the\s+)?"
_TUPLE = r"\(\s*(-?\d+(?:\.\d+)?(?:\s*,\s*-?\d+(?:\.\d+)?)+)\s*\)"
_NUMBER = r"\$?(" + NUMBER + ")"
_NUM_SEP = r"(?:,(?=\d)|" + _SEP + ")"  # numbers may also be listed without spaces: "5,10"


def alternatives(question: str, value: Any, avoid: frozenset = frozenset()) -> list:
    """The enumeration the value opens in the question ("Taylor Swift and Maroon 5" ->
    ["Taylor Swift", "Maroon 5"]), or [value]. Items after a string keep its word count."""
    return [v for v, _ in located(question, value, avoid)]


def _first(pattern: str, question: str, within, flags: int = 0):
    """The first match, or the first inside `within` (character spans) when one is."""
    ms = list(re.finditer(pattern, question, flags))
    return next((m for m in ms if any(a <= m.start() < b for a, b in within or [])),
                ms[0] if ms else None)


def _paired_targets(question: str, value: str, m: re.Match) -> list[tuple]:
    """"USD to AUD and USD to CAD": the value's siblings are the targets that follow the same
    source and connector again (the enumeration as written would pair AUD with USD)."""
    pre = re.search(r"([\w$.&'-]+)\s+(to|into)\s+$", question[:m.start()])
    if not pre:
        return []
    n, more = len(value.split()), []
    for x in re.finditer(rf"\b{re.escape(pre.group(1))}\s+{pre.group(2)}\s+"
                         rf"(\S+(?:\s+\S+){{{n - 1}}})", question[m.end():]):
        it, end = x.group(1), m.end() + x.end(1)
        # A capitalised target is its whole run of capitalised words ("British Pounds").
        if it[:1].isupper() and (run := _CAP_RUN.match(question, end)):
            it += run.group()
        more.append((it.rstrip(".,;?!"), m.end() + x.start(1)))
    return [(value, m.start())] + more if more else []


def is_number_list(value: Any) -> bool:
    """A non-empty list of numbers (not booleans): a written list's value."""
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)


def located(question: str, value: Any, avoid: frozenset = frozenset(),
            within: list[tuple[int, int]] | None = None) -> list[tuple]:
    """`alternatives` with where each item stands in the question: (value, char offset), the
    value itself first (offset -1 where it is not stated). A number's enumeration may also
    start before it ("the next 10 years and 20 years" when the decoder took 20). With
    `within` (the function's clauses) the value is read where those clauses state it: "the
    weight of Neutron and Proton ... Also the diameter of a Proton and Neutron" lists
    Neutron after the diameter's Proton, none after the weight's."""
    if is_number_list(value):
        return _number_list_siblings(question, value)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return [(value, -1)]
    if isinstance(value, str):
        m = _first(re.escape(value), question, within, re.I)
        if not m or not value.strip():
            return [(value, -1)]
        if pairs := _paired_targets(question, value, m):
            return pairs
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
            it, end = mm.group(1), mm.end()
            # "Barcelona and Manchester United in ...": a capitalised item is the whole run of
            # capitalised words, whatever the value's word count.
            if value[0].isupper() and it[0].isupper() and (
                    run := _CAP_RUN.match(question, at + end)) and \
                    len(it.split()) + len(run.group().split()) <= 5:
                it, end = it + run.group(), run.end() - at
            if (re.fullmatch(r"[A-Z]{2,3}", it) or it in US_STATES or it in COUNTRIES
                    and value not in COUNTRIES) and mm.group(0).lstrip()[:1] == ",":
                at += end  # "New York, NY and ...": the city's state, no sibling
                continue
            # "Taylor Swift and Maroon 5, with a ..." : a capitalised list stays capitalised,
            # and an item that is a stop word or names a parameter ("base and height") ends it,
            # unless the value names it too ("Persian Empire and Mauryan Empire").
            if (value[0].isupper() and not it[0].isupper() and not it[0].isdigit()) or \
                    it.split()[0].lower() in _STOP or is_speaker(it.split()[0]) or \
                    (_words(it) & avoid) - _words(value) or \
                    question[at + end:].startswith("="):
                break
            # "in Berlin and Madrid's music stores": the item is "Madrid", as a copied value
            # never ends on a possessive.
            it = re.sub(r"(?<=\w)['’]s$", "", it)
            if it.lower() not in {str(v).lower() for v, _ in out}:  # "New York, New York"
                out.append((it, at + mm.start(1)))
            at += end
        return out if len(out) > 1 else [(value, m.start())] + _after_same_words(question, m)
    # As written, with or without thousands separators ("15,000"), but not inside "15,000"
    # or "5.25"; "5,10 and 15" lists 5.
    forms = {str(value).removesuffix(".0"), f"{value:,}".removesuffix(".0")}
    num = r"(?<![\w.])(?:%s)(?!\d|\.\d|,\d{3}(?!\d))" % "|".join(map(re.escape, sorted(forms)))
    m = _first(num, question, within)
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
    before: list[tuple] = []
    for ctx in _contexts(question[:m.start()]):
        sib = [(conv(x.group(1)), x.start(1))
               for x in re.finditer(re.escape(ctx) + _NUMBER, question)]
        if len(sib) > 1 and value in [v for v, _ in sib]:
            before = sib
            break
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
    value, w, cap = m.group(), _glued(r"[\w$&-]+"), r"[A-Z][\w$&-]*(?:\.\w+)*"
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
    lists = [(a, [float(x) if "." in x else int(x) for x in text.split(", ")])
             for a, _, text in number_lists(question)]  # each number as written
    at = next((a for a, xs in lists if xs == list(value)), -1)
    if at < 0:
        return [(value, -1)]
    return [(value, at)] + [(xs, a) for a, xs in lists if a != at and len(xs) == len(value)][:7]


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


def _glued(w: str) -> str:
    """A word pattern that goes on through what "." "/" "@" ":" "\\" glue without a space
    ("john.doe@example.com", "2022/AL2562"), as bfcl_values.WORD reads such words whole."""
    return rf"{w}(?:[.@/:\\]+{w})*"


def _next_item(rest: str, n: int) -> re.Match | None:
    """The next item of an enumeration of n-word values: n words, or fewer where the n-th
    would be a stop word or the item ends early ("Los Angeles, London and Tokyo": "London",
    then "Tokyo")."""
    w = _glued(r"[\w$%'-]+")  # "a@b.com and c@d.com"
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
