"""One SQLite file for runs, per-item results, provider calls and the response cache.

The schema is versioned (``meta.schema_version``); ``MIGRATIONS[i]`` upgrades
version i to i+1 and runs inside a transaction, so an old database is brought
forward on open and a crash mid-migration leaves it at the old version.
Writes commit immediately (WAL mode): a killed run loses nothing it recorded.
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger("loracle")

MIGRATIONS: list[str] = [
    # 0 -> 1
    """
    CREATE TABLE runs (
        id TEXT PRIMARY KEY, job TEXT NOT NULL, created_at REAL NOT NULL,
        config_json TEXT, config_hash TEXT, seed INTEGER, inputs_json TEXT,
        manifest_json TEXT, status TEXT NOT NULL, timings_json TEXT, metrics_json TEXT,
        note TEXT);
    CREATE TABLE items (
        run_id TEXT NOT NULL REFERENCES runs(id), item_id TEXT NOT NULL, idx INTEGER,
        input_json TEXT, output_json TEXT, metrics_json TEXT, created_at REAL,
        PRIMARY KEY (run_id, item_id));
    CREATE TABLE calls (
        id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT, ts REAL NOT NULL, endpoint TEXT,
        model TEXT, role TEXT, tokens_in INTEGER, tokens_out INTEGER, usd REAL,
        latency_ms REAL, cache_hit INTEGER NOT NULL, attempts INTEGER, status INTEGER,
        error TEXT);
    CREATE INDEX calls_run ON calls(run_id);
    CREATE TABLE cache (
        key TEXT PRIMARY KEY, model TEXT, response_json TEXT NOT NULL, tokens_in INTEGER,
        tokens_out INTEGER, created_at REAL NOT NULL, last_used REAL NOT NULL,
        hits INTEGER NOT NULL DEFAULT 0);
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


def default_db_path(run_dir: str | os.PathLike) -> Path:
    env = os.environ.get("LORACLE_DB")
    return Path(env) if env else Path(run_dir) / "loracle.db"


@contextmanager
def recorded_run(job: str, cfg, inputs: dict, output_path: str | os.PathLike,
                 resume: bool = False):
    """Yield (store, run_id) for one job run, every job the same way.

    The store is `cfg.db_path`, else $LORACLE_DB, else loracle.db beside the output.
    With `resume`, the latest unfinished run with the same config and inputs is
    continued. The body records success itself (`finish_run(status="done", ...)`);
    a body that raises is recorded as failed (interrupted on Ctrl-C) with the error,
    and the store is closed either way."""
    from .config import config_hash, to_dict

    db = Path(cfg.db_path) if cfg.db_path else default_db_path(
        Path(output_path).resolve().parent)
    store = Store(db)
    try:
        run_id = store.find_resumable(job, config_hash(cfg), inputs) if resume else None
        if run_id is None:
            run_id = store.start_run(job, to_dict(cfg), config_hash(cfg), cfg.seed, inputs)
        log.info("run %s (store: %s)", run_id, db)
        try:
            yield store, run_id
        except BaseException as e:
            store.finish_run(run_id, status="interrupted" if isinstance(e, KeyboardInterrupt)
                             else "failed", note=str(e)[:500])
            raise
    finally:
        store.close()


