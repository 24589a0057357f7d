// usage: node logs/lambda_logs.mjs ENDPOINT
// A Node.js function's output in CloudWatch Logs, read through @aws-sdk/client-cloudwatch-logs:
// the /aws/lambda/<fn> group and its YYYY/MM/DD/[$LATEST]<id> stream are created on their own,
// and GetLogEvents returns START, the function's line, END and REPORT, in that order.
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as L from "@aws-sdk/client-lambda";
import * as C from "@aws-sdk/client-cloudwatch-logs";
import { clientOptions } from "../common.mjs";
import { zipDir } from "../lambda/zip.mjs";
import { poll, run } from "../sns/expect.mjs";

const endpoint = process.argv[2];
const lambda = new L.LambdaClient(clientOptions(endpoint));
const logs = new C.CloudWatchLogsClient(clientOptions(endpoint));
const id = randomUUID().slice(0, 8);

await run(async (expect) => {
  const fn = `js-logs-${id}`;
  await lambda.send(new L.CreateFunctionCommand({
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/lambda-role",
    Code: { ZipFile: zipDir(fileURLToPath(new URL("../lambda/fixtures/js_fn", import.meta.url))) },
  }));
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: fn });
  const inv = await lambda.send(new L.InvokeCommand({ FunctionName: fn, Payload: new TextEncoder().encode(JSON.stringify({ token: id })) }));
  const requestId = inv.$metadata.requestId;
  const group = `/aws/lambda/${fn}`;

  const groups = (await logs.send(new C.DescribeLogGroupsCommand({ logGroupNamePrefix: group }))).logGroups ?? [];
  expect.eq("group created", groups.map((g) => g.logGroupName), [group]);
  const streams = (await logs.send(new C.DescribeLogStreamsCommand({ logGroupName: group }))).logStreams ?? [];
  expect.eq("one stream", streams.length, 1);
  const stream = streams[0]?.logStreamName ?? "";
  expect.true("stream name", /^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/.test(stream), stream);

  const lines = await poll(async () => {
    const out = await logs.send(new C.GetLogEventsCommand({ logGroupName: group, logStreamName: stream, startFromHead: true }));
    const msgs = out.events.map((e) => e.message);
    return msgs.some((m) => m.startsWith(`REPORT RequestId: ${requestId}`)) ? msgs : null;
  }, 10000, 100) ?? [];
  const at = (prefix) => lines.findIndex((m) => m.includes(prefix));
  const order = [at(`START RequestId: ${requestId}`), at(`invoked token=${id}`), at(`END RequestId: ${requestId}`), at(`REPORT RequestId: ${requestId}`)];
  expect.true("START, line, END, REPORT in order", order.every((i, k) => i >= 0 && (k === 0 || i > order[k - 1])), lines);
  const line = lines[at(`invoked token=${id}`)] ?? "";
  expect.true("the function's line carries its request id and level", line.includes(`\t${requestId}\tINFO\t`), line);

  const filtered = await logs.send(new C.FilterLogEventsCommand({ logGroupName: group, filterPattern: `"token=${id}"` }));
  expect.eq("filter finds the line", filtered.events.map((e) => e.logStreamName), [stream]);
  await lambda.send(new L.DeleteFunctionCommand({ FunctionName: fn }));
  await logs.send(new C.DeleteLogGroupCommand({ logGroupName: group }));
});
