"""Filling a tool's arguments from earlier tool outputs and from the prompt.

Order of sources, per argument (why: an id a tool returned is exact, a regex guess is not):
1. a value an earlier tool returned under the same key (`account_id` from lookup_account);
2. a typed pattern in the prompt chosen by the argument's name (email, ids, ISO dates,
   months, clock times, durations, people after "with", priority/status words, quoted names,
   numbers);
3. free-text arguments (title, description, body, message, query) are composed from the
   prompt and the facts gathered so far.
An argument none of these fill stays missing; the executor then never sends the call
(or asks the fallback endpoint, when one is configured and allowed).
"""
from __future__ import annotations

import re
from typing import Any

from .schema import Param

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
ISO_DATE = re.compile(r"\b(20\d\d-[01]\d-[0-3]\d)\b")
ISO_MONTH = re.compile(r"\b(20\d\d-[01]\d)\b(?!-\d)")
IDLIKE = re.compile(r"\b([A-Za-z]{1,8}[_-]\d{1,8})\b")
CLOCK = re.compile(r"\b([01]?\d|2[0-3])(?::([0-5]\d))?\s*(am|pm)?\b", re.I)
QUOTED = re.compile(r"[\"“']([^\"”']{2,80})[\"”']")
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december"]
_FREE_TEXT = ("title", "subject", "summary", "description", "body", "message", "details",
              "note", "text", "content", "reason")
_PEOPLE = ("people", "attendees", "participants", "invitees", "members", "with")
_STOP = set("a an the and or of to for in on at by with my our your their is are was be this "
            "that it please can could you we i me us they them from about as what why how "
            "when which who last next this".split())


def flatten(obj: Any, out: dict | None = None, depth: int = 0) -> dict:
    """Scalar keys (and lists of scalars) of a tool output, nested ones too; first wins."""
    out = {} if out is None else out
    if isinstance(obj, dict) and depth < 3:
        for k, v in obj.items():
            scalar_list = isinstance(v, list) and all(not isinstance(x, (dict, list)) for x in v)
            if k not in out and (not isinstance(v, (dict, list)) or scalar_list):
                out[k] = v
        for v in obj.values():
            if isinstance(v, (dict, list)):
                flatten(v, out, depth + 1)
    elif isinstance(obj, list) and depth < 3 and obj:
        flatten(obj[0], out, depth + 1)
    return out


def _month_from_words(prompt: str) -> str | None:
    m = re.search(r"\b(" + "|".join(MONTHS) + r")\s+(20\d\d)\b", prompt, re.I)
    if m:
        return f"{m.group(2)}-{MONTHS.index(m.group(1).lower()) + 1:02d}"
    return None


def _clock(prompt: str) -> str | None:
    for m in CLOCK.finditer(prompt):
        hh, mm, ampm = int(m.group(1)), m.group(2), m.group(3)
        if mm is None and ampm is None:
            continue  # a bare number is not a time
        if ampm and ampm.lower() == "pm" and hh < 12:
            hh += 12
        if ampm and ampm.lower() == "am" and hh == 12:
            hh = 0
        return f"{hh:02d}:{mm or '00'}"
    return None


def _duration_min(prompt: str) -> int | None:
    m = re.search(r"(\d+)\s*-?\s*(?:min|minute)", prompt, re.I)
    if m:
        return int(m.group(1))
    m = re.search(r"(\d+(?:\.\d+)?)\s*-?\s*(?:h|hr|hour)s?\b", prompt, re.I)
    if m:
        return int(float(m.group(1)) * 60)
    if re.search(r"half[- ]an[- ]hour", prompt, re.I):
        return 30
    if re.search(r"\ban hour\b", prompt, re.I):
        return 60
    return None


_NAME_LIST = re.compile(r"\b([A-Z][a-z]+(?:\s*,\s*[A-Z][a-z]+)*\s*(?:,\s*)?(?:and|&)\s+"
                        r"[A-Z][a-z]+)\b")


def _people(prompt: str) -> list[str] | None:
    m = re.search(r"\bwith\s+(.+?)(?:\s+(?:on|at|for|next|this|tomorrow|to)\b|[.?!;]|$)",
                  prompt)
    text = m.group(1) if m else None
    if text is None or not re.match(r"[A-Z]", text):
        m2 = _NAME_LIST.search(prompt)  # "Are Sam and Li both free ..."
        text = m2.group(1) if m2 else None
    if text is None:
        return None
    parts = re.split(r",\s*|\s+and\s+|\s*&\s*", text)
    names = [p.strip() for p in parts if re.fullmatch(r"[A-Z][\w'-]+(?: [A-Z][\w'-]+)?",
                                                       p.strip())]
    return names or None


