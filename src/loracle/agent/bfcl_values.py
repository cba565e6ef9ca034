"""Argument values for BFCL calls: parsing decoded text into the schema's Python type, whether
a value is stated in the question, and the forms a value may take beyond the question's own
words (numbers as written, percentages as fractions, dates in the format a parameter asks
for, "^" as "**"). Pure functions; the LM decoder (bfcl_decode) and the answerer use them."""
from __future__ import annotations

import ast
import os
import re
from datetime import date
from typing import Any

_STOP = set("a an the of for to in on at by with and or is are be what how me my i you "
            "your it its this that from as find get calculate compute give tell please "
            "given using use can could would will do does which respectively".split())
# A word of a copied value: "$5", "Bros.", "Wi-Fi", "-3.5", and what "/", "@", ":" or "\\"
# glue without a space ("2022/AL2562", "john.doe@example.com", "~/data/scan.nii", "km/h",
# "C#"): a value never starts or ends inside those (the decoder had cut "john.doe" and
# "AL2562" out of them). Spans start and end on these words, and the span prior
# (bfcl_spans) counts and reads them, so both use this one.
WORD = re.compile(r"(?:~?/(?=\w)|~(?=\w))?[\w$][\w$.'&-]*(?:[/@:\\]+[\w$~.'&-]+)*#?|-\d[\d.]*")
# A number as written: "15,000" has a thousands separator, "5,10 and 15" is a list.
NUMBER = r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_SCI = re.compile(r"[eE]([-+]?\d+)\b|\s*[x×*]\s*10\s*(?:\^|\*\*)\s*\(?([-+]?\d+)\)?")
_NUM = re.compile(r"(?<![\w.])" + NUMBER + r"(?![\d])")
_WORD_NUMS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve".split())} | {
    "twice": 2, "thrice": 3}  # "rolling a six twice in a row": 2 rolls
_SCALES = {"k": 1e3, "m": 1e6, "b": 1e9, "t": 1e12}
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
_MONTH_RE = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"


def tokens(text: str) -> list[str]:
    """Lower-case letter runs, camelCase and snake_case split ("toCurrency" -> to, currency)."""
    return re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
                      .replace("_", " ").lower())


def _words(text: str) -> set[str]:
    # 5-letter prefixes: a crude stem so "calculating"/"calculate", "areas"/"area" meet.
    return {w[:5] for w in tokens(text) if w not in _STOP}


def _params(f: dict) -> tuple[dict, list[str]]:
    p = f.get("parameters") or {}
    return p.get("properties") or {}, list(p.get("required") or [])


def coerce(value: Any, spec: dict) -> Any:
    """A decoded value in the schema's Python type, or None when it cannot be: the checker
    wants exact types (1 is no float inside a list, "5" is no int)."""
    t = spec.get("type")
    try:
        if t == "integer":
            return int(value) if float(value) == int(float(value)) else None
        if t == "float":
            return float(value)
        if t == "boolean":
            return value if isinstance(value, bool) else str(value).lower() == "true"
        if t in ("string", "any"):
            return value if isinstance(value, str) else str(value)
        if t in ("array", "tuple"):
            items = list(value) if isinstance(value, (list, tuple)) else [value]
            sub = spec.get("items") or {}
            return [coerce(v, sub) if sub.get("type") else v for v in items]
        if t == "dict":
            return value if isinstance(value, dict) else None
    except (TypeError, ValueError):
        return None
    return value


def parse_value(text: str, spec: dict) -> Any:
    """Python literal text (as decoded after `name=`) -> coerced value, None if unparsable."""
    text = text.strip().rstrip(",)").strip()
    try:
        v = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        v = text.strip("\"'") if spec.get("type") in ("string", "any") else None
    return None if v is None else coerce(v, spec)


