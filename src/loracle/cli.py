"""The `loracle` command line and the `run.py` sandbox entrypoint."""
from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

from .errors import LoracleError

ROOT = Path(__file__).resolve().parents[2]

log = logging.getLogger("loracle")

RUN_USAGE = """\
usage: python run.py FORM [--config PATH] [--seed N] [--set key=value ...]

forms (the flags pick the job):
  --train T --val V --weights W --output O    ticket intent + reply (finetune challenge)
  --samples S --rubric R --output O [--judge D] judge release notes against a rubric
  --tasks T --tools L --output O               tool-calling agent: plan, call, recover
  --queries Q --models M --output O [--router D]  route each query to a model tier
"""


def _setup_logging(verbose: bool = False) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="[loracle] %(levelname)s %(message)s", stream=sys.stderr)
    # Library chatter (weight-loading bars, deprecation notes) is not for our users.
    for name in ("transformers", "peft", "accelerate", "datasets", "bitsandbytes"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import warnings

    warnings.filterwarnings("ignore", category=FutureWarning)
    warnings.filterwarnings("ignore", message=".*gemm_4bit.*")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except Exception:  # pragma: no cover - transformers always present in practice
        pass


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", help="YAML recipe (defaults: configs/tickets.yaml values built in)")
    p.add_argument("--seed", type=int, help="overrides the config's seed")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config key, e.g. --set reply.mode=retrieve (repeatable)")
    p.add_argument("-v", "--verbose", action="store_true", help="debug logging")


def _ticket_flags(p: argparse.ArgumentParser, required: bool) -> None:
    p.add_argument("--train", required=required, help="labelled JSONL: id, ticket, intent[, ideal_reply]")
    p.add_argument("--val", required=required, help="JSONL to predict: id, ticket")
    p.add_argument("--weights", required=required, help="writable dir for adapters + manifest.json")
    p.add_argument("--output", required=required, help="results JSON path (written atomically)")
    p.add_argument("--resume", action="store_true",
                   help="continue the latest unfinished run with the same config and inputs: "
                        "items already stored are not recomputed")
    p.add_argument("--budget-usd", type=float, default=None,
                   help="cap on fallback API spend for this run (sets fallback.budget_usd)")


def _run_tickets(args) -> int:
    from .config import load_config
    from .tickets.job import run

    overrides = list(args.overrides)
    if args.budget_usd is not None:
        overrides.append(f"fallback.budget_usd={args.budget_usd}")
    cfg = load_config(args.config, overrides, args.seed)
    res = run(cfg, args.train, args.val, args.weights, args.output, resume=args.resume)
    t = res["training"]
    log.info("wrote %d predictions to %s (steps=%s train_loss=%s val_loss=%s, %.1fs)",
             len(res["predictions"]), args.output, t["steps"], t["train_loss"], t["val_loss"],
             t["wall_clock_s"])
    return 0


def _run_judge(args) -> int:
    from .judge.job import run_judge

    out = run_judge(args.samples, args.rubric, args.output, args.judge)
    log.info("graded %d samples -> %s (rubric -> %s)", len(out), args.output, args.rubric)
    return 0


def _query_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--queries", required=True, help="JSON array or JSONL: id, prompt (or "
                   "query), optional available_models list")
    p.add_argument("--models", required=True, help="model registry YAML (configs/models.yaml "
                   "shape: key, model, provider, tier, edge, prices, latency, context window)")
    p.add_argument("--output", required=True, help="JSON array: id, model_key, deployment, "
                   "predicted_quality, est_cost_usd")
    p.add_argument("--router", help="fitted router dir (loracle router fit); default: the "
                   "shipped router fit on the RouteLLM outcome data")


def _agent_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tasks", required=True, help="JSON array: id, domain, prompt")
    p.add_argument("--tools", required=True, help="JSON array: name, description, args_schema "
                   "[, impl 'pkg.mod:fn' | http {url, method}]; other names must be built-in")
    p.add_argument("--output", required=True, help="JSON array: id, plan, tool_calls, "
                   "final_answer, latency_ms, tokens_used, tool_calls_count")


def _agent_config(args):
    from .config import AgentConfig, load_config

    path = args.config or str(ROOT / "configs" / "agent.yaml")
    return load_config(path, args.overrides, args.seed, cls=AgentConfig)


def _run_agent(args) -> int:
    from .agent.job import run_agent

    run_agent(args.tasks, args.tools, args.output, _agent_config(args))
    return 0


def _agent(args) -> int:
    if args.agent_cmd == "run":
        return _run_agent(args)
    if args.agent_cmd == "eval":
        from .agent.evaluate import evaluate

        res = evaluate(args.results, args.expected)
        rows = res.pop("per_task")
        if args.per_task:
            for r in rows:
                print(json.dumps(r, default=str))
        print(json.dumps(res, indent=2))
        return 0
    if args.agent_cmd == "bfcl":
        from .agent import bfcl

        answerer = bfcl.BfclAnswerer.load(args.model or bfcl.MODEL_DIR,
                                          use_adapter=not args.no_adapter,
                                          span_weight=args.span_weight)
        res = bfcl.answer_file(args.data, args.output, answerer)
        print(json.dumps(res, indent=2, default=str))
        return 0
    from .agent.bfcl_check import score_files

    if not args.answers and not args.questions:
        raise LoracleError("bfcl-score: give --answers (or --questions for irrelevance)")
    res = score_files(args.calls, args.answers, args.questions)
    print(json.dumps(res, indent=2))
    return 0


def _router_config(args):
    from .config import RouterConfig, load_config

    path = args.config or str(ROOT / "configs" / "router.yaml")
    return load_config(path, args.overrides, args.seed, cls=RouterConfig)


def _run_queries(args) -> int:
    from .router.job import run_queries

    out = run_queries(args.queries, args.models, args.output, args.router, _router_config(args))
    by = {}
    for o in out:
        by[o["model_key"]] = by.get(o["model_key"], 0) + 1
    log.info("routed %d queries -> %s: %s", len(out), args.output, by)
    return 0


def _router(args) -> int:
    from .router import job

    cfg = _router_config(args)
    if args.router_cmd == "fit":
        res = job.fit_router(args.data, args.out, cfg)
    elif args.router_cmd == "score":
        res = job.score_router(args.data, args.router, args.output, cfg)
    elif args.router_cmd == "eval":
        res = job.eval_router(args.data, args.router, cfg, args.report)
        res["quality_cost"].pop("curve")
        res["router"].pop("curve")
    else:
        from .router.collect import run_collect

        res = run_collect(args.queries, args.models, args.out, cfg)
    print(json.dumps(res, indent=2, default=str))
    return 0


def run_py_main(argv: list[str] | None = None) -> int:
    """`python run.py ...`: choose the job from the flags present."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(RUN_USAGE, file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    flags = {a.split("=", 1)[0] for a in argv if a.startswith("--")}
    p = argparse.ArgumentParser(prog="run.py", description="loracle sandbox entrypoint")
    _common(p)
    if {"--train", "--val", "--weights"} & flags:
        _ticket_flags(p, required=True)
        handler = _run_tickets
    elif "--samples" in flags:
        p.add_argument("--samples", required=True, help="JSON array: id, input_ticket, model_output")
        p.add_argument("--rubric", required=True, help="where to write the rubric used (JSON)")
        p.add_argument("--output", required=True, help="results JSON: id, scores, overall, "
                       "rationale, latency_ms, tokens_used")
        p.add_argument("--judge", help="a fitted judge dir (loracle judge fit); default: the "
                       "shipped release-notes judge")
        handler = _run_judge
    elif "--queries" in flags:
        _query_flags(p)
        handler = _run_queries
    elif "--tasks" in flags:
        _agent_flags(p)
        handler = _run_agent
    else:
        print(RUN_USAGE, file=sys.stderr)
        return 2
    args = p.parse_args(argv)
    return _guarded(handler, args)


def _guarded(handler, args) -> int:
    _setup_logging(getattr(args, "verbose", False))
    try:
        return handler(args)
    except LoracleError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


# ------------------------------------------------------------------ loracle CLI

def _validate(args) -> int:
    from .config import class_for_file, load_config

    for path in args.configs:
        cls = class_for_file(path)
        load_config(path, cls=cls)
        print(f"ok: {path} ({cls.__name__})")
    return 0


def _print_config(args) -> int:
    import yaml

    from .config import class_for_file, config_hash, explain, load_config, to_dict

    cls = class_for_file(args.config, args.kind)
    if args.explain:
        print("\n".join(explain(cls)))
        return 0
    cfg = load_config(args.config, args.overrides, args.seed, cls=cls)
    print(f"# config_hash: {config_hash(cfg)}")
    print(yaml.safe_dump(to_dict(cfg), sort_keys=False), end="")
    return 0


def _audit(args) -> int:
    from .config import TicketsConfig, from_dict
    from .manifest import MANIFEST_NAME, diff_manifests
    from .tickets.job import run

    m_path = Path(args.manifest)
    if m_path.is_dir():
        m_path = m_path / MANIFEST_NAME
    try:
        old = json.loads(m_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise LoracleError(f"{m_path}: cannot read manifest ({e})") from None
    if old.get("job") != "tickets":
        raise LoracleError(f"{m_path}: audit supports job 'tickets', got {old.get('job')!r}")
    cfg = from_dict(TicketsConfig, old["config"])
    with tempfile.TemporaryDirectory(prefix="loracle-audit-") as tmp:
        w, o = os.path.join(tmp, "weights"), os.path.join(tmp, "results.json")
        run(cfg, old["inputs"]["train"]["path"], old["inputs"]["val"]["path"], w, o)
        new = json.loads(Path(w, MANIFEST_NAME).read_text())
    diffs = diff_manifests(old, new)
    real = [d for d in diffs if not d.startswith("note:")]
    for d in diffs:
        print(d)
    if real:
        print(f"audit: {len(real)} difference(s)")
        return 1
    print("audit: identical (config, inputs, adapter files, training metrics, predictions)")
    return 0


def _open_store(args):
    from .store import Store

    path = args.db or os.environ.get("LORACLE_DB") or "runs/demo/loracle.db"
    if not Path(path).is_file():
        raise LoracleError(f"no run database at {path} (give --db or set LORACLE_DB)")
    return Store(path)


def _runs(args) -> int:
    from . import runs_view

    store = _open_store(args)
    try:
        if args.runs_cmd == "list":
            data = runs_view.list_runs(store)
        elif args.runs_cmd == "show":
            data = runs_view.show_run(store, args.run)
        else:
            data = runs_view.compare_runs(store, args.run_a, args.run_b)
    finally:
        store.close()
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        print(runs_view.render_text(args.runs_cmd, data))
    return 0


def _cache(args) -> int:
    store = _open_store(args)
    try:
        if args.cache_cmd == "stats":
            data = store.cache_stats()
        elif args.cache_cmd == "clear":
            data = {"removed": store.cache_clear()}
        else:
            data = {"removed": store.cache_prune(_duration_s(args.older_than))}
    finally:
        store.close()
    print(json.dumps(data, indent=2) if args.json else
          " ".join(f"{k}={v}" for k, v in data.items()))
    return 0


def _duration_s(text: str) -> float:
    import re

    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text)
    if not m:
        raise LoracleError(f"--older-than: expected a duration like 30d, 12h, 90m, got {text!r}")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _report(args) -> int:
    from .report import write_report

    store = _open_store(args)
    try:
        write_report(store, args.run, args.out)
    finally:
        store.close()
    print(f"wrote {args.out}")
    return 0


def _judge_config(args):
    """configs/judge.yaml (or --config) <- --set <- the fit flags that name config keys."""
    from .config import JudgeConfig, load_config

    overrides = list(args.overrides)
    for flag, key in (("alpha", "features.alpha"), ("encoder", "features.encoder"),
                      ("features", "features.families"), ("lm", "features.lm")):
        if getattr(args, flag, None) is not None:
            overrides.append(f"{key}={getattr(args, flag)}")
    return load_config(args.config, overrides, args.seed, cls=JudgeConfig)


def _judge(args) -> int:
    from .judge.reports import agreement_report, power_from_files

    if args.judge_cmd == "fit":
        from .judge.job import fit_judge

        cfg = _judge_config(args)
        fc = cfg.features
        print(json.dumps(fit_judge(args.data, args.rubric or cfg.rubric, args.out, fc.alpha,
                                   fc.encoder, [f.strip() for f in fc.families.split(",")
                                                if f.strip()], fc.lm), indent=2))
        return 0
    if args.judge_cmd == "label":
        from .judge.label import run_label

        cfg = _judge_config(args)
        stats = run_label(args.samples, args.out, cfg, args.rubric)
        print(json.dumps(stats, indent=2))
        return 0 if stats["scored"] else 1
    if args.judge_cmd == "bias":
        from .judge.job import bias_report

        print(json.dumps(bias_report(args.samples, args.judge, args.seed), indent=2))
        return 0
    if args.judge_cmd == "agreement":
        data = agreement_report(args.pred, args.gold, args.rubric, args.n_boot, args.seed)
    else:
        data = power_from_files(args.pred, args.groups, args.field, args.alpha, args.seed)
    print(json.dumps(data, indent=2))
    return 0


def _judge_config_flags(q) -> None:
    q.add_argument("--config", default=str(ROOT / "configs" / "judge.yaml"),
                   help="judge config YAML (default: configs/judge.yaml)")
    q.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config key, e.g. teacher.model=gpt-4o")
    q.add_argument("--seed", type=int, help="override seed")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="loracle", description=(
        "Train small seeded LoRA adapters and use them for support tickets."))
    sub = p.add_subparsers(dest="cmd", required=True)

    t = sub.add_parser("tickets", help="train + predict the ticket job (same as run.py's form)")
    _ticket_flags(t, required=True)
    _common(t)
    t.set_defaults(func=_run_tickets)

    v = sub.add_parser("validate", help="check YAML configs; errors name the bad key")
    v.add_argument("configs", nargs="+", help="config files")
    v.set_defaults(func=_validate)

    pc = sub.add_parser("print-config", help="show the resolved config (defaults + file + --set)")
    pc.add_argument("config", nargs="?", help="config file (omit for the defaults)")
    pc.add_argument("--explain", action="store_true", help="list every key with its help text")
    pc.add_argument("--kind", choices=["tickets", "judge", "router"],
                    help="config kind (default: inferred from the file's keys, else tickets)")
    pc.add_argument("--seed", type=int, help="override seed")
    pc.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                    help="override a key")
    pc.set_defaults(func=_print_config)

    a = sub.add_parser("audit", help="re-run from a manifest and report any difference (exit 1)")
    a.add_argument("manifest", help="manifest.json or the --weights dir holding it")
    a.set_defaults(func=_audit)

    def db_flags(q):
        q.add_argument("--db", help="run database (default: $LORACLE_DB, else runs/demo/loracle.db)")
        q.add_argument("--json", action="store_true", help="machine-readable output")

    r = sub.add_parser("runs", help="list, show and compare recorded runs")
    rs = r.add_subparsers(dest="runs_cmd", required=True)
    q = rs.add_parser("list", help="recent runs with status and headline metrics")
    db_flags(q)
    q = rs.add_parser("show", help="one run: config, metrics, timings, cost by role")
    q.add_argument("run", help="run id (a unique prefix is enough)")
    db_flags(q)
    q = rs.add_parser("compare", help="metric deltas and the items whose prediction changed")
    q.add_argument("run_a")
    q.add_argument("run_b")
    db_flags(q)
    r.set_defaults(func=_runs)

    c = sub.add_parser("cache", help="the provider response cache")
    cs = c.add_subparsers(dest="cache_cmd", required=True)
    for name, hlp in (("stats", "entries, hits, tokens"), ("clear", "remove every entry")):
        db_flags(cs.add_parser(name, help=hlp))
    q = cs.add_parser("prune", help="remove entries not used for a while")
    q.add_argument("--older-than", required=True, help="duration: 30d, 12h, 90m, 45s")
    db_flags(q)
    c.set_defaults(func=_cache)

    rp = sub.add_parser("report", help="one self-contained HTML page for a run")
    rp.add_argument("run", help="run id (prefix)")
    rp.add_argument("--out", required=True, help="HTML file to write")
    rp.add_argument("--db", help="run database (default: $LORACLE_DB, else runs/demo/loracle.db)")
    rp.set_defaults(func=_report)

    r = sub.add_parser("router", help="learned query router: fit, score, eval, collect")
    rs = r.add_subparsers(dest="router_cmd", required=True)
    q = rs.add_parser("fit", help="learn each model's quality from outcome data")
    q.add_argument("--data", required=True, help="outcomes JSONL: id, prompt, "
                   "outcomes{model_key: {quality 0..1}}")
    q.add_argument("--out", required=True, help="router dir (router.json + arrays.safetensors)")
    _common(q)
    q = rs.add_parser("score", help="predicted quality per model for each prompt")
    q.add_argument("--data", required=True, help="JSONL: id, prompt (outcomes optional)")
    q.add_argument("--router", required=True, help="fitted router dir")
    q.add_argument("--output", required=True, help="JSONL: id, predicted{model_key: quality}")
    _common(q)
    q = rs.add_parser("eval", help="APGR, CPT(50%%), CPT(80%%) vs random and oracle; "
                      "quality-cost curve, its area and cost saved")
    q.add_argument("--data", required=True, help="held-out outcomes JSONL")
    q.add_argument("--router", help="fitted router dir (default: the shipped one)")
    q.add_argument("--report", help="write an HTML page with the curves here")
    _common(q)
    q = rs.add_parser("collect", help="answer each query with each registry model and grade "
                      "the answers with the configured grader: outcome data for `fit`")
    q.add_argument("--queries", required=True, help="JSON array or JSONL: id, prompt")
    q.add_argument("--models", required=True, help="model registry YAML")
    q.add_argument("--out", required=True, help="outcomes JSONL")
    _common(q)
    r.set_defaults(func=_router)

    j = sub.add_parser("judge", help="judge statistics (agreement with experts, power)")
    js = j.add_subparsers(dest="judge_cmd", required=True)
    q = js.add_parser("fit", help="fit a local judge on graded rows (seed sample shape + scores)")
    q.add_argument("--data", required=True, help="JSONL: input_ticket, model_output, scores{dim: n}")
    q.add_argument("--rubric", help="rubric JSON (default: configs/rubric_release_notes.json)")
    q.add_argument("--out", required=True, help="output dir (judge.json + rubric.json)")
    _judge_config_flags(q)
    q.add_argument("--features", help="feature families, comma-separated: checks, cosine, lm, "
                   "text (default from the config: checks,cosine)")
    q.add_argument("--alpha", type=float, help="ridge L2 strength (default from the config: 1.0)")
    q.add_argument("--encoder", help="sentence encoder (embedded name or local dir); stored "
                   "with the judge")
    q.add_argument("--lm", help="causal LM for the lm family (embedded name or local dir)")
    q = js.add_parser("label", help="grade samples with the teacher LLM (OpenAI-compatible "
                      "endpoint) to make distillation data; unparseable grades are 'unscored'")
    q.add_argument("--samples", required=True, help="JSON array: id, input_ticket, model_output")
    q.add_argument("--rubric", help="rubric JSON (default: the config's rubric)")
    q.add_argument("--out", required=True, help="graded JSONL for `judge fit` (rows: the sample "
                   "+ scores, status scored|unscored, rationale or error)")
    _judge_config_flags(q)
    q = js.add_parser("bias", help="mean overall shift (95%% CI) under padding, formal, casual, "
                      "hedged and reordered variants of each sample")
    q.add_argument("--samples", required=True, help="JSON array: id, input_ticket, model_output")
    q.add_argument("--judge", help="fitted judge dir (default: the shipped one)")
    q.add_argument("--seed", type=int, default=0, help="perturbation and bootstrap seed")
    q = js.add_parser("agreement", help="kappa (plain + quadratic), Spearman, Kendall per "
                      "dimension, per item and per group, with bootstrap 95%% intervals")
    q.add_argument("--pred", required=True, help="judge results (JSON array or JSONL: id, scores, overall)")
    q.add_argument("--gold", required=True, help="expert grades (JSONL: id, scores[, overall, group])")
    q.add_argument("--rubric", help="rubric JSON whose dimensions[].scale fixes the kappa scale")
    q.add_argument("--n-boot", type=int, default=1000, help="bootstrap resamples")
    q.add_argument("--seed", type=int, default=0, help="bootstrap seed")
    q = js.add_parser("power", help="does the judge separate two labelled groups? p-values "
                      "and the smallest n reaching p < alpha")
    q.add_argument("--pred", required=True, help="judge results (id, scores, overall)")
    q.add_argument("--groups", required=True, help="JSONL: id, group (exactly two group names)")
    q.add_argument("--field", default="overall", help="score to compare (default overall)")
    q.add_argument("--alpha", type=float, default=0.05, help="significance level")
    q.add_argument("--seed", type=int, default=0, help="resampling seed")
    j.set_defaults(func=_judge)

    ag = sub.add_parser("agent", help="tool-calling agent: run tasks, evaluate, BFCL")
    ags = ag.add_subparsers(dest="agent_cmd", required=True)
    q = ags.add_parser("run", help="same as run.py --tasks T --tools L --output O")
    _agent_flags(q)
    _common(q)
    q = ags.add_parser("eval", help="plan match (exact, edit distance), completion, wasted "
                       "calls, recovery after failures, tokens")
    q.add_argument("--results", required=True, help="agent results JSON (run.py --tasks ...)")
    q.add_argument("--expected", required=True, help="JSON array: id, plan, must_not_call, "
                   "answer_facts (data/agent/expected.json shape)")
    q.add_argument("--per-task", action="store_true", help="also print one line per task")
    q = ags.add_parser("bfcl", help="answer BFCL single-turn questions locally: one "
                       "{id, calls:[{name, arguments}]} row per question")
    q.add_argument("--data", required=True, help="BFCL question file (JSONL: id, question, "
                   "function)")
    q.add_argument("--output", required=True, help="calls JSONL to write")
    q.add_argument("--model", help="fitted BFCL answerer dir (default: the shipped one); its "
                   "adapter/ subdir, if any, is the LoRA call adapter the decoder uses")
    q.add_argument("--no-adapter", action="store_true",
                   help="decode with SmolLM2 alone, without the model dir's call adapter")
    q.add_argument("--span-weight", type=float, default=0.5,
                   help="weight of the learned value-span prior against SmolLM2's own choice "
                        "when copying a required string (0 = the LM alone; default 0.5, the "
                        "best of 0.5/1/2 on the dev slice)")
    q = ags.add_parser("bfcl-score", help="AST-check calls against BFCL possible answers")
    q.add_argument("--calls", required=True, help="calls JSONL (agent bfcl output)")
    q.add_argument("--answers", help="possible_answer file (omit for irrelevance: correct = "
                   "no call)")
    q.add_argument("--questions", help="question file with the function schemas (default: "
                   "the answers file's sibling in the parent directory)")
    ag.set_defaults(func=_agent)

    args = p.parse_args(argv)
    return _guarded(args.func, args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
