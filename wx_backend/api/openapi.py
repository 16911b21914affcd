"""The OpenAPI 3.1 document, generated from the registered endpoints and their models."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .routing import ENDPOINTS, Endpoint
from .schemas import ErrorResponse

REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    400: "invalid request: error.field names the field",
    401: "missing, invalid or expired token: call POST /session again",
    404: "not found",
    413: "request body too large",
    415: "body is not JSON",
    429: "rate limited: wait Retry-After seconds",
    502: "WeChat could not be reached or refused the call",
    503: "the mini-program is not configured on this server",
}
# Every operation can answer these (method not allowed, too large, rate limited, server fault).
COMMON_ERRORS = (400, 405, 429, 500)
ERROR_TEXT |= {405: "method not allowed", 500: "server fault (reported to the operator)"}
DESCRIPTION = """\
JSON API for the labor-law mini-program: topics, FAQ search, asking, case explainers,
worksite landing data and statute articles. The same answers as the official account.

Start a session: call `wx.login()` in the mini-program, send the code to `POST /session`, and
send the returned token as `Authorization: Bearer <token>` on the endpoints marked with a lock.
When it expires (401), log in again. Errors are `{"error": {"code", "message", "field"}}`
with a stable `code`; validation errors name the `field`. Requests are rate limited per user
and per IP address (429 with `Retry-After`, in seconds).
"""


def _param_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """A query value is never JSON null: drop the null branch of an optional field."""
    branches = schema.get("anyOf")
    if branches:
        kept = [b for b in branches if b.get("type") != "null"]
        if len(kept) == 1:
            merged = {k: v for k, v in schema.items() if k != "anyOf"}
            merged.update(kept[0])
            if merged.get("default", 0) is None:
                del merged["default"]
            return merged
    return schema


def _query_parameters(model: type[BaseModel], choices: dict[str, list[str]]
                      ) -> list[dict[str, Any]]:
    properties = model.model_json_schema(ref_template=REF)["properties"]
    params = []
    for name, info in model.model_fields.items():
        schema = _param_schema(dict(properties[name]))
        if name in choices:
            schema["enum"] = list(choices[name])
        param: dict[str, Any] = {"name": name, "in": "query", "required": info.is_required(),
                                 "schema": schema}
        if info.description:
            param["description"] = info.description
        params.append(param)
    return params


def _models() -> list[tuple[type[BaseModel], Literal["validation", "serialization"]]]:
    pairs: set[tuple[type[BaseModel], Literal["validation", "serialization"]]] = {
        (ErrorResponse, "serialization")
    }
    for spec in ENDPOINTS:
        pairs.add((spec.response, "serialization"))
        if spec.body is not None:
            pairs.add((spec.body, "validation"))
    return sorted(pairs, key=lambda pair: pair[0].__name__)


def _json(model_name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF.format(model=model_name)}}}


def _operation(spec: Endpoint, choices: dict[str, list[str]]) -> dict[str, Any]:
    operation_id = spec.method.lower() + "_" + (
        spec.path.strip("/").replace("/", "_").replace("{", "").replace("}", ""))
    operation: dict[str, Any] = {
        "summary": spec.summary,
        "operationId": operation_id,
        "tags": [spec.tag],
        "responses": {
            str(spec.status): {"description": "success", "content": _json(spec.response.__name__)},
        },
    }
    if spec.description:
        operation["description"] = spec.description
    parameters: list[dict[str, Any]] = []
    for name, pattern in spec.path_params.items():
        param: dict[str, Any] = {"name": name, "in": "path", "required": True,
                                 "schema": {"type": "string", "pattern": pattern}}
        if name in spec.path_examples:
            param["example"] = spec.path_examples[name]
        parameters.append(param)
    if spec.query is not None:
        parameters += _query_parameters(spec.query, choices)
    if parameters:
        operation["parameters"] = parameters
    if spec.body is not None:
        operation["requestBody"] = {"required": True, "content": _json(spec.body.__name__)}
    codes = {*COMMON_ERRORS, *spec.errors}
    if spec.auth:
        codes.add(401)
        operation["security"] = [{"bearer": []}]
    if spec.body is not None:
        codes |= {413, 415}
    if spec.path_params:
        codes.add(404)
    for code in sorted(codes):
        response: dict[str, Any] = {
            "description": ERROR_TEXT.get(code, "error"),
            "content": _json("ErrorResponse"),
        }
        if code == 429:
            response["headers"] = {
                "Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
        operation["responses"][str(code)] = response
    return operation


def build_document(title: str, version: str = "1.0.0",
                   choices: dict[str, dict[str, list[str]]] | None = None) -> dict[str, Any]:
    """The whole document; `servers` makes every path relative to /api/v1.

    `choices` lists, per path and query parameter, the values the content allows (the FAQ
    topics), so a client developer sees them in the document.
    """
    _, defs = models_json_schema(_models(), ref_template=REF)
    paths: dict[str, Any] = {}
    for spec in ENDPOINTS:
        operation = _operation(spec, (choices or {}).get(spec.path, {}))
        paths.setdefault(spec.path, {})[spec.method.lower()] = operation
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": DESCRIPTION},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": defs.get("$defs", {}),
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer",
                           "description": "the token from POST /session"}},
        },
    }