def _id_for(name: str, prompt: str) -> str | None:
    stem = name[:-3] if name.endswith("_id") else name
    cands = IDLIKE.findall(prompt)
    for c in cands:  # prefer "acc_92" for account_id, "T-1001" for ticket_id
        prefix = re.split(r"[_-]", c)[0].lower()
        if stem.lower().startswith(prefix) or prefix.startswith(stem.lower()[:3]):
            return c
    return cands[0] if len(cands) == 1 else None


def _title_phrases(prompt: str) -> list[str]:
    """Quoted names, then Title Case runs of 2+ words ("the Spring Upgrade Push campaign")."""
    out = [q.strip() for q in QUOTED.findall(prompt)]
    for m in re.finditer(r"\b([A-Z][\w-]*(?:\s+(?:[A-Z0-9][\w-]*|v\d+))+)", prompt):
        words = m.group(1).split()
        while words and words[0].lower() in _STOP | {"how", "what", "which", "did", "pull",
                                                        "write", "then", "and"}:
            words = words[1:]  # sentence-initial "How did ..." is not part of a name
        if len(words) >= 2 and " ".join(words) not in out:
            out.append(" ".join(words))
    return out


_GENERIC = set("ticket tickets customer customers account accounts give list show tell check "
               "already any some have has open closed status anything still right now today "
               "ids id belong belongs complaining asking wrote write again before reply many "
               "much number numbers just quick".split())


def keywords(prompt: str, n: int = 8) -> str:
    """Topic words for a search: no stopwords, no emails/ids, no generic support words."""
    text = EMAIL.sub(" ", IDLIKE.sub(" ", prompt))
    words = [w for w in re.findall(r"[A-Za-z][\w-]+", text)
             if w.lower() not in _STOP and w.lower() not in _GENERIC and not w[0].isupper()]
    return " ".join(words[:n])


def _enum_from_description(param: Param, tool_description: str) -> list[str] | None:
    if param.enum:
        return [str(e) for e in param.enum]
    # "priority is low, medium, high or urgent", "metric ...: signups, active_users or
    # churned", "one of a, b, c": the first such list after the argument's name.
    m = re.search(rf"\b{re.escape(param.name)}\b[^.]*?(?:one of|:|\bis)\s+"
                  r"((?:[a-z][\w-]*, )+[a-z][\w-]*,? or [a-z][\w-]*)", tool_description, re.I)
    if m:
        return [w.strip() for w in re.split(r",|\bor\b", m.group(1)) if w.strip()]
    return None


def _pick_enum(options: list[str], prompt: str) -> str | None:
    low = prompt.lower()
    for o in options:  # "active_users" matches "active users"
        if re.search(r"\b" + re.escape(o.lower().replace("_", " ")) + r"\b",
                     low.replace("_", " ").replace("-", " ")):
            return o
    for o in options:  # "signups" matches "sign-ups", stem match "churned" ~ "churn"
        stem = re.sub(r"(ed|s)$", "", o.lower().replace("_", ""))
        if len(stem) >= 4 and stem in re.sub(r"[\s_-]", "", low):
            return o
    heads = [o for o in options if len(o.split("_")[0]) >= 4
             and re.search(r"\b" + re.escape(o.split("_")[0].lower()), low)]
    return heads[0] if len(heads) == 1 else None  # "revenue" -> revenue_usd, if unambiguous


def _nth(values: list, k: int) -> Any:
    """The k-th candidate for the k-th call of the same tool; the last one if fewer."""
    return values[min(k, len(values) - 1)] if values else None


