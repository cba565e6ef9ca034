"""Each bad input: a clear message naming file/line/field, non-zero exit, nothing
half-written at --output."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from loracle.cli import run_py_main

PREVIOUS = '{"previous": "results"}\n'


def _rows(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip()]


def _write(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def _invoke(tmp_path, train, val, overrides=(), weights=None):
    out = tmp_path / "results.json"
    out.write_text(PREVIOUS)  # an earlier result that must survive a failed run
    args = ["--train", str(train), "--val", str(val), "--weights",
            str(weights or tmp_path / "w"), "--output", str(out)]
    for o in overrides:
        args += ["--set", o]
    return run_py_main(args), out


def _fails(tmp_path, capsys, train, val, *needles, weights=None, overrides=()):
    rc, out = _invoke(tmp_path, train, val, overrides, weights)
    err = capsys.readouterr().err
    assert rc != 0, err
    for n in needles:
        assert n in err, f"{n!r} not in {err!r}"
    assert "Traceback" not in err
    assert out.read_text() == PREVIOUS  # untouched
    return err


def test_malformed_jsonl_line(tmp_path, capsys, sample_data):
    train, val = sample_data
    lines = train.read_text().splitlines()
    lines[4] = '{"id": "ex_x", "ticket": "oops"'
    train.write_text("\n".join(lines) + "\n")
    _fails(tmp_path, capsys, train, val, str(train), "line 5", "malformed JSON")


@pytest.mark.parametrize("field", ["id", "ticket", "intent"])
def test_missing_required_field_in_train(tmp_path, capsys, sample_data, field):
    train, val = sample_data
    rows = _rows(train)
    del rows[2][field]
    _write(train, rows)
    _fails(tmp_path, capsys, train, val, str(train), "line 3", f"field '{field}'")


def test_missing_ticket_in_val(tmp_path, capsys, sample_data):
    train, val = sample_data
    rows = _rows(val)
    del rows[1]["ticket"]
    _write(val, rows)
    _fails(tmp_path, capsys, train, val, str(val), "line 2", "field 'ticket'")


@pytest.mark.parametrize("which", ["train", "val"])
def test_empty_file(tmp_path, capsys, sample_data, which):
    train, val = sample_data
    target = train if which == "train" else val
    target.write_text("\n")
    _fails(tmp_path, capsys, train, val, str(target), "empty")


def test_duplicate_ids(tmp_path, capsys, sample_data):
    train, val = sample_data
    rows = _rows(val)
    rows[3]["id"] = rows[0]["id"]
    _write(val, rows)
    _fails(tmp_path, capsys, train, val, str(val), "line 4", "duplicate id", "line 1")


def test_non_utf8_bytes(tmp_path, capsys, sample_data):
    train, val = sample_data
    data = train.read_bytes().split(b"\n")
    data[6] = data[6].replace(b"the", b"th\xff\xfe", 1) if b"the" in data[6] else data[6] + b"\xff"
    train.write_bytes(b"\n".join(data))
    _fails(tmp_path, capsys, train, val, str(train), "line 7", "UTF-8")


def test_single_intent_train(tmp_path, capsys, sample_data):
    train, val = sample_data
    rows = _rows(train)
    for r in rows:
        r["intent"] = "only.one"
    _write(train, rows)
    _fails(tmp_path, capsys, train, val, str(train), "only one intent")


def test_val_label_not_in_train(tmp_path, capsys, sample_data):
    train, val = sample_data
    rows = _rows(val)
    rows[0]["intent"] = "never.seen"
    _write(val, rows)
    _fails(tmp_path, capsys, train, val, str(val), "line 1", "never.seen")


def test_unwritable_weights_dir(tmp_path, capsys, sample_data):
    train, val = sample_data
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    _fails(tmp_path, capsys, train, val, "--weights", "not writable",
           weights=blocker / "weights")


def test_unknown_config_key_via_set(tmp_path, capsys, sample_data):
    train, val = sample_data
    _fails(tmp_path, capsys, train, val, "reply.mdoe", "did you mean 'mode'",
           overrides=["reply.mdoe=none"])


def test_huge_ticket_is_truncated_with_warning(tmp_path, capsys, caplog, sample_data,
                                               tiny_overrides):
    train, val = sample_data
    rows = _rows(val)
    rows[0]["ticket"] = "My export is broken. " * 50_000  # ~1 MB
    _write(val, rows)
    rc, out = _invoke(tmp_path, train, val, tiny_overrides + ["reply.mode=retrieve"])
    err = capsys.readouterr().err + caplog.text
    assert rc == 0, err
    assert "truncated" in err and "line 1" in err
    res = json.loads(out.read_text())
    assert len(res["predictions"]) == len(rows)


def test_run_py_without_a_form_prints_usage_and_exits_2(capsys):
    assert run_py_main([]) == 2
    assert "--train T --val V --weights W --output O" in capsys.readouterr().err


def test_missing_model_dir_is_a_clear_error(tmp_path, capsys, sample_data):
    train, val = sample_data
    _fails(tmp_path, capsys, train, val, "not found", "config.json",
           overrides=[f"encoder.name_or_path={tmp_path / 'nope'}"])
