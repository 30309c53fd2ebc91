"""A development tool, not part of the app: `make faults` runs the app under
four faults (a killed worker, Redis down, PostgreSQL restarted, a full upload
volume) on throwaway services and prints PASS/FAIL per check. See
faults/README.md and faults/run.py; bench/ is the other development tool."""
