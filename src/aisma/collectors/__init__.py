"""Collectors: turn real security-tool output into measurements with provenance.

Each collector is a folder (code plus ``collector.yaml``) registered under the ``aisma.collectors``
entry-point group; the built-in ones register exactly like third-party ones.
"""
