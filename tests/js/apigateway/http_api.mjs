// usage: node apigateway/http_api.mjs ENDPOINT
// HTTP APIs (v2) through @aws-sdk/client-apigatewayv2: quick create (Target) to the echo
// function, CreateApi + CreateIntegration (AWS_PROXY, payload 2.0) + CreateRoute + an
// auto-deploying stage with variables, a JWT authorizer, a CORS configuration, GetApis paging
// (NextToken), ExportApi (a Uint8Array body) and the SDK's typed errors; fetch() invokes the
// APIs ($default stage and a named stage on the three URL forms) and checks the 2.0 event.
// Prints one JSON line: {ok, checks, mismatches}.
import { randomUUID } from "node:crypto";
import {
  ApiGatewayV2Client, CreateApiCommand, GetApiCommand, CreateIntegrationCommand,
  CreateRouteCommand, CreateStageCommand, GetStageCommand, CreateAuthorizerCommand,
  GetAuthorizerCommand, UpdateApiCommand, DeleteCorsConfigurationCommand, GetApisCommand,
  ExportApiCommand, DeleteApiCommand, GetRoutesCommand, GetIntegrationsCommand,
  UpdateStageCommand, GetStagesCommand, TagResourceCommand, UntagResourceCommand, GetTagsCommand,
  NotFoundException, ConflictException, BadRequestException,
} from "@aws-sdk/client-apigatewayv2";
import { clientOptions } from "../common.mjs";
import { Checks, echoFunction, call, invokeUrls, parseJson, unsignedJwt } from "./lib.mjs";

