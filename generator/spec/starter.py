"""The provider.yaml that ``new`` writes: every key of ``config.TOP_KEYS``, commented out, each
with a line saying what it does and its default for this provider.

Pure: takes the provider name (and the source URLs to list), returns the text. A test checks
that every key ``config`` knows is here, so the two cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.spec.config import ProviderConfig

__all__ = ["KEY_LINES", "provider_yaml"]

# key -> the commented lines for it; {package}, {client}, {env} are this provider's defaults.
KEY_LINES = {
    "package": ["# package: {package}  # the import package (default: the folder name)"],
    "distribution": ["# distribution: {distribution}  # the pip name (default: package with '-')"],
    "client": [
        "# client: {client}  # the client class; Async{client} is derived (default: PascalCase folder name)"
    ],
    "env_prefix": [
        "# env_prefix: {env}  # ${env}_BASE_URL, ${env}_API_KEY, ... (default: the folder name upper-cased)"
    ],
    "credentials": [
        "# credentials:  # security scheme -> client argument and environment variable (default: derived)",
        "#   ApiKeyAuth: {{argument: api_key, env: {env}_API_KEY}}",
        "#   BasicAuth: {{argument: [user, secret], env: [{env}_USER, {env}_SECRET]}}  # basic: two of each",
    ],
    "resources": ["# resources: {{Pets: animals}}  # tag -> resource attribute (client.animals)"],
    "schemas": ["# schemas: {{dto.Pet: Animal}}  # component schema -> model class name"],
    "properties": [
        '# properties: {{Animal: {{"@type": kind}}}}  # class -> property wire name -> attribute name'
    ],
    "operations": [
        '# operations:  # operationId or "METHOD /path" -> method name and/or resource',
        '#   "GET /pets": {{name: list_all}}',
        "#   getPet: {{name: fetch, resource: animals}}",
    ],
    "pagination": [
        "# pagination: {{style: page, page_param: page, items: docs, has_next: hasNextPage}}",
        "#   # or {{style: cursor, cursor_param: cursor, items: data, next_cursor: next}}",
    ],
    "example": [
        "# example: animals.list_all  # the call the package README shows (default: the first GET",
        "#   # without required arguments, else the first method)",
    ],
    "prefer": ["# prefer: [get_pets.json]  # whose copy of a component wins when fragments disagree"],
    "idempotency_header": [
        "# idempotency_header: Idempotency-Key  # a fresh key on every POST/PATCH, reused on retries"
    ],
    "sources": [
        "# sources:  # what `python -m generator update` fetches: the vendor's pages and whole specs",
        "#   - https://docs.example.com/pets.md",
        "#   - {{url: https://api.example.com/openapi, kind: spec}}  # kind: page | spec (default: guessed)",
    ],
}


def provider_yaml(config: ProviderConfig, sources: Sequence[str] = ()) -> str:
    """The starter provider.yaml for a provider whose defaults are ``config``; ``sources`` listed live."""
    values = {"package": config.package, "distribution": config.distribution, "client": config.client,
              "env": config.env_prefix}  # fmt: skip
    lines = [
        f"# Settings of the {config.folder} client. Every key is optional: uncomment what you need.",
        "# Reference: README.md, 'Adding a provider'; names: docs/naming.md.",
        "",
    ]
    for key, template in KEY_LINES.items():
        if key == "sources" and sources:
            lines += [
                "sources:  # what `python -m generator update` fetches",
                *(f"  - {url}" for url in sources),
            ]
            continue
        lines += [line.format(**values) for line in template]
    return "\n".join(lines) + "\n"
