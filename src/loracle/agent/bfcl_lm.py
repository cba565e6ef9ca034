"""What the call LM reads and how it is made to write only allowed text.

The prompt: a compact Python signature of the function and the question (the 135M model
knows Python far better than JSON schema), in SmolLM2's chat template; earlier calls are
written as Python call text. The decoding primitives: greedy steps over a kept KV cache
(each value costs only its own few tokens), a copy restricted to spans of a source text
with an optional per-span score added to the logits, a choice among whole options, free
digits, and free text up to the value's end. bfcl_decode builds the BFCL value rules on
these.
"""
from __future__ import annotations

import json
import math
import re

from loracle.agent.bfcl_values import _params

_PY = {"string": "str", "integer": "int", "float": "float", "boolean": "bool", "array": "list",
       "tuple": "tuple", "dict": "dict", "any": "Any"}
_SYSTEM = ("You are an expert in composing Python function calls. Fill the call with values "
           "taken from the user's question.")


def signature(f: dict) -> str:
    """A compact Python-style docstring signature: the 135M model knows Python far better
    than JSON schema, and every prompt token costs ~2.5 ms on this CPU."""
    props, req = _params(f)
    sig = ", ".join(f"{p}: {_PY.get(s.get('type'), 'Any')}" + ("" if p in req else " = None")
                    for p, s in props.items())
    doc = "\n".join(f"    {p}: {str(s.get('description', ''))[:120]}" for p, s in props.items())
    return f'def {f["name"]}({sig}):\n    """{f.get("description", "")[:300]}\n{doc}"""'


def prompt_text(tok, function: dict, question: str) -> str:
    """The chat prompt the decoder (and the call adapter's training) puts before `func(`."""
    msgs = [{"role": "system", "content": _SYSTEM},
            {"role": "user", "content": f"{signature(function)}\n\nQuestion: {question}"}]
    return tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)


_CLOSING = {q: re.compile(re.escape(q) + r"(?![A-Za-z0-9])") for q in "'\""}
_BREAK = re.compile(r"(?<=\s)['\"]|[?!](?=\s)")


def span_stop(source: str, start: int) -> int:
    """Where a value copied from `start` must end at the latest. One that opens a quote ends
    at its closing quote ("'Roe v. Wade'.Include dissent" is "Roe v. Wade"); one that does
    not never runs into a quote that opens ("level in 'Fortnite'") nor past a question's
    or exclamation's end ("Translate Hello, how are you? from English")."""
    q = source[start - 1:start] if start else ""
    m = (_CLOSING[q] if q in _CLOSING else _BREAK).search(source, start)
    return (m.start() if m.group() in "'\"" else m.end()) if m else len(source)


def literal(v) -> str:
    """A value as the Python call text the model reads ("Paris" quoted, 5 bare; a dict's
    keys and strings double-quoted, as bfcl_dicts decodes them)."""
    if isinstance(v, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {literal(x)}" for k, x in v.items()) + "}"
    return json.dumps(v) if isinstance(v, str) else repr(v)


def call_text(args: dict) -> str:
    return ", ".join(f"{k}={literal(v)}" for k, v in args.items())


