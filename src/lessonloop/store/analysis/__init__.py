"""What analysis found and remembers: signals, session executions, findings, fingerprints."""