const endpoint = process.argv[2];
const v2 = new ApiGatewayV2Client(clientOptions(endpoint));
const checks = new Checks();
const created = [];
let fn;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
  fn = await echoFunction(endpoint);
  const suffix = randomUUID().slice(0, 6);
  const port = new URL(endpoint).port;

  // ---- quick create ----
  const quick = await v2.send(new CreateApiCommand({
    Name: `js-quick-${suffix}`, ProtocolType: "HTTP", Target: fn.arn,
  }));
  created.push(quick.ApiId);
  // AWS: https://<id>.execute-api.<region>.amazonaws.com; locally, the URL that reaches the server.
  checks.equal("quick create ApiEndpoint", quick.ApiEndpoint,
    `http://${quick.ApiId}.execute-api.localhost.localstack.cloud:${port}`);
  checks.truthy("quick create CreatedDate is a Date", quick.CreatedDate instanceof Date, quick.CreatedDate);
  const quickRoutes = await v2.send(new GetRoutesCommand({ ApiId: quick.ApiId }));
  checks.equal("quick create route", (quickRoutes.Items ?? []).map((r) => r.RouteKey), ["$default"]);
  const quickInteg = await v2.send(new GetIntegrationsCommand({ ApiId: quick.ApiId }));
  checks.equal("quick create integration",
    (quickInteg.Items ?? []).map((i) => [i.IntegrationType, i.PayloadFormatVersion]), [["AWS_PROXY", "2.0"]]);
  const defaultStage = await v2.send(new GetStageCommand({ ApiId: quick.ApiId, StageName: "$default" }));
  checks.equal("GetStage $default (percent-encoded in the path)", [defaultStage.StageName, defaultStage.AutoDeploy],
    ["$default", true]);
  const quickRes = await call(`http://${quick.ApiId}.execute-api.localhost.localstack.cloud:${port}/any/path?a=1`);
  checks.equal("quick create invoke status", quickRes.status, 200);
  const quickEvent = parseJson(quickRes.text).event ?? {};
  checks.equal("quick create event.routeKey", quickEvent.routeKey, "$default");
  checks.equal("quick create event.rawPath", quickEvent.rawPath, "/any/path");
  checks.equal("quick create event.requestContext.stage", quickEvent.requestContext?.stage, "$default");

  // ---- CreateApi + integration + routes + auto-deploying stage ----
  const api = await v2.send(new CreateApiCommand({
    Name: `js-http-${suffix}`, ProtocolType: "HTTP",
    CorsConfiguration: {
      AllowOrigins: ["https://example.com"], AllowMethods: ["GET", "POST"],
      AllowHeaders: ["content-type", "x-custom"], ExposeHeaders: ["x-echo"], MaxAge: 300,
    },
  }));
  created.push(api.ApiId);
  checks.equal("CreateApi CorsConfiguration", api.CorsConfiguration, {
    AllowOrigins: ["https://example.com"], AllowMethods: ["GET", "POST"],
    AllowHeaders: ["content-type", "x-custom"], ExposeHeaders: ["x-echo"], MaxAge: 300,
  });
  const integ = await v2.send(new CreateIntegrationCommand({
    ApiId: api.ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: fn.arn,
    PayloadFormatVersion: "2.0", TimeoutInMillis: 10000,
  }));
  checks.equal("CreateIntegration", [integ.IntegrationType, integ.PayloadFormatVersion, integ.TimeoutInMillis,
    integ.IntegrationMethod], ["AWS_PROXY", "2.0", 10000, "POST"]);
  const route = await v2.send(new CreateRouteCommand({
    ApiId: api.ApiId, RouteKey: "POST /items/{id}", Target: `integrations/${integ.IntegrationId}`,
  }));
  checks.equal("CreateRoute", [route.RouteKey, route.Target, route.AuthorizationType],
    ["POST /items/{id}", `integrations/${integ.IntegrationId}`, "NONE"]);

  const auth = await v2.send(new CreateAuthorizerCommand({
    ApiId: api.ApiId, Name: "jwt", AuthorizerType: "JWT",
    IdentitySource: ["$request.header.Authorization"],
    JwtConfiguration: { Audience: ["my-client"], Issuer: "https://issuer.example.com" },
  }));
  const gotAuth = await v2.send(new GetAuthorizerCommand({ ApiId: api.ApiId, AuthorizerId: auth.AuthorizerId }));
  checks.equal("GetAuthorizer JwtConfiguration", gotAuth.JwtConfiguration,
    { Audience: ["my-client"], Issuer: "https://issuer.example.com" });
  checks.equal("GetAuthorizer IdentitySource", gotAuth.IdentitySource, ["$request.header.Authorization"]);
  await v2.send(new CreateRouteCommand({
    ApiId: api.ApiId, RouteKey: "GET /secure", Target: `integrations/${integ.IntegrationId}`,
    AuthorizationType: "JWT", AuthorizerId: auth.AuthorizerId,
  }));

  const stage = await v2.send(new CreateStageCommand({
    ApiId: api.ApiId, StageName: "dev", AutoDeploy: true, StageVariables: { color: "green" },
  }));
  checks.equal("CreateStage AutoDeploy", stage.AutoDeploy, true);
  let deployed;
  for (let i = 0; i < 50 && !deployed; i++) {
    deployed = (await v2.send(new GetStageCommand({ ApiId: api.ApiId, StageName: "dev" }))).DeploymentId;
    if (!deployed) await sleep(100);
  }
  checks.truthy("auto-deployed stage has a DeploymentId", deployed, deployed);

  const updatedStage = await v2.send(new UpdateStageCommand({
    ApiId: api.ApiId, StageName: "dev", StageVariables: { color: "green", extra: "1" },
  }));
  checks.equal("UpdateStage StageVariables", updatedStage.StageVariables, { color: "green", extra: "1" });
  const stages = await v2.send(new GetStagesCommand({ ApiId: api.ApiId }));
  checks.equal("GetStages", (stages.Items ?? []).map((s) => s.StageName), ["dev"]);

  // ---- tags: the resource ARN travels in the URI path ----
  const apiArn = `arn:aws:apigateway:us-east-1::/apis/${api.ApiId}`;
  await v2.send(new TagResourceCommand({ ResourceArn: apiArn, Tags: { team: "js", "k/with:odd chars": "v" } }));
  checks.equal("GetTags", (await v2.send(new GetTagsCommand({ ResourceArn: apiArn }))).Tags,
    { team: "js", "k/with:odd chars": "v" });
  await v2.send(new UntagResourceCommand({ ResourceArn: apiArn, TagKeys: ["team"] }));
  checks.equal("UntagResource", (await v2.send(new GetTagsCommand({ ResourceArn: apiArn }))).Tags,
    { "k/with:odd chars": "v" });
  checks.equal("GetApi Tags", (await v2.send(new GetApiCommand({ ApiId: api.ApiId }))).Tags,
    { "k/with:odd chars": "v" });

  for (const [form, base] of Object.entries(invokeUrls(endpoint, api.ApiId, "dev"))) {
    if (form === "legacy") continue;  // /restapis/... is REST API only
    const res = await call(`${base}/items/7?x=1&x=2`, {
      method: "POST", headers: { "Content-Type": "text/plain", "X-Custom": "v", Cookie: "a=1; b=2" },
      body: "plain body",
    });
    checks.equal(`${form}: status`, res.status, 200);
    const event = parseJson(res.text).event ?? {};
    checks.equal(`${form}: event.version`, event.version, "2.0");
    checks.equal(`${form}: event.routeKey`, event.routeKey, "POST /items/{id}");
    checks.equal(`${form}: event.rawPath`, event.rawPath, "/dev/items/7");
    checks.equal(`${form}: event.rawQueryString`, event.rawQueryString, "x=1&x=2");
    checks.equal(`${form}: event.queryStringParameters`, event.queryStringParameters, { x: "1,2" });
    checks.equal(`${form}: event.pathParameters`, event.pathParameters, { id: "7" });
    checks.equal(`${form}: event.stageVariables`, event.stageVariables, { color: "green", extra: "1" });
    checks.equal(`${form}: event.cookies`, event.cookies, ["a=1", "b=2"]);
    checks.equal(`${form}: event.headers x-custom`, event.headers?.["x-custom"], "v");
    checks.equal(`${form}: event.body`, event.body, "plain body");
    checks.equal(`${form}: event.requestContext.http.method`, event.requestContext?.http?.method, "POST");
    checks.equal(`${form}: event.requestContext.stage`, event.requestContext?.stage, "dev");
    checks.equal(`${form}: event.requestContext.apiId`, event.requestContext?.apiId, api.ApiId);
  }
  const host = invokeUrls(endpoint, api.ApiId, "dev").host;
  const unauthorized = await call(`${host}/secure`);
  checks.equal("JWT route without a token", [unauthorized.status, parseJson(unauthorized.text)],
    [401, { message: "Unauthorized" }]);
  const jwtToken = unsignedJwt({ iss: "https://issuer.example.com", aud: "my-client", sub: "user-42",
    exp: Math.floor(Date.now() / 1000) + 600 });
  const authorized = await call(`${host}/secure`, { headers: { Authorization: `Bearer ${jwtToken}` } });
  checks.equal("JWT route with a token", authorized.status, 200);
  checks.equal("JWT claims in the event", parseJson(authorized.text).event?.requestContext?.authorizer?.jwt?.claims?.sub,
    "user-42");
  const wrongAudience = await call(`${host}/secure`, {
    headers: { Authorization: `Bearer ${unsignedJwt({ iss: "https://issuer.example.com", aud: "other",
      exp: Math.floor(Date.now() / 1000) + 600 })}` },
  });
  checks.equal("JWT with another audience", wrongAudience.status, 401);
  const missing = await call(`${host}/nowhere`);
  checks.equal("unmatched route", [missing.status, parseJson(missing.text)], [404, { message: "Not Found" }]);

  // ---- CORS ----
  const preflight = await call(`${host}/items/7`, {
    method: "OPTIONS",
    headers: { Origin: "https://example.com", "Access-Control-Request-Method": "POST" },
  });
  checks.equal("preflight status", preflight.status, 204);
  checks.equal("preflight allow-origin", preflight.headers.get("access-control-allow-origin"), "https://example.com");
  checks.equal("preflight allow-methods", preflight.headers.get("access-control-allow-methods"), "GET,POST");
  checks.equal("preflight max-age", preflight.headers.get("access-control-max-age"), "300");
  const corsCall = await call(`${host}/items/7`, { method: "POST", headers: { Origin: "https://example.com" } });
  checks.equal("CORS response expose-headers", corsCall.headers.get("access-control-expose-headers"), "x-echo");
  const other = await call(`${host}/items/7`, { method: "POST", headers: { Origin: "https://evil.example" } });
  checks.equal("CORS other origin gets no allow-origin", other.headers.get("access-control-allow-origin"), null);
  const updated = await v2.send(new UpdateApiCommand({
    ApiId: api.ApiId, CorsConfiguration: { AllowOrigins: ["*"], AllowMethods: ["*"] },
  }));
  checks.equal("UpdateApi CorsConfiguration", updated.CorsConfiguration?.AllowOrigins, ["*"]);
  await v2.send(new DeleteCorsConfigurationCommand({ ApiId: api.ApiId }));
  const afterDelete = await v2.send(new GetApiCommand({ ApiId: api.ApiId }));
  checks.equal("DeleteCorsConfiguration", afterDelete.CorsConfiguration, undefined);

  // ---- ExportApi (Uint8Array body) ----
  const exported = await v2.send(new ExportApiCommand({
    ApiId: api.ApiId, OutputType: "JSON", Specification: "OAS30", StageName: "dev",
  }));
  checks.truthy("ExportApi body is a Uint8Array", exported.body instanceof Uint8Array, typeof exported.body);
  const oas = parseJson(new TextDecoder().decode(exported.body));
  checks.equal("ExportApi title", oas.info?.title, `js-http-${suffix}`);
  checks.equal("ExportApi paths", Object.keys(oas.paths ?? {}).sort(), ["/items/{id}", "/secure"]);

  const yamlExport = await v2.send(new ExportApiCommand({
    ApiId: api.ApiId, OutputType: "YAML", Specification: "OAS30", StageName: "dev",
  }));
  const yamlText = new TextDecoder().decode(yamlExport.body);
  checks.truthy("ExportApi YAML", yamlText.includes("openapi: 3.0.1") && yamlText.includes("/items/{id}:"),
    yamlText.slice(0, 200));

  // ---- GetApis paging ----
  for (let i = 0; i < 12; i++) {
    const extra = await v2.send(new CreateApiCommand({ Name: `js-page-${suffix}-${i}`, ProtocolType: "HTTP" }));
    created.push(extra.ApiId);
  }
  const seen = [];
  let pages = 0;
  let token;
  do {
    const page = await v2.send(new GetApisCommand({ MaxResults: "5", NextToken: token }));
    pages += 1;
    checks.truthy(`GetApis page ${pages} size <= 5`, (page.Items ?? []).length <= 5, page.Items?.length);
    seen.push(...(page.Items ?? []).map((a) => a.ApiId));
    token = page.NextToken;
  } while (token && pages < 100);
  checks.truthy("GetApis pages >= 3", pages >= 3, pages);
  checks.equal("GetApis sees every API once",
    created.filter((id) => seen.filter((s) => s === id).length !== 1), []);

  // ---- typed errors ----
  await checks.rejects("GetApi unknown → NotFoundException",
    v2.send(new GetApiCommand({ ApiId: "nosuchapi" })), NotFoundException, 404);
  await checks.rejects("CreateStage twice → ConflictException",
    v2.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "dev" })), ConflictException, 409);
  await checks.rejects("CreateRoute bad key → BadRequestException",
    v2.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "FETCH items" })), BadRequestException, 400);
  await checks.rejects("CreateIntegration bad type → BadRequestException",
    v2.send(new CreateIntegrationCommand({ ApiId: api.ApiId, IntegrationType: "NOPE" })), BadRequestException, 400);

  checks.finish({ apiId: api.ApiId });
} catch (e) {
  checks.fail(e);
} finally {
  for (const id of created) {
    await v2.send(new DeleteApiCommand({ ApiId: id })).catch(() => {});
  }
  if (fn) await fn.remove().catch(() => {});
}
