"""Diff risk: planted risky lines are found on their new-file line, safe look-alikes are not."""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass

import pytest

from lessonloop.agents.claude.reader.tools import kind_of
from lessonloop.analyze.diff_risk import (
    BUILTIN_RULES,
    MAX_LINE,
    SEVERITIES,
    SEVERITY_WEIGHTS,
    RiskFinding,
    added_lines,
    diff_risk,
    scan_call,
    scan_lines,
    scan_session_calls,
)
from lessonloop.analyze.inputs import Call
from lessonloop.scanners import bandit_scan

PLANT_AT = 12  # new-file line of the planted line in `edit` diffs


def make_call(
    path: str, diff: str, *, tool: str = "Edit", status: str | None = "ok", call_id: str = "toolu_1", seq: int = 7
) -> Call:
    return Call(
        id=call_id,
        context_id="session-1",
        seq=seq,
        ts="2025-01-01T00:00:00.000Z",
        tool=tool,
        kind=kind_of(tool),
        input={"file_path": path},
        target_path=path,
        status=status,
        diff=diff,
    )


def edit_diff(added: list[str], removed: tuple[str, ...] = ("    old = 1",)) -> str:
    """A hunk at line 10: two context lines, removed lines, the added ones, one context line."""
    body = ["     ctx_a = 1", "     ctx_b = 2"]
    body += ["-" + line for line in removed]
    body += ["+" + line for line in added]
    body += ["     ctx_c = 3"]
    return f"@@ -10,{3 + len(removed)} +10,{3 + len(added)} @@\n" + "\n".join(body) + "\n"


def edit(path: str, *added: str, status: str | None = "ok", call_id: str = "toolu_1") -> Call:
    return make_call(path, edit_diff(list(added)), status=status, call_id=call_id)


def finding(rule: str, severity: str = "high", line: int = 1, call_id: str = "toolu_1") -> RiskFinding:
    return RiskFinding(rule, severity, rule, "a.py", line, "x", call_id, "session-1", 1, "builtin", "")


@dataclass(frozen=True)
class Plant:
    rule: str
    path: str
    risky: str
    safe: str


