"""Workflow rules: the file format, the defaults, and each rule kind's semantics on small sessions."""

from __future__ import annotations

import re

import pytest

from lessonloop.agents.claude.reader.tools import kind_of
from lessonloop.analyze.commands import command_kinds
from lessonloop.analyze.inputs import Call, Context, SessionInput
from lessonloop.analyze.workflow import (
    COMMAND_KINDS,
    DEFAULT_RULES,
    DEFAULT_RULES_TOML,
    Matcher,
    Rule,
    RuleResult,
    RulesError,
    compliance,
    evaluate,
    glob_to_regex,
    parse_rules,
    rules_from_file_text,
)
from tests.conftest import REPO_ROOT

EDIT_TOOLS = ("Edit", "MultiEdit", "Write", "NotebookEdit")


def mk(
    tool: str,
    seq: int,
    *,
    path: str | None = None,
    command: str | None = None,
    status: str | None = "ok",
    ctx: str = "s",
) -> Call:
    """A call whose time follows its line number, so line order is time order across contexts."""
    return Call(
        id=f"toolu_{ctx.replace('/', '_')}_{seq}",
        context_id=ctx,
        seq=seq,
        ts=f"2024-05-01T10:{seq // 60:02d}:{seq % 60:02d}.000Z",
        tool=tool,
        kind=kind_of(tool),
        input={},
        target_path=path,
        command=command,
        status=status,
    )


def bash(seq: int, command: str, status: str | None = "ok", ctx: str = "s") -> Call:
    return mk("Bash", seq, command=command, status=status, ctx=ctx)


def session(*calls: Call) -> SessionInput:
    contexts: dict[str, list[Call]] = {"s": []}
    for call in calls:
        contexts.setdefault(call.context_id, []).append(call)
    return SessionInput(
        id="s",
        contexts=tuple(
            Context(
                id=cid,
                kind="main" if cid == "s" else "subagent",
                parent_id=None if cid == "s" else "s",
                calls=tuple(cs),
            )
            for cid, cs in contexts.items()
        ),
    )


def default(rule_id: str) -> Rule:
    return next(rule for rule in DEFAULT_RULES if rule.id == rule_id)


def run(rule_id: str, *calls: Call) -> RuleResult:
    [result] = evaluate(session(*calls), [default(rule_id)])
    return result


def ids(result: RuleResult) -> list[str | None]:
    return [e.call.tool_use_id for e in result.evidence]


# --- the defaults -------------------------------------------------------------------------------


def test_the_defaults() -> None:
    assert [r.id for r in DEFAULT_RULES] == [
        "read-before-edit",
        "format-before-commit",
        "tests-after-source-edit",
        "no-force-push-main",
        "no-skip-hooks",
    ]
    assert {r.id: r.severity for r in DEFAULT_RULES}["read-before-edit"] == "high"


