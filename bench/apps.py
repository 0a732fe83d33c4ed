from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Synthetic data (seed_demo) and the benchmarks. Depends on outcomes, never the reverse."""

    name = "bench"
    verbose_name = "Synthetic data and benchmarks"
