"""Canonical forms of values a BFCL question states in words: the ISO code of a currency it
names ("British pounds" -> "GBP") and the Python form of a formula it writes with "^"
("3x^2 + 2x - 1" -> "3x**2 + 2x - 1"). A parameter that takes such a value (a `currency`,
a `function` to integrate) chooses among these forms instead of copying words. On the dev
ground truth the ISO code is accepted for 49 of 49 currency values (the question's own
words for 38); a source currency is the one an amount is written in ("convert 200 euros
to US dollars": from EUR, to USD). The question's formulas in Python form hold 22 of 24
formula values (the other two, a derivative worked out and a `2*x**3` spelling, are in no
question). Each
form comes with the question span it stands for, so a continued call can take the next
one. A US city is written "City, ST" when the parameter's description shows that form
("e.g. New York, NY"): 27 of 27 such dev values accept it, 7 only it; without the example
1 of 222 US-city values wants the state. An optional unit parameter takes the length unit
written after the number it measures ("a radius of 4 inches" -> "inches"). A ticker
parameter ("The ticker symbol of the company") takes the ticker of a company the question
names ("Apple Inc." -> "AAPL"), or the one it writes after the name ("(MSFT)"): every dev
ticker value is a code, and the model had copied the name. A `state` parameter takes a US
state the question names, or the state code of a city it names ("San Francisco" -> "CA").
Pure functions."""
from __future__ import annotations

import re

from loracle.agent.bfcl_described import described_code, described_singular
from loracle.agent.bfcl_places import country_form
from loracle.agent.bfcl_siblings import US_STATES
from loracle.agent.bfcl_values import _params, _words, tokens

# Longest names first: "Canadian dollars" is CAD before "dollars" is USD.
_CURRENCY_NAMES = [
    (r"u\.?s\.? dollars?|united states dollars?|american dollars?", "USD"),
    (r"canadian dollars?", "CAD"), (r"australian dollars?", "AUD"),
    (r"new zealand dollars?", "NZD"), (r"hong kong dollars?", "HKD"),
    (r"singapore dollars?", "SGD"), (r"euros?", "EUR"),
    (r"british pounds?(?: sterling)?|pounds? sterling|pounds?|sterling", "GBP"),
    (r"japanese yen|yen", "JPY"), (r"swiss francs?", "CHF"),
    (r"chinese yuan|yuan|renminbi", "CNY"), (r"indian rupees?|rupees?", "INR"),
    (r"mexican pesos?", "MXN"), (r"south korean won|korean won", "KRW"),
    (r"swedish krona|swedish kronor", "SEK"), (r"russian rubles?|rubles?", "RUB"),
    (r"brazilian reals?", "BRL"), (r"dollars?", "USD"),
]
_CODES = ("USD EUR GBP JPY CAD AUD NZD HKD SGD CHF CNY INR MXN KRW SEK NOK DKK RUB BRL ZAR "
          "TRY PLN").split()
_CURRENCY = re.compile(
    "|".join(rf"(?P<c{i}>\b(?:{pat})\b)" for i, (pat, _) in enumerate(_CURRENCY_NAMES)) +
    r"|(?P<code>(?-i:\b(?:" + "|".join(_CODES) + r")\b))|(?P<sym>[$€£¥])", re.I)
_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY"}

# One term of a formula: an optional coefficient, then a variable ("x") or a call
# ("exp(-x^2)"), then an optional power; or a bare number.
_TERM = (r"(?:\d+(?:\.\d+)?\*?)?(?:[a-z]{2,5}\([^()]*\)|[a-z](?![a-z]))"
         r"(?:\^(?:\(-?[\w.]+\)|-?\w+(?:\.\d+)?))?|\d+(?:\.\d+)?(?!\w|\.\d)")
