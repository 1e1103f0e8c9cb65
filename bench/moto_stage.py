"""A throwaway stage on the in-process AWS emulator (moto) for benchmarks that count storage calls,
provisioned from the same resource declaration as the local runtime and the tests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import boto3

STAGE = "bench"
_ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": "bench",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "TFC_STAGE": STAGE,
    "TFC_AUTO_APPROVE": "",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
}


@contextmanager
def stage() -> Iterator[boto3.session.Session]:
    from moto import mock_aws

    saved = {k: os.environ.get(k) for k in [*_ENV, "AWS_ENDPOINT_URL", "AWS_PROFILE"]}
    for key in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
        os.environ.pop(key, None)
    os.environ.update(_ENV)
    from shared import caches
    from tfc.local.emulator import harden_moto
    from tfc.local.provision import provision

    harden_moto()
    try:
        with mock_aws():
            caches.reset()  # every process-wide cache, the candidate pools included
            from shared.settings import get_settings

            session = boto3.session.Session(region_name="us-east-1")
            settings = get_settings()
            provision(session, STAGE, sender=settings.sender, reply_domain=settings.reply_domain,
                      parameters={"ops-api-key": "bench-ops-key-0123456789", "reply-token-key": "b" * 40})  # fmt: skip
            yield session
            caches.reset()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def approve_projects(count: int, seed: int) -> int:
    """Synthetic campaign requests through intake's own use cases until `count` projects are
    approved (matching). Returns how many were."""
    from services.intake.domain.requests import CampaignRequest
    from services.intake.usecases import approve_project, submit_campaign
    from shared.models import utcnow
    from shared.storage import main_store
    from tfc.demo import synthetic

    def no_publish(queue: str, events: object) -> None:  # the bench measures matching only
        return None

    approved = 0
    for request in synthetic.campaigns(count, seed):
        _, projects, _ = submit_campaign(
            main_store(), no_publish, CampaignRequest.model_validate(request), now=utcnow(),
            correlation_id="bench", auto_approve=False,
        )  # fmt: skip
        for project in projects:
            if approved < count:
                approve_project(main_store(), no_publish, project.project_id, now=utcnow(), correlation_id="bench")
                approved += 1
        if approved >= count:
            break
    return approved
