"""The lab: benchmarks, the soak, evaluation and the mirror model's experiments; never imported by live code."""
