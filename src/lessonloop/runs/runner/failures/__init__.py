"""The failing tests of a run, read from the output it kept: each test runner's failure report
read by a recogniser of its own (pytest, jest and vitest, go test, cargo test), and the failures
put together for `lessonloop run`'s last lines (report.py)."""
