"""Which protocol this run speaks (proved on the wire), and raw-HTTP facts of both protocols:
query requests POSTed to the queue URL's path, error shapes and codes."""
import json
import xml.etree.ElementTree as ET

import botocore

import nimbus_support as ns
import sqs_helpers as h


def test_client_speaks_the_configured_protocol(sqs, sqs_protocol):
    """The request on the wire: JSON (X-Amz-Target, x-amz-json-1.0) or query (form Action=)."""
    assert sqs_protocol == {"": "json", "debian-query": "query"}[h.SQS_CLIENT]
    if sqs_protocol == "query":
        assert botocore.__version__.startswith("1.29."), botocore.__version__
    seen = []

    def capture(request, **_):
        seen.append((dict(request.headers.items()), request.body))

    sqs.meta.events.register("before-send.sqs.ListQueues", capture)
    try:
        sqs.list_queues(QueueNamePrefix="nothing-has-this-prefix")
    finally:
        sqs.meta.events.unregister("before-send.sqs.ListQueues", capture)
    raw_headers, body = seen[0]
    headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in raw_headers.items()}
    body = body.decode() if isinstance(body, bytes) else body
    if sqs_protocol == "json":
        assert headers["Content-Type"] == "application/x-amz-json-1.0"
        assert headers["X-Amz-Target"] == "AmazonSQS.ListQueues"
        assert json.loads(body) == {"QueueNamePrefix": "nothing-has-this-prefix"}
    else:
        assert headers["Content-Type"].startswith("application/x-www-form-urlencoded")
        assert "X-Amz-Target" not in headers
        assert "Action=ListQueues" in body


def test_query_post_to_queue_url_path(nimbus, sqs, queue):
    """Old query SDKs POST to the queue URL itself, with no QueueUrl parameter."""
    path = "/" + h.ACCOUNT + "/" + h.name_of(queue)
    resp = h.query_request(nimbus, {"Action": "SendMessage", "MessageBody": "x"}, path=path)
    assert resp.status == 200, resp
    ns.assert_request_id(resp)
    root = ET.fromstring(resp.body)
    assert h.local(root.tag) == "SendMessageResponse", resp
    assert h.xml_text(root, "MD5OfMessageBody") == h.md5_hex("x")
    message_id = h.xml_text(root, "MessageId")
    assert ns.UUID_RE.match(message_id or ""), resp

    resp = h.query_request(nimbus, {"Action": "GetQueueAttributes", "AttributeName.1": "QueueArn"},
                           path=path)
    assert resp.status == 200, resp
    assert h.xml_text(ET.fromstring(resp.body), "Value") == h.queue_arn(h.name_of(queue))

    msgs = h.receive(sqs, queue, WaitTimeSeconds=1)
    assert [(m["MessageId"], m["Body"]) for m in msgs] == [(message_id, "x")]


def test_query_post_to_unknown_queue_path(nimbus):
    resp = h.query_request(nimbus, {"Action": "SendMessage", "MessageBody": "x"},
                           path=f"/{h.ACCOUNT}/{h.queue_name('missing')}")
    assert resp.status == 400, resp
    err = resp.query_error()
    assert (err["Type"], err["Code"]) == ("Sender", h.NON_EXISTENT_QUEUE), resp


def test_query_error_shape(nimbus):
    resp = h.query_request(nimbus, {"Action": "GetQueueUrl", "QueueName": h.queue_name("missing")})
    assert resp.status == 400, resp
    ns.assert_request_id(resp)
    err = resp.query_error()
    assert (err["Type"], err["Code"]) == ("Sender", h.NON_EXISTENT_QUEUE), resp
    assert "does not exist" in err["Message"], resp


def test_json_error_shape(nimbus):
    body = json.dumps({"QueueName": h.queue_name("missing")}).encode()
    headers = ns.json_headers("AmazonSQS.GetQueueUrl", "1.0")
    resp = ns.request(nimbus, "POST", "/", body, headers, service="sqs")
    assert resp.status == 400, resp
    ns.assert_request_id(resp)
    assert resp.json()["__type"].split("#")[-1] == "QueueDoesNotExist", resp
    assert "does not exist" in resp.json()["message"], resp
    assert resp.headers.get("x-amzn-query-error") == f"{h.NON_EXISTENT_QUEUE};Sender", resp


def test_json_queue_name_exists_shape(nimbus, sqs, make_queue):
    url = make_queue(VisibilityTimeout=10)
    body = json.dumps({"QueueName": h.name_of(url), "Attributes": {"VisibilityTimeout": "11"}})
    resp = ns.request(nimbus, "POST", "/", body.encode(),
                      ns.json_headers("AmazonSQS.CreateQueue", "1.0"), service="sqs")
    assert resp.status == 400, resp
    assert resp.json()["__type"].split("#")[-1] == "QueueNameExists", resp
    assert resp.headers.get("x-amzn-query-error") == "QueueAlreadyExists;Sender", resp
