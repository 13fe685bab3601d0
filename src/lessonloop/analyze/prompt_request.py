"""What the person asked in a stored prompt: the agents' own context around it left out.

A prompt is stored as the agent wrote it in the person's place, which is not always only what
the person typed. What is left out here, by its form:

- Codex's IDE extension: `# Context from my IDE setup:` (the active file, its selection, the open
  tabs) or `# Files mentioned by the user:`, then `## My request for Codex:` and the request;
  the request alone. A context with no request line holds no request.
- Codex's IDE extension's title requests (side sessions that name a task for its list):
  "Generate a concise UI title ... Task:" and "You are a helpful assistant. You will be presented
  with a user prompt, and your job is to provide a short title ... User prompt:"; the task they
  name.
- a prompt template the agent expanded around the person's words (spec-kit's commands):
  `## User Input` and a ```text block; the block when it holds words.
- blocks the harnesses put before or after the typed text: a tag whose name has a dash or an
  underscore (Claude Code's `<system-reminder>`, `<ide_opened_file>`, `<ide_selection>`,
  Codex's `<environment_context>`, `<user_instructions>`, ...), the whole block; tags inside the
  text stay (`fix the <div>`).
- Gemini CLI's files an @-reference pulled in, from `--- Content from referenced files ---` on.

Claude Code's slash commands and their output, system reminders of their own, Codex's injected
items and OpenCode's synthetic parts are never prompts (capture stores them as other kinds).
Pure: no imports beyond `re`.
"""

from __future__ import annotations

import re

_CODEX_IDE_HEADINGS = ("# Context from my IDE setup:", "# Files mentioned by the user:", "## My request for Codex:")
_CODEX_REQUEST = re.compile(r"^## My request for Codex:[ \t]*\n?", re.MULTILINE)
_TITLE_REQUESTS = (
    (
        re.compile(r"Generate a concise UI title \(\d+-\d+ characters\) for this task\."),
        re.compile(r"^Task:[ \t]*\n", re.MULTILINE),
    ),
    (
        re.compile(
            r"You are a helpful assistant\. You will be presented with a user prompt, and your job is to provide a short title"
        ),
        re.compile(r"^User prompt:[ \t]*\n", re.MULTILINE),
    ),
)
_TEMPLATE_INPUT = re.compile(r"## User Input[ \t]*\n\s*```text[ \t]*\n(.*?)\n?```", re.DOTALL)
_LEADING_BLOCK = re.compile(r"\s*<([a-z]+[-_][a-z_-]+)\b[^>]*>.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
_CLOSING_TAG = re.compile(r"</([a-z]+[-_][a-z_-]+)\s*>\s*\Z", re.IGNORECASE)
_REFERENCED_FILES = "\n--- Content from referenced files ---"


def request_of(text: str | None) -> str:
    """The person's request in a stored prompt's text (see the module's docstring), stripped;
    "" when it holds none."""
    if not text:
        return ""
    text = _codex_request(text.lstrip())
    text = _titled_task(text)
    text = _template_input(text)
    cut = text.find(_REFERENCED_FILES)
    if cut >= 0:
        text = text[:cut]
    return _without_blocks(text).strip()


def _codex_request(text: str) -> str:
    """The request of Codex's IDE wrapper; `text` itself when it is not one."""
    if not text.startswith(_CODEX_IDE_HEADINGS):
        return text
    found = _CODEX_REQUEST.search(text)
    return text[found.end() :] if found else ""


def _titled_task(text: str) -> str:
    """The task a title request of Codex's IDE extension names; `text` itself when it is not one."""
    for opening, task in _TITLE_REQUESTS:
        if opening.match(text):
            found = task.search(text)
            return text[found.end() :] if found else text
    return text


def _template_input(text: str) -> str:
    """The person's words in an expanded template's `## User Input` block, when it holds some."""
    found = _TEMPLATE_INPUT.match(text)
    if found is None or not found.group(1).strip():
        return text
    return found.group(1)


def _without_blocks(text: str) -> str:
    """`text` without the harness's tag blocks before and after it."""
    while (found := _LEADING_BLOCK.match(text)) is not None:
        text = text[found.end() :]
    while (closing := _CLOSING_TAG.search(text)) is not None:
        opening = re.compile(rf"<{re.escape(closing.group(1))}\b[^>]*>", re.IGNORECASE)
        starts = [found.start() for found in opening.finditer(text, 0, closing.start())]
        if not starts or starts[-1] == 0:
            break
        text = text[: starts[-1]].rstrip()
    return text
