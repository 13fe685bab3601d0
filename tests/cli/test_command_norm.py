"""Normalized commands: runs that do the same job share a form, runs that do different jobs do not."""

from __future__ import annotations

import shlex

import pytest

from lessonloop.analyze.command_norm import command_line, normalize_command, program_name


def norm(line: str) -> str:
    return normalize_command(shlex.split(line))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # pytest: files and node ids are paths, option values are dropped, options sorted after
        ("pytest tests/x.py", "pytest <path>"),
        ("pytest tests/a.py tests/b.py tests/c.py", "pytest <path>"),
        ("pytest -x tests/a.py::test_b", "pytest <path> -x"),
        ("pytest tests", "pytest <path>"),
        ("pytest", "pytest"),
        ("pytest -q -q -x", "pytest -q -x"),
        ("pytest -k 'slow and not db' tests/", "pytest <path> -k"),
        ("pytest -n4 --tb=short tests", "pytest <path> --tb -n"),
        ("pytest -n 4 tests", "pytest <path> -n"),
        ("py.test tests/x.py", "pytest <path>"),
        # python: interpreters read as `python`, modules keep their name, scripts their file name
        ("python -m pytest tests/a.py", "python -m pytest <path>"),
        ("python3 -m pytest", "python -m pytest"),
        ("python3.11 -m pytest -x tests/", "python -m pytest <path> -x"),
        (".venv/bin/python -m pytest -x", "python -m pytest -x"),
        ("/usr/bin/python3 -u -W ignore -m pytest", "python -m pytest"),
        ("python -mpytest tests", "python -m pytest <path>"),
        ("python -m http.server 8000", "python -m http.server <n>"),
        ("python manage.py test app", "python manage.py test app"),
        ("python scripts/bench.py", "python bench.py"),
        ("python -c 'print(1)'", "python -c"),
        ("python", "python"),
        ("node dist/server.js", "node server.js"),
        # cargo, go, npm, mix, make
        ("cargo test -p foo", "cargo test -p"),
        ("cargo test --package foo --features x,y", "cargo test --features --package"),
        ("cargo test some_filter", "cargo test <arg>"),
        ("cargo +nightly test", "cargo +nightly test"),
        ("cargo build --release", "cargo build --release"),
        ("go test ./pkg/...", "go test <path>"),
        ("go test -run TestX -count=1 ./...", "go test <path> -count -run"),
        ("go vet ./...", "go vet <path>"),
        ("npm test", "npm test"),
        ("npm run build", "npm run build"),
        ("npm run build -- --watch", "npm run build --watch"),
        ("pnpm run lint", "pnpm run lint"),
        ("yarn build", "yarn build"),
        ("mix test test/x_test.exs:12", "mix test <path>"),
        ("mix test --only integration", "mix test --only"),
        ("mix deps.get", "mix deps.get"),
        ("make -j8 check", "make check -j"),
        ("make -j 8 check", "make check -j"),
        ("make test TESTS=tests/a", "make test TESTS=<arg>"),
        ("make", "make"),
        ("./gradlew test --tests Foo", "gradlew test --tests"),
        # other programs: plain words kept, paths / numbers / hashes as placeholders
        ("git -C repo commit -m 'fix: x'", "git commit -m"),
        ("git push origin main", "git push <arg>"),
        ("git checkout 1a2b3c4d5e", "git checkout <hash>"),
        ("ruff check src/", "ruff check <path>"),
        ("mypy src tests", "mypy <path>"),
        ("sleep 5", "sleep <n>"),
        ("docker build -t app:1.2 .", "docker build <path> -t"),
        ("npx jest src/a.test.ts", "jest <path>"),
        ("node_modules/.bin/jest src/a.test.ts src/b.test.ts", "jest <path>"),
        ("terraform plan -out build/tf.plan", "terraform plan <path> -out"),
    ],
)
def test_normal_forms(line: str, expected: str) -> None:
    assert norm(line) == expected


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("pytest tests/x.py", "pytest tests/y.py"),
        ("pytest -x tests/a.py::test_b", "pytest tests/b.py -x"),
        ("pytest -x -q tests/a.py", "pytest -q tests/b.py -x -q"),
        ("python -m pytest tests/a.py", "python3.12 -m pytest tests/b.py"),
        ("cargo test -p foo", "cargo test -p bar"),
        ("go test ./a/...", "go test ./b/... ./c/..."),
        ("mix test test/x_test.exs:12", "mix test test/y_test.exs"),
        ("make -j8 check", "make check -j 4"),
        ("pytest tests/a.py", "uv run pytest tests/b.py"),
        ("pytest tests/a.py", "FOO=1 BAR=2 pytest tests/b.py"),
        ("pytest tests/a.py", "env -i PATH=/bin pytest tests/b.py"),
        ("pytest tests/a.py", "timeout -s KILL 60 pytest tests/b.py"),
        ("npm test", "time npm test"),
        ("pytest tests/a.py", "sh -c 'pytest tests/b.py'"),
    ],
)
def test_the_same_job_groups(first: str, second: str) -> None:
    assert norm(first) == norm(second)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("pytest tests/a.py", "python -m pytest tests/a.py"),  # kept apart: a different entry point
        ("pytest", "pytest tests/a.py"),
        ("pytest -x", "pytest"),
        ("cargo test", "cargo build"),
        ("npm run build", "npm run lint"),
        ("make check", "make test"),
        ("python a.py", "python b.py"),
        ("go test ./...", "go build ./..."),
    ],
)
def test_different_jobs_stay_apart(first: str, second: str) -> None:
    assert norm(first) != norm(second)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("sh -c 'pytest tests/a.py -q'", "pytest <path> -q"),
        ("bash -c 'cd sub && make -j4 test'", "make test -j"),
        ("bash -lc 'source .venv/bin/activate; pytest -x tests'", "pytest <path> -x"),
        ("bash -o pipefail -c 'npm test | tee log.txt'", "npm test"),
        ("bash -euc 'export CI=1; cargo test'", "cargo test"),
        ("sh -c \"bash -c 'go test ./...'\"", "go test <path>"),
        ("sh -c ''", "sh -c"),
        ("bash scripts/ci.sh --fast", "bash ci.sh --fast"),
    ],
)
def test_shell_scripts_normalize_their_first_command(line: str, expected: str) -> None:
    assert norm(line) == expected


