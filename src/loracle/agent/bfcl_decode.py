"""SmolLM2 argument decoding for BFCL questions, constrained to what the question states.

The 135M model reads a question well enough to *point* at the right span ("Tokyo", "5000")
but, left free, it drifts to a nearby word it likes better ("Togo", "Bronx"). So a required
value is decoded as a copy: every token must extend a span of the question (or of a few
rewritten forms of it: dates in the format the parameter asks for, "^" as "**", percentages
as fractions), and the value may end only at a word boundary. Enums are decoded over their
own values, narrowed to those the question names when it names any. Optional values are
decoded freely and kept only when stated in the question, since a wrong optional value fails
the checker while an absent one usually passes; an optional enum takes only a named value,
and an optional string whose name the question uses ("stops at ...") is copied.
See docs/agent.md ("BFCL answerer") for the measured effect of each rule.
"""
from __future__ import annotations

import json
import re
from typing import Callable

from loracle.agent.bfcl_dicts import declared, decode_dict, stated_dicts
from loracle.agent.bfcl_forms import (canonical, canonical_args, canonical_forms, currency_side,
                                      paid, stated_unit)
from loracle.agent.bfcl_kinds import fits
from loracle.agent.bfcl_lm import ConstrainedLM, call_text, literal, prompt_text
from loracle.agent.bfcl_named import claimed_starts, named_ids, named_number_starts
from loracle.agent.bfcl_shared import names_only
from loracle.agent.bfcl_spans import candidates
from loracle.agent.bfcl_values import (WORD, _params, _words, bound_side, clock_hours,
                                       compounding_spans, date_format, dated_spans,
                                       enum_mentions, enum_of, grounded, lead_verbs,
                                       named_enums, number_lists, number_spans, parse_value,
                                       period_days, ranges, rest_spans, rewrites, spans,
                                       tokens)

# What may stand between two items of one enumeration ("Tennis Court and a Picnic Area").
# A conjunction may have one word on either side ("fiction section and free Wi-Fi"), and
# quoted items keep their quotes ("avoid 'tolls' and 'highways'").
_LIST_GAP = re.compile(r"['\"]?[\s,]*(?:(?:[A-Za-z-]+\s+)?(?:and|or|&|plus|as well as)\s+"
                       r"(?:an?\s+|the\s+)?(?:[A-Za-z-]+\s+)?)?['\"]?", re.I)

# Name words that say nothing about whether a flag is asked for ("include_x", "show_x").
_FLAG_FILLER = set("inclu is use get with show retur flag enabl shoul want need".split())


# Abbreviations in parameter names, as a question writes them out ("include_stats":
# "Include its statistics").
_ABBREVIATIONS = {"stats": "statistics", "info": "information", "temp": "temperature",
                  "desc": "description", "num": "number", "avg": "average", "img": "image",
                  "addr": "address", "qty": "quantity", "pct": "percentage"}


def flag_asked(param: str, question: str) -> bool:
    """An optional boolean is set only when the question names it ("including human impact"
    for include_human_impact): half of the name's content words must appear."""
    w = _words(" ".join(_ABBREVIATIONS.get(t, t) for t in tokens(param))) - _FLAG_FILLER
    return bool(w) and len(w & _words(question)) / len(w) >= 0.5


def _number_at(question: str, spec: dict, value) -> tuple[int, int] | None:
    """Where the question first states the number `value` (as `spec` reads numbers)."""
    return next(((a, b) for a, b, lit in number_spans(question, spec)
                 if parse_value(lit, spec) == value), None)


def _given_start(question: str, props: dict, fixed: dict | None, last: dict) -> int | None:
    """Where the first new value a continued call is given (one that differs from the last
    call's) is stated: where this call's scenario starts, when known."""
    firsts = []
    for p, v in (fixed or {}).items():
        if last.get(p) == v or p not in props:
            continue
        if isinstance(v, str) and v.strip():
            m = re.search(r"(?<!\w)" + re.escape(v) + r"(?!\w)", question, re.I)
            firsts += [m.start()] if m else []
        elif isinstance(v, (int, float)) and not isinstance(v, bool):
            firsts += [at[0]] if (at := _number_at(question, props[p], v)) else []
    return min(firsts) if firsts else None


