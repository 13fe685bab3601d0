"""Values given to anything named as a secret by what it is rather than by a key's name:

- a secret manager's command (`gh secret set`, `az keyvault secret set`, `aws secretsmanager
  create-secret`, `gcloud secrets create`, `vault kv put`, `kubectl create secret`, `fly secrets
  set`, `heroku config:set`, `doppler secrets set`, `aws ssm put-parameter`): the values of its
  `--value`, `--body`, `--secret-string`, `--data`, `--from-literal=K=V` and its `KEY=VALUE`
  arguments;
- a Kubernetes Secret (`kind: Secret` in YAML or JSON): every value under `data:` and
  `stringData:`.
"""

from __future__ import annotations

from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.secrets.token_shape import unquoted_span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

_STORE_COMMAND = LazyRegex(
    r"(?i)\b(?:secrets?[ \t]+(?:set|create|put|add|update|edit|versions[ \t]+add)|keyvault[ \t]+secret[ \t]+set"
    r"|secretsmanager[ \t]+(?:create-secret|put-secret-value|update-secret)|kv[ \t]+(?:put|patch)"
    r"|ssm[ \t]+put-parameter|create[ \t]+secret|secrets:set|config:set|config[ \t]+set)\b[^\n]*"
)
_OPTION = LazyRegex(
    r"(?:^|[ \t])--?(?:value|body|b|secret-string|secret-binary|data|string-data|from-literal|secret|payload)"
    r"(?:=|[ \t]+)(\"[^\"\n]{1,2000}\"|'[^'\n]{1,2000}'|[^\s\"';&|]{1,2000})"
)
_PAIR = LazyRegex(
    r"(?:^|[ \t])(?:--from-literal=)?[A-Za-z_][A-Za-z0-9_.\-]{0,60}=(\"[^\"\n]{1,500}\"|'[^'\n]{1,500}'|[^\s\"';&|]{1,500})"
)
_K8S_KIND = LazyRegex(r"\bkind\"?[ \t]*:[ \t]*\"?Secret\b")
_YAML_DATA = LazyRegex(r"(?m)^([ \t]*)(?:data|stringData):[ \t]*\r?\n((?:\1[ \t]+[^\n]*\r?\n?)+)")
_YAML_VALUE = LazyRegex(r"(?m)^[ \t]+[\"']?[\w.\-]+[\"']?:[ \t]*(\S[^\n]*?)[ \t]*$")
_JSON_DATA = LazyRegex(r"\"(?:data|stringData)\"[ \t]*:[ \t]*\{([^{}]{1,100000})\}")
_JSON_VALUE = LazyRegex(r"\"[^\"]{1,200}\"[ \t]*:[ \t]*\"([^\"]{1,20000})\"")


def store_command_spans(text: str, value_ok: Callable[[str], bool]) -> list[tuple[int, int, str]]:
    ok = value_ok
    out: list[tuple[int, int, str]] = []
    for command in _STORE_COMMAND.finditer(text):
        for pattern in (_OPTION, _PAIR):
            for found in pattern.finditer(text, command.start(), command.end()):
                start, end = unquoted_span(text, found.start(1), found.end(1))
                value = text[start:end]
                if "=" in value and pattern is _OPTION and not value.startswith(("{", "[")):
                    start += value.index("=") + 1  # --from-literal=key=value
                    value = text[start:end]
                if end > start and ok(value):
                    out.append((start, end, "secret-store-value"))
    return out


def k8s_secret_spans(text: str) -> list[tuple[int, int, str]]:
    if _K8S_KIND.search(text) is None:
        return []
    out: list[tuple[int, int, str]] = []
    for block in _YAML_DATA.finditer(text):
        for found in _YAML_VALUE.finditer(text, block.start(2), block.end(2)):
            start, end = unquoted_span(text, found.start(1), found.end(1))
            if end - start >= 4 and not text[start:end].startswith(("|", ">", "{{", "$")):
                out.append((start, end, "kubernetes-secret"))
    for block in _JSON_DATA.finditer(text):
        for found in _JSON_VALUE.finditer(text, block.start(1), block.end(1)):
            if found.end(1) - found.start(1) >= 4:
                out.append((found.start(1), found.end(1), "kubernetes-secret"))
    return out
