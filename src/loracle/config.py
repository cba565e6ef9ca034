"""Typed, validated configuration for the ticket job.

YAML files map onto these dataclasses one to one. Unknown keys are errors that
name the key and the closest valid one; values are type-checked. ``--set
a.b=value`` overrides are parsed as YAML scalars and validated the same way.
Every field carries its help text in ``metadata["help"]`` (``loracle
print-config --explain`` shows it).
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import json
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .errors import ConfigError


def _f(default, help: str, choices: tuple | None = None):
    md = {"help": help}
    if choices:
        md["choices"] = choices
    if isinstance(default, (list, dict)):
        return field(default_factory=lambda d=default: type(d)(d), metadata=md)
    return field(default=default, metadata=md)


@dataclass
class ModelConfig:
    """The generative base model (used for replies and optional LM intent scoring)."""

    name_or_path: str = _f("embedded:smollm2-135m-instruct",
                           "'embedded:smollm2-135m-instruct' or a local HF model directory")
    dtype: str = _f("float32", "compute dtype: float32 | bfloat16 | float16 | auto",
                    ("float32", "bfloat16", "float16", "auto"))
    quantization: str = _f("none", "'nf4' = 4-bit QLoRA base (needs CUDA; plain LoRA otherwise)",
                           ("none", "nf4"))
    max_seq_len: int = _f(384, "prompt+completion tokens kept per training example")


@dataclass
class EncoderConfig:
    """The sentence encoder behind the intent classifier and reply retrieval."""

    name_or_path: str = _f("embedded:all-minilm-l6-v2",
                           "'embedded:all-minilm-l6-v2' or a local HF encoder directory")
    max_seq_len: int = _f(64, "tokens kept per ticket when encoding")
    batch_size: int = _f(64, "tickets per forward pass at inference")


@dataclass
class LoraConfig:
    """LoRA adapter shape for the generative model."""

    lora_r: int = _f(16, "LoRA rank")
    lora_alpha: int = _f(32, "LoRA alpha (scaling = alpha / r)")
    lora_dropout: float = _f(0.0, "dropout on the LoRA path (0 keeps runs cheaper and exact)")
    target_modules: str = _f("all-linear", "'all-linear' or a comma-separated module list")


@dataclass
class TrainConfig:
    """Supervised fine-tuning of the generative model (loss on completion tokens only)."""

    learning_rate: float = _f(1e-3, "peak AdamW learning rate")
    epochs: float = _f(4.0, "passes over the training rows (fractions allowed)")
    max_steps: int = _f(0, "stop after this many optimizer steps (0 = no limit)")
    batch_size: int = _f(8, "examples per optimizer step (batched by length)")
    warmup_ratio: float = _f(0.1, "fraction of steps with linear warmup")
    weight_decay: float = _f(0.0, "AdamW weight decay")
    max_grad_norm: float = _f(1.0, "gradient clipping (0 disables)")
    max_wall_clock_s: float = _f(1500.0, "training budget for all components; training stops "
                                 "cleanly when reached and every row is still predicted")
    gradient_checkpointing: bool = _f(False, "trade compute for memory (large models on GPU)")


@dataclass
class IntentConfig:
    """How the intent is predicted. The taxonomy is always the set of intents in train."""

    method: str = _f("encoder", "encoder = LoRA-tuned sentence encoder + linear head; "
                     "lm = label scoring with the fine-tuned generative model; "
                     "ensemble = average of both", ("encoder", "lm", "ensemble"))
    steps: int = _f(250, "contrastive steps for the encoder (each: batch_size intents x 2 tickets)")
    batch_size: int = _f(32, "distinct intents per contrastive step")
    learning_rate: float = _f(2e-4, "encoder LoRA learning rate")
    lora_r: int = _f(16, "encoder LoRA rank")
    lora_alpha: int = _f(32, "encoder LoRA alpha")
    scale: float = _f(20.0, "similarity temperature in the contrastive loss (logits = scale * cos)")
    head_c: float = _f(10.0, "inverse L2 strength of the logistic-regression head")
    ensemble_weight: float = _f(0.5, "weight of the LM in method=ensemble")


@dataclass
class ReplyConfig:
    """How the reply text is produced."""

    mode: str = _f("generate", "generate = fine-tuned LM writes the reply; retrieve = the "
                   "ideal_reply of the most similar train ticket with the predicted intent; "
                   "none = empty reply", ("generate", "retrieve", "none"))
    context: str = _f("nearest", "generate only: nearest = show the LM the ideal reply of the "
                      "most similar train ticket with the same intent (learned with "
                      "leave-one-out references); none = ticket only", ("nearest", "none"))
    max_new_tokens: int = _f(96, "generation length cap (greedy decoding)")
    batch_size: int = _f(8, "prompts generated together")


@dataclass
class DataConfig:
    """Input handling."""

    val_fraction: float = _f(0.1, "seeded share of train held out to measure val_loss when "
                             "val has no labels (0 disables; val_loss is then null)")
    val_max_rows: int = _f(64, "cap on the held-out slice")
    max_ticket_chars: int = _f(4000, "longer tickets are truncated with a warning")


@dataclass
class FallbackConfig:
    """OpenAI-compatible fallback (endpoint from MODEL_GATEWAY_* / OPENAI_* env vars)."""

    min_confidence: float = _f(0.0, "ask the endpoint when local confidence is below this "
                               "(0 = never; 1.01 = always); no endpoint = fully local")
    model: str = _f("gpt-4o-mini", "model name when CHAT_MODEL is not set")
    base_url: str = _f("", "endpoint used only when no endpoint env vars are set")
    api_key_env: str = _f("", "name of the env var holding the key for base_url "
                          "(keys never go in configs)")
    max_tokens: int = _f(300, "completion cap per fallback call")
    timeout_s: float = _f(30.0, "per-attempt timeout")
    max_retries: int = _f(4, "retries after the first attempt (429/5xx/timeout/connection)")
    backoff_base_s: float = _f(0.5, "exponential backoff base (full jitter)")
    backoff_max_s: float = _f(20.0, "cap on one backoff wait")
    retry_after_max_s: float = _f(60.0, "cap on a server's Retry-After wait")
    breaker_threshold: int = _f(5, "consecutive failed calls that open the circuit")
    breaker_cooldown_s: float = _f(30.0, "how long an open circuit blocks calls")
    rpm: int = _f(0, "requests per minute (0 = unlimited)")
    concurrency: int = _f(4, "calls in flight at once")
    budget_usd: float = _f(0.0, "stop calling once this run spent this much (0 = no cap)")


@dataclass
class TicketsConfig:
    """Ticket classification + reply: the finetune challenge job."""

    seed: int = _f(42, "seeds python/numpy/torch, data order and LoRA init")
    system_prompt: str = _f("You are a support agent. Classify the customer's ticket and "
                            "write a helpful reply.", "system message used in prompts")
    model: ModelConfig = field(default_factory=ModelConfig)
    encoder: EncoderConfig = field(default_factory=EncoderConfig)
    lora: LoraConfig = field(default_factory=LoraConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    intent: IntentConfig = field(default_factory=IntentConfig)
    reply: ReplyConfig = field(default_factory=ReplyConfig)
    data: DataConfig = field(default_factory=DataConfig)
    fallback: FallbackConfig = field(default_factory=FallbackConfig)
    db_path: str = _f("", "SQLite run store; '' = $LORACLE_DB or <dir of --output>/loracle.db")


@dataclass
class JudgeFeatureConfig:
    """What the local judge sees."""

    families: str = _f("checks,cosine", "comma-separated feature families: checks (facts, ids, "
                       "jargon, hedges, hype), cosine (MiniLM input/output similarity), lm "
                       "(SmolLM2 log-probs with/without the input), text (length, repetition, "
                       "overlap). Release notes: checks,cosine (no length, so padding cannot "
                       "buy score); dialogue/summaries: lm,text,cosine")
    encoder: str = _f("embedded:all-minilm-l6-v2", "sentence encoder for the cosine family")
    lm: str = _f("embedded:smollm2-135m-instruct", "causal LM for the lm family")
    alpha: float = _f(1.0, "ridge L2 strength per dimension")


@dataclass
class JudgeConfig:
    """Distilled rubric judge: `loracle judge fit|label --config configs/judge.yaml`."""

    seed: int = _f(0, "seeds perturbations, bootstraps and the teacher's retry jitter")
    rubric: str = _f("configs/rubric_release_notes.json", "rubric JSON (seed shape: dimensions "
                     "with scale/description/anchors, weights, grading_prompt)")
    features: JudgeFeatureConfig = field(default_factory=JudgeFeatureConfig)
    teacher: FallbackConfig = field(default_factory=FallbackConfig)
    db_path: str = _f("", "SQLite run store for teacher calls; '' = $LORACLE_DB or "
                      "<dir of --out>/loracle.db")


@dataclass
class RouterRuleConfig:
    """How predicted qualities become one model (see docs/router.md)."""

    rule: str = _f("quality_target", "quality_target = cheapest model predicted to reach "
                   "quality_target (none: the strongest); cost_weight = maximize quality - "
                   "cost_weight*cost/priciest - latency_weight*latency/slowest; strong_share = "
                   "send ~strong_share of traffic to the strongest model (cut calibrated on "
                   "the fit data)", ("quality_target", "cost_weight", "strong_share"))
    quality_target: float = _f(0.8, "predicted quality (0..1) a model must reach")
    cost_weight: float = _f(0.1, "quality (0..1) that paying the priciest model's price is "
                            "worth giving up")
    latency_weight: float = _f(0.0, "quality (0..1) that waiting the slowest model's latency "
                               "is worth giving up")
    strong_share: float = _f(0.3, "share of traffic (0..1) for the strongest model")
    prefer_edge: bool = _f(True, "run edge-capable (SMALL) models on the edge (0.2x latency)")


@dataclass
class RouterConfig:
    """Learned query router: `loracle router fit|score|eval --config configs/router.yaml`."""

    seed: int = _f(0, "seeds fold assignment, random baselines and bootstraps")
    registry: str = _f("configs/models.yaml", "model registry YAML (tiers, prices, edge)")
    encoder: str = _f("embedded:all-minilm-l6-v2", "sentence encoder for prompt features")
    max_seq_len: int = _f(256, "prompt tokens kept when encoding")
    encoder_layers: int = _f(2, "transformer layers of the encoder kept (0 = all): 2 of 6 "
                             "routes as well and embeds 2.5x faster (docs/router.md)")
    head: str = _f("blend", "quality head: logreg | ridge | knn | blend (mean of logreg and "
                   "knn)", ("logreg", "ridge", "knn", "blend"))
    alpha: float = _f(1.0, "L2 strength of the linear head (logistic C = 1/alpha) when "
                      "alpha_grid is empty or the data are too few for inner CV")
    alpha_grid: list[float] = _f([0.1, 0.3, 1.0, 3.0, 10.0, 30.0],
                                 "L2 strengths tried per model by 5-fold inner CV on the fit "
                                 "data; the lowest held-out log loss wins (docs/router.md); "
                                 "[] = always alpha")
    k: int = _f(50, "neighbours for the knn head")
    rule: RouterRuleConfig = field(default_factory=RouterRuleConfig)
    collect: FallbackConfig = field(default_factory=FallbackConfig)
    db_path: str = _f("", "SQLite run store for collect calls; '' = $LORACLE_DB or "
                      "<dir of --out>/loracle.db")


@dataclass
class AgentPlanConfig:
    """How a prompt becomes a plan (docs/agent.md)."""

    demos: str = _f("data/agent/demos.jsonl", "demonstrations JSONL {prompt, plan} the local "
                    "planner learns from (repo-relative or absolute)")
    k: int = _f(5, "nearest demonstrations that vote on the plan")


@dataclass
class AgentExecConfig:
    """Tool execution: retries, re-planning, budgets."""

    max_retries: int = _f(3, "retries of a failing tool call before re-planning (3: a tool "
                          "failing 30% of the time still answers 99% of the time)")
    backoff_s: float = _f(0.05, "wait before the first retry; doubles each retry (seeded "
                          "jitter)")
    max_tool_calls: int = _f(8, "executed attempts per task, failed ones included")
    max_tokens: int = _f(4000, "model tokens (fallback calls) per task")
    http_timeout_s: float = _f(10.0, "timeout of one http-bound tool call")


@dataclass
class AgentConfig:
    """Tool-calling agent: `python run.py --tasks T --tools L --output O`."""

    seed: int = _f(0, "seeds the flaky built-in tool, retry jitter and tie-breaks")
    encoder: str = _f("embedded:all-minilm-l6-v2", "sentence encoder for planning")
    allow_destructive: bool = _f(False, "let the agent run delete_/erase_/purge_ tools; "
                                 "off = deletion requests are verified and escalated")
    plan: AgentPlanConfig = field(default_factory=AgentPlanConfig)
    executor: AgentExecConfig = field(default_factory=AgentExecConfig)
    fallback: FallbackConfig = field(default_factory=FallbackConfig)
    db_path: str = _f("", "SQLite run store for fallback calls; '' = $LORACLE_DB or "
                      "<dir of --output>/loracle.db")


# ---------------------------------------------------------------- validation

def _nearest(key: str, options: list[str]) -> str:
    m = difflib.get_close_matches(key, options, n=1, cutoff=0.5)
    return f" (did you mean '{m[0]}'?)" if m else f" (valid keys: {', '.join(options)})"


def _coerce(value: Any, typ: Any, where: str, choices: tuple | None) -> Any:
    if typing.get_origin(typ) is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__} "
                              f"({value!r})")
        (item,) = typing.get_args(typ)
        return [_coerce(v, item, f"{where}[{i}]", choices) for i, v in enumerate(value)]
    if typ is bool:
        if isinstance(value, bool):
            return value
    elif typ is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
    elif typ is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if isinstance(value, str):  # YAML 1.1 reads "1e-4" (no dot) as a string
            try:
                return float(value)
            except ValueError:
                pass
    elif typ is str:
        if isinstance(value, str):
            if choices and value not in choices:
                raise ConfigError(f"{where}: '{value}' is not one of {', '.join(choices)}")
            return value
    else:  # pragma: no cover - only the types above are used
        return value
    raise ConfigError(f"{where}: expected {typ.__name__}, got {type(value).__name__} ({value!r})")


def from_dict(cls, data: dict, where: str = "") -> Any:
    """Build dataclass ``cls`` from a nested dict, rejecting unknown keys."""
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'config'}: expected a mapping, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in data.items():
        path = f"{where}.{key}" if where else str(key)
        if key not in fields:
            raise ConfigError(f"unknown config key '{path}'{_nearest(str(key), list(fields))}")
        typ = hints[key]
        if dataclasses.is_dataclass(typ):
            kwargs[key] = from_dict(typ, value or {}, path)
        else:
            kwargs[key] = _coerce(value, typ, path, fields[key].metadata.get("choices"))
    cfg = cls(**kwargs)
    _check_ranges(cfg, where)
    return cfg


def _check_ranges(cfg: Any, where: str) -> None:
    positive = {"lora_r", "lora_alpha", "batch_size", "max_seq_len", "max_new_tokens",
                "max_ticket_chars", "learning_rate", "epochs", "scale", "steps", "head_c",
                "timeout_s", "breaker_threshold", "concurrency"}
    unit = {"val_fraction", "warmup_ratio", "lora_dropout", "ensemble_weight"}
    for f in dataclasses.fields(cfg):
        v = getattr(cfg, f.name)
        path = f"{where}.{f.name}" if where else f.name
        if f.name in positive and not v > 0:
            raise ConfigError(f"{path}: must be > 0, got {v}")
        if f.name == "alpha_grid" and any(not a > 0 for a in v):
            raise ConfigError(f"{path}: every value must be > 0, got {v}")
        if f.name in unit and not 0 <= v <= 1:
            raise ConfigError(f"{path}: must be between 0 and 1, got {v}")
        if f.name in {"max_wall_clock_s", "max_steps", "val_max_rows", "weight_decay",
                      "min_confidence", "max_retries", "rpm", "budget_usd", "backoff_base_s",
                      "backoff_max_s", "breaker_cooldown_s", "retry_after_max_s"} and v < 0:
            raise ConfigError(f"{path}: must be >= 0, got {v}")


def to_dict(cfg: Any) -> dict:
    return dataclasses.asdict(cfg)


def config_hash(cfg: Any) -> str:
    blob = json.dumps(to_dict(cfg), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def _set_path(d: dict, dotted: str, value: Any) -> None:
    parts = dotted.split(".")
    cur = d
    for p in parts[:-1]:
        nxt = cur.setdefault(p, {})
        if not isinstance(nxt, dict):
            raise ConfigError(f"--set {dotted}: '{p}' is not a section")
        cur = nxt
    cur[parts[-1]] = value


def parse_override(item: str) -> tuple[str, Any]:
    if "=" not in item:
        raise ConfigError(f"--set expects key=value, got '{item}'")
    key, raw = item.split("=", 1)
    key = key.strip()
    if not key:
        raise ConfigError(f"--set expects key=value, got '{item}'")
    try:
        value = yaml.safe_load(raw) if raw.strip() else ""
    except yaml.YAMLError:
        value = raw
    return key, value


def load_config(path: str | Path | None = None, overrides: list[str] | None = None,
                seed: int | None = None, cls=TicketsConfig) -> Any:
    """Defaults <- YAML file <- ``--set`` overrides <- ``--seed``."""
    data: dict = {}
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"config file not found: {p}")
        try:
            loaded = yaml.safe_load(p.read_text(encoding="utf-8"))
        except yaml.YAMLError as e:
            mark = getattr(e, "problem_mark", None)
            line = f" line {mark.line + 1}" if mark else ""
            raise ConfigError(f"{p}:{line} invalid YAML: {getattr(e, 'problem', e)}") from None
        if loaded is None:
            loaded = {}
        if not isinstance(loaded, dict):
            raise ConfigError(f"{p}: top level must be a mapping")
        data = loaded
    for item in overrides or []:
        k, v = parse_override(item)
        _set_path(data, k, v)
    if seed is not None:
        data["seed"] = int(seed)
    try:
        return from_dict(cls, data)
    except ConfigError as e:
        if path is not None:
            raise ConfigError(f"{path}: {e}") from None
        raise


def config_kinds() -> dict[str, type]:
    return {"tickets": TicketsConfig, "judge": JudgeConfig, "router": RouterConfig,
            "agent": AgentConfig}


def class_for_file(path: str | Path | None, kind: str | None = None) -> type:
    """The config class a YAML file is for: by `kind`, else by its top-level keys (the
    class whose own keys it uses most; tickets on a tie), so `validate` needs no flag."""
    kinds = config_kinds()
    if kind:
        if kind not in kinds:
            raise ConfigError(f"unknown config kind '{kind}'; choose from {sorted(kinds)}")
        return kinds[kind]
    if path is None or not Path(path).is_file():
        return TicketsConfig
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return TicketsConfig  # load_config reports the syntax error with its line
    if not isinstance(data, dict):
        return TicketsConfig
    fields = {k: {f.name for f in dataclasses.fields(c)} for k, c in kinds.items()}
    common = set.intersection(*fields.values())
    hits = {k: len((set(data) & f) - common) for k, f in fields.items()}
    best = max(hits, key=lambda k: (hits[k], k == "tickets"))
    return kinds[best]


def explain(cls=TicketsConfig, prefix: str = "") -> list[str]:
    """One line per leaf key: dotted name, default, help."""
    lines = []
    inst = cls()
    for f in dataclasses.fields(cls):
        name = f"{prefix}{f.name}"
        v = getattr(inst, f.name)
        if dataclasses.is_dataclass(v):
            lines.extend(explain(type(v), name + "."))
        else:
            lines.append(f"{name} = {v!r}  # {f.metadata.get('help', '')}")
    return lines