_MATH_CALL = re.compile(r"\b(?:sin|cos|tan|exp|log|ln|sqrt)\(")
_FORMULA = re.compile(rf"-?(?:{_TERM})(?:\s*[-+*/]\s*(?:{_TERM}))*")
# Cities the questions name most, with their state: the knowledge a 135M model lacks.
_STATE_OF = {
    "New York": "NY", "New York City": "NY", "Brooklyn": "NY", "Manhattan": "NY",
    "Los Angeles": "CA", "San Francisco": "CA", "San Diego": "CA", "San Jose": "CA",
    "Palo Alto": "CA", "Sacramento": "CA", "Oakland": "CA", "Berkeley": "CA",
    "Santa Barbara": "CA", "Chicago": "IL", "Seattle": "WA", "Boston": "MA",
    "Houston": "TX", "Austin": "TX", "Dallas": "TX", "San Antonio": "TX", "Miami": "FL",
    "Orlando": "FL", "Tampa": "FL", "Denver": "CO", "Las Vegas": "NV", "Phoenix": "AZ",
    "Atlanta": "GA", "Philadelphia": "PA", "Pittsburgh": "PA", "Portland": "OR",
    "Nashville": "TN", "New Orleans": "LA", "Detroit": "MI", "Minneapolis": "MN",
    "Baltimore": "MD", "Cleveland": "OH", "Columbus": "OH", "Salt Lake City": "UT",
    "Honolulu": "HI", "Charlotte": "NC", "Indianapolis": "IN",
}
# Companies the questions name, with their ticker: knowledge a 135M model lacks, as is a
# city's state. A name may carry its legal suffix ("Apple Inc.", "Amazon.com, Inc.").
_TICKER_OF = {
    "Apple": "AAPL", "Microsoft": "MSFT", "Google": "GOOG", "Alphabet": "GOOG",
    "Amazon": "AMZN", "Tesla": "TSLA", "Meta": "META", "Facebook": "META", "Netflix": "NFLX",
    "Nvidia": "NVDA", "NVIDIA": "NVDA", "IBM": "IBM", "Intel": "INTC", "AMD": "AMD",
    "Oracle": "ORCL", "Adobe": "ADBE", "Salesforce": "CRM", "Cisco": "CSCO", "PayPal": "PYPL",
    "Uber": "UBER", "Walmart": "WMT", "Disney": "DIS", "Coca-Cola": "KO", "PepsiCo": "PEP",
    "Boeing": "BA", "JPMorgan": "JPM", "Visa": "V", "Mastercard": "MA", "Starbucks": "SBUX",
    "McDonald's": "MCD", "Nike": "NKE", "Exxon": "XOM", "Ford": "F", "Toyota": "TM",
}
# `full` is the name as written, suffix included; `code` a ticker written after it.
_COMPANY = re.compile(r"\b(?P<full>(?P<name>" + "|".join(map(re.escape, sorted(
    _TICKER_OF, key=len, reverse=True))) + r")(?:\.com)?(?:,?\s+(?:Inc\b\.?|Corporation\b|"
    r"Corp\b\.?|LLC\b\.?|Co\b\.?|Platforms\b|Motors\b|Company\b))?)"
    r"(?:\s*\((?P<code>[A-Z.]{1,6})\))?")
# A ticker the question writes in parentheses ("Zoom Video (ZM)") or as a known code.
_CODE = re.compile(r"\((?P<paren>[A-Z]{1,5})\)|\b(?P<bare>" +
                   "|".join(sorted({c for c in _TICKER_OF.values() if len(c) > 1},
                                   key=len, reverse=True)) + r")\b")
# A US state as named, and a city of _STATE_OF (the longest name first: "New York City").
_STATE_NAME = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, US_STATES), key=len,
                                                      reverse=True)) + r")\b")
_CITY = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, _STATE_OF), key=len,
                                                reverse=True)) + r")\b")
# The "City, ST" form shown by example ("e.g. New York, NY") or named ("In the format City,
# State": the dev ground truth takes "Chicago, Illinois" or "Chicago, IL", never "Chicago").
_CITY_STATE_EXAMPLE = re.compile(r"\b[A-Z][a-z]+(?: [A-Z][a-z]+)*, [A-Z]{2}\b|\bCity, State\b")
_FORMULA_WORDS = {"funct", "func", "polyn", "equat", "expre", "formu"}
_OPERATOR = re.compile(r"(?<=[\w)])\s*([-+])\s*(?=[\w(])")
# A length unit written right after a number ("4 inches", "5m"). No "in" or "mi": "5 in the"
# is no unit.
_LENGTH_UNIT = re.compile(r"\s?(met(?:er|re)s?|m|cm|centimet(?:er|re)s?|mm|millimet(?:er|re)s?|"
                          r"km|kilomet(?:er|re)s?|miles?|feet|foot|ft|inch(?:es)?|yards?)"
                          r"(?![\w/^²³]|[.-]\w)", re.I)
