// usage: node lambda/sdk_in_function.mjs ENDPOINT
// The SDK inside a function: a layer carries @aws-sdk/client-sqs and client-sns (copied from
// tests/js/node_modules under nodejs/node_modules, as AWS lays out Node.js layers), the function
// in lambda/fixtures/sdk_fn sends to a queue and publishes to a topic with clients built from the
// environment alone (AWS_ENDPOINT_URL, AWS_REGION, the execution role's credentials), and this
// script reads both results back.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { fileURLToPath } from "node:url";
import * as L from "@aws-sdk/client-lambda";
import {
  SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteQueueCommand,
} from "@aws-sdk/client-sqs";
import { SNSClient, CreateTopicCommand, SubscribeCommand, DeleteTopicCommand } from "@aws-sdk/client-sns";
import { clientOptions } from "../common.mjs";
import { makeZip, zipDir } from "./zip.mjs";
import { recorder } from "./statuses.mjs";
import { run } from "../sns/expect.mjs";

const endpoint = process.argv[2];
const lambda = new L.LambdaClient(clientOptions(endpoint));
const sqs = new SQSClient(clientOptions(endpoint));
const sns = new SNSClient(clientOptions(endpoint));
const { call, check: checkStatuses } = recorder(lambda, L);
const id = randomUUID().slice(0, 8);

// node_modules without the clients the function does not use.
const SKIP = new Set(["client-api-gateway", "client-apigatewayv2", "client-iam", "client-lambda", "client-cloudwatch-logs"]);
function sdkLayerFiles() {
  const root = fileURLToPath(new URL("../node_modules", import.meta.url));
  const files = {};
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const full = join(dir, entry);
      if (SKIP.has(entry) && dir.endsWith("@aws-sdk")) continue;
      if (statSync(full).isDirectory()) walk(full);
      else files[`nodejs/node_modules/${relative(root, full).split(sep).join("/")}`] = readFileSync(full);
    }
  };
  walk(root);
  return files;
}

async function receive(url, ms = 10000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MessageAttributeNames: ["All"] }));
    if (out.Messages?.length) return out.Messages[0];
  }
  return null;
}

await run(async (expect) => {
  const layer = await call("PublishLayerVersion", {
    LayerName: `js-sdk-${id}`, Content: { ZipFile: makeZip(sdkLayerFiles()) }, CompatibleRuntimes: ["nodejs20.x"],
  });
  const fn = `js-sdk-fn-${id}`;
  await call("CreateFunction", {
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/lambda-role",
    Code: { ZipFile: zipDir(fileURLToPath(new URL("./fixtures/sdk_fn", import.meta.url))) },
    Layers: [layer.LayerVersionArn], Timeout: 30,
  });
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: fn });

  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `js-from-fn-${id}` }))).QueueUrl;
  const fanUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `js-fan-${id}` }))).QueueUrl;
  const fanArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: fanUrl, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  const topicArn = (await sns.send(new CreateTopicCommand({ Name: `js-from-fn-${id}` }))).TopicArn;
  await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: "sqs", Endpoint: fanArn, Attributes: { RawMessageDelivery: "true" } }));

  const inv = await call("Invoke", {
    FunctionName: fn, Payload: new TextEncoder().encode(JSON.stringify({ queueUrl, topicArn, token: id })),
  });
  const out = JSON.parse(new TextDecoder().decode(inv.Payload));
  expect.eq("function succeeded", inv.FunctionError, undefined);
  expect.eq("function's view", [out.endpoint?.replace(/\/$/, ""), out.region, out.hasCredentials],
    [new URL(endpoint).origin, await sqs.config.region(), true]);
  const msg = await receive(queueUrl);
  expect.eq("message sent from the function", [msg?.MessageId, msg?.Body, msg?.MessageAttributes?.token?.StringValue],
    [out.sqsMessageId, `from the function ✓ ${id}`, id]);
  const fanned = await receive(fanUrl);
  expect.eq("publish from the function fanned out", fanned?.Body, `published ${id}`);

  await call("DeleteFunction", { FunctionName: fn });
  await call("DeleteLayerVersion", { LayerName: `js-sdk-${id}`, VersionNumber: layer.Version });
  await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
  for (const q of [queueUrl, fanUrl]) await sqs.send(new DeleteQueueCommand({ QueueUrl: q }));
  checkStatuses(expect);
});
