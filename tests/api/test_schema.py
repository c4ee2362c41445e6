"""Schemathesis against the OpenAPI schema: generated requests to every operation (a real SQLite
file, a stored meeting to aim at) never get a server error."""

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import hypothesis
import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from sqlalchemy import Engine

from api import create_app
from gijiroku.config import Settings
from gijiroku.recordings import accept_file

SAMPLE = Path(__file__).parents[2] / "samples" / "committee-meeting-en.flac"


def aimed_at(real: dict[str, str]) -> Callable[[schemathesis.Case], schemathesis.Case]:
    """Path ids replaced by ones that exist, so bodies reach the code behind the lookup."""

    def aim(case: schemathesis.Case) -> schemathesis.Case:
        for name, value in real.items():
            if case.path_parameters and name in case.path_parameters:
                case.path_parameters[name] = value
        return case

    return aim


@pytest.mark.slow  # about 2,000 generated requests: 15-20 s
def test_generated_requests_get_no_server_error(settings: Settings, engine: Engine) -> None:
    accepted = accept_file(engine, settings.data_dir, SAMPLE)  # a meeting and a job exist
    real = {"meeting_id": accepted.meeting_id, "job_id": accepted.job_id}
    # schemathesis talks to the app as "testserver"; host checks are tested in test_web.py
    app = create_app(settings.model_copy(update={"allowed_hosts": "testserver"}))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    tried: list[str] = []
    answered: dict[str, set[int]] = defaultdict(set)
    operations = [result.ok() for result in schema.get_all_operations()]
    # deleting the meeting last keeps it there for the others, and a step of the workflow
    # (which may approve it: read-only) just before keeps it open to their changes
    operations.sort(key=lambda op: (op.label == "DELETE /api/meetings/{meeting_id}",
                                    op.label == "POST /api/meetings/{meeting_id}/state"))
    for operation in operations:
        tried.append(operation.label)
        strategies = [operation.as_strategy()]
        # an event stream aimed at a real meeting stays open until the client gives up
        # (10 s a request, 250 s in all): job events are tested in test_api.py, meeting
        # events by the two-window browser test; here they get the generated ids only
        if "{" in operation.path and not operation.path.endswith("/events"):
            strategies.append(operation.as_strategy().map(aimed_at(real)))
        for strategy in strategies:

            @hypothesis.given(case=strategy)
            @hypothesis.settings(max_examples=25, deadline=None, derandomize=True,
                                 database=None,
                                 suppress_health_check=list(hypothesis.HealthCheck))
            def no_server_error(case: schemathesis.Case) -> None:
                response = case.call_and_validate(checks=[not_a_server_error])
                answered[case.operation.label].add(response.status_code)

            no_server_error()
    assert "POST /api/meetings" in tried and len(tried) >= 20, tried
    # the aimed requests got past the lookups: real changes were made, not only 404s
    assert 201 in answered["POST /api/meetings/{meeting_id}/decisions"], answered
    assert 200 in answered["GET /api/meetings/{meeting_id}"], answered
    assert 204 in answered["DELETE /api/meetings/{meeting_id}"], answered
