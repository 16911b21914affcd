"""Declare an endpoint once: its schemas validate requests, shape responses and feed OpenAPI.

`@endpoint(...)` wraps a Flask view: it parses the JSON body or query string into a pydantic
model (errors → 400 naming the field), checks the bearer token when the endpoint needs one,
applies the rate limits, and serialises the returned model. The same declarations generate
/api/v1/openapi.json, so the document cannot drift from the code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Response, jsonify, request
from pydantic import BaseModel, ValidationError

from .errors import ApiError


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # OpenAPI style: /faq/{entry_id}
    summary: str
    response: type[BaseModel]
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    path_params: dict[str, str] = field(default_factory=dict)
    auth: bool = False
    status: int = 200
    tag: str = "general"
    errors: tuple[int, ...] = ()


ENDPOINTS: list[Endpoint] = []


def _field_name(error: dict[str, Any]) -> str:
    location = [str(part) for part in error.get("loc", ()) if part != "__root__"]
    return ".".join(location) or "body"


def _validation_error(exc: ValidationError) -> ApiError:
    first = exc.errors(include_url=False)[0]
    name = _field_name(dict(first))
    return ApiError(400, "invalid_request", f"{name}: {first.get('msg', 'invalid value')}", name)


def parse_body(model: type[BaseModel]) -> BaseModel:
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type", "send a JSON body (Content-Type: application/json)")
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        raise ApiError(400, "invalid_json", "the body must be a JSON object", "body")
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        raise _validation_error(exc) from None


def parse_query(model: type[BaseModel]) -> BaseModel:
    raw = {key: request.args.get(key) for key in request.args}
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise _validation_error(exc) from None


def endpoint(
    spec: Endpoint,
    *,
    before: Callable[[Endpoint], None] | None = None,
) -> Callable[[Callable[..., BaseModel]], Callable[..., Response]]:
    """Register `spec` for OpenAPI and wrap the view with validation and serialisation."""
    ENDPOINTS.append(spec)

    def decorate(view: Callable[..., BaseModel]) -> Callable[..., Response]:
        @functools.wraps(view)
        def wrapper(**path_args: Any) -> Response:
            if before is not None:
                before(spec)
            kwargs: dict[str, Any] = dict(path_args)
            if spec.body is not None:
                kwargs["body"] = parse_body(spec.body)
            if spec.query is not None:
                kwargs["query"] = parse_query(spec.query)
            result = view(**kwargs)
            response = jsonify(result.model_dump(mode="json"))
            response.status_code = spec.status
            return response

        return wrapper

    return decorate