class TestReadBeforeEdit:
    def test_satisfied_with_evidence_of_both_calls(self) -> None:
        result = run("read-before-edit", mk("Read", 3, path="/r/a.py"), mk("Edit", 7, path="/r/a.py"))
        assert result.status == "satisfied"
        assert (result.checked, result.violations) == (1, 0)
        assert result.to_json()["evidence"] == {
            "when": {"session_id": "s", "line": 7, "tool_use_id": "toolu_s_7", "message_uuid": None},
            "require": {"session_id": "s", "line": 3, "tool_use_id": "toolu_s_3", "message_uuid": None},
        }

    def test_an_edit_without_a_read_is_violated_even_when_it_failed(self) -> None:
        result = run(
            "read-before-edit",
            mk("Edit", 2, path="/r/a.py", status="error"),
            mk("Read", 3, path="/r/a.py"),
            mk("Edit", 4, path="/r/a.py"),
            mk("Edit", 5, path="/r/b.py"),
        )
        assert result.status == "violated"
        assert (result.checked, result.violations) == (3, 2)
        assert ids(result) == ["toolu_s_2", "toolu_s_5"]
        assert [e["line"] for e in result.to_json()["evidence"]] == [2, 5]

    def test_not_applicable_without_edits(self) -> None:
        result = run("read-before-edit", mk("Read", 1, path="/r/a.py"), bash(2, "pytest"))
        assert result.status == "not_applicable"
        assert result.evidence == ()

    def test_the_read_must_be_of_the_same_file(self) -> None:
        result = run("read-before-edit", mk("Read", 1, path="/r/b.py"), mk("Edit", 2, path="/r/a.py"))
        assert result.status == "violated"

    def test_a_failed_read_does_not_count(self) -> None:
        result = run("read-before-edit", mk("Read", 1, path="/r/a.py", status="error"), mk("Edit", 2, path="/r/a.py"))
        assert result.status == "violated"

    def test_writing_the_file_counts_as_knowing_it(self) -> None:
        result = run("read-before-edit", mk("Write", 1, path="/r/new.py"), mk("MultiEdit", 2, path="/r/new.py"))
        assert result.status == "satisfied"

    def test_a_read_in_a_subagent_does_not_satisfy_the_main_contexts_edit(self) -> None:
        result = run("read-before-edit", mk("Read", 1, path="/r/a.py", ctx="s/agent1"), mk("Edit", 2, path="/r/a.py"))
        assert result.status == "violated"
        assert result.evidence[0].call.context_id == "s"

    def test_each_context_is_checked_on_its_own(self) -> None:
        result = run(
            "read-before-edit",
            mk("Read", 1, path="/r/a.py", ctx="s/agent1"),
            mk("Edit", 2, path="/r/a.py", ctx="s/agent1"),
            mk("Read", 3, path="/r/a.py"),
            mk("Edit", 4, path="/r/a.py"),
        )
        assert result.status == "satisfied"
        assert result.checked == 2

    def test_session_scope_lets_a_subagents_read_count(self) -> None:
        rule = Rule(
            id="r",
            kind="before",
            when=(Matcher(tool=("Edit",)),),
            require=(Matcher(tool=("Read",)),),
            scope="session",
            same_path=True,
        )
        calls = session(mk("Read", 1, path="/r/a.py", ctx="s/agent1"), mk("Edit", 2, path="/r/a.py"))
        assert evaluate(calls, [rule])[0].status == "satisfied"

    def test_the_normalize_hook_decides_what_the_same_file_is(self) -> None:
        calls = session(mk("Read", 1, path="src/a.py"), mk("Edit", 2, path="/repo/src/a.py"))
        rule = [default("read-before-edit")]
        assert evaluate(calls, rule)[0].status == "violated"

        def normalize(call: Call) -> str | None:
            path = call.target_path
            return path if path is None or path.startswith("/") else "/repo/" + path

        assert evaluate(calls, rule, normalize=normalize)[0].status == "satisfied"

    def test_an_edit_whose_path_normalizes_to_nothing_is_not_checked(self) -> None:
        calls = session(mk("Edit", 2, path="/r/a.py"))
        [result] = evaluate(calls, [default("read-before-edit")], normalize=lambda call: None)
        assert result.status == "not_applicable"


class TestFormatBeforeCommit:
    def test_satisfied_when_the_formatter_ran_after_the_last_edit(self) -> None:
        result = run(
            "format-before-commit",
            mk("Edit", 1, path="/r/a.py"),
            bash(2, "ruff format ."),
            bash(3, "git commit -m 'x'"),
        )
        assert result.status == "satisfied"
        [evidence] = result.evidence
        assert (evidence.call.tool_use_id, evidence.require, evidence.since) == (
            "toolu_s_3",
            mk("Bash", 2).ref,
            mk("Edit", 1).ref,
        )

    def test_a_formatter_before_the_last_edit_does_not_count(self) -> None:
        result = run(
            "format-before-commit",
            mk("Edit", 1, path="/r/a.py"),
            bash(2, "black ."),
            mk("Edit", 3, path="/r/b.py"),
            bash(4, "git add -A && git commit -m 'x'"),
        )
        assert result.status == "violated"
        [evidence] = result.evidence
        assert evidence.call.tool_use_id == "toolu_s_4"
        assert evidence.since is not None and evidence.since.tool_use_id == "toolu_s_3"

    def test_a_failed_formatter_does_not_count(self) -> None:
        result = run(
            "format-before-commit",
            mk("Write", 1, path="/r/a.py"),
            bash(2, "ruff format .", status="error"),
            bash(3, "git commit -m x"),
        )
        assert result.status == "violated"

    def test_an_edit_in_a_subagent_counts_as_the_last_change(self) -> None:
        result = run(
            "format-before-commit",
            mk("Edit", 1, path="/r/a.py"),
            bash(2, "ruff format ."),
            mk("Edit", 3, path="/r/b.py", ctx="s/agent1"),
            bash(4, "git commit -m x"),
        )
        assert result.status == "violated"
        assert result.evidence[0].since is not None and result.evidence[0].since.context_id == "s/agent1"

    def test_edits_to_docs_after_formatting_do_not_count(self) -> None:
        result = run(
            "format-before-commit",
            mk("Edit", 1, path="/r/a.py"),
            bash(2, "ruff format ."),
            mk("Edit", 3, path="/r/README.md"),
            bash(4, "git commit -m x"),
        )
        assert result.status == "satisfied"

    def test_formatting_and_committing_in_one_command_line_counts(self) -> None:
        result = run("format-before-commit", mk("Edit", 1, path="/r/a.py"), bash(2, "ruff format . && git commit -m x"))
        assert result.status == "satisfied"
        assert result.evidence[0].require == result.evidence[0].call

    def test_a_refused_commit_attempt_counts(self) -> None:
        result = run(
            "format-before-commit",
            mk("Edit", 1, path="/r/a.ex"),
            bash(2, "git commit -m x", status="error"),  # e.g. a hook: "Code is not formatted"
            bash(3, "mix format"),
            bash(4, "git commit -m x"),
        )
        assert (result.status, result.checked, result.violations) == ("violated", 2, 1)
        assert ids(result) == ["toolu_s_2"]

    @pytest.mark.parametrize(
        "calls",
        [
            (mk("Edit", 1, path="/r/a.py"), bash(2, "pytest")),  # no commit
            (bash(1, "git commit -m x"),),  # nothing edited before the commit in this session
            (mk("Edit", 1, path="/r/a.md"), bash(2, "git commit -m x")),  # only docs edited
        ],
    )
    def test_not_applicable(self, calls: tuple[Call, ...]) -> None:
        assert run("format-before-commit", *calls).status == "not_applicable"


