"""Count Aider chat histories (.aider.chat.history.md) from the format description alone (stdlib only).

Format (Aider-AI/aider, aider/io.py append_chat_history, user_input, tool_output; docs/agents/aider.md):
- a session starts at each "# aider chat started at <time>" line; lines before the first one are
  a session of their own when they hold a "#### " or "> " line.
- "#### " lines: what was typed (a run of them without a blank line between is one input);
  "> " lines (or ">" alone): aider's output; anything else: plain (a reply, or the rest of a
  multi-line output). Plain lines between "<<<<<<< SEARCH" and ">>>>>>> REPLACE" keep "> " lines.
- prompts: inputs that are not empty/"<blank>", not aider's own ("# Fix any errors below, if
  possible.", "# Question: ", confirmations "(Y)es/(N)o"), not commands ("/..." or "!..."), plus
  /ask /code /architect /context /help with text, once: the input right after /ask, /code,
  /architect or /context that holds the same words is aider's echo of them (Coder.run writes its
  message as an input), not a second prompt (a command typed as a unique prefix of one of
  aider's commands is that command: "/as" is /ask; an exact name wins).
- reads (the model gets the file's whole text): add ("> Added <path> to the chat", with or
  without a full stop; not "Added N lines of output to the chat." nor a URL), read_only ("> Added
  <path> to read-only files"), and an add for each file the person agreed to add: "> Add these
  files to the chat? y" (or yes, a, all) after "> <path>" lines (each path line in a row before it:
  no space, not "Tokens:"), "> Add file to the chat? (Y)es/... [Yes]: y" after its one "> <path>"
  line; never failed.
- calls: commit ("> Commit <hex sha> <message>", never failed); lint ("> ## Running: <cmd>",
  always failed); run (/run X, !X: never failed unless "^C KeyboardInterrupt" before the next
  input); git (/git X: same); test (/test X: failed when "Added N lines of output to the chat."
  or a reply follows before the next input, or interrupted); undo (/undo: failed unless a
  "> Removed: " line follows); edit_block: each SEARCH/REPLACE block of a reply (also its last
  block when a second divider closes it and no REPLACE line follows; a plain run right
  after a prompt-like input, or right before a "> Tokens: " line); its file is the nearest
  non-fence line of the 3 above its SEARCH marker (fences: ```, <source>, <code>, <pre>,
  <codeblock>, <sourcecode> and their closing tags; a fence followed by a name with "." or "/"
  names the file). A block fails when a
  "## SearchReplaceNoExactMatch: ... in <path>" line names it (the first unsettled block of that
  path, else the first unsettled), is rejected by "Skipping edits to <path>", and when "The LLM
  did not conform to the edit format." came with no block named, every unsettled block fails.
  edit_file: with no block of the turn (reset at each input and at a reply after an outcome),
  each "Applied edit to <path>" (ok) or "Skipping edits to <path>" (failed) line, and each
  "UnifiedDiffNoMatch: " / "UnifiedDiffNotUnique: " line (failed): the whole/udiff/patch formats.
- tokens: "> Tokens: N sent[, N cache write][, N cache hit|cached], N received. Cost: $X
  message|request": input = sent - write - hit, cache_creation = write, cache_read = hit, output =
  received; 2.3k = 2300, 1.2M = 1200000, "12,345" = 12345; model: the session's first
  "Model:/Main model:/Models: <name> with" line before it ("unknown" when none).

Usage: python aider_count.py FILE... (prints JSON)
"""

from __future__ import annotations

import json
import re
import sys

