"""The global search box: one query across the organization's objectives, answers, systems, evidence and findings."""