class TestTestsAfterSourceEdit:
    def test_satisfied_by_a_test_run_after_the_last_edit_even_a_failing_one(self) -> None:
        result = run(
            "tests-after-source-edit",
            mk("Edit", 1, path="/r/a.py"),
            bash(2, "pytest -q"),
            mk("Edit", 3, path="/r/b.py"),
            bash(4, "uv run pytest tests/test_b.py", status="error"),
        )
        assert result.status == "satisfied"
        [evidence] = result.evidence
        assert (evidence.call.tool_use_id, evidence.require) == ("toolu_s_3", mk("Bash", 4).ref)

    def test_violated_with_the_last_edit_as_evidence(self) -> None:
        result = run(
            "tests-after-source-edit",
            mk("Edit", 1, path="/r/a.py"),
            bash(2, "pytest"),
            mk("Edit", 3, path="/r/a.py"),
            mk("Write", 4, path="/r/b.py"),
            bash(5, "pytest", status="rejected"),
        )
        assert result.status == "violated"
        assert (result.checked, result.violations) == (1, 1)
        assert ids(result) == ["toolu_s_4"]

    def test_tests_in_a_subagent_count(self) -> None:
        result = run("tests-after-source-edit", mk("Edit", 1, path="/r/a.py"), bash(2, "pytest", ctx="s/agent1"))
        assert result.status == "satisfied"

    @pytest.mark.parametrize(
        "calls",
        [
            (mk("Edit", 1, path="/r/README.md"), mk("Write", 2, path="/r/pyproject.toml")),
            (mk("Edit", 1, path="/r/a.py", status="error"), mk("Edit", 2, path="/r/b.py", status="rejected")),
            (mk("Write", 1, path="/tmp/scratch.py"),),
            (bash(1, "pytest"),),
        ],
    )
    def test_not_applicable(self, calls: tuple[Call, ...]) -> None:
        assert run("tests-after-source-edit", *calls).status == "not_applicable"


class TestNoForcePushMain:
    @pytest.mark.parametrize(
        "command",
        [
            "git push --force origin main",
            "git push -f origin master",
            "git push origin main --force-with-lease",
            "git push origin +main",
            "git push --force origin HEAD:main",
            "git push -uf origin refs/heads/main",
            "cd repo && git push -f origin main",
            "git -C /r push --force origin main",
        ],
    )
    def test_violated(self, command: str) -> None:
        result = run("no-force-push-main", bash(1, command), bash(2, "git status"))
        assert result.status == "violated"
        assert ids(result) == ["toolu_s_1"]

    @pytest.mark.parametrize(
        "command",
        [
            "git push --force origin feature/main-fix",
            "git push --force origin maintenance",
            "git push origin main",
            "git push -f origin feature && git checkout main",
            "git push --force-with-lease origin my-branch",
            "git commit -m 'main' && git push origin main",
        ],
    )
    def test_not_applicable(self, command: str) -> None:
        assert run("no-force-push-main", bash(1, command)).status == "not_applicable"

    def test_every_attempt_is_evidence_up_to_twenty_with_the_full_count(self) -> None:
        calls = [bash(seq, "git push -f origin main", status="rejected") for seq in range(1, 26)]
        result = run("no-force-push-main", *calls)
        assert (result.status, result.checked, result.violations) == ("violated", 25, 25)
        assert len(result.evidence) == 20
        assert ids(result)[:2] == ["toolu_s_1", "toolu_s_2"]


