"""The mini-program's JSON API (/api/v1): schemas, tokens, rate limits, OpenAPI."""