PLANTS = [
    # sql-string-format
    Plant(
        "sql-string-format",
        "app/db.py",
        '    cursor.execute(f"SELECT * FROM users WHERE id = {user_id}")',
        '    cursor.execute("SELECT * FROM users WHERE id = ?", (user_id,))',
    ),
    Plant(
        "sql-string-format",
        "app/db.py",
        "    cur.execute(\"SELECT name FROM t WHERE id = '%s'\" % user_id)",
        "    cur.execute(\"SELECT name FROM t WHERE name LIKE '%foo%' AND id = %s\", (uid,))",
    ),
    Plant(
        "sql-string-format",
        "app/db.py",
        '    q = "DELETE FROM sessions WHERE user = {}".format(name)',
        '    msg = "Deleted {} sessions".format(n)',
    ),
    Plant(
        "sql-string-format",
        "app/db.py",
        '    sql = "UPDATE users SET name = \'" + name + "\' WHERE id = 1"',
        '    label = "Update " + name',
    ),
    Plant(
        "sql-string-format",
        "app/db.py",
        "    cursor.execute(f\"select id, name from users where name = '{name}'\")",
        '    print(f"Please select a file from {folder}")',
    ),
    Plant(
        "sql-string-format",
        "src/db.ts",
        "  await db.query(`SELECT * FROM users WHERE email = '${email}'`)",
        '  await db.query("SELECT * FROM users WHERE email = $1", [email])',
    ),
    Plant(
        "sql-string-format",
        "lib/app/stats.ex",
        "    Repo.query!(\"SELECT * FROM users WHERE name = '#{name}'\")",
        '    Repo.query!("SELECT * FROM users WHERE name = $1", [name])',
    ),
    Plant(
        "sql-string-format",
        "lib/app/stats.ex",
        '    Repo.query!("DELETE FROM events WHERE id = " <> id)',
        "    from(u in User, where: u.name == ^name, select: u.id)",
    ),
    # hardcoded-secret
    Plant("hardcoded-secret", "app/settings.py", 'API_KEY = "sk-live-4f9a8b7c6d5e"', 'API_KEY = os.environ["API_KEY"]'),
    Plant("hardcoded-secret", "app/settings.py", 'DB_PASSWORD = "Tr0ub4dor&3"', 'DB_PASSWORD = "changeme"'),
    Plant(
        "hardcoded-secret",
        "config/dev.exs",
        'secret_key_base: "[REDACTED:assigned-secret]",',
        'secret_key_base: System.get_env("SECRET_KEY_BASE"),',
    ),
    Plant(
        "hardcoded-secret",
        "config/prod.exs",
        '  password: "s3cr3t-Passw0rd",',
        '  password: System.get_env("DB_PASSWORD"),',
    ),
    Plant(
        "hardcoded-secret",
        "config/config.exs",
        '  secret_key_base: "Zq8d0Xk1Vb7LmN2pQ5rS9tUw",',
        '  secret_key_base: "<run mix phx.gen.secret>",',
    ),
    Plant("hardcoded-secret", "settings.json", '  "api_key": "AbC123xyz789QWE",', '  "api_key": "<your-api-key>",'),
    Plant(
        "hardcoded-secret",
        "src/client.ts",
        '  const token = "ghx_9f8e7d6c5b4a3210";',
        "  const token = process.env.TOKEN;",
    ),
    Plant(
        "hardcoded-secret",
        "app/settings.py",
        'token = "a1b2c3d4e5f6g7h8"',
        'token_url = "https://example.com/oauth/token"',
    ),
    Plant("hardcoded-secret", "app/settings.py", 'password: str = "hunter2hunter2"', 'password_env = "DB_PASSWORD"'),
    Plant("hardcoded-secret", "app/lexer.py", 'API_SECRET = "Zq8d0Xk1Vb7LmN2p"', r"jsonnet_token = r'[^\W\d]\w*'"),
    # eval-exec-input
    Plant("eval-exec-input", "app/calc.py", "    result = eval(user_expr)", "    result = ast.literal_eval(user_expr)"),
    Plant("eval-exec-input", "app/calc.py", "    exec(code_from_request)", '    value = eval("1+1")'),
    Plant("eval-exec-input", "app/calc.py", '    exec(f"x = {payload}")', "    model.eval()"),
    Plant("eval-exec-input", "app/calc.py", "    exec(compile(source, path, 'exec'))", '    exec("""import os""")'),
    Plant("eval-exec-input", "src/run.js", "  eval(req.body.code)", '  eval("2 + 2")'),
    Plant(
        "eval-exec-input",
        "src/run.js",
        "  const fn = new Function(body)",
        '  const fn = new Function("a", "b", "return a + b")',
    ),
    Plant("eval-exec-input", "src/run.js", '  const fn = new Function("a", body)', "  exec(cmd, callback)"),
    # shell-injection
    Plant(
        "shell-injection",
        "tools/pack.py",
        '    subprocess.run(f"tar xzf {archive}", shell=True)',
        '    subprocess.run("ls -la", shell=True)',
    ),
    Plant(
        "shell-injection",
        "tools/pack.py",
        "    subprocess.call(cmd, shell=True)",
        '    subprocess.run(["tar", "xzf", archive])',
    ),
    Plant("shell-injection", "tools/pack.py", '    os.system("rm -rf " + path)', '    os.system("clear")'),
    Plant(
        "shell-injection",
        "tools/pack.py",
        "    out = os.popen(command).read()",
        "    out = subprocess.check_output(['git', 'status'])",
    ),
    # unsafe-deserialization
    Plant(
        "unsafe-deserialization",
        "app/api.py",
        "    obj = pickle.loads(request.data)",
        "    obj = json.loads(request.data)",
    ),
    Plant("unsafe-deserialization", "app/api.py", "    cfg = yaml.load(stream)", "    cfg = yaml.safe_load(stream)"),
    Plant(
        "unsafe-deserialization", "app/api.py", "    obj = pickle.load(f)", "    copy = pickle.loads(pickle.dumps(obj))"
    ),
    Plant(
        "unsafe-deserialization",
        "app/api.py",
        "    cfg = yaml.load(stream, Loader=yaml.Loader)",
        "    cfg = yaml.load(stream, Loader=yaml.SafeLoader)",
    ),
    Plant(
        "unsafe-deserialization",
        "lib/app/cache.ex",
        "    :erlang.binary_to_term(payload)",
        "    :erlang.binary_to_term(payload, [:safe])",
    ),
    # tls-verify-disabled
    Plant(
        "tls-verify-disabled",
        "app/fetch.py",
        "    r = requests.get(url, verify=False)",
        "    r = requests.get(url, verify=True)",
    ),
    Plant(
        "tls-verify-disabled",
        "app/fetch.py",
        "    ctx = ssl._create_unverified_context()",
        "    ctx = ssl.create_default_context()",
    ),
    Plant(
        "tls-verify-disabled",
        "app/fetch.py",
        "    ctx.verify_mode = ssl.CERT_NONE",
        "    ctx.verify_mode = ssl.CERT_REQUIRED",
    ),
    Plant("tls-verify-disabled", "app/fetch.py", "    ctx.check_hostname = False", "    ctx.check_hostname = True"),
    Plant(
        "tls-verify-disabled",
        "app/fetch.py",
        '    conn.cert_reqs = "CERT_NONE"',
        "    if ctx.verify_mode != ssl.CERT_NONE:",
    ),
    Plant(
        "tls-verify-disabled",
        "app/fetch.py",
        "    client = httpx.Client(verify=False)",
        "@array_function_dispatch(_dispatcher, verify=False, module='numpy')",
    ),
    Plant(
        "tls-verify-disabled",
        "src/agent.js",
        "  const agent = new https.Agent({ rejectUnauthorized: false })",
        "  const agent = new https.Agent({ rejectUnauthorized: true })",
    ),
    Plant(
        "tls-verify-disabled",
        "scripts/dev.sh",
        "export NODE_TLS_REJECT_UNAUTHORIZED=0",
        "export NODE_TLS_REJECT_UNAUTHORIZED=1",
    ),
    Plant("tls-verify-disabled", "client/tls.go", "\t\tInsecureSkipVerify: true,", "\t\tInsecureSkipVerify: false,"),
    Plant(
        "tls-verify-disabled",
        "lib/app/http.ex",
        "      ssl: [verify: :verify_none],",
        "      ssl: [verify: :verify_peer],",
    ),
    Plant("tls-verify-disabled", "scripts/get.sh", "curl -k https://internal/api", "curl -fsSL https://internal/api"),
    # weak-password-hash
    Plant(
        "weak-password-hash",
        "app/auth.py",
        "    digest = hashlib.md5(password.encode()).hexdigest()",
        "    digest = hashlib.md5(path.read_bytes()).hexdigest()",
    ),
    Plant(
        "weak-password-hash",
        "src/auth.js",
        '  const h = crypto.createHash("sha1").update(password).digest("hex")',
        '  const h = crypto.createHash("sha256").update(password).digest("hex")',
    ),
    Plant(
        "weak-password-hash",
        "lib/app/accounts.ex",
        "    :crypto.hash(:md5, password)",
        "    :crypto.hash(:sha256, file_contents)",
    ),
    # dom-xss
    Plant("dom-xss", "src/view.js", "  el.innerHTML = userComment;", "  el.textContent = userComment;"),
    Plant("dom-xss", "src/view.js", '  el.innerHTML = "<b>" + name + "</b>";', '  el.innerHTML = "";'),
    Plant("dom-xss", "src/view.js", "  document.write(location.hash)", '  document.write("<p>hi</p>")'),
    Plant(
        "dom-xss",
        "src/view.js",
        '  el.insertAdjacentHTML("beforeend", row)',
        "  el.insertAdjacentHTML(\"beforeend\", '<hr>')",
    ),
    Plant("dom-xss", "src/view.js", "  container.innerHTML = `<p>${text}</p>`", "  container.innerHTML = `"),
    Plant(
        "dom-xss",
        "src/Post.tsx",
        "  return <div dangerouslySetInnerHTML={{ __html: post.body }} />",
        '  return <div dangerouslySetInnerHTML={{ __html: "<b>static</b>" }} />',
    ),
    # child-process-exec
    Plant(
        "child-process-exec",
        "src/git.js",
        "  exec(`git log ${branch}`, callback)",
        '  execFile("git", ["log", branch], callback)',
    ),
    Plant("child-process-exec", "src/git.ts", '  child_process.execSync("rm -rf " + dir)', '  execSync("npm install")'),
    Plant("child-process-exec", "src/git.ts", "  cp.exec('ls ' + folder)", "  const m = pattern.exec(line + suffix)"),
    # elixir-code-eval
    Plant(
        "elixir-code-eval",
        "lib/app/calc.ex",
        '    {result, _} = Code.eval_string(params["expr"])',
        '    {result, _} = Code.eval_string("1 + 1")',
    ),
    Plant(
        "elixir-code-eval", "lib/app/calc.ex", "    source |> Code.eval_string()", "    Code.string_to_quoted(source)"
    ),
    # elixir-os-cmd
    Plant("elixir-os-cmd", "lib/app/image.ex", '    :os.cmd(~c"convert #{path} out.png")', "    :os.cmd('uptime')"),
    Plant(
        "elixir-os-cmd",
        "lib/app/image.ex",
        '    System.shell("convert #{path} out.png")',
        '    System.cmd("convert", [path, "out.png"])',
    ),
    Plant(
        "elixir-os-cmd",
        "lib/app/image.ex",
        '    System.cmd("sh", ["-c", "convert #{path} out.png"])',
        '    System.cmd("sh", ["-c", "make clean"])',
    ),
    # elixir-raw-html
    Plant(
        "elixir-raw-html", "lib/app_web/show.html.heex", "      <%= raw @comment.body %>", "      <%= @comment.body %>"
    ),
    Plant("elixir-raw-html", "lib/app_web/components.ex", "      {raw(@html)}", '      {raw("<br/>")}'),
    # elixir-string-to-atom
    Plant(
        "elixir-string-to-atom",
        "lib/app_web/live/list.ex",
        '    sort = String.to_atom(params["sort"])',
        '    sort = String.to_existing_atom(params["sort"])',
    ),
    Plant(
        "elixir-string-to-atom",
        "lib/app/telemetry.ex",
        "    key |> String.to_atom()",
        '    exporter = String.to_atom(System.get_env("OTEL_EXPORTER") || "otlp")',
    ),
    Plant(
        "elixir-string-to-atom",
        "lib/app/telemetry.ex",
        "    :erlang.binary_to_atom(name, :utf8)",
        '    :erlang.binary_to_atom("ok", :utf8)',
    ),
    # ruby-shell-interpolation
    Plant(
        "ruby-shell-interpolation",
        "app/models/image.rb",
        '  system("convert #{path} out.png")',
        '  system("convert", path, "out.png")',
    ),
    Plant("ruby-shell-interpolation", "app/models/image.rb", "  out = `git log #{branch}`", "  out = `git log`"),
]


