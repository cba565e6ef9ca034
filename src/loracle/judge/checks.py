"""Concrete, checkable problems in a release note, given the engineering ticket.

These feed both the judge's features and its rationale, so every rationale
line names something an author can verify and fix: a fact from the ticket
that is missing or contradicted (versions, HTTP status codes, endpoints,
dates, sizes/limits), an internal ticket id or jargon leaking into customer
text, a claim with no support in the ticket, hedging or hype, and text that
addresses the grader (which is reported and never followed).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

FACT_PATTERNS = {
    "version": r"\bv?\d+\.\d+(?:\.\d+)*\b",
    "status code": r"\b[1-5]\d{2}\b",
    "endpoint": r"(?<![\w.])/[A-Za-z0-9_\-{}:.]+(?:/[A-Za-z0-9_\-{}:.]+)*",
    "date": r"\b\d{4}-\d{2}-\d{2}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
            r"[a-z]*\.? \d{1,2}(?:, \d{4})?\b",
    "quantity": r"\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds|minutes|hours|days|kb|mb|gb|tb|%|"
                r"requests?|rpm|rps|items|rows|users|seats)\b",
}
TICKET_ID = r"\b[A-Z][A-Z0-9]{1,9}-\d+\b"
JARGON = {"backend", "frontend", "refactor", "refactored", "hotfix", "repo", "merge", "merged",
          "pr", "sprint", "staging", "deploy", "deployed", "infra", "codepath", "regression",
          "flag", "feature flag", "prod", "jira", "ticket", "oncall", "on-call", "k8s", "cron"}
HEDGES = ("might", "may ", "possibly", "perhaps", "we believe", "it seems", "probably",
          "hopefully", "should work", "in most cases")
HYPE = ("revolutionary", "game-changing", "game changer", "amazing", "incredible",
        "best-in-class", "world-class", "blazing", "awesome", "unbelievable", "!!")
GRADER = re.compile(r"(?i)\b(?:grader|evaluator|rubric|ignore (?:the|all|previous|above)|"
                    r"give (?:this|it|me) (?:a )?\d|score (?:this|it) |rate (?:this|it) |"
                    r"\d ?/ ?5\b|five stars|system prompt)")
_SENT = re.compile(r"(?<=[.!?])\s+")
# Directed changes "NEW instead of OLD", "from OLD to NEW", "replace OLD with NEW": a note
# that keeps both facts but reverses them ("503 instead of 429") states the opposite change.
_TOK = r"([\w./{}:-]*\d[\w./{}:-]*)"
_DIRECTED = [(re.compile(rf"{_TOK}\s+(?:instead of|rather than|in place of)\s+(?:an? |the )?"
                         rf"(?:\w+ )?{_TOK}", re.I), 0, 1),
             (re.compile(rf"\bfrom\s+(?:\w+ )?{_TOK}\s+to\s+(?:\w+ )?{_TOK}", re.I), 1, 0),
             (re.compile(rf"\breplac\w*\s+(?:\w+ )?{_TOK}\s+with\s+(?:\w+ )?{_TOK}", re.I), 1, 0)]


_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


def _norm(s: str) -> str:
    s = s.lower().rstrip(".,;:)")
    m = re.fullmatch(r"([a-z]{3})[a-z]*\.? (\d{1,2})(?:, (\d{4}))?", s)
    if m and m.group(1) in _MONTHS:  # "March 1, 2026" and "2026-03-01" are the same date
        md = f"{_MONTHS[m.group(1)]:02d}-{int(m.group(2)):02d}"
        return f"{m.group(3)}-{md}" if m.group(3) else md
    return s


def _present(fact: str, kind: str, text_facts: dict[str, set[str]], low_text: str) -> bool:
    if kind == "date":
        return any(f == fact or fact.endswith(f) or f.endswith(fact)
                   for f in text_facts["date"])
    return fact in low_text


def facts(text: str) -> dict[str, set[str]]:
    out = {}
    for kind, pat in FACT_PATTERNS.items():
        found = {_norm(m.group(0)) for m in re.finditer(pat, text, re.I)}
        if kind == "status code":  # years and sizes are not status codes
            found = {f for f in found if not re.search(rf"{f}\s?(?:mb|gb|kb|ms|%)", text, re.I)}
        out[kind] = found
    return out


def directed_changes(text: str) -> set[tuple[str, str]]:
    """(new, old) pairs of facts the text says changed, in either phrasing."""
    out = set()
    for pat, new, old in _DIRECTED:
        for m in pat.finditer(text):
            a, b = _norm(m.group(new + 1)), _norm(m.group(old + 1))
            if a != b:
                out.add((a, b))
    return out


def split_grader_text(output: str) -> tuple[str, list[str]]:
    """(output without sentences addressed to the grader, those sentences)."""
    kept, flagged = [], []
    for s in _SENT.split(output.strip()):
        (flagged if GRADER.search(s) else kept).append(s)
    return " ".join(kept), flagged


@dataclass
class CheckResult:
    missing: list[tuple[str, str]] = field(default_factory=list)  # (kind, fact)
    contradicted: list[tuple[str, str]] = field(default_factory=list)  # facts not in ticket
    swapped: list[tuple[str, str]] = field(default_factory=list)  # (new, old) reversed
    n_facts: int = 0
    leaked_ids: list[str] = field(default_factory=list)
    jargon: list[str] = field(default_factory=list)
    hedges: list[str] = field(default_factory=list)
    hype: list[str] = field(default_factory=list)
    grader_text: list[str] = field(default_factory=list)
    words: int = 0
    sentences: int = 0

    @property
    def fact_recall(self) -> float:
        return 1.0 if self.n_facts == 0 else 1 - len(self.missing) / self.n_facts


def check(ticket: str, output: str) -> CheckResult:
    clean, flagged = split_grader_text(output)
    tf, of = facts(ticket), facts(clean)
    r = CheckResult(grader_text=flagged)
    low_clean = clean.lower()
    for kind in FACT_PATTERNS:
        for f in sorted(tf[kind]):
            r.n_facts += 1
            if not _present(f, kind, of, low_clean):
                r.missing.append((kind, f))
        for f in sorted(of[kind] - tf[kind]):
            if kind in ("status code", "version", "date", "quantity") and tf[kind] \
                    and not _present(f, kind, tf, ticket.lower()):
                r.contradicted.append((kind, f))
    ticket_changes = directed_changes(ticket)
    r.swapped = sorted((a, b) for a, b in directed_changes(clean) if (b, a) in ticket_changes)
    ids_ticket = set(re.findall(TICKET_ID, ticket))
    r.leaked_ids = sorted(set(re.findall(TICKET_ID, clean)) | (
        {i for i in ids_ticket if i.lower() in low_clean}))
    words = re.findall(r"[a-z][a-z\-']*", low_clean)
    r.jargon = sorted({w for w in words if w in JARGON})
    r.hedges = [h.strip() for h in HEDGES if h in low_clean]
    r.hype = [h for h in HYPE if h in low_clean]
    r.words = len(words)
    r.sentences = len([s for s in _SENT.split(clean.strip()) if s])
    return r


def rationale(r: CheckResult, scores: dict[str, float], ticket: str) -> str:
    """Specific, actionable lines; the weakest dimension first when nothing concrete is found."""
    parts = []
    for kind, f in r.contradicted[:3]:
        parts.append(f"States {kind} '{f}', which the ticket does not support.")
    for new, old in r.swapped[:2]:
        parts.append(f"Reverses the change: says '{new}' replaces '{old}', but the ticket says "
                     f"'{old}' replaces '{new}'.")
    for kind, f in r.missing[:3]:
        parts.append(f"Missing from the note: {kind} '{f}' from the ticket.")
    if r.leaked_ids:
        parts.append(f"Internal reference leaks into customer text: {', '.join(r.leaked_ids)}.")
    if r.jargon:
        parts.append(f"Internal jargon a customer may not follow: {', '.join(r.jargon[:4])}.")
    if r.hype:
        parts.append(f"Marketing hype ({', '.join(r.hype[:3])}) instead of the facts.")
    if len(r.hedges) >= 2:
        parts.append(f"Heavily hedged ({', '.join(r.hedges[:3])}): state the change plainly.")
    if r.grader_text:
        parts.append("Contains text addressed to the grader; it was ignored for scoring.")
    if not parts and scores:
        worst = min(scores, key=lambda k: scores[k])
        parts.append(f"No concrete fact problems found; weakest dimension: {worst} "
                     f"({scores[worst]:g}).")
    return " ".join(parts)
