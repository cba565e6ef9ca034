"""OpenAI-compatible chat client that never crashes a run.

- retries with exponential backoff + full jitter on 429, 5xx, timeouts, dropped
  connections and malformed bodies; ``Retry-After`` is honoured (capped);
- a circuit breaker: after ``breaker_threshold`` consecutive failed calls no
  request is sent for ``breaker_cooldown_s``; then one trial call (half-open);
- HTTP 402 (budget exhausted upstream) or our own ``budget_usd`` cap: no more
  calls in this run; callers keep their local answers;
- requests-per-minute and concurrency limits, a per-call timeout;
- a cache in the run database keyed by what changes the output (docs/cache-keys.md);
- every call (hit or miss, success or failure) recorded with tokens, USD, latency.

``chat`` returns a CallResult; failures are values (``ok=False``), not exceptions.
"""
from __future__ import annotations

import hashlib
import json
import logging
import random
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from .endpoint import Endpoint
from .pricing import Pricing

log = logging.getLogger("loracle")
RETRYABLE_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


@dataclass
class CallResult:
    ok: bool
    text: str = ""
    tokens_in: int = 0
    tokens_out: int = 0
    usd: float = 0.0
    latency_ms: float = 0.0
    cache_hit: bool = False
    attempts: int = 0
    error: str | None = None


@dataclass
class ClientSettings:
    timeout_s: float = 30.0
    max_retries: int = 4
    backoff_base_s: float = 0.5
    backoff_max_s: float = 20.0
    retry_after_max_s: float = 60.0
    breaker_threshold: int = 5
    breaker_cooldown_s: float = 30.0
    rpm: int = 0  # 0 = unlimited
    concurrency: int = 4
    budget_usd: float = 0.0  # 0 = no cap of our own


