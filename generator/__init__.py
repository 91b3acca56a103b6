"""openapi-fragments: turn per-endpoint OpenAPI fragments into typed Python client packages.

The generator is a pipeline of pure stages, one module each (see docs/architecture.md):
load -> quirks -> merge -> validate -> normalize -> render -> format -> write.
Only ``load`` reads files, only ``write`` writes them, only ``cli`` prints.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
