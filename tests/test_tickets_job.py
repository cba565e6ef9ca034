"""End-to-end ticket job on tiny random models: schema, taxonomy, determinism, audit."""
from __future__ import annotations

import json
from pathlib import Path

from loracle.cli import main as loracle_main
from loracle.cli import run_py_main
from loracle.tickets.data import Ticket
from loracle.tickets.job import holdout_split


def _run(tmp_path, train, val, overrides, name="r"):
    w, o = tmp_path / f"{name}_w", tmp_path / f"{name}.json"
    rc = run_py_main(["--train", str(train), "--val", str(val), "--weights", str(w),
                      "--output", str(o)] + sum((["--set", x] for x in overrides), []))
    return rc, w, o


def _check_schema(result: dict, val_path: Path, taxonomy: set[str]):
    assert set(result) == {"training", "predictions"}
    t = result["training"]
    assert set(t) == {"steps", "train_loss", "val_loss", "wall_clock_s"}
    assert isinstance(t["steps"], int) and t["steps"] > 0
    assert isinstance(t["train_loss"], float)
    assert isinstance(t["wall_clock_s"], float)
    ids = [json.loads(l)["id"] for l in val_path.read_text().splitlines() if l.strip()]
    assert [p["id"] for p in result["predictions"]] == ids  # one per row, input order
    for p in result["predictions"]:
        assert {"id", "prediction", "predicted_intent", "latency_ms", "tokens_used"} <= set(p)
        assert p["predicted_intent"] in taxonomy
        assert isinstance(p["prediction"], str)
        assert isinstance(p["tokens_used"], int) and p["tokens_used"] > 0
        assert 0.0 <= p["confidence"] <= 1.0
        assert p["source"] == "local"


def _taxonomy(train: Path) -> set[str]:
    return {json.loads(l)["intent"] for l in train.read_text().splitlines() if l.strip()}


def test_generate_mode_end_to_end(tmp_path, sample_data, tiny_overrides):
    train, val = sample_data
    rc, w, o = _run(tmp_path, train, val, tiny_overrides)
    assert rc == 0
    res = json.loads(o.read_text())
    _check_schema(res, val, _taxonomy(train))
    assert isinstance(res["training"]["val_loss"], float)  # from the held-out train slice
    # PEFT adapter directories loadable by PeftModel.from_pretrained.
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    cfg_lm = tiny_overrides[0].split("=", 1)[1]
    lm = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(cfg_lm), str(w / "lm"))
    assert any("lora_" in n for n, _ in lm.named_parameters())
    assert (w / "intent" / "adapter_config.json").is_file()
    manifest = json.loads((w / "manifest.json").read_text())
    assert manifest["seed"] == 42 and manifest["inputs"]["train"]["sha256"]
    assert "lm/adapter_model.safetensors" in manifest["adapter_files"]


def test_retrieve_mode_replies_come_from_train_of_predicted_intent(tmp_path, sample_data,
                                                                    tiny_overrides):
    train, val = sample_data
    rc, w, o = _run(tmp_path, train, val, tiny_overrides + ["reply.mode=retrieve"])
    assert rc == 0
    res = json.loads(o.read_text())
    _check_schema(res, val, _taxonomy(train))
    rows = [json.loads(l) for l in train.read_text().splitlines()]
    replies = {(r["intent"], r["ideal_reply"]) for r in rows}
    for p in res["predictions"]:
        assert (p["predicted_intent"], p["prediction"]) in replies
    assert not (w / "lm").exists()  # no LM needed, none trained


def test_none_mode_and_lm_intent_method(tmp_path, sample_data, tiny_overrides):
    train, val = sample_data
    rc, _, o = _run(tmp_path, train, val, tiny_overrides + ["reply.mode=none",
                                                            "intent.method=lm"])
    assert rc == 0
    res = json.loads(o.read_text())
    _check_schema(res, val, _taxonomy(train))
    assert all(p["prediction"] == "" for p in res["predictions"])


def test_two_runs_identical_bytes(tmp_path, sample_data, tiny_overrides):
    train, val = sample_data
    _, w1, o1 = _run(tmp_path, train, val, tiny_overrides, "a")
    _, w2, o2 = _run(tmp_path, train, val, tiny_overrides, "b")
    for f in ("lm/adapter_model.safetensors", "intent/adapter_model.safetensors",
              "intent/classifier_head.safetensors"):
        assert (w1 / f).read_bytes() == (w2 / f).read_bytes(), f
    strip = lambda o: [{k: v for k, v in p.items() if k != "latency_ms"}  # noqa: E731
                       for p in json.loads(o.read_text())["predictions"]]
    assert strip(o1) == strip(o2)
    m1, m2 = (json.loads((w / "manifest.json").read_text()) for w in (w1, w2))
    assert m1["adapter_files"] == m2["adapter_files"]
    assert m1["predictions_sha256"] == m2["predictions_sha256"]
    # A different seed gives different adapter bytes (the seed is really used).
    _, w3, _ = _run(tmp_path, train, val, tiny_overrides + ["seed=7"], "c")
    assert (w3 / "lm/adapter_model.safetensors").read_bytes() != \
        (w1 / "lm/adapter_model.safetensors").read_bytes()


def test_wall_clock_budget_stops_training_but_predicts_every_row(tmp_path, sample_data,
                                                                 tiny_overrides):
    train, val = sample_data
    over = [x for x in tiny_overrides if not x.startswith("train.max_wall_clock_s")]
    rc, _, o = _run(tmp_path, train, val, over + ["train.max_wall_clock_s=0.001",
                                                  "intent.steps=1000"])
    assert rc == 0
    res = json.loads(o.read_text())
    assert res["training"]["steps"] < 1000
    _check_schema_rows = [p["id"] for p in res["predictions"]]
    assert len(_check_schema_rows) == len(val.read_text().splitlines())


def test_audit_identical_then_detects_difference(tmp_path, sample_data, tiny_overrides,
                                                 capsys):
    train, val = sample_data
    _, w, _ = _run(tmp_path, train, val, tiny_overrides + ["reply.mode=retrieve"])
    assert loracle_main(["audit", str(w)]) == 0
    assert "identical" in capsys.readouterr().out
    m = json.loads((w / "manifest.json").read_text())
    m["adapter_files"]["intent/adapter_model.safetensors"] = "0" * 64
    (w / "manifest.json").write_text(json.dumps(m))
    assert loracle_main(["audit", str(w)]) == 1
    assert "adapter file intent/adapter_model.safetensors" in capsys.readouterr().out


def test_holdout_keeps_two_rows_per_intent():
    rows = [Ticket(id=str(i), ticket="t", intent=f"i{i % 3}") for i in range(9)]
    fit, held = holdout_split(rows, 0.5, 64, seed=1)
    assert len(fit) + len(held) == 9 and len(held) == 3
    counts = {}
    for t in fit:
        counts[t.intent] = counts.get(t.intent, 0) + 1
    assert min(counts.values()) >= 2
    assert holdout_split(rows, 0.5, 64, seed=1) == (fit, held)  # seeded
