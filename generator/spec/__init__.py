"""The spec stages: read a provider folder, repair known quirks, merge, validate, and read the result.

``load`` (with ``documents`` and ``config``) reads ``specs/<provider>/``; ``quirks`` repairs the
documented vendor quirks; ``merge`` joins the fragments into one document with an origin map;
``validate`` reports every problem at once; ``views`` is the one module that knows OpenAPI's
structure (``$ref``, JSON pointers, ``allOf``, media types) and is what every later stage asks.
``splitting`` goes the other way (whole specs and pages into fragments, for ``import-*``);
``sync`` keeps the manifest of what each import wrote, ``fetch`` gets the ``sources:`` that
``update`` imports, and ``starter`` is the provider.yaml that ``new`` writes.
"""