class TestNoSkipHooks:
    @pytest.mark.parametrize(
        "command",
        [
            "git commit --no-verify -m x",
            "git add -A && git commit -m 'x' --no-verify",
            "git push --no-verify origin feature",
        ],
    )
    def test_violated_even_when_the_attempt_failed(self, command: str) -> None:
        assert run("no-skip-hooks", bash(1, command, status="error")).status == "violated"

    @pytest.mark.parametrize(
        "command", ["git commit -m x", "git add --no-verify-x && git commit -m y", "npm publish --no-verify"]
    )
    def test_not_applicable(self, command: str) -> None:
        assert run("no-skip-hooks", bash(1, command)).status == "not_applicable"


# --- rule kinds beyond the defaults -------------------------------------------------------------


def test_after_with_context_scope_checks_each_context() -> None:
    [rule] = parse_rules(
        'rule = [{ id = "t", kind = "after", when = { tool = "Edit" }, require = { command_kind = "test" } }]'
    )
    calls = session(mk("Edit", 1, path="/a.py", ctx="s/agent1"), mk("Edit", 2, path="/a.py"), bash(3, "pytest"))
    [result] = evaluate(calls, [rule])
    assert (result.status, result.checked, result.violations) == ("violated", 2, 1)
    assert result.evidence[0].call.context_id == "s/agent1"


def test_after_with_same_path_checks_the_last_call_per_path() -> None:
    text = """
    [[rule]]
    id = "read-back"
    kind = "after"
    same_path = true
    when = { tool = "Write" }
    require = { tool = "Read" }
    """
    [rule] = parse_rules(text)
    calls = session(
        mk("Write", 1, path="/a.py"),
        mk("Write", 2, path="/b.py"),
        mk("Read", 3, path="/a.py"),
        mk("Write", 4, path="/c.py"),
        mk("Read", 5, path="/b.py"),
    )
    [result] = evaluate(calls, [rule])
    assert (result.status, result.checked, result.violations) == ("violated", 3, 1)
    assert ids(result) == ["toolu_s_4"]


def test_a_tool_call_never_satisfies_itself() -> None:
    rule = Rule(id="x", kind="before", when=(Matcher(tool=("Edit",)),), require=(Matcher(tool=("Edit",)),))
    assert evaluate(session(mk("Edit", 1, path="/a")), [rule])[0].status == "violated"
    after = Rule(id="y", kind="after", when=(Matcher(tool=("Edit",)),), require=(Matcher(tool=("Edit",)),))
    assert evaluate(session(mk("Edit", 1, path="/a")), [after])[0].status == "violated"


def test_a_side_can_list_several_matchers() -> None:
    text = """
    [[rule]]
    id = "check-before-commit"
    kind = "before"
    scope = "session"
    when = { command_kind = "git_commit" }
    require = [{ command_kind = ["lint", "typecheck"] }, { command = '\\bpre-commit\\s+run\\b' }]
    """
    [rule] = parse_rules(text)
    assert evaluate(session(bash(1, "pre-commit run -a"), bash(2, "git commit")), [rule])[0].status == "satisfied"
    assert evaluate(session(bash(1, "mypy src"), bash(2, "git commit")), [rule])[0].status == "satisfied"
    assert evaluate(session(bash(1, "pytest"), bash(2, "git commit")), [rule])[0].status == "violated"


