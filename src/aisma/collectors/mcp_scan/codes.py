"""What mcp-scan / snyk agent-scan issue codes mean for the MCP metrics.

From the tool's issue-code reference (tests/data/mcp-scan/SOURCE names it):

- ``E0xx`` are errors, every one high or critical: E001 prompt injection in a tool description
  (tool poisoning, critical), E002 cross-server tool reference (tool shadowing, high), E003
  hijacking agent behaviour (older releases), E004-E006 compromised skills (critical).
- ``W003`` "entity has changed": a tool description changed since it was last seen, the rug pull
  the catalog calls "changed since review"; it makes a server unclean although it is a warning.
- ``W007``, ``W008`` and ``W012`` are high-severity skill warnings; the other warnings (W001
  suspicious words, W009-W021 toxic-flow components and exposure) are low or medium.
- ``W015`` (untrusted content) and ``W017`` (sensitive-data exposure) are the two halves of the
  toxic flow that ``mcp.configs.toxic_flow_free_ratio`` looks for within one client configuration.
- ``X002`` "whitelisted" is the user's own suppression: it mutes the other issues of the entity (or
  server) it references. Other ``X0xx`` codes report analysis failures: the servers they reference
  (all servers of the configuration when they reference none) were not scanned.
"""

from __future__ import annotations

HIGH_WARNINGS = frozenset({"W003", "W007", "W008", "W012"})
UNTRUSTED_CONTENT = "W015"
SENSITIVE_DATA = "W017"
WHITELISTED = "X002"


def is_high(code: str) -> bool:
    """A high or critical issue: tool poisoning, shadowing, a change since review, a compromised skill."""
    return code.startswith("E") or code in HIGH_WARNINGS


def is_analysis_failure(code: str) -> bool:
    return code.startswith("X") and code != WHITELISTED
