"""A real HTTP server on 127.0.0.1 speaking /v1/chat/completions, scripted per request.

``script`` is a list consumed one entry per request; when empty, ``default`` is used.
Entries: ("ok", text, prompt_tokens, completion_tokens) | ("status", code, headers) |
("hang", seconds) | ("malformed",) | ("drop",).
"""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    def __init__(self, default=("ok", '{"intent": "x", "reply": "r"}', 10, 5)):
        self.script: list[tuple] = []
        self.default = default
        self.requests: list[dict] = []
        self.auth_headers: list[str] = []
        self._lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):  # keep test output clean
                pass

            def do_POST(self):
                n = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(n) or b"{}")
                with outer._lock:
                    outer.requests.append(body)
                    outer.auth_headers.append(self.headers.get("authorization", ""))
                    action = outer.script.pop(0) if outer.script else outer.default
                if callable(action):
                    action = action(body)
                kind = action[0]
                if kind == "hang":
                    time.sleep(action[1])
                    return self._send(200, _completion("late", 1, 1))
                if kind == "drop":
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                if kind == "malformed":
                    data = b'{"choices": [ this is not json'
                    self.send_response(200)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                    return
                if kind == "status":
                    code, headers = action[1], (action[2] if len(action) > 2 else {})
                    return self._send(code, {"error": {"message": f"scripted {code}",
                                                       "type": "scripted"}}, headers)
                _, text, pt, ct = action
                return self._send(200, _completion(text, pt, ct))

            def _send(self, code, obj, headers=None):
                data = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def _completion(text: str, pt: int, ct: int) -> dict:
    return {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text}}],
            "usage": {"prompt_tokens": pt, "completion_tokens": ct,
                      "total_tokens": pt + ct}}
