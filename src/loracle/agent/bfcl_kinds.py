"""What a number measures, where the question says so: a sum of money ("$5000", "200
dollars"), a duration ("5 years", "30-day"), a percentage ("4%"), an area ("400 square
feet") or a length ("12 feet"); and which of those a numeric parameter may not take, by its
name (money, duration, rate) or its description (an area, a length).

"John has $5000 ... for 5 years ... at 4%" had given `principle=5`, `time=5000` and
`principle_amount=0.04`, and "a wall of 30 feet by 12 feet ... covers 400 square feet per
gallon" `coverage_rate=12`, `height=400`: the copy decoder saw only numbers. A parameter
named for money (principal, price, income, cost, ...) takes no duration or percentage, one
named for a duration (time, years, period, ...) no money or percentage, a rate no money or
duration; one described as an area ("The area in square feet that one gallon ... can
cover") no length, one described in a length unit or named for a length no area. On the
dev ground truth (461 numeric values of money/duration/rate parameters and 233 of
area/length ones with a marked mention) no accepted value is only ever written with a kind
its parameter refuses; numbers with no mark fit any parameter. Measured effect:
docs/agent.md ("Number kinds").
"""
from __future__ import annotations

import re

from loracle.agent.bfcl_values import tokens

_MONEY_AFTER = re.compile(r"\s*(dollars?|euros?|pounds?|usd|eur|gbp|yen|rupees?|bucks)\b",
                          re.I)
_DURATION_AFTER = re.compile(
    r"\s*-?\s*(years?|yrs?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?)\b", re.I)
_PERCENT_AFTER = re.compile(r"\s*(%|percent\b)", re.I)
_LENGTH_UNIT = (r"(feet|foot|ft|meters?|metres?|m|inches|inch|in|cm|centimeters?|km|"
                r"kilometers?|miles?|mm|yards?)")
_AREA_AFTER = re.compile(r"\s*(?:(?:square|sq\.?)\s+" + _LENGTH_UNIT + r"\b|" + _LENGTH_UNIT
                         + r"(?:²|\^2))", re.I)
# A bare "in" is no unit ("43403 in New York"); "in²" is.
_LENGTH_AFTER = re.compile(r"\s*(?!in\b)" + _LENGTH_UNIT + r"\b(?!\s*(?:²|\^2|per\b|/))",
                           re.I)
_LENGTH_WORDS = {"feet", "foot", "meters", "metres", "inches", "centimeters", "kilometers",
                 "miles", "length", "height", "width", "distance"}
_NOT_LENGTH = {"cubic", "volume", "speed", "velocity", "per"}

_DURATION = {"time", "years", "period", "duration", "term", "months", "days", "hours",
             "minutes", "seconds", "weeks", "tenure"}
_MONEY = {"principal", "principle", "price", "cost", "income", "salary", "investment",
          "payment", "loan", "deposit", "revenue", "equity", "dividend", "dividends",
          "budget", "fee", "fees", "sum", "amount", "capital", "savings"}
_RATE = {"rate", "percentage", "percent"}
# The kinds of number each kind of parameter refuses.
_REFUSES = {"money": {"duration", "percent"}, "duration": {"money", "percent"},
            "rate": {"money", "duration"}, "area": {"length"}, "length": {"area"}}


def number_kind(question: str, start: int, end: int) -> str | None:
    """'money', 'duration', 'percent', 'area' or 'length' for the number written at
    question[start:end] when a currency sign before it or the words after it say so, else
    None."""
    if question[max(0, start - 1):start] in ("$", "€", "£") or \
            _MONEY_AFTER.match(question, end):
        return "money"
    if _PERCENT_AFTER.match(question, end):
        return "percent"
    if _DURATION_AFTER.match(question, end):
        return "duration"
    if _AREA_AFTER.match(question, end):
        return "area"
    if _LENGTH_AFTER.match(question, end):
        return "length"
    return None


def param_kinds(param: str, description: str = "") -> set[str]:
    """What a numeric parameter measures: by its name money, a duration or a rate
    ("short_term_gain" is money named for a term, not a duration: none), and by its
    description (or name) an area or a length ("Height of the wall in feet"); a
    "coverage_rate" described in square feet is both a rate and an area."""
    words, kinds = set(tokens(param)), set()
    if words & _RATE:
        kinds.add("rate")
    elif words & _DURATION and not words & {"short", "long"}:
        kinds.add("duration")
    elif words & _MONEY:
        kinds.add("money")
    said = words | set(tokens(description))
    # "The width of the area to be painted in feet" is a length: an area is named so or
    # described in a square unit.
    if "area" in words or re.search(r"\b(?:square|sq\.?)\s*" + _LENGTH_UNIT, description, re.I):
        kinds.add("area")
    elif said & _LENGTH_WORDS and not said & _NOT_LENGTH:
        kinds.add("length")
    return kinds


def fits(question: str, param: str, span: tuple, spec: dict | None = None) -> bool:
    """Whether the number at span (start, end, ...) may be the value of the parameter (whose
    schema `spec` gives its description)."""
    kind = number_kind(question, span[0], span[1])
    said = str((spec or {}).get("description", ""))
    return kind is None or not any(kind in _REFUSES[k] for k in param_kinds(param, said))
