// usage: node sns/publish_sqs.mjs ENDPOINT
// SNS → SQS through @aws-sdk/client-sns and @aws-sdk/client-sqs: subscriptions (raw and envelope,
// a filter policy set through SetSubscriptionAttributes), ListSubscriptionsByTopic and
// ListSubscriptions pagination, Publish and PublishBatch with message attributes of every data
// type (Binary included), MessageStructure=json, FIFO group/dedup ids, and what arrives in the
// queues (the envelope's fields, its signature's presence; raw bodies and attributes, whose MD5s
// the SQS client verifies itself), unsubscribe, and the batch errors as typed exceptions.
import { randomUUID } from "node:crypto";
import {
  SNSClient, CreateTopicCommand, DeleteTopicCommand, SubscribeCommand, UnsubscribeCommand,
  GetSubscriptionAttributesCommand, SetSubscriptionAttributesCommand, ListSubscriptionsByTopicCommand,
  paginateListSubscriptionsByTopic, paginateListSubscriptions, PublishCommand, PublishBatchCommand,
} from "@aws-sdk/client-sns";
import {
  SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand,
  DeleteMessageBatchCommand, DeleteQueueCommand,
} from "@aws-sdk/client-sqs";
import { clientOptions } from "../common.mjs";
import { run } from "./expect.mjs";
import { signatureValid } from "./signature.mjs";

const endpoint = process.argv[2];
const sns = new SNSClient(clientOptions(endpoint));
const sqs = new SQSClient(clientOptions(endpoint));
const id = randomUUID().slice(0, 8);
const queues = [];
const topics = [];

async function queue(suffix, fifo = false) {
  const name = `js-${suffix}-${id}${fifo ? ".fifo" : ""}`;
  const url = (await sqs.send(new CreateQueueCommand({
    QueueName: name, Attributes: fifo ? { FifoQueue: "true" } : {},
  }))).QueueUrl;
  queues.push(url);
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  return { url, arn };
}

async function topic(name, attributes) {
  const arn = (await sns.send(new CreateTopicCommand({ Name: name, Attributes: attributes }))).TopicArn;
  topics.push(arn);
  return arn;
}

// Receives (and deletes) until `count` messages arrived or `ms` passed.
async function receive(url, count, ms = 10000) {
  const got = [];
  const deadline = Date.now() + ms;
  while (got.length < count && Date.now() < deadline) {
    const out = await sqs.send(new ReceiveMessageCommand({
      QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
      MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"],
    }));
    const msgs = out.Messages ?? [];
    got.push(...msgs);
    if (msgs.length) {
      await sqs.send(new DeleteMessageBatchCommand({
        QueueUrl: url, Entries: msgs.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
      }));
    }
  }
  return got;
}

const BINARY = new Uint8Array([0, 1, 2, 127, 128, 254, 255]);
const ATTRS = {
  text: { DataType: "String", StringValue: "héllo ✓ \u{1F600} <&>" },
  list: { DataType: "String.Array", StringValue: JSON.stringify(["a", 1, true, null]) },
  price: { DataType: "Number", StringValue: "12.50" },
  blob: { DataType: "Binary", BinaryValue: BINARY },
};

