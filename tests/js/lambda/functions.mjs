// usage: node lambda/functions.mjs ENDPOINT
// Lambda through @aws-sdk/client-lambda: CreateFunction from a zip (Uint8Array) built from
// lambda/fixtures/js_fn, GetFunction (and its Code.Location download), Invoke RequestResponse
// (Payload as Uint8Array, FunctionError, LogType Tail's base64 LogResult), Invoke Event (seen
// through CloudWatch Logs), versions and aliases, UpdateFunctionCode/Configuration followed by
// the SDK's waiters, paginateListFunctions, typed errors, and InvokeWithResponseStream.
import { createHash, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import * as L from "@aws-sdk/client-lambda";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { clientOptions } from "../common.mjs";
import { makeZip, zipDir } from "./zip.mjs";
import { recorder } from "./statuses.mjs";
import { poll, run } from "../sns/expect.mjs";

const endpoint = process.argv[2];
const lambda = new L.LambdaClient(clientOptions(endpoint));
const logs = new CloudWatchLogsClient(clientOptions(endpoint));
const { call, check: checkStatuses } = recorder(lambda, L);
const id = randomUUID().slice(0, 8);
const ROLE = "arn:aws:iam::000000000000:role/lambda-role";
const enc = (v) => new TextEncoder().encode(JSON.stringify(v));
const dec = (u8) => JSON.parse(new TextDecoder().decode(u8));
const sha256b64 = (u8) => createHash("sha256").update(u8).digest("base64");
const WAIT = { client: lambda, maxWaitTime: 30, minDelay: 1, maxDelay: 2 };

await run(async (expect) => {
  const fn = `js-fn-${id}`;
  const zip = zipDir(fileURLToPath(new URL("./fixtures/js_fn", import.meta.url)));
  expect.true("zip is a Uint8Array", zip instanceof Uint8Array && !Buffer.isBuffer(zip));
  const created = await call("CreateFunction", {
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE,
    Code: { ZipFile: zip }, Description: "js ✓", Timeout: 10, MemorySize: 256,
    Environment: { Variables: { USER_VAR: "one" } }, Tags: { team: "nimbus" },
  });
  expect.eq("create status", created.$metadata.httpStatusCode, 201);
  expect.eq("FunctionName", created.FunctionName, fn);
  expect.true("FunctionArn", /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:js-fn-/.test(created.FunctionArn), created.FunctionArn);
  expect.eq("CodeSha256", created.CodeSha256, sha256b64(zip));
  expect.eq("CodeSize", created.CodeSize, zip.length);
  expect.eq("Runtime/Handler/Memory/Timeout", [created.Runtime, created.Handler, created.MemorySize, created.Timeout],
    ["nodejs20.x", "index.handler", 256, 10]);
  expect.eq("PackageType", created.PackageType, "Zip");
  expect.eq("Version", created.Version, "$LATEST");
  expect.eq("Environment", created.Environment?.Variables, { USER_VAR: "one" });
  expect.true("LastModified", /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/.test(created.LastModified ?? ""), created.LastModified);
  expect.true("State", ["Pending", "Active"].includes(created.State), created.State);
  await L.waitUntilFunctionActiveV2(WAIT, { FunctionName: fn });
  await expect.throws("create twice", call("CreateFunction", {
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE, Code: { ZipFile: zip },
  }), "ResourceConflictException", 409);
  await expect.throws("bad runtime", call("CreateFunction", {
    FunctionName: `${fn}-bad`, Runtime: "cobol85", Handler: "index.handler", Role: ROLE, Code: { ZipFile: zip },
  }), "InvalidParameterValueException", 400);
  await expect.throws("not a zip", call("CreateFunction", {
    FunctionName: `${fn}-bad`, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE,
    Code: { ZipFile: new Uint8Array([1, 2, 3]) },
  }), "InvalidParameterValueException", 400);

  const got = await call("GetFunction", { FunctionName: fn });
  expect.eq("GetFunction State", got.Configuration?.State, "Active");
  expect.eq("GetFunction LastUpdateStatus", got.Configuration?.LastUpdateStatus, "Successful");
  expect.eq("GetFunction Tags", got.Tags, { team: "nimbus" });
  expect.eq("GetFunction Code.RepositoryType", got.Code?.RepositoryType, "S3");
  const download = await fetch(got.Code?.Location);
  expect.eq("Code.Location status", download.status, 200);
  expect.eq("Code.Location bytes", sha256b64(new Uint8Array(await download.arrayBuffer())), sha256b64(zip));
  await expect.throws("GetFunction missing", call("GetFunction", { FunctionName: `${fn}-missing` }),
    "ResourceNotFoundException", 404);

  // RequestResponse.
  const payload = { mode: "echo", token: `rr-${id}`, text: "héllo ✓ \u{1F600}" };
  const inv = await call("Invoke", { FunctionName: fn, Payload: enc(payload) });
  expect.eq("invoke StatusCode", inv.StatusCode, 200);
  expect.eq("invoke ExecutedVersion", inv.ExecutedVersion, "$LATEST");
  expect.eq("invoke FunctionError", inv.FunctionError, undefined);
  expect.true("invoke Payload is Uint8Array", inv.Payload instanceof Uint8Array);
  const out = dec(inv.Payload);
  expect.eq("invoke echo event", out.event, payload);
  expect.eq("invoke context", [out.functionName, out.version, out.memory, out.arn, out.userVar, out.code],
    [fn, "$LATEST", "256", created.FunctionArn, "one", "v1"]);
  expect.eq("invoke requestId is the response's", out.requestId, inv.$metadata.requestId);

  // LogType Tail.
  const tail = await call("Invoke", { FunctionName: fn, Payload: enc({ token: `tail-${id}` }), LogType: "Tail" });
  const log = Buffer.from(tail.LogResult ?? "", "base64").toString("utf8");
  expect.true("LogResult has the function's line", log.includes(`invoked token=tail-${id} mode=echo`), log);
  expect.true("LogResult has START/END/REPORT", /START RequestId: \S+/.test(log) && /END RequestId: \S+/.test(log) &&
    /REPORT RequestId: \S+\s+Duration: [\d.]+ ms/.test(log), log);

  // FunctionError.
  const failed = await call("Invoke", { FunctionName: fn, Payload: enc({ mode: "error", message: "bad thing ✓" }), LogType: "Tail" });
  expect.eq("error StatusCode", failed.StatusCode, 200);
  expect.eq("FunctionError", failed.FunctionError, "Unhandled");
  const err = dec(failed.Payload);
  expect.eq("error payload", [err.errorType, err.errorMessage], ["TypeError", "bad thing ✓"]);
  expect.true("error trace", Array.isArray(err.trace) && err.trace.length > 0, err);
  expect.true("error in LogResult", Buffer.from(failed.LogResult ?? "", "base64").toString().includes("bad thing ✓"), failed.LogResult);
  await expect.throws("invalid JSON payload", call("Invoke", { FunctionName: fn, Payload: new TextEncoder().encode("{not json") }),
    "InvalidRequestContentException", 400);
  await expect.throws("invoke missing function", call("Invoke", { FunctionName: `${fn}-missing`, Payload: enc({}) }),
    "ResourceNotFoundException", 404);
  // A response over 6 MB fails the invocation (AWS: 200, FunctionError, Function.ResponseSizeTooLarge);
  // a request over 6 MB is refused before the function runs.
  const big = await call("Invoke", { FunctionName: fn, Payload: enc({ mode: "big", size: 7 * 1024 * 1024 }) });
  expect.eq("oversized response", [big.StatusCode, big.FunctionError, dec(big.Payload)], [200, "Unhandled", {
    errorType: "Function.ResponseSizeTooLarge",
    errorMessage: "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
  }]);
  const justFits = await call("Invoke", { FunctionName: fn, Payload: enc({ mode: "big", size: 6 * 1024 * 1024 }) });
  expect.eq("6 MB response", [justFits.FunctionError, justFits.Payload.length], [undefined, 6 * 1024 * 1024 + 2]);
  const after = dec((await call("Invoke", { FunctionName: fn, Payload: enc({}) })).Payload);
  expect.eq("the environment survives an oversized response", [after.code, after.pid], ["v1", out.pid]);
  await expect.throws("request too large", call("Invoke", { FunctionName: fn, Payload: enc("x".repeat(6 * 1024 * 1024)) }),
    "RequestTooLargeException", 413);

  // Event: 202, empty payload; the invocation shows up in the function's log group.
  const ev = await call("Invoke", { FunctionName: fn, InvocationType: "Event", Payload: enc({ token: `event-${id}` }) });
  expect.eq("event StatusCode", ev.StatusCode, 202);
  expect.eq("event Payload empty", ev.Payload?.length ?? 0, 0);
  const seen = await poll(async () => {
    try {
      const r = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${fn}`, filterPattern: `"event-${id}"` }));
      return (r.events ?? []).length > 0 ? r.events : null;
    } catch (e) {
      if (e.name === "ResourceNotFoundException") return null;
      throw e;
    }
  }, 20000, 200);
  expect.true("event invocation logged", !!seen && seen[0].message.includes(`invoked token=event-${id}`), seen);
  const dry = await call("Invoke", { FunctionName: fn, InvocationType: "DryRun", Payload: enc({}) });
  expect.eq("DryRun StatusCode", dry.StatusCode, 204);

  // Versions and aliases.
  const v1 = await call("PublishVersion", { FunctionName: fn, Description: "first" });
  expect.eq("PublishVersion", [v1.Version, v1.FunctionArn, v1.CodeSha256], ["1", `${created.FunctionArn}:1`, created.CodeSha256]);
  const alias = await call("CreateAlias", { FunctionName: fn, Name: "live", FunctionVersion: "1", Description: "prod" });
  expect.eq("CreateAlias", [alias.AliasArn, alias.FunctionVersion, alias.Name], [`${created.FunctionArn}:live`, "1", "live"]);
  await expect.throws("alias to missing version",
    call("CreateAlias", { FunctionName: fn, Name: "nope", FunctionVersion: "9" }), "ResourceNotFoundException", 404);

  // UpdateFunctionCode → waitUntilFunctionUpdatedV2; $LATEST runs the new code, the alias the old.
  const zip2 = makeZip({ "index.js": "exports.handler = async (event, context) => ({ code: 'v2', version: context.functionVersion, userVar: process.env.USER_VAR });\n" });
  const upd = await call("UpdateFunctionCode", { FunctionName: fn, ZipFile: zip2 });
  expect.eq("UpdateFunctionCode CodeSha256", upd.CodeSha256, sha256b64(zip2));
  expect.true("UpdateFunctionCode LastUpdateStatus", ["InProgress", "Successful"].includes(upd.LastUpdateStatus), upd.LastUpdateStatus);
  const waited = await L.waitUntilFunctionUpdatedV2(WAIT, { FunctionName: fn });
  expect.eq("waiter state", waited.state, "SUCCESS");
  expect.eq("new code on $LATEST", dec((await call("Invoke", { FunctionName: fn, Payload: enc({}) })).Payload).code, "v2");
  const viaAlias = await call("Invoke", { FunctionName: fn, Qualifier: "live", Payload: enc({ token: "alias" }) });
  expect.eq("alias ExecutedVersion", viaAlias.ExecutedVersion, "1");
  expect.eq("alias runs version 1", [dec(viaAlias.Payload).code, dec(viaAlias.Payload).version], ["v1", "1"]);

  // UpdateFunctionConfiguration → waiter; the new environment is seen by the next invoke.
  const cfg = await call("UpdateFunctionConfiguration", { FunctionName: fn, Environment: { Variables: { USER_VAR: "two" } }, Timeout: 20 });
  expect.eq("UpdateFunctionConfiguration Timeout", cfg.Timeout, 20);
  await L.waitUntilFunctionUpdatedV2(WAIT, { FunctionName: fn });
  // The v1 waiters poll GetFunctionConfiguration instead of GetFunction.
  expect.eq("waitUntilFunctionUpdated", (await L.waitUntilFunctionUpdated(WAIT, { FunctionName: fn })).state, "SUCCESS");
  expect.eq("waitUntilFunctionActive", (await L.waitUntilFunctionActive(WAIT, { FunctionName: fn })).state, "SUCCESS");
  expect.eq("waitUntilFunctionExists", (await L.waitUntilFunctionExists(WAIT, { FunctionName: fn })).state, "SUCCESS");
  const conf = await call("GetFunctionConfiguration", { FunctionName: fn });
  expect.eq("configuration after update", [conf.State, conf.LastUpdateStatus, conf.Environment?.Variables?.USER_VAR, conf.Timeout],
    ["Active", "Successful", "two", 20]);
  expect.eq("new environment", dec((await call("Invoke", { FunctionName: fn, Payload: enc({}) })).Payload).userVar, "two");

  const v2 = await call("PublishVersion", { FunctionName: fn });
  expect.eq("second version", v2.Version, "2");
  expect.eq("waitUntilPublishedVersionActive",
    (await L.waitUntilPublishedVersionActive(WAIT, { FunctionName: fn, Qualifier: "2" })).state, "SUCCESS");
  const moved = await call("UpdateAlias", { FunctionName: fn, Name: "live", FunctionVersion: "2",
    RoutingConfig: { AdditionalVersionWeights: { 1: 0.0 } } });
  expect.eq("UpdateAlias", moved.FunctionVersion, "2");
  expect.eq("GetAlias", (await call("GetAlias", { FunctionName: fn, Name: "live" })).FunctionVersion, "2");
  const versions = [];
  for await (const page of L.paginateListVersionsByFunction({ client: lambda, pageSize: 1 }, { FunctionName: fn })) versions.push(...page.Versions.map((v) => v.Version));
  expect.eq("ListVersionsByFunction", versions, ["$LATEST", "1", "2"]);
  const aliases = (await call("ListAliases", { FunctionName: fn })).Aliases.map((a) => [a.Name, a.FunctionVersion]);
  expect.eq("ListAliases", aliases, [["live", "2"]]);
  const v1conf = await call("GetFunctionConfiguration", { FunctionName: fn, Qualifier: "1" });
  expect.eq("version 1 keeps its environment", v1conf.Environment?.Variables?.USER_VAR, "one");

  // paginateListFunctions over more functions than a page.
  const small = makeZip({ "index.js": "exports.handler = async () => 1;\n" });
  const many = Array.from({ length: 12 }, (_, i) => `js-page-${id}-${String(i).padStart(2, "0")}`);
  await Promise.all(many.map((name) => call("CreateFunction", {
    FunctionName: name, Runtime: "nodejs20.x", Handler: "index.handler", Role: ROLE, Code: { ZipFile: small },
  })));
  const listed = [];
  let pages = 0;
  for await (const page of L.paginateListFunctions({ client: lambda, pageSize: 5 }, {})) {
    pages++;
    expect.true(`page ${pages} size`, page.Functions.length <= 5, page.Functions.length);
    listed.push(...page.Functions.map((f) => f.FunctionName));
  }
  expect.true("several pages", pages >= 3, pages);
  expect.eq("no duplicates", new Set(listed).size, listed.length);
  expect.true("all listed", [fn, ...many].every((n) => listed.includes(n)), listed);
  const all = await call("ListFunctions", { FunctionVersion: "ALL", MaxItems: 50 });
  expect.true("FunctionVersion=ALL lists versions", all.Functions.some((f) => f.FunctionArn === `${created.FunctionArn}:1`) ||
    !!all.NextMarker, all.Functions.length);
  await Promise.all(many.map((name) => call("DeleteFunction", { FunctionName: name })));

  // InvokeWithResponseStream: served, or an AWS-shaped error.
  let stream;
  try {
    const res = await call("InvokeWithResponseStream", { FunctionName: fn, Payload: enc({ token: "stream" }) });
    const chunks = [];
    for await (const ev of res.EventStream) {
      if (ev.PayloadChunk) chunks.push(Buffer.from(ev.PayloadChunk.Payload));
      if (ev.InvokeComplete) stream = { complete: ev.InvokeComplete };
    }
    stream = { ...stream, status: res.StatusCode, body: Buffer.concat(chunks).toString() };
  } catch (e) {
    stream = { error: e.name, status: e.$metadata?.httpStatusCode, message: e.message };
  }

  await call("DeleteAlias", { FunctionName: fn, Name: "live" });
  await call("DeleteFunction", { FunctionName: fn });
  await expect.throws("deleted function", call("GetFunctionConfiguration", { FunctionName: fn }), "ResourceNotFoundException", 404);
  checkStatuses(expect);
  return { functionArn: created.FunctionArn, stream };
});
