"""BFCL AST checker for the single-turn Python categories.

Mirrors the Python branch of BFCL's ``eval_checker/ast_eval/ast_checker.py`` (simple,
multiple, parallel, parallel_multiple) plus irrelevance, so that our accuracies can be set
beside the leaderboard's. Its quirks are kept on purpose (int accepted for float but not the
reverse, strings compared after ``standardize_string``, greedy no-order matching for
parallel); a stricter or looser checker would give numbers that compare with nothing.
"""
from __future__ import annotations

import os
import re
from typing import Any

from loracle.errors import InputError
from loracle.io import read_jsonl

# BFCL's PYTHON_TYPE_MAPPING: JSON has no tuples, so "tuple" is a list; "any" is checked as a
# string (a value of another type then passes only as a "variable", see _type_ok).
_PY_TYPES: dict[str, type] = {"string": str, "integer": int, "float": float, "boolean": bool,
                              "array": list, "tuple": list, "dict": dict, "any": str}
_NESTED = ("array", "tuple")  # the types whose items BFCL type-checks (one level deep)
_STRIP = re.compile(r"[ ,./\-_*^]")
_ID = re.compile(r"^(.+)_\d+(?:-\d+)*$")


def load_jsonl_by_id(path: str | os.PathLike) -> dict[str, dict]:
    """Rows of a JSONL file keyed by their "id"; a bad id is an error naming the line, since a
    silently dropped or overwritten row would shift the score without anyone noticing."""
    rows: dict[str, dict] = {}
    for lineno, row in read_jsonl(path):
        rid = row.get("id")
        if not isinstance(rid, str) or not rid:
            raise InputError("missing or non-string id", path=str(path), line=lineno, field="id")
        if rid in rows:
            raise InputError(f"duplicate id {rid!r}", path=str(path), line=lineno, field="id")
        rows[rid] = row
    return rows


def category_of(question_id: str) -> str:
    """The BFCL category of an id: everything before the trailing _<n> ("parallel_multiple_12"
    -> "parallel_multiple"); live ids end in _<n>-<m>-<k>, which is stripped the same way."""
    m = _ID.match(question_id)
    if not m:
        raise InputError(f"cannot tell the BFCL category of id {question_id!r}")
    return m.group(1)


def _std(s: str) -> str:
    """BFCL's standardize_string: "April 1, 2024" and "april 1,2024" should both pass."""
    return _STRIP.sub("", s).lower().replace("'", '"')


def _std_items(seq: Any) -> list:
    # Iterating an accepted "" gives [], so [] matches an optional list param, as in BFCL.
    return [_std(x) if type(x) is str else x for x in seq]


def _type_ok(value: Any, accepted: list, expected: type, nested: type | None) -> tuple[bool, bool]:
    """(valid, is_variable) as BFCL's type_checker decides. When the ground truth's values are of
    another type than the schema's, BFCL reads them as variable names: a value of that type
    passes the type check and is then compared exactly, without normalisation."""
    ans_type = next((type(a) for a in accepted if not (type(a) is str and a == "")), None)
    is_var = ans_type is not None and ans_type is not expected
    if type(value) is expected:  # exact: True is no integer, 1 no float (int is promoted earlier)
        if nested is None:
            return True, is_var
        for acc in accepted:
            # Items must fit the item type against some accepted list; a non-list accepted
            # value (e.g. "") constrains nothing. No int->float promotion here, as in BFCL.
            if type(acc) is not list or all(_type_ok(v, acc, nested, None)[0] for v in value):
                return True, is_var
        return False, is_var
    return ans_type is not None and type(value) is ans_type, True


def _one_dict_error(name: str, value: Any, acc: Any) -> str | None:
    # One level deep, as BFCL: nested lists/dicts inside are compared exactly.
    if not isinstance(value, dict) or not isinstance(acc, dict):
        return f"param {name!r}: expected a dict, got {value!r}"
    for key, v in value.items():
        if key not in acc:
            return f"param {name!r}: unexpected key {key!r}"
        options = _std_items(acc[key])
        if (_std(v) if type(v) is str else v) not in options:
            return f"param {name!r}[{key!r}]: value {v!r} not in {acc[key]!r}"
    for key, options in acc.items():
        if key not in value and "" not in options:
            return f"param {name!r}: missing key {key!r}"
    return None


