"""Schema post-processing: every operation documents the error answers it can give, in the one
error shape, so clients (and the schema fuzz) know what a refusal looks like."""

from __future__ import annotations

ERROR = {
    "type": "object",
    "description": "The one error shape: a sentence, and the field errors if any.",
    "properties": {
        "detail": {"type": "string"},
        "errors": {"type": "object",
                   "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail", "errors"],
}
ALWAYS = {
    "400": "The request was not valid: see `errors` for each field.",
    "401": "Not signed in, or the token is not valid.",
    "403": "Your role may not do this (for example a young person changing a plan).",
    "404": "Not found, or outside what you may see (the two are not told apart).",
}
SIGN_IN = {"429": "Too many sign-in attempts: wait a minute (an hour when many have failed "
                          "from your address)."}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            errors = ALWAYS | (SIGN_IN if path.endswith("/auth/token/") else {})
            for code, description in errors.items():
                responses.setdefault(code, {"description": description, "content": reference})
    return result
