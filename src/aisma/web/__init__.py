"""The team server's web layer: app factory, security, REST API and pages (parsing and rendering only)."""
