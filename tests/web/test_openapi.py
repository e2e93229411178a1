"""Schemathesis against the app's own OpenAPI schema: no request it generates gets a 5xx.

Each operation is called with generated (often hostile) parameters and bodies,
as an administrator (to reach the handlers) and anonymously. The operations
are driven with Hypothesis directly: Schemathesis' pytest plugin does not run
under this pytest.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES = 30


def test_no_generated_request_gets_a_server_error(app, people):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case):
            for headers in (people["admin"].headers, {}):
                response = case.call(headers=headers)
                assert response.status_code < 500, (
                    f"{case.method} {case.formatted_path} -> {response.status_code}: "
                    f"{response.text[:300]}"
                )

        try:
            call()
        except Exception as error:  # a 5xx, or a crash the test transport re-raises
            failures.append(f"{operation.label}: {type(error).__name__}: {error}"[:400])
    assert failures == []