def test_planted_table_covers_every_builtin_rule() -> None:
    assert {p.rule for p in PLANTS} == {r.id for r in BUILTIN_RULES}


def test_builtin_rules_are_well_formed() -> None:
    ids = [r.id for r in BUILTIN_RULES]
    assert len(ids) == len(set(ids))
    for rule in BUILTIN_RULES:
        assert rule.severity in SEVERITIES
        assert rule.keywords and all(k == k.lower() for k in rule.keywords)
        assert rule.title and rule.fix


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: f"{p.rule}:{p.path}:{p.risky.strip()[:30]}")
def test_planted_risky_line_is_found(plant: Plant) -> None:
    findings = scan_call(edit(plant.path, "    setup = 1", plant.risky, "    teardown = 2"))
    hits = [f for f in findings if f.rule == plant.rule]
    assert [(f.rule, f.line) for f in hits] == [(plant.rule, PLANT_AT + 1)]
    hit = hits[0]
    assert hit.text == plant.risky.strip()
    assert (hit.tool_use_id, hit.context_id, hit.seq, hit.source, hit.path) == (
        "toolu_1",
        "session-1",
        7,
        "builtin",
        plant.path,
    )


@pytest.mark.parametrize("plant", PLANTS, ids=lambda p: f"{p.rule}:{p.path}:{p.safe.strip()[:30]}")
def test_planted_safe_look_alike_is_not_found(plant: Plant) -> None:
    findings = scan_call(edit(plant.path, plant.safe))
    assert [f for f in findings if f.rule == plant.rule] == []


