"""Router: RouteLLM metrics against hand-computed curves, decision-rule edge cases,
registry validation, fit -> score -> run.py round trip on a tiny encoder, collect."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from fake_openai import FakeOpenAI
from loracle.cli import main as loracle_main
from loracle.cli import run_py_main
from loracle.errors import InputError
from loracle.router.base import OracleRouter, RandomRouter, StaticRouter
from loracle.router.decide import decide
from loracle.router.metrics import (apgr, cost_at_quality, cpt, quality_cost_curve,
                                    routellm_curve, two_model_report)
from loracle.router.registry import load_registry

ROOT = Path(__file__).resolve().parents[1]

REG = """\
models:
  - {key: tiny, model: t, provider: openai, tier: SMALL, edge: true, input_per_1m: 0.1,
     output_per_1m: 0.1, latency_ms: 1000, context_window: 4096}
  - {key: mid, model: m, provider: openai, tier: MEDIUM, edge: false, input_per_1m: 1.0,
     output_per_1m: 1.0, latency_ms: 2000, context_window: 8192}
  - {key: big, model: b, provider: openai, tier: LARGE, edge: false, input_per_1m: 10.0,
     output_per_1m: 30.0, latency_ms: 5000, context_window: 8192}
"""


@pytest.fixture
def registry(tmp_path):
    p = tmp_path / "models.yaml"
    p.write_text(REG)
    return load_registry(p)


def test_routellm_curve_apgr_cpt_by_hand():
    scores, qs, qw = [0.9, 0.1, 0.5, 0.3], [1, 1, 1, 0], [0, 1, 0, 0]
    shares, perf = routellm_curve(scores, qs, qw, num_results=2)
    # cuts at the 0/50/100% quantiles: 0.1, 0.4, 0.9 (last cut uses '>')
    assert shares.tolist() == [1.0, 0.5, 0.0]
    assert perf.tolist() == [0.75, 0.75, 0.25]
    # AUC = 0.5*(0.25+0.75)/2 + 0.5*(0.75+0.75)/2 = 0.625; weak 0.25, strong 0.75
    assert apgr(shares, perf, 0.25, 0.75) == pytest.approx((0.625 - 0.25) / 0.5)
    assert cpt(shares, perf, 0.25, 0.75, 0.5) == pytest.approx(0.25)
    assert cpt(shares, perf, 0.25, 0.75, 0.8) == pytest.approx(0.4)
    r = two_model_report(scores, qs, qw, num_results=2)
    assert r["apgr"] == pytest.approx(0.75) and r["weak_quality"] == 0.25


def test_random_router_apgr_near_half_and_oracle_high():
    rng = np.random.default_rng(0)
    qs = (rng.random(4000) < 0.8).astype(float)
    qw = (rng.random(4000) < 0.5).astype(float)
    rand = two_model_report(rng.random(4000), qs, qw)["apgr"]
    orac = two_model_report(qs - qw + 1e-9 * rng.random(4000), qs, qw)["apgr"]
    assert 0.45 < rand < 0.55 and orac > 0.9


def test_quality_cost_curve_ends_and_cost_at_quality():
    pred = np.array([[0.9, 0.2], [0.9, 0.8]])
    true = np.array([[1.0, 0.0], [1.0, 1.0]])
    costs = np.array([1.0, 0.1])  # model 0 strong + pricey
    c, q = quality_cost_curve(pred, true, costs)
    assert c[0] == pytest.approx(0.1) and q[0] == pytest.approx(0.5)   # all cheap
    assert c[-1] == pytest.approx(1.0) and q[-1] == pytest.approx(1.0)  # all strong
    # routing only the hard query to the strong model reaches full quality at 0.55/query
    assert cost_at_quality(c, q, 1.0) == pytest.approx(0.55)


def test_decide_edge_cases(registry):
    specs = list(registry.models.values())
    # no model predicted to reach the target -> the strongest (tier), not the best guess
    pick = decide({"tiny": 0.3, "mid": 0.5, "big": 0.4}, specs, registry, "quality_target",
                  quality_target=0.9)
    assert pick.key == "big"
    # several reach it -> the cheapest of them
    pick = decide({"tiny": 0.85, "mid": 0.9, "big": 0.95}, specs, registry, "quality_target",
                  quality_target=0.8)
    assert pick.key == "tiny"
    # cost weight: 0 -> best predicted; large -> cheapest
    p = {"tiny": 0.6, "mid": 0.7, "big": 0.9}
    assert decide(p, specs, registry, "cost_weight", cost_weight=0.0).key == "big"
    assert decide(p, specs, registry, "cost_weight", cost_weight=5.0).key == "tiny"
    # strong share: advantage of strongest over cheapest vs the calibrated cut
    assert decide(p, specs, registry, "strong_share", strong_cut=0.2).key == "big"
    assert decide(p, specs, registry, "strong_share", strong_cut=0.4).key == "tiny"
    with pytest.raises(ValueError, match="calibrated"):
        decide(p, specs, registry, "strong_share")


def test_edge_only_for_edge_capable(registry):
    assert StaticRouter(registry, "tiny").route("q") == ("tiny", "edge")
    assert StaticRouter(registry, "tiny", prefer_edge=False).route("q") == ("tiny", "cloud")
    assert StaticRouter(registry, "big").route("q") == ("big", "cloud")
    picks = {RandomRouter(registry, seed=1).route("q")[0] for _ in range(1)}
    assert picks <= set(registry.models)
    r1 = [RandomRouter(registry, seed=3).route(f"q{i}") for i in range(5)]
    assert r1 == [RandomRouter(registry, seed=3).route(f"q{i}") for i in range(5)]
    oracle = OracleRouter(registry, {"q": {"tiny": 1.0, "mid": 1.0, "big": 1.0}})
    assert oracle.route("q")[0] == "tiny"  # ties go to the cheaper model


@pytest.mark.parametrize("bad,field", [
    ("tier: SMALL, edge: true", None),
    ("tier: LARGE, edge: true", "models[0].edge"),
    ("tier: HUGE, edge: false", "models[0].tier"),
])
def test_registry_validation_names_the_field(tmp_path, bad, field):
    p = tmp_path / "m.yaml"
    p.write_text("models:\n  - {key: a, model: a, provider: openai, " + bad + ", "
                 "input_per_1m: 1, output_per_1m: 1, latency_ms: 10, context_window: 10}\n")
    if field is None:
        assert load_registry(p).models["a"].edge
        return
    with pytest.raises(InputError) as e:
        load_registry(p)
    assert field in str(e.value) and str(p) in str(e.value)


def test_registry_missing_and_duplicate(tmp_path):
    p = tmp_path / "m.yaml"
    p.write_text("models:\n  - {key: a, model: a, provider: openai, tier: SMALL, edge: false}\n")
    with pytest.raises(InputError, match=r"models\[0\]\.input_per_1m"):
        load_registry(p)
    line = ("  - {key: a, model: a, provider: openai, tier: SMALL, edge: false, input_per_1m: 1,"
            " output_per_1m: 1, latency_ms: 10, context_window: 10}\n")
    p.write_text("models:\n" + line + line)
    with pytest.raises(InputError, match="duplicate key 'a'"):
        load_registry(p)
    assert load_registry(ROOT / "configs" / "models.yaml").models  # the shipped one is valid


def _outcomes(path: Path, n: int = 40) -> Path:
    rows = []
    for i in range(n):
        hard = i % 2 == 0  # "hard" prompts: only the big model gets them right
        prompt = (f"Compute {i} * {i + 7} and then add {3 * i} to it step by step"
                  if hard else f"say hello to friend number {i}")
        rows.append({"id": f"r{i}", "prompt": prompt, "outcomes": {
            "big": {"quality": 1.0}, "tiny": {"quality": 0.0 if hard else 1.0}}})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_fit_score_eval_run_py_round_trip(tmp_path, registry, tiny_encoder_dir):
    reg = tmp_path / "models.yaml"
    reg.write_text(REG)
    data = _outcomes(tmp_path / "out.jsonl")
    common = ["--set", f"registry={reg}", "--set", f"encoder={tiny_encoder_dir}",
              "--set", "k=5"]
    for d in ("r1", "r2"):
        assert loracle_main(["router", "fit", "--data", str(data), "--out",
                             str(tmp_path / d)] + common) == 0
    # deterministic: same data + seed -> same bytes
    for f in ("router.json", "arrays.safetensors"):
        assert (tmp_path / "r1" / f).read_bytes() == (tmp_path / "r2" / f).read_bytes()
    scored = tmp_path / "scored.jsonl"
    assert loracle_main(["router", "score", "--data", str(data), "--router",
                         str(tmp_path / "r1"), "--output", str(scored)] + common) == 0
    preds = [json.loads(l) for l in scored.read_text().splitlines()]
    assert [p["id"] for p in preds] == [f"r{i}" for i in range(40)]
    assert all(set(p["predicted"]) == {"big", "tiny"} for p in preds)
    assert all(0 <= v <= 1 for p in preds for v in p["predicted"].values())
    # the hard prompts are predicted worse for the tiny model than the easy ones
    hard = np.mean([p["predicted"]["tiny"] for p in preds[::2]])
    easy = np.mean([p["predicted"]["tiny"] for p in preds[1::2]])
    assert hard < easy
    report = tmp_path / "eval.html"
    assert loracle_main(["router", "eval", "--data", str(data), "--router", str(tmp_path / "r1"),
                         "--report", str(report)] + common) == 0
    assert "<svg" in report.read_text()
    from loracle.config import RouterConfig
    from loracle.router.job import eval_router

    cfg = RouterConfig(registry=str(reg), encoder=str(tiny_encoder_dir))
    ev = eval_router(str(data), str(tmp_path / "r1"), cfg)
    assert ev["in_sample"] and ev["rows_seen_in_fit"] == 40  # flagged, not passed off
    held = _outcomes(tmp_path / "held.jsonl", 44)
    held.write_text("".join(l for l in held.read_text().splitlines(True)
                            if json.loads(l)["id"] in {"r40", "r41", "r42", "r43"}))
    ev = eval_router(str(held), str(tmp_path / "r1"), cfg)
    assert not ev["in_sample"] and ev["rows_seen_in_fit"] == 0
    assert set(ev["router"]) >= {"apgr", "cpt50", "cpt80"}
    # run.py batch form
    q = tmp_path / "q.json"
    q.write_text(json.dumps([{"id": 1, "prompt": "say hello to friend number 99"},
                             {"id": 2, "prompt": "Compute 8 * 15 and then add 24 step by step"},
                             {"id": 3, "prompt": "anything", "available_models": ["mid"]}]))
    out = tmp_path / "routes.json"
    assert run_py_main(["--queries", str(q), "--models", str(reg), "--output", str(out),
                        "--router", str(tmp_path / "r1"), "--set", f"encoder={tiny_encoder_dir}",
                        "--set", "rule.quality_target=0.5"]) == 0
    res = json.loads(out.read_text())
    assert [r["id"] for r in res] == [1, 2, 3]
    for r in res:
        assert set(r) == {"id", "model_key", "deployment", "predicted_quality", "est_cost_usd"}
        assert r["deployment"] == ("edge" if r["model_key"] == "tiny" else "cloud")
    # 'mid' has no outcome data: chosen only as the strongest fallback, quality unknown
    assert res[2]["model_key"] == "mid" and res[2]["predicted_quality"] is None


def test_outcomes_bad_quality_names_line_and_field(tmp_path, capsys):
    p = tmp_path / "o.jsonl"
    p.write_text('{"id": "a", "prompt": "x", "outcomes": {"big": {"quality": 1.0}}}\n'
                 '{"id": "b", "prompt": "y", "outcomes": {"big": {"quality": 7}}}\n')
    rc = loracle_main(["router", "fit", "--data", str(p), "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err
    assert rc == 2 and "line 2" in err and "outcomes.big.quality" in err


def test_collect_grades_answers_and_keeps_unparseable_as_null(tmp_path, monkeypatch):
    reg = tmp_path / "models.yaml"
    reg.write_text(REG.split("  - {key: mid")[0])  # tiny only
    reg.write_text(reg.read_text() + REG[REG.index("  - {key: big"):])
    q = tmp_path / "q.jsonl"
    q.write_text('{"id": "a", "prompt": "2+2?"}\n{"id": "b", "prompt": "capital of France?"}\n')

    def reply(body):
        msgs = body["messages"]
        if msgs[0]["role"] == "system":  # the grader
            ans = msgs[1]["content"]
            if "from b" in ans and "France" in ans:
                return ("ok", "no idea, maybe 7ish", 30, 5)
            return ("ok", '{"grade": 10, "reason": "right"}' if "from b" in ans
                    else '{"grade": 4, "reason": "weak"}', 30, 5)
        return ("ok", f"answer from {body['model']}", 10, 5)

    monkeypatch.setenv("LORACLE_DB", str(tmp_path / "db.sqlite"))
    with FakeOpenAI(default=reply) as srv:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
        monkeypatch.setenv("OPENAI_BASE_URL", srv.url)
        out = tmp_path / "outcomes.jsonl"
        assert loracle_main(["router", "collect", "--queries", str(q), "--models", str(reg),
                             "--out", str(out)]) == 0
    rows = [json.loads(l) for l in out.read_text().splitlines()]
    assert rows[0]["outcomes"]["tiny"]["quality"] == pytest.approx(3 / 9, abs=1e-4)
    assert rows[0]["outcomes"]["big"]["quality"] == 1.0
    assert rows[1]["outcomes"]["big"]["quality"] is None  # unparseable grade: null, never 0
    assert rows[0]["outcomes"]["tiny"]["input_tokens"] == 10
    from loracle.router.data import load_outcomes

    assert load_outcomes(str(out))[1].quality == {"tiny": pytest.approx(3 / 9, abs=1e-4)}


def test_inner_cv_regularizes_noise_and_not_signal():
    """Per-model alpha by inner CV: a model whose quality follows a feature gets weak L2,
    a model whose quality is a coin flip gets the strongest L2 (a near-constant head)."""
    from loracle.router.fit import fit_quality

    rng = np.random.default_rng(0)
    E = rng.normal(size=(200, 16))
    E /= np.linalg.norm(E, axis=1, keepdims=True)
    prompts = [f"prompt {i}" for i in range(200)]
    Q = np.c_[(E[:, 0] > 0).astype(float), rng.integers(0, 2, 200).astype(float)]
    grid = [0.1, 1.0, 30.0]
    qm = fit_quality(E, prompts, Q, ["signal", "noise"], "logreg", alpha_grid=grid)
    assert qm.alphas == [0.1, 30.0]
    P = qm.predict(E, prompts)
    assert np.corrcoef(P[:, 0], Q[:, 0])[0, 1] > 0.8
    assert P[:, 1].std() < 0.5 * P[:, 0].std()
    # no grid: the given alpha for every model; same data + seed: same head
    assert fit_quality(E, prompts, Q, ["a", "b"], "logreg", alpha=2.0).alphas == [2.0, 2.0]
    again = fit_quality(E, prompts, Q, ["signal", "noise"], "logreg", alpha_grid=grid)
    assert np.array_equal(again.coef, qm.coef)
    # too few rows for 5 inner folds: falls back to alpha instead of guessing
    assert fit_quality(E[:4], prompts[:4], Q[:4], ["s", "n"], "logreg", alpha=2.0,
                       alpha_grid=grid).alphas == [2.0, 2.0]


def test_inner_cv_keeps_conversation_turns_together():
    from loracle.router.fit import _inner_folds

    groups = [f"q{i // 2}" for i in range(40)]
    folds = _inner_folds(40, groups, 0)
    assert all(folds[i] == folds[i + 1] for i in range(0, 40, 2))
    assert sorted(set(folds)) == [0, 1, 2, 3, 4]


def test_surface_maths_cues_counted_and_clipped():
    from loracle.router.features import NAMES, scale, surface

    S = surface(["Tom has 3 apples and buys half as many more for $2.50 each. How many?",
                 "hello"])
    assert S.shape == (2, len(NAMES))
    row = dict(zip(NAMES, S[0]))
    assert row["fractions"] == np.log1p(1) and row["rates"] == np.log1p(1)
    assert row["dollar_signs"] == np.log1p(1) and row["decimals"] == np.log1p(1)
    assert row["question_marks"] == 1 and dict(zip(NAMES, S[1]))["rates"] == 0
    z = scale(np.array([[100.0]]), np.array([0.0]), np.array([1.0]))
    assert z[0, 0] == 3.0  # an outlier prompt cannot swing the linear head


@pytest.mark.parametrize("value,msg", [("0.5", "alpha_grid: expected a list"),
                                       ("[1, x]", "alpha_grid[1]: expected float"),
                                       ("[1, -1]", "alpha_grid: every value must be > 0")])
def test_alpha_grid_validated(value, msg):
    from loracle.config import ConfigError, RouterConfig, load_config

    with pytest.raises(ConfigError, match=msg.replace("[", r"\[").replace("]", r"\]")):
        load_config(None, [f"alpha_grid={value}"], cls=RouterConfig)


def test_router_dir_from_older_features_is_a_clear_error(tmp_path, registry, tiny_encoder_dir):
    from safetensors.numpy import load_file, save_file

    from loracle.router.learned import ARRAYS_FILE, LearnedRouter

    reg = tmp_path / "models.yaml"
    reg.write_text(REG)
    data = _outcomes(tmp_path / "out.jsonl")
    assert loracle_main(["router", "fit", "--data", str(data), "--out", str(tmp_path / "r"),
                         "--set", f"registry={reg}", "--set", f"encoder={tiny_encoder_dir}",
                         "--set", "k=5"]) == 0
    arr = load_file(str(tmp_path / "r" / ARRAYS_FILE))
    arr["s_mean"], arr["s_std"] = arr["s_mean"][:7].copy(), arr["s_std"][:7].copy()
    save_file(arr, str(tmp_path / "r" / ARRAYS_FILE))
    with pytest.raises(InputError, match="7 surface features.*router fit"):
        LearnedRouter.load(tmp_path / "r", registry)
