"""Diff risk: built-in rules run on the lines an agent's edit added, and a 0..1 risk per edit.

Only added lines are read ('+' lines of the applied diff), so a risk an edit removes or merely
keeps in context is never blamed on it. Each rule is a handful of regular expressions over one
line, limited to the file types it makes sense for (from the extension of the call's target
path), behind a keyword pre-check: one Aho-Corasick pass over the lowered added text of an
edit finds the lines holding a rule's keywords, and only those lines meet its regexes (the
~250 edits of a real project, 7,000 added lines, scan in about 10 ms).
Lines longer than MAX_LINE characters (minified or generated code) are not read. Rules are
line-local: a construct split over several lines (a multi-line call, an SQL heredoc)
is seen only as far as one line shows it; bandit (scanners.bandit_scan), when installed, reads
whole Python statements.

The built-in rules and what each is after:

- ``sql-string-format``: SQL text (SELECT .. FROM, INSERT INTO, UPDATE .. SET, DELETE FROM, or
  an upper-case WHERE/VALUES/SET) built by interpolation: Python f-strings, ``%`` or
  ``.format``, ``+`` concatenation, JS template literals with ``${}``, Elixir/Ruby ``#{}``, Go
  ``Sprintf``. Parameterized queries (``execute("... WHERE id = ?", (x,))``) do not match.
- ``hardcoded-secret``: a password/secret/api key/token/private key name assigned a quoted
  literal of at least 8 secret-like characters (letters, digits, ``-+/=.:@!#$%^&*~``; a regex
  or a sentence is not a secret). Values read from env/config are not literals; public keys,
  env-var names (``"DB_PASSWORD"``), paths and URLs without credentials are skipped, as are
  placeholders (``changeme``, ``<...>``, ``xxx``, ``***``, ``[REDACTED...]``, ``${...}``,
  ``your_...``, ``example``, ``dummy``) are skipped. Test files (``test/``, ``tests/``,
  ``spec/``, ``*_test.*``, ``test_*.*``, ``*.test.*``, ``*.spec.*``, ``conftest.py``,
  ``fixtures/``) are skipped on purpose: fixture credentials are there by design, and real
  provider-format keys are redacted at ingest anyway (they then read ``[REDACTED...]``).
  A whole string literal that ingest redacted (``"[REDACTED:openai-key]"``) is a finding: the
  redaction rules recognised a real secret written into the code.
- ``eval-exec-input``: Python ``eval``/``exec`` and JS ``eval``/``new Function`` on anything but
  a plain string literal. ``ast.literal_eval``, ``model.eval()`` and ``eval("1+1")`` do not match.
- ``shell-injection``: Python ``subprocess.*`` with ``shell=True`` whose command (first
  argument) is not a plain string literal (a variable, f-string, ``%``, ``.format``, ``+``), and
  ``os.system``/``os.popen``/``subprocess.getoutput`` on a non-literal. A constant command with
  ``shell=True`` is not flagged: nothing can be injected into it (bandit reports it as low).
  The command and ``shell=True`` must be on the same line.
- ``unsafe-deserialization``: ``pickle``/``cPickle``/``dill``/``marshal``/``shelve``/
  ``jsonpickle`` loads, ``yaml.load``/``load_all``/``unsafe_load`` without a safe loader,
  ``torch.load`` without ``weights_only=True``, Ruby ``Marshal.load``, Erlang/Elixir
  ``binary_to_term`` without ``:safe``. ``yaml.safe_load`` and a round trip of the program's
  own object (``pickle.loads(pickle.dumps(x))``) do not match.
- ``tls-verify-disabled``: certificate or hostname checks turned off: ``verify=False`` on a
  line that looks like an HTTP client call (``verify`` is a common keyword elsewhere),
  ``ssl._create_unverified_context``, ``CERT_NONE`` assigned or passed (not compared),
  ``check_hostname = False``,
  ``NODE_TLS_REJECT_UNAUTHORIZED=0``, ``rejectUnauthorized: false``,
  ``InsecureSkipVerify: true``, Erlang ``verify: :verify_none``, ``curl -k/--insecure``.
- ``weak-password-hash``: MD5 or SHA-1 applied on a line that mentions a password
  (``hashlib.md5(password...)``, ``createHash("sha1")`` near ``password``,
  ``:crypto.hash(:md5, password)``). MD5 of a file for a cache key does not match.
- ``dom-xss``: ``innerHTML``/``outerHTML`` assignment, ``insertAdjacentHTML``,
  ``document.write`` or ``dangerouslySetInnerHTML`` with anything but a string literal (a
  template literal without ``${}`` counts as a literal). ``el.textContent = x`` does not match.
- ``child-process-exec``: Node ``exec``/``execSync`` with a template literal holding ``${}`` or a
  concatenated command. ``execFile(cmd, [args])`` does not match.
- ``elixir-code-eval``: ``Code.eval_string``/``eval_quoted``/``eval_file``/``compile_string`` on
  anything but a plain literal (piped input counts as non-literal).
- ``elixir-os-cmd``: ``:os.cmd`` or ``System.shell`` with a non-literal or interpolated
  command, and ``System.cmd("sh", ["-c", ...])`` with a non-literal script. ``System.cmd`` with
  an argument list runs no shell and does not match.
- ``elixir-raw-html``: Phoenix ``raw(...)`` / ``raw @x`` on anything but a string literal:
  it turns off HTML escaping.
- ``elixir-string-to-atom``: ``String.to_atom``/``List.to_atom``/``binary_to_atom`` on
  non-literals (atoms are never garbage collected: unbounded input exhausts the atom table).
  Values from ``System.get_env``/``Application`` config are skipped. Low severity.
- ``ruby-shell-interpolation``: Ruby ``system``/``exec``/``spawn``/``IO.popen``/``Open3`` or
  backticks/``%x`` with ``#{}`` interpolation in the command string.

Ecto ``fragment("...#{x}")`` has no rule: Ecto rejects interpolation there at compile time.
Raw SQL through ``Repo.query("...#{x}")`` is covered by ``sql-string-format``.

Risk of one edit (``diff_risk``)::

    risk = 1 - prod(1 - w(severity) for each finding)
    w: info 0.05, low 0.15, medium 0.35, high 0.6, critical 0.85

Read it as "the chance that at least one finding is real", each finding independently real
with probability w. It is 0 with no findings, lies in [0, 1), and is monotone: adding a
finding, or raising any finding's severity, never lowers it (every factor 1 - w is in (0, 1]
and shrinks as w grows). It approaches 1 as findings pile up (floating point may round it to
1.0 after very many). An unknown severity counts as info.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import ahocorasick_rs

from lessonloop.analyze.diff_files import file_diffs
from lessonloop.analyze.inputs import CHANGE_KINDS, Call
from lessonloop.core.lazy_regex import LazyRegex
from lessonloop.core.records import FindingRecord

SEVERITIES = ("info", "low", "medium", "high", "critical")
SEVERITY_WEIGHTS: dict[str, float] = {"info": 0.05, "low": 0.15, "medium": 0.35, "high": 0.6, "critical": 0.85}

SCANNED_KINDS = CHANGE_KINDS  # edits and writes of every agent
MAX_TEXT = 200
MAX_LINE = 5000  # longer added lines (minified or generated code) are not read by the rules

# File types, by lower-cased extension (see `file_extension`).
PYTHON = frozenset({".py", ".pyw", ".ipynb"})
JAVASCRIPT = frozenset(
    {".js", ".jsx", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".vue", ".svelte", ".astro", ".html", ".htm"}
)
ELIXIR = frozenset({".ex", ".exs", ".heex", ".eex", ".leex", ".sface"})
RUBY = frozenset({".rb", ".rake", ".erb", ".gemspec"})
# Files no rule with `languages` empty ("every file") reads: prose quotes code, it does not run it.
PROSE_EXTENSIONS = frozenset({".md", ".markdown", ".mdx", ".rst", ".txt", ".adoc", ".org"})

_TEST_PATH = LazyRegex(
    r"(?:^|/)(?:tests?|spec|specs|__tests__|fixtures?|testdata)/"
    r"|(?:^|/)(?:test_[^/]*|[^/]*_test\.\w+|[^/]*\.(?:test|spec)\.\w+|conftest\.py)$",
    re.IGNORECASE,
)

# A plain string literal (no interpolation) in Python: optional r/b/u prefix, never f.
_PY_LIT = (
    r"[rRbBuU]{0,2}(?:"
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*')"
)
# A JS literal: quoted string or a template literal without ${} (open at end of line counts).
_JS_LIT = r"""(?:"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\$]|\\.|\$(?!\{))*(?:`|$))"""
# An Elixir string or charlist without #{} interpolation.
_EX_LIT = r"""(?:"(?:[^"\\#\n]|\\.|\#(?!\{))*"|'(?:[^'\\#\n]|\\.|\#(?!\{))*'|~c"(?:[^"\\#\n]|\\.|\#(?!\{))*")"""
# What may follow a literal argument that ends it: another argument, the call's end, end of line.
_ARG_END = r"\s*(?:[,)\]]|$)"


def _re(pattern: str) -> LazyRegex:
    return LazyRegex(pattern)  # compiled when a line first needs it


@dataclass(frozen=True, slots=True)
class RiskRule:
    """A line rule: fires when one of `keywords` is in the lowered line, `requires` (when set)
    matches, one of the patterns matches, and `unless` does not (all searched in the line).

    `languages` holds file extensions (".py"); empty means every file except prose.
    `scoped_patterns` are extra patterns read only in files of the given extensions (JS has no
    bare `exec` to flag, Python does). `skip_paths` names files the rule ignores (searched in
    the target path). Every pattern match must contain one of `keywords` (lower case): they are
    the cheap pre-check.
    """

    id: str
    title: str
    severity: str
    languages: frozenset[str]
    patterns: tuple[LazyRegex, ...]
    keywords: tuple[str, ...]
    fix: str
    requires: LazyRegex | None = None
    unless: LazyRegex | None = None
    skip_paths: LazyRegex | None = None
    scoped_patterns: tuple[tuple[frozenset[str], LazyRegex], ...] = ()

    def applies_to(self, extension: str, path: str | None) -> bool:
        if self.languages:
            if extension not in self.languages:
                return False
        elif extension in PROSE_EXTENSIONS:
            return False
        return not (self.skip_paths is not None and path is not None and self.skip_paths.search(path))

    def patterns_for(self, extension: str) -> tuple[LazyRegex, ...]:
        """The patterns read in a file with this extension."""
        if not self.scoped_patterns:
            return self.patterns
        return self.patterns + tuple(p for exts, p in self.scoped_patterns if extension in exts)

    def matches(self, line: str, patterns: Sequence[LazyRegex] | None = None) -> bool:
        """Whether the (original case) line is a finding; `patterns` defaults to all unscoped."""
        if self.requires is not None and not self.requires.search(line):
            return False
        if not any(p.search(line) for p in (self.patterns if patterns is None else patterns)):
            return False
        return not (self.unless is not None and self.unless.search(line))


# SQL text on the line. No leading \b or (?i): each branch starts with a literal character so
# the regex engine skips quickly to candidate positions (this runs on every candidate line).
_SQL_SHAPE = _re(
    r"SELECT\b.+?\bFROM\b|WHERE\b|VALUES\s*\(|SET\s+\w+\s*=|INSERT\s+(?:OR\s+\w+\s+)?INTO\b"
    r"|UPDATE\s+[\w.\"`\[\]]+\s+SET\b|DELETE\s+FROM\b"
    r"|select\s+(?:\*|[\w.]+(?:\s*,\s*[\w.]+)*)\s+from\s+[\w.\"`]+|insert\s+(?:or\s+\w+\s+)?into\s+[\w.\"`]+"
    r"|update\s+[\w.\"`]+\s+set\s|delete\s+from\s+[\w.\"`]+"
)

SQL_STRING_FORMAT = RiskRule(
    id="sql-string-format",
    title="SQL built by string interpolation",
    severity="high",
    languages=frozenset(),
    patterns=(
        _re(r"""(?<![\w])(?i:rf|fr|f)(["'])(?:(?!\1).)*\{[^{}]*\}"""),  # Python f-string with a field
        _re(r"""["'](?:\s+%\s*|%\s+)[\w(\[{]|["']\s*\.format\s*\("""),  # "..." % x  /  "...".format(x)
        _re(r"""["'`]\s*(?:\+|<>)\s*[\w(@]|[\w)\]]\s*(?:\+|<>)\s*["'`]"""),  # "..." + x, x <> "..."
        _re(r"`[^`]*\$\{"),  # JS template literal with ${}
        _re(r'"[^"]*#\{'),  # Elixir / Ruby "#{}"
        _re(r"\b(?:Sprintf|format!|String\.format)\s*\("),  # Go / Rust / Java formatting
    ),
    keywords=("select", "insert", "update", "delete", "where", "values", "set"),  # lowered SQL shape words
    requires=_SQL_SHAPE,
    fix="Use parameterized queries (placeholders such as ?, $1, %s passed separately, or Ecto ^pins); never splice values into SQL text.",
)

_SECRET_NAME = (
    r"(?i:(?:passw(?:or)?d|passwd|pwd|secret|api[_-]?key|apikey|access[_-]?key|private[_-]?key"
    r"|token|credentials?)(?:[_-]?(?:key|base|value|str|string)){0,2})"
)
# Values that are not secrets: placeholders, env-var names, paths, URLs without credentials.
_NOT_A_SECRET = (
    r"(?i:change[_-]?me|<[^>]*>|x{3,}[^\"']*|\*{3,}[^\"']*|\[REDACTED[^\"']*|\$\{[^}]*\}|\{\{[^}]*\}\}"
    r"|your[_-][^\"']*|example[^\"']*|dummy[^\"']*|placeholder[^\"']*|%\([^)]*\)s|\#\{[^}]*\}"
    r"|https?://[^\"'@]*)|[A-Z][A-Z0-9_]+|[/.~][^\"']*"
)
HARDCODED_SECRET = RiskRule(
    id="hardcoded-secret",
    title="Hard-coded secret",
    severity="high",
    languages=frozenset(),
    patterns=(
        _re(
            _SECRET_NAME + r"""["']?"""
            r"""\s*(?:(?::\s*[\w.\[\]| ]+?\s*)?(?<![=!<>])=(?![=~>])|:=|=>|:)\s*"""
            r"""[rRbBuU]{0,2}(["'])(?!(?:""" + _NOT_A_SECRET + r""")\1)[\w\-+/=.:@!#$%^&*~]{8,}\1"""
        ),
        # A string literal that ingest redacted: a real secret was written into the code.
        _re(r"""(["'`])\[REDACTED:[\w-]+\]\1"""),
    ),
    keywords=(
        *("pass", "pwd", "secret", "token", "credential", "[redacted:"),
        *(
            "api_key",
            "api-key",
            "apikey",
            "access_key",
            "access-key",
            "accesskey",
            "private_key",
            "private-key",
            "privatekey",
        ),
    ),
    unless=_re(r"(?i)public[_-]?key"),
    skip_paths=_TEST_PATH,
    fix="Read the secret from the environment or a secret store at runtime; rotate it if it was ever committed.",
)

_NOT_LITERAL_ARG = r"(?!\s*\))(?!\s*(?:" + _PY_LIT + "|" + _JS_LIT + ")" + _ARG_END + ")"
EVAL_EXEC_INPUT = RiskRule(
    id="eval-exec-input",
    title="eval/exec on a non-literal",
    severity="high",
    languages=PYTHON | JAVASCRIPT,
    patterns=(_re(r"(?<![\w.$])(?<!def )(?<!function )eval\s*\(" + _NOT_LITERAL_ARG),),
    scoped_patterns=(
        (PYTHON, _re(r"(?<![\w.])(?<!def )exec\s*\(" + _NOT_LITERAL_ARG)),
        # new Function(...): every argument is code (parameter names, then the body).
        (JAVASCRIPT, _re(r"\bnew\s+Function\s*\((?!\s*\))(?!\s*(?:" + _JS_LIT + r"\s*,\s*)*" + _JS_LIT + r"\s*\))")),
    ),
    keywords=("eval", "exec", "function"),
    fix="Do not evaluate strings as code: parse data with ast.literal_eval / JSON.parse, or dispatch on a fixed table of functions.",
)

SHELL_INJECTION = RiskRule(
    id="shell-injection",
    title="Shell command built from a non-constant string",
    severity="high",
    languages=PYTHON,
    patterns=(
        _re(
            r"\b(?:subprocess\.)?(?:run|call|Popen|check_output|check_call)\s*\("
            r"(?!\s*" + _PY_LIT + r"\s*,)[^#]*\bshell\s*=\s*True\b"
        ),
        _re(
            r"\b(?:os\.(?:system|popen[234]?)|subprocess\.(?:getoutput|getstatusoutput)|commands\.getoutput)\s*\("
            r"(?!\s*" + _PY_LIT + _ARG_END + ")"
        ),
    ),
    keywords=("shell", "os.system", "os.popen", "getoutput", "getstatusoutput"),
    fix="Pass an argument list without shell=True (subprocess.run([...])), or quote every interpolated value with shlex.quote.",
)

UNSAFE_DESERIALIZATION = RiskRule(
    id="unsafe-deserialization",
    title="Unsafe deserialization",
    severity="high",
    languages=PYTHON | RUBY | ELIXIR,
    patterns=(
        # ... but not a round trip of the program's own object: pickle.loads(pickle.dumps(x)).
        _re(
            r"\b(?:c?[pP]ickle|_pickle|dill|marshal|jsonpickle)\.(?:loads?|decode|Unpickler)\s*\((?!\s*\)|\s*\w+\.dumps\()"
        ),
        _re(r"\bshelve\.open\s*\("),
        _re(r"\b(?:yaml|YAML)\.(?:load|load_all|unsafe_load|unsafe_load_all|full_load)\s*\("),
        _re(r"\btorch\.load\s*\("),
        _re(r"\b(?:pd|pandas)\.read_pickle\s*\("),
        _re(r"\bMarshal\.load\s*\("),
        _re(r"(?<![\w.])(?::erlang\.)?binary_to_term\s*\("),
    ),
    keywords=("pickle", "dill", "marshal", "shelve", "yaml", "torch.load", "binary_to_term"),
    unless=_re(
        r"Loader\s*=\s*(?:yaml\.)?C?(?:Safe|Base)Loader|\bweights_only\s*=\s*True|\[\s*:safe\s*\]|\bYAML\.safe_load"
    ),
    fix="Deserialize untrusted data only with a safe format or loader (json, yaml.safe_load, weights_only=True, binary_to_term(bin, [:safe])).",
)

TLS_VERIFY_DISABLED = RiskRule(
    id="tls-verify-disabled",
    title="TLS certificate verification disabled",
    severity="medium",
    languages=frozenset(),
    patterns=(
        # verify=False is a common keyword: only on a line that looks like an HTTP client call.
        _re(
            r"^(?=.*(?:requests|httpx|aiohttp|urllib|[Ss]ession|[Cc]lient|url|https?\b|\.(?:get|post|put|patch|delete"
            r"|head|request|send|stream)\s*\()).*\bverify\s*=\s*False\b"
        ),
        _re(r"\bssl\._create_unverified_context\b"),
        _re(r"(?<![=!<>])=\s*[\"']?(?:ssl\.)?CERT_NONE\b"),  # assigned or passed, not compared
        _re(r"\bcheck_hostname\s*=\s*False\b"),
        _re(r"""NODE_TLS_REJECT_UNAUTHORIZED["']?\s*[=:]\s*["']?0\b"""),
        _re(r"""["']?rejectUnauthorized["']?\s*[:=]\s*false\b"""),
        _re(r"\bInsecureSkipVerify\s*:\s*true\b"),
        _re(r"\bverify:\s*:verify_none\b"),
        _re(r"\bcurl\b[^|;&#]*\s(?:-k|--insecure)\b"),
    ),
    keywords=(
        "verify",
        "unverified",
        "cert_none",
        "check_hostname",
        "reject_unauthorized",
        "rejectunauthorized",
        "insecure",
        "curl",
    ),
    fix="Keep certificate and hostname verification on; point the client at the right CA bundle instead.",
)

WEAK_PASSWORD_HASH = RiskRule(
    id="weak-password-hash",
    title="MD5/SHA-1 used on a password",
    severity="high",
    languages=frozenset(),
    patterns=(
        _re(r"\bhashlib\.(?:md5|sha1)\s*\("),
        _re(r"""\bhashlib\.new\s*\(\s*["'](?i:md5|sha1)["']"""),
        _re(r"""\bcreateHash\s*\(\s*["'](?i:md5|sha1)["']"""),
        _re(r":crypto\.hash\s*\(\s*:(?:md5|sha)\b"),
        _re(r"\b(?:Digest::(?:MD5|SHA1)|MessageDigest\.getInstance\(\s*\"(?:MD5|SHA-?1)\")"),
        _re(r"\b(?:md5|sha1)\s*\("),
    ),
    keywords=("md5", "sha1", ":sha", "sha-1"),
    requires=_re(r"(?i)passw(?:or)?d|passwd|passphrase|\bpwd\b"),
    fix="Hash passwords with a slow salted KDF: bcrypt, scrypt, argon2 (argon2_elixir, bcrypt_elixir) or PBKDF2.",
)

DOM_XSS = RiskRule(
    id="dom-xss",
    title="HTML injected into the DOM from a non-literal",
    severity="medium",
    languages=JAVASCRIPT,
    patterns=(
        _re(r"\.(?:innerHTML|outerHTML)\s*\+?=(?!=)(?!\s*" + _JS_LIT + r"\s*;?\s*(?://.*)?$)"),
        _re(r"\.insertAdjacentHTML\s*\(\s*[^,]+,(?!\s*" + _JS_LIT + r"\s*\))"),
        _re(r"\bdocument\.write(?:ln)?\s*\((?!\s*" + _JS_LIT + r"\s*\))"),
        _re(r"\bdangerouslySetInnerHTML\s*=\s*\{\{\s*__html\s*:(?!\s*" + _JS_LIT + r"\s*\}\})"),
    ),
    keywords=("innerhtml", "outerhtml", "insertadjacenthtml", "document.write"),
    fix="Set text with textContent, build nodes with createElement, or sanitize the HTML (DOMPurify) before inserting it.",
)

CHILD_PROCESS_EXEC = RiskRule(
    id="child-process-exec",
    title="child_process exec with an interpolated command",
    severity="high",
    languages=JAVASCRIPT,
    patterns=(
        _re(
            r"(?:\b(?:child_process|childProcess|cp)\.|(?<![\w.$]))(?:exec|execSync)\s*\("
            r"\s*(?:`[^`]*\$\{|[^,)]*?\+)"
        ),
    ),
    keywords=("exec",),
    fix="Use execFile/spawn with an argument array (no shell), or validate and quote each value.",
)

ELIXIR_CODE_EVAL = RiskRule(
    id="elixir-code-eval",
    title="Elixir code evaluated from a non-literal",
    severity="high",
    languages=ELIXIR,
    patterns=(
        _re(
            r"\bCode\.(?:eval_string|eval_quoted|eval_file|compile_string|compile_quoted)\b"
            r"(?!\s*\(?\s*" + _EX_LIT + _ARG_END + ")"
        ),
    ),
    keywords=("code.eval", "code.compile"),
    fix="Do not evaluate strings as code; parse data (Jason, Code.string_to_quoted with checks) or dispatch on a fixed set of functions.",
)

ELIXIR_OS_CMD = RiskRule(
    id="elixir-os-cmd",
    title="Shell command built from a non-constant string (Elixir)",
    severity="high",
    languages=ELIXIR,
    patterns=(
        _re(r":os\.cmd\b(?!\s*\(?\s*" + _EX_LIT + _ARG_END + ")"),
        _re(r"\bSystem\.shell\b(?!\s*\(?\s*" + _EX_LIT + _ARG_END + ")"),
        _re(r"""\bSystem\.cmd\s*\(\s*"(?:ba|z|da)?sh"\s*,\s*\[\s*"-c"\s*,(?!\s*""" + _EX_LIT + r"\s*\])"),
    ),
    keywords=(":os.cmd", "system.shell", "system.cmd"),
    fix="Use System.cmd(executable, [args]) with an argument list (no shell); never interpolate into a shell string.",
)

ELIXIR_RAW_HTML = RiskRule(
    id="elixir-raw-html",
    title="Phoenix raw() on a non-literal (HTML escaping off)",
    severity="medium",
    languages=ELIXIR,
    patterns=(
        _re(r"(?<![\w.:])(?:Phoenix\.HTML\.)?raw\s*\((?!\s*" + _EX_LIT + r"\s*\))"),
        _re(r"(?<![\w.:])raw\s+@"),
    ),
    keywords=("raw",),
    unless=_re(r"\bdef[p]?\s+raw\b"),
    fix="Let Phoenix escape the value; if HTML is required, sanitize it first (HtmlSanitizeEx) and keep raw() to trusted markup.",
)

ELIXIR_STRING_TO_ATOM = RiskRule(
    id="elixir-string-to-atom",
    title="Atom created from a non-literal",
    severity="low",
    languages=ELIXIR,
    patterns=(
        _re(
            r"(?:\b(?:String|List)\.to_atom|:erlang\.(?:binary|list)_to_atom)\b(?!\s*\(?\s*" + _EX_LIT + _ARG_END + ")"
        ),
    ),
    keywords=("to_atom",),
    unless=_re(r"\bSystem\.(?:get_env|fetch_env!?)\b|\bApplication\.(?:get|fetch)_env"),
    fix="Use String.to_existing_atom/1 or map known strings to atoms explicitly.",
)

RUBY_SHELL_INTERPOLATION = RiskRule(
    id="ruby-shell-interpolation",
    title="Shell command with #{} interpolation (Ruby)",
    severity="high",
    languages=RUBY,
    patterns=(
        _re(r"""(?<![\w.])(?:system|exec|spawn|IO\.popen|Open3\.(?:capture[23e]?|popen[23e]?))\s*\(?\s*"[^"]*#\{"""),
        _re(r"`[^`]*#\{"),
        _re(r"%x[\(\[\{|][^)\]}|]*#\{"),
    ),
    keywords=("#{",),
    fix="Pass the command as separate arguments (system('cmd', arg)) so no shell parses it, or Shellwords.escape each value.",
)

BUILTIN_RULES: tuple[RiskRule, ...] = (
    SQL_STRING_FORMAT,
    HARDCODED_SECRET,
    EVAL_EXEC_INPUT,
    SHELL_INJECTION,
    UNSAFE_DESERIALIZATION,
    TLS_VERIFY_DISABLED,
    WEAK_PASSWORD_HASH,
    DOM_XSS,
    CHILD_PROCESS_EXEC,
    ELIXIR_CODE_EVAL,
    ELIXIR_OS_CMD,
    ELIXIR_RAW_HTML,
    ELIXIR_STRING_TO_ATOM,
    RUBY_SHELL_INTERPOLATION,
)


@dataclass(frozen=True, slots=True)
class RiskFinding:
    """One risky added line, from a built-in rule or bandit, tied to the edit that added it."""

    rule: str
    severity: str
    title: str
    path: str | None
    line: int  # line number in the new file
    text: str  # the added line, stripped, at most MAX_TEXT characters
    tool_use_id: str
    context_id: str
    seq: int
    source: str  # builtin | bandit
    fix: str

    def to_json(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": self.title,
            "path": self.path,
            "line": self.line,
            "text": self.text,
            "tool_use_id": self.tool_use_id,
            "session_id": self.context_id,
            "seq": self.seq,
            "source": self.source,
            "fix": self.fix,
        }

    def to_record(self, ts: str | None = None) -> FindingRecord:
        """As a stored finding (kind "risk") of the edit's agent context."""
        return FindingRecord(
            source=self.source,
            kind="risk",
            rule=self.rule,
            severity=self.severity,
            path=self.path,
            line=self.line,
            message=f"{self.title}: {self.text}",
            ts=ts,
            session_id=self.context_id,
            tool_use_id=self.tool_use_id,
        )


# Both start with a literal "\n" so the regex engine can jump between candidates.
_HUNK_HEADER = re.compile(r"\n@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@[^\n]*")
_ADDED_RUN = re.compile(r"\n\+[^\n]*(?:\n\+[^\n]*)*")  # consecutive '+' lines, each after its "\n"


def added_lines(diff: str) -> list[tuple[int, str]]:
    """(new-file line number, text) of every '+' line of the diff's hunks.

    Each "@@ -a,b +c,d @@" header starts the new-file counter at c; context lines advance it,
    '-' lines do not. A hunk ends when its b old and d new lines are used up, so file headers
    ("---", "+++", "diff --git") before or between hunks are never taken for content.
    """
    out: list[tuple[int, str]] = []
    for line_no, run in _added_runs(diff):
        out.extend(enumerate(run[1:].split("\n+"), line_no))
    return out


def _added_runs(diff: str) -> list[tuple[int, str]]:
    """Runs of consecutive added lines: (new-file line number of the first, the run's '+' lines
    joined by "\n"). A well-formed hunk is cut into runs by regex and str.count (no loop over
    its lines in Python); one whose lines do not add up to its counts is read line by line."""
    text = "\n" + diff  # every line, the first too, now follows a "\n"
    runs: list[tuple[int, str]] = []
    headers = list(_HUNK_HEADER.finditer(text))
    for index, header in enumerate(headers):
        begin = header.end()  # the body: the lines starting after each "\n" in text[begin:end]
        if index + 1 < len(headers):
            end = headers[index + 1].start()
        else:
            end = len(text) - 1 if text.endswith("\n") else len(text)
        if end <= begin:
            continue
        old_count, start, new_count = header.groups()
        old = 1 if old_count is None else int(old_count)
        new = 1 if new_count is None else int(new_count)
        mark = len(runs)
        if not _runs_of_hunk(text, begin, end, int(start), old, new, runs):
            del runs[mark:]
            _runs_by_counts(text[begin + 1 : end].split("\n"), int(start), old, new, runs)
    return runs


def _runs_of_hunk(
    text: str, begin: int, end: int, line_no: int, old: int, new: int, runs: list[tuple[int, str]]
) -> bool:
    """Append the runs of the hunk body text[begin:end]; the lines between runs are only
    counted. False when the body's lines do not add up to the hunk's counts exactly (file
    headers or trailing text in it) or it has carriage returns."""
    if text.find("\r", begin, end) != -1:
        return False
    has_notes = text.find("\n\\", begin, end) != -1  # "\ No newline at end of file"
    context = removed = added = 0
    done = begin  # the lines starting after a "\n" in [begin, done) are counted
    for match in _ADDED_RUN.finditer(text, begin, end):
        kept, minus = _count_between(text, done, match.start(), has_notes)
        context += kept
        removed += minus
        line_no += kept
        run = text[match.start() + 1 : match.end()]
        size = run.count("\n") + 1
        runs.append((line_no, run))
        line_no += size
        added += size
        done = match.end()
    kept, minus = _count_between(text, done, end, has_notes)
    context += kept
    removed += minus
    return context + removed == old and context + added == new


def _count_between(text: str, begin: int, end: int, has_notes: bool) -> tuple[int, int]:
    """(context lines, removed lines) starting after a "\n" in text[begin:end], where no line is added."""
    removed = text.count("\n-", begin, end)
    notes = text.count("\n\\", begin, end) if has_notes else 0
    return text.count("\n", begin, end) - removed - notes, removed


def _runs_by_counts(lines: list[str], line_no: int, old: int, new: int, runs: list[tuple[int, str]]) -> None:
    """Append the added lines (one run each) of a hunk body read line by line until its counts
    are used up."""
    for raw in lines:
        if old <= 0 and new <= 0:
            return  # past the hunk: file headers or trailing text
        first = raw[:1]
        if first == "+":
            runs.append((line_no, raw.rstrip("\r")))
            line_no += 1
            new -= 1
        elif first == "-":
            old -= 1
        elif first != "\\":  # context (a blank one may have lost its space); skip "\ No newline"
            line_no += 1
            old -= 1
            new -= 1


def file_extension(path: str | None) -> str:
    """Lower-cased extension of the path's file name (".py"); a dotfile is its own (".env")."""
    if not path:
        return ""
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name.startswith(".") and name.count(".") == 1:
        return name
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def rules_for_path(path: str | None, rules: Sequence[RiskRule] = BUILTIN_RULES) -> list[RiskRule]:
    """The rules that read a file at this path."""
    extension = file_extension(path)
    return [r for r in rules if r.applies_to(extension, path)]


@dataclass(frozen=True, slots=True)
class _AddedText:
    """An edit's added lines as one block ("\n"-joined) and where each run of them starts:
    (offset in the block, new-file line number)."""

    block: str
    offsets: list[int]
    line_numbers: list[int]

    @classmethod
    def from_runs(cls, runs: Sequence[tuple[int, str]]) -> _AddedText:
        pieces = [run[1:].replace("\n+", "\n") for _, run in runs]
        offsets: list[int] = []
        offset = 0
        for piece in pieces:
            offsets.append(offset)
            offset += len(piece) + 1
        return cls("\n".join(pieces), offsets, [line_no for line_no, _ in runs])

    @classmethod
    def from_lines(cls, lines: Sequence[tuple[int, str]]) -> _AddedText:
        return cls.from_runs([(line_no, "+" + text) for line_no, text in lines])

    def line_at(self, start: int) -> tuple[int, str]:
        """(new-file line number, text) of the block line starting at offset `start`."""
        run = bisect_right(self.offsets, start) - 1
        line_no = self.line_numbers[run] + self.block.count("\n", self.offsets[run], start)
        stop = self.block.find("\n", start)
        return line_no, self.block[start:] if stop == -1 else self.block[start:stop]


def _lowered(block: str) -> str:
    """block.lower(), keeping every offset (a few characters lower to two; those stay as is)."""
    lowered = block.lower()
    if len(lowered) == len(block):
        return lowered
    return "".join(low if len(low := char.lower()) == 1 else char for char in block)


class _KeywordIndex:
    """All keywords of a rule list in one Aho-Corasick automaton: one pass over an edit's
    lowered added text tells which rules may match on which lines."""

    def __init__(self, rules: Sequence[RiskRule]) -> None:
        self.rules = tuple(rules)
        by_keyword: dict[str, list[int]] = {}
        for index, rule in enumerate(self.rules):
            for keyword in rule.keywords:
                by_keyword.setdefault(keyword, []).append(index)
        self.keyword_rules = tuple(tuple(indexes) for indexes in by_keyword.values())
        self.empty = not by_keyword
        self.automaton: Any = None if self.empty else ahocorasick_rs.AhoCorasick(list(by_keyword))
        self._reads: dict[str, bool] = {}

    def reads(self, extension: str) -> bool:
        """Whether any rule reads files with this extension (path exclusions aside)."""
        known = self._reads.get(extension)
        if known is None:
            known = self._reads[extension] = any(r.applies_to(extension, None) for r in self.rules)
        return known

    def candidates(self, lowered: str) -> dict[int, set[int]]:
        """Rule index -> offsets of the lines of `lowered` that hold one of its keywords."""
        found: dict[int, set[int]] = {}
        if self.empty:
            return found
        for keyword, start, _end in self.automaton.find_matches_as_indexes(lowered, overlapping=True):
            line_start = lowered.rfind("\n", 0, start) + 1
            for index in self.keyword_rules[keyword]:
                found.setdefault(index, set()).add(line_start)
        return found


_BUILTIN_INDEX: list[_KeywordIndex] = []  # built on first use


def _keyword_index(rules: Sequence[RiskRule]) -> _KeywordIndex:
    if rules is not BUILTIN_RULES:
        return _KeywordIndex(rules)
    if not _BUILTIN_INDEX:
        _BUILTIN_INDEX.append(_KeywordIndex(BUILTIN_RULES))
    return _BUILTIN_INDEX[0]


def _scan(call: Call, added: _AddedText, index: _KeywordIndex, path: str | None = None) -> list[RiskFinding]:
    """Findings of the index's rules on the call's added text, in line order.

    `path` is the file the text was added to (the call's target unless a patch of several files
    says otherwise). The rules' keywords are found in one pass over the lowered text; a rule's
    regexes run only on the lines one of its keywords occurs in.
    """
    candidates = index.candidates(_lowered(added.block))
    if not candidates:
        return []
    path = path or call.target_path
    extension = file_extension(path)
    found: list[tuple[int, int, RiskFinding]] = []
    for rule_index in sorted(candidates):
        rule = index.rules[rule_index]
        if not rule.applies_to(extension, path):
            continue
        patterns = rule.patterns_for(extension)
        for start in sorted(candidates[rule_index]):
            line_no, text = added.line_at(start)
            if len(text) <= MAX_LINE and rule.matches(text, patterns):
                found.append((line_no, rule_index, _finding(rule, call, line_no, text, path)))
    found.sort(key=lambda item: (item[0], item[1]))
    return [finding for _, _, finding in found]


def _finding(rule: RiskRule, call: Call, line_no: int, text: str, path: str | None) -> RiskFinding:
    return RiskFinding(
        rule=rule.id,
        severity=rule.severity,
        title=rule.title,
        path=path,
        line=line_no,
        text=text.strip()[:MAX_TEXT],
        tool_use_id=call.id,
        context_id=call.context_id,
        seq=call.seq,
        source="builtin",
        fix=rule.fix,
    )


def scannable(call: Call) -> bool:
    """A file edit or write that succeeded and has its applied diff."""
    return call.kind in SCANNED_KINDS and call.status == "ok" and bool(call.diff)


def scan_lines(
    call: Call, lines: Sequence[tuple[int, str]], rules: Sequence[RiskRule] = BUILTIN_RULES
) -> list[RiskFinding]:
    """Run `rules` over numbered added lines of the call's file (whatever the call's tool)."""
    if not lines or not rules_for_path(call.target_path, rules):
        return []
    return _scan(call, _AddedText.from_lines(lines), _keyword_index(rules))


def scan_call(call: Call, rules: Sequence[RiskRule] = BUILTIN_RULES) -> list[RiskFinding]:
    """Built-in rule findings on the lines a successful edit added; [] for anything else."""
    return _scan_call(call, _keyword_index(rules))


def _scan_call(call: Call, index: _KeywordIndex) -> list[RiskFinding]:
    if not scannable(call) or call.diff is None:
        return []
    if call.paths or "\n+++ " in call.diff or "*** " in call.diff:  # a patch may name its files
        parts = [part for part in file_diffs(call.diff) if part.path is not None]
        if parts:
            found: list[RiskFinding] = []
            for part in parts:
                if index.reads(file_extension(part.path)):
                    runs = _added_runs(part.diff)
                    if runs:
                        found.extend(_scan(call, _AddedText.from_runs(runs), index, part.path))
            return found
    if not index.reads(file_extension(call.target_path)):
        return []
    runs = _added_runs(call.diff)
    if not runs:
        return []
    return _scan(call, _AddedText.from_runs(runs), index)


def scan_session_calls(
    calls: Iterable[Call], rules: Sequence[RiskRule] = BUILTIN_RULES
) -> dict[str, list[RiskFinding]]:
    """Findings per tool_use_id, for the calls that have any."""
    index = _keyword_index(rules)
    out: dict[str, list[RiskFinding]] = {}
    for call in calls:
        findings = _scan_call(call, index)
        if findings:
            out.setdefault(call.id, []).extend(findings)
    return out


def diff_risk(findings: Sequence[RiskFinding]) -> float:
    """1 - prod(1 - w(severity)): 0 with no findings, monotone in count and severity."""
    keep = 1.0
    for finding in findings:
        keep *= 1.0 - SEVERITY_WEIGHTS.get(finding.severity, SEVERITY_WEIGHTS["info"])
    return 1.0 - keep
