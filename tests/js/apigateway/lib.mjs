// Helpers shared by the API Gateway scenario scripts: a check list that ends in one JSON line,
// the echo function from fixtures/echo.zip, and HTTP calls to execute-api URLs.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import dns from "node:dns";
import {
  LambdaClient, CreateFunctionCommand, GetFunctionConfigurationCommand, DeleteFunctionCommand,
} from "@aws-sdk/client-lambda";
import { clientOptions } from "../common.mjs";

export const ROLE = "arn:aws:iam::000000000000:role/apigw-js";

// JSON text with object keys sorted, so that member order never decides equality.
const canonical = (v) => JSON.stringify(v, (_k, x) => (x && typeof x === "object" && !Array.isArray(x)
  && !(x instanceof Date) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x));

// Collects named checks; `finish` prints {ok, checks, mismatches, ...extra}.
export class Checks {
  constructor() { this.names = []; this.mismatches = []; }
  equal(what, got, want) {
    this.names.push(what);
    const same = canonical(got) === canonical(want);
    if (!same) this.mismatches.push({ what, got, want });
    return same;
  }
  truthy(what, value, detail) {
    this.names.push(what);
    if (!value) this.mismatches.push({ what, got: detail ?? value });
    return Boolean(value);
  }
  // Awaits `promise`, which must fail with the SDK's typed exception `Type` and `status`.
  async rejects(what, promise, Type, status) {
    this.names.push(what);
    try {
      await promise;
      this.mismatches.push({ what, got: "no error", want: Type.name });
    } catch (e) {
      const ok = e instanceof Type && e.name === Type.name && e.$metadata?.httpStatusCode === status
        && typeof e.message === "string" && e.message.length > 0;
      if (!ok) {
        this.mismatches.push({ what, got: { name: e.name, status: e.$metadata?.httpStatusCode,
                                            message: e.message }, want: { name: Type.name, status } });
      }
      return e;
    }
    return undefined;
  }
  finish(extra = {}) {
    console.log(JSON.stringify({ ok: this.mismatches.length === 0, checks: this.names.length,
                                 mismatches: this.mismatches, ...extra }));
  }
  fail(e, extra = {}) {
    console.log(JSON.stringify({
      ok: false, error: String(e?.stack ?? e), name: e?.name, status: e?.$metadata?.httpStatusCode,
      checks: this.names.length, mismatches: this.mismatches, ...extra,
    }));
  }
}

// The echo function (python3.12) from fixtures/echo.zip, once Active. Returns its ARN.
export async function echoFunction(endpoint) {
  const lambda = new LambdaClient(clientOptions(endpoint));
  const name = `apigw-js-${randomUUID().slice(0, 8)}`;
  const zip = readFileSync(new URL("./fixtures/echo.zip", import.meta.url));
  const fn = await lambda.send(new CreateFunctionCommand({
    FunctionName: name, Runtime: "python3.12", Handler: "app.handler", Role: ROLE,
    Code: { ZipFile: new Uint8Array(zip) }, Timeout: 30,
  }));
  for (let i = 0; i < 200; i++) {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (c.State === "Active") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { arn: fn.FunctionArn, name, remove: () => lambda.send(new DeleteFunctionCommand({ FunctionName: name })) };
}

export const lambdaUri = (arn, region = "us-east-1") =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${arn}/invocations`;

// *.localhost.localstack.cloud names 127.0.0.1 (LocalStack's public DNS does the same); this
// machine may have no DNS, so the scripts resolve it themselves. fetch() then sends the real
// virtual-host URL (undici's fetch() will not let a caller set Host).
const systemLookup = dns.lookup;
dns.lookup = (host, options, callback) => {
  if (typeof options === "function") { callback = options; options = {}; }
  if (typeof host === "string" && host.endsWith(".localhost.localstack.cloud")) {
    return options?.all ? callback(null, [{ address: "127.0.0.1", family: 4 }])
                        : callback(null, "127.0.0.1", 4);
  }
  return systemLookup(host, options, callback);
};

// fetch() of `url`: {status, headers, text}.
export async function call(url, { method = "GET", headers = {}, body } = {}) {
  const res = await fetch(url, { method, headers, body });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

// The three invoke URL forms of an API's stage (the path below the stage is appended).
export function invokeUrls(endpoint, apiId, stage) {
  const port = new URL(endpoint).port;
  return {
    host: `http://${apiId}.execute-api.localhost.localstack.cloud:${port}/${stage}`,
    path: `${endpoint}/_aws/execute-api/${apiId}/${stage}`,
    legacy: `${endpoint}/restapis/${apiId}/${stage}/_user_request_`,
  };
}

export function parseJson(text) {
  try { return JSON.parse(text); } catch { return { unparsable: text }; }
}

// A JWT with these claims (RS256 header, placeholder signature: the local JWT authorizer checks
// issuer, audience, expiry and scopes, not signatures).
export function unsignedJwt(claims) {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
  return `${b64({ alg: "RS256", typ: "JWT" })}.${b64(claims)}.c2ln`;
}