# A unit of a quantity derived from the lengths ("the unit for the area", "the velocity")
# or a system ("'metric' or 'imperial'") is not the unit the lengths are written in.
_DERIVED = _words("area speed velocity density system temperature volume rate")


def currencies(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ISO code) of every currency `text` names, in order."""
    out = []
    for m in _CURRENCY.finditer(text):
        if m.group("sym"):
            code = _SYMBOLS[m.group()]
        elif m.group("code"):
            code = m.group()
        else:
            code = _CURRENCY_NAMES[int(m.lastgroup[1:])][1]
        out.append((m.start(), m.end(), code))
    return out


def formulas(text: str) -> list[tuple[int, int, str]]:
    """(start, end, Python form) of every formula `text` writes with "^" or a math call
    ("f(x)=x^2" is "x**2": the name before "=" is no part of it). "+" and "-" between
    terms are spaced ("2x^2+3x-1" is "2x**2 + 3x - 1"), as the ground truth writes them."""
    return [(m.start(), m.end(), _OPERATOR.sub(r" \1 ", m.group().replace("^", "**")))
            for m in _FORMULA.finditer(text) if "^" in m.group() or _MATH_CALL.search(m.group())]


def currency_side(param: str) -> str | None:
    """"from" for a source currency (`from_currency`, `base_currency`), "to" for a target
    one (`to_currency`, `target_currency`), None when the name says neither."""
    words = set(tokens(param))
    if words & {"from", "base", "source", "original", "src"}:
        return "from"
    if words & {"to", "target", "dest", "destination", "into"}:
        return "to"
    return None


def paid(question: str, forms: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The currency mentions an amount is written in: named right after a number ("200 US
    dollars", "15000 Euro") or a symbol right before one ("$100")."""
    return [(a, b, code) for a, b, code in forms
            if re.search(r"\d\s*$", question[:a]) or
            (question[a:b] in _SYMBOLS and re.match(r"\s*\d", question[b:]))]


def is_currency(param: str, spec: dict) -> bool:
    """A free-text parameter that holds a currency (`base_currency`, `to_currency`)."""
    return spec.get("type") == "string" and not spec.get("enum") and \
        "currency" in tokens(param)


def is_formula(param: str, spec: dict) -> bool:
    """A free-text parameter named as a formula (`function`, `func`, `polynomial`), not as
    a part of one (`function_variable`)."""
    words = set(tokens(param))
    return spec.get("type") == "string" and not spec.get("enum") and \
        bool(_FORMULA_WORDS & {w[:5] for w in words}) and not {"variable", "var"} & words


def is_ticker(param: str, spec: dict) -> bool:
    """A free-text parameter whose description asks for a ticker ("The ticker symbol of the
    stock", "The stock symbol of the company")."""
    return spec.get("type") == "string" and not spec.get("enum") and bool(
        re.search(r"\bticker\b|\bstock symbol\b", str(spec.get("description", "")), re.I))


def tickers(text: str) -> list[tuple[int, int, str]]:
    """(start, end, ticker) of every company `text` names and every ticker it writes. The
    span is the name as written ("Apple Inc."), its ticker the one written after it
    ("Apple Inc. (AAPL)") or the table's; a written ticker is its own span."""
    out, taken = [], []
    for m in _COMPANY.finditer(text):
        # "Apple Inc. (AAPL)": the name with its suffix is the span, the code its ticker.
        out.append((m.start(), m.end("full"), m.group("code") or _TICKER_OF[m.group("name")]))
        taken.append((m.start(), m.end()))
    for m in _CODE.finditer(text):
        if not any(a <= m.start() < b for a, b in taken):
            g = "paren" if m.group("paren") else "bare"
            out.append((m.start(g), m.end(g), m.group(g)))
    return sorted(out)


def is_state(param: str, spec: dict) -> bool:
    """A free-text parameter that holds a US state (`state`)."""
    return spec.get("type") == "string" and not spec.get("enum") and "state" in tokens(param)


