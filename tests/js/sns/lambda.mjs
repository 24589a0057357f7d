// usage: node sns/lambda.mjs ENDPOINT
// SNS → Lambda through the JS SDK v3: a Node.js function zipped from sns/fixtures/forward_fn is
// created with @aws-sdk/client-lambda, subscribed to a topic, and POSTs the event it is invoked
// with to an HTTP server run by this script; the Records[].Sns event is checked field by field
// (Publish with attributes and a subject, PublishBatch, MessageStructure=json with a lambda key).
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import {
  SNSClient, CreateTopicCommand, DeleteTopicCommand, SubscribeCommand, PublishCommand, PublishBatchCommand,
} from "@aws-sdk/client-sns";
import {
  LambdaClient, CreateFunctionCommand, DeleteFunctionCommand, waitUntilFunctionActiveV2,
} from "@aws-sdk/client-lambda";
import { clientOptions } from "../common.mjs";
import { zipDir } from "../lambda/zip.mjs";
import { poll, run } from "./expect.mjs";
import { signatureValid } from "./signature.mjs";

const endpoint = process.argv[2];
const sns = new SNSClient(clientOptions(endpoint));
const lambda = new LambdaClient(clientOptions(endpoint));
const id = randomUUID().slice(0, 8);

// The sink: every POSTed event, parsed.
const events = [];
const sink = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    events.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
    res.end("ok");
  });
});
await new Promise((resolve) => sink.listen(0, "127.0.0.1", resolve));

const BINARY = new Uint8Array([0, 255, 7, 128]);

await run(async (expect) => {
  const fn = `js-sns-fn-${id}`;
  const created = await lambda.send(new CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler",
    Role: "arn:aws:iam::000000000000:role/lambda-role",
    Code: { ZipFile: zipDir(fileURLToPath(new URL("./fixtures/forward_fn", import.meta.url))) },
    Environment: { Variables: { SINK: `http://127.0.0.1:${sink.address().port}/` } },
  }));
  await waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: fn });
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `js-to-fn-${id}` }))).TopicArn;
  const sub = (await sns.send(new SubscribeCommand({
    TopicArn: topicArn, Protocol: "lambda", Endpoint: created.FunctionArn, ReturnSubscriptionArn: true,
  }))).SubscriptionArn;
  expect.true("lambda subscription arn", sub.startsWith(`${topicArn}:`), sub);

  const message = "to node ✓ \u{1F680}";
  const pub = await sns.send(new PublishCommand({
    TopicArn: topicArn, Message: message, Subject: "Hello fn",
    MessageAttributes: {
      s: { DataType: "String", StringValue: "v ✓" },
      n: { DataType: "Number", StringValue: "-3.5" },
      a: { DataType: "String.Array", StringValue: '["x","y"]' },
      b: { DataType: "Binary", BinaryValue: BINARY },
    },
  }));
  const first = await poll(() => events.find((e) => e.Records?.[0]?.Sns?.MessageId === pub.MessageId), 30000);
  expect.true("event arrived", !!first, events);
  const record = first?.Records?.[0] ?? {};
  expect.eq("one record", first?.Records?.length, 1);
  expect.eq("EventSource", record.EventSource, "aws:sns");
  expect.eq("EventVersion", record.EventVersion, "1.0");
  expect.eq("EventSubscriptionArn", record.EventSubscriptionArn, sub);
  const s = record.Sns ?? {};
  expect.eq("Sns.Type", s.Type, "Notification");
  expect.eq("Sns.TopicArn", s.TopicArn, topicArn);
  expect.eq("Sns.Subject", s.Subject, "Hello fn");
  expect.eq("Sns.Message", s.Message, message);
  expect.true("Sns.Timestamp", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(s.Timestamp ?? ""), s.Timestamp);
  expect.eq("Sns.SignatureVersion", s.SignatureVersion, "1");
  expect.true("Sns.Signature", Buffer.from(s.Signature ?? "", "base64").length >= 128, s.Signature);
  expect.true("Sns signature verifies", await signatureValid(s), s);
  expect.true("Sns.SigningCertUrl", /^https?:\/\/.+\.pem$/.test(s.SigningCertUrl ?? ""), s.SigningCertUrl);
  expect.true("Sns.UnsubscribeUrl", (s.UnsubscribeUrl ?? "").includes("Action=Unsubscribe"), s.UnsubscribeUrl);
  expect.eq("Sns.MessageAttributes", s.MessageAttributes, {
    s: { Type: "String", Value: "v ✓" },
    n: { Type: "Number", Value: "-3.5" },
    a: { Type: "String.Array", Value: '["x","y"]' },
    b: { Type: "Binary", Value: Buffer.from(BINARY).toString("base64") },
  });

  // No subject: null in the Lambda event. MessageStructure=json picks the "lambda" key.
  const structured = await sns.send(new PublishCommand({
    TopicArn: topicArn, MessageStructure: "json", Message: JSON.stringify({ default: "d", lambda: "for lambda" }),
  }));
  const second = await poll(() => events.find((e) => e.Records?.[0]?.Sns?.MessageId === structured.MessageId), 30000);
  expect.eq("Sns.Message for lambda key", second?.Records?.[0]?.Sns?.Message, "for lambda");
  expect.eq("Sns.Subject absent is null", second?.Records?.[0]?.Sns?.Subject, null);
  expect.eq("Sns.MessageAttributes empty", second?.Records?.[0]?.Sns?.MessageAttributes, {});

  const batch = await sns.send(new PublishBatchCommand({
    TopicArn: topicArn, PublishBatchRequestEntries: [1, 2].map((i) => ({ Id: `b${i}`, Message: `batch ${i}` })),
  }));
  const ids = (batch.Successful ?? []).map((x) => x.MessageId);
  expect.eq("batch published", ids.length, 2);
  const got = await poll(() => {
    const found = events.filter((e) => ids.includes(e.Records?.[0]?.Sns?.MessageId));
    return found.length === 2 ? found : null;
  }, 30000);
  expect.eq("batch events", (got ?? []).map((e) => e.Records[0].Sns.Message).sort(), ["batch 1", "batch 2"]);

  await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
  await lambda.send(new DeleteFunctionCommand({ FunctionName: fn }));
  return { events: events.length };
});
sink.close();
