"""Frameworks on the server: the organization's latest assessment seen through a built-in framework."""
