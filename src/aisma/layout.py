"""The names of a workspace's files: a leaf module so importers and the loader can share them."""

from __future__ import annotations

CONFIG_FILE = "aisma.yaml"
INVENTORY_FILE = "inventory.yaml"
ANSWERS_FILE = "answers.yaml"
EVIDENCE_DIR = "evidence"
