// usage: node logs2/subscriptions.mjs ENDPOINT RECORD_DIR
// CloudWatch Logs subscription filters through @aws-sdk/client-cloudwatch-logs, with a Node.js
// function (created through @aws-sdk/client-lambda) that writes every event it receives into
// RECORD_DIR: PutSubscriptionFilter needs the function's policy to admit logs.amazonaws.com,
// two filters per group, PutLogEvents' matching events arrive as
// {awslogs: {data: base64(gzip(DATA_MESSAGE))}}, DescribeSubscriptionFilters, Delete.
import { randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import * as L from "@aws-sdk/client-lambda";
import * as C from "@aws-sdk/client-cloudwatch-logs";
import { clientOptions } from "../common.mjs";
import { makeZip } from "../lambda/zip.mjs";
import { poll, run } from "../sns/expect.mjs";

const [endpoint, recordDir] = process.argv.slice(2);
const lambda = new L.LambdaClient(clientOptions(endpoint));
const logs = new C.CloudWatchLogsClient(clientOptions(endpoint));
const id = randomUUID().slice(0, 8);

const RECORDER = `
const fs = require("fs"), path = require("path"), crypto = require("crypto");
exports.handler = async (event) => {
  const file = path.join(process.env.RECORD_DIR, crypto.randomUUID() + ".json");
  fs.writeFileSync(file + ".tmp", JSON.stringify(event));
  fs.renameSync(file + ".tmp", file);
  return "ok";
};`;

const records = () => readdirSync(recordDir).filter((f) => f.endsWith(".json"))
  .map((f) => JSON.parse(readFileSync(join(recordDir, f), "utf8")));

await run(async (expect) => {
  const fn = `js-sub-${id}`;
  const { FunctionArn: arn } = await lambda.send(new L.CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler",
    Role: "arn:aws:iam::000000000000:role/lambda-role", Code: { ZipFile: makeZip({ "index.js": RECORDER }) },
    Environment: { Variables: { RECORD_DIR: recordDir } },
  }));
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: fn });
  const group = `/nimbus-test/js-sub-${id}`;
  await logs.send(new C.CreateLogGroupCommand({ logGroupName: group }));
  await logs.send(new C.CreateLogStreamCommand({ logGroupName: group, logStreamName: "s" }));

  // No permission for Logs yet.
  const denied = await expect.throws("no permission", logs.send(new C.PutSubscriptionFilterCommand({
    logGroupName: group, filterName: "errors", filterPattern: "ERROR", destinationArn: arn,
  })), "InvalidParameterException", 400);
  expect.true("denied message", /Make sure you have given CloudWatch Logs permission/.test(denied?.message ?? ""), denied?.message);

  await lambda.send(new L.AddPermissionCommand({
    FunctionName: fn, StatementId: "logs", Action: "lambda:InvokeFunction", Principal: "logs.amazonaws.com",
  }));
  await logs.send(new C.PutSubscriptionFilterCommand({
    logGroupName: group, filterName: "errors", filterPattern: "ERROR", destinationArn: arn,
  }));
  await logs.send(new C.PutSubscriptionFilterCommand({
    logGroupName: group, filterName: "slow", filterPattern: "{ $.ms > 100 }", destinationArn: arn,
  }));
  await expect.throws("third filter", logs.send(new C.PutSubscriptionFilterCommand({
    logGroupName: group, filterName: "third", filterPattern: "", destinationArn: arn,
  })), "LimitExceededException", 400);
  const described = await logs.send(new C.DescribeSubscriptionFiltersCommand({ logGroupName: group }));
  expect.eq("described", described.subscriptionFilters.map((f) => [f.filterName, f.filterPattern, f.destinationArn]),
    [["errors", "ERROR", arn], ["slow", "{ $.ms > 100 }", arn]]);

  const now = Date.now();
  await logs.send(new C.PutLogEventsCommand({
    logGroupName: group, logStreamName: "s", logEvents: [
      { timestamp: now, message: "INFO fine" },
      { timestamp: now + 1, message: "ERROR broken" },
      { timestamp: now + 2, message: JSON.stringify({ ms: 250 }) },
    ],
  }));
  const got = await poll(async () => (records().length >= 2 ? records() : null), 20000, 100) ?? [];
  expect.eq("two deliveries", got.length, 2);
  const decoded = got.map((e) => JSON.parse(gunzipSync(Buffer.from(e.awslogs.data, "base64")).toString("utf8")));
  const byFilter = Object.fromEntries(decoded.map((d) => [d.subscriptionFilters[0], d]));
  expect.eq("errors payload", byFilter.errors?.logEvents.map((e) => [e.timestamp, e.message]), [[now + 1, "ERROR broken"]]);
  expect.eq("slow payload", byFilter.slow?.logEvents.map((e) => e.message), [JSON.stringify({ ms: 250 })]);
  expect.eq("envelope", [byFilter.errors?.messageType, byFilter.errors?.owner, byFilter.errors?.logGroup, byFilter.errors?.logStream],
    ["DATA_MESSAGE", "000000000000", group, "s"]);
  expect.true("event id", /^\d{56}$/.test(byFilter.errors?.logEvents[0].id ?? ""));

  await logs.send(new C.DeleteSubscriptionFilterCommand({ logGroupName: group, filterName: "errors" }));
  await expect.throws("deleted twice", logs.send(new C.DeleteSubscriptionFilterCommand({
    logGroupName: group, filterName: "errors",
  })), "ResourceNotFoundException", 400);
  await logs.send(new C.DeleteLogGroupCommand({ logGroupName: group }));
  await lambda.send(new L.DeleteFunctionCommand({ FunctionName: fn }));
});
