"""Every endpoint of the app as (method, path, endpoint), however routers were included.

FastAPI keeps included routers as nested objects (and not every version
flattens them into ``app.routes``); the menu and the route-by-role test both
need the flat list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi.routing import APIRoute


def _walk(routes, prefix: str = "") -> Iterator[APIRoute | tuple[str, APIRoute]]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix, route
            continue
        nested = getattr(route, "original_router", None)
        if nested is not None:
            context = getattr(route, "include_context", None)
            yield from _walk(nested.routes, prefix + getattr(context, "prefix", ""))


def endpoints(app) -> list[tuple[str, str, Callable]]:
    """(method, path, endpoint) for every API route, sorted by path then method."""
    found = [
        (method, prefix + route.path, route.endpoint)
        for prefix, route in _walk(app.routes)
        for method in route.methods
    ]
    return sorted(found, key=lambda item: (item[1], item[0]))