def test_added_lines_numbers_across_two_hunks() -> None:
    diff = (
        "--- a/app.py\n"
        "+++ b/app.py\n"
        "@@ -1,3 +1,4 @@\n"
        " import os\n"
        "+import sys\n"
        " \n"
        " x = 1\n"
        "@@ -20,4 +21,5 @@ def main():\n"
        "     a = 1\n"
        "-    b = 2\n"
        "+    b = 3\n"
        "+    c = 4\n"
        " \n"
        "+++counter = 1\n"
        "\\ No newline at end of file\n"
    )
    assert added_lines(diff) == [(2, "import sys"), (22, "    b = 3"), (23, "    c = 4"), (25, "++counter = 1")]


def test_added_lines_of_a_write_and_of_file_headers_between_hunks() -> None:
    write = "@@ -0,0 +1,3 @@\n+a\n+b\n+c"
    assert added_lines(write) == [(1, "a"), (2, "b"), (3, "c")]
    two_files = "@@ -1,1 +1,2 @@\n x\n+y\n--- a/other\n+++ b/other\n@@ -5 +5 @@\n-old\n+new\n"
    assert added_lines(two_files) == [(2, "y"), (5, "new")]
    crlf = "@@ -1,1 +1,2 @@\r\n x\r\n+y\r\n"
    assert added_lines(crlf) == [(2, "y")]
    assert added_lines("") == []
    assert added_lines("not a diff\n+nothing") == []