HEADING = "# aider chat started at "
# aider/commands.py's commands (0.4x-0.8x); a unique prefix of one runs it, an exact name wins
COMMANDS = [
    "/add",
    "/architect",
    "/ask",
    "/chat-mode",
    "/clear",
    "/clipboard",
    "/code",
    "/commit",
    "/context",
    "/copy",
    "/copy-context",
    "/diff",
    "/drop",
    "/edit",
    "/editor",
    "/editor-model",
    "/exit",
    "/git",
    "/help",
    "/lint",
    "/load",
    "/ls",
    "/map",
    "/map-refresh",
    "/model",
    "/models",
    "/multiline-mode",
    "/ok",
    "/paste",
    "/quit",
    "/read-only",
    "/reasoning-effort",
    "/report",
    "/reset",
    "/run",
    "/save",
    "/settings",
    "/test",
    "/think-tokens",
    "/tokens",
    "/undo",
    "/voice",
    "/weak-model",
    "/web",
]
# aider's fences (base_coder.py all_fences), opening and closing: fence lines are never file names
FENCES = ("```", "<sourcecode>", "</sourcecode>", "<codeblock>", "</codeblock>", "<source>", "</source>")
FENCES += ("<code>", "</code>", "<pre>", "</pre>")
HEAD = re.compile(r"^<{5,9} SEARCH\s*$")
DIVIDER = re.compile(r"^={5,9}\s*$")
UPDATED = re.compile(r"^>{5,9} REPLACE\s*$")
MODEL = re.compile(r"^(?:Main model|Models|Model): (\S+?)(?:⚡)? with ")
COMMIT = re.compile(r"^Commit [0-9a-f]{7,40} ")
ADDED = re.compile(r"^Added (\S(?:.*\S)?) to (the chat|read-only(?: files)?)\.?$")
OUTPUT_ADDED = re.compile(r"^Added \d+ lines? of output to the chat\.")
CONFIRM = re.compile(r"^Add (these files|file) to the chat\?(?:.*\]:)?\s*(\w+)$")
NUMBER = re.compile(r"([0-9][0-9,]*(?:\.[0-9]+)?)\s*([kKmM]?) (sent|cache write|cache hit|cached|received)")


def tokens(number: str, suffix: str) -> int:
    value = float(number.replace(",", ""))
    return round(value * (1000 if suffix in "kK" and suffix else 1_000_000 if suffix in ("m", "M") else 1))


def kind_of(line: str) -> str:
    if line.startswith("####") and (len(line) == 4 or line[4] == " "):
        return "U"
    if line.startswith("> ") or line.rstrip() == ">":
        return "T"
    return "R"


def sessions_of(text: str) -> list[list[str]]:
    lines = [line[:-1] if line.endswith("\r") else line for line in text.split("\n")]
    out: list[list[str]] = [[]]
    for line in lines:
        if line.startswith(HEADING):
            out.append([line])
        else:
            out[-1].append(line)
    first = out[0]
    if not any(line.startswith(("####", "> ")) for line in first):
        out = out[1:]
    return out