def test_matcher_fields_combine() -> None:
    text = """
    [[rule]]
    id = "no-edits-to-generated"
    kind = "never"
    when = { tool = ["Edit", "Write"], path = ["**/gen/**", "*.pb.go"], not_path = "**/gen/keep/*", status = "ok" }

    [[rule]]
    id = "no-rm-rf"
    kind = "never"
    when = { command = '\\brm\\s+-rf\\b', not_command = '/tmp/' , status = "any" }
    """
    rules = parse_rules(text)
    calls = session(
        mk("Edit", 1, path="/r/gen/x/a.py"),
        mk("Edit", 2, path="/r/gen/keep/b.py"),
        mk("Write", 3, path="/r/api/c.pb.go", status="error"),
        mk("Read", 4, path="/r/gen/d.py"),
        mk("Write", 5, path="/r/z.pb.go"),
        bash(6, "rm -rf /tmp/x"),
        bash(7, "rm -rf build", status=None),
    )
    by_id = {r.rule_id: r for r in evaluate(calls, rules)}
    assert ids(by_id["no-edits-to-generated"]) == ["toolu_s_1", "toolu_s_5"]
    assert ids(by_id["no-rm-rf"]) == ["toolu_s_7"]


@pytest.mark.parametrize(
    ("status", "matching"),
    [
        ("any", [1, 2, 3, 4, 5]),
        ("ok", [1]),
        ("error", [2]),
        ("failed", [2, 3, 4]),
        (["ok", "rejected"], [1, 3]),
    ],
)
def test_status_values(status: str | list[str], matching: list[int]) -> None:
    matcher = Matcher(tool=("Bash",), status=tuple([status] if isinstance(status, str) else status))
    rule = Rule(id="n", kind="never", when=(matcher,))
    calls = [bash(seq, "true", status=s) for seq, s in enumerate(["ok", "error", "rejected", "interrupted", None], 1)]
    [result] = evaluate(session(*calls), [rule])
    assert [e.call.seq for e in result.evidence] == matching


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("*.py", "/r/src/a.py", True),
        ("*.py", "a.py", True),
        ("*.py", "/r/a.pyc", False),
        ("**/*.py", "/r/src/deep/a.py", True),
        ("src/*.py", "/r/src/a.py", True),
        ("src/*.py", "/r/src/deep/a.py", False),
        ("src/*.py", "/r/mysrc/a.py", False),
        ("lib/**", "/r/lib/x/y.ex", True),
        ("lib/", "/r/lib/x/y.ex", True),
        ("lib/**", "/r/libs/y.ex", False),
        ("/r/**/test_?.py", "/r/tests/test_a.py", True),
        ("/r/*.py", "/other/r/a.py", False),
        (".gitignore", "/r/.gitignore", True),
        ("[!a]*.py", "/r/b.py", True),
        ("[!a]*.py", "/r/a.py", False),
        ("x[!a]y", "/r/x/y", False),
        ("*.md", "C:\\r\\README.md".replace("\\", "/"), True),
    ],
)
def test_globs(glob: str, path: str, matches: bool) -> None:
    assert bool(re.fullmatch(glob_to_regex(glob), path)) is matches


def test_windows_separators_in_paths_match_slash_globs() -> None:
    rule = Rule(id="n", kind="never", when=(Matcher(path=("src/*.py",)),))
    [result] = evaluate(session(mk("Edit", 1, path="C:\\r\\src\\a.py")), [rule])
    assert result.status == "violated"


# --- compliance -----------------------------------------------------------------------------------


def test_compliance_is_none_when_nothing_applies() -> None:
    results = evaluate(session(mk("Read", 1, path="/a.py")), DEFAULT_RULES)
    assert [r.status for r in results] == ["not_applicable"] * 5
    assert compliance(results) is None
    assert compliance([]) is None


def test_compliance_is_satisfied_over_applicable() -> None:
    calls = session(
        mk("Read", 1, path="/r/a.py"),
        mk("Edit", 2, path="/r/a.py"),  # read-before-edit: satisfied
        bash(3, "ruff format ."),
        bash(4, "git commit -m x"),  # format-before-commit: satisfied
        bash(5, "git push --force origin main"),  # no-force-push-main: violated
    )  # tests-after-source-edit: violated (no tests)
    results = evaluate(calls, DEFAULT_RULES)
    assert [r.status for r in results] == ["satisfied", "satisfied", "violated", "violated", "not_applicable"]
    assert compliance(results) == 0.5
    assert compliance(results[:3]) == pytest.approx(2 / 3)


def test_result_json() -> None:
    result = run("tests-after-source-edit", mk("Edit", 1, path="/r/a.py"))
    assert result.to_json() == {
        "rule_id": "tests-after-source-edit",
        "kind": "after",
        "severity": "medium",
        "description": default("tests-after-source-edit").description,
        "status": "violated",
        "checked": 1,
        "violations": 1,
        "evidence": [{"session_id": "s", "line": 1, "tool_use_id": "toolu_s_1", "message_uuid": None}],
    }


