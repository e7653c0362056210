from django.core.management.base import BaseCommand, CommandError

from registry.bench.run import BenchError, main


class Command(BaseCommand):
    help = (
        "Benchmark the site under gunicorn on PostgreSQL at several sizes and rewrite "
        "docs/performance.md (run it through `make bench`; it drops BENCH_DATABASE_URL)."
    )

    def handle(self, *args, **options) -> None:
        try:
            main(log=lambda message: self.stdout.write(message))
        except BenchError as exc:
            raise CommandError(str(exc)) from exc