def _reference_added_lines(diff: str) -> list[tuple[int, str]]:
    """Line by line, the obvious way (the module cuts well-formed hunks into runs instead)."""
    out: list[tuple[int, str]] = []
    line_no = old = new = 0
    for raw in diff.split("\n"):
        if raw.startswith("@@ -"):
            head = raw.split()
            old_part, new_part = head[1][1:].split(","), head[2][1:].split(",")
            old = int(old_part[1]) if len(old_part) > 1 else 1
            new = int(new_part[1]) if len(new_part) > 1 else 1
            line_no = int(new_part[0])
            continue
        if old <= 0 and new <= 0:
            continue
        if raw.startswith("+"):
            out.append((line_no, raw[1:]))
            line_no += 1
            new -= 1
        elif raw.startswith("-"):
            old -= 1
        elif not raw.startswith("\\"):
            line_no += 1
            old -= 1
            new -= 1
    return out


def _random_diff(rng: random.Random) -> str:
    parts: list[str] = []
    old_start = new_start = rng.randint(0, 5)
    for _ in range(rng.randint(1, 4)):
        body: list[str] = []
        for _ in range(rng.randint(1, 12)):
            kind = rng.choice("  +-+")
            body.append(kind + rng.choice(["x = 1", "", "+y", "-z", "@@ not a header", "  indented"]))
        if rng.random() < 0.2:
            body.append("\\ No newline at end of file")
        old = sum(1 for line in body if line[0] in " -")
        new = sum(1 for line in body if line[0] in " +")
        parts.append(f"@@ -{old_start},{old} +{new_start},{new} @@")
        parts.extend(body)
        if rng.random() < 0.2:
            parts.extend(["--- a/f", "+++ b/f"])
        old_start += old + rng.randint(1, 5)
        new_start += new + rng.randint(1, 5)
    return "\n".join(parts) + ("\n" if rng.random() < 0.5 else "")


