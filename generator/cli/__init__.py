"""The command line: ``python -m generator COMMAND`` (installed: ``openapi-fragments``).

The only package that prints or exits. ``common`` holds the ``cli`` group and what every command
shares (exit codes are listed there); each other module adds its commands to the group.
"""

from __future__ import annotations

from generator.cli import build, imports, new, review, update
from generator.cli.common import cli, main

__all__ = ["build", "cli", "imports", "main", "new", "review", "update"]