def test_result_json_with_since() -> None:
    edit, fmt = mk("Edit", 1, path="/r/a.py"), bash(2, "ruff format .")
    satisfied = run("format-before-commit", edit, fmt, bash(3, "git commit -m x")).to_json()
    assert satisfied["evidence"] == {
        "when": bash(3, "").ref.to_json(),
        "require": fmt.ref.to_json(),
        "since": edit.ref.to_json(),
    }
    late_edit = mk("Edit", 3, path="/r/a.py")
    violated = run("format-before-commit", edit, fmt, late_edit, bash(4, "git commit -m x")).to_json()
    assert violated["evidence"] == [{**bash(4, "").ref.to_json(), "since": late_edit.ref.to_json()}]
    assert run("no-skip-hooks", edit).to_json()["evidence"] == []


# --- the file format ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[rule]]\nid = "a"\nkind = "sometimes"\nwhen = { tool = "Edit" }', "rule 1 ('a'): unknown kind 'sometimes'"),
        (
            '[[rule]]\nid = "a"\nkind = "never"\nwhen = { tool = "Edit" }\nweight = 2',
            "rule 1 ('a'): unknown key 'weight'",
        ),
        (
            '[[rule]]\nid = "a"\nkind = "never"\nwhen = { command = "git (" }',
            "rule 1 ('a'): in 'when': bad command regex",
        ),
        (
            '[[rule]]\nid = "a"\nkind = "never"\nwhen = { command_kind = "deploy" }',
            "rule 1 ('a'): in 'when': unknown command_kind 'deploy'",
        ),
        (
            '[[rule]]\nid = "a"\nkind = "never"\nwhen = { tools = "Edit" }',
            "rule 1 ('a'): unknown key 'tools' in 'when'",
        ),
        ('[[rule]]\nid = "a"\nkind = "never"\nwhen = { status = "done" }', "unknown status 'done'"),
        ('[[rule]]\nid = "a"\nkind = "never"\nwhen = {}', "rule 1 ('a'): 'when' is empty"),
        ('[[rule]]\nid = "a"\nkind = "never"\nwhen = { tool = 3 }', "when.tool must be a non-empty string"),
        (
            '[[rule]]\nid = "a"\nkind = "before"\nwhen = { tool = "Edit" }',
            "rule 1 ('a'): a before rule needs 'require'",
        ),
        ('[[rule]]\nid = "a"\nkind = "after"', "rule 1 ('a'): 'when' is missing"),
        ('[[rule]]\nid = "a"\nwhen = { tool = "Edit" }', "rule 1 ('a'): 'kind' is missing"),
        (
            '[[rule]]\nid = "a"\nkind = "never"\nwhen = { tool = "E" }\nrequire = { tool = "R" }',
            "a never rule takes no require",
        ),
        (
            '[[rule]]\nid = "a"\nkind = "after"\nwhen = { tool = "E" }\nrequire = { tool = "R" }\n'
            'require_after_last = { tool = "W" }',
            "require_after_last only works with kind = 'before'",
        ),
        ('[[rule]]\nid = "a"\nkind = "never"\nseverity = "urgent"\nwhen = { tool = "E" }', "unknown severity 'urgent'"),
        ('[[rule]]\nid = "a"\nkind = "never"\nscope = "repo"\nwhen = { tool = "E" }', "unknown scope 'repo'"),
        (
            '[[rule]]\nid = "a"\nkind = "never"\nenabled = "no"\nwhen = { tool = "E" }',
            "'enabled' must be true or false",
        ),
        ('[[rule]]\nkind = "never"', "rule 1: 'id' is missing"),
        (
            '[[rule]]\nid = "a"\nkind = "never"\nwhen = { tool = "E" }\n[[rule]]\nid = "a"',
            "rule 2 ('a'): the id is used twice",
        ),
        ("rules = []", "unknown top-level key 'rules'"),
        ("extends_defaults = 1", "extends_defaults must be true or false"),
        ("[[rule]\n", "not valid TOML"),
    ],
)
def test_parse_errors_name_the_file_the_rule_and_the_problem(text: str, expected: str) -> None:
    with pytest.raises(RulesError) as caught:
        parse_rules(text, "proj/.lessonloop/workflow.toml")
    message = str(caught.value)
    assert message.startswith("proj/.lessonloop/workflow.toml: ")
    assert expected in message
    assert caught.value.source == "proj/.lessonloop/workflow.toml"