class Store:
    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self.db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=30,
                                  isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        # WAL + NORMAL: a crash can lose the last commits but never corrupts the file;
        # FULL would fsync every item.
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    # ------------------------------------------------------------ schema
    def _migrate(self) -> None:
        with self._lock:
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = self.db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            version = int(row[0]) if row else 0
            if version > SCHEMA_VERSION:
                raise RuntimeError(f"{self.path}: schema version {version} is newer than this "
                                   f"loracle ({SCHEMA_VERSION}); upgrade loracle")
            for v in range(version, SCHEMA_VERSION):
                self.db.execute("BEGIN")
                try:
                    for stmt in MIGRATIONS[v].split(";"):
                        if stmt.strip():
                            self.db.execute(stmt)
                    self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                                    (str(v + 1),))
                    self.db.execute("COMMIT")
                except BaseException:
                    self.db.execute("ROLLBACK")
                    raise

    def schema_version(self) -> int:
        return int(self.db.execute(
            "SELECT value FROM meta WHERE key='schema_version'").fetchone()[0])

    def _exec(self, sql: str, args: tuple = ()) -> sqlite3.Cursor:
        with self._lock:
            return self.db.execute(sql, args)

    # ------------------------------------------------------------ runs
    def start_run(self, job: str, config: dict, config_hash: str, seed: int,
                  inputs: dict) -> str:
        run_id = time.strftime("%Y%m%d-%H%M%S") + "-" + uuid.uuid4().hex[:6]
        self._exec("INSERT INTO runs (id, job, created_at, config_json, config_hash, seed, "
                   "inputs_json, status) VALUES (?,?,?,?,?,?,?,?)",
                   (run_id, job, time.time(), json.dumps(config, sort_keys=True), config_hash,
                    seed, json.dumps(inputs, sort_keys=True), "running"))
        return run_id

    def find_resumable(self, job: str, config_hash: str, inputs: dict) -> str | None:
        row = self._exec("SELECT id FROM runs WHERE job=? AND config_hash=? AND inputs_json=? "
                         "AND status!='done' ORDER BY created_at DESC LIMIT 1",
                         (job, config_hash, json.dumps(inputs, sort_keys=True))).fetchone()
        return row[0] if row else None

    def finish_run(self, run_id: str, *, status: str, manifest: dict | None = None,
                   timings: dict | None = None, metrics: dict | None = None,
                   note: str | None = None) -> None:
        self._exec("UPDATE runs SET status=?, manifest_json=?, timings_json=?, metrics_json=?, "
                   "note=? WHERE id=?",
                   (status, json.dumps(manifest) if manifest else None,
                    json.dumps(timings) if timings else None,
                    json.dumps(metrics) if metrics else None, note, run_id))

    def run(self, run_id: str) -> dict | None:
        """By id or unique id prefix; an ambiguous prefix is an error, not a guess."""
        row = self._exec("SELECT * FROM runs WHERE id=?", (run_id,)).fetchone()
        if row is None:
            rows = self._exec("SELECT * FROM runs WHERE id LIKE ? ESCAPE '\\'",
                              (run_id.replace("%", "\\%").replace("_", "\\_") + "%",)
                              ).fetchall()
            if len(rows) > 1:
                from .errors import LoracleError

                raise LoracleError(f"run prefix '{run_id}' matches {len(rows)} runs: "
                                   + ", ".join(r["id"] for r in rows[:5]))
            row = rows[0] if rows else None
        return _row(row) if row else None

    def runs(self, limit: int = 50) -> list[dict]:
        return [_row(r) for r in self._exec(
            "SELECT * FROM runs ORDER BY created_at DESC LIMIT ?", (limit,)).fetchall()]

    # ------------------------------------------------------------ items
    def put_item(self, run_id: str, item_id: str, idx: int, inp: Any, out: Any,
                 metrics: Any = None) -> None:
        self._exec("INSERT OR REPLACE INTO items VALUES (?,?,?,?,?,?,?)",
                   (run_id, item_id, idx, json.dumps(inp, ensure_ascii=False),
                    json.dumps(out, ensure_ascii=False),
                    json.dumps(metrics) if metrics is not None else None, time.time()))

    def put_items(self, run_id: str, rows: list[tuple]) -> None:
        """Many ``(item_id, idx, input, output, metrics)`` in one transaction."""
        now = time.time()
        with self._lock:
            self.db.execute("BEGIN")
            try:
                self.db.executemany("INSERT OR REPLACE INTO items VALUES (?,?,?,?,?,?,?)", [
                    (run_id, iid, idx, json.dumps(i, ensure_ascii=False),
                     json.dumps(o, ensure_ascii=False),
                     json.dumps(m) if m is not None else None, now)
                    for iid, idx, i, o, m in rows])
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def items(self, run_id: str) -> list[dict]:
        return [_row(r) for r in self._exec(
            "SELECT * FROM items WHERE run_id=? ORDER BY idx", (run_id,)).fetchall()]

    # ------------------------------------------------------------ calls
    def record_call(self, **kw) -> None:
        cols = ("run_id", "ts", "endpoint", "model", "role", "tokens_in", "tokens_out", "usd",
                "latency_ms", "cache_hit", "attempts", "status", "error")
        self._exec(f"INSERT INTO calls ({','.join(cols)}) VALUES ({','.join('?' * len(cols))})",
                   tuple(kw.get(c) for c in cols))

    def calls(self, run_id: str | None = None) -> list[dict]:
        if run_id is None:
            rows = self._exec("SELECT * FROM calls ORDER BY id").fetchall()
        else:
            rows = self._exec("SELECT * FROM calls WHERE run_id=? ORDER BY id",
                              (run_id,)).fetchall()
        return [dict(r) for r in rows]

    def cost_by_role(self, run_id: str) -> dict[str, dict]:
        rows = self._exec("SELECT role, COUNT(*) n, SUM(tokens_in) tin, SUM(tokens_out) tout, "
                          "SUM(usd) usd, SUM(cache_hit) hits FROM calls WHERE run_id=? "
                          "GROUP BY role", (run_id,)).fetchall()
        return {r["role"]: {"calls": r["n"], "tokens_in": r["tin"] or 0,
                            "tokens_out": r["tout"] or 0, "usd": round(r["usd"] or 0.0, 8),
                            "cache_hits": r["hits"] or 0} for r in rows}

    # ------------------------------------------------------------ cache
    def cache_get(self, key: str) -> dict | None:
        row = self._exec("SELECT response_json FROM cache WHERE key=?", (key,)).fetchone()
        if row is None:
            return None
        self._exec("UPDATE cache SET hits=hits+1, last_used=? WHERE key=?", (time.time(), key))
        return json.loads(row[0])

    def cache_put(self, key: str, model: str, response: dict, tokens_in: int,
                  tokens_out: int) -> None:
        now = time.time()
        self._exec("INSERT OR REPLACE INTO cache VALUES (?,?,?,?,?,?,?,0)",
                   (key, model, json.dumps(response), tokens_in, tokens_out, now, now))

    def cache_stats(self) -> dict:
        r = self._exec("SELECT COUNT(*) n, SUM(hits) hits, SUM(tokens_in) tin, "
                       "SUM(tokens_out) tout, MIN(created_at) oldest FROM cache").fetchone()
        return {"entries": r["n"], "hits": r["hits"] or 0, "tokens_in": r["tin"] or 0,
                "tokens_out": r["tout"] or 0, "oldest": r["oldest"]}

    def cache_clear(self) -> int:
        return self._exec("DELETE FROM cache").rowcount

    def cache_prune(self, older_than_s: float) -> int:
        return self._exec("DELETE FROM cache WHERE last_used < ?",
                          (time.time() - older_than_s,)).rowcount

    def close(self) -> None:
        self.db.close()


def _row(r: sqlite3.Row) -> dict:
    d = dict(r)
    for k in list(d):
        if k.endswith("_json") and d[k] is not None:
            d[k[:-5]] = json.loads(d.pop(k))
        elif k.endswith("_json"):
            d[k[:-5]] = d.pop(k)
    return d
