// usage: node logs/logs_api.mjs ENDPOINT
// CloudWatch Logs through @aws-sdk/client-cloudwatch-logs: log groups (tags, retention,
// paginateDescribeLogGroups), streams (orderBy LastEventTime, paginateDescribeLogStreams),
// PutLogEvents (rejected events, ordering), GetLogEvents paged with nextForwardToken and
// nextBackwardToken until the token repeats, FilterLogEvents with term, phrase, OR, exclusion and
// JSON patterns over several streams (paginateFilterLogEvents), and the typed errors.
import { randomUUID } from "node:crypto";
import * as C from "@aws-sdk/client-cloudwatch-logs";
import { clientOptions } from "../common.mjs";
import { run } from "../sns/expect.mjs";

const logs = new C.CloudWatchLogsClient(clientOptions(process.argv[2]));
const call = (op, input = {}) => logs.send(new C[`${op}Command`](input));
const id = randomUUID().slice(0, 8);

await run(async (expect) => {
  const group = `/js/logs-${id}`;
  await call("CreateLogGroup", { logGroupName: group, tags: { team: "nimbus" } });
  await expect.throws("group exists", call("CreateLogGroup", { logGroupName: group }), "ResourceAlreadyExistsException", 400);
  await expect.throws("bad group name", call("CreateLogGroup", { logGroupName: "bad name!" }), "InvalidParameterException", 400);

  // DescribeLogGroups: prefix and pagination.
  const extra = Array.from({ length: 11 }, (_, i) => `${group}/page-${String(i).padStart(2, "0")}`);
  await Promise.all(extra.map((g) => call("CreateLogGroup", { logGroupName: g })));
  const listed = [];
  let pages = 0;
  for await (const page of C.paginateDescribeLogGroups({ client: logs, pageSize: 5 }, { logGroupNamePrefix: group })) {
    pages++;
    expect.true(`group page ${pages} size`, page.logGroups.length <= 5, page.logGroups.length);
    listed.push(...page.logGroups);
  }
  expect.eq("group pages", pages, 3);
  expect.eq("groups in name order", listed.map((g) => g.logGroupName), [group, ...extra]);
  const mine = listed[0];
  expect.true("group arn", /^arn:aws:logs:[a-z0-9-]+:\d{12}:log-group:\/js\/logs-.+:\*$/.test(mine.arn ?? ""), mine.arn);
  expect.true("group creationTime", Number.isInteger(mine.creationTime) && Math.abs(mine.creationTime - Date.now()) < 60000, mine.creationTime);
  expect.eq("group storedBytes", mine.storedBytes, 0);
  expect.eq("no retention yet", mine.retentionInDays, undefined);

  // Retention.
  await call("PutRetentionPolicy", { logGroupName: group, retentionInDays: 7 });
  let described = (await call("DescribeLogGroups", { logGroupNamePrefix: group, limit: 1 })).logGroups[0];
  expect.eq("retention set", described.retentionInDays, 7);
  await expect.throws("retention not allowed", call("PutRetentionPolicy", { logGroupName: group, retentionInDays: 8 }),
    "InvalidParameterException", 400);
  await call("DeleteRetentionPolicy", { logGroupName: group });
  described = (await call("DescribeLogGroups", { logGroupNamePrefix: group, limit: 1 })).logGroups[0];
  expect.eq("retention removed", described.retentionInDays, undefined);

  // Tags, by ARN (without the ":*") and through the older group-name calls.
  const arn = mine.arn.replace(/:\*$/, "");
  expect.eq("tags from create", (await call("ListTagsForResource", { resourceArn: arn })).tags, { team: "nimbus" });
  await call("TagResource", { resourceArn: arn, tags: { env: "test" } });
  await call("UntagResource", { resourceArn: arn, tagKeys: ["team"] });
  expect.eq("tags after tag/untag", (await call("ListTagsForResource", { resourceArn: arn })).tags, { env: "test" });
  await call("TagLogGroup", { logGroupName: group, tags: { old: "api" } });
  expect.eq("ListTagsLogGroup", (await call("ListTagsLogGroup", { logGroupName: group })).tags, { env: "test", old: "api" });
  await expect.throws("tags of missing group",
    call("ListTagsForResource", { resourceArn: `${arn}-missing` }), "ResourceNotFoundException", 400);

  // Streams and events.
  const streams = ["alpha", "beta", "gamma"];
  for (const s of streams) await call("CreateLogStream", { logGroupName: group, logStreamName: s });
  await expect.throws("stream exists", call("CreateLogStream", { logGroupName: group, logStreamName: "alpha" }),
    "ResourceAlreadyExistsException", 400);
  await expect.throws("stream in missing group", call("CreateLogStream", { logGroupName: `${group}-missing`, logStreamName: "x" }),
    "ResourceNotFoundException", 400);

  const base = Date.now() - 60000;
  const alpha = Array.from({ length: 25 }, (_, i) => ({
    timestamp: base + i * 100,
    message: i % 5 === 0 ? JSON.stringify({ level: "ERROR", n: i, text: "disk full ✓" }) : `INFO line ${i} all good`,
  }));
  const put = await call("PutLogEvents", { logGroupName: group, logStreamName: "alpha", logEvents: alpha });
  expect.eq("no rejected events", put.rejectedLogEventsInfo, undefined);
  const beta = [
    { timestamp: base + 50, message: "ERROR beta failed to connect" },
    { timestamp: base + 1050, message: "WARN beta slow response" },
    { timestamp: base + 2050, message: "ERROR beta timeout (retrying)" },
  ];
  await call("PutLogEvents", { logGroupName: group, logStreamName: "beta", logEvents: beta });
  const now = Date.now();
  const mixed = await call("PutLogEvents", {
    logGroupName: group, logStreamName: "gamma", logEvents: [
      { timestamp: now - 15 * 24 * 3600 * 1000, message: "too old" },
      { timestamp: now - 1000, message: "fine" },
      { timestamp: now + 3 * 3600 * 1000, message: "too new" },
    ],
  });
  // The index of the last event that is too old and of the first that is too new.
  expect.eq("rejected events", mixed.rejectedLogEventsInfo, { tooOldLogEventEndIndex: 0, tooNewLogEventStartIndex: 2 });
  await expect.throws("events out of order", call("PutLogEvents", {
    logGroupName: group, logStreamName: "gamma", logEvents: [{ timestamp: now, message: "b" }, { timestamp: now - 10, message: "a" }],
  }), "InvalidParameterException", 400);
  await expect.throws("events of missing stream", call("PutLogEvents", {
    logGroupName: group, logStreamName: "missing", logEvents: [{ timestamp: now, message: "a" }],
  }), "ResourceNotFoundException", 400);

  // DescribeLogStreams.
  const byTime = (await call("DescribeLogStreams", { logGroupName: group, orderBy: "LastEventTime", descending: true })).logStreams;
  expect.eq("streams by last event, newest first", byTime.map((s) => s.logStreamName), ["gamma", "alpha", "beta"]);
  const alphaInfo = byTime.find((s) => s.logStreamName === "alpha");
  expect.eq("alpha first/last event", [alphaInfo.firstEventTimestamp, alphaInfo.lastEventTimestamp], [base, base + 2400]);
  expect.true("stream arn", alphaInfo.arn?.endsWith(`:log-group:${group}:log-stream:alpha`), alphaInfo.arn);
  const streamNames = [];
  for await (const page of C.paginateDescribeLogStreams({ client: logs, pageSize: 1 }, { logGroupName: group })) {
    streamNames.push(...page.logStreams.map((s) => s.logStreamName));
  }
  expect.eq("paginated streams", streamNames, streams);
  expect.eq("stream prefix", (await call("DescribeLogStreams", { logGroupName: group, logStreamNamePrefix: "b" })).logStreams.map((s) => s.logStreamName), ["beta"]);

  // GetLogEvents: forward from the head, 10 at a time, until the token repeats.
  const forward = [];
  let token;
  let calls = 0;
  for (;;) {
    const out = await call("GetLogEvents", { logGroupName: group, logStreamName: "alpha", startFromHead: true, limit: 10, nextToken: token });
    calls++;
    forward.push(...out.events);
    if (out.nextForwardToken === token || calls > 10) break;
    token = out.nextForwardToken;
  }
  expect.eq("forward paging", forward.map((e) => e.message), alpha.map((e) => e.message));
  expect.eq("forward calls", calls, 4);
  expect.true("ingestionTime", forward.every((e) => Number.isInteger(e.ingestionTime) && e.ingestionTime >= e.timestamp), forward[0]);
  // The SDK's own paginator ends there too when told to stop on a repeated token.
  const paged = [];
  let sdkPages = 0;
  for await (const page of C.paginateGetLogEvents({ client: logs, pageSize: 10, stopOnSameToken: true },
    { logGroupName: group, logStreamName: "alpha", startFromHead: true })) {
    sdkPages++;
    paged.push(...page.events);
    if (sdkPages > 10) break;
  }
  expect.eq("paginateGetLogEvents", [paged.map((e) => e.message), sdkPages], [alpha.map((e) => e.message), 4]);
  // Backward from the tail.
  const backward = [];
  token = undefined;
  calls = 0;
  for (;;) {
    const out = await call("GetLogEvents", { logGroupName: group, logStreamName: "alpha", limit: 10, nextToken: token });
    calls++;
    backward.unshift(...out.events);
    if (out.nextBackwardToken === token || calls > 10) break;
    token = out.nextBackwardToken;
  }
  expect.eq("backward paging", backward.map((e) => e.message), alpha.map((e) => e.message));
  const window = await call("GetLogEvents", { logGroupName: group, logStreamName: "alpha", startFromHead: true, startTime: base + 1000, endTime: base + 1500 });
  expect.eq("time window", window.events.map((e) => e.timestamp), [1000, 1100, 1200, 1300, 1400].map((d) => base + d));
  await expect.throws("events of missing stream", call("GetLogEvents", { logGroupName: group, logStreamName: "missing" }),
    "ResourceNotFoundException", 400);

  // FilterLogEvents.
  const filter = async (input) => {
    const events = [];
    for await (const page of C.paginateFilterLogEvents({ client: logs, pageSize: 2 }, { logGroupName: group, ...input })) events.push(...page.events);
    return events;
  };
  const errors = await filter({ filterPattern: "ERROR", startTime: base, endTime: base + 60000 });
  const errorsWant = [...alpha.filter((e) => e.message.includes("ERROR")).map((e) => ["alpha", e.timestamp]),
    ...beta.filter((e) => e.message.includes("ERROR")).map((e) => ["beta", e.timestamp])].sort((a, b) => a[1] - b[1]);
  expect.eq("term across streams, interleaved", errors.map((e) => [e.logStreamName, e.timestamp]), errorsWant);
  expect.true("eventId", errors.every((e) => typeof e.eventId === "string" && e.eventId.length > 0), errors[0]);
  expect.eq("phrase", (await filter({ filterPattern: '"failed to connect"' })).map((e) => e.message), ["ERROR beta failed to connect"]);
  expect.eq("OR terms", (await filter({ filterPattern: "?WARN ?timeout", logStreamNames: ["beta"] })).map((e) => e.message),
    ["WARN beta slow response", "ERROR beta timeout (retrying)"]);
  expect.eq("exclusion", (await filter({ filterPattern: "ERROR -timeout", logStreamNames: ["beta"] })).map((e) => e.message),
    ["ERROR beta failed to connect"]);
  const json = await filter({ filterPattern: '{ $.level = "ERROR" && $.n >= 10 }' });
  expect.eq("JSON pattern", json.map((e) => JSON.parse(e.message).n), [10, 15, 20]);
  expect.eq("stream prefix filter", (await filter({ filterPattern: "WARN", logStreamNamePrefix: "be" })).length, 1);
  const unicode = await filter({ filterPattern: '"disk full ✓"', logStreamNames: ["alpha"] });
  expect.eq("unicode phrase", unicode.length, 5);
  await expect.throws("filter in missing group", call("FilterLogEvents", { logGroupName: `${group}-missing` }),
    "ResourceNotFoundException", 400);

  // Deletes.
  await call("DeleteLogStream", { logGroupName: group, logStreamName: "gamma" });
  await expect.throws("delete missing stream", call("DeleteLogStream", { logGroupName: group, logStreamName: "gamma" }),
    "ResourceNotFoundException", 400);
  await Promise.all(extra.map((g) => call("DeleteLogGroup", { logGroupName: g })));
  await call("DeleteLogGroup", { logGroupName: group });
  await expect.throws("delete missing group", call("DeleteLogGroup", { logGroupName: group }), "ResourceNotFoundException", 400);
  expect.eq("groups gone", (await call("DescribeLogGroups", { logGroupNamePrefix: group })).logGroups, []);
});
