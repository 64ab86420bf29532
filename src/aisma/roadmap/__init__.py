"""Targets, gap analysis, the ordered roadmap, what-if projections, history, diffs and model migration."""
