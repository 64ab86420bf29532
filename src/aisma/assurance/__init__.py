"""Continuous assurance: the CI gate (``aisma check``) and, on the server, schedules and alerts."""