def _dict_error(name: str, value: Any, accepted: list) -> str | None:
    """BFCL's dict_checker: some accepted dict must fit key by key; "" alternatives are skipped."""
    err = f"param {name!r}: no accepted dict value"
    for acc in accepted:
        if type(acc) is str and acc == "":
            continue
        err = _one_dict_error(name, value, acc)
        if err is None:
            return None
    return err


def _list_dict_error(name: str, value: list, accepted: list) -> str | None:
    """BFCL's list_dict_checker: same length as some accepted list, dicts matched in order."""
    err = f"param {name!r}: wrong number of dicts ({len(value)})"
    for acc in accepted:
        if not isinstance(acc, (list, str)) or len(acc) != len(value):
            continue
        err = next((e for v, a in zip(value, acc) if (e := _dict_error(name, v, [a]))), None)
        if err is None:
            return None
    return err


def _param_error(name: str, value: Any, spec: dict, accepted: list) -> str | None:
    """Type then value of one argument, per BFCL's simple_function_checker loop body."""
    type_name = spec.get("type")
    expected = _PY_TYPES.get(type_name)
    if expected is None:
        return f"param {name!r}: unsupported schema type {type_name!r}"
    item_type = spec.get("items", {}).get("type") if type_name in _NESTED else None
    nested = _PY_TYPES.get(item_type)
    if type_name == "float" and type(value) is int:
        value = float(value)  # Python's implicit int -> float; BFCL allows it, not the reverse
    ok, is_var = _type_ok(value, accepted, expected, nested)
    if not ok:
        want = f"{type_name} of {item_type}" if nested else type_name
        return f"param {name!r}: expected {want}, got {type(value).__name__} {value!r}"
    if is_var:
        match = value in accepted
    elif expected is dict:
        return _dict_error(name, value, accepted)
    elif expected is list and nested is dict:
        return _list_dict_error(name, value, accepted)
    elif expected is str:
        match = _std(value) in [_std(a) for a in accepted if type(a) is str]
    elif expected is list:  # order matters; string items normalised
        match = _std_items(value) in [_std_items(a) for a in accepted if type(a) in (list, str)]
    else:
        match = value in accepted
    return None if match else f"param {name!r}: value {value!r} not in {accepted!r}"


def _call_error(call: tuple[str, dict], schema: dict | None, answer: dict) -> str | None:
    """BFCL's simple_function_checker: one call against one ground-truth entry."""
    (gt_name, accepted), = answer.items()
    name, args = call
    # BFCL rewrites "a.b" to "a_b" for APIs that forbid dots in names; accept both forms.
    if name not in (gt_name, gt_name.replace(".", "_")):
        return f"wrong function name: got {name}, expected {gt_name}"
    if schema is None:
        return f"function {gt_name} is not among the question's functions"
    props = schema.get("parameters", {}).get("properties", {})
    for p in schema.get("parameters", {}).get("required", []):
        if p not in args:
            return f"missing required param {p!r}"
    for p, v in args.items():
        if p not in props or p not in accepted:
            return f"unexpected param {p!r}"
        if err := _param_error(p, v, props[p], accepted[p]):
            return err
    for p, options in accepted.items():
        if p not in args and "" not in options:
            return f"missing param {p!r} (not optional in the ground truth)"
    return None


def _schema_for(functions: list[dict], name: str) -> dict | None:
    # BFCL's simple checker takes the lone function whatever its name; others look it up.
    found = next((f for f in functions if f.get("name") == name), None)
    return found if found is not None or len(functions) != 1 else functions[0]


def _parse_call(call: Any) -> tuple[str, dict] | None:
    if not isinstance(call, dict) or not isinstance(call.get("name"), str):
        return None
    args = call.get("arguments", {})
    return (call["name"], args) if isinstance(args, dict) else None


