// usage: node logs2/insights.mjs ENDPOINT GROUP T0_MS
// CloudWatch Logs Insights through @aws-sdk/client-cloudwatch-logs over the events the pytest
// fixture stored in GROUP (streams api + worker, first event at T0_MS): StartQuery +
// GetQueryResults for fields/filter/sort, stats by field, parse; statistics; DescribeQueries;
// query definitions; MalformedQueryException and ResourceNotFoundException as typed errors.
import * as C from "@aws-sdk/client-cloudwatch-logs";
import { clientOptions } from "../common.mjs";
import { run } from "../sns/expect.mjs";

const [endpoint, group, t0Text] = process.argv.slice(2);
const logs = new C.CloudWatchLogsClient(clientOptions(endpoint));
const t0 = Number(t0Text);
const startTime = Math.floor(t0 / 1000) - 60;
const endTime = Math.floor(t0 / 1000) + 3600;
const rows = (out) => out.results.map((r) => Object.fromEntries(
  r.filter((c) => c.field !== "@ptr").map((c) => [c.field, c.value])));

async function query(queryString, extra = {}) {
  const { queryId } = await logs.send(new C.StartQueryCommand({
    logGroupName: group, startTime, endTime, queryString, ...extra,
  }));
  return [queryId, await logs.send(new C.GetQueryResultsCommand({ queryId }))];
}

await run(async (expect) => {
  const [qid, out] = await query(
    "fields level, latency | filter level = 'ERROR' | sort latency desc");
  expect.eq("status", out.status, "Complete");
  expect.eq("rows", rows(out), [{ level: "ERROR", latency: "250" }, { level: "ERROR", latency: "90" }]);
  expect.eq("matched", out.statistics.recordsMatched, 2);
  expect.eq("scanned", out.statistics.recordsScanned, 6);
  expect.true("@ptr present", out.results[0].some((c) => c.field === "@ptr"));

  const [, stats] = await query("stats count(*) as n, sum(latency) as total by @logStream | sort @logStream");
  expect.eq("stats", rows(stats), [{ "@logStream": "api", n: "4", total: "390" }, { "@logStream": "worker", n: "2" }]);

  const [, parsed] = await query("parse @message 'job * *' as job, rest | filter ispresent(job) | display job | sort job");
  expect.eq("parse", rows(parsed), [{ job: "17" }, { job: "18" }]);

  const described = await logs.send(new C.DescribeQueriesCommand({ logGroupName: group }));
  expect.true("described", described.queries.some((q) => q.queryId === qid && q.status === "Complete"));

  const bad = await expect.throws("malformed", logs.send(new C.StartQueryCommand({
    logGroupName: group, startTime, endTime, queryString: "fields a | nonsense",
  })), "MalformedQueryException", 400);
  expect.true("malformed message", /at line 1 and position 12$/.test(bad?.message ?? ""), bad?.message);
  await expect.throws("missing group", logs.send(new C.StartQueryCommand({
    logGroupName: `${group}-missing`, startTime, endTime, queryString: "fields @message",
  })), "ResourceNotFoundException", 400);

  const name = `js-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const { queryDefinitionId } = await logs.send(new C.PutQueryDefinitionCommand({
    name, queryString: "stats count(*)", logGroupNames: [group],
  }));
  const defs = await logs.send(new C.DescribeQueryDefinitionsCommand({ queryDefinitionNamePrefix: name }));
  expect.eq("definition", defs.queryDefinitions.map((d) => [d.queryDefinitionId, d.name, d.logGroupNames]),
    [[queryDefinitionId, name, [group]]]);
  const del = await logs.send(new C.DeleteQueryDefinitionCommand({ queryDefinitionId }));
  expect.eq("deleted", del.success, true);
});
