"""Tokens no rule names by vendor, found by their form (secrets/token_shape.py):

- a prefixed token: a short lower-case prefix ending in `_` or `-` (`zq_live_`, `tkn_`,
  `pk-lf-`, `ntn_`), then 20 or more random letters and digits: the shape most services give
  their keys, so one rule covers the services the vendored list lacks;
- a token next to a secret's name: after a word that names a secret (key, token, secret,
  password, credential, auth, bearer) and at most a few words and a `:`/`=`/`is`, a random
  token of 16 or more characters (`my stripe key: ...`, `X-Api-Auth ...`).

Prefixes that name a hash, an id or a build artefact (sha256_, commit-, chunk-, ...) are not
keys; neither is what continues a path or a URL's path.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.token_shape import is_hex, random_token

_PREFIXED = LazyRegex(
    r"(?<![A-Za-z0-9_\-./\\:@%])([a-z][a-z0-9]{1,11}(?:[_-][a-z0-9]{1,10}){0,2}[_-])([A-Za-z0-9]{20,200})(?![A-Za-z0-9_\-])"
)
_NOT_PREFIXES = frozenset(
    {
        "sha", "sha1", "sha256", "sha512", "md5", "hash", "id", "uuid", "guid", "commit", "rev", "ref", "blob",
        "tree", "cache", "build", "run", "job", "test", "spec", "file", "img", "image", "digest", "node", "chunk",
        "asset", "module", "bundle", "style", "css", "js", "data", "base64", "b64", "tmp", "temp", "main", "index",
        "vendor", "app", "page", "layout", "component", "fig", "figure", "msg", "trace", "span", "req", "request",
        "call", "toolu", "tool", "item", "fc", "resp", "response", "chatcmpl", "cmpl", "step", "thread",
        "asst", "batch", "ft", "ftjob", "evt", "obj", "key", "block", "entry", "row", "doc", "user",
        "session", "conv", "conversation", "turn", "event", "log", "output", "input", "result", "part", "prt",
        "ses", "snap", "snapshot", "checkpoint", "ckpt", "model", "version", "v", "pr", "issue", "branch", "tag",
        "feature", "fix", "release", "hotfix", "bugfix", "chore", "docs", "refactor", "perf",
    }
)  # fmt: skip
# after one of these words: a token is a secret's value
_NAMED = LazyRegex(
    r"(?i)(?:secret|token|passw(?:or)?d|pwd|passphrase|credentials?|api[ _-]?key|access[ _-]?key|private[ _-]?key"
    r"|auth|bearer|\bkey)"
    r"(?:[\"']?[ \t]*(?:[:=]|\bis\b|\bwas\b|->|=>)[ \t]*|[ \t]+(?:[\w-]{1,20}[ \t]+){0,2}(?:[:=]|is|was|->)[ \t]*|[ \t]+)"
    r"[\"'`]?([A-Za-z0-9+/_\-]{16,300}={0,2})(?![A-Za-z0-9+/_\-])"
)


def prefixed_spans(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for found in _PREFIXED.finditer(text):
        prefix, body = found.group(1), found.group(2)
        first = prefix.rstrip("_-").split("_")[0].split("-")[0]
        if first in _NOT_PREFIXES or prefix.rstrip("_-") in _NOT_PREFIXES:
            continue
        if is_hex(body) and len(body) in (40, 64):
            continue  # a commit id or a digest after a label
        if random_token(body, 20):
            out.append((found.start(2), found.end(2), "prefixed-token"))
    return out


def named_spans(text: str) -> list[tuple[int, int, str]]:
    out: list[tuple[int, int, str]] = []
    for found in _NAMED.finditer(text):
        value = found.group(1)
        if value.startswith(("-", "/")) or "[REDACTED" in value:
            continue
        if is_hex(value) and len(value) in (40, 64):
            continue  # a commit id, a digest
        if random_token(value, 16):
            out.append((found.start(1), found.end(1), "secret-value"))
    return out
