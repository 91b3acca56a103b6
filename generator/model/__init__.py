"""The model stage: typed spec views -> the intermediate model (IR) of one package.

``normalize`` composes the passes; ``ir`` and ``types`` are the frozen values they produce;
``names`` holds every naming rule. Nothing here reads files or prints code.
"""
