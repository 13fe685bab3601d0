"""The built-in risk rules: line rules run on the lines an edit adds (analyze/diff_risk.py reads
whole sessions with them, analyze/edit_risk.py one edit before it happens).

Stdlib only and no dataclasses or typing at import, and every regex compiled on first use: the
PreToolUse hook imports this module when the call is an edit or write (about 1 ms).

The rules see one line at a time (an SQL heredoc or a call split over lines is seen as far as one
line shows it); bandit (scanners.bandit_scan), when installed, reads whole Python statements.

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
"""

from __future__ import annotations

import re

from lessonloop.core.lazy_regex import LazyRegex

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (the hooks)
if TYPE_CHECKING:
    from collections.abc import Sequence

SEVERITIES = ("info", "low", "medium", "high", "critical")
SEVERITY_WEIGHTS: dict[str, float] = {"info": 0.05, "low": 0.15, "medium": 0.35, "high": 0.6, "critical": 0.85}

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


class RiskRule:
    """A line rule: fires when one of `keywords` is in the lowered line, `requires` (when set)
    matches, one of the patterns matches, and `unless` does not (all searched in the line).

    `languages` holds file extensions (".py"); empty means every file except prose.
    `scoped_patterns` are extra patterns read only in files of the given extensions (JS has no
    bare `exec` to flag, Python does). `skip_paths` names files the rule ignores (searched in
    the target path). Every pattern match must contain one of `keywords` (lower case): they are
    the cheap pre-check.
    """

    __slots__ = (
        "fix", "id", "keywords", "languages", "patterns", "requires", "scoped_patterns", "severity", "skip_paths",
        "title", "unless",
    )  # fmt: skip

    def __init__(
        self,
        id: str,
        title: str,
        severity: str,
        languages: frozenset[str],
        patterns: tuple[LazyRegex, ...],
        keywords: tuple[str, ...],
        fix: str,
        requires: LazyRegex | None = None,
        unless: LazyRegex | None = None,
        skip_paths: LazyRegex | None = None,
        scoped_patterns: tuple[tuple[frozenset[str], LazyRegex], ...] = (),
    ) -> None:
        self.id = id
        self.title = title
        self.severity = severity
        self.languages = languages
        self.patterns = patterns
        self.keywords = keywords
        self.fix = fix
        self.requires = requires
        self.unless = unless
        self.skip_paths = skip_paths
        self.scoped_patterns = scoped_patterns

    def __repr__(self) -> str:
        return f"RiskRule({self.id!r})"

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
