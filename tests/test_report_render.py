"""The HTML report renders in headless Chromium (Debian `chromium`; .ci/run installs it)."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from loracle.report import write_report
from loracle.store import Store

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _store(tmp_path):
    s = Store(tmp_path / "r.db")
    rid = s.start_run("tickets", {"seed": 1}, "abc123", 1, {"train": "x"})
    for i in range(6):
        gold = ["a.b", "c.d"][i % 2]
        pred = gold if i < 4 else "a.b"
        s.put_item(rid, f"id{i}", i, {"ticket": f"<script>alert({i})</script> ticket {i}"},
                   {"id": f"id{i}", "prediction": f"reply {i}", "predicted_intent": pred,
                    "confidence": 0.5 + i / 20, "latency_ms": 10.0 * i,
                    "source": "fallback" if i == 5 else "local", "tokens_used": 9},
                   {"gold": gold, "correct": pred == gold})
    s.record_call(run_id=rid, ts=0.0, endpoint="http://x", model="m", role="ticket",
                  tokens_in=10, tokens_out=5, usd=0.001, latency_ms=3.0, cache_hit=0,
                  attempts=1, status=200, error=None)
    s.finish_run(rid, status="done", metrics={"rows": 6, "intent_accuracy": 0.6667},
                 timings={"train_s": 1.0})
    return s, rid


def test_report_is_self_contained_and_escaped(tmp_path):
    s, rid = _store(tmp_path)
    out = tmp_path / "report.html"
    write_report(s, rid, out)
    html = out.read_text()
    assert "<script>alert(" not in html and "&lt;script&gt;alert(" in html  # escaped
    assert "http://" not in html.replace("http://x", "") and "src=" not in html  # no assets
    for part in ("Confusion matrix", "Confidence", "Cost by role", "Latency", 'id="items"'):
        assert part in html
    assert html.count("<tr data-source") == 6


@pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium not installed (.ci/run installs it)")
def test_report_renders_in_headless_chromium(tmp_path):
    s, rid = _store(tmp_path)
    out = tmp_path / "report.html"
    write_report(s, rid, out)
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([CHROMIUM, *flags, "--dump-dom", out.as_uri()], capture_output=True,
                         text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "Confusion matrix" in dom.stdout and dom.stdout.count("<tr data-source") == 6
    png = tmp_path / "shot.png"
    shot = subprocess.run([CHROMIUM, *flags, f"--screenshot={png}", "--window-size=1200,900",
                           out.as_uri()], capture_output=True, text=True, timeout=120)
    assert shot.returncode == 0 and png.stat().st_size > 10_000  # a real, non-blank page