class ConstrainedLM:
    """Greedy SmolLM2 decoding under token constraints, over a kept KV cache: `_step`
    feeds tokens and returns the next logits; the decoders below choose among allowed
    tokens only and feed what they choose. `cache` is set by the caller per prompt."""

    def __init__(self, model: str = "embedded:smollm2-135m-instruct", dtype: str = "bfloat16",
                 adapter: str | None = None):
        import torch
        from loracle import models
        path = models.resolve_lm(model)
        self.torch, self.tok = torch, models.load_tokenizer(path)
        self.lm = models.load_causal_lm(path, dtype=dtype).eval()
        if adapter:  # the call adapter (bfcl_adapter), merged: decoding costs what it did
            from peft import PeftModel
            self.lm = PeftModel.from_pretrained(self.lm, adapter).merge_and_unload().eval()
        self.strs = [self.tok.decode([i]) for i in range(len(self.tok))]
        self.vocab: dict[str, int] = {}
        for i, s in enumerate(self.strs):
            self.vocab.setdefault(s, i)
        self.digits = [i for i, s in enumerate(self.strs) if re.fullmatch(r"\d+", s)]
        self.minus = [i for i, s in enumerate(self.strs) if s == "-"]
        self.dot = [i for i, s in enumerate(self.strs) if s == "."]
        self.term = [i for i, s in enumerate(self.strs) if s[:1] in (",", ")")]
        self.dict_term = [i for i, s in enumerate(self.strs) if s[:1] in (",", "}")]
        self.quote = [i for i, s in enumerate(self.strs) if s[:1] == '"']
        self.comma = [i for i, s in enumerate(self.strs) if s.strip() == ","]
        self.rbracket = [i for i, s in enumerate(self.strs) if s.strip()[:1] == "]"]
        self.true_id, self.false_id = (self._ids(w)[0] for w in ("True", "False"))
        self.cache = None  # the KV cache of the prompt and what was fed since

    def _ids(self, text: str) -> list[int]:
        return self.tok(text, add_special_tokens=False).input_ids

    def _step(self, ids: list[int]):
        with self.torch.no_grad():
            out = self.lm(input_ids=self.torch.tensor([ids]), past_key_values=self.cache,
                          use_cache=True)
        self.cache = out.past_key_values
        return out.logits[0, -1].float()

    def _pick(self, logits, allowed: list[int]) -> int:
        return allowed[int(logits[allowed].argmax())]

    def _copy(self, logits, source: str, starts: list[int], ends: set[int],
              close: list[int], limit: int = 24,
              bias: dict[int, dict[int, float]] | None = None
              ) -> tuple[str, int | None, object]:
        """Greedy decoding restricted to spans of `source` beginning at `starts`; the span may
        close (a token of `close`, chosen but not fed) only at a position in `ends`. `bias`
        (start -> {end: score}, from the span prior) is added to the logits: a token gets the
        best score of the spans it can still become, a close the score of the span it closes;
        a start the prior did not score (a rewrite) gets 0. No span runs past `span_stop`
        (a closing quote, a new quote, a question's end). Returns the span, the closing
        token (None if the limit hit first) and the logits after the span."""
        live, text, closing = list(starts), "", set(close)
        stop = {s: span_stop(source, s) for s in starts}
        bias = bias or {}
        floor = min((b for v in bias.values() for b in v.values()), default=0.0)

        def grow(s: int, n: int) -> float:  # the best span from s at least n chars long
            if s not in bias:
                return 0.0
            return max((b for e, b in bias[s].items() if s + n <= e <= stop[s]), default=floor)

        for _ in range(limit):
            allowed: dict[int, float] = {}
            for s in live:
                rest = source[s + len(text): min(s + len(text) + 16, stop[s])].split("\n")[0]
                for k in range(1, len(rest) + 1):
                    tid = self.vocab.get(rest[:k])
                    if tid is not None:
                        allowed[tid] = max(allowed.get(tid, -math.inf), grow(s, len(text) + k))
            if done := [s for s in live if text and s + len(text) in ends]:
                b = max(bias[s].get(s + len(text), floor) if s in bias else 0.0 for s in done)
                allowed.update(dict.fromkeys(close, b))
            if not allowed:
                break
            cands = list(allowed)
            scores = logits[cands] + self.torch.tensor(list(allowed.values()))
            tid = cands[int(scores.argmax())]
            if tid in closing:
                return text, tid, logits
            text += self.strs[tid]
            live = [s for s in live if source.startswith(text, s)]
            logits = self._step([tid])
        return text, None, logits

    def _number(self, logits, is_float: bool) -> str:
        """Free digits (the question states no usable number)."""
        text = ""
        for _ in range(12):
            allowed = self.digits + (self.term if text[-1:].isdigit() else []) + \
                (self.minus if not text else []) + \
                (self.dot if is_float and text[-1:].isdigit() and "." not in text else [])
            tid = self._pick(logits, allowed)
            if tid in self.term:
                break
            text += self.strs[tid]
            logits = self._step([tid])
        return text

    def _free(self, logits, opener: str, limit: int) -> str:
        """Greedy until the value closes: a quote for strings, top-level , or ) otherwise."""
        text, depth = opener, 0 if opener != "[" else 1
        for _ in range(limit):
            tid = int(logits.argmax())
            s = self.strs[tid]
            if opener == '"':
                if '"' in s or "\n" in s:
                    return text + s.split('"')[0].split("\n")[0] + '"'
            else:
                for j, ch in enumerate(s):
                    depth += ch in "[({"
                    depth -= ch in "])}"
                    if depth < 0 or (depth == 0 and ch == ","):
                        return text + s[:j]
                    if depth == 0 and opener == "[":
                        return text + s[:j + 1]
                if "\n" in s:
                    break
            text += s
            logits = self._step([tid])
        return text + ('"' if opener == '"' else "]" * depth)
