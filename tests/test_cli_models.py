"""CLI commands and model-loading rules."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from loracle import models
from loracle.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_validate_ok_and_bad(tmp_path, capsys):
    assert main(["validate", str(ROOT / "configs/tickets.yaml")]) == 0
    assert "ok:" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("reply:\n  mod: none\n")
    assert main(["validate", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "reply.mod" in err and "did you mean 'mode'" in err and str(bad) in err


def test_print_config_applies_overrides_and_explains(capsys):
    assert main(["print-config", str(ROOT / "configs/tickets.yaml"), "--set",
                 "reply.mode=retrieve", "--seed", "5"]) == 0
    out = capsys.readouterr().out
    assert "mode: retrieve" in out and "seed: 5" in out and "config_hash" in out
    assert main(["print-config", "--explain"]) == 0
    out = capsys.readouterr().out
    assert "train.max_wall_clock_s" in out and "reply.mode" in out


def test_help_explains_every_flag(capsys):
    with pytest.raises(SystemExit):
        main(["tickets", "--help"])
    out = capsys.readouterr().out
    for flag in ("--train", "--val", "--weights", "--output", "--config", "--seed", "--set"):
        assert flag in out


def test_nf4_without_cuda_trains_plain_lora_and_says_so_once(tiny_lm_dir, caplog):
    models._logged_once.clear()
    with caplog.at_level(logging.WARNING, logger="loracle"):
        m1 = models.load_causal_lm(tiny_lm_dir, quantization="nf4")
        models.load_causal_lm(tiny_lm_dir, quantization="nf4")
    msgs = [r.message for r in caplog.records if "nf4" in r.message]
    assert len(msgs) == 1 and "plain LoRA" in msgs[0]
    assert not getattr(m1, "is_loaded_in_4bit", False)


def test_unknown_model_name_is_clear_error(tmp_path):
    with pytest.raises(models.ModelNotFoundError, match="no hub downloads"):
        models.resolve_lm(str(tmp_path / "missing"))
