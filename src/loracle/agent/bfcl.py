"""Answer BFCL single-turn questions locally: MiniLM + a tiny logistic regression pick the
function(s) (or none), SmolLM2 fills each argument under a type constraint, and a lexical rule
turns enumerations in the question ("A and B", "10 and 20 years, respectively") into parallel
calls. The answerer sees only the question and the functions, never the id or the category,
as in the real benchmark. Held-out numbers come from benchmarks/bench_bfcl.py, never from the
shipped model in bfcl_model/ (which is fit on every dev row)."""
from __future__ import annotations

import ast
import itertools
import json
import os
import re
import time
from pathlib import Path
from typing import Any, Callable, Protocol

import numpy as np

from loracle.errors import InputError
from loracle.io import atomic_write_json, atomic_write_text, read_jsonl

MODEL_DIR = Path(__file__).with_name("bfcl_model")
_STOP = set("a an the of for to in on at by with and or is are be what how me my i you "
            "your it its this that from as find get calculate compute give tell please "
            "given using use can could would will do does which".split())
_NUM = re.compile(r"(?<![\w.])-?\d[\d,]*(?:\.\d+)?(?![\d])")
_SEP = r"\s*(?:,\s*(?:and|or)?|and|or|&|vs\.?|versus)\s+(?:then\s+|also\s+|the\s+)?"
FEATURES = ["cos", "clause_cos", "cos_gap", "is_top", "clause_top", "name_hit", "desc_hit",
            "param_hit", "nums_ok", "inv_nfuncs"]


def load_questions(path: str | os.PathLike) -> list[dict]:
    """BFCL question rows; a row without an id, a user message or a function list is an
    InputError naming the line, since a silently skipped row would shift the accuracy."""
    rows = []
    for lineno, row in read_jsonl(path):
        try:  # explicit checks, not asserts: `python -O` must not skip validation
            ok = isinstance(row["id"], str) and bool(question_text(row)) \
                and all(isinstance(f["name"], str) for f in row["function"])
        except (KeyError, IndexError, TypeError):
            ok = False
        if not ok:
            raise InputError("not a BFCL question row (needs id, question, function)",
                             path=str(path), line=lineno)
        rows.append(row)
    return rows


def question_text(row: dict) -> str:
    turns = row["question"][0] if row["question"] and isinstance(row["question"][0], list) \
        else row["question"]
    return " ".join(m["content"] for m in turns if m.get("role") == "user")


def _words(text: str) -> set[str]:
    # 5-letter prefixes: a crude stem so "calculating"/"calculate", "areas"/"area" meet.
    return {w[:5] for w in re.findall(r"[a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", text)
                                      .replace("_", " ").lower()) if w not in _STOP}


def _clauses(text: str) -> list[str]:
    parts = re.split(r"[.;?!]\s+|,?\s+(?:and then|then|also|and)\s+(?=[a-z]+\b)", text)
    return [p for p in parts if len(p.split()) >= 3] or [text]


def _func_text(f: dict) -> str:
    return f"{f['name'].replace('_', ' ').replace('.', ' ')}: {f.get('description', '')}"


def _params(f: dict) -> tuple[dict, list[str]]:
    p = f.get("parameters") or {}
    return p.get("properties") or {}, list(p.get("required") or [])


class Encoder(Protocol):
    def __call__(self, texts: list[str]) -> np.ndarray: ...


class CachedEncoder:
    """Memoises embeddings by text: folds and repeated function schemas re-embed nothing."""

    def __init__(self, enc: Callable[[list[str]], np.ndarray]):
        self.enc, self.memo = enc, {}

    def __call__(self, texts: list[str]) -> np.ndarray:
        new = sorted({t for t in texts if t not in self.memo})
        if new:
            self.memo.update(zip(new, self.enc(new)))
        return np.stack([self.memo[t] for t in texts])


