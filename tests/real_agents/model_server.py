"""A scripted local model server for driving the real agent CLIs end to end (tests/real_agents/).

It speaks the wire protocols the agents use (Anthropic Messages, OpenAI Responses, OpenAI Chat
Completions, Gemini generateContent / streamGenerateContent with SSE), streaming or not, records
every request it receives, and answers from a script: the model calls the agent's shell tool with
each scripted command in turn, then answers with text.

Which step a request is at comes from the request itself: the number of tool results in the
conversation it carries (a call that a hook denied comes back as a result too). So retries, side
requests and several agents at once need no shared state beyond the script. A request that offers
no shell tool (title generation, routing, quota checks) gets a short text answer, or, when it asks
for JSON by a schema, the smallest object that schema accepts.

Every answer reports token usage, different on each request, and the figures are recorded with
the request (`Request.usage`), so a test can check that what an agent's transcript says it used is
what the server reported.

Run by hand: `python tests/real_agents/model_server.py --command 'git push' --log requests.jsonl`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

# The shell tools of the agents, by the name each offers the model, most specific first.
SHELL_TOOLS = (
    "Bash", "Execute", "run_shell_command", "exec_command", "shell", "shell_command", "bash", "local_shell",
    "run_commands", "terminal",
)  # fmt: skip
FINAL_TEXT = "Done: the branch is pushed."
SIDE_TEXT = "ok"


@dataclass(frozen=True)
class Usage:
    """What one answer reported, in the protocol's own terms mapped to four counts: input tokens
    not read from cache, input tokens read from cache, output tokens (reasoning included) and
    reasoning tokens."""

    input: int
    cached: int
    output: int
    reasoning: int = 0

    @property
    def total(self) -> int:
        return self.input + self.cached + self.output


@dataclass
class Request:
    """One request the server received, and what it answered."""

    number: int
    method: str
    path: str
    protocol: str  # anthropic | responses | chat | gemini | other
    body: Any
    step: int | None = None  # the scripted step answered (None: a side request)
    answer: str = ""  # "tool:<name> <args json>", "text:<text>", or "" (not a model call)
    usage: Usage | None = None
    model: str = ""

    def text(self) -> str:
        """The whole request body as text (to look for a lesson in what the model was sent)."""
        return json.dumps(self.body, ensure_ascii=False)


@dataclass
class Step:
    """One scripted call: a shell command, or any tool by name with its arguments."""

    command: str = ""
    tool: str = ""
    args: dict[str, Any] = field(default_factory=dict)


class Script:
    """The model's answers: one step per tool result already in the conversation, then text.

    `heed` makes a model that follows what it is told: given the whole request as text and the
    command the script would run, it returns the command the model runs instead (None: as
    scripted). What the request says (context given at the session's start, a denied call's
    reason, a note after a call) is all the model knows, as for a real model."""

    def __init__(
        self,
        steps: list[Step | str] | None = None,
        final_text: str = FINAL_TEXT,
        heed: Callable[[str, str], str | None] | None = None,
    ) -> None:
        self.steps = [Step(command=step) if isinstance(step, str) else step for step in steps or []]
        self.final_text = final_text
        self.heed = heed


class ModelServer:
    """The server, on 127.0.0.1 and a free port, in a thread of its own. Use as a context manager."""

    def __init__(self, script: Script | None = None, log: Path | None = None, model: str = "") -> None:
        self.script = script or Script()
        self.requests: list[Request] = []
        self.log = log
        self.model = model
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        self.tag = secrets.token_hex(4)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ModelServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def model_calls(self) -> list[Request]:
        """The requests that were answered as a model turn (scripted steps and side requests)."""
        with self._lock:
            return [request for request in self.requests if request.usage is not None]

    def scripted(self) -> list[Request]:
        """The requests answered from the script (they offered a shell tool)."""
        return [request for request in self.model_calls() if request.step is not None]

    def reset(self, script: Script | None = None) -> None:
        with self._lock:
            self.requests.clear()
            if script is not None:
                self.script = script

    def record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)
        if self.log is not None:
            entry = {
                "number": request.number,
                "method": request.method,
                "path": request.path,
                "protocol": request.protocol,
                "step": request.step,
                "answer": request.answer,
                "usage": request.usage.__dict__ if request.usage else None,
                "body": request.body,
            }
            with self._lock, self.log.open("a", encoding="utf-8") as out:
                out.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def next_number(self) -> int:
        with self._lock:
            return next(self._numbers)


# --- what the model answers ---------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    """What the model says on one request: a tool call, or text."""

    tool: str = ""
    args: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    step: int | None = None


def usage_for(number: int) -> Usage:
    """Token counts that differ on every request, so sums and per-request figures can be checked."""
    return Usage(input=1000 + 17 * number, cached=64 * (number % 3), output=20 + 3 * number, reasoning=0)


def _schema_value(schema: Any, name: str = "") -> Any:
    """The smallest value a JSON schema accepts (for side requests that ask for JSON)."""
    if not isinstance(schema, dict):
        return ""
    if name == "next_speaker":
        return "user"
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    kind = str(kind or "").lower()
    if kind == "object" or "properties" in schema:
        props = schema.get("properties") or {}
        required = schema.get("required") or list(props)
        return {key: _schema_value(props.get(key, {}), key) for key in required}
    if kind == "array":
        return []
    if kind in ("integer", "number"):
        return 0
    if kind == "boolean":
        return False
    return "done"


def shell_args(schema: dict[str, Any], command: str) -> dict[str, Any]:
    """Arguments for a shell tool of this schema: the command where the schema wants it (a string
    `command` or `cmd`, or an argv array), and a plain value for any other required parameter."""
    props = (schema or {}).get("properties") or {}
    args: dict[str, Any] = {}
    if "commands" in props and "command" not in props:  # Cline's run_commands: a list of command lines
        return {"commands": [command]}
    key = "command" if "command" in props else "cmd" if "cmd" in props else "command"
    kind = str((props.get(key) or {}).get("type", "string")).lower()
    args[key] = ["bash", "-lc", command] if kind == "array" else command
    for name in (schema or {}).get("required") or []:
        if name in args:
            continue
        prop = props.get(name) or {}
        if name == "description":
            args[name] = f"Run {command.split()[0] if command.split() else 'the command'}"
        elif str(prop.get("type", "")).lower() in ("integer", "number"):
            args[name] = 30
        else:
            args[name] = _schema_value(prop, name)
    return args


def choose(script: Script, tools: dict[str, dict[str, Any]], tool_results: int, told: str = "") -> Turn:
    """The model's turn: the scripted step for this many tool results (or what `script.heed` makes
    of it, given what the model was `told`), or the final text."""
    shell = next((name for name in SHELL_TOOLS if name in tools), None)
    if shell is None and not any(step.tool for step in script.steps):
        return Turn(text=SIDE_TEXT)
    if tool_results < len(script.steps):
        step = script.steps[tool_results]
        if step.tool:
            return Turn(tool=step.tool, args=step.args, step=tool_results)
        if shell is None:
            return Turn(text=SIDE_TEXT)
        command = step.command
        if script.heed is not None:
            command = script.heed(told, command) or command
        return Turn(tool=shell, args=shell_args(tools[shell], command), step=tool_results)
    return Turn(text=script.final_text, step=tool_results if shell else None)


# --- the protocols ------------------------------------------------------------------------------


def _anthropic_tools(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        t["name"]: t.get("input_schema") or {} for t in body.get("tools") or [] if isinstance(t, dict) and "name" in t
    }


def _anthropic_results(body: dict[str, Any]) -> int:
    count = 0
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            count += sum(1 for block in content if isinstance(block, dict) and block.get("type") == "tool_result")
    return count


def _responses_tools(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for tool in body.get("tools") or []:
        if not isinstance(tool, dict):
            continue
        if tool.get("type") == "local_shell":
            found["local_shell"] = {}
        elif "name" in tool:
            found[tool["name"]] = tool.get("parameters") or {}
    return found


def _responses_results(body: dict[str, Any]) -> int:
    items = body.get("input")
    if not isinstance(items, list):
        return 0
    return sum(1 for item in items if isinstance(item, dict) and str(item.get("type", "")).endswith("_call_output"))


def _chat_tools(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for tool in body.get("tools") or []:
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and "name" in function:
            found[function["name"]] = function.get("parameters") or {}
    return found


def _chat_results(body: dict[str, Any]) -> int:
    return sum(1 for m in body.get("messages") or [] if isinstance(m, dict) and m.get("role") == "tool")


def _gemini_tools(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for tool in body.get("tools") or []:
        for decl in (tool or {}).get("functionDeclarations") or []:
            if isinstance(decl, dict) and "name" in decl:
                found[decl["name"]] = decl.get("parametersJsonSchema") or decl.get("parameters") or {}
    return found


def _gemini_results(body: dict[str, Any]) -> int:
    count = 0
    for content in body.get("contents") or []:
        for part in (content or {}).get("parts") or []:
            if isinstance(part, dict) and "functionResponse" in part:
                count += 1
    return count


def _gemini_json_schema(body: dict[str, Any]) -> dict[str, Any] | None:
    config = body.get("generationConfig") or {}
    if config.get("responseMimeType") != "application/json":
        return None
    schema = config.get("responseJsonSchema") or config.get("responseSchema")
    return schema if isinstance(schema, dict) else {"type": "object"}


def _sse(event: str | None, data: Any) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {json.dumps(data)}\n\n".encode()


def _anthropic(model: str, turn: Turn, usage: Usage, uid: str, stream: bool) -> Iterator[bytes] | dict[str, Any]:
    message_id = f"msg_{uid}"
    if turn.tool:
        blocks: list[dict[str, Any]] = [
            {"type": "tool_use", "id": f"toolu_{uid}", "name": turn.tool, "input": turn.args}
        ]
        stop = "tool_use"
    else:
        blocks = [{"type": "text", "text": turn.text}]
        stop = "end_turn"
    usage_json = {
        "input_tokens": usage.input,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": usage.cached,
        "output_tokens": usage.output,
    }
    if not stream:
        return {
            "id": message_id,
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": blocks,
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": usage_json,
        }

    def events() -> Iterator[bytes]:
        start = dict(usage_json, output_tokens=1)
        yield _sse(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "id": message_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": start,
                },
            },
        )
        for index, block in enumerate(blocks):
            if block["type"] == "text":
                yield _sse(
                    "content_block_start",
                    {"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}},
                )
                delta = {"type": "text_delta", "text": block["text"]}
            else:
                opened = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
                yield _sse(
                    "content_block_start", {"type": "content_block_start", "index": index, "content_block": opened}
                )
                delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
            yield _sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta})
            yield _sse("content_block_stop", {"type": "content_block_stop", "index": index})
        yield _sse(
            "message_delta",
            {"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None}, "usage": usage_json},
        )
        yield _sse("message_stop", {"type": "message_stop"})

    return events()


def _responses(model: str, turn: Turn, usage: Usage, uid: str, stream: bool) -> Iterator[bytes] | dict[str, Any]:
    response_id = f"resp_{uid}"
    if turn.tool == "local_shell":
        item: dict[str, Any] = {
            "type": "local_shell_call",
            "id": f"lsh_{uid}",
            "call_id": f"call_{uid}",
            "status": "completed",
            "action": {"type": "exec", "command": turn.args.get("command"), "env": {}},
        }
    elif turn.tool:
        item = {
            "type": "function_call",
            "id": f"fc_{uid}",
            "call_id": f"call_{uid}",
            "name": turn.tool,
            "arguments": json.dumps(turn.args),
            "status": "completed",
        }
    else:
        item = {
            "type": "message",
            "id": f"msg_{uid}",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": turn.text, "annotations": []}],
        }
    usage_json = {
        "input_tokens": usage.input + usage.cached,
        "input_tokens_details": {"cached_tokens": usage.cached},
        "output_tokens": usage.output,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning},
        "total_tokens": usage.total,
    }
    response = {
        "id": response_id,
        "object": "response",
        "created_at": int(time.time()),
        "status": "completed",
        "model": model,
        "output": [item],
        "usage": usage_json,
    }
    if not stream:
        return response

    def events() -> Iterator[bytes]:
        seq = itertools.count()
        created = dict(response, status="in_progress", output=[], usage=None)
        yield _sse("response.created", {"type": "response.created", "sequence_number": next(seq), "response": created})
        yield _sse(
            "response.in_progress", {"type": "response.in_progress", "sequence_number": next(seq), "response": created}
        )
        opened = dict(item, status="in_progress")
        if item["type"] == "message":
            opened["content"] = []
        elif item["type"] == "function_call":
            opened["arguments"] = ""
        yield _sse(
            "response.output_item.added",
            {"type": "response.output_item.added", "sequence_number": next(seq), "output_index": 0, "item": opened},
        )
        if item["type"] == "message":
            part = {"type": "output_text", "text": "", "annotations": []}
            common = {"item_id": item["id"], "output_index": 0, "content_index": 0}
            yield _sse(
                "response.content_part.added",
                {"type": "response.content_part.added", "sequence_number": next(seq), **common, "part": part},
            )
            yield _sse(
                "response.output_text.delta",
                {"type": "response.output_text.delta", "sequence_number": next(seq), **common, "delta": turn.text},
            )
            yield _sse(
                "response.output_text.done",
                {"type": "response.output_text.done", "sequence_number": next(seq), **common, "text": turn.text},
            )
            done_part = dict(part, text=turn.text)
            yield _sse(
                "response.content_part.done",
                {"type": "response.content_part.done", "sequence_number": next(seq), **common, "part": done_part},
            )
        elif item["type"] == "function_call":
            common = {"item_id": item["id"], "output_index": 0}
            yield _sse(
                "response.function_call_arguments.delta",
                {
                    "type": "response.function_call_arguments.delta",
                    "sequence_number": next(seq),
                    **common,
                    "delta": item["arguments"],
                },
            )
            yield _sse(
                "response.function_call_arguments.done",
                {
                    "type": "response.function_call_arguments.done",
                    "sequence_number": next(seq),
                    **common,
                    "arguments": item["arguments"],
                },
            )
        yield _sse(
            "response.output_item.done",
            {"type": "response.output_item.done", "sequence_number": next(seq), "output_index": 0, "item": item},
        )
        yield _sse(
            "response.completed", {"type": "response.completed", "sequence_number": next(seq), "response": response}
        )

    return events()


def _chat(model: str, turn: Turn, usage: Usage, uid: str, stream: bool) -> Iterator[bytes] | dict[str, Any]:
    completion_id = f"chatcmpl-{uid}"
    created = int(time.time())
    usage_json = {
        "prompt_tokens": usage.input + usage.cached,
        "completion_tokens": usage.output,
        "total_tokens": usage.total,
        "prompt_tokens_details": {"cached_tokens": usage.cached},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning},
    }
    call = None
    if turn.tool:
        call = {
            "id": f"call_{uid}",
            "type": "function",
            "function": {"name": turn.tool, "arguments": json.dumps(turn.args)},
        }
    finish = "tool_calls" if call else "stop"
    if not stream:
        message: dict[str, Any] = {"role": "assistant", "content": None if call else turn.text}
        if call:
            message["tool_calls"] = [call]
        return {
            "id": completion_id,
            "object": "chat.completion",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": usage_json,
        }

    def chunk(delta: dict[str, Any], finish_reason: str | None, **extra: Any) -> bytes:
        body = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
            **extra,
        }
        return _sse(None, body)

    def events() -> Iterator[bytes]:
        if call:
            yield chunk({"role": "assistant", "content": None, "tool_calls": [dict(call, index=0)]}, None)
        else:
            yield chunk({"role": "assistant", "content": turn.text}, None)
        yield chunk({}, finish)
        yield _sse(
            None,
            {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": [],
                "usage": usage_json,
            },
        )
        yield b"data: [DONE]\n\n"

    return events()


def _gemini(
    model: str, turn: Turn, usage: Usage, uid: str, stream: bool, json_schema: dict[str, Any] | None
) -> Iterator[bytes] | dict[str, Any]:
    if turn.tool:
        parts: list[dict[str, Any]] = [{"functionCall": {"name": turn.tool, "args": turn.args}}]
    elif json_schema is not None:
        parts = [{"text": json.dumps(_schema_value(json_schema))}]
    else:
        parts = [{"text": turn.text}]
    body = {
        "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {
            "promptTokenCount": usage.input + usage.cached,
            "cachedContentTokenCount": usage.cached,
            "candidatesTokenCount": usage.output,
            "totalTokenCount": usage.total,
        },
        "modelVersion": model,
        "responseId": f"resp-{uid}",
    }
    if not stream:
        return body

    def events() -> Iterator[bytes]:
        yield _sse(None, body)

    return events()


_GEMINI_PATH = re.compile(r"^/(?:v1beta|v1alpha|v1)/models/([^/:]+):(\w+)$")


def _handler_for(server: ModelServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet: requests are recorded instead
            return

        def _read_body(self) -> Any:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            if not raw and self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                raw = self._read_chunked()
            if not raw:
                return None
            try:
                return json.loads(raw)
            except ValueError:
                return raw.decode("utf-8", "replace")

        def _read_chunked(self) -> bytes:
            data = b""
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()

        def _send_json(self, status: int, payload: Any) -> None:
            raw = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _send_stream(self, events: Iterator[bytes]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for event in events:
                self.wfile.write(f"{len(event):x}\r\n".encode() + event + b"\r\n")
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()

        def do_GET(self) -> None:
            number = server.next_number()
            path = urlsplit(self.path).path
            server.record(Request(number, "GET", self.path, "other", None))
            if path.rstrip("/").endswith("/models"):
                model = server.model or "harness-model"
                self._send_json(
                    200,
                    {
                        "object": "list",
                        "data": [{"id": model, "object": "model", "created": 0, "owned_by": "harness"}],
                        "models": [{"name": f"models/{model}"}],
                    },
                )
                return
            self._send_json(404, {"error": {"message": f"not scripted: GET {path}", "type": "not_found"}})

        def do_POST(self) -> None:
            number = server.next_number()
            split = urlsplit(self.path)
            path = split.path
            body = self._read_body()
            data = body if isinstance(body, dict) else {}
            stream = bool(data.get("stream"))
            model = str(data.get("model") or server.model or "harness-model")
            gemini = _GEMINI_PATH.match(path)
            if path.endswith("/messages/count_tokens"):
                server.record(Request(number, "POST", self.path, "anthropic", body))
                self._send_json(200, {"input_tokens": 1000})
                return
            if gemini and gemini.group(2) == "countTokens":
                server.record(Request(number, "POST", self.path, "gemini", body))
                self._send_json(200, {"totalTokens": 1000})
                return
            usage = usage_for(number)
            told = json.dumps(body, ensure_ascii=False) if server.script.heed is not None else ""
            uid = f"{server.tag}{number:06d}"  # ids unique across servers, as a real API's are
            if path.endswith("/messages"):
                protocol = "anthropic"
                turn = choose(server.script, _anthropic_tools(data), _anthropic_results(data), told)
                answer = _anthropic(model, turn, usage, uid, stream)
            elif path.endswith("/responses"):
                protocol = "responses"
                turn = choose(server.script, _responses_tools(data), _responses_results(data), told)
                answer = _responses(model, turn, usage, uid, stream)
            elif path.endswith("/chat/completions"):
                protocol = "chat"
                turn = choose(server.script, _chat_tools(data), _chat_results(data), told)
                answer = _chat(model, turn, usage, uid, stream)
            elif gemini and gemini.group(2) in ("generateContent", "streamGenerateContent"):
                protocol = "gemini"
                model = gemini.group(1)
                stream = gemini.group(2) == "streamGenerateContent"
                turn = choose(server.script, _gemini_tools(data), _gemini_results(data), told)
                answer = _gemini(model, turn, usage, uid, stream, _gemini_json_schema(data))
            else:
                server.record(Request(number, "POST", self.path, "other", body))
                self._send_json(404, {"error": {"message": f"not scripted: POST {path}", "type": "not_found"}})
                return
            shown = f"tool:{turn.tool} {json.dumps(turn.args)}" if turn.tool else f"text:{turn.text}"
            server.record(Request(number, "POST", self.path, protocol, body, turn.step, shown, usage, model))
            if isinstance(answer, dict):
                self._send_json(200, answer)
            else:
                self._send_stream(answer)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--command", action="append", default=[], help="a shell command the model runs, in order (repeatable)"
    )
    parser.add_argument("--final", default=FINAL_TEXT, help="the text answered after the last command")
    parser.add_argument("--log", type=Path, help="append every request, with its answer, to this JSONL file")
    parser.add_argument("--model", default="", help="the model name answered where the request names none")
    options = parser.parse_args()
    with ModelServer(Script(options.command, options.final), options.log, options.model) as server:
        print(server.url, flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
