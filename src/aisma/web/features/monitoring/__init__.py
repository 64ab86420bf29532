"""Continuous assurance on the server: schedules, the freshness monitor, alert channels and their delivery log."""
