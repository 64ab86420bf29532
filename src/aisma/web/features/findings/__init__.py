"""Findings: gaps, conflicts, failed measurements and auditors 'remarks, tracked to done (issue 18 item 5)."""