def features(question: str, functions: list[dict], enc: Encoder) -> np.ndarray:
    """One row per function: semantic match of the whole question and of its best clause
    (parallel_multiple asks several things, one per clause), lexical hits, and whether the
    question holds enough numbers for the numeric required params."""
    cl = _clauses(question)
    E = enc([question] + cl + [_func_text(f) for f in functions])
    q, c, fe = E[0], E[1:1 + len(cl)], E[1 + len(cl):]
    cos, ccos = fe @ q, (fe @ c.T)  # (F,), (F, C)
    qw, nums = _words(question), len(_NUM.findall(question))
    rows = []
    for i, f in enumerate(functions):
        props, req = _params(f)
        nw, dw = _words(f["name"]), _words(f.get("description", ""))
        pw = [_words(p) for p in req]
        numeric = sum(props.get(p, {}).get("type") in ("integer", "float") for p in req)
        rows.append([cos[i], ccos[i].max(), cos[i] - cos.max(), float(cos[i] == cos.max()),
                     float((ccos.argmax(0) == i).any()), len(nw & qw) / max(len(nw), 1),
                     len(dw & qw) / max(len(dw), 1),
                     np.mean([bool(w & qw) for w in pw]) if pw else 0.5,
                     float(nums >= numeric), 1.0 / len(functions)])
    return np.asarray(rows, dtype=np.float64)


# ---------- argument values: parsing, coercion, grounding, enumeration ----------

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


def _norm(s: str) -> str:
    return re.sub(r"[\s,./\-_*^'\"]", "", s).lower()


def grounded(value: Any, question: str) -> bool:
    """Whether an optional value is stated in the question; a wrong optional value fails the
    checker while an absent one usually passes, so only stated values are kept."""
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, list):
        return bool(value) and all(grounded(v, question) for v in value)
    if isinstance(value, (int, float)):
        return any(float(n.replace(",", "")) == value for n in _NUM.findall(question))
    # Whole words: a decoded "m" or "K" is inside every question but stated in none.
    return len(value) > 1 and re.search(rf"(?<!\w){re.escape(value)}(?!\w)", question,
                                        re.I) is not None


