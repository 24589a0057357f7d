// usage: node lambda/async_destinations.mjs ENDPOINT
// Asynchronous invocation through @aws-sdk/client-lambda: PutFunctionEventInvokeConfig with SQS
// destinations for success and failure (no retries), Invoke Event of a succeeding and a failing
// event, and the destination records read with @aws-sdk/client-sqs; then throttling: with
// reserved concurrency 0 a synchronous Invoke is the SDK's TooManyRequestsException (429) with
// its Reason.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as L from "@aws-sdk/client-lambda";
import {
  SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, DeleteQueueCommand,
} from "@aws-sdk/client-sqs";
import { clientOptions } from "../common.mjs";
import { zipDir } from "./zip.mjs";
import { recorder } from "./statuses.mjs";
import { run } from "../sns/expect.mjs";

const endpoint = process.argv[2];
const lambda = new L.LambdaClient(clientOptions(endpoint));
const sqs = new SQSClient(clientOptions(endpoint));
const { call, check: checkStatuses } = recorder(lambda, L);
const id = randomUUID().slice(0, 8);
const enc = (v) => new TextEncoder().encode(JSON.stringify(v));

async function queue(name) {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name }))).QueueUrl;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ["QueueArn"] }))).Attributes.QueueArn;
  return { url, arn };
}

async function receiveOne(url, ms = 15000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 1, MaxNumberOfMessages: 1 }));
    if (out.Messages?.length) return JSON.parse(out.Messages[0].Body);
  }
  return null;
}

await run(async (expect) => {
  const fn = `js-async-${id}`;
  const created = await call("CreateFunction", {
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/lambda-role",
    Code: { ZipFile: zipDir(fileURLToPath(new URL("./fixtures/js_fn", import.meta.url))) },
  });
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: fn });
  const ok = await queue(`js-ok-${id}`);
  const bad = await queue(`js-bad-${id}`);

  const cfg = await call("PutFunctionEventInvokeConfig", {
    FunctionName: fn, MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60,
    DestinationConfig: { OnSuccess: { Destination: ok.arn }, OnFailure: { Destination: bad.arn } },
  });
  expect.eq("event invoke config", [cfg.MaximumRetryAttempts, cfg.MaximumEventAgeInSeconds,
    cfg.DestinationConfig?.OnSuccess?.Destination, cfg.DestinationConfig?.OnFailure?.Destination], [0, 60, ok.arn, bad.arn]);
  expect.true("config LastModified is a Date", cfg.LastModified instanceof Date && !Number.isNaN(cfg.LastModified.getTime()), cfg.LastModified);
  expect.eq("config FunctionArn", cfg.FunctionArn, `${created.FunctionArn}:$LATEST`);
  const got = await call("GetFunctionEventInvokeConfig", { FunctionName: fn });
  expect.eq("GetFunctionEventInvokeConfig", got.DestinationConfig?.OnFailure?.Destination, bad.arn);

  const good = await call("Invoke", { FunctionName: fn, InvocationType: "Event", Payload: enc({ token: "good" }) });
  expect.eq("Event accepted", good.StatusCode, 202);
  const success = await receiveOne(ok.url);
  expect.eq("success record version", success?.version, "1.0");
  expect.true("success record timestamp", !Number.isNaN(Date.parse(success?.timestamp ?? "")), success?.timestamp);
  expect.eq("success requestContext", [success?.requestContext?.requestId, success?.requestContext?.functionArn,
    success?.requestContext?.condition, success?.requestContext?.approximateInvokeCount],
  [good.$metadata.requestId, `${created.FunctionArn}:$LATEST`, "Success", 1]);
  expect.eq("success requestPayload", success?.requestPayload, { token: "good" });
  expect.eq("success responseContext", success?.responseContext, { statusCode: 200, executedVersion: "$LATEST" });
  expect.eq("success responsePayload code", success?.responsePayload?.code, "v1");

  const failing = await call("Invoke", { FunctionName: fn, InvocationType: "Event", Payload: enc({ mode: "error", message: "async boom" }) });
  const failure = await receiveOne(bad.url);
  expect.eq("failure requestContext", [failure?.requestContext?.requestId, failure?.requestContext?.condition,
    failure?.requestContext?.approximateInvokeCount], [failing.$metadata.requestId, "RetriesExhausted", 1]);
  expect.eq("failure responseContext", failure?.responseContext, { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" });
  expect.eq("failure responsePayload", [failure?.responsePayload?.errorType, failure?.responsePayload?.errorMessage], ["TypeError", "async boom"]);

  // Throttled: no concurrency left.
  await call("PutFunctionConcurrency", { FunctionName: fn, ReservedConcurrentExecutions: 0 });
  const e = await expect.throws("throttled invoke", call("Invoke", { FunctionName: fn, Payload: enc({}) }), "TooManyRequestsException", 429);
  expect.eq("throttle Reason", e?.Reason, "ReservedFunctionConcurrentInvocationLimitExceeded");
  await call("DeleteFunctionConcurrency", { FunctionName: fn });

  await call("DeleteFunctionEventInvokeConfig", { FunctionName: fn });
  await expect.throws("config gone", call("GetFunctionEventInvokeConfig", { FunctionName: fn }), "ResourceNotFoundException", 404);
  await call("DeleteFunction", { FunctionName: fn });
  for (const q of [ok, bad]) await sqs.send(new DeleteQueueCommand({ QueueUrl: q.url }));
  checkStatuses(expect);
});
