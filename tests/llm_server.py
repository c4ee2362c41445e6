"""A local OpenAI-compatible chat server whose answers follow a script, for tests.

Only the minutes' LLM may be stood in for in tests (no model weights can be had here); this
server speaks the real HTTP protocol, so the real `openai` client, its retries and its
timeouts are what the tests exercise.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    content: str = ""
    status: int = 200
    delay: float = 0.0
    finish_reason: str = "stop"
    #: Compute the answer from the request instead (gets the request's JSON body).
    respond: Callable[[dict[str, Any]], str] | None = None
    #: Answer 400 when the request asks for JSON-schema output (as older servers do).
    reject_json_schema: bool = False
    headers: dict[str, str] = field(default_factory=dict)


class ScriptedLLM:
    def __init__(self) -> None:
        self.script: deque[Reply] = deque()
        self.requests: list[dict[str, Any]] = []
        self.default: Reply | None = None
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                owner.requests.append(body)
                reply = owner.script.popleft() if owner.script else owner.default
                if reply is None:
                    self._send(500, {"error": {"message": "script exhausted", "type": "test"}})
                    return
                if reply.delay:
                    time.sleep(reply.delay)
                wants_schema = body.get("response_format", {}).get("type") == "json_schema"
                if reply.reject_json_schema and wants_schema:
                    self._send(400, {"error": {"message": "response_format json_schema is not "
                                               "supported", "type": "invalid_request_error"}})
                    owner.script.appendleft(Reply(reply.content, respond=reply.respond))
                    return
                if reply.status != 200:
                    self._send(reply.status, {"error": {"message": f"scripted {reply.status}",
                                                        "type": "server_error"}},
                               reply.headers)
                    return
                content = reply.respond(body) if reply.respond else reply.content
                self._send(200, {
                    "id": f"chatcmpl-{len(owner.requests)}", "object": "chat.completion",
                    "created": 0, "model": body.get("model", "test"),
                    "choices": [{"index": 0, "finish_reason": reply.finish_reason,
                                 "message": {"role": "assistant", "content": content}}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                })

            def _send(self, status: int, payload: dict[str, Any],
                      headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(data)))
                    for name, value in (headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up waiting
                    pass

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def push(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def __enter__(self) -> ScriptedLLM:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
