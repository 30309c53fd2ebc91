"""`make faults`: the app under faults (a killed worker, Redis down, PostgreSQL
restarted, a full upload volume), on throwaway services. See faults/run.py."""
