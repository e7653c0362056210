"""Benchmark tooling: a generator of realistic published data (`generate_bench_data`),
bench-only views and middleware (mounted only with `BENCH_VIEWS`), and the `make bench`
driver that measures the site under gunicorn and writes docs/performance.md."""
