"""Read scanner results in SARIF 2.1.0 (semgrep, CodeQL, bandit, ...) into FindingRecords.

`read_sarif(path)` parses the file with orjson and turns every result of every run into a
`FindingRecord` of kind "risk" with source "sarif:<tool name, lowercased>". Bad content never
raises: invalid JSON, an object that is not SARIF, or a result that lacks what a finding needs
becomes a `Problem` naming the file (and the run and result index). Only a missing or unreadable
file raises `OSError`, for the caller to report.

What is read from each result:

* rule: `ruleId`, else `rule.id`, else the rule that `ruleIndex` / `rule.index` points at (in the
  driver, or in the extension named by `rule.toolComponent.index`).
* severity: the `security-severity` property (a CVSS-like score, on the result or its rule) when
  present: >= 9 critical, >= 7 high, >= 4 medium, > 0 low, 0 info. Otherwise the level (the
  result's, else the rule's `defaultConfiguration.level`, else SARIF's default "warning"):
  error -> high, warning -> medium, note -> low, none -> info.
* message: `message.text` (or markdown), else the rule's `messageStrings[message.id]`, with
  `{0}`-style placeholders filled from `message.arguments`; else the rule's short or full
  description; else the rule id.
* path and line: the first location's `artifactLocation` (`uri`, or `index` into `run.artifacts`),
  resolved against its `uriBaseId` through `run.originalUriBaseIds` when that names an absolute
  base; "file://" stripped and percent-decoding undone. A relative path stays relative (the
  matcher resolves it). `region.startLine` is the line.
* ts: the run's `invocations[0].endTimeUtc` (else `startTimeUtc`) as canonical UTC, else None;
  the caller falls back to the file's modification time.

Results with `kind` "pass" or "notApplicable" are not findings and are skipped; results that are
suppressed (an accepted suppression and none under review or rejected) are skipped and counted.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard
from urllib.parse import unquote, urljoin, urlsplit

from lessonloop.core import json_codec
from lessonloop.core.records import FindingRecord, Problem
from lessonloop.core.timestamps import normalize_timestamp

MAX_SARIF_BYTES = 100 * 1024 * 1024  # larger files are refused with a Problem
MAX_MESSAGE_CHARS = 2000

_LEVEL_SEVERITY = {"error": "high", "warning": "medium", "note": "low", "none": "info"}
_NOT_FINDINGS = frozenset({"pass", "notApplicable"})
_PLACEHOLDER = re.compile(r"\{(\d+)\}")
_WINDOWS_DRIVE = re.compile(r"^/[A-Za-z]:/")
_MAX_BASE_DEPTH = 8  # uriBaseId chains longer than this are treated as unresolvable


@dataclass(slots=True)
class SarifRead:
    """What one SARIF file yielded: findings, problems, and how many results were suppressed."""

    findings: list[FindingRecord] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    suppressed: int = 0


class _BadResult(Exception):
    """A result that cannot become a finding; its message is the Problem's detail."""


@dataclass(frozen=True, slots=True)
class _Run:
    """What the results of one run share: tool name, rules, base URIs, artifacts, time."""

    index: int
    source: str
    driver_rules: list[Any]
    extension_rules: list[list[Any]]
    base_uris: Mapping[str, Any]
    artifacts: list[Any]
    ts: str | None


def read_sarif(path: str) -> SarifRead:
    """Read the SARIF file at `path`; raises OSError only when the file cannot be read."""
    out = SarifRead()
    size = os.stat(path).st_size
    if size > MAX_SARIF_BYTES:
        out.problems.append(Problem(path, None, "sarif-too-large", f"{size:,} bytes: larger than {MAX_SARIF_BYTES:,}"))
        return out
    with open(path, "rb") as handle:
        data = handle.read()
    document = _parse_document(path, data, out.problems)
    if document is None:
        return out
    runs = document["runs"]
    for run_index, run in enumerate(runs):
        if not isinstance(run, dict):
            out.problems.append(Problem(path, None, "sarif-bad-run", f"run {run_index}: not an object"))
            continue
        _read_run(path, _run_context(run_index, run), run.get("results"), out)
    return out


