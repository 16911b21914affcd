"""The OpenAPI 3.1 document, generated from the registered endpoints and their models."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from .routing import ENDPOINTS
from .schemas import ErrorResponse

REF = "#/components/schemas/{model}"
ERROR_TEXT = {
    400: "invalid request: error.field names the field",
    401: "missing, invalid or expired token",
    404: "not found",
    415: "body is not JSON",
    429: "rate limited: see Retry-After",
    502: "WeChat could not be reached or refused the call",
}


def _query_parameters(model: type[BaseModel], schemas: dict[str, Any]) -> list[dict[str, Any]]:
    params = []
    for name, info in model.model_fields.items():
        schema = model.model_json_schema(ref_template=REF)["properties"][name]
        params.append({"name": name, "in": "query", "required": info.is_required(), "schema": schema})
    return params


def build_document(title: str, version: str = "1.0.0") -> dict[str, Any]:
    models: set[type[BaseModel]] = {ErrorResponse}
    for spec in ENDPOINTS:
        models.add(spec.response)
        if spec.body is not None:
            models.add(spec.body)
    ordered = sorted(models, key=lambda m: m.__name__)
    _, defs = models_json_schema([(m, "serialization") for m in ordered], ref_template=REF)
    schemas: dict[str, Any] = defs.get("$defs", {})

    paths: dict[str, Any] = {}
    for spec in ENDPOINTS:
        operation: dict[str, Any] = {
            "summary": spec.summary,
            "operationId": f"{spec.method.lower()}_{spec.path.strip('/').replace('/', '_').replace('{', '').replace('}', '')}",
            "tags": [spec.tag],
            "responses": {
                str(spec.status): {
                    "description": "success",
                    "content": {"application/json": {"schema": {"$ref": REF.format(model=spec.response.__name__)}}},
                }
            },
        }
        parameters = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string", "pattern": pattern}}
            for name, pattern in spec.path_params.items()
        ]
        if spec.query is not None:
            parameters += _query_parameters(spec.query, schemas)
        if parameters:
            operation["parameters"] = parameters
        if spec.body is not None:
            operation["requestBody"] = {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": REF.format(model=spec.body.__name__)}}},
            }
        codes = {400, 429, *spec.errors}
        if spec.auth:
            codes.add(401)
            operation["security"] = [{"bearer": []}]
        if spec.body is not None:
            codes.add(415)
        for code in sorted(codes):
            response: dict[str, Any] = {
                "description": ERROR_TEXT.get(code, "error"),
                "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorResponse")}}},
            }
            if code == 429:
                response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
            operation["responses"][str(code)] = response
        paths.setdefault(spec.path, {})[spec.method.lower()] = operation

    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "JSON API for the labor-law mini-program: topics, FAQ search, asking, "
            "case explainers, worksite landing data and statute articles. Errors are "
            '`{"error": {"code", "message", "field"}}` with a stable code.',
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }
