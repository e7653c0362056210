"""Additions to the OpenAPI schema that apply to every operation.

drf-spectacular documents each operation's 200 response; this hook adds the other answers
the API gives (304, 400, 404, 429) and the caching headers, so that the schema describes
every response and schemathesis can hold the API to it.
"""

from __future__ import annotations

from typing import Any

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
_PARAMETER_ERRORS = {
    "type": "object",
    "description": "Each key names a query parameter; its value lists what is wrong with it.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
}
_CACHE_HEADERS = {
    "ETag": {
        "schema": {"type": "string"},
        "description": "Send it back in If-None-Match to get a 304 when nothing changed.",
    },
    "Last-Modified": {
        "schema": {"type": "string"},
        "description": "The last change of the registry as a whole (HTTP date).",
    },
    "Cache-Control": {"schema": {"type": "string"}, "description": "public, max-age=300"},
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def add_common_responses(result: dict[str, Any], generator, request, public) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    for methods in result.get("paths", {}).values():
        for method, operation in methods.items():
            if method not in {"get", "head"}:
                continue
            responses = operation.setdefault("responses", {})
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(_CACHE_HEADERS)
            responses.setdefault(
                "304", {"description": "Not modified: the If-None-Match ETag still matches."}
            )
            responses.setdefault("400", _json(_PARAMETER_ERRORS, "A query parameter is invalid."))
            responses.setdefault(
                "404",
                _json(_DETAIL, "No published record has this identifier, or no such page."),
            )
            responses.setdefault(
                "429",
                {
                    **_json(_DETAIL, "Too many requests; see the Retry-After header."),
                    "headers": {"Retry-After": {"schema": {"type": "integer"}}},
                },
            )
    return result
