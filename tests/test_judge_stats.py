"""Judge statistics against hand-computed values; perturbations; power test."""
from __future__ import annotations


import numpy as np
import pytest

from loracle.judge import perturb
from loracle.judge.stats import (agreement, cohen_kappa, kendall, mann_whitney_p,
                                 permutation_p, power_report, smallest_n, spearman)


def test_kappa_unweighted_hand_computed():
    # Confusion (scale 1..2): a=[1,1,2,2], b=[1,2,2,2] -> po = 3/4,
    # pe = P(a=1)P(b=1) + P(a=2)P(b=2) = .5*.25 + .5*.75 = .5 -> kappa = (.75-.5)/(1-.5) = .5
    assert cohen_kappa([1, 1, 2, 2], [1, 2, 2, 2], (1, 2)) == pytest.approx(0.5)
    assert cohen_kappa([1, 2, 3], [1, 2, 3], (1, 3)) == pytest.approx(1.0)


def test_kappa_quadratic_hand_computed():
    # Scale 1..3, a=[1,2,3], b=[1,3,3]; weights w_ij = ((i-j)/2)^2.
    # Observed disagreement: one (2,3) cell, w=.25, prob 1/3 -> .08333.
    # Marginals a: 1/3 each; b: P1=1/3, P2=0, P3=2/3.
    # Expected: sum_i sum_j pa_i pb_j w_ij = 1/3*[ (0*1/3 + 0 + 1*2/3) + (.25*1/3 + 0 + .25*2/3)
    #           + (1*1/3 + 0 + 0) ] = 1/3*(2/3 + .25 + 1/3) = 0.41667
    expected = 1 - (0.25 / 3) / ((2 / 3 + 0.25 + 1 / 3) / 3)
    assert cohen_kappa([1, 2, 3], [1, 3, 3], (1, 3), "quadratic") == pytest.approx(expected)
    assert expected == pytest.approx(0.8)


def test_kappa_rounds_and_clips_to_scale():
    assert cohen_kappa([0.6, 2.4, 9], [1, 2, 5], (1, 5)) == pytest.approx(1.0)


def test_spearman_kendall_hand_computed():
    a, b = [1, 2, 3, 4, 5], [2, 1, 4, 3, 5]
    # d = [-1, 1, -1, 1, 0] -> rho = 1 - 6*4/(5*24) = 0.8
    assert spearman(a, b) == pytest.approx(0.8)
    # concordant 8, discordant 2 of 10 pairs -> tau = 0.6
    assert kendall(a, b) == pytest.approx(0.6)


def test_agreement_groups_and_unscored_are_dropped():
    pred = [1, 2, 3, None, 4, 5, 4]
    gold = [1, 2, 3, 5, 5, 4, 4]
    groups = ["g1", "g1", "g1", "g1", "g2", "g2", "g2"]
    out = agreement(pred, gold, (1, 5), groups, n_boot=200, seed=1)
    assert out["n"] == 6  # the unscored item is not counted as a number
    assert out["spearman_per_group"]["value"] == pytest.approx(
        np.mean([spearman([1, 2, 3], [1, 2, 3]), spearman([4, 5, 4], [5, 4, 4])]))
    lo, hi = out["kappa"]["ci95"]
    assert lo <= out["kappa"]["value"] <= hi
    assert agreement(pred, gold, (1, 5), groups, n_boot=200, seed=1) == out  # seeded


def test_power_separates_clear_groups_not_identical_ones():
    good = [5, 5, 4, 5, 4, 5, 4, 5, 5, 4] * 3
    bad = [2, 3, 2, 2, 3, 1, 2, 3, 2, 2] * 3
    assert mann_whitney_p(good, bad) < 1e-6
    assert permutation_p(good, bad, n_perm=500) < 0.01
    n = smallest_n(good, bad, n_sim=50)
    assert n is not None and n <= 6
    same = [3, 4, 3, 4, 3, 4]
    assert permutation_p(same, same, n_perm=500) > 0.5
    assert smallest_n(same, same, n_max=12, n_sim=30) is None
    rep = power_report(good, bad)
    assert rep["mann_whitney_p"] < 0.05 and rep["smallest_n_per_group"] == smallest_n(good, bad)


TEXT = ("We fixed a bug where the export API returned HTTP 503. It's now returning 429 with "
        "a Retry-After header. You don't need to change anything.")


def test_perturbations_preserve_facts_and_are_seeded():
    out = perturb.perturb_all(TEXT, seed=3)
    assert out == perturb.perturb_all(TEXT, seed=3)
    assert set(out) == {"pad", "formal", "casual", "hedge", "reorder"}
    for name, v in out.items():
        assert v != TEXT, name
        for fact in ("503", "429", "Retry-After"):
            assert fact in v, (name, fact)
    assert len(out["pad"]) > len(TEXT) + 40
    assert "do not" in out["formal"] and "resolved" in out["formal"]
    assert out["casual"].startswith("Hey!")
    assert any(h.strip() in out["hedge"] for h in perturb.HEDGES)
    assert sorted(perturb.sentences(out["reorder"])) == sorted(perturb.sentences(TEXT))


def test_judge_cli_agreement_and_power(tmp_path, capsys):
    import json

    from loracle.cli import main

    pred = [{"id": f"s{i}", "scores": {"accuracy": a}, "overall": a}
            for i, a in enumerate([1, 2, 3, 4, 5, 5, 4, 2])]
    pred[7]["scores"]["accuracy"] = None  # unscored
    gold = [{"id": f"s{i}", "scores": {"accuracy": a}, "group": f"g{i // 4}"}
            for i, a in enumerate([1, 2, 3, 5, 5, 4, 4, 1])]
    (tmp_path / "p.json").write_text(json.dumps(pred))
    (tmp_path / "g.jsonl").write_text("".join(json.dumps(r) + "\n" for r in gold))
    assert main(["judge", "agreement", "--pred", str(tmp_path / "p.json"), "--gold",
                 str(tmp_path / "g.jsonl"), "--n-boot", "100"]) == 0
    out = json.loads(capsys.readouterr().out)
    acc = out["dimensions"]["accuracy"]
    assert acc["n"] == 7 and acc["unscored"] == 1 and acc["scale"] == [1, 5]
    assert acc["spearman"]["value"] == pytest.approx(
        round(spearman([1, 2, 3, 4, 5, 5, 4], [1, 2, 3, 5, 5, 4, 4]), 4))
    assert "spearman_per_group" in acc
    groups = [{"id": f"s{i}", "group": "good" if i in (3, 4, 5, 6) else "meh"} for i in range(8)]
    (tmp_path / "grp.jsonl").write_text("".join(json.dumps(r) + "\n" for r in groups))
    assert main(["judge", "power", "--pred", str(tmp_path / "p.json"), "--groups",
                 str(tmp_path / "grp.jsonl")]) == 0
    pw = json.loads(capsys.readouterr().out)
    assert pw["group_a"] == "good" and pw["mean_a"] > pw["mean_b"]
    assert pw["mann_whitney_p"] < 0.1
