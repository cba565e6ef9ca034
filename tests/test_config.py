"""Config loading/validation and the shipped YAML recipes."""
from __future__ import annotations

from pathlib import Path

import pytest

from loracle.config import (JudgeConfig, TicketsConfig, class_for_file, config_hash,
                            load_config)
from loracle.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "configs").glob("*.yaml"))
TICKET_CONFIGS = [p for p in SHIPPED if p.name.startswith("tickets")]
JUDGE_CONFIGS = [p for p in SHIPPED if p.name.startswith("judge")]


def test_there_are_shipped_configs():
    assert len(TICKET_CONFIGS) >= 2


@pytest.mark.parametrize("path", TICKET_CONFIGS, ids=lambda p: p.name)
def test_every_shipped_ticket_yaml_validates(path):
    cfg = load_config(path)
    assert isinstance(cfg, TicketsConfig)
    first = path.read_text().splitlines()[0]
    assert first.startswith("# python run.py") or first.startswith("# loracle"), \
        "each config starts with the command that runs it"


@pytest.mark.parametrize("path", JUDGE_CONFIGS, ids=lambda p: p.name)
def test_every_shipped_judge_yaml_validates(path):
    assert class_for_file(path) is JudgeConfig
    cfg = load_config(path, cls=JudgeConfig)
    from loracle.judge.model import feature_names

    assert feature_names(cfg.features.families.split(","))
    assert path.read_text().splitlines()[0].startswith("# loracle judge")


def test_config_kind_inferred_from_keys(tmp_path):
    p = tmp_path / "j.yaml"
    p.write_text("seed: 3\nteacher:\n  model: m\n")
    assert class_for_file(p) is JudgeConfig
    p.write_text("seed: 3\n")
    assert class_for_file(p) is TicketsConfig
    p.write_text("seed: 3\nteacher:\n  modle: m\n")
    with pytest.raises(ConfigError, match=r"teacher\.modle.*did you mean 'model'"):
        load_config(p, cls=class_for_file(p))


def test_required_keys_exist():
    cfg = TicketsConfig()
    assert isinstance(cfg.seed, int)
    assert cfg.train.max_wall_clock_s > 0
    assert cfg.reply.mode in ("generate", "retrieve", "none")


def test_unknown_key_names_key_and_suggestion(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("seed: 1\ntrain:\n  learning_rte: 0.1\n")
    with pytest.raises(ConfigError, match=r"train\.learning_rte.*did you mean 'learning_rate'"):
        load_config(p)


def test_unknown_top_level_key(tmp_path):
    with pytest.raises(ConfigError, match="unknown config key 'sed'"):
        load_config(None, ["sed=3"])


def test_wrong_type_and_bad_choice():
    with pytest.raises(ConfigError, match="train.epochs: expected float"):
        load_config(None, ["train.epochs=abc"])
    with pytest.raises(ConfigError, match="reply.mode: 'write' is not one of"):
        load_config(None, ["reply.mode=write"])
    with pytest.raises(ConfigError, match="lora.lora_r: must be > 0"):
        load_config(None, ["lora.lora_r=0"])


def test_overrides_and_seed_precedence(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("seed: 1\nreply:\n  mode: none\n")
    cfg = load_config(p, ["reply.mode=retrieve", "train.learning_rate=1e-3"], seed=9)
    assert (cfg.seed, cfg.reply.mode, cfg.train.learning_rate) == (9, "retrieve", 1e-3)
    assert config_hash(cfg) != config_hash(load_config(p))


def test_invalid_yaml_reports_line(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("seed: 1\ntrain: [unclosed\n")
    with pytest.raises(ConfigError, match="line"):
        load_config(p)
