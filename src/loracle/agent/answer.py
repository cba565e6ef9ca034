"""final_answer: the facts the tools returned, stated plainly; no filler.

Each successful call contributes one sentence built from its output (money keys as $,
rates as %, lists as their first items). Failures and guard decisions are said, not
hidden. When the prompt asks for copy (write/draft an email, subject line, message), a
short draft grounded in those facts is added: by the fallback endpoint when one is
configured, else from a template that only uses returned values.
"""
from __future__ import annotations

import re
from typing import Any

COPY_REQUEST = re.compile(r"\b(write|draft|compose|suggest|propose|create)\b.{0,60}"
                          r"\b(email|e-mail|copy|subject line|message|announcement|post|"
                          r"newsletter|blurb|tagline|sms|outreach)", re.I | re.S)


def _fmt(key: str, value: Any) -> str:
    k = key.lower()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        if k.endswith(("_usd", "usd")) or k in ("amount", "price"):
            sign = "-" if value < 0 else ("+" if k.startswith("change") and value > 0 else "")
            return f"{sign}${abs(value):,.2f}"
        if k.endswith(("_rate", "_share")) and 0 <= value <= 1:
            return f"{value * 100:.1f}%"
        if k.endswith(("_pct", "_percent")):
            return f"{value:+.1f}%"
        return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}"
    return str(value)


def _item(d: dict, n: int = 4) -> str:
    parts = [f"{_fmt(k, v)}" if k.endswith(("id", "name", "subject", "title", "description"))
             else f"{k.replace('_', ' ')} {_fmt(k, v)}"
             for k, v in d.items() if not isinstance(v, (dict, list))][:n]
    return ", ".join(parts)


def render(tool: str, out: Any, max_fields: int = 10) -> str:
    """One sentence for one tool output."""
    if not isinstance(out, dict):
        return f"{tool}: {str(out)[:300]}."
    parts = []
    for k, v in out.items():
        label = k.replace("_", " ")
        if isinstance(v, dict):
            inner = _item(v)
            if inner:
                parts.append(f"{label}: {inner}")
        elif isinstance(v, list):
            if not v:
                parts.append(f"{label}: none")
            elif all(isinstance(x, dict) for x in v):
                shown = "; ".join(_item(x) for x in v[:3])
                more = f" (+{len(v) - 3} more)" if len(v) > 3 else ""
                parts.append(f"{label}: {shown}{more}")
            else:
                parts.append(f"{label}: {', '.join(str(x) for x in v[:8])}")
        else:
            parts.append(f"{label} {_fmt(k, v)}")
        if len(parts) >= max_fields:
            break
    return f"{tool}: " + "; ".join(parts) + "."


def template_copy(facts: dict) -> str:
    """A draft that only uses returned values (no invented numbers)."""
    if "campaign_id" in facts or "subject_line" in facts:
        name = facts.get("name") or "our latest campaign"
        lines = [f"Draft — Subject: {name}: one step left"]
        body = f"Hi there, you opened {name}" + (f" ({facts['audience']})"
                                                 if facts.get("audience") else "")
        body += " and we'd love to help you finish what you started."
    else:  # an account: personalise with what lookup returned
        who = str(facts.get("name") or "there").split()[0]
        lines = [f"Draft — Subject: {who}, your {facts.get('company', 'team')} workspace is "
                 "waiting"]
        body = f"Hi {who}, thanks for the time {facts.get('company', 'your team')} spent with us"
        body += f" on the {facts['plan']} plan." if facts.get("plan") else "."
        body += " We'd love to have you back: reply to this email and we'll set things up."
    rate = facts.get("click_rate") if "campaign_id" in facts else None
    if isinstance(rate, (int, float)):
        body += (f" (Last send: open rate {_fmt('open_rate', facts.get('open_rate', 0))}, "
                 f"click rate {_fmt('click_rate', facts.get('click_rate', 0))}; this version "
                 "leads with one clear call to action.)")
    lines.append(body)
    return " ".join(lines)


def compose(prompt: str, outputs: list[tuple[str, Any]], failures: list[str],
            guard_note: str | None, facts: dict, copy_text: str | None = None) -> str:
    parts = []
    if guard_note:
        parts.append(guard_note)
    parts += [render(t, o) for t, o in outputs]
    if failures:
        parts.append("Partial answer: " + " ".join(failures))
    if not outputs and not failures and not guard_note:
        parts.append("No tool in the catalog could answer this request; nothing was called.")
    if COPY_REQUEST.search(prompt) and outputs and not guard_note:
        parts.append(copy_text or template_copy(facts))
    return " ".join(parts)


def fallback_copy(client, prompt: str, outputs: list[tuple[str, Any]]) -> tuple[str | None, int]:
    """The requested copy from the endpoint, grounded in the tool outputs only."""
    facts = "\n".join(render(t, o) for t, o in outputs)
    res = client.chat([
        {"role": "system", "content": "Write only the copy the request asks for, concise, using "
         "only the facts given. No preamble. Do not invent numbers."},
        {"role": "user", "content": f"Request:\n{prompt}\n\nFacts from our tools:\n{facts}"}],
        role="agent", max_tokens=220)
    tokens = res.tokens_in + res.tokens_out
    return (res.text.strip() or None) if res.ok else None, tokens