def test_a_rules_error_is_a_value_error() -> None:
    with pytest.raises(ValueError, match=r"workflow\.toml"):
        rules_from_file_text('[[rule]]\nid = "x"\nkind = "never"', "workflow.toml")


def test_an_empty_file_keeps_the_defaults() -> None:
    assert rules_from_file_text("", "w.toml") == list(DEFAULT_RULES)


def test_a_file_overrides_and_disables_defaults_by_id_and_adds_rules() -> None:
    text = """
    [[rule]]
    id = "no-blanket-git-add"
    kind = "never"
    severity = "low"
    when = { command = '\\bgit\\s+add\\s+(?:-A|--all|\\.)(?:\\s|$)' }

    [[rule]]
    id = "format-before-commit"
    enabled = false

    [[rule]]
    id = "read-before-edit"
    severity = "medium"
    scope = "session"
    """
    rules = rules_from_file_text(text, "w.toml")
    assert [r.id for r in rules] == [
        "read-before-edit",
        "format-before-commit",
        "tests-after-source-edit",
        "no-force-push-main",
        "no-skip-hooks",
        "no-blanket-git-add",
    ]
    read = rules[0]
    assert (read.severity, read.scope, read.when, read.same_path) == (
        "medium",
        "session",
        default("read-before-edit").when,
        True,
    )
    assert not rules[1].enabled
    calls = session(
        mk("Read", 1, path="/r/a.py", ctx="s/agent1"),
        mk("Edit", 2, path="/r/a.py"),
        bash(3, "git add -A"),
        bash(4, "git commit -m x"),
    )
    by_id = {r.rule_id: r.status for r in evaluate(calls, rules)}
    assert by_id == {
        "read-before-edit": "satisfied",  # session scope now: the subagent's read counts
        "tests-after-source-edit": "violated",
        "no-force-push-main": "not_applicable",
        "no-skip-hooks": "not_applicable",
        "no-blanket-git-add": "violated",
    }


def test_an_override_error_names_the_file_and_rule() -> None:
    with pytest.raises(RulesError, match=r"^w\.toml: rule 1 \('read-before-edit'\): unknown severity 'big'"):
        rules_from_file_text('[[rule]]\nid = "read-before-edit"\nseverity = "big"', "w.toml")


def test_without_extends_defaults_only_the_files_rules_apply() -> None:
    text = 'extends_defaults = false\n[[rule]]\nid = "read-before-edit"\nkind = "never"\nwhen = { tool = "Edit" }'
    [rule] = rules_from_file_text(text, "w.toml")
    assert (rule.id, rule.kind, rule.require) == ("read-before-edit", "never", ())
    with pytest.raises(RulesError, match="'kind' is missing"):
        rules_from_file_text('extends_defaults = false\n[[rule]]\nid = "read-before-edit"\nenabled = false', "w.toml")


def test_a_rule_built_in_python_is_checked_too() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        Rule(id="x", kind="whenever", when=(Matcher(tool=("Edit",)),))
    with pytest.raises(ValueError, match="bad command regex"):
        Matcher(command=("(",))


# --- speed and docs -------------------------------------------------------------------------------


def test_a_thousand_calls_against_the_defaults() -> None:
    """A long session's verdicts (no wall time asserted here: a unit test under a loaded machine
    flakes; the rules' speed is benchmarks/analysis_bench.py's)."""
    calls: list[Call] = []
    for i in range(250):
        base = i * 4
        calls += [
            mk("Read", base + 1, path=f"/r/src/m{i % 40}.py"),
            mk("Edit", base + 2, path=f"/r/src/m{i % 40}.py"),
            bash(base + 3, f"uv run pytest tests/test_m{i}.py -q"),
            bash(base + 4, f"git add src/m{i % 40}.py && git commit -m 'step {i}'"),
        ]
    big = session(*calls)
    evaluate(big, DEFAULT_RULES)  # warm the command-kind cache
    results = evaluate(big, DEFAULT_RULES)
    assert [r.status for r in results] == ["satisfied", "violated", "satisfied", "not_applicable", "not_applicable"]


def _docs() -> str:
    return (REPO_ROOT / "docs" / "workflow-rules.md").read_text()


def test_the_docs_show_the_defaults_verbatim() -> None:
    section = _docs().split("## The defaults", 1)[1]
    block = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    assert block.group(1) == DEFAULT_RULES_TOML


