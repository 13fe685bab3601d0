"""`ingest --sarif F` / `--junit F` alone, when nothing of the files could be imported (not JSON,
not SARIF, broken XML), exits 1 with the reason, as a file that cannot be opened does; it was
exit 0 with the error in the listing."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import cli

FINDINGS = Path(__file__).resolve().parent.parent / "data" / "findings"


def test_an_invalid_sarif_alone_exits_1(tmp_path: Path) -> None:
    result = cli("ingest", "--db", tmp_path / "s.db", "--sarif", FINDINGS / "invalid.sarif")
    assert result.exit_code == 1
    assert "sarif-invalid-json" in result.output
    assert "nothing could be imported" in result.stderr, result.stderr


def test_a_broken_junit_alone_exits_1_and_json_stays_valid(tmp_path: Path) -> None:
    result = cli("ingest", "--db", tmp_path / "s.db", "--json", "--junit", FINDINGS / "junit-broken.xml")
    assert result.exit_code == 1
    assert result.json()["imports"][0]["problems"][0]["code"] == "junit-invalid-xml"


def test_one_good_file_is_enough(tmp_path: Path) -> None:
    result = cli(
        "ingest",
        "--db",
        tmp_path / "s.db",
        "--sarif",
        FINDINGS / "invalid.sarif",
        "--junit",
        FINDINGS / "junit-pytest.xml",
    )
    assert result.exit_code == 0, result.stderr
