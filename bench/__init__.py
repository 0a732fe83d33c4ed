"""The synthetic data generator and the benchmarks that `make bench` runs."""
