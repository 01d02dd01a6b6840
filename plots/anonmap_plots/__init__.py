"""anonmap-plot: charts of anonmap-bench results (see plots/README.md)."""
