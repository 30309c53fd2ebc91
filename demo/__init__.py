"""The demo (`manage.py seed_demo`, `make demo`): one package that imports the
apps, so no app depends on it. cycle.py makes the 2017 pilot cycle and the
accounts and calls submissions.py (uploads and evidence, documents.py makes the
masterplans) and reviews.py (assignments, answers, consensus, appeals)."""
