"""What a number measures, where the question says so: a sum of money ("$5000", "200
dollars"), a duration ("5 years", "30-day") or a percentage ("4%"); and which of those a
numeric parameter may not take by its name. "John has $5000 ... for 5 years ... at 4%" had
given `principle=5`, `time=5000` and `principle_amount=0.04`: the copy decoder saw only
numbers. A parameter named for money (principal, price, income, cost, ...) takes no
duration or percentage, one named for a duration (time, years, period, ...) no money or
percentage, a rate no money or duration. On the dev ground truth (461 numeric values of
such parameters with a marked mention) no accepted value is only ever written with a kind
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

_DURATION = {"time", "years", "period", "duration", "term", "months", "days", "hours",
             "minutes", "seconds", "weeks", "tenure"}
_MONEY = {"principal", "principle", "price", "cost", "income", "salary", "investment",
          "payment", "loan", "deposit", "revenue", "equity", "dividend", "dividends",
          "budget", "fee", "fees", "sum", "amount", "capital", "savings"}
_RATE = {"rate", "percentage", "percent"}
# The kinds of number each kind of parameter refuses.
_REFUSES = {"money": {"duration", "percent"}, "duration": {"money", "percent"},
            "rate": {"money", "duration"}}


def number_kind(question: str, start: int, end: int) -> str | None:
    """'money', 'duration' or 'percent' for the number written at question[start:end] when
    a currency sign before it or a word after it says so, else None."""
    if question[max(0, start - 1):start] in ("$", "€", "£") or \
            _MONEY_AFTER.match(question, end):
        return "money"
    if _PERCENT_AFTER.match(question, end):
        return "percent"
    if _DURATION_AFTER.match(question, end):
        return "duration"
    return None


def param_kind(param: str) -> str | None:
    """What a numeric parameter's name says it measures ("short_term_gain" is money named
    for a term, not a duration: no kind)."""
    words = set(tokens(param))
    if words & _RATE:
        return "rate"
    if words & _DURATION and not words & {"short", "long"}:
        return "duration"
    if words & _MONEY:
        return "money"
    return None


def fits(question: str, param: str, span: tuple) -> bool:
    """Whether the number at span (start, end, ...) may be the parameter's value."""
    kind = param_kind(param)
    return kind is None or number_kind(question, span[0], span[1]) not in _REFUSES[kind]
