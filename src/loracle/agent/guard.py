"""The irreversible-action guard: deletion requests are verified and escalated, never executed.

A prompt can say anything ("delete all my data, my email is ..."); the sender's identity
is not proven by the prompt, and deletion cannot be undone. So, whatever planned it:
- a destructive tool (catalog.py: delete_/remove_/erase_/purge_... names) is never run by
  the agent unless the config says `guard.allow_destructive: true`;
- a plan for a deletion/erasure request becomes: identity lookup (a non-destructive tool
  that takes the identifier the prompt gives, e.g. lookup_account(email)) then escalation
  (create_ticket / escalate / file_* ...) to the team that verifies and acts;
- the final answer says plainly that nothing was deleted and where the request went.
"""
from __future__ import annotations

import re

from .catalog import Tool

DELETION_REQUEST = re.compile(
    r"\b(delete|erase|remove|wipe|purge|forget)\b.{0,60}\b(data|account|information|"
    r"records?|profile|details|me)\b|\bgdpr\b|right to (be forgotten|erasure)|\bccpa\b",
    re.I | re.S)
_ESCALATE = re.compile(r"escalat|create_ticket|open_ticket|file_|new_ticket|handoff|"
                       r"create_case|report", re.I)


def is_deletion_request(prompt: str) -> bool:
    return bool(DELETION_REQUEST.search(prompt))


def escalation_tool(tools: dict[str, Tool]) -> str | None:
    return next((n for n, t in tools.items() if _ESCALATE.search(n) and not t.destructive),
                None)


def identity_tool(tools: dict[str, Tool], prompt: str) -> str | None:
    """A lookup whose required inputs the prompt itself provides (email, account id)."""
    from .args import fill_args

    for n, t in tools.items():
        if t.destructive or not re.search(r"lookup|get_account|find_account|verify|identity",
                                          n, re.I):
            continue
        _, missing = fill_args(t, prompt, {})
        if not missing:
            return n
    return None


def apply(steps: list[str], prompt: str, tools: dict[str, Tool],
          allow_destructive: bool = False) -> tuple[list[str], str | None]:
    """(guarded plan, note for the final answer or None)."""
    if allow_destructive:
        return steps, None
    blocked = [s for s in steps if tools[s].destructive]
    if not blocked and not is_deletion_request(prompt):
        return steps, None
    # A destructive step or a deletion request: verify identity and escalate instead.
    ident, esc = identity_tool(tools, prompt), escalation_tool(tools)
    safe = [s for s in (ident, esc) if s] or [s for s in steps if not tools[s].destructive]
    note = ("Not deleted: a deletion request must be verified before anything is erased, "
            "and irreversible actions are not run on a request alone.")
    if esc:
        note += f" Escalated with {esc} for identity verification and processing."
    else:
        note += " No escalation tool is in the catalog: route this to your privacy team."
    return safe, note
