"""The stored git history the core reads: co-change counts, and its deletion."""