def test_added_lines_matches_a_line_by_line_reading() -> None:
    rng = random.Random(20240601)
    for _ in range(500):
        diff = _random_diff(rng)
        assert added_lines(diff) == _reference_added_lines(diff), diff


def test_removed_risky_line_is_not_flagged() -> None:
    diff = edit_diff(["    result = 1"], removed=("    result = eval(user_expr)",))
    assert scan_call(make_call("app/calc.py", diff)) == []


def test_unsuccessful_or_non_edit_calls_give_nothing() -> None:
    risky = edit_diff(["    result = eval(user_expr)"])
    assert scan_call(make_call("app/calc.py", risky, status="error")) == []
    assert scan_call(make_call("app/calc.py", risky, status=None)) == []
    assert scan_call(make_call("app/calc.py", risky, tool="Read")) == []
    assert scan_call(make_call("app/calc.py", "")) == []
    for tool in ("Edit", "MultiEdit", "Write", "NotebookEdit"):
        assert [f.rule for f in scan_call(make_call("app/calc.py", risky, tool=tool))] == ["eval-exec-input"]


def test_rules_only_read_their_file_types() -> None:
    python_only = edit("README.md", '    os.system("rm -rf " + path)')
    assert scan_call(python_only) == []
    assert [f.rule for f in scan_call(edit("tools/x.py", '    os.system("rm -rf " + path)'))] == ["shell-injection"]
    # Rules for every file type still skip prose: docs quote risky code, they do not run it.
    assert scan_call(edit("docs/setup.md", '    password = "Tr0ub4dor&3"')) == []
    assert [f.rule for f in scan_call(edit("setup.cfg", 'password = "Tr0ub4dor&3"'))] == ["hardcoded-secret"]


def test_hardcoded_secret_skips_test_files() -> None:
    line = '    password = "Tr0ub4dor&3"'
    for path in ("tests/test_login.py", "test/support/fixtures.ex", "src/login.test.ts", "app/login_test.go"):
        assert scan_call(edit(path, line)) == [], path
    assert [f.rule for f in scan_call(edit("app/login.py", line))] == ["hardcoded-secret"]


def test_findings_keep_line_order_and_offsets_after_wide_lowercase() -> None:
    # "İ".lower() is two characters long; line offsets must not drift after it.
    call = edit("app/calc.py", '    name = "İİİİ"', "    result = eval(user_expr)", "    os.system(cmd)")
    findings = scan_call(call)
    assert [(f.rule, f.line, f.text) for f in findings] == [
        ("eval-exec-input", PLANT_AT + 1, "result = eval(user_expr)"),
        ("shell-injection", PLANT_AT + 2, "os.system(cmd)"),
    ]


def test_very_long_lines_are_not_read() -> None:
    long_line = "    result = eval(user_expr)  # " + "x" * MAX_LINE
    assert scan_call(edit("app/calc.py", long_line)) == []


def test_scan_lines_takes_numbered_lines() -> None:
    call = make_call("app/calc.py", "")
    findings = scan_lines(call, [(3, "x = 1"), (40, "y = eval(data)")])
    assert [(f.rule, f.line) for f in findings] == [("eval-exec-input", 40)]


def test_scan_session_calls_keys_by_tool_use_id() -> None:
    risky = edit("app/calc.py", "    result = eval(user_expr)", call_id="toolu_a")
    clean = edit("app/calc.py", "    result = 1", call_id="toolu_b")
    failed = edit("app/calc.py", "    result = eval(user_expr)", call_id="toolu_c", status="error")
    found = scan_session_calls([risky, clean, failed])
    assert list(found) == ["toolu_a"]
    assert found["toolu_a"][0].to_json()["tool_use_id"] == "toolu_a"
    record = found["toolu_a"][0].to_record()
    assert (record.kind, record.rule, record.session_id, record.line) == (
        "risk",
        "eval-exec-input",
        "session-1",
        PLANT_AT,
    )