def _parse_document(path: str, data: bytes, problems: list[Problem]) -> dict[str, Any] | None:
    """The SARIF log object, or None (with a Problem) when `data` is not one."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        document = json_codec.loads(data)
    except json_codec.JSONDecodeError as exc:
        problems.append(Problem(path, None, "sarif-invalid-json", f"not valid JSON: {exc}"))
        return None
    if not isinstance(document, dict) or not isinstance(document.get("runs"), list):
        problems.append(Problem(path, None, "sarif-not-sarif", "not a SARIF log: no 'runs' list"))
        return None
    version = document.get("version")
    if version != "2.1.0":
        problems.append(Problem(path, None, "sarif-version", f"SARIF version {version!r}, read as 2.1.0", "notice"))
    return document


def _run_context(index: int, run: Mapping[str, Any]) -> _Run:
    tool = _obj(run.get("tool"))
    driver = _obj(tool.get("driver"))
    name = driver.get("name")
    extensions = [_obj(ext) for ext in _list(tool.get("extensions"))]
    return _Run(
        index=index,
        source=f"sarif:{name.strip().lower() if isinstance(name, str) and name.strip() else 'unknown'}",
        driver_rules=_list(driver.get("rules")),
        extension_rules=[_list(ext.get("rules")) for ext in extensions],
        base_uris=_obj(run.get("originalUriBaseIds")),
        artifacts=_list(run.get("artifacts")),
        ts=_run_time(run),
    )


def _run_time(run: Mapping[str, Any]) -> str | None:
    invocations = _list(run.get("invocations"))
    if not invocations:
        return None
    first = _obj(invocations[0])
    return normalize_timestamp(first.get("endTimeUtc")) or normalize_timestamp(first.get("startTimeUtc"))


def _read_run(path: str, run: _Run, results: object, out: SarifRead) -> None:
    if results is None:
        return
    if not isinstance(results, list):
        out.problems.append(Problem(path, None, "sarif-bad-run", f"run {run.index}: 'results' is not a list"))
        return
    for result_index, result in enumerate(results):
        try:
            if not isinstance(result, dict):
                raise _BadResult("not an object")
            if result.get("kind") in _NOT_FINDINGS:
                continue
            if _is_suppressed(result):
                out.suppressed += 1
                continue
            out.findings.append(_finding(run, result))
        except _BadResult as exc:
            detail = f"run {run.index}, result {result_index}: {exc}"
            out.problems.append(Problem(path, None, "sarif-bad-result", detail))


def _finding(run: _Run, result: Mapping[str, Any]) -> FindingRecord:
    rule = _rule_object(run, result)
    rule_id = _rule_id(result, rule)
    path, line = _location(run, result.get("locations"))
    return FindingRecord(
        source=run.source,
        kind="risk",
        rule=rule_id,
        severity=_severity(result, rule),
        path=path,
        line=line,
        message=_message(result.get("message"), rule, rule_id),
        ts=run.ts,
    )


# --- rules -------------------------------------------------------------------------------------


def _rule_object(run: _Run, result: Mapping[str, Any]) -> Mapping[str, Any]:
    """The reportingDescriptor the result points at (by index, else by id); {} when none."""
    reference = _obj(result.get("rule"))
    rules = _component_rules(run, reference)
    index = result.get("ruleIndex", reference.get("index"))
    if _is_index(index) and index < len(rules):
        return _obj(rules[index])
    wanted = result.get("ruleId") or reference.get("id")
    if isinstance(wanted, str):
        for candidate in rules:
            if isinstance(candidate, dict) and candidate.get("id") == wanted:
                return candidate
    return {}


def _component_rules(run: _Run, reference: Mapping[str, Any]) -> list[Any]:
    """The rules of the tool component a rule reference names (the driver by default)."""
    component = _obj(reference.get("toolComponent"))
    index = component.get("index")
    if _is_index(index) and index < len(run.extension_rules):
        return run.extension_rules[index]
    return run.driver_rules


def _rule_id(result: Mapping[str, Any], rule: Mapping[str, Any]) -> str:
    reference = _obj(result.get("rule"))
    for candidate in (result.get("ruleId"), reference.get("id"), rule.get("id")):
        if isinstance(candidate, str) and candidate:
            return candidate
    raise _BadResult("no rule: no ruleId, rule.id, or resolvable rule index")


# --- severity ----------------------------------------------------------------------------------


def _severity(result: Mapping[str, Any], rule: Mapping[str, Any]) -> str:
    score = _security_severity(result) or _security_severity(rule)
    if score is not None:
        return _score_severity(score)
    level = result.get("level")
    if level not in _LEVEL_SEVERITY:
        level = _obj(rule.get("defaultConfiguration")).get("level")
    if level not in _LEVEL_SEVERITY:
        kind = result.get("kind")
        level = "warning" if kind in (None, "fail") else "none"
    return _LEVEL_SEVERITY[str(level)]


def _security_severity(holder: Mapping[str, Any]) -> float | None:
    value = _obj(holder.get("properties")).get("security-severity")
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    try:
        score = float(value)
    except ValueError:
        return None
    return score if 0.0 <= score <= 10.0 else None


def _score_severity(score: float) -> str:
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    if score > 0.0:
        return "low"
    return "info"


# --- message -----------------------------------------------------------------------------------


def _message(raw: object, rule: Mapping[str, Any], rule_id: str) -> str:
    message = _obj(raw)
    arguments = [str(arg) for arg in _list(message.get("arguments"))]
    text = _text_of(message)
    if text is None and isinstance(message.get("id"), str):
        text = _text_of(_obj(_obj(rule.get("messageStrings")).get(message["id"])))
    if text is None:
        text = _text_of(_obj(rule.get("shortDescription"))) or _text_of(_obj(rule.get("fullDescription")))
    if text is None:
        text = rule_id
    return _fill_placeholders(text, arguments)[:MAX_MESSAGE_CHARS]


def _text_of(message: Mapping[str, Any]) -> str | None:
    for key in ("text", "markdown"):
        value = message.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _fill_placeholders(text: str, arguments: list[str]) -> str:
    if not arguments:
        return text

    def fill(match: re.Match[str]) -> str:
        position = int(match.group(1))
        return arguments[position] if position < len(arguments) else match.group(0)

    return _PLACEHOLDER.sub(fill, text)


# --- location ----------------------------------------------------------------------------------


def _location(run: _Run, locations: object) -> tuple[str | None, int | None]:
    """Path and start line of the first location; (None, None) when the result has none."""
    found = _list(locations)
    if not found:
        return None, None
    physical = _obj(_obj(found[0]).get("physicalLocation"))
    artifact = _obj(physical.get("artifactLocation"))
    line = _obj(physical.get("region")).get("startLine")
    return _artifact_path(run, artifact), line if _is_index(line) and line >= 1 else None


def _artifact_path(run: _Run, artifact: Mapping[str, Any]) -> str | None:
    uri = artifact.get("uri")
    base_id = artifact.get("uriBaseId")
    index = artifact.get("index")
    if not isinstance(uri, str) and _is_index(index) and index < len(run.artifacts):
        listed = _obj(_obj(run.artifacts[index]).get("location"))
        uri, base_id = listed.get("uri"), base_id or listed.get("uriBaseId")
    if not isinstance(uri, str) or not uri:
        return None
    resolved = _resolve_uri(uri, base_id, run.base_uris, 0)
    return _uri_to_path(resolved)


def _resolve_uri(uri: str, base_id: object, bases: Mapping[str, Any], depth: int) -> str:
    """`uri` joined onto its base when the base chain ends in an absolute URI, else as given."""
    if urlsplit(uri).scheme or uri.startswith("/") or not isinstance(base_id, str) or depth > _MAX_BASE_DEPTH:
        return uri
    base = _obj(bases.get(base_id))
    base_uri = base.get("uri")
    if not isinstance(base_uri, str):
        return uri
    base_uri = _resolve_uri(base_uri, base.get("uriBaseId"), bases, depth + 1)
    if not (urlsplit(base_uri).scheme or base_uri.startswith("/")):
        return uri  # the base itself is relative: keep the path relative to the scan root
    if not base_uri.endswith("/"):
        base_uri += "/"
    return urljoin(base_uri, uri)


def _uri_to_path(uri: str) -> str:
    """A file system path for a URI: file:// stripped, percent-decoding undone."""
    parts = urlsplit(uri)
    if parts.scheme == "file":
        path = unquote(parts.path)
        return path[1:] if _WINDOWS_DRIVE.match(path) else path
    if parts.scheme and len(parts.scheme) > 1:
        return uri  # some other scheme (https, ...): not a local file; kept as written
    return unquote(uri)


# --- suppressions and small helpers ------------------------------------------------------------


def _is_suppressed(result: Mapping[str, Any]) -> bool:
    """True when some suppression is accepted and none is under review or rejected."""
    statuses = [_obj(entry).get("status", "accepted") for entry in _list(result.get("suppressions"))]
    return "accepted" in statuses and not any(status in ("underReview", "rejected") for status in statuses)


def _obj(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _is_index(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