def count_session(lines: list[str], result: dict) -> None:
    kinds = [kind_of(line) for line in lines]
    inside = False
    for i, line in enumerate(lines):
        if inside:
            if kinds[i] == "U" or line.startswith("> Tokens: "):
                inside = False
            elif kinds[i] == "T":
                kinds[i] = "R"
            elif UPDATED.match(line):
                inside = False
        elif kinds[i] == "R" and HEAD.match(line):
            inside = True
    # groups of same-kind lines; plain groups of blank lines only are dropped
    groups: list[tuple[str, list[str]]] = []
    for line, kind in zip(lines, kinds, strict=True):
        if groups and groups[-1][0] == kind:
            groups[-1][1].append(line)
        else:
            groups.append((kind, [line]))
    groups = [g for g in groups if g[0] != "R" or any(x.strip() for x in g[1])]
    tools = result["tools"]

    def call(name: str, failed: bool) -> None:
        row = tools.setdefault(name, {"calls": 0, "errors": 0})
        row["calls"] += 1
        row["errors"] += int(failed)

    model = None
    last_input = None
    echoed = None  # the words of a /ask-like command, which aider writes again as an input
    command: dict | None = None
    blocks: list[dict] = []  # {"path", "state": None|"ok"|"bad"}
    conform_failed = named = settled = False

    def close_blocks() -> None:
        nonlocal blocks, conform_failed, named, settled
        for b in blocks:
            if b["state"] is None and conform_failed:
                b["state"] = "ok" if named else "bad"
            if b["state"] is not None:
                call("edit_block", b["state"] != "ok")
            else:
                call("edit_block", False)  # no outcome: counted, not failed
        blocks = []
        conform_failed = named = settled = False

    def close_command() -> None:
        nonlocal command
        if command is not None:
            c = command
            failed = (
                c["interrupted"] or (c["tool"] == "test" and c["failed"]) or (c["tool"] == "undo" and not c["removed"])
            )
            call(c["tool"], failed)
        command = None

    for n, (kind, group) in enumerate(groups):
        if kind == "U":
            close_blocks()
            close_command()
            text = "\n".join(x[5:].rstrip() for x in group).strip()
            first = group[0][5:].strip()
            if not text or text == "<blank>":
                last_input = None
                continue
            echo, echoed = echoed, None
            if first.startswith(("# Fix any errors below, if possible.", "# Question: ")) or echo == " ".join(
                text.split()
            ):
                last_input = "aider"
            elif re.search(r"\(Y\)es/\(N\)o", first):
                last_input = "confirm"
            elif first.startswith(("/", "!")):
                name, _, args = ("/run", "", first[1:]) if first.startswith("!") else first.partition(" ")
                args = args.strip()
                if name not in COMMANDS:  # a unique prefix runs its command
                    longer = [c for c in COMMANDS if c.startswith(name)] if len(name) > 1 else []
                    name = longer[0] if len(longer) == 1 else name
                if name in ("/ask", "/code", "/architect", "/context", "/help") and args:
                    if name != "/help":  # aider writes the words again as an input of its own
                        echoed = " ".join(text.partition(" ")[2].split())
                    last_input = "prompt"
                    result["prompts"] += 1
                    continue
                last_input = "command"
                tool = {"/run": "run", "/test": "test", "/git": "git"}.get(name)
                if tool and args:
                    command = {"tool": tool, "interrupted": False, "failed": False, "removed": False}
                elif name == "/undo":
                    command = {"tool": "undo", "interrupted": False, "failed": False, "removed": False}
            else:
                last_input = "prompt"
                result["prompts"] += 1
        elif kind == "T":
            skip_until_section = False
            for at, raw in enumerate(group):
                t = raw[2:].rstrip()
                if skip_until_section:
                    if t.startswith(("## ", "Fix lint errors", "Attempt to fix")):
                        skip_until_section = False
                    else:
                        continue
                if t.startswith("Tokens: "):
                    found: dict[str, int] = {}
                    for m in NUMBER.finditer(t):
                        label = "cache hit" if m.group(3) == "cached" else m.group(3)
                        found.setdefault(label, tokens(m.group(1), m.group(2)))
                    if "sent" in found:
                        row = result["tokens"].setdefault(
                            model or "unknown",
                            {"input": 0, "output": 0, "cache_creation": 0, "cache_read": 0, "reasoning": 0},
                        )
                        w, h = found.get("cache write", 0), found.get("cache hit", 0)
                        row["input"] += max(0, found["sent"] - w - h)
                        row["output"] += found.get("received", 0)
                        row["cache_creation"] += w
                        row["cache_read"] += h
                elif t.startswith(("Applied edit to ", "Skipping edits to ")):
                    ok = t.startswith("Applied")
                    path = t.split(" to ", 1)[1].strip()
                    settled = True
                    if not blocks:
                        call("edit_file", not ok)
                    for b in blocks:
                        if b["state"] is None and b["path"] == path:
                            b["state"] = "ok" if ok else "bad"
                elif t == "The LLM did not conform to the edit format.":
                    conform_failed = True
                elif t.startswith(("UnifiedDiffNoMatch: ", "UnifiedDiffNotUnique: ")) and not blocks:
                    call("edit_file", True)
                elif t.startswith("## SearchReplaceNoExactMatch: "):
                    conform_failed = named = True
                    m = re.match(r"^## SearchReplaceNoExactMatch: .*? in (.+)$", t)
                    path = m.group(1).strip() if m else None
                    open_ = [b for b in blocks if b["state"] is None]
                    pick = next((b for b in open_ if b["path"] == path), open_[0] if open_ else None)
                    if pick is not None:
                        pick["state"] = "bad"
                    skip_until_section = True
                elif t.startswith("## Running: "):
                    call("lint", True)
                    skip_until_section = True
                elif COMMIT.match(t):
                    call("commit", False)
                elif t == "^C KeyboardInterrupt":
                    if command is not None:
                        command["interrupted"] = True
                elif (added := ADDED.match(t)) and not OUTPUT_ADDED.match(t):
                    if "://" not in added.group(1):
                        call("add" if added.group(2) == "the chat" else "read_only", False)
                elif (confirm := CONFIRM.match(t)) and confirm.group(2).lower() in ("y", "yes", "a", "all"):
                    for back in range(at - 1, -1, -1):
                        named_path = group[back][2:].strip()
                        if not named_path or " " in named_path or "://" in named_path:
                            break
                        if named_path.startswith(("Tokens:", "Add")):
                            break
                        call("add", False)
                        if confirm.group(1) == "file":
                            break
                elif model is None and MODEL.match(t):
                    model = MODEL.match(t).group(1)  # type: ignore[union-attr]
                elif command is not None:
                    if command["tool"] == "undo" and t.startswith("Removed: "):
                        command["removed"] = True
                    if command["tool"] == "test" and re.match(r"^Added \d+ lines? of output to the chat\.", t):
                        command["failed"] = True
        else:
            prev = groups[n - 1] if n > 0 else None
            nxt = groups[n + 1] if n + 1 < len(groups) else None
            is_reply = (prev is not None and prev[0] == "U" and last_input in ("prompt", "aider")) or (
                nxt is not None and nxt[0] == "T" and nxt[1][0][2:].startswith("Tokens: ")
            )
            if not is_reply:
                continue
            if command is not None and command["tool"] == "test":
                command["failed"] = True
            if settled or conform_failed:
                close_blocks()
            path = None
            for i, line in enumerate(group):
                if not HEAD.match(line):
                    continue
                name = None
                for back in range(i - 1, max(-1, i - 4), -1):
                    s = group[back].strip()
                    if not s:
                        continue
                    fence = next((f for f in FENCES if s.startswith(f)), None)
                    if fence is not None:
                        rest = s[len(fence) :].strip()
                        if rest and ("." in rest or "/" in rest) and " " not in rest:
                            name = rest
                            break
                        continue
                    if UPDATED.match(s) or DIVIDER.match(s):
                        break
                    name = s.strip("*`#: ").strip() or None
                    break
                if name is not None:
                    path = name
                # complete only: a divider, then a REPLACE line, before another SEARCH line; or,
                # the reply's last block, a second divider and then no REPLACE and no SEARCH line
                dividers = 0
                complete = False
                cut = False
                for later in group[i + 1 :]:
                    if DIVIDER.match(later):
                        dividers += 1
                    elif dividers and UPDATED.match(later):
                        complete = True
                        break
                    elif HEAD.match(later):
                        cut = True
                        break
                if complete or (dividers >= 2 and not cut):
                    blocks.append({"path": path, "state": None})
    close_blocks()
    close_command()


def count(paths: list[str]) -> dict:
    result: dict = {"sessions": 0, "prompts": 0, "tools": {}, "tokens": {}}
    for path in paths:
        with open(path, encoding="utf-8", errors="replace") as handle:
            text = handle.read()
        for lines in sessions_of(text):
            result["sessions"] += 1
            count_session(lines, result)
    return result


if __name__ == "__main__":
    print(json.dumps(count(sys.argv[1:]), indent=2, sort_keys=True))
