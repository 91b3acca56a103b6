"""The emit stages: IR -> source text (``render``), black's exact output (``format``), files (``write``)."""