def test_diff_risk_is_zero_without_findings_and_monotone() -> None:
    assert diff_risk([]) == 0.0
    previous = 0.0
    for count in range(1, 8):
        risk = diff_risk([finding("r", "medium")] * count)
        assert previous < risk < 1.0
        previous = risk
    assert diff_risk([finding("r", "high")]) == pytest.approx(SEVERITY_WEIGHTS["high"])
    # Raising any one finding's severity never lowers the risk.
    mix = ["info", "low", "medium", "high"]
    for index in range(len(mix)):
        for higher in SEVERITIES[SEVERITIES.index(mix[index]) :]:
            raised = [*mix[:index], higher, *mix[index + 1 :]]
            assert diff_risk([finding("r", s) for s in raised]) >= diff_risk([finding("r", s) for s in mix])
    weights = [SEVERITY_WEIGHTS[s] for s in SEVERITIES]
    assert weights == sorted(weights) and all(0 < w < 1 for w in weights)
    assert diff_risk([finding("r", "unknown")]) == pytest.approx(SEVERITY_WEIGHTS["info"])


def _bandit_edit() -> Call:
    diff = (
        "@@ -1,6 +1,9 @@\n"
        " import subprocess\n"
        " import yaml\n"
        " \n"
        " def run(cmd, data):\n"
        "-    pass\n"
        "+    if cmd:\n"
        "+        subprocess.call(cmd, shell=True)\n"
        "+    else:\n"
        "+        return yaml.load(data)\n"
        " \n"
        " \n"
    )
    return make_call("app/runner.py", diff, call_id="toolu_bandit", seq=42)


def test_bandit_snippet_keeps_new_file_line_numbers() -> None:
    snippet = bandit_scan.snippet_for(_bandit_edit())
    assert snippet is not None
    lines = snippet.source.split("\n")
    assert lines[5] == "    subprocess.call(cmd, shell=True)"  # line 6, dedented with its run
    assert lines[7] == "    return yaml.load(data)"
    assert sorted(snippet.lines) == [5, 6, 7, 8]


def test_bandit_snippet_skips_lines_that_do_not_parse() -> None:
    diff = "@@ -1,2 +1,4 @@\n def f(x):\n+        y = eval(x)\n+    return (\n     pass\n"
    snippet = bandit_scan.snippet_for(make_call("app/f.py", diff))
    assert snippet is not None
    assert sorted(snippet.lines) == [2]
    assert snippet.source.split("\n")[1] == "y = eval(x)"
    assert bandit_scan.snippet_for(make_call("app/f.js", diff)) is None


@pytest.mark.slow
def test_run_bandit_maps_findings_back_to_the_edit() -> None:
    pytest.importorskip("bandit")
    other = make_call("app/clean.py", "@@ -0,0 +1,1 @@\n+x = 1\n", call_id="toolu_clean")
    findings = bandit_scan.run_bandit([other, _bandit_edit()])
    assert findings is not None
    by_rule = {f.rule: f for f in findings}
    assert "bandit:B602" in by_rule  # subprocess with shell=True
    assert "bandit:B506" in by_rule  # yaml.load
    shell, yaml_load = by_rule["bandit:B602"], by_rule["bandit:B506"]
    assert (shell.tool_use_id, shell.context_id, shell.seq, shell.line) == ("toolu_bandit", "session-1", 42, 6)
    assert shell.text == "subprocess.call(cmd, shell=True)"
    assert shell.severity == "high" and shell.source == "bandit" and shell.path == "app/runner.py"
    assert (yaml_load.tool_use_id, yaml_load.line, yaml_load.severity) == ("toolu_bandit", 8, "medium")
    assert bandit_scan.run_bandit([other]) == []


@pytest.mark.slow
def test_run_bandit_returns_none_when_bandit_is_missing_or_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bandit_scan, "bandit_command", lambda: None)
    assert bandit_scan.run_bandit([_bandit_edit()]) is None
    for script in ("import sys; sys.exit(2)", "print('not json')", "import time; time.sleep(5)"):
        command = [sys.executable, "-c", script]
        monkeypatch.setattr(bandit_scan, "bandit_command", lambda command=command: command)
        assert bandit_scan.run_bandit([_bandit_edit()], timeout=2) is None, script
