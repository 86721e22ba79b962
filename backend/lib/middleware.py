"""Authentication middleware: resolves the caller once per request, off the event loop."""

from __future__ import annotations

from typing import Any

import anyio
from litestar.connection import ASGIConnection
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult

from backend.lib.auth import authenticate, token_from_connection
from backend.lib.clock import utcnow


class SessionAuthMiddleware(AbstractAuthenticationMiddleware):
    async def authenticate_request(
        self, connection: ASGIConnection[Any, Any, Any, Any]
    ) -> AuthenticationResult:
        state = connection.app.state
        token = token_from_connection(connection)
        principal = await anyio.to_thread.run_sync(
            authenticate, state.engine, state.session_secret, token, utcnow()
        )
        return AuthenticationResult(user=principal, auth=token)
