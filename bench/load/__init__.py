"""`make load` (`python -m bench.load`): a bounded load test of the real stack on this machine.

gunicorn (gunicorn.conf.py) and a Celery worker, on PostgreSQL and Redis, all
on loopback; the reviewers talk to a second gunicorn pool of --write-workers
processes (1), as nginx sends autosaves to web-write (0: one pool for all). For `--seconds` (default 60), at the same time:

- 50 reviewers, each logged in through the login form with its own keep-alive
  connection and cookies, autosave their own review (POST /reviews/<pk>/save/,
  the whole scoring form as the page's FormData sends it, the version it last
  got back) after a think time of 0.5-1.5 s, changing one to three levels;
- 100 anonymous readers, each on its own keep-alive connection, read scores
  with no think time: pages of /api/v1/releases/<id>/scores/ and
  /api/v1/scores/?cycle=2017 (a release of all 514 kabupaten/kota), now and
  then /dashboard/data/ and /regions/<code>/scorecard/data/, revalidating
  with If-None-Match on some requests (304 counts as success).

Reported per operation: requests, throughput, p50/p95/p99 latency, errors by
status. Exits non-zero on any server error (5xx or connection failure), any
other error, or a lost save: afterwards every review's answers and version in
the database must equal its last acknowledged save, and the acknowledged
versions of each review must have grown strictly. Then one autosave through
the real view has its queries counted, and autosave_queries, autosave_p95_ms,
autosave_p50_ms and reader_rps are merged into bench/last.json.

Uses a throwaway database `smartcity_load_<random>` on the PostgreSQL server of
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres) and Redis
database 11 of REDIS_URL (default redis://127.0.0.1:6379), flushed before and
after; both must be on loopback. The clients run in three processes (one of
reviewers, two of readers) of threads, so that one interpreter's lock does not
hold back 150 clients. Autosaves queue no Celery job (submitting a review,
reopening it, consensus and appeal decisions do); the worker runs as in
production and sends the assignment e-mails that setup queued. About 100 s in
all with the default window on 2 cores.

Modules: config (constants, the environment), machine (CPU accounting,
PostgreSQL and Redis on loopback), steps (setup, verification and query
count, run in child processes with Django), servers (gunicorn, the worker,
nginx), clients (the reviewers and readers), report (figures, bench/last.json),
run (the window and main).
"""