def test_the_docs_example_parses() -> None:
    section = _docs().split("## Example", 1)[1]
    block = re.search(r"```toml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    rules = rules_from_file_text(block.group(1), "docs example")
    assert len(rules) > len(DEFAULT_RULES)


def test_the_known_command_kinds_cover_what_commands_py_names() -> None:
    samples = [
        "pytest",
        "ruff format .",
        "ruff check .",
        "mypy src",
        "cargo build",
        "pip install x",
        "git commit -m x",
        "git push",
        "git add a",
        "git restore a",
        "rg foo",
        "cat a",
    ]
    named = set().union(*(command_kinds(c) for c in samples))
    assert named == COMMAND_KINDS


# --- every agent: reads through the shell, patches of several files ------------------------------


def _agent_session(agent: str | None, *calls: Call) -> SessionInput:
    base = session(*calls)
    return SessionInput(id=base.id, contexts=base.contexts, agent=agent)


def _codex(seq: int, tool: str, kind: str, **fields: object) -> Call:
    fields.setdefault("status", "ok")
    return Call(
        id=f"call_{seq}",
        context_id="s",
        seq=seq,
        ts=f"2024-05-01T10:00:{seq:02d}.000Z",
        tool=tool,
        kind=kind,
        input={},
        **fields,  # type: ignore[arg-type]
    )


def _read_before_edit(agent: str | None, *calls: Call) -> RuleResult:
    [result] = evaluate(_agent_session(agent, *calls), [default("read-before-edit")])
    return result


def test_a_file_printed_in_the_shell_is_read_for_an_agent_without_a_read_tool() -> None:
    printed = _codex(1, "exec_command", "shell", command="sed -n '1,80p' src/app.py")
    edit = _codex(2, "apply_patch", "edit", target_path="src/app.py")
    result = _read_before_edit("codex", printed, edit)
    assert (result.checked, result.violations) == (1, 0)
    # Without the print, or with a print of another file, the edit is blind.
    assert _read_before_edit("codex", edit).violations == 1
    other = _codex(1, "exec_command", "shell", command="cat src/other.py")
    assert _read_before_edit("codex", other, edit).violations == 1
    # A print that failed read nothing; a print after the edit is too late.
    failed = _codex(1, "exec_command", "shell", command="cat src/app.py", status="error")
    assert _read_before_edit("codex", failed, edit).violations == 1
    late = _codex(3, "exec_command", "shell", command="cat src/app.py")
    assert _read_before_edit("codex", edit, late).violations == 1


def test_a_shell_read_after_cd_names_the_file_in_that_folder() -> None:
    printed = _codex(1, "exec_command", "shell", command="cd src && cat app.py")
    edit = _codex(2, "apply_patch", "edit", target_path="src/app.py")
    assert _read_before_edit("codex", printed, edit).violations == 0


def test_claude_code_still_needs_its_read_tool() -> None:
    """Claude Code's harness refuses an edit of a file its Read tool has not read: `cat` is no read there."""
    printed = bash(1, "cat src/app.py")
    edit = mk("Edit", 2, path="src/app.py")
    assert _read_before_edit("claude-code", printed, edit).violations == 1
    assert _read_before_edit("claude-code", mk("Read", 1, path="src/app.py"), edit).violations == 0


def test_each_file_of_a_patch_is_checked() -> None:
    read_a = _codex(1, "exec_command", "shell", command="cat a.py")
    patch = _codex(2, "apply_patch", "edit", target_path="a.py", paths=("a.py", "b.py"))
    result = _read_before_edit("codex", read_a, patch)
    assert (result.checked, result.violations) == (2, 1)
    read_b = _codex(1, "exec_command", "shell", command="cat a.py b.py")
    assert _read_before_edit("codex", read_b, patch).violations == 0


def test_a_rule_on_tools_or_commands_sees_a_call_once() -> None:
    """The files a call works on besides its first are matched by kind only."""
    rule = parse_rules('[[rule]]\nid = "no-cat"\nkind = "never"\nwhen = { tool = "exec_command" }\n')
    printed = _codex(1, "exec_command", "shell", command="cat a.py b.py c.py")
    [result] = evaluate(_agent_session("codex", printed), rule)
    assert (result.checked, result.violations) == (1, 1)
    reads = parse_rules('[[rule]]\nid = "reads"\nkind = "never"\nwhen = { kind = "read" }\n')
    [result] = evaluate(_agent_session("codex", printed), reads)
    assert result.violations == 3