def cache_key(endpoint: Endpoint, model: str, messages: list[dict], params: dict,
              adapter_hash: str | None = None, sample_index: int | None = None) -> str:
    """Everything that changes the output, nothing that doesn't (timeouts, retries, keys)."""
    blob = json.dumps({"base_url": endpoint.base_url.rstrip("/"), "model": model,
                       "messages": messages, "params": params, "adapter": adapter_hash,
                       "sample": sample_index}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


@dataclass
class _Breaker:
    threshold: int
    cooldown_s: float
    failures: int = 0
    open_until: float = 0.0
    opened: int = 0  # times it opened (for reports/tests)

    def allow(self, now: float) -> bool:
        return self.failures < self.threshold or now >= self.open_until

    def success(self) -> None:
        self.failures = 0

    def failure(self, now: float) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            if now >= self.open_until:
                self.opened += 1
            self.open_until = now + self.cooldown_s


class ChatClient:
    def __init__(self, endpoint: Endpoint, *, store=None, run_id: str | None = None,
                 pricing: Pricing | None = None, settings: ClientSettings | None = None,
                 seed: int = 0, sleep=time.sleep):
        from openai import OpenAI

        self.endpoint = endpoint
        self.store = store
        self.run_id = run_id
        self.pricing = pricing or Pricing.load()
        self.s = settings or ClientSettings()
        self._sleep = sleep
        self._rng = random.Random(seed)  # jitter only; never affects outputs
        self._lock = threading.Lock()
        self._sem = threading.Semaphore(max(1, self.s.concurrency))
        self._recent: deque[float] = deque()
        self.breaker = _Breaker(self.s.breaker_threshold, self.s.breaker_cooldown_s)
        self.stopped_reason: str | None = None
        self.spent_usd = 0.0
        self.http_attempts = 0
        self._warned_price: set[str] = set()
        # SDK retries off: we own retry policy, so attempts are counted and capped here.
        self._client = OpenAI(base_url=endpoint.base_url, api_key=endpoint.api_key,
                              max_retries=0, timeout=self.s.timeout_s)

    # ---------------------------------------------------------------- public
    def chat(self, messages: list[dict], *, role: str, max_tokens: int = 256,
             temperature: float = 0.0, response_format: dict | None = None,
             adapter_hash: str | None = None, sample_index: int | None = None,
             model: str | None = None) -> CallResult:
        model = model or self.endpoint.model
        params: dict[str, Any] = {"max_tokens": max_tokens, "temperature": temperature}
        if response_format:
            params["response_format"] = response_format
        cacheable = temperature == 0 or sample_index is not None
        key = cache_key(self.endpoint, model, messages, params, adapter_hash, sample_index)
        if cacheable and self.store is not None:
            hit = self.store.cache_get(key)
            if hit is not None:
                res = CallResult(ok=True, text=hit["text"], tokens_in=hit["tokens_in"],
                                 tokens_out=hit["tokens_out"], cache_hit=True)
                self._record(model, role, res, status=200)
                return res
        if self.stopped_reason:
            return CallResult(ok=False, error=self.stopped_reason)
        if self.s.budget_usd and self.spent_usd >= self.s.budget_usd:
            self._stop(f"budget cap of ${self.s.budget_usd:.4f} reached")
            return CallResult(ok=False, error=self.stopped_reason)
        if not self.breaker.allow(time.monotonic()):
            return CallResult(ok=False, error="circuit open: endpoint failing, call skipped")
        with self._sem:
            res, status = self._attempts(model, messages, params)
        with self._lock:
            if res.ok:
                self.breaker.success()
            elif status != 402:
                self.breaker.failure(time.monotonic())
        if res.ok:
            res.usd = self._usd(model, res.tokens_in, res.tokens_out)
            with self._lock:
                self.spent_usd += res.usd
            if cacheable and self.store is not None:
                self.store.cache_put(key, model, {"text": res.text, "tokens_in": res.tokens_in,
                                                  "tokens_out": res.tokens_out},
                                     res.tokens_in, res.tokens_out)
        self._record(model, role, res, status=status)
        return res

    # ---------------------------------------------------------------- internals
    def _attempts(self, model: str, messages: list[dict], params: dict) -> tuple[CallResult, int]:
        import openai

        last_err, status = "unknown error", 0
        for attempt in range(1, self.s.max_retries + 2):
            self._rate_limit()
            t0 = time.perf_counter()
            wait = None
            try:
                with self._lock:
                    self.http_attempts += 1
                r = self._client.chat.completions.create(model=model, messages=messages,
                                                         **params)
                text = r.choices[0].message.content or ""
                u = r.usage
                return CallResult(ok=True, text=text,
                                  tokens_in=int(getattr(u, "prompt_tokens", 0) or 0),
                                  tokens_out=int(getattr(u, "completion_tokens", 0) or 0),
                                  latency_ms=(time.perf_counter() - t0) * 1000,
                                  attempts=attempt), 200
            except openai.APIStatusError as e:
                status = e.status_code
                last_err = f"HTTP {status}"
                if status == 402:
                    self._stop("HTTP 402 from the endpoint (upstream budget exhausted)")
                    return CallResult(ok=False, error=last_err, attempts=attempt), status
                if status not in RETRYABLE_STATUS:
                    return CallResult(ok=False, error=last_err, attempts=attempt), status
                wait = _retry_after(e.response)
            except openai.APITimeoutError:
                status, last_err = 0, f"timeout after {self.s.timeout_s}s"
            except openai.APIConnectionError:
                status, last_err = 0, "connection error"
            except (openai.APIResponseValidationError, json.JSONDecodeError, ValueError,
                    AttributeError, IndexError, TypeError):
                status, last_err = 200, "malformed response body"
            if attempt > self.s.max_retries:
                break
            if wait is None:
                cap = min(self.s.backoff_max_s, self.s.backoff_base_s * 2 ** (attempt - 1))
                wait = self._rng.uniform(0, cap)  # full jitter
            else:
                wait = min(wait, self.s.retry_after_max_s)
            log.info("provider: %s (attempt %d/%d), retrying in %.2fs", last_err, attempt,
                     self.s.max_retries + 1, wait)
            self._sleep(wait)
        return CallResult(ok=False, error=last_err, attempts=self.s.max_retries + 1), status

    def _rate_limit(self) -> None:
        if not self.s.rpm:
            return
        while True:
            with self._lock:
                now = time.monotonic()
                while self._recent and now - self._recent[0] >= 60:
                    self._recent.popleft()
                if len(self._recent) < self.s.rpm:
                    self._recent.append(now)
                    return
                wait = 60 - (now - self._recent[0])
            self._sleep(max(wait, 0.01))

    def _stop(self, reason: str) -> None:
        if not self.stopped_reason:
            self.stopped_reason = reason
            log.warning("provider: %s; no more calls in this run, local answers are kept", reason)

    def _usd(self, model: str, tin: int, tout: int) -> float:
        if self.pricing.price(model) is None and model not in self._warned_price:
            self._warned_price.add(model)
            log.warning("provider: no price for model '%s' in configs/pricing.yaml; "
                        "metered at $0", model)
        return self.pricing.usd(model, tin, tout)

    def _record(self, model: str, role: str, res: CallResult, status: int) -> None:
        if self.store is None:
            return
        self.store.record_call(run_id=self.run_id, ts=time.time(),
                               endpoint=self.endpoint.base_url, model=model, role=role,
                               tokens_in=res.tokens_in, tokens_out=res.tokens_out,
                               usd=res.usd, latency_ms=round(res.latency_ms, 2),
                               cache_hit=int(res.cache_hit), attempts=res.attempts,
                               status=status, error=res.error)


def _retry_after(response) -> float | None:
    try:
        v = response.headers.get("retry-after")
        return max(0.0, float(v)) if v is not None else None
    except (AttributeError, TypeError, ValueError):
        return None