def _scenario_end(last_pos: dict, cut: int | None) -> int | None:
    """Where a continued call's new values may start: after the end of the last call's
    furthest value, except values stated after `cut` (_given_start), which are shared, not
    the last scenario's."""
    if not last_pos:
        return None
    ends = [e for s, e in last_pos.values() if cut is None or s < cut]
    return max(ends or [e for _, e in last_pos.values()])


def _desc_unit(spec: dict) -> str | None:
    """The unit a number's description says it is in, when written as a symbol ("The
    acceleration of the object in m/s^2"): a number the question writes with it ("3.5
    m/s^2") states the parameter as surely as its name would."""
    m = re.search(r"\bin ([A-Za-z]+/[A-Za-z]+(?:\^\d)?|[A-Za-z]\^\d)(?=[\s.,;)]|$)",
                  str(spec.get("description", "")))
    return m.group(1) if m else None


def within_other(param: str, args: dict) -> bool:
    """Whether a string value is another string value of the call or words inside one (for a
    free optional string; an enum's value is its own):
    `location="Manchester"` beside `team_name="Manchester United"`, `team="Brady"` beside
    `player_name="Tom Brady"`, `team="Basketball"` beside `sport="Basketball"`. An
    optional value so placed is dropped: the dev ground truth wants one 2 times (a "Lisbon"
    of "Treaty of Lisbon"), and 8 wrong answers of the last full run held one."""
    v = args[param]
    if not isinstance(v, str) or not v.strip():
        return False
    pat = re.compile(r"(?<!\w)" + re.escape(v.lower()) + r"(?!\w)")
    return any(isinstance(o, str) and pat.search(o.lower()) for p, o in args.items()
               if p != param)


def list_goes_on(question: str, end: int) -> bool:
    """Whether the question's enumeration goes on after the item ending at `end` ("open
    hole, C foot, and ..."); a quoted item's only with another quoted item ("'Age',
    'Income' and 'Education' and a target variable": not after Education)."""
    q = question[end:end + 1] if question[end:end + 1] in ("'", '"') else ""
    sep = r"\s*(,\s*(and|or)?|and|or|&)" + (r"\s*" + q if q else r"\s+")
    return re.match(q + sep, question[end:]) is not None