def test_programs_are_their_basename() -> None:
    assert program_name("/usr/local/bin/pytest") == "pytest"
    assert program_name(".venv/bin/python") == "python"
    for python in ("python3", "python3.11", "python2.7", "python"):
        assert program_name(python) == "python"
    assert program_name("python-config") == "python-config"
    assert program_name("C:/Python/python.exe") == "python"


def test_nothing_to_normalize() -> None:
    assert normalize_command([]) == ""
    assert normalize_command(["timeout", "5"]) == ""
    assert normalize_command(["cd", "x"]) == "cd x"


@pytest.mark.parametrize(
    "line",
    [
        "pytest tests/a.py -x --tb=short -k x",
        "cargo test -p foo --release",
        "make -j8 check",
        "python -m pytest tests -q",
        "go test -run X ./...",
        "npm run build -- --watch",
        "docker build -t x .",
        "python bench.py 5 --n 3",
    ],
)
def test_a_normal_form_normalizes_to_itself(line: str) -> None:
    once = norm(line)
    assert norm(once) == once


def test_values_that_start_like_options_are_not_swallowed() -> None:
    assert norm("pytest --tb -x") == "pytest --tb -x"


def test_command_line_quotes_for_a_shell() -> None:
    argv = ["pytest", "-k", "a and b", "it's"]
    assert command_line(argv) == "pytest -k 'a and b' 'it'\"'\"'s'"
    assert shlex.split(command_line(argv)) == argv
