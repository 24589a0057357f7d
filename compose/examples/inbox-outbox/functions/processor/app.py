"""processor: drains the inbox queue (SQS event source mapping), writes one result per message
to the outbox queue, and reports the messages it cannot process as batch item failures: they
return to the inbox and, after maxReceiveCount receives, move to the dead-letter queue."""
import json
import logging
import os

import boto3

logger = logging.getLogger()
logger.setLevel(logging.INFO)
# The SDK finds Nimbus through AWS_ENDPOINT_URL, which the runtime sets.
sqs = boto3.client("sqs", endpoint_url=os.environ.get("AWS_ENDPOINT_URL"))
OUTBOX_URL = None


def outbox_url():
    global OUTBOX_URL
    if OUTBOX_URL is None:
        OUTBOX_URL = sqs.get_queue_url(QueueName=os.environ["OUTBOX_QUEUE"])["QueueUrl"]
    return OUTBOX_URL


def handler(event, context):
    failures = []
    for record in event["Records"]:
        try:
            order = json.loads(record["body"])
            total = sum(item["price"] * item["quantity"] for item in order["items"])
        except (ValueError, KeyError, TypeError) as e:
            logger.warning("rejecting message %s: %s", record["messageId"], e)
            failures.append({"itemIdentifier": record["messageId"]})
            continue
        sqs.send_message(QueueUrl=outbox_url(), MessageBody=json.dumps({
            "order": order.get("id"), "total": round(total, 2), "status": "accepted",
            "source": record["messageId"]}))
        logger.info("accepted order %s (total %.2f)", order.get("id"), total)
    return {"batchItemFailures": failures}
