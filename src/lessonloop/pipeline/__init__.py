"""The jobs that tie the stages to the store: load records, run the pure analyzers, store results."""