def states(text: str) -> list[tuple[int, int, str]]:
    """(start, end, form) of every US state `text` names (the name as written) and every
    city of _STATE_OF it names outside them (its state's code): "the crime rate in San
    Francisco" asks for California's, and the model had copied "official"."""
    out = [(m.start(), m.end(), m.group()) for m in _STATE_NAME.finditer(text)]
    taken = [(a, b) for a, b, _ in out]
    out += [(m.start(), m.end(), _STATE_OF[m.group()]) for m in _CITY.finditer(text)
            if not any(a <= m.start() < b for a, b in taken)]
    return sorted(out)


def canonical_forms(question: str, param: str, spec: dict) -> list[tuple[int, int, str]]:
    """The forms `param` chooses among (see the module doc); [] when it copies words."""
    if is_currency(param, spec):
        return currencies(question)
    if is_formula(param, spec):
        return formulas(question)
    if is_ticker(param, spec):
        return tickers(question)
    if is_state(param, spec):
        return states(question)
    return []


def is_unit_param(param: str, spec: dict) -> bool:
    """A free-text parameter that holds a unit (`unit`, `units`, `to_unit`)."""
    return spec.get("type") == "string" and not spec.get("enum") and "unit" in param.lower()


def is_length_unit(text) -> bool:
    return isinstance(text, str) and bool(_LENGTH_UNIT.fullmatch(text))


def stated_unit(question: str, param: str, spec: dict, props: dict,
                spans: dict[str, tuple[int, int] | None]) -> str | None:
    """An optional unit parameter takes the length unit written right after the value of
    the number it measures: "a radius of 4 inches" -> "inches" for "The unit of measurement
    for the radius". The measured numbers are those the description names, else every
    number parameter (when the description names no derived quantity); `spans` are where
    their decoded values stand in the question. None unless they all carry one unit. On
    the dev ground truth this unit is accepted for 19 of 19 unit values it gives, 8 of
    which fail without it (the default differs)."""
    if not is_unit_param(param, spec):
        return None
    said = _words(str(spec.get("description", "")))
    numbers = [p for p, s in props.items() if s.get("type") in ("integer", "float")]
    measured = [p for p in numbers if _words(p) & said]
    if not measured:
        measured = [] if said & _DERIVED else numbers
    units = [m[1] for p in measured if spans.get(p)
             if (m := _LENGTH_UNIT.match(question, spans[p][1]))]
    # The first as written ("Meters ... meters" is one unit; a set would pick either).
    return units[0] if len({u.lower() for u in units}) == 1 else None


def with_state(value: str, spec: dict) -> str:
    """"Chicago" -> "Chicago, IL" when the description shows or names the "City, ST" form."""
    state = _STATE_OF.get(value)
    if state and _CITY_STATE_EXAMPLE.search(str(spec.get("description", ""))):
        return f"{value}, {state}"
    return value


_MONTH_NAMES = ("January February March April May June July August September October "
                "November December").split()


def month_name(param: str, value: str) -> str:
    """A month parameter's abbreviation written out ("next month (Feb)": "February"; no dev
    ground-truth month is abbreviated)."""
    m = re.fullmatch(r"([A-Za-z]{3,4})\.?", value.strip()) if "month" in tokens(param) \
        else None
    return next((n for n in _MONTH_NAMES if m and n.lower().startswith(m.group(1).lower())),
                value)


def canonical(param: str, spec: dict, value):
    """A decoded value in the form the parameter takes: a stated currency as its code, a
    stated formula in Python syntax, a company as its ticker, a US city with its state where
    the description shows that form, a country's demonym as the country (bfcl_places), a
    plural category as the description's singular, a word as the code the description
    gives for it, a month's abbreviation written out; anything else as it is."""
    if not isinstance(value, str):
        return value
    if is_ticker(param, spec) and len(found := tickers(value)) == 1:
        return found[0][2]
    if is_currency(param, spec) and len(found := currencies(value)) == 1:
        return found[0][2]
    if is_formula(param, spec) and len(found := formulas(value)) == 1 \
            and found[0][:2] == (0, len(value)):
        return found[0][2]
    if is_state(param, spec) and len(found := states(value)) == 1 \
            and found[0][:2] == (0, len(value)):
        return found[0][2]
    value = described_code(described_singular(value, spec), spec)
    return with_state(country_form(param, month_name(param, value)), spec)


def canonical_args(function: dict, args: dict) -> dict:
    """`canonical` for each argument of one call of `function`."""
    props, _ = _params(function)
    return {p: canonical(p, props.get(p, {}), v) for p, v in args.items()}