def extract(param: Param, prompt: str, tool_description: str = "", occurrence: int = 0) -> Any:
    """One argument's value from the prompt alone, or None. `occurrence` = how many calls
    of this tool came before: the second query_metrics takes the second date range."""
    n = param.name.lower()
    enum = _enum_from_description(param, tool_description)
    if enum:
        return _pick_enum(enum, prompt)
    if n in ("name", "name_or_id", "campaign", "campaign_name", "project"):
        if "id" in n and IDLIKE.search(prompt):
            ids = [c for c in IDLIKE.findall(prompt) if "_" in c]
            if ids:
                return _nth(ids, occurrence)
        return _nth(_title_phrases(prompt), occurrence)
    if "email" in n:
        m = EMAIL.search(prompt)
        return m.group(0) if m else None
    if n.endswith("_id") or n == "id":
        return _id_for(n, prompt)
    if param.type == "array" and any(k in n for k in _PEOPLE):
        return _people(prompt)
    if "month" in n:
        m = ISO_MONTH.search(prompt)
        return m.group(1) if m else _month_from_words(prompt)
    if "date" in n or n in ("day", "since", "until", "from", "to"):
        dates = ISO_DATE.findall(prompt)
        if not dates:
            return None
        if any(k in n for k in ("start", "end", "since", "until", "from", "to")):
            pairs = [dates[i:i + 2] for i in range(0, len(dates), 2)]
            pair = _nth(pairs, occurrence)
            return pair[-1] if any(k in n for k in ("end", "until", "to")) else pair[0]
        return _nth(dates, occurrence)
    if "duration" in n or n in ("minutes", "length_min"):
        return _duration_min(prompt)
    if n in ("start", "time", "start_time", "at"):
        return _clock(prompt)
    if n == "priority":
        m = re.search(r"\b(urgent|critical|high|medium|normal|low)\b", prompt, re.I)
        return m.group(1).lower() if m else None
    if n == "status":
        m = re.search(r"\b(open|closed|pending|resolved)\b", prompt, re.I)
        return m.group(1).lower() if m else None
    if n == "title":  # only an explicitly quoted title; otherwise compose_text writes one
        return _nth([q.strip() for q in QUOTED.findall(prompt)], occurrence)
    if n in ("query", "q", "keywords", "search"):
        return keywords(prompt)
    if param.type in ("integer", "number"):
        m = re.search(r"(?<![\w-])(\d+(?:\.\d+)?)(?![\w-])", prompt)
        if m:
            return int(float(m.group(1))) if param.type == "integer" else float(m.group(1))
    return None


def compose_text(name: str, prompt: str, facts: dict) -> str:
    """Free-text arguments: a title is the first clause; a body is the request plus facts."""
    first = re.split(r"(?<=[.?!:])\s", prompt.strip())[0]
    if name in ("title", "subject", "summary"):
        first = re.sub(r"\s*\(?" + EMAIL.pattern + r"\)?", "", first)
        if len(first) > 80:
            first = first[:80].rsplit(" ", 1)[0]
        return first.rstrip(".?!:, ")
    fact_s = "; ".join(f"{k}: {v}" for k, v in list(facts.items())[:8])
    return prompt.strip() + (f"\nFacts: {fact_s}" if fact_s else "")


# Inputs another tool's output provides under a different key (planner + filler agree).
DERIVED = {"start": "free_slots", "start_time": "free_slots", "time": "free_slots"}


def _from_context(name: str, p: Param, context: dict) -> Any:
    value = context.get(name)
    if value is None:
        src = context.get(DERIVED.get(name, ""))
        if src and isinstance(src, list):
            return str(src[0]).split("-")[0]  # the earliest common free slot "12:00-13:00"
        return None
    if isinstance(value, list):
        return value if p.type == "array" else None
    return None if p.type in ("array", "object") else value


def fill_args(tool, prompt: str, context: dict, occurrence: int = 0) -> tuple[dict, list[str]]:
    """(arguments, names of required arguments left missing)."""
    args: dict = {}
    for name, p in tool.schema.params.items():
        explicit = extract(p, prompt, tool.description, occurrence)
        known = _from_context(name, p, context)
        # A value a tool returned is exact, so it wins on a tool's first call; people and
        # times the user states win over it, and so does the prompt on a repeated call
        # (the second query_metrics must not reuse the first one's returned dates).
        prompt_first = occurrence > 0 or p.type == "array" or name in ("start", "start_time",
                                                                       "time")
        value = (explicit if explicit is not None else known) if prompt_first else \
            (known if known is not None else explicit)
        if value is None and p.type == "string" and name.lower() in _FREE_TEXT:
            value = compose_text(name.lower(), prompt, context)
        if value is not None:
            if p.type == "string" and not isinstance(value, str):
                value = str(value)
            args[name] = value
    missing = [n for n in tool.schema.required if n not in args]
    return args, missing


def multiplicity(tool, prompt: str) -> int:
    """How many calls of this tool the prompt asks for: the number of distinct values it
    names for the tool's key argument (campaign names, date ranges), 1 to 3."""
    n = 1
    for name, p in tool.schema.params.items():
        if not p.required:
            continue
        low = name.lower()
        if low in ("name", "name_or_id", "campaign", "campaign_name"):
            n = max(n, len(_title_phrases(prompt)))
        elif "start" in low and "date" in low:
            n = max(n, len(ISO_DATE.findall(prompt)) // 2)
    return min(n, 3)