class LMArgDecoder(ConstrainedLM):
    """Greedy SmolLM2 decoding of one value per parameter after a forced `func(p=`. The
    prompt's KV cache is kept and cropped, so each value costs only its own few tokens.
    The token-level primitives (`_step`, `_copy`, `_number`, `_free`) are bfcl_lm's."""

    def __init__(self, model: str = "embedded:smollm2-135m-instruct", dtype: str = "bfloat16",
                 adapter: str | None = None):
        super().__init__(model, dtype, adapter)
        self.keep = None  # a filter on where copied values may start (continued lists)
        self.given_at: int | None = None  # where a continued call's first new given value is
        self.region: list[tuple[int, int]] | None = None
        self.fresh: frozenset = frozenset()
        self.after: int | None = None  # a list's next item starts after this position
        self.used: set[int] = set()  # where earlier string values of this call start
        self.last_end: int | None = None  # where the last copied string ended
        self.positions: dict[str, tuple[int, int]] = {}  # the last call's value spans
        self.last_span: tuple[int, int] | None = None
        self.num_after: int | None = None  # where a number list's last item stands
        self.picked: list = []  # items already in the list being decoded
        # The span prior (bfcl_spans), set by the answerer: (question, function, param,
        # candidate spans) -> log-odds per span; used for required plain strings only.
        self.prior: Callable | None = None
        self.prior_weight = 0.5
        # A continued call's required scalars change value 3 times in 4 in the ground truth;
        # against the model's copy bias the answerer sets this penalty (log-odds of
        # "changes", fit on its training questions) on repeating the last call's value.
        self.repeat_penalty = 0.0
        self.repeat_at: int | None = None  # where the last call's value of this param starts
        self.span_param: str | None = None
        self.param = ""  # the parameter being decoded
        self.function: dict = {}

    def _hold(self, value) -> None:
        """Remember a string value of this call: no other parameter copies it again."""
        if isinstance(value, str) and value.strip():
            self.held.append(value)

    def _where(self, items: list, pos) -> list:
        """The items (at question position pos(item)) a value may be copied from: those
        `keep` allows (a continued list), and of those the ones inside `region` (the
        function's clauses) unless the region states none."""
        if self.keep is not None:
            items = [x for x in items if self.keep(pos(x))]
        if self.region:
            items = [x for x in items if any(a <= pos(x) < b for a, b in self.region)] or items
        return items

    # ---- constrained value decoders; each feeds its chosen tokens into the cache ----

    def _copy_string(self, logits, question: str, spec: dict, named: bool = False):
        fmt = date_format(spec)
        if fmt and (ds := dated_spans(question)):  # a date param: only the asked format
            # Where values may come from, as for any copy: a continued call's check-in is
            # the last call's or a later date ("March 10 to March 20 ... April 5 to April
            # 15" had given the second hotel March 20), a task's date its own clauses'.
            ds = self._where(ds, lambda x: x[0]) or ds
            # A call given a new value stated before some of these dates takes one of them,
            # not the last call's date again ("March 10 to March 20 ... and for 'Royal
            # Hotel' ... April 5 to April 15" had repeated March 10 for the Royal Hotel).
            if self.repeat_at is not None and self.given_at is not None and any(
                    a >= self.given_at for a, *_ in ds):
                ds = [x for x in ds if x[0] != self.repeat_at]
            again = frozenset(d.strftime(fmt) for a, _, d in ds if a == self.repeat_at)
            text, tid, logits = self._copy_choice(
                logits, list(dict.fromkeys(d.strftime(fmt) for *_, d in ds)), self.quote, again)
            if hit := next((x for x in ds if x[2].strftime(fmt) == text), None):
                self.last_end, self.last_span = hit[1], hit[:2]
            return text, tid, logits
        ids = self._where(named_ids(question, self.param), lambda x: x[0]) if named else []
        if len({t for *_, t in ids}) == 1:
            text, tid, logits = self._copy_choice(logits, [ids[0][2]], self.quote)
            self.used.add(ids[0][0])  # "building Id B1004 for 2nd ... floors": B1004
            self.last_end, self.last_span = ids[0][1], ids[0][:2]
            return text, tid, logits
        if forms := self._where(canonical_forms(question, self.param, spec), lambda x: x[0]):
            return self._copy_form(logits, question, spec, forms)
        extra = rewrites(question, spec)
        src = question + "".join("\n" + e for e in extra)
        starts, ends = spans(question, exclude=self.used | lead_verbs(question))
        if self.after is not None:  # the next item of a list: within the next few words
            starts = [i for i in starts if self.after < i < self.after + 60]
        starts = self._where(starts, lambda i: i)
        # A copy never starts inside a written date: no dev ground-truth value of a string
        # that asks for no date format does ("from March 10th, 2023" had given a location
        # "March", "July 10, 2022" a room type "July").
        dates = [(a, b) for a, b, _ in dated_spans(question)]
        starts = [i for i in starts if not any(a <= i < b for a, b in dates)] or starts
        # Two params of one call almost never share a value (5 of 1,747 dev calls): no copy
        # starts where a value this call already has stands ("USD to AUD and USD to CAD").
        starts = [i for i in starts if not any(
            question[i:i + len(v)].lower() == v and not question[i + len(v):][:1].isalnum()
            for v in map(str.lower, self.held))]
        if self.param in self.fresh:  # not "balance" for calculate_balance's account again
            starts = [i for i in starts if not ((m := WORD.match(question, i)) and names_only(
                m.group(), self.function["name"], self.param))]
        # "on 'Playstation' platform in the 'Asia' region": the region is not 'Playstation'.
        claimed = claimed_starts(question, self.function, self.param)
        starts = [i for i in starts if i not in claimed] or starts
        # A formula with "^" is copied from its Python rewrite ("x**2"), not as written.
        starts = [i for i in starts if "^" not in question[i:].split(maxsplit=1)[0]]
        bias = self._span_bias(question, starts, ends)
        if self.repeat_penalty and self.repeat_at in starts:  # the last call's value again
            bias = bias or {}
            bias[self.repeat_at] = {e: v - self.repeat_penalty for e, v in bias.get(
                self.repeat_at, dict.fromkeys(ends, 0.0)).items() if e > self.repeat_at}
        for m in re.finditer("\n", src):
            st2, en2 = spans(src[m.end():].split("\n")[0], exclude=set(), proper=False)
            starts += [m.end() + i for i in st2]
            ends |= {m.end() + i for i in en2}
        text, tid, logits = self._copy(logits, src, starts, ends, self.quote, bias=bias)
        at = next((i for i in starts if question.startswith(text, i)), -1) if text else -1
        if at >= 0:
            self.used.add(at)
            self.last_end, self.last_span = at + len(text), (at, at + len(text))
        return text, tid, logits

    def _copy_form(self, logits, question: str, spec: dict, forms: list[tuple[int, int, str]]):
        """A choice among the question's spans that have a canonical form (bfcl_forms: its
        currencies, its "^" formulas), none whose form this call already holds. The span is
        returned as stated ("British pounds"): the gate and the enumeration rules look
        values up in the question; the answerer writes the form ("GBP") last."""
        held = {f for v in self.held for *_, f in canonical_forms(v, self.param, spec)}
        forms = [x for x in forms if x[2] not in held] or forms
        # The amount's currency is the source: "convert 200 euros to US dollars" is from
        # EUR (the LM had taken the first or the last currency named); the target is a
        # mention no amount is written in (USD may be both: "5000 euros to US dollars,
        # then 3000 US dollars to yen").
        if (side := currency_side(self.param)) and (amounts := paid(question, forms)):
            forms = [x for x in forms if (x in amounts) == (side == "from")] or forms
        opts = list(dict.fromkeys(question[a:b] for a, b, _ in forms))
        text, tid, logits = self._copy_choice(logits, opts, self.quote)
        if hit := next((x for x in forms if question[x[0]:x[1]] == text), None):
            self.used.add(hit[0])
            self.last_end, self.last_span = hit[1], hit[:2]
        return text, tid, logits

    def _span_bias(self, question: str, starts: list[int], ends: set[int]):
        """The span prior's scores for the current parameter's candidate spans, relative to
        the best one and scaled by `prior_weight`; None when no prior applies."""
        if self.prior is None or self.span_param is None:
            return None
        scores = self.prior(question, self.function, self.span_param,
                            candidates(question, starts, ends))
        if not scores:
            return None
        top, bias = max(scores.values()), {}
        for (a, b), v in scores.items():
            bias.setdefault(a, {})[b] = self.prior_weight * (v - top)
        return bias

    def _copy_choice(self, logits, options: list[str], close: list[int],
                     penalised: frozenset = frozenset(), limit: int = 24):
        """A choice among whole options (of at most `limit` tokens); those in `penalised`
        lose `repeat_penalty`."""
        src = "\n".join(options)
        starts = [0] + [m.end() for m in re.finditer("\n", src)]
        ends = {m.start() for m in re.finditer("\n", src)} | {len(src)}
        bias = {a: {a + len(o): -self.repeat_penalty} for a, o in zip(starts, options)
                if o in penalised} if self.repeat_penalty else None
        return self._copy(logits, src, starts, ends, close, limit=limit, bias=bias)

    def _scalar(self, logits, question: str, spec: dict, close: list[int] | None = None,
                named: bool = False):
        """One required scalar value, copy-constrained -> (value or None, the closing token
        the model chose or None, logits). `close` overrides a number's terminators; `named`
        (a parameter's own value, not a list item's or a dict key's) lets a number or an
        identifier written after the parameter's name decide (_named_number, named_ids)."""
        t = spec.get("type")
        if spec.get("enum"):
            # The values the question names, when it names any (within the region, after
            # the last call's), else all of them.
            named = [x for x in self._named(question, spec) if x[2] not in self.picked]
            opts = [v for *_, v in named] or [str(e) for e in spec["enum"]
                                              if e not in self.picked]
            end = self.quote if t in ("string", None) else (close or self.term)
            text, tid, logits = self._copy_choice(logits, opts, end)
            hit = next((x for x in named if x[2] == text), None)
            if hit:
                self.last_span, self.last_end = hit[:2], hit[1]
            return next((e for e in spec["enum"] if str(e) == text), None), tid, logits
        if t in ("integer", "float"):
            # An exponent ("the coefficient of x^2 is 5", "m/s^2") is no value: no dev
            # ground-truth number is written only as one.
            written = number_spans(question, spec)
            numbers = [x for x in written if question[x[0] - 1:x[0]] != "^"] or written
            found = where = self._where(numbers, lambda x: x[0])
            # A number another parameter of this call took is not this one's ("between 1
            # and 1000" had given both limits 1; 14 of 1,284 dev pairs of numeric values in
            # one call are equal, and 11 of those are written twice).
            taken = {s[0] for s in (*self.positions.values(), *self.fixed_spans.values()) if s}
            # When the function's clauses state no number left, one stated elsewhere comes
            # before a taken one: "an initial speed of 20 m/s ... accelerates at 10 m/s^2
            # for 5 seconds" split over two functions' clauses had given speed, acceleration
            # and time all 20.
            # A number whose written kind the parameter refuses is not its value either
            # ("$5000 ... for 5 years": no principal of 5), wherever a fitting one stands.
            free = [x for x in numbers if x[0] not in taken]
            ok = [x for x in found if x[0] not in taken and fits(question, self.param, x, spec)]
            found = ok or [x for x in free if fits(question, self.param, x, spec)] \
                or [x for x in found if x[0] not in taken] or free or found
            if rest := self._where(rest_spans(question, self.param), lambda x: x[0]):
                # "started from rest ... at 9.8 m/s^2 for 5 seconds": the initial velocity is
                # 0 or a number stated after its name ("with an initial velocity of 10").
                name = _words(self.param)
                found = sorted(rest + [x for x in found if name <= _words(
                    " ".join(question[:x[0]].split()[-4:]))])
            if freq := self._where(compounding_spans(question, spec), lambda x: x[0]):
                found = freq  # "compounded quarterly": 4 times a year
            elif named and (bound := self._range_end(question, spec, where)):
                found = [bound]  # "between 1 and 1000": lower_limit 1, upper_limit 1000
            elif named and not rest and self.keep is None:  # a first call's own number
                found = self._named_number(question, found)
            opts = list(dict.fromkeys(lit for _, _, lit in found))
            if not opts and (days := period_days(question, self.param, spec)):
                opts = [days]  # no number written: "for the next week" is 7 days
            if not opts:
                return parse_value(self._number(logits, t == "float"), spec), None, logits
            again = frozenset(lit for a, _, lit in found if a == self.repeat_at)
            text, tid, logits = self._copy_choice(logits, opts, close or self.term, again)
            # A list's number written twice ("3,4,5,2,8,5") is its later mention.
            spans = [(a, b) for a, b, lit in found if lit == text]
            later = [x for x in spans if self.num_after is not None and x[0] > self.num_after]
            self.last_span = (later or spans or [None])[0]
            return parse_value(text, spec), tid, logits
        text, tid, logits = self._copy_string(logits, question, spec, named=named)
        return (parse_value(json.dumps(text), spec) if text.strip() else None), tid, logits

    def _range_end(self, question: str, spec: dict, where: list) -> tuple | None:
        """A range's end for a parameter named for it, when the function has both ends and
        the question writes one range where values may come from ("between 1 and 1000"
        had given lower_limit 1000 and upper_limit 1; "from -2 to 2" a lower limit of 2,
        the "2" of "exp(-x^2)")."""
        side = bound_side(self.param)
        props, _ = _params(self.function)
        if side is None or not any(bound_side(p) == 1 - side and s.get("type") in (
                "integer", "float") for p, s in props.items()):
            return None
        found = [r for r in ranges(question, spec) if r[0] in where and r[1] in where]
        return found[0][side] if len(found) == 1 else None

    def _named_number(self, question: str, found: list) -> list:
        """The one number written right after the parameter's whole name ("a length of 50
        meters and a width of 30 meters": width 30), when it is also the first of `found`
        that no other numeric parameter's name claims: a number named later than an
        unclaimed one belongs to a later scenario ("filed in 2019, also ... filed in the year
        2018": the first call's year is 2019). Else `found` as it is. On the dev ground
        truth the rule so bounded gives the right first-call value 165 times in 168 (the
        other 3 want a unit conversion: "50 mH" as 0.05)."""
        at = named_number_starts(question, self.param)
        hit = [x for x in found if x[0] in at]
        if len({lit for *_, lit in hit}) != 1:
            return found
        props, req = _params(self.function)
        other = set().union(*(named_number_starts(question, p) for p in req if p != self.param
                              and props[p].get("type") in ("integer", "float")))
        free = [x for x in found if x[0] not in other]
        return hit if free and free[0][2] == hit[0][2] else found

    def _near_name(self, question: str, param: str, spec: dict) -> list[str]:
        """The question's numbers (not taken by another parameter) with a word of the
        parameter's name among the three words on either side; for a year parameter, also
        a number written as a year ("in 2015"); for a count of compoundings, the frequency
        words' counts only ("monthly": 12)."""
        if freq := self._where(compounding_spans(question, spec), lambda x: x[0]):
            return list(dict.fromkeys(lit for *_, lit in freq))  # "with monthly compounding"
        name, taken = _words(param), {a for a, _ in self.positions.values()}
        year = "year" in tokens(param)
        unit = _desc_unit(spec)
        out = []
        for a, b, lit in self._where(number_spans(question, spec), lambda x: x[0]):
            around = " ".join(question[:a].split()[-3:] + question[b:].split()[:3])
            if a not in taken and fits(question, param, (a, b), spec) and (
                    name & _words(around) or year and re.fullmatch(r"(1[89]|20)\d\d", lit)
                    or unit and re.match(rf"\s*{re.escape(unit)}(?![\w^/])", question[b:])):
                out.append(lit)
        return list(dict.fromkeys(out))

    def _named(self, question: str, spec: dict) -> list[tuple[int, int, str]]:
        if spec.get("type") not in ("string", None) or not spec.get("enum"):
            return []
        return self._where(enum_mentions(question, spec["enum"]), lambda x: x[0])

    def _enum_list(self, logits, question: str, item: dict):
        """A list of enum values the question names: the model picks one; the list is the
        enumeration that holds it ("timings, exhibitions, and accessibility"), in question
        order. None when the question names none."""
        named = self._named(question, item)
        if not named:
            return None
        self.picked = []
        v, _, _ = self._scalar(self._step(self._ids('"')), question, item, self.comma)
        # The enumeration around the choice is read whole: a continued call that repeats the
        # last call's list starts at its first item, which alone `keep` allows.
        keep, self.keep = self.keep, None
        named = self._named(question, item)
        self.keep = keep
        at = self.last_span[0] if self.last_span else None
        k = next((i for i, x in enumerate(named) if x[2] == v and x[0] == at),
                 next((i for i, x in enumerate(named) if x[2] == v), None))
        if k is None:
            return None if v is None else [v]
        lo = hi = k
        while lo > 0 and _LIST_GAP.fullmatch(question[named[lo - 1][1]:named[lo][0]]):
            lo -= 1
        while hi + 1 < len(named) and _LIST_GAP.fullmatch(question[named[hi][1]:named[hi + 1][0]]):
            hi += 1
        self.last_span = (named[lo][0], named[hi][1])
        return [x[2] for x in named[lo:hi + 1]]

    def _array(self, logits, question: str, spec: dict):
        """A required list of scalars: items copied one by one; after each the model chooses
        between another item (`,`) and the end of the list (`]`)."""
        item = spec.get("items") or {"type": "string"}
        quoted = item.get("type") in ("string", None)
        if item.get("type") not in ("string", "integer", "float", None):
            return parse_value(self._free(logits, "[", 40), spec)
        out: list = []
        self.after = None
        if item.get("enum") and (named := self._enum_list(logits, question, item)):
            return named
        if not quoted and (lists := self._where(number_lists(question), lambda x: x[0])):
            return self._number_list(logits, lists, item)
        self.picked = out
        prev_end = None  # where the last item ended in the question
        out_span = None  # where the last item stands in the question
        for _ in range(32):  # dev lists run to 10 items; the question ends them
            if quoted:
                logits = self._step(self._ids('"' if not out else ', "'))
            elif out:
                logits = self._step(self._ids(", "))
            self.last_end = None
            self.num_after = None if quoted or out_span is None else out_span[0]
            v, tid, logits = self._scalar(logits, question, item, self.comma + self.rbracket)
            self.num_after = None
            if v is None or v in out and (quoted or not self._next_number(
                    question, out_span, self.last_span)):
                break
            out.append(v)
            out_span = self.last_span
            # "eggs, milk, and bread, and it should ...": the item after "and" is the last.
            if prev_end is not None and self.last_span is not None and re.search(
                    r"\b(and|or)\b", question[prev_end:self.last_span[0]]):
                break
            prev_end = self.last_end
            # Another item when the question enumerates on or the model writes a comma.
            listed = self.last_end is not None and list_goes_on(question, self.last_end)
            if quoted:
                logits = self._step(self._ids('"'))
                more = logits[self.comma].max() > logits[self.rbracket].max()
            else:
                more = tid in self.comma
            if not (more or listed):
                break
            self.after = self.last_end
        self.after = None
        return out or None

    @staticmethod
    def _next_number(question: str, last, span) -> bool:
        """Whether `span` is written right after `last` in the same enumeration: a number item
        equal to an earlier one is the list's only then ("data points 3,4,5,2,8,5"; the
        list ended at the repeat), not when a sentence or words stand between ("3,4,5. Use 3
        bins")."""
        return bool(last and span and span[0] >= last[1] and re.fullmatch(
            r"\s*,?\s*(?:and\s+)?", question[last[1]:span[0]]))

    def _number_list(self, logits, lists: list[tuple[int, int, str]], item: dict) -> list:
        """A number array when the question writes lists of numbers: one of them whole
        ("[200,300,400,500]", "(40.7128, -74.0060)"), none this call already took."""
        if item.get("type") == "integer":  # an integer list is written without decimals
            lists = [x for x in lists if "." not in x[2]] or lists
        fresh = [x for x in lists if x[:2] not in self.lists_used] or lists
        opts = list(dict.fromkeys(x[2] for x in fresh))
        text, _, _ = self._copy_choice(logits, opts, self.rbracket,
                                       limit=max(len(o) for o in opts) + 1)  # chars >= tokens
        hit = next(x for x in fresh if x[2].startswith(text))
        self.lists_used.add(hit[:2])
        self.last_span, self.last_end = hit[:2], hit[1]
        return [parse_value(v, item) for v in text.split(", ")]

    def __call__(self, question: str, function: dict, prev: list[dict] | None = None,
                 region: list[tuple[int, int]] | None = None, fixed: dict | None = None,
                 fresh: frozenset = frozenset()) -> dict:
        """The arguments of one call. With `prev` (earlier calls of the same function for
        this question) the call continues the list: those calls are in the prompt, and each
        required value either repeats the last call's or comes later in the question, as
        the n-th item of an enumeration does. With `region` (character spans), required
        values are copied from those spans when they state one. Parameters in `fixed` take
        the given values. Parameters in `fresh` are copied from anywhere in the question but
        not from a word of the function's or their own name (bfcl_shared.names_only)."""
        self.region, self.function, self.fresh = None if fresh else region, function, fresh
        from transformers import DynamicCache
        props, req = _params(function)
        props = named_enums(props, question)
        prompt = prompt_text(self.tok, function, question)
        before = "".join(f"{function['name']}({call_text(canonical_args(function, a))}), "
                         for a in prev or [])
        self.cache = DynamicCache()
        self._step(self._ids(prompt + before + function["name"] + "("))
        args: dict = {}
        self.used, self.after, self.last_end = set(), None, None
        self.lists_used: set[tuple[int, int]] = set()  # number lists this call took
        self.held: list[str] = []  # this call's string values so far
        self.fixed_spans: dict[str, tuple[int, int] | None] = {}
        last_pos = self.positions if prev else {}
        self.positions = {}
        # Where the last call's scenario ends: its furthest value, not counting one stated
        # after a new value this call is given ("solar energy for 12 months and wind energy
        # for 8 months in the Midwest region": Midwest, shared, is no end of the first).
        self.given_at = _given_start(question, props, fixed, (prev or [{}])[-1]) if prev \
            else None
        seg = _scenario_end(last_pos, self.given_at)
        pending = ""  # committed text not yet in the cache (fed with the next param's lead)
        # A given string holds its place before any value is decoded, whatever the parameter
        # order ("USD to AUD and USD to CAD": the second call's base, decoded before its
        # given target CAD, had taken CAD).
        for v in (fixed or {}).values():
            self._hold(v)
        for p, spec in props.items():
            t, required = spec.get("type"), p in req
            self.param = p
            lead = (", " if args else "") + f"{p}="
            if fixed and p in fixed:  # given (by the enumeration rule): read, not decoded
                args[p] = fixed[p]
                pending += lead + literal(canonical(p, spec, fixed[p]))
                if t in ("integer", "float"):  # where it stands, for a unit after it only
                    self.fixed_spans[p] = _number_at(question, spec, fixed[p])
                continue
            if t == "boolean" and not required and not flag_asked(p, question):
                continue
            is_list = t in ("array", "tuple")
            is_dict = required and declared(spec)
            opener = '"' if t in ("string", "any") else "[" if is_list else "{" if is_dict \
                else ""
            start = self.cache.get_seq_length()
            logits = self._step(self._ids(pending + lead + opener))
            self.last_span, self.keep, self.picked, stated = None, None, [], False
            self.repeat_at = None
            if p in last_pos:  # the same value again, or one stated after the last call's
                ps = last_pos[p][0]
                self.keep = lambda i, ps=ps, seg=seg: i == ps or i >= seg
                scalar = t in ("string", "integer", "float") and not spec.get("enum")
                self.repeat_at = ps if required and scalar else None
            if t == "boolean":  # optional ones reach here only when the question names them
                value = bool(logits[self.true_id] >= logits[self.false_id]) or not required
            elif required and t in ("string", "any", "integer", "float") or \
                    (required and spec.get("enum")):
                self.span_param = p if t == "string" and not spec.get("enum") else None
                value = self._scalar(logits, question, spec, named=True)[0]
                self.span_param = None
            elif required and is_list:
                value = self._array(logits, question, spec)
            elif is_dict:  # {"min": 500000.0, "max": 800000.0} (bfcl_dicts)
                value = decode_dict(self, question, p, spec)
                self.last_span = None
            elif required and t == "dict" and (written := stated_dicts(question, self.region)):
                value = written[0]  # "the grade dictionary {'Math': 85, ...}"
            elif not required and (unit := stated_unit(
                    question, p, spec, props, {**self.fixed_spans, **self.positions})):
                value, stated = unit, True  # "a radius of 4 inches": unit="inches"
            elif enum_of(spec) and t in ("string", "array"):
                # An optional enum is set only to values the question names: on the dev slice
                # a named one was wanted or accepted 45 times out of 45, an unnamed one never.
                if t == "array":  # None when the question names none of the items
                    value = self._enum_list(logits, question, spec.get("items", {}))
                else:  # _scalar would fall back to every value: ask first
                    value = self._scalar(logits, question, spec)[0] \
                        if self._named(question, spec) else None
                stated = value is not None
            elif t == "integer" and (hours := self._where(clock_hours(question, spec),
                                                          lambda x: x[0])):
                # "open until at least 11 PM" for an hour "in 24 hour format": 23.
                text, _, _ = self._copy_choice(logits, list(dict.fromkeys(
                    h for *_, h in hours)), self.term)
                value, stated = parse_value(text, spec), True
            elif t in ("integer", "float") and (near := self._near_name(question, p, spec)):
                # An optional number the question states next to the parameter's name ("the
                # next three days" for days): chosen among those numbers.
                text, _, _ = self._copy_choice(logits, near, self.term)
                value, stated = parse_value(text, spec), True
            elif t in ("integer", "float"):
                value = parse_value(self._number(logits, t == "float"), spec)
            elif (t == "string" or is_list and (spec.get("items") or {}).get("type")
                  in ("string", None)) and _words(p) & _words(question) or \
                    t == "string" and canonical_forms(question, p, spec):
                # An optional string the question names ("with stops at Santa Barbara and
                # Monterey" for stops): copied like a required one; so is an optional
                # currency or formula the question states (bfcl_forms).
                self.span_param = p if t == "string" else None
                value = self._scalar(logits, question, spec)[0] if t == "string" else \
                    self._array(logits, question, spec)
                self.span_param = None
                # The name itself ("month" for month) names, not states. A value without
                # words is no name ("2022-12-31" for return_date), but a bare number is no
                # string either ("-122.4194" for month).
                text = " ".join(value) if is_list else value or ""
                said = _words(text)
                if value and (said <= _words(p) if said else
                              re.fullmatch(r"[-+]?[\d.,]+", text)):
                    value = None
            else:
                value = parse_value(self._free(logits, opener, 40 if is_list else 24), spec)
                if value is not None and spec.get("enum") and value not in spec["enum"]:
                    value = None
            self.keep = None
            self.cache.crop(start - self.cache.get_seq_length())  # negative: drop the tail
            if value is None or value == "" or value == []:
                continue
            if not required and isinstance(value, str) and value.lower() in {
                    str(x).lower() for v in args.values() for x in
                    (v if isinstance(v, list) else [v])}:
                continue  # an optional string another value of this call already holds
            # An optional value decoded freely must be stated where the function reads
            # (with several functions, its own clauses): another task's "100 meters" or
            # "0.25" is no location or permittivity of this one.
            where = " ".join(question[a:b] for a, b in self.region) if self.region \
                else question
            if required or stated or t == "boolean" or grounded(value, where):
                args[p] = value
                self._hold(value)
                # The model reads the value as the answerer will write it ("GBP", "x**2"),
                # as the call adapter was trained.
                pending += lead + literal(canonical(p, spec, value))
                if self.last_span is not None:
                    self.positions[p] = self.last_span
        return {p: v for p, v in args.items()
                if p in req or enum_of(props[p]) or not within_other(p, args)}
