"""A fake WeChat API server on loopback, for every test that calls WeChat's HTTP APIs.

Serves recorded responses from tests/fixtures/wechat_api keyed by URL path
(/cgi-bin/draft/add → cgi-bin/draft/add.json, or .png for images), counts calls, and plays
the access-token rules the client must follow: /cgi-bin/stable_token issues tokens (a new one
only when none is valid or force_refresh is set), and any call with a token that is not
valid is answered 40001. Tests can queue one-off responses with `script()` and invalidate
tokens with `expire_tokens()`.

    with FakeWeChatApi() as fake:
        app = make_test_app(..., WECHAT_API_BASE=fake.base_url)
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).parent / "fixtures" / "wechat_api"
# Calls that need no access token.
TOKENLESS = frozenset({"/cgi-bin/stable_token", "/cgi-bin/token", "/sns/jscode2session"})


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode()) if self.body else None


@dataclass
class Reply:
    status: int = 200
    body: bytes = b"{}"
    content_type: str = "application/json"

    @classmethod
    def of(cls, payload: dict[str, Any], status: int = 200) -> Reply:
        return cls(status, json.dumps(payload, ensure_ascii=False).encode())


@dataclass
class FakeWeChatApi:
    fixtures: Path = FIXTURES
    calls: list[Call] = field(default_factory=list)
    valid_tokens: set[str] = field(default_factory=set)
    current_token: str | None = None
    _scripts: dict[str, deque[Reply]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _serial: itertools.count = field(default_factory=lambda: itertools.count(1))
    _server: ThreadingHTTPServer | None = None

    # ---- control --------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self._server is not None, "start() the fake first"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeWeChatApi:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                fake._handle(self, "GET")

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> FakeWeChatApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def script(self, path: str, *replies: Reply | dict[str, Any]) -> None:
        """Answer the next calls to path with these replies, then fall back to the fixture."""
        with self._lock:
            for reply in replies:
                self._scripts[path].append(reply if isinstance(reply, Reply) else Reply.of(reply))

    def expire_tokens(self) -> None:
        """WeChat invalidates every token (as when the secret is reset elsewhere)."""
        with self._lock:
            self.valid_tokens.clear()
            self.current_token = None

    def count(self, path: str) -> int:
        return sum(1 for call in self.calls if call.path == path)

    def calls_to(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.path == path]

    # ---- serving --------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        call = Call(method, parts.path, query, body)
        with self._lock:
            self.calls.append(call)
            reply = self._reply(call)
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        handler.send_header("Content-Length", str(len(reply.body)))
        handler.end_headers()
        handler.wfile.write(reply.body)

    def _reply(self, call: Call) -> Reply:
        scripted = self._scripts.get(call.path)
        if scripted:
            return scripted.popleft()
        if call.path == "/cgi-bin/stable_token":
            return self._stable_token(call)
        if call.path not in TOKENLESS and call.query.get("access_token") not in self.valid_tokens:
            return Reply.of({"errcode": 40001, "errmsg": "invalid credential, access_token is "
                             "invalid or not latest"})
        return self._fixture(call.path)

    def _stable_token(self, call: Call) -> Reply:
        data = call.json() or {}
        if data.get("grant_type") != "client_credential" or not data.get("secret"):
            return Reply.of({"errcode": 40013, "errmsg": "invalid appid"})
        if data.get("force_refresh") or self.current_token is None:
            self.current_token = f"ACCESS_TOKEN_{next(self._serial)}"
            self.valid_tokens = {self.current_token}
        return Reply.of({"access_token": self.current_token, "expires_in": 7200})

    def _fixture(self, path: str) -> Reply:
        stem = self.fixtures / path.strip("/")
        for suffix, content_type in ((".json", "application/json"), (".png", "image/png")):
            candidate = stem.with_name(stem.name + suffix)
            if candidate.is_file():
                return Reply(200, candidate.read_bytes(), content_type)
        return Reply.of({"errcode": 404, "errmsg": f"no fixture for {path}"}, status=404)
