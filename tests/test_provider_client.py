"""The fallback client against a scripted OpenAI-compatible server on 127.0.0.1."""
from __future__ import annotations

import pytest

from fake_openai import FakeOpenAI
from loracle.providers import ChatClient, ClientSettings, Endpoint, Pricing, resolve_endpoint
from loracle.providers.pricing import Price
from loracle.store import Store

KEY = "sk-test-SECRET-0123456789"
MSG = [{"role": "user", "content": "hello"}]
PRICING = Pricing({"m": Price(input_per_1m=2.0, output_per_1m=8.0)})


def _client(server, tmp_path, sleeps=None, **settings):
    store = Store(tmp_path / "db.sqlite")
    run_id = store.start_run("test", {}, "h", 0, {})
    s = ClientSettings(**{"timeout_s": 2.0, "max_retries": 3, "backoff_base_s": 0.01,
                          "backoff_max_s": 0.05, **settings})
    rec = sleeps if sleeps is not None else []
    c = ChatClient(Endpoint(server.url, KEY, "m", "test"), store=store, run_id=run_id,
                   pricing=PRICING, settings=s, sleep=rec.append)
    return c, store, run_id


def test_429_twice_then_ok_with_retry_after(tmp_path):
    sleeps = []
    with FakeOpenAI() as srv:
        srv.script = [("status", 429, {"Retry-After": "1.5"}), ("status", 429, {}),
                      ("ok", "fine", 11, 4)]
        c, store, run_id = _client(srv, tmp_path, sleeps)
        res = c.chat(MSG, role="ticket")
    assert res.ok and res.text == "fine" and res.attempts == 3
    assert len(srv.requests) == 3
    assert sleeps[0] == 1.5  # Retry-After honoured
    assert 0 <= sleeps[1] <= 0.02  # exponential backoff with jitter (base 0.01, 2nd attempt)
    call = store.calls(run_id)[-1]
    assert (call["tokens_in"], call["tokens_out"], call["attempts"]) == (11, 4, 3)


def test_500_exhausts_retries_then_fails_without_raising(tmp_path):
    with FakeOpenAI(default=("status", 500, {})) as srv:
        c, store, run_id = _client(srv, tmp_path, max_retries=2)
        res = c.chat(MSG, role="ticket")
    assert not res.ok and res.error == "HTTP 500" and len(srv.requests) == 3


def test_timeout_is_retried_then_reported(tmp_path):
    with FakeOpenAI() as srv:
        srv.script = [("hang", 1.5), ("ok", "after timeout", 3, 2)]
        c, _, _ = _client(srv, tmp_path, timeout_s=0.3)
        res = c.chat(MSG, role="ticket")
    assert res.ok and res.text == "after timeout" and res.attempts == 2


def test_malformed_body_and_dropped_connection_are_retried(tmp_path):
    with FakeOpenAI() as srv:
        srv.script = [("malformed",), ("drop",), ("ok", "good", 1, 1)]
        c, _, _ = _client(srv, tmp_path)
        res = c.chat(MSG, role="ticket")
    assert res.ok and res.text == "good" and len(srv.requests) == 3


def test_402_stops_all_further_calls(tmp_path):
    with FakeOpenAI() as srv:
        srv.script = [("ok", "a", 1, 1), ("status", 402, {})]
        c, _, _ = _client(srv, tmp_path)
        assert c.chat([{"role": "user", "content": "1"}], role="ticket").ok
        r2 = c.chat([{"role": "user", "content": "2"}], role="ticket")
        r3 = c.chat([{"role": "user", "content": "3"}], role="ticket")
    assert not r2.ok and not r3.ok
    assert len(srv.requests) == 2  # nothing sent after the 402, no retry of a 402
    assert "402" in c.stopped_reason


def test_circuit_breaker_opens_and_closes(tmp_path):
    clock = [1000.0]
    import loracle.providers.client as client_mod

    real = client_mod.time.monotonic
    client_mod.time.monotonic = lambda: clock[0]
    try:
        with FakeOpenAI(default=("status", 503, {})) as srv:
            c, _, _ = _client(srv, tmp_path, max_retries=0, breaker_threshold=2,
                              breaker_cooldown_s=30)
            c.chat([{"role": "user", "content": "a"}], role="t")
            c.chat([{"role": "user", "content": "b"}], role="t")
            assert c.breaker.opened == 1
            sent = len(srv.requests)
            r = c.chat([{"role": "user", "content": "c"}], role="t")
            assert "circuit open" in r.error and len(srv.requests) == sent  # blocked
            clock[0] += 31  # cooldown over: one trial call goes through (half-open)
            srv.default = ("ok", "back", 1, 1)
            assert c.chat([{"role": "user", "content": "d"}], role="t").ok
            assert c.breaker.failures == 0  # closed again
            assert c.chat([{"role": "user", "content": "e"}], role="t").ok
    finally:
        client_mod.time.monotonic = real