def check_calls(calls: list[dict], functions: list[dict], ground_truth: list[dict] | None,
                category: str) -> tuple[bool, str]:
    """(correct, reason) for one question's calls ({"name", "arguments"} each), BFCL-style:
    irrelevance wants no call; otherwise the call count must equal the ground truth's, parallel
    categories match calls to ground-truth entries in any order, the rest check the one call."""
    if "irrelevance" in category:
        if not calls:
            return True, "ok"
        names = [c.get("name") if isinstance(c, dict) else c for c in calls]
        return False, f"expected no call, got {len(calls)}: {names}"
    if ground_truth is None:
        raise ValueError(f"category {category!r} needs a ground truth")
    parsed = []
    for i, c in enumerate(calls):
        p = _parse_call(c)
        if p is None:
            return False, f"malformed call #{i}: {c!r}"
        parsed.append(p)
    if len(parsed) != len(ground_truth):
        return False, f"wrong number of calls: got {len(parsed)}, expected {len(ground_truth)}"
    if "parallel" not in category:  # simple and multiple: one call, one ground-truth entry
        err = _call_error(parsed[0], _schema_for(functions, next(iter(ground_truth[0]))),
                          ground_truth[0])
        return err is None, err or "ok"
    # BFCL's parallel_function_checker_no_order: greedy, each ground-truth entry in turn takes
    # the first unused call that fits. Greedy (not an optimal matching) to score as BFCL does.
    used: set[int] = set()
    for gi, answer in enumerate(ground_truth):
        gt_name = next(iter(answer))
        schema = _schema_for(functions, gt_name)
        first_err = named_err = None
        for ci, call in enumerate(parsed):
            if ci in used:
                continue
            err = _call_error(call, schema, answer)
            if err is None:
                used.add(ci)
                break
            first_err = first_err or err
            if named_err is None and not err.startswith("wrong function name"):
                named_err = err  # the error of a same-name call says more than a name mismatch
        else:
            why = named_err or first_err
            return False, f"no call matches ground truth #{gi} ({gt_name}): {why}"
    return True, "ok"


def score_files(calls_path: str | os.PathLike, answers_path: str | os.PathLike | None,
                questions_path: str | os.PathLike | None = None) -> dict:
    """Score a calls file ({"id", "calls"} per line) against a BFCL possible_answer file, or
    against nothing for irrelevance (then questions_path is required). Every question counts:
    one without a row in the calls file is wrong ("no answer") rather than left out, so a run
    that crashed halfway cannot report a flattering accuracy."""
    if questions_path is None:
        if answers_path is None:
            raise InputError("questions_path is required when there is no answer file")
        a = os.fspath(answers_path)
        questions_path = os.path.join(os.path.dirname(os.path.dirname(a)), os.path.basename(a))
    questions = load_jsonl_by_id(questions_path)
    answers = load_jsonl_by_id(answers_path) if answers_path is not None else None
    outputs = load_jsonl_by_id(calls_path)
    per_cat: dict[str, dict[str, Any]] = {}
    missing: list[str] = []
    errors: list[dict[str, str]] = []
    for qid in (answers if answers is not None else questions):
        if qid not in questions:
            raise InputError(f"id {qid!r} has no question", path=str(questions_path))
        cat = category_of(qid)
        row = outputs.get(qid)
        if row is None:
            missing.append(qid)
            ok, reason = False, "no answer"
        else:
            calls = row.get("calls")
            if not isinstance(calls, list):
                raise InputError(f"id {qid!r}: calls must be a list", path=str(calls_path),
                                 field="calls")
            gt = answers[qid].get("ground_truth") if answers is not None else None
            if answers is not None and not isinstance(gt, list):
                raise InputError(f"id {qid!r}: ground_truth must be a list",
                                 path=str(answers_path), field="ground_truth")
            functions = questions[qid].get("function")
            if not isinstance(functions, list):
                raise InputError(f"id {qid!r}: function must be a list of schemas",
                                 path=str(questions_path), field="function")
            ok, reason = check_calls(calls, functions, gt, cat)
        stats = per_cat.setdefault(cat, {"n": 0, "correct": 0})
        stats["n"] += 1
        stats["correct"] += int(ok)
        if not ok and len(errors) < 50:
            errors.append({"id": qid, "reason": reason})
    for stats in per_cat.values():
        stats["accuracy"] = stats["correct"] / stats["n"]
    n = sum(s["n"] for s in per_cat.values())
    correct = sum(s["correct"] for s in per_cat.values())
    return {"n": n, "correct": correct, "accuracy": correct / n if n else 0.0,
            "per_category": per_cat, "missing": missing, "errors": errors}
