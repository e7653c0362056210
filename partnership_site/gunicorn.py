"""gunicorn settings for the registry, every one from the environment (docs/deployment.md).

    gunicorn -c partnership_site/gunicorn.py

(`make serve` runs exactly this.) The defaults fit a 2-core server: 2 worker processes of
4 threads each (gthread); the work of a request is mostly waiting on PostgreSQL and Redis,
so threads let one core serve several requests. Each thread keeps its own database
connection open (DATABASE_CONN_MAX_AGE), so PostgreSQL's max_connections must allow
workers x threads per app server, plus migrations and backups.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        return int(raw)
    except ValueError:
        raise RuntimeError(f"{name} must be an integer, not {raw!r}.") from None


def _str(name: str, default: str) -> str:
    return os.environ.get(name, default).strip() or default


wsgi_app = "partnership_site.wsgi:application"

# One address or several, comma-separated: "0.0.0.0:8000", "unix:/run/registry.sock".
bind = [item.strip() for item in _str("GUNICORN_BIND", "127.0.0.1:8000").split(",") if item]
worker_class = _str("GUNICORN_WORKER_CLASS", "gthread")
workers = _int("GUNICORN_WORKERS", 2)
threads = _int("GUNICORN_THREADS", 4)

# A request still running after this many seconds has its worker restarted.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Keep this above the load balancer's idle timeout, so that the balancer, not gunicorn,
# closes idle connections (otherwise a request can meet a connection being closed).
keepalive = _int("GUNICORN_KEEPALIVE", 5)
# Restart a worker after this many requests (0: never), with jitter so they do not all
# restart at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)

# "-" is standard output; an empty GUNICORN_ACCESS_LOG turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-").strip() or None
errorlog = "-"
loglevel = _str("GUNICORN_LOG_LEVEL", "info")
# The client's address as the load balancer saw it, and the time taken in milliseconds.
access_log_format = '%({x-forwarded-for}i)s %(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

# The addresses of the load balancers, whose X-Forwarded-Proto gunicorn believes. Django
# reads the same single header (SECURE_PROXY_SSL_HEADER in settings.py), so gunicorn is
# told to look at that one only, and, as Django, only when DJANGO_NUM_PROXIES says there is a
# proxy in front (docs/deployment.md, "Proxy headers").
forwarded_allow_ips = _str("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
secure_scheme_headers = {"X-FORWARDED-PROTO": "https"} if _int("DJANGO_NUM_PROXIES", 0) else {}

# The workers' heartbeat files in memory: a slow or full disk never stalls them.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"
