// usage: node lambda/esm.mjs ENDPOINT
// An SQS event source mapping through @aws-sdk/client-lambda: create (the function from
// lambda/fixtures/js_fn logs each record it gets), messages sent with @aws-sdk/client-sqs reach
// the function (read back through CloudWatch Logs) and leave the queue, then Get/List/Update
// (disable)/Delete of the mapping, and its typed errors.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as L from "@aws-sdk/client-lambda";
import {
  SQSClient, CreateQueueCommand, GetQueueAttributesCommand, SendMessageBatchCommand, DeleteQueueCommand,
} from "@aws-sdk/client-sqs";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { clientOptions } from "../common.mjs";
import { zipDir } from "./zip.mjs";
import { recorder } from "./statuses.mjs";
import { poll, run } from "../sns/expect.mjs";

const endpoint = process.argv[2];
const lambda = new L.LambdaClient(clientOptions(endpoint));
const sqs = new SQSClient(clientOptions(endpoint));
const logs = new CloudWatchLogsClient(clientOptions(endpoint));
const { call, check: checkStatuses } = recorder(lambda, L);
const id = randomUUID().slice(0, 8);

async function loggedBodies(fn) {
  try {
    const out = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: '"record source=aws:sqs"' }));
    return (out.events ?? []).map((e) => e.message.replace(/^.*body=/, "").trim());
  } catch (e) {
    if (e.name === "ResourceNotFoundException") return [];
    throw e;
  }
}

await run(async (expect) => {
  const fn = `js-esm-${id}`;
  await call("CreateFunction", {
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/lambda-role",
    Code: { ZipFile: zipDir(fileURLToPath(new URL("./fixtures/js_fn", import.meta.url))) },
  });
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: fn });
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `js-esm-${id}`, Attributes: { VisibilityTimeout: "30" } }))).QueueUrl;
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;

  const esm = await call("CreateEventSourceMapping", {
    FunctionName: fn, EventSourceArn: queueArn, BatchSize: 5, MaximumBatchingWindowInSeconds: 0,
  });
  expect.eq("create status", esm.$metadata.httpStatusCode, 202);
  expect.true("UUID", /^[0-9a-f-]{36}$/.test(esm.UUID ?? ""), esm.UUID);
  expect.eq("EventSourceArn", esm.EventSourceArn, queueArn);
  expect.true("FunctionArn", esm.FunctionArn?.endsWith(`:function:${fn}`), esm.FunctionArn);
  expect.eq("BatchSize", esm.BatchSize, 5);
  expect.true("State", ["Creating", "Enabled"].includes(esm.State), esm.State);
  expect.true("LastModified is a Date", esm.LastModified instanceof Date && !Number.isNaN(esm.LastModified.getTime()), esm.LastModified);
  const enabled = await poll(async () => (await call("GetEventSourceMapping", { UUID: esm.UUID })).State === "Enabled", 10000, 200);
  expect.true("becomes Enabled", enabled);

  const bodies = Array.from({ length: 7 }, (_, i) => `esm-${id}-${i}-✓`);
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.slice(0, 5).map((b, i) => ({ Id: `a${i}`, MessageBody: b })) }));
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.slice(5).map((b, i) => ({ Id: `b${i}`, MessageBody: b })) }));
  const seen = await poll(async () => {
    const got = await loggedBodies(fn);
    return bodies.every((b) => got.includes(b)) ? got : null;
  }, 30000, 250);
  expect.eq("function saw every message", (seen ?? []).filter((b) => bodies.includes(b)).sort(), [...bodies].sort());
  const drained = await poll(async () => {
    const a = (await sqs.send(new GetQueueAttributesCommand({
      QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    }))).Attributes;
    return a.ApproximateNumberOfMessages === "0" && a.ApproximateNumberOfMessagesNotVisible === "0";
  }, 15000, 250);
  expect.true("queue drained", drained);

  const listed = (await call("ListEventSourceMappings", { FunctionName: fn })).EventSourceMappings ?? [];
  expect.eq("ListEventSourceMappings", listed.map((m) => m.UUID), [esm.UUID]);
  const byQueue = [];
  for await (const page of L.paginateListEventSourceMappings({ client: lambda, pageSize: 1 }, { EventSourceArn: queueArn })) {
    byQueue.push(...page.EventSourceMappings.map((m) => m.UUID));
  }
  expect.eq("paginated by queue", byQueue, [esm.UUID]);

  const upd = await call("UpdateEventSourceMapping", { UUID: esm.UUID, BatchSize: 10, Enabled: false });
  expect.eq("update status", upd.$metadata.httpStatusCode, 202);
  expect.eq("update BatchSize", upd.BatchSize, 10);
  const disabled = await poll(async () => (await call("GetEventSourceMapping", { UUID: esm.UUID })).State === "Disabled", 10000, 200);
  expect.true("becomes Disabled", disabled);
  await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: "late", MessageBody: `late-${id}` }] }));
  await new Promise((r) => setTimeout(r, 1500));
  expect.true("disabled mapping does not deliver", !(await loggedBodies(fn)).includes(`late-${id}`));

  await expect.throws("mapping for missing function", call("CreateEventSourceMapping", {
    FunctionName: `${fn}-missing`, EventSourceArn: queueArn,
  }), "ResourceNotFoundException", 404);
  await expect.throws("batch size too large for SQS", call("CreateEventSourceMapping", {
    FunctionName: fn, EventSourceArn: queueArn, BatchSize: 11,
  }), "InvalidParameterValueException", 400);
  await expect.throws("duplicate mapping", call("CreateEventSourceMapping", { FunctionName: fn, EventSourceArn: queueArn }),
    "ResourceConflictException", 409);

  const del = await call("DeleteEventSourceMapping", { UUID: esm.UUID });
  expect.eq("delete status", del.$metadata.httpStatusCode, 202);
  expect.eq("delete State", del.State, "Deleting");
  const gone = await poll(async () => {
    try {
      await call("GetEventSourceMapping", { UUID: esm.UUID });
      return false;
    } catch (e) {
      return e.name === "ResourceNotFoundException" && e.$metadata.httpStatusCode === 404;
    }
  }, 10000, 200);
  expect.true("mapping gone", gone);
  await expect.throws("get missing mapping", call("GetEventSourceMapping", { UUID: randomUUID() }), "ResourceNotFoundException", 404);

  await call("DeleteFunction", { FunctionName: fn });
  await sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }));
  checkStatuses(expect);
  return { uuid: esm.UUID };
});
