"""Gunicorn settings for the smartcity web container.

Used as `gunicorn -c gunicorn.conf.py smartcity.wsgi` (the image's default
command). Values an operator may need to change come from the environment; see
docs/deployment.md.
"""

import os

bind = "0.0.0.0:8000"

# Sized for a 2-core machine: 3 processes x 2 threads. Every process loads
# Django, pandas and plotly, so memory grows with each one; raise
# WEB_CONCURRENCY with the core count (about 2 x cores + 1) and watch memory.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = 2

# A request that runs longer than `timeout` gets its worker killed; on
# shutdown, workers get `graceful_timeout` to finish what they are doing
# (docker-compose.yml gives the container a longer stop_grace_period).
timeout = 60
graceful_timeout = 30

# nginx keeps idle connections to gunicorn open for reuse (upstream
# keepalive, closed by nginx after 60 s). gunicorn's own 2 s default would
# close them first, and a request nginx sends on a connection gunicorn is
# closing gets a 502: a POST (an autosave) is not retried. With gthread an
# idle connection waits in the poller, not in a thread.
keepalive = 75

# Recycle workers now and then so slow leaks cannot pile up; the jitter keeps
# them from all restarting at once.
max_requests = 1000
max_requests_jitter = 100

# The worker heartbeat file: on tmpfs, since a disk-backed /tmp (the container's
# overlay filesystem) can block workers (gunicorn docs, "Blocking os.fchmod").
worker_tmp_dir = "/dev/shm"

# Logs to stdout/stderr, for the container runtime to collect.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

# Addresses (or CIDR networks) of the reverse proxy whose X-Forwarded-* headers
# gunicorn trusts. With the proxy in another container, set FORWARDED_ALLOW_IPS
# to its address or network. Django's own HTTPS detection reads
# X-Forwarded-Proto (SECURE_PROXY_SSL_HEADER), so the proxy must overwrite that
# header on every request, and port 8000 must be reachable from the proxy only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
