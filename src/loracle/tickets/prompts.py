"""Prompt and completion formats for the ticket job (one place, so training and
inference can never drift apart)."""
from __future__ import annotations


REFERENCE_HEADER = "A reply our team wrote to a similar ticket:"


def prompt(tok, system: str, ticket: str, reference: str | None = None) -> str:
    """Chat-formatted prompt ending where the assistant's turn begins.

    ``reference`` (reply.context=nearest) is the ideal reply of the most similar
    train ticket: the model learns to adapt it rather than invent facts.
    """
    if reference:
        system = f"{system}\n\n{REFERENCE_HEADER}\n{reference}"
    messages = [{"role": "system", "content": system}, {"role": "user", "content": ticket}]
    if getattr(tok, "chat_template", None):
        return tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return f"{system}\n\nTicket: {ticket}\n\n"


def intent_line(intent: str) -> str:
    return f"Intent: {intent}\n"


def completion(intent: str, reply: str | None) -> str:
    """What the LM learns to write: the intent, then the reply when there is one."""
    if reply:
        return f"{intent_line(intent)}Reply: {reply}"
    return intent_line(intent).rstrip("\n")


def reply_prefix(intent: str) -> str:
    """Forced prefix for generation: the reply is conditioned on the chosen intent."""
    return f"{intent_line(intent)}Reply:"


def clean_reply(text: str) -> str:
    """Keep only the reply from a generation that ran past it.

    Trained completions never contain another ``Intent:`` after ``Reply:``, but
    a small model sometimes starts a new ``Intent: ... Reply:`` block; the text
    from there on is not part of this reply. A generation that *begins* with
    such a block keeps what follows its ``Reply:``.
    """
    t = text.strip()
    if t.startswith("Intent:") and "Reply:" in t:
        t = t.split("Reply:", 1)[1].strip()
    cut = t.find("Intent:")
    if cut > 0:
        t = t[:cut].strip()
    return t
