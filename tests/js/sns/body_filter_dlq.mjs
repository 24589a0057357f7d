// usage: node sns/body_filter_dlq.mjs ENDPOINT
// Through @aws-sdk/client-sns and client-sqs: a filter policy on the message body
// (FilterPolicyScope=MessageBody, nested keys, numeric and prefix operators, $or), a subscription
// whose queue is gone sending to its RedrivePolicy dead-letter queue, and a FIFO topic keeping
// per-group order across interleaved groups in PublishBatch.
import { randomUUID } from "node:crypto";
import * as S from "@aws-sdk/client-sns";
import {
  SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteMessageBatchCommand,
  DeleteQueueCommand,
} from "@aws-sdk/client-sqs";
import { clientOptions } from "../common.mjs";
import { run } from "./expect.mjs";

const endpoint = process.argv[2];
const sns = new S.SNSClient(clientOptions(endpoint));
const sqs = new SQSClient(clientOptions(endpoint));
const call = (op, input = {}) => sns.send(new S[`${op}Command`](input));
const id = randomUUID().slice(0, 8);

async function queue(name, attributes = {}) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  return { url, arn };
}

async function receive(url, count, ms = 10000) {
  const got = [];
  const deadline = Date.now() + ms;
  while (got.length < count && Date.now() < deadline) {
    const out = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ["All"],
    }));
    const msgs = out.Messages ?? [];
    got.push(...msgs);
    if (msgs.length) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })) }));
    }
  }
  return got;
}

await run(async (expect) => {
  const topic = (await call("CreateTopic", { Name: `js-body-${id}` })).TopicArn;

  // Filter on the body.
  const bodyQ = await queue(`js-body-${id}`);
  const policy = {
    order: { total: [{ numeric: [">=", 100] }], region: [{ prefix: "eu-" }] },
    $or: [{ kind: ["gift"] }, { vip: [true] }],
  };
  await call("Subscribe", {
    TopicArn: topic, Protocol: "sqs", Endpoint: bodyQ.arn,
    Attributes: { RawMessageDelivery: "true", FilterPolicyScope: "MessageBody", FilterPolicy: JSON.stringify(policy) },
  });
  const messages = [
    { order: { total: 150, region: "eu-west-1" }, kind: "gift" },          // match
    { order: { total: 150, region: "eu-west-1" }, vip: true },             // match through $or
    { order: { total: 99, region: "eu-west-1" }, kind: "gift" },           // total too small
    { order: { total: 150, region: "us-east-1" }, kind: "gift" },          // region
    { order: { total: 150, region: "eu-north-1" }, kind: "plain" },        // neither $or branch
  ];
  for (const m of messages) await call("Publish", { TopicArn: topic, Message: JSON.stringify(m) });
  await call("Publish", { TopicArn: topic, Message: "not json at all" });
  const matched = await receive(bodyQ.url, 2);
  expect.eq("body filter matches", matched.map((m) => JSON.parse(m.Body)).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    [messages[0], messages[1]].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))));
  expect.eq("nothing else", (await receive(bodyQ.url, 1, 1500)).length, 0);
  await expect.throws("body policy too complex", call("Subscribe", {
    TopicArn: topic, Protocol: "sqs", Endpoint: bodyQ.arn + "-x",
    Attributes: { FilterPolicyScope: "MessageBody", FilterPolicy: JSON.stringify({ a: Array.from({ length: 200 }, (_, i) => `v${i}`), b: Array.from({ length: 200 }, (_, i) => `w${i}`) }) },
  }), "InvalidParameterException", 400);

  // A subscription whose queue is gone: the message goes to its dead-letter queue.
  const dlq = await queue(`js-dlq-${id}`);
  const gone = await queue(`js-gone-${id}`);
  const sub = (await call("Subscribe", {
    TopicArn: topic, Protocol: "sqs", Endpoint: gone.arn, ReturnSubscriptionArn: true,
    Attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn }) },
  })).SubscriptionArn;
  const attrs = (await call("GetSubscriptionAttributes", { SubscriptionArn: sub })).Attributes;
  expect.eq("RedrivePolicy attribute", JSON.parse(attrs.RedrivePolicy ?? "{}"), { deadLetterTargetArn: dlq.arn });
  await sqs.send(new DeleteQueueCommand({ QueueUrl: gone.url }));
  const lost = await call("Publish", { TopicArn: topic, Message: JSON.stringify({ order: { total: 1 } }) });
  const [dead] = await receive(dlq.url, 1);
  const envelope = JSON.parse(dead?.Body ?? "{}");
  expect.eq("dead-lettered envelope", [envelope.Type, envelope.MessageId, envelope.TopicArn], ["Notification", lost.MessageId, topic]);

  // FIFO: interleaved groups keep their own order.
  const fifoTopic = (await call("CreateTopic", { Name: `js-groups-${id}.fifo`, Attributes: { FifoTopic: "true", ContentBasedDeduplication: "true" } })).TopicArn;
  const fifoQ = await queue(`js-groups-${id}.fifo`, { FifoQueue: "true" });
  await call("Subscribe", { TopicArn: fifoTopic, Protocol: "sqs", Endpoint: fifoQ.arn, Attributes: { RawMessageDelivery: "true" } });
  const entries = Array.from({ length: 10 }, (_, i) => ({ Id: `e${i}`, Message: `${i % 2 ? "b" : "a"}-${i}`, MessageGroupId: i % 2 ? "B" : "A" }));
  const out = await call("PublishBatch", { TopicArn: fifoTopic, PublishBatchRequestEntries: entries });
  expect.eq("fifo batch ok", (out.Successful ?? []).length, 10);
  const again = await call("PublishBatch", { TopicArn: fifoTopic, PublishBatchRequestEntries: entries.slice(0, 2) });
  expect.eq("content-based dedup: same MessageIds", (again.Successful ?? []).map((s) => s.MessageId),
    (out.Successful ?? []).slice(0, 2).map((s) => s.MessageId));
  const got = await receive(fifoQ.url, 10);
  const byGroup = (g) => got.filter((m) => m.Attributes?.MessageGroupId === g).map((m) => m.Body);
  expect.eq("group A order", byGroup("A"), entries.filter((e) => e.MessageGroupId === "A").map((e) => e.Message));
  expect.eq("group B order", byGroup("B"), entries.filter((e) => e.MessageGroupId === "B").map((e) => e.Message));
  expect.eq("no duplicates delivered", (await receive(fifoQ.url, 1, 1500)).length, 0);

  for (const t of [topic, fifoTopic]) await call("DeleteTopic", { TopicArn: t });
  for (const q of [bodyQ, dlq, fifoQ]) await sqs.send(new DeleteQueueCommand({ QueueUrl: q.url }));
});
