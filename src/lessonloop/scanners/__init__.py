"""External scanners run over what agents wrote (bandit on added Python lines), each as a
subprocess of its own; their findings join the analyzers' diff risk (analyze/diff_risk.py)."""