def alternatives(question: str, value: Any, avoid: frozenset = frozenset()) -> list:
    """The enumeration the value opens in the question ("Taylor Swift and Maroon 5" ->
    ["Taylor Swift", "Maroon 5"]), or [value]. Items after a string keep its word count."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return [value]
    if isinstance(value, str):
        m = re.search(re.escape(value), question, re.I)
        if not m or not value.strip():
            return [value]
        q0 = question[m.start() - 1:m.start()]
        ctx = re.search(r"([A-Za-z]+\W+[A-Za-z]+\W*)$", question[:m.start()])
        if q0 in "'\"" and q0 and ctx:  # "SNP ID 'rs1' ... SNP ID 'rs2'": quoted siblings
            sib = re.findall(re.escape(ctx.group(1)) + r"([^'\"]+)['\"]", question)
            if len(sib) > 1 and value in sib:
                return [value] + [v for v in sib if v != value]
        out, rest, n = [value], question[m.end():], len(value.split())
        w = r"[\w$%'-]+"
        item = rf"((?:{w}\s+){{{n - 1}}}{w})"
        while (mm := re.match(_SEP + item, rest, re.I)) and len(out) < 8:
            it = mm.group(1)
            # "Taylor Swift and Maroon 5, with a ..." : a capitalised list stays capitalised,
            # and an item that is a stop word or names a parameter ("base and height") ends it.
            if (value[0].isupper() and not it[0].isupper() and not it[0].isdigit()) or \
                    it.split()[0].lower() in _STOP or _words(it) & avoid:
                break
            out.append(it)
            rest = rest[mm.end():]
        return out
    num = r"(?<![\w.])%s(?!\d|[.,]\d)" % re.escape(str(value).removesuffix(".0"))
    m = re.search(num, question)
    if not m:
        return [value]
    out, rest = [value], question[m.end():]
    # "the factorial of 5, the factorial of 3": numbers after the same two words are siblings.
    ctx = re.search(r"([A-Za-z]+\W+[A-Za-z]+\W*)$", question[:m.start()])
    if ctx and not set(ctx.group(1).lower().split()) <= _STOP:
        sib = re.findall(re.escape(ctx.group(1)) + r"\$?(-?\d[\d,]*(?:\.\d+)?)", question)
        conv = [coerce(x.replace(",", ""), {"type": "float" if isinstance(value, float)
                                            else "integer"}) for x in sib]
        if len(conv) > 1 and value in conv:
            return [value] + [v for v in conv if v is not None and v != value]
    while (mm := re.match(r"(?:\s+[A-Za-z%]+){0,2}" + _SEP + r"\$?(-?\d[\d,]*(?:\.\d+)?)",
                          rest, re.I)) and len(out) < 8:
        out.append(coerce(mm.group(1).replace(",", ""), {"type": "float" if isinstance(
            value, float) else "integer"}))
        rest = rest[mm.end():]
    return [v for v in out if v is not None]


def expand(question: str, args: dict, avoid: frozenset = frozenset()) -> list[dict]:
    """One call's arguments -> the parallel calls the question enumerates: equal-length lists
    zip ("respectively"), unequal ones multiply; a value already used by another param
    ("between 5 and 10") is no alternative."""
    used = {json.dumps(v) for v in args.values()}
    lists = {}
    for p, v in args.items():
        alts = [a for a in alternatives(question, v, avoid)[1:] if json.dumps(a) not in used]
        if alts:
            lists[p] = [v] + alts
    if not lists:
        return [args]
    keys, lens = list(lists), {len(v) for v in lists.values()}
    combos = zip(*lists.values()) if len(lens) == 1 else itertools.product(*lists.values())
    return [{**args, **dict(zip(keys, c))} for c in combos]


# ---------- the answerer ----------

class ArgDecoder(Protocol):
    def __call__(self, question: str, function: dict) -> dict: ...


class BfclAnswerer:
    """fit() learns only the function selector (10 weights + bias); the LM is used zero-shot."""

    def __init__(self, encoder: Encoder | None = None, decoder: ArgDecoder | None = None,
                 threshold: float = 0.5):
        self._enc, self._dec = encoder, decoder
        self.coef = np.zeros(len(FEATURES))
        self.bias, self.threshold = 0.0, threshold

    @property
    def enc(self) -> Encoder:
        if self._enc is None:  # lazy: tests and fit-only runs never load MiniLM
            from loracle.router.learned import PromptEncoder
            self._enc = CachedEncoder(PromptEncoder("embedded:all-minilm-l6-v2", max_len=128))
        return self._enc

    @property
    def dec(self) -> ArgDecoder:
        if self._dec is None:
            self._dec = LMArgDecoder()
        return self._dec

    def fit(self, questions: list[dict], answers: dict[str, dict]) -> "BfclAnswerer":
        """Label = the function appears in the question's ground truth (questions without an
        answer, i.e. irrelevance, label every function 0)."""
        from sklearn.linear_model import LogisticRegression
        X, y = [], []
        for row in questions:
            gt = answers.get(row["id"], {}).get("ground_truth", [])
            names = {n for call in gt for n in call}
            X.append(features(question_text(row), row["function"], self.enc))
            y += [float(f["name"] in names) for f in row["function"]]
        lr = LogisticRegression(C=1.0, max_iter=2000).fit(np.vstack(X), np.asarray(y))
        self.coef, self.bias = lr.coef_[0].astype(np.float64), float(lr.intercept_[0])
        # The cut that best reproduces each training question's exact function set (0.5 is
        # tuned for per-function log-loss, not for "all or nothing" per question).
        P = 1.0 / (1.0 + np.exp(-(np.vstack(X) @ self.coef + self.bias)))
        Y, bounds = np.asarray(y) > 0, np.cumsum([0] + [len(x) for x in X])
        def exact(t: float) -> int:
            return sum(bool(((P[a:b] >= t) == Y[a:b]).all()) for a, b in zip(bounds, bounds[1:]))
        self.threshold = max(np.round(np.arange(0.2, 0.81, 0.05), 2), key=exact).item()
        return self

    def select(self, question: str, functions: list[dict]) -> list[dict]:
        z = features(question, functions, self.enc) @ self.coef + self.bias
        p = 1.0 / (1.0 + np.exp(-z))
        return [f for f, pi in zip(functions, p) if pi >= self.threshold]

    def answer(self, row: dict) -> list[dict]:
        q = question_text(row)
        calls = []
        for f in self.select(q, row["function"]):
            args = self.dec(q, f)
            avoid = frozenset().union(*[_words(p) for p in _params(f)[0]])
            calls += [{"name": f["name"], "arguments": a} for a in expand(q, args, avoid)]
        return calls

    def save(self, out_dir: str | os.PathLike) -> None:
        atomic_write_json(Path(out_dir) / "selector.json", {
            "features": FEATURES, "coef": [round(float(c), 6) for c in self.coef],
            "bias": round(self.bias, 6), "threshold": self.threshold})

    @classmethod
    def load(cls, model_dir: str | os.PathLike = MODEL_DIR, **kw: Any) -> "BfclAnswerer":
        path = Path(model_dir) / "selector.json"
        try:
            d = json.loads(path.read_text())
            assert d["features"] == FEATURES
        except (OSError, ValueError, KeyError, AssertionError) as e:
            raise InputError(f"not a BFCL selector ({e})", path=str(path)) from None
        a = cls(threshold=d["threshold"], **kw)
        a.coef, a.bias = np.asarray(d["coef"], dtype=np.float64), float(d["bias"])
        return a


def answer_file(questions_path: str | os.PathLike, output_path: str | os.PathLike,
                answerer: BfclAnswerer, progress: bool = True) -> dict:
    """Answer every question and write {"id", "calls", "latency_ms"} JSONL atomically."""
    from tqdm import tqdm
    rows, lines, total = load_questions(questions_path), [], 0.0
    for row in tqdm(rows, desc="bfcl", disable=not progress):
        t0 = time.perf_counter()
        calls = answerer.answer(row)
        ms = (time.perf_counter() - t0) * 1000
        total += ms
        lines.append(json.dumps({"id": row["id"], "calls": calls, "latency_ms": round(ms, 1)},
                                ensure_ascii=False))
    atomic_write_text(output_path, "\n".join(lines) + "\n")
    return {"questions": len(rows), "output": str(output_path),
            "mean_latency_ms": round(total / max(len(rows), 1), 1)}


# ---------- SmolLM2 argument decoder ----------

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


class LMArgDecoder:
    """Greedy SmolLM2 decoding of one value per parameter after a forced `func(p=`, with the
    token set restricted by the type (digits for numbers, True/False for booleans, a quoted
    string, a bracketed list). The prompt's KV cache is kept and cropped, so each value costs
    only its own few tokens."""

    def __init__(self, model: str = "embedded:smollm2-135m-instruct", dtype: str = "bfloat16"):
        import torch
        from loracle import models
        path = models.resolve_lm(model)
        self.torch, self.tok = torch, models.load_tokenizer(path)
        self.lm = models.load_causal_lm(path, dtype=dtype).eval()
        strs = [self.tok.decode([i]) for i in range(len(self.tok))]
        self.strs = strs
        self.digits = [i for i, s in enumerate(strs) if re.fullmatch(r"\d+", s)]
        self.minus = [i for i, s in enumerate(strs) if s == "-"]
        self.dot = [i for i, s in enumerate(strs) if s == "."]
        self.term = [i for i, s in enumerate(strs) if s[:1] in (",", ")")]
        self.true_id, self.false_id = (self._ids(w)[0] for w in ("True", "False"))

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

    def _number(self, logits, is_float: bool) -> str:
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

    def _free(self, logits, opener: str, limit: int, question: str) -> str:
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

    def __call__(self, question: str, function: dict) -> dict:
        from transformers import DynamicCache
        props, req = _params(function)
        msgs = [{"role": "system", "content": _SYSTEM},
                {"role": "user", "content": f"{signature(function)}\n\nQuestion: {question}"}]
        prompt = self.tok.apply_chat_template(msgs, tokenize=False, add_generation_prompt=True)
        self.cache = DynamicCache()
        self._step(self._ids(prompt + function["name"] + "("))
        args: dict = {}
        pending = ""  # committed text not yet in the cache (fed with the next param's lead)
        for p, spec in props.items():
            t = spec.get("type")
            if p not in req and t == "boolean":
                continue  # never stated as a literal in the question, so never grounded
            opener = '"' if t in ("string", "any") else "[" if t in ("array", "tuple") else ""
            lead = (", " if args else "") + f"{p}="
            start = self.cache.get_seq_length()
            logits = self._step(self._ids(pending + lead + opener))
            if t == "boolean":
                text = "True" if logits[self.true_id] >= logits[self.false_id] else "False"
            elif t in ("integer", "float"):
                text = self._number(logits, t == "float")
            else:
                text = self._free(logits, opener, 40 if opener == "[" else 24, question)
            value = parse_value(text, spec)
            if t in ("integer", "float") and value is not None and value > 0 and \
                    not grounded(value, question) and grounded(-value, question):
                value = -value  # "b=-3" decoded as 3: the sign token is often skipped
            if value is not None and spec.get("enum") and value not in spec["enum"]:
                import difflib
                value = (difflib.get_close_matches(str(value), spec["enum"], 1, 0.0) or [None])[0]
            self.cache.crop(start - self.cache.get_seq_length())  # negative: drop the tail
            if value is not None and value != "" and (p in req or grounded(value, question)):
                args[p] = value
                pending += lead + (json.dumps(value) if isinstance(value, str) else repr(value))
        return args