def test_cache_serves_identical_call_with_zero_http(tmp_path):
    with FakeOpenAI(default=("ok", "cached answer", 7, 3)) as srv:
        c, store, run_id = _client(srv, tmp_path)
        a = c.chat(MSG, role="ticket")
        c2 = ChatClient(Endpoint(srv.url, "another-key", "m", "x"), store=store,
                        run_id=run_id, pricing=PRICING,
                        settings=ClientSettings(timeout_s=9, max_retries=0))
        b = c2.chat(MSG, role="ticket")  # different key/timeout/retries: same cache entry
        n = len(srv.requests)
        c.chat(MSG, role="ticket", temperature=0.7)  # sampled: not cached
        c.chat(MSG, role="ticket", temperature=0.7)
    assert a.text == b.text == "cached answer" and b.cache_hit and n == 1
    assert len(srv.requests) == 3
    assert store.cache_stats()["entries"] == 1


def test_usd_totals_match_usage_times_pricing(tmp_path):
    with FakeOpenAI() as srv:
        srv.script = [("ok", "a", 1000, 200), ("ok", "b", 3000, 50)]
        c, store, run_id = _client(srv, tmp_path)
        c.chat([{"role": "user", "content": "1"}], role="ticket")
        c.chat([{"role": "user", "content": "2"}], role="judge")
    cost = store.cost_by_role(run_id)
    assert cost["ticket"]["usd"] == pytest.approx(1000 * 2e-6 + 200 * 8e-6)
    assert cost["judge"]["usd"] == pytest.approx(3000 * 2e-6 + 50 * 8e-6)
    assert cost["ticket"]["tokens_in"] == 1000 and cost["judge"]["tokens_out"] == 50
    assert c.spent_usd == pytest.approx(sum(v["usd"] for v in cost.values()))


def test_budget_cap_stops_calls(tmp_path):
    with FakeOpenAI(default=("ok", "x", 1_000_000, 0)) as srv:  # $2 per call
        c, _, _ = _client(srv, tmp_path, budget_usd=3.0)
        results = [c.chat([{"role": "user", "content": str(i)}], role="t") for i in range(4)]
    assert [r.ok for r in results] == [True, True, False, False]
    assert len(srv.requests) == 2 and "budget cap" in c.stopped_reason


def test_key_never_stored_or_shown(tmp_path, caplog):
    with FakeOpenAI() as srv:
        srv.script = [("status", 429, {}), ("ok", "x", 1, 1)]
        c, store, _ = _client(srv, tmp_path)
        c.chat(MSG, role="ticket")
        assert srv.auth_headers[-1] == f"Bearer {KEY}"  # it is sent to the endpoint...
    store.close()
    for f in tmp_path.iterdir():  # ...and nowhere else
        assert KEY.encode() not in f.read_bytes(), f
    assert KEY not in caplog.text and KEY not in repr(c.endpoint)


def test_endpoint_resolution_order(monkeypatch):
    for v in ("MODEL_GATEWAY_URL", "MODEL_GATEWAY_KEY", "CHAT_MODEL", "OPENAI_BASE_URL",
              "OPENAI_API_KEY", "MY_KEY"):
        monkeypatch.delenv(v, raising=False)
    assert resolve_endpoint() is None
    monkeypatch.setenv("MY_KEY", "k0")
    assert resolve_endpoint("http://cfg/v1", "MY_KEY").source == "config"
    monkeypatch.setenv("OPENAI_API_KEY", "k1")
    monkeypatch.setenv("OPENAI_BASE_URL", "http://o/v1")
    assert resolve_endpoint("http://cfg/v1", "MY_KEY").base_url == "http://o/v1"
    monkeypatch.setenv("MODEL_GATEWAY_URL", "http://g/v1")
    monkeypatch.setenv("MODEL_GATEWAY_KEY", "k2")
    monkeypatch.setenv("CHAT_MODEL", "gm")
    e = resolve_endpoint()
    assert (e.base_url, e.api_key, e.model, e.source) == ("http://g/v1", "k2", "gm", "MODEL_GATEWAY")


def test_requests_per_minute_limit_waits(tmp_path):
    import loracle.providers.client as client_mod

    clock = [500.0]
    waited = []

    def fake_sleep(s):
        waited.append(s)
        clock[0] += s

    real = client_mod.time.monotonic
    client_mod.time.monotonic = lambda: clock[0]
    try:
        with FakeOpenAI(default=("ok", "x", 1, 1)) as srv:
            c, _, _ = _client(srv, tmp_path, rpm=2)
            c._sleep = fake_sleep
            for i in range(3):
                assert c.chat([{"role": "user", "content": str(i)}], role="t").ok
    finally:
        client_mod.time.monotonic = real
    assert len(srv.requests) == 3
    assert waited and sum(waited) == pytest.approx(60.0, abs=0.1)  # third call waited a minute
