// usage: node lambda/names_and_extras.mjs ENDPOINT
// The path-label corners of Lambda's REST API through @aws-sdk/client-lambda, which
// percent-encodes labels itself: functions named by full ARN, partial ARN and ARN:qualifier,
// tags by ARN, resource policies (AddPermission/GetPolicy/RemovePermission), concurrency,
// ClientContext on Invoke, layers from a Uint8Array zip, a function URL called with fetch, and
// GetAccountSettings.
import { randomUUID } from "node:crypto";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import * as L from "@aws-sdk/client-lambda";
import { clientOptions } from "../common.mjs";
import { makeZip, zipDir } from "./zip.mjs";
import { recorder } from "./statuses.mjs";
import { run } from "../sns/expect.mjs";

function postWithHost(endpoint, host, body) {
  return new Promise((resolve, reject) => {
    const req = request(new URL("/", endpoint), { method: "POST", headers: { host, "content-type": "application/json" } }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const lambda = new L.LambdaClient(clientOptions(process.argv[2]));
const { call, check: checkStatuses } = recorder(lambda, L);
const id = randomUUID().slice(0, 8);
const enc = (v) => new TextEncoder().encode(JSON.stringify(v));
const dec = (u8) => JSON.parse(new TextDecoder().decode(u8));

await run(async (expect) => {
  const fn = `js-names-${id}`;
  const created = await call("CreateFunction", {
    FunctionName: fn, Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/lambda-role",
    Code: { ZipFile: zipDir(fileURLToPath(new URL("./fixtures/js_fn", import.meta.url))) }, Publish: true,
    Environment: { Variables: { USER_VAR: "ünï ✓ \"quoted\" & <tag>" } },
  });
  expect.eq("Publish: true makes version 1", created.Version, "1");
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: fn });
  const arn = created.FunctionArn.replace(/:1$/, "");
  const account = arn.split(":")[4];
  const partial = `${account}:function:${fn}`;

  for (const [what, name, qualifier] of [["full ARN", arn], ["partial ARN", partial], ["ARN:version", `${arn}:1`],
    ["name + Qualifier", fn, "1"], ["ARN + $LATEST", arn, "$LATEST"]]) {
    const got = await call("GetFunctionConfiguration", { FunctionName: name, Qualifier: qualifier });
    expect.eq(`GetFunctionConfiguration by ${what}`, got.FunctionName, fn);
    const out = await call("Invoke", { FunctionName: name, Qualifier: qualifier, Payload: enc({ token: what }) });
    expect.eq(`Invoke by ${what}`, [out.StatusCode, dec(out.Payload).functionName], [200, fn]);
  }
  expect.eq("environment round-trips", dec((await call("Invoke", { FunctionName: fn, Payload: enc({}) })).Payload).userVar,
    "ünï ✓ \"quoted\" & <tag>");
  await expect.throws("ARN of another function", call("GetFunction", { FunctionName: `${arn}-other` }), "ResourceNotFoundException", 404);
  await expect.throws("qualifier both in ARN and parameter", call("GetFunction", { FunctionName: `${arn}:1`, Qualifier: "2" }),
    "InvalidParameterValueException", 400);

  // Tags by ARN (a path label holding colons).
  await call("TagResource", { Resource: arn, Tags: { "k:colon": "v/slash ✓", plain: "1" } });
  expect.eq("ListTags by ARN", (await call("ListTags", { Resource: arn })).Tags, { "k:colon": "v/slash ✓", plain: "1" });
  await call("UntagResource", { Resource: arn, TagKeys: ["k:colon"] });
  expect.eq("UntagResource key with a colon", (await call("ListTags", { Resource: arn })).Tags, { plain: "1" });

  // Resource policy.
  const perm = await call("AddPermission", {
    FunctionName: fn, StatementId: "sns-invoke", Action: "lambda:InvokeFunction", Principal: "sns.amazonaws.com",
    SourceArn: `arn:aws:sns:us-east-1:${account}:some-topic`,
  });
  expect.eq("AddPermission status", perm.$metadata.httpStatusCode, 201);
  expect.eq("AddPermission statement", JSON.parse(perm.Statement).Sid, "sns-invoke");
  const policy = JSON.parse((await call("GetPolicy", { FunctionName: arn })).Policy);
  expect.eq("GetPolicy statements", policy.Statement.map((s) => s.Sid), ["sns-invoke"]);
  await expect.throws("duplicate statement", call("AddPermission", {
    FunctionName: fn, StatementId: "sns-invoke", Action: "lambda:InvokeFunction", Principal: "sns.amazonaws.com",
  }), "ResourceConflictException", 409);
  await call("RemovePermission", { FunctionName: fn, StatementId: "sns-invoke" });
  await expect.throws("policy gone", call("GetPolicy", { FunctionName: fn }), "ResourceNotFoundException", 404);

  // Concurrency.
  const conc = await call("PutFunctionConcurrency", { FunctionName: fn, ReservedConcurrentExecutions: 3 });
  expect.eq("PutFunctionConcurrency", conc.ReservedConcurrentExecutions, 3);
  expect.eq("GetFunctionConcurrency", (await call("GetFunctionConcurrency", { FunctionName: fn })).ReservedConcurrentExecutions, 3);
  await call("DeleteFunctionConcurrency", { FunctionName: fn });
  expect.eq("concurrency removed", (await call("GetFunctionConcurrency", { FunctionName: fn })).ReservedConcurrentExecutions, undefined);

  // ClientContext (base64 JSON) reaches the function's context.
  const ctxFn = `js-ctx-${id}`;
  await call("CreateFunction", {
    FunctionName: ctxFn, Runtime: "nodejs20.x", Handler: "index.handler", Role: "arn:aws:iam::000000000000:role/lambda-role",
    Code: { ZipFile: makeZip({ "index.js": "exports.handler = async (e, c) => ({ custom: c.clientContext && c.clientContext.custom });\n" }) },
  });
  await L.waitUntilFunctionActiveV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: ctxFn });
  const clientContext = Buffer.from(JSON.stringify({ custom: { who: "js ✓" } })).toString("base64");
  const withCtx = await call("Invoke", { FunctionName: ctxFn, ClientContext: clientContext, Payload: enc({}) });
  expect.eq("ClientContext.custom", dec(withCtx.Payload), { custom: { who: "js ✓" } });

  // A layer from a Uint8Array zip.
  const layerName = `js-layer-${id}`;
  const layerZip = makeZip({ "nodejs/node_modules/jslayer/index.js": "module.exports = 'from layer';\n" });
  const layer = await call("PublishLayerVersion", {
    LayerName: layerName, Content: { ZipFile: layerZip }, CompatibleRuntimes: ["nodejs20.x"], Description: "js",
  });
  expect.eq("layer version", layer.Version, 1);
  expect.eq("layer CodeSize", layer.Content?.CodeSize, layerZip.length);
  const layers = [];
  for await (const page of L.paginateListLayers({ client: lambda }, { CompatibleRuntime: "nodejs20.x" })) layers.push(...page.Layers);
  expect.true("ListLayers", layers.some((l) => l.LayerName === layerName && l.LatestMatchingVersion?.Version === 1), layers.map((l) => l.LayerName));
  await call("UpdateFunctionConfiguration", { FunctionName: ctxFn, Layers: [layer.LayerVersionArn] });
  await L.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: ctxFn });
  await call("UpdateFunctionCode", { FunctionName: ctxFn, ZipFile: makeZip({ "index.js": "exports.handler = async () => require('jslayer');\n" }) });
  await L.waitUntilFunctionUpdatedV2({ client: lambda, maxWaitTime: 30, minDelay: 1 }, { FunctionName: ctxFn });
  expect.eq("function uses the layer", dec((await call("Invoke", { FunctionName: ctxFn, Payload: enc({}) })).Payload), "from layer");
  await call("DeleteLayerVersion", { LayerName: layerName, VersionNumber: 1 });

  // A function URL, called with fetch.
  const url = await call("CreateFunctionUrlConfig", { FunctionName: fn, AuthType: "NONE" });
  expect.eq("CreateFunctionUrlConfig status", url.$metadata.httpStatusCode, 201);
  // <id>.lambda-url.<region>.localhost does not resolve here: send to the endpoint with its Host.
  const res = await postWithHost(process.argv[2], new URL(url.FunctionUrl).host, JSON.stringify({ hello: "url ✓" }));
  const body = JSON.parse(res.body || "{}");
  expect.eq("function URL answers", [res.status, body.functionName, JSON.parse(body.event?.body ?? "{}")], [200, fn, { hello: "url ✓" }]);
  await call("DeleteFunctionUrlConfig", { FunctionName: fn });

  const settings = await call("GetAccountSettings", {});
  expect.true("GetAccountSettings", Number.isInteger(settings.AccountLimit?.ConcurrentExecutions), settings);

  await call("DeleteFunction", { FunctionName: arn });
  await call("DeleteFunction", { FunctionName: ctxFn });
  await expect.throws("deleted by ARN", call("GetFunction", { FunctionName: partial }), "ResourceNotFoundException", 404);
  checkStatuses(expect);
});
