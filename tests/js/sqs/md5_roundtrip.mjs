// usage: node sqs/md5_roundtrip.mjs ENDPOINT
// Sends and receives SQS messages with message and system attributes through
// @aws-sdk/client-sqs. The SDK itself validates MD5OfMessageBody / MD5OfBody (and throws on a
// mismatch); this script also recomputes MD5OfMessageAttributes and MD5OfMessageSystemAttributes
// (AWS's algorithm, independently of the server) and checks that every value round-trips.
// Finally a client *without* an explicit endpoint sends to the QueueUrl (the SDK then uses the
// QueueUrl's origin as endpoint), as a container would with the URLs the server hands out.
// Prints one JSON line: {ok, checks, mismatches} or {ok: false, error, ...}.
import { createHash, randomUUID } from "node:crypto";
import {
  SQSClient, CreateQueueCommand, SendMessageCommand, SendMessageBatchCommand,
  ReceiveMessageCommand, DeleteMessageBatchCommand, DeleteQueueCommand,
} from "@aws-sdk/client-sqs";
import { clientOptions } from "../common.mjs";

const endpoint = process.argv[2];
const client = new SQSClient(clientOptions(endpoint));
const mismatches = [];
const checks = [];

const md5 = (data) => createHash("md5").update(data).digest("hex");

// AWS's MD5 over message attributes: sorted by name; for each: len32(name) name,
// len32(type) type, transport byte (1 string/number, 2 binary), len32(value) value.
function md5OfAttributes(attrs) {
  const parts = [];
  const len32 = (buf) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(buf.length);
    return b;
  };
  const push = (buf) => parts.push(len32(buf), buf);
  for (const name of Object.keys(attrs).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    const { DataType, StringValue, BinaryValue } = attrs[name];
    push(Buffer.from(name, "utf8"));
    push(Buffer.from(DataType, "utf8"));
    if (DataType.split(".")[0] === "Binary") {
      parts.push(Buffer.from([2]));
      push(Buffer.from(BinaryValue));
    } else {
      parts.push(Buffer.from([1]));
      push(Buffer.from(StringValue, "utf8"));
    }
  }
  return md5(Buffer.concat(parts));
}

function expectEqual(what, got, want) {
  checks.push(what);
  if (got !== want) mismatches.push({ what, got, want });
}

function sameAttributes(what, got, want) {
  const norm = (attrs) => Object.fromEntries(Object.entries(attrs ?? {}).sort().map(([k, v]) => [
    k, { DataType: v.DataType, StringValue: v.StringValue,
         BinaryValue: v.BinaryValue ? Buffer.from(v.BinaryValue).toString("hex") : undefined }]));
  expectEqual(what, JSON.stringify(norm(got)), JSON.stringify(norm(want)));
}

const ATTRS = {
  greeting: { DataType: "String", StringValue: "héllo ✓ \u{1F600}" },
  price: { DataType: "Number", StringValue: "12.50" },
  count: { DataType: "Number.int", StringValue: "7" },
  blob: { DataType: "Binary", BinaryValue: new Uint8Array([0, 1, 2, 254, 255]) },
  "img.png": { DataType: "Binary.png", BinaryValue: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
};
const TRACE = { AWSTraceHeader: { DataType: "String", StringValue: "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1" } };

let queueUrl;
try {
  queueUrl = (await client.send(new CreateQueueCommand({ QueueName: `js-md5-${randomUUID()}` }))).QueueUrl;

  const sent = {};
  const body0 = "body with unicode: wörld ✓ \u{1F680}";
  const out = await client.send(new SendMessageCommand({
    QueueUrl: queueUrl, MessageBody: body0, MessageAttributes: ATTRS, MessageSystemAttributes: TRACE,
  }));
  expectEqual("send MD5OfMessageBody", out.MD5OfMessageBody, md5(Buffer.from(body0, "utf8")));
  expectEqual("send MD5OfMessageAttributes", out.MD5OfMessageAttributes, md5OfAttributes(ATTRS));
  expectEqual("send MD5OfMessageSystemAttributes", out.MD5OfMessageSystemAttributes, md5OfAttributes(TRACE));
  sent[out.MessageId] = { body: body0, attrs: ATTRS };

  const entries = [0, 1, 2].map((i) => ({
    Id: `e${i}`, MessageBody: `batch ${i} ✓`,
    MessageAttributes: { idx: { DataType: "Number", StringValue: String(i) }, greeting: ATTRS.greeting },
  }));
  const batch = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  expectEqual("batch failed count", (batch.Failed ?? []).length, 0);
  for (const ok of batch.Successful ?? []) {
    const entry = entries.find((e) => e.Id === ok.Id);
    expectEqual(`batch ${ok.Id} MD5OfMessageAttributes`, ok.MD5OfMessageAttributes, md5OfAttributes(entry.MessageAttributes));
    sent[ok.MessageId] = { body: entry.MessageBody, attrs: entry.MessageAttributes };
  }

  const received = [];
  for (let i = 0; i < 10 && received.length < 4; i++) {
    const r = await client.send(new ReceiveMessageCommand({
      QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 30,
      MessageAttributeNames: ["All"], MessageSystemAttributeNames: ["All"],
    }));
    received.push(...(r.Messages ?? []));
  }
  expectEqual("received count", received.length, 4);
  for (const m of received) {
    const want = sent[m.MessageId];
    if (!want) { mismatches.push({ what: "unknown MessageId", got: m.MessageId }); continue; }
    expectEqual(`receive ${m.MessageId} Body`, m.Body, want.body);
    expectEqual(`receive ${m.MessageId} MD5OfBody`, m.MD5OfBody, md5(Buffer.from(want.body, "utf8")));
    expectEqual(`receive ${m.MessageId} MD5OfMessageAttributes`, m.MD5OfMessageAttributes, md5OfAttributes(want.attrs));
    sameAttributes(`receive ${m.MessageId} MessageAttributes`, m.MessageAttributes, want.attrs);
    if (m.Body === body0) {
      expectEqual("receive AWSTraceHeader", m.Attributes?.AWSTraceHeader, TRACE.AWSTraceHeader.StringValue);
    }
  }
  const del = await client.send(new DeleteMessageBatchCommand({
    QueueUrl: queueUrl,
    Entries: received.map((m, i) => ({ Id: `d${i}`, ReceiptHandle: m.ReceiptHandle })),
  }));
  expectEqual("delete failed count", (del.Failed ?? []).length, 0);

  // No explicit endpoint: the SDK sends to the QueueUrl's origin.
  const { endpoint: _ignored, ...noEndpoint } = clientOptions(endpoint);
  const viaUrl = new SQSClient({ ...noEndpoint, logger: { debug() {}, info() {}, warn() {}, error() {} } });
  const direct = await viaUrl.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "via queue url" }));
  expectEqual("queue-url endpoint MD5OfMessageBody", direct.MD5OfMessageBody, md5("via queue url"));

  await client.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  console.log(JSON.stringify({ ok: mismatches.length === 0, queueUrl, checks: checks.length, mismatches }));
} catch (e) {
  console.log(JSON.stringify({
    ok: false, queueUrl, error: String(e), name: e?.name, code: e?.Code ?? e?.name,
    status: e?.$metadata?.httpStatusCode, checks: checks.length, mismatches,
  }));
}
