"""The SQS suite runs twice, once per SQS wire protocol, with the same files:

    # JSON protocol: boto3 1.43 from the venv
    NIMBUS_BIN=build/nimbus .venv/bin/python -m pytest -q tests/integration/sqs
    # query protocol: Debian's python3-boto3 1.26 / botocore 1.29
    NIMBUS_BIN=build/nimbus NIMBUS_SQS_CLIENT=debian-query /usr/bin/python3 -m pytest -q \
        tests/integration/sqs

Every test gets its client from the `sqs` fixture, which fails unless the client really speaks
the protocol NIMBUS_SQS_CLIENT asks for (test ids carry `[json]` / `[query]`), so a misconfigured
run cannot test the same protocol twice. The CLI/JS smoke tests (test_sqs_cli_js.py) do not use
the Python SQS client and run once, in the JSON run.

Tests never depend on each other: every queue has a fresh name (`sqs_helpers.queue_name`), and
the shared session server is never reset.
"""
import pytest

import sqs_helpers as h

# The CLI/JS smoke tests do not depend on the Python client; the query run does not collect them.
collect_ignore = ["test_sqs_cli_js.py"] if h.SQS_CLIENT == "debian-query" else []


def pytest_configure(config):
    if h.SQS_CLIENT not in h.CLIENTS:
        raise pytest.UsageError(
            f"NIMBUS_SQS_CLIENT={h.SQS_CLIENT!r}: expected unset (pip boto3, JSON) or "
            f"'debian-query' (Debian's boto3 under /usr/bin/python3, query)")


@pytest.fixture(scope="session", params=[h.PROTOCOL], ids=[h.PROTOCOL])
def sqs_protocol(request):
    """'json' or 'query': the protocol this run tests (also part of every test id)."""
    return request.param


@pytest.fixture(scope="session")
def sqs(nimbus, sqs_protocol):
    """boto3 SQS client on the shared server (dummy creds, us-east-1, no client-side parameter
    validation), asserted to speak `sqs_protocol`."""
    client = h.make_client(nimbus.url)
    assert client.meta.service_model.protocol == sqs_protocol
    return client


@pytest.fixture
def make_queue(sqs):
    """Factory: `make_queue(fifo=False, prefix="q", tags=None, **attributes) -> QueueUrl`.
    Attribute values may be given as ints/bools; they are sent as strings. Queues are deleted
    (best effort) at teardown."""
    urls = []

    def make(fifo: bool = False, prefix: str = "q", tags: dict | None = None, client=None,
             **attrs) -> str:
        client = client or sqs
        wire = {k: (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in attrs.items()}
        if fifo:
            wire.setdefault("FifoQueue", "true")
        params = {"QueueName": h.queue_name(prefix, fifo=fifo)}
        if wire:
            params["Attributes"] = wire
        if tags:
            params["tags"] = tags
        url = client.create_queue(**params)["QueueUrl"]
        urls.append((client, url))
        return url

    yield make
    for client, url in urls:
        try:
            client.delete_queue(QueueUrl=url)
        except Exception:  # the test may have deleted it; teardown is best effort
            pass


@pytest.fixture
def queue(make_queue):
    """A fresh standard queue with AWS's default attributes."""
    return make_queue()


@pytest.fixture
def fifo_queue(make_queue):
    """A fresh FIFO queue (no content-based deduplication)."""
    return make_queue(fifo=True)