def grounded(value: Any, question: str) -> bool:
    """Whether an optional value is stated in the question; a wrong optional value fails the
    checker while an absent one usually passes, so only stated values are kept."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, list):
        return bool(value) and all(grounded(v, question) for v in value)
    if isinstance(value, (int, float)):  # as digits, or a number word ("three days"; not
        # "one", which is mostly a pronoun: "one of", "another one")
        return any(float(n) == value for a, _, n in number_spans(question, {})
                   if question[a] in "-0123456789") or \
            value >= 2 and any(_WORD_NUMS.get(w) == value for w in re.findall(r"[a-z]+",
                                                                              question.lower()))
    # Whole words: a decoded "m" or "K" is inside every question but stated in none.
    return len(value) > 1 and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", question,
                                        re.I) is not None


def _as_fraction(spec: dict) -> bool:
    """Whether a float parameter wants "5%" as 0.05. On the dev questions a float stated as a
    percentage was wanted as a fraction 66 times out of 77; the exceptions say "percent(age)"
    in the description without a decimal example."""
    d = str(spec.get("description", "")).lower()
    return "percent" not in d or "decimal" in d or re.search(r"0\.\d", d) is not None


def number_spans(question: str, spec: dict) -> list[tuple[int, int, str]]:
    """The literals a required number may take, with where the question states them: its
    numbers as written (without thousands separators), number words ("two dice", "twice"),
    and for floats a percentage as the fraction it means. Integers keep only whole numbers."""
    out: list[tuple[int, int, str]] = []
    sci_spans: list[tuple[int, int]] = []
    frac = spec.get("type") == "float" and _as_fraction(spec)
    for m in _NUM.finditer(question):
        s, end = m.group().replace(",", ""), m.end()
        if frac and re.match(r"\s*(%|percent)", question[m.end():]):
            s = repr(float(s) / 100)
        # "213 million", "$1.2M": the number meant (every such dev value is written out).
        dollars = question[m.start() - 1:m.start()] == "$"
        scale = re.match(r"\s*(million|billion|trillion)\b", question[end:], re.I) or (
            dollars and re.match(r"(K|M|B|bn)\b", question[end:]))
        if scale:
            n = round(float(s) * _SCALES[scale.group(1).lower()[0]], 6)
            s, end = (str(int(n)) if n == int(n) else repr(n)), end + scale.end()
        # "1e-9", "8.854 x 10^-12": the number in scientific notation, whole.
        if sci := _SCI.match(question, end):
            s, end = repr(float(f"{s}e{sci.group(1) or sci.group(2)}")), sci.end()
            sci_spans.append((m.start(), end))
        out.append((m.start(), end, s))
    # The exponent of a number in scientific notation is no number of its own.
    out = [x for x in out if not any(a < x[0] < b for a, b in sci_spans)]
    # A height in feet and inches is its inches ("5ft 10in": 70; 3 of 3 dev values), and
    # "50mH" is 0.05 for a parameter in henries: the numbers inside such a span give way.
    for a, b, lit in _feet_inches(question) + _si_prefixed(question, spec):
        out = [x for x in out if not a <= x[0] < b] + [(a, b, lit)]
    out += [(m.start(), m.end(), str(_WORD_NUMS[m.group().lower()]))
            for m in re.finditer(r"[A-Za-z]+", question) if m.group().lower() in _WORD_NUMS]
    if spec.get("type") == "integer":
        out = [(a, b, s.split(".")[0]) for a, b, s in out if re.fullmatch(r"-?\d+(\.0+)?", s)]
    return sorted(out)


_PERIOD_DAYS = {"week": "7", "fortnight": "14", "month": "30"}


def period_days(question: str, param: str, spec: dict) -> str | None:
    """A count of days the question gives as one period ("for the next week": 7, "the
    upcoming month": 30), for a number parameter that counts days."""
    if spec.get("type") not in ("integer", "float") or "day" not in " ".join(
            tokens(param) + tokens(str(spec.get("description", "")))):
        return None
    m = re.search(r"\b(?:a|one|next|this|the|upcoming|coming|following)\s+"
                  r"(week|fortnight|month)\b", question, re.I)
    return _PERIOD_DAYS[m.group(1).lower()] if m else None


def clock_hours(question: str, spec: dict) -> list[tuple[int, int, str]]:
    """For an integer hour "in 24 hour format" (its description says so), the clock times
    the question writes, as that hour: "until at least 11 PM" is 23, "22:00" is 22."""
    if spec.get("type") != "integer" or not re.search(r"24[- ]?hour", str(
            spec.get("description", "")), re.I):
        return []
    out = []
    for m in re.finditer(r"\b(\d{1,2})(?::(\d\d))?\s*([ap])\.?m\.?(?!\w)|\b(\d{1,2}):(\d\d)\b",
                         question, re.I):
        hour = int(m.group(1) or m.group(4))
        if m.group(3) and m.group(3).lower() == "p" and hour < 12:
            hour += 12
        if m.group(3) and m.group(3).lower() == "a" and hour == 12:
            hour = 0
        if hour < 24:
            out.append((m.start(), m.end(), str(hour)))
    return out


_FEET_INCHES = re.compile(r"(?<![\w.])(\d+)\s*(?:ft|feet|foot|')\s*(\d+(?:\.\d+)?)\s*"
                          r"(?:in\b|inch(?:es)?\b|\"|'')")
_SI_PREFIX = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*([mµμunpk])(H|F|A|V|W|Ω)(?!\w)")
_PREFIX = {"m": 1e-3, "µ": 1e-6, "μ": 1e-6, "u": 1e-6, "n": 1e-9, "p": 1e-12, "k": 1e3}
_BASE_UNIT = {"H": "henr", "F": "farad", "A": "amp", "V": "volt", "W": "watt", "Ω": "ohm"}


def _feet_inches(question: str) -> list[tuple[int, int, str]]:
    out = []
    for m in _FEET_INCHES.finditer(question):
        inches = int(m.group(1)) * 12 + float(m.group(2))
        out.append((m.start(), m.end(), str(int(inches)) if inches == int(inches)
                    else repr(inches)))
    return out


def _si_prefixed(question: str, spec: dict) -> list[tuple[int, int, str]]:
    """"100µF" as 0.0001 for a parameter whose description names farads."""
    d = str(spec.get("description", "")).lower()
    return [(m.start(), m.end(), repr(round(float(m.group(1)) * _PREFIX[m.group(2)], 15)))
            for m in _SI_PREFIX.finditer(question) if _BASE_UNIT[m.group(3)] in d]


_REST = re.compile(r"\b(?:from|at) rest\b|\bstationary\b|\bstandstill\b|\bdropped\b", re.I)


def rest_spans(question: str, param: str) -> list[tuple[int, int, str]]:
    """"Starts from rest" (or "dropped") states an initial velocity or speed of 0: (start,
    end, "0") for each such phrase, [] for any other parameter. On the dev set every initial
    velocity or speed of an object said to start from rest is 0 (7 questions), and so is
    every dropped object's."""
    words = set(tokens(param))
    if not words & {"initial", "start", "starting"} or not words & {"velocity", "speed"}:
        return []
    return [(m.start(), m.end(), "0") for m in _REST.finditer(question)]


_LOW = {"lower", "min", "minimum", "start", "from", "low", "begin"}
_HIGH = {"upper", "max", "maximum", "end", "to", "high", "stop"}


def bound_side(param: str) -> int | None:
    """0 for a range's low end ("lower_limit", "start", "from_year"), 1 for its high end
    ("upper_limit", "end_range", "to_year"), None for any other parameter."""
    words = set(tokens(param))
    low, high = bool(words & _LOW), bool(words & _HIGH)
    return None if low == high else int(high)


def ranges(question: str, spec: dict) -> list[tuple[tuple, tuple]]:
    """The ranges the question writes, as (low span, high span) of number_spans: "between 1
    and 1000", "from -2 to 2", "from 2012 to 2015" (a unit may follow the first number:
    "from 5 m to 10 m")."""
    spans = number_spans(question, spec)
    return [(x, y) for x, y in zip(spans, spans[1:])
            if re.search(r"\b(?:between|from)\s+\$?$", question[:x[0]], re.I)
            and re.fullmatch(r"\s*(?:[a-zA-Z%°]+\.?\s*)?(?:and|to|-|–)\s*\$?",
                             question[x[1]:y[0]], re.I)]


_PER_YEAR = {"daily": 365, "weekly": 52, "monthly": 12, "quarterly": 4, "semi-annually": 2,
             "semiannually": 2, "bi-annually": 2, "biannually": 2, "twice a year": 2,
             "annually": 1, "yearly": 1, "once a year": 1}
_FREQUENCY = re.compile(r"\b(?:" + "|".join(map(re.escape, _PER_YEAR)) + r")\b", re.I)


def compounding_spans(question: str, spec: dict) -> list[tuple[int, int, str]]:
    """"Compounded quarterly" for a count of compoundings per period: (start, end, "4") for
    each frequency word, [] unless the parameter is an integer whose description counts how
    many times interest is compounded ("The number of times that interest is compounded per
    year"). The 135M model took a number of the question instead ("in 3 years with monthly
    compounding" gave 3); every dev value of such a parameter whose question writes a
    frequency word is the word's count (7 of 7)."""
    desc = str(spec.get("description", "")).lower()
    if spec.get("type") != "integer" or "compound" not in desc or \
            not re.search(r"\btimes\b|frequen|\bper\b", desc):
        return []
    return [(m.start(), m.end(), str(_PER_YEAR[m.group().lower()]))
            for m in _FREQUENCY.finditer(question)]


def number_lists(question: str) -> list[tuple[int, int, str]]:
    """The question's written lists of numbers, as (start, end, "a, b, c"): "[200,300,400]",
    "(40.7128, -74.0060)", and compass coordinates "(33.4484 N, 112.0740 W)" signed (S and
    W negative). A number-array value is one of them in 77 of 79 dev cases where the
    question writes any."""
    num = r"-?\d+(?:\.\d+)?"
    out = [(m.start(), m.end(), ", ".join(re.findall(num, m.group(1))))
           for m in re.finditer(r"[\[(]\s*(" + num + r"(?:\s*,\s*" + num + r")+)\s*[\])]",
                                question)]
    for m in re.finditer(r"\(\s*(\d+(?:\.\d+)?)\s*°?\s*([NS])\s*,\s*(\d+(?:\.\d+)?)\s*°?"
                         r"\s*([EW])\s*\)", question):
        out.append((m.start(), m.end(), f"{'-' * (m.group(2) == 'S')}{m.group(1)}, "
                                        f"{'-' * (m.group(4) == 'W')}{m.group(3)}"))
    # Dimensions with their unit: "16x16 inches", "4 ft x 4 ft" (not a "2x2 table").
    for m in _DIMENSIONS.finditer(question):
        out.append((m.start(), m.end(), f"{m.group(1)}, {m.group(2)}"))
    return sorted(out)


_LENGTHS = r"(?:ft|feet|foot|in|inch|inches|cm|mm|m|meters?|metres?)"
_DIMENSIONS = re.compile(rf"(?<![\w.])(\d+(?:\.\d+)?)\s*(?:{_LENGTHS}\s*)?[x×]\s*"
                         rf"(\d+(?:\.\d+)?)\s*{_LENGTHS}\b")


def dates_in(question: str) -> list[date]:
    """Calendar dates written with a year: "Jan 28, 2021", "1st June 2022", "Jun.20,2022",
    "June01 2023", "2023 April 4th", "2022-06-01", "2022/06/01", "06/01/2022" and
    "12-01-2022" (month first, as in US text); and a date written without one ("to April
    8th") when an earlier date of the question gives the year ("from 2023 April 4th")."""
    return list(dict.fromkeys(d for *_, d in dated_spans(question)))


def dated_spans(question: str) -> list[tuple[int, int, date]]:
    """dates_in's dates with where each is written, (start, end, date) in question order."""
    out = []  # (where, end, year, month, day); year None when the date states none
    q = question.lower()
    day = r"(\d{1,2})(?:st|nd|rd|th)?\b"
    for m in re.finditer(_MONTH_RE + r"\s*" + day + r"(?:,?\s*(\d{4}))?", q):
        out.append((m.start(), m.end(), m.group(3), _MONTHS.index(m.group(1)) + 1,
                    int(m.group(2))))
    for m in re.finditer(day + r"\s+(?:of\s+)?" + _MONTH_RE + r"(?:,?\s*(\d{4}))?", q):
        out.append((m.start(), m.end(), m.group(3), _MONTHS.index(m.group(2)) + 1,
                    int(m.group(1))))
    for m in re.finditer(r"(\d{4}),?\s+" + _MONTH_RE + r"\s*" + day, q):
        out.append((m.start(), m.end(), m.group(1), _MONTHS.index(m.group(2)) + 1,
                    int(m.group(3))))
    for m in re.finditer(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", q):
        out.append((m.start(), m.end(), m.group(1), int(m.group(2)), int(m.group(3))))
    for m in re.finditer(r"(?<!\d)(\d{1,2})([-/])(\d{1,2})\2(\d{4})", q):
        out.append((m.start(), m.end(), m.group(4), int(m.group(1)), int(m.group(3))))
    found, year = [], None
    for at, end, y, mo, d in sorted(out, key=lambda x: (x[0], x[2] is None)):
        if y is not None:
            year = int(y)
        elif year is None or any(a <= at < a + 12 for a, _, yy, *_ in out if yy):
            continue  # no year yet, or part of a date written with one ("4th 2023 ...")
        try:
            found.append((at, end, date(int(y) if y else year, mo, d)))
        except ValueError:
            pass
    return found


def date_format(spec: dict) -> str | None:
    """The strftime format a string parameter asks for, or None if it is no date. The
    format may be spelt as a pattern ("MM-DD-YYYY", even "MM-DD-YYY") or in words
    ("month-day-year")."""
    d = str(spec.get("description", "")).lower()
    for pat, fmt in ((r"yyyy-mm-dd|year-month-day", "%Y-%m-%d"),
                     (r"mm-dd-yy|month-day-year", "%m-%d-%Y"),
                     (r"dd-mm-yy|day-month-year", "%d-%m-%Y"), (r"mm/dd/yy", "%m/%d/%Y"),
                     (r"dd/mm/yy", "%d/%m/%Y")):
        if re.search(pat, d):
            return fmt
    return "%Y-%m-%d" if "date" in d else None


def rewrites(question: str, spec: dict) -> list[str]:
    """Texts besides the question a string value may be copied from: its dates in the format
    the parameter asks for, and its formulas in Python syntax ("3x^2" -> "3x**2")."""
    out = []
    fmt = date_format(spec)
    if fmt:
        out += [d.strftime(fmt) for d in dates_in(question)]
    if "^" in question:
        out.append(question.replace("^", "**"))
    return out


def is_speaker(word: str) -> bool:
    """"I", "I'd", "I'm", "I've": the asker, never the start of a value (outside quotes)."""
    return re.fullmatch(r"I(?:'[a-z]+)?", word) is not None


# Verbs that lead up to a value and never start one ("made of marble", "want to convert
# into pounds"): no dev ground-truth value starts with one in lower case.
_LEAD_VERBS = set("made want wants wanted need needs located called named titled".split())


def lead_verbs(text: str) -> set[int]:
    """Where a lower-case verb that leads up to a value stands: the decoder starts no copy
    there. (The span prior's candidates keep them: refit without, it moved unrelated
    held-out answers both ways.)"""
    return {m.start() for m in re.finditer(r"\b[a-z]+\b", text) if m.group() in _LEAD_VERBS}


def spans(text: str, exclude: set[int], proper: bool = True) -> tuple[list[int], set[int]]:
    """Where a copied string value may start and end in `text`: at word boundaries, never
    starting on a stop word or on the question's first word (an imperative: "Search",
    "Find"), never at `exclude` (starts of values other parameters took) and, with
    `proper`, never splitting a run of capitalised words ("La Liga", "Louvre Museum")."""
    words = list(WORD.finditer(text))
    def cap(k: int) -> bool:  # a capitalised word that is not sentence-initial
        w = words[k]
        before = text[:w.start()].rstrip()
        return w.group()[0].isupper() and k > 0 and before[-1:] not in ".?!:\""
    def joined(k: int) -> bool:  # words k and k+1 form one proper-noun run
        return proper and k + 1 < len(words) and cap(k) and cap(k + 1) and \
            text[words[k].end():words[k + 1].start()] == " "
    starts, ends = [], set()
    for k, w in enumerate(words):
        stop = w.group().rstrip(".'-&").lower() in _STOP  # "respectively." too
        # A stop word, or a formula's name ("f(x) = 3x^2", "y=2x+3": the value is the rest).
        lead = (stop and not cap(k)) or \
            re.match(r"\s*(\(\w\))?\s*=", text[w.end():]) is not None
        # The speaker ("I'd like", "I'm craving") is no value; a quoted "I love ..." is.
        me = is_speaker(w.group()) and text[:w.start()][-1:] not in "'\""
        # "Los Angeles, CA" / "New York, USA": the code belongs to the city before it.
        code = k > 0 and re.fullmatch(r"[A-Z]{2,3}", w.group()) is not None and \
            re.fullmatch(r",\s*", text[words[k - 1].end():w.start()]) is not None and cap(k - 1)
        if not (k == 0 and proper) and not lead and not me and w.start() not in exclude \
                and not (k > 0 and joined(k - 1)) and not code:
            starts.append(w.start())
        if stop and not cap(k) or me and "'" in w.group():
            continue  # "CA for", "Paris and", "... I'd": never a value
        if not joined(k):
            if w.group().endswith("'s"):  # "Madrid's music stores": the value is "Madrid"
                ends.add(w.end() - 2)  # (no dev ground-truth value ends in a possessive)
                continue
            body = w.group().rstrip(".'-&")
            tail = w.group()[len(body):]
            # A closing quote ends the value before it ("'... delicious.'." is "delicious.").
            ends.add(w.end() if "'" not in tail else w.start() + len(body) + tail.index("'"))
            ends.add(w.start() + len(body))
            # So does one glued to the next sentence ("'Roe v. Wade'.Include dissent").
            ends |= {w.start() + m.start() for m in re.finditer(r"'(?=\W)", body)}
    return starts, ends


def _same_word(a: str, b: str) -> bool:
    """"strength"/"strengths", "detail"/"detailed": one is the other plus a short suffix;
    "vaporizing"/"vaporization": a stem of six letters or more, each with a suffix of at
    most five."""
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and (short == long_ or len(short) >= 3
                                    and len(long_) - len(short) <= 3):
        return True
    stem = len(os.path.commonprefix([a, b]))
    return stem >= 6 and len(a) - stem <= 5 and len(b) - stem <= 5


def enum_mentions(question: str, values: list) -> list[tuple[int, int, str]]:
    """The string enum values the question names, as (start, end, value) in question order:
    every content word of the value appears, give or take a short suffix, in any case
    ("vegan food" names "Vegan", "trial date" names "trial_date", "transportation" does not
    name "transit"). A value inside a longer named one ("New" of "Like New") is dropped. On
    the dev slice a named optional enum was wanted (or accepted) 45 times out of 45, an
    unnamed one never."""
    # Whole, and split as `tokens` splits the value ("WiFi" names "Free WiFi": wi, fi).
    qwords = [(m.start(), m.end(), m.group().lower()) for pat in (
        r"[A-Za-z]+", r"(?<=[a-z])[A-Z][a-z]+|[A-Za-z][a-z]+(?=[A-Z])") for m in re.finditer(
        pat, question)]
    found = []
    for v in values:
        if not isinstance(v, str):
            continue
        vw = tokens(v)
        vw = [w for w in vw if w not in _STOP] or vw
        hits = [next((h for h in qwords if _same_word(w, h[2])), None) for w in vw]
        # Letters alone would let "2D" name "3D": a value's words with digits stand whole.
        if vw and all(hits) and all(re.search(rf"(?<!\w){re.escape(t)}(?!\w)", question, re.I)
                                    for t in re.findall(r"\w*\d\w*", v)):
            found.append((min(h[0] for h in hits), max(h[1] for h in hits), v, set(vw)))
    return sorted((a, b, v) for a, b, v, w in found
                  if not any(w < w2 for *_, w2 in found))


def described_values(spec: dict) -> list[str]:
    """The values a string parameter's description lists in quotes ("Can be 'summary' or
    'detailed'", "Valid values include: 'spades', 'clubs', 'hearts'"), two or more; none
    where they are examples ("e.g. 'London'", "such as"), which do not bound the value."""
    d = str(spec.get("description", ""))
    if spec.get("type") != "string" or spec.get("enum") or \
            re.search(r"\be\.g\b|for example|such as|for instance|\blike\b", d, re.I):
        return []
    vals = list(dict.fromkeys(re.findall(r"'([^'\n]{1,30})'", d)))
    if not vals and (m := _UNQUOTED.search(d)):  # "could be breakfast, lunch or dinner"
        vals = [v for v in re.split(r",\s*(?:or |and )?|\s+or\s+|\s+and\s+", m.group(1)) if v]
    return vals if len(vals) > 1 else []


# Values a description lists without quotes, after "can/could/may be": one or two words each.
_UNQUOTED = re.compile(r"\b(?:can|could|may|should|must) be (?:either |one of |any of )?("
                       r"(?:[A-Za-z][\w-]*(?: [A-Za-z][\w-]*)?, )*[A-Za-z][\w-]*"
                       r"(?: [A-Za-z][\w-]*)?,? (?:or|and) [A-Za-z][\w-]*(?: [A-Za-z][\w-]*)?)"
                       r"(?=[.;,)]|$)", re.I)


_EXAMPLES = re.compile(r"(?:\be\.g\.?,?|such as|for example,?)\s+(.+?)(?:\.(?:\s|$)|$|\))")


def example_values(spec: dict) -> list[str]:
    """The examples a list-of-strings parameter's description gives ("Special dietary
    requirements, e.g. vegan, gluten-free"): each of at most three words."""
    item = spec.get("items") or {}
    if spec.get("type") != "array" or item.get("type") != "string" or item.get("enum"):
        return []
    m = _EXAMPLES.search(str(spec.get("description", "")))
    vals = [v.strip(" '\"") for v in re.split(r",|\bor\b|\band\b", m.group(1))] if m else []
    return [v for v in dict.fromkeys(vals) if v and len(v.split()) <= 3]


def named_enums(props: dict, question: str) -> dict:
    """`props` with an enum for each string parameter whose described values (above) the
    question names: "a heart card" is 'hearts', "detail information" is 'detailed'. Where
    the question names one, the ground truth takes one of those named in 88 of 97 dev
    values, and 2 more want none (the decoder had copied "heart", "detail", "gas-powered").
    So for a list of strings whose examples the question names: its items take those
    ("I am a vegan": dietary_requirements=["vegan"]; 5 of 5 such dev lists)."""
    out = {}
    for p, s in props.items():
        if (vals := described_values(s)) and enum_mentions(question, vals):
            s = {**s, "enum": vals}
        elif (vals := example_values(s)) and enum_mentions(question, vals):
            s = {**s, "items": {**s["items"], "enum": vals}}
        out[p] = s
    return out


def enum_of(spec: dict) -> list | None:
    """A parameter's enum, or its list items' enum."""
    return spec.get("enum") or (spec.get("items") or {}).get("enum")