await run(async (expect) => {
  const topicArn = await topic(`js-pub-${id}`);
  const envQ = await queue("env");
  const rawQ = await queue("raw");
  const filtQ = await queue("filt");

  const envSub = (await sns.send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: "sqs", Endpoint: envQ.arn, ReturnSubscriptionArn: true,
  }))).SubscriptionArn;
  expect.true("subscription arn", envSub.startsWith(`${topicArn}:`), envSub);
  expect.eq("subscribe is idempotent", (await sns.send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: "sqs", Endpoint: envQ.arn, ReturnSubscriptionArn: true,
  }))).SubscriptionArn, envSub);
  const rawSub = (await sns.send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: "sqs", Endpoint: rawQ.arn, Attributes: { RawMessageDelivery: "true" },
  }))).SubscriptionArn;
  const filtSub = (await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: filtQ.arn }))).SubscriptionArn;
  const filter = { price: [{ numeric: [">", 100] }], text: [{ prefix: "big" }] };
  await sns.send(new SetSubscriptionAttributesCommand({
    SubscriptionArn: filtSub, AttributeName: "FilterPolicy", AttributeValue: JSON.stringify(filter),
  }));
  await sns.send(new SetSubscriptionAttributesCommand({
    SubscriptionArn: filtSub, AttributeName: "RawMessageDelivery", AttributeValue: "true",
  }));
  const fa = (await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: filtSub }))).Attributes;
  expect.eq("FilterPolicy attribute", JSON.parse(fa.FilterPolicy), filter);
  expect.eq("FilterPolicyScope default", fa.FilterPolicyScope, "MessageAttributes");
  expect.eq("RawMessageDelivery attribute", fa.RawMessageDelivery, "true");
  expect.eq("Protocol attribute", fa.Protocol, "sqs");
  expect.eq("Endpoint attribute", fa.Endpoint, filtQ.arn);
  expect.eq("TopicArn attribute", fa.TopicArn, topicArn);
  expect.eq("PendingConfirmation", fa.PendingConfirmation, "false");
  await expect.throws("invalid filter policy",
    sns.send(new SetSubscriptionAttributesCommand({
      SubscriptionArn: filtSub, AttributeName: "FilterPolicy", AttributeValue: '{"a": "not-a-list"}',
    })), "InvalidParameterException", 400);
  await expect.throws("unknown protocol",
    sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "carrier-pigeon", Endpoint: "x" })),
    "InvalidParameterException", 400);

  const listed = (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }))).Subscriptions;
  expect.eq("ListSubscriptionsByTopic", listed.map((s) => s.SubscriptionArn).sort(), [envSub, rawSub, filtSub].sort());
  const envEntry = listed.find((s) => s.SubscriptionArn === envSub);
  expect.eq("listed entry", envEntry, { SubscriptionArn: envSub, Owner: envEntry.Owner, Protocol: "sqs", Endpoint: envQ.arn, TopicArn: topicArn });

  // Publish with every attribute type; the filtered subscription must not get it (price 12.5).
  const subject = "Subject: <order> & \"x\"";  // AWS takes printable ASCII only
  const body = "message body ✓ \u{1F680} <xml> & \"quotes\"";
  const pub = await sns.send(new PublishCommand({ TopicArn: topicArn, Message: body, Subject: subject, MessageAttributes: ATTRS }));
  expect.true("publish MessageId", /^[0-9a-f-]{36}$/.test(pub.MessageId), pub.MessageId);
  // A matching one for the filtered queue.
  const big = await sns.send(new PublishCommand({
    TopicArn: topicArn, Message: "big order",
    MessageAttributes: { price: { DataType: "Number", StringValue: "250" }, text: { DataType: "String", StringValue: "big one" } },
  }));

  const env = await receive(envQ.url, 2);
  expect.eq("envelope count", env.length, 2);
  const note = JSON.parse(env.find((m) => JSON.parse(m.Body).MessageId === pub.MessageId)?.Body ?? "{}");
  expect.eq("envelope Type", note.Type, "Notification");
  expect.eq("envelope MessageId", note.MessageId, pub.MessageId);
  expect.eq("envelope TopicArn", note.TopicArn, topicArn);
  expect.eq("envelope Subject", note.Subject, subject);
  expect.eq("envelope Message", note.Message, body);
  expect.true("envelope Timestamp", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(note.Timestamp ?? ""), note.Timestamp);
  expect.eq("envelope SignatureVersion", note.SignatureVersion, "1");
  expect.true("envelope Signature", /^[A-Za-z0-9+/]+=*$/.test(note.Signature ?? "") && Buffer.from(note.Signature, "base64").length >= 128, note.Signature);
  expect.true("envelope signature verifies", await signatureValid(note), note);
  expect.true("envelope SigningCertURL", /^https?:\/\/.+\.pem$/.test(note.SigningCertURL ?? ""), note.SigningCertURL);
  expect.true("envelope UnsubscribeURL", (note.UnsubscribeURL ?? "").includes(`SubscriptionArn=${encodeURIComponent(envSub)}`) ||
    (note.UnsubscribeURL ?? "").includes(`SubscriptionArn=${envSub}`), note.UnsubscribeURL);
  expect.eq("envelope MessageAttributes", note.MessageAttributes, {
    text: { Type: "String", Value: ATTRS.text.StringValue },
    list: { Type: "String.Array", Value: ATTRS.list.StringValue },
    price: { Type: "Number", Value: "12.50" },
    blob: { Type: "Binary", Value: Buffer.from(BINARY).toString("base64") },
  });

  const raw = await receive(rawQ.url, 2);
  expect.eq("raw count", raw.length, 2);
  const rawMsg = raw.find((m) => m.Body === body);
  expect.true("raw body", !!rawMsg, raw.map((m) => m.Body));
  const norm = (attrs) => Object.fromEntries(Object.entries(attrs ?? {}).map(([k, v]) => [k, {
    DataType: v.DataType, StringValue: v.StringValue,
    BinaryValue: v.BinaryValue ? Buffer.from(v.BinaryValue).toString("hex") : undefined,
  }]));
  expect.eq("raw attributes", norm(rawMsg?.MessageAttributes), norm(ATTRS));

  const filt = await receive(filtQ.url, 1, 3000);
  expect.eq("filtered delivery", filt.map((m) => m.Body), ["big order"]);
  expect.eq("filtered attributes", norm(filt[0]?.MessageAttributes), norm({
    price: { DataType: "Number", StringValue: "250" }, text: { DataType: "String", StringValue: "big one" },
  }));
  expect.true("filtered message id", !!big.MessageId);

  // MessageStructure=json: one message per protocol.
  await sns.send(new PublishCommand({
    TopicArn: topicArn, MessageStructure: "json",
    Message: JSON.stringify({ default: "for everyone", sqs: "for sqs ✓" }),
  }));
  const [structured] = await receive(envQ.url, 1);
  expect.eq("MessageStructure=json sqs message", JSON.parse(structured?.Body ?? "{}").Message, "for sqs ✓");
  const [structuredRaw] = await receive(rawQ.url, 1);
  expect.eq("MessageStructure=json raw", structuredRaw?.Body, "for sqs ✓");
  await expect.throws("MessageStructure=json without default",
    sns.send(new PublishCommand({ TopicArn: topicArn, MessageStructure: "json", Message: JSON.stringify({ sqs: "x" }) })),
    "InvalidParameterException", 400);
  await expect.throws("MessageStructure=json not JSON",
    sns.send(new PublishCommand({ TopicArn: topicArn, MessageStructure: "json", Message: "nope" })),
    "InvalidParameterException", 400);
  await expect.throws("attribute without value",
    sns.send(new PublishCommand({ TopicArn: topicArn, Message: "m", MessageAttributes: { a: { DataType: "String" } } })),
    "InvalidParameterValueException", 400);
  await expect.throws("non-ASCII subject",
    sns.send(new PublishCommand({ TopicArn: topicArn, Message: "m", Subject: "Grüße" })), "InvalidParameterException", 400);
  await expect.throws("empty message",
    sns.send(new PublishCommand({ TopicArn: topicArn, Message: "" })), "InvalidParameterException", 400);

  // PublishBatch.
  const entries = [0, 1, 2].map((i) => ({
    Id: `e${i}`, Message: `batch ${i} ✓`, Subject: `s${i}`,
    MessageAttributes: { idx: { DataType: "Number", StringValue: String(i) }, blob: ATTRS.blob },
  }));
  const batch = await sns.send(new PublishBatchCommand({ TopicArn: topicArn, PublishBatchRequestEntries: entries }));
  expect.eq("batch Failed", batch.Failed ?? [], []);
  expect.eq("batch Successful ids", (batch.Successful ?? []).map((s) => s.Id).sort(), ["e0", "e1", "e2"]);
  const batchIds = Object.fromEntries((batch.Successful ?? []).map((s) => [s.MessageId, s.Id]));
  const benv = await receive(envQ.url, 3);
  expect.eq("batch envelopes", benv.map((m) => JSON.parse(m.Body)).map((n) => [batchIds[n.MessageId], n.Message, n.Subject,
    n.MessageAttributes?.idx?.Value, n.MessageAttributes?.blob?.Value]).sort(),
  [0, 1, 2].map((i) => [`e${i}`, `batch ${i} ✓`, `s${i}`, String(i), Buffer.from(BINARY).toString("base64")]));
  const braw = await receive(rawQ.url, 3);
  expect.eq("batch raw bodies", braw.map((m) => m.Body).sort(), entries.map((e) => e.Message));
  expect.true("batch raw binary", braw.every((m) => Buffer.from(m.MessageAttributes?.blob?.BinaryValue ?? []).equals(Buffer.from(BINARY))),
    braw.map((m) => m.MessageAttributes));

  await expect.throws("batch ids not distinct", sns.send(new PublishBatchCommand({
    TopicArn: topicArn, PublishBatchRequestEntries: [{ Id: "a", Message: "1" }, { Id: "a", Message: "2" }],
  })), "BatchEntryIdsNotDistinctException", 400);
  await expect.throws("batch too many entries", sns.send(new PublishBatchCommand({
    TopicArn: topicArn, PublishBatchRequestEntries: Array.from({ length: 11 }, (_, i) => ({ Id: `i${i}`, Message: "m" })),
  })), "TooManyEntriesInBatchRequestException", 400);
  await expect.throws("batch empty", sns.send(new PublishBatchCommand({
    TopicArn: topicArn, PublishBatchRequestEntries: [],
  })), "EmptyBatchRequestException", 400);
  await expect.throws("batch invalid id", sns.send(new PublishBatchCommand({
    TopicArn: topicArn, PublishBatchRequestEntries: [{ Id: "bad id!", Message: "m" }],
  })), "InvalidBatchEntryIdException", 400);

  // FIFO topic → FIFO queue: group and dedup ids, sequence numbers, dedup drops the repeat.
  const fifoTopic = await topic(`js-fifo-${id}.fifo`, { FifoTopic: "true" });
  const fifoQ = await queue("fifo", true);
  await sns.send(new SubscribeCommand({
    TopicArn: fifoTopic, Protocol: "sqs", Endpoint: fifoQ.arn, Attributes: { RawMessageDelivery: "true" },
  }));
  const f1 = await sns.send(new PublishCommand({ TopicArn: fifoTopic, Message: "f1", MessageGroupId: "g1", MessageDeduplicationId: "d1" }));
  expect.true("fifo SequenceNumber", /^\d+$/.test(f1.SequenceNumber ?? ""), f1);
  const f1again = await sns.send(new PublishCommand({ TopicArn: fifoTopic, Message: "f1 again", MessageGroupId: "g1", MessageDeduplicationId: "d1" }));
  expect.eq("fifo dedup same MessageId", f1again.MessageId, f1.MessageId);
  const fb = await sns.send(new PublishBatchCommand({
    TopicArn: fifoTopic, PublishBatchRequestEntries: [2, 3, 4].map((i) => ({
      Id: `f${i}`, Message: `f${i}`, MessageGroupId: "g1", MessageDeduplicationId: `d${i}`,
    })),
  }));
  expect.eq("fifo batch Failed", fb.Failed ?? [], []);
  expect.true("fifo batch SequenceNumbers", (fb.Successful ?? []).every((s) => /^\d+$/.test(s.SequenceNumber ?? "")), fb.Successful);
  const seqs = [f1.SequenceNumber, ...(fb.Successful ?? []).map((s) => s.SequenceNumber)].map(BigInt);
  expect.true("fifo sequence numbers increase", seqs.every((s, i) => i === 0 || s > seqs[i - 1]), seqs.map(String));
  const fifoGot = await receive(fifoQ.url, 4);
  expect.eq("fifo order and dedup", fifoGot.map((m) => m.Body), ["f1", "f2", "f3", "f4"]);
  expect.eq("fifo group id", fifoGot.map((m) => m.Attributes?.MessageGroupId), ["g1", "g1", "g1", "g1"]);
  const more = await receive(fifoQ.url, 1, 1500);
  expect.eq("fifo nothing more", more.length, 0);
  await expect.throws("fifo batch without dedup id", sns.send(new PublishBatchCommand({
    TopicArn: fifoTopic, PublishBatchRequestEntries: [{ Id: "x", Message: "m", MessageGroupId: "g" }],
  })), "InvalidParameterException", 400);

  // Pagination of ListSubscriptionsByTopic (100 per page) and ListSubscriptions.
  const pageTopic = await topic(`js-subs-${id}`);
  const fakeArns = Array.from({ length: 105 }, (_, i) => `arn:aws:sqs:us-east-1:000000000000:js-none-${id}-${i}`);
  for (let i = 0; i < fakeArns.length; i += 15) {
    await Promise.all(fakeArns.slice(i, i + 15).map((endpointArn) =>
      sns.send(new SubscribeCommand({ TopicArn: pageTopic, Protocol: "sqs", Endpoint: endpointArn }))));
  }
  const firstPage = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: pageTopic }));
  expect.eq("by-topic first page size", firstPage.Subscriptions.length, 100);
  expect.true("by-topic NextToken", !!firstPage.NextToken, firstPage.NextToken);
  const byTopic = [];
  let pages = 0;
  for await (const page of paginateListSubscriptionsByTopic({ client: sns }, { TopicArn: pageTopic })) {
    pages++;
    byTopic.push(...page.Subscriptions.map((s) => s.Endpoint));
  }
  expect.eq("by-topic pages", pages, 2);
  expect.eq("by-topic all endpoints", byTopic.sort(), [...fakeArns].sort());
  const all = [];
  for await (const page of paginateListSubscriptions({ client: sns }, {})) all.push(...page.Subscriptions.map((s) => s.SubscriptionArn));
  expect.eq("ListSubscriptions no duplicates", new Set(all).size, all.length);
  expect.true("ListSubscriptions has ours", [envSub, rawSub, filtSub].every((s) => all.includes(s)) && all.length >= 108, all.length);

  // Unsubscribe: gone from the listing and from deliveries.
  await sns.send(new UnsubscribeCommand({ SubscriptionArn: rawSub }));
  await expect.throws("attributes of removed subscription",
    sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: rawSub })), "NotFoundException", 404);
  await sns.send(new PublishCommand({ TopicArn: topicArn, Message: "after unsubscribe" }));
  expect.eq("envelope still delivered", (await receive(envQ.url, 1)).map((m) => JSON.parse(m.Body).Message), ["after unsubscribe"]);
  expect.eq("unsubscribed queue empty", (await receive(rawQ.url, 1, 1500)).length, 0);
  expect.eq("listing after unsubscribe", (await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn })))
    .Subscriptions.map((s) => s.SubscriptionArn).sort(), [envSub, filtSub].sort());

  for (const t of topics) await sns.send(new DeleteTopicCommand({ TopicArn: t }));
  for (const q of queues) await sqs.send(new DeleteQueueCommand({ QueueUrl: q }));
  return { topicArn };
});
