// usage: node apigateway/http_api_config.mjs ENDPOINT
// The rest of an HTTP API's life through @aws-sdk/client-apigatewayv2: ImportApi and
// ReimportApi from OpenAPI text, manual deployments on a stage without auto-deploy, route and
// integration updates and deletions (each seen through fetch()), a Lambda REQUEST authorizer's
// configuration, GetDeployments/GetRoutes/GetIntegrations/GetAuthorizers listings and typed
// errors. Prints one JSON line: {ok, checks, mismatches}.
import { randomUUID } from "node:crypto";
import {
  ApiGatewayV2Client, ImportApiCommand, ReimportApiCommand, GetRoutesCommand,
  GetIntegrationsCommand, CreateStageCommand, CreateDeploymentCommand, GetDeploymentsCommand,
  GetDeploymentCommand, UpdateStageCommand, CreateRouteCommand, UpdateRouteCommand,
  DeleteRouteCommand, CreateIntegrationCommand, UpdateIntegrationCommand,
  DeleteIntegrationCommand, GetRouteCommand, CreateAuthorizerCommand, UpdateAuthorizerCommand,
  GetAuthorizersCommand, DeleteAuthorizerCommand, DeleteStageCommand, GetStageCommand,
  DeleteDeploymentCommand, DeleteApiCommand, UpdateApiCommand,
  NotFoundException, BadRequestException, ConflictException,
} from "@aws-sdk/client-apigatewayv2";
import { clientOptions } from "../common.mjs";
import { Checks, echoFunction, call, parseJson } from "./lib.mjs";

const endpoint = process.argv[2];
const v2 = new ApiGatewayV2Client(clientOptions(endpoint));
const checks = new Checks();
const created = [];
let fn;

try {
  fn = await echoFunction(endpoint);
  const suffix = randomUUID().slice(0, 6);
  const port = new URL(endpoint).port;
  const integration = {
    type: "aws_proxy", httpMethod: "POST", payloadFormatVersion: "2.0",
    uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.arn}/invocations`,
  };
  const definition = (title, paths) => JSON.stringify({
    openapi: "3.0.1", info: { title, version: "1" },
    paths: Object.fromEntries(paths.map((p) => [p, { get: { "x-amazon-apigateway-integration": integration,
      responses: { default: { description: "ok" } } } }])),
  });

  // ---- ImportApi / ReimportApi ----
  const api = await v2.send(new ImportApiCommand({ Body: definition(`js-import-${suffix}`, ["/a", "/b/{id}"]) }));
  created.push(api.ApiId);
  checks.equal("ImportApi", [api.Name, api.ProtocolType], [`js-import-${suffix}`, "HTTP"]);
  let routes = await v2.send(new GetRoutesCommand({ ApiId: api.ApiId }));
  checks.equal("ImportApi routes", (routes.Items ?? []).map((r) => r.RouteKey).sort(), ["GET /a", "GET /b/{id}"]);
  const integrations = await v2.send(new GetIntegrationsCommand({ ApiId: api.ApiId }));
  checks.truthy("ImportApi integrations are Lambda proxies",
    (integrations.Items ?? []).length > 0 && (integrations.Items ?? []).every((i) => i.IntegrationType === "AWS_PROXY"
      && i.PayloadFormatVersion === "2.0"), integrations.Items);
  const reimported = await v2.send(new ReimportApiCommand({
    ApiId: api.ApiId, Body: definition(`js-reimport-${suffix}`, ["/c"]),
  }));
  checks.equal("ReimportApi keeps the id", reimported.ApiId, api.ApiId);
  routes = await v2.send(new GetRoutesCommand({ ApiId: api.ApiId }));
  checks.equal("ReimportApi replaces the routes", (routes.Items ?? []).map((r) => r.RouteKey), ["GET /c"]);

  // ---- manual deployments ----
  await v2.send(new CreateStageCommand({ ApiId: api.ApiId, StageName: "prod" }));
  const base = `http://${api.ApiId}.execute-api.localhost.localstack.cloud:${port}/prod`;
  const undeployed = await call(`${base}/c`);
  checks.equal("stage without a deployment", undeployed.status, 404);
  const d1 = await v2.send(new CreateDeploymentCommand({ ApiId: api.ApiId, StageName: "prod", Description: "first" }));
  checks.equal("CreateDeployment", [d1.DeploymentStatus, d1.AutoDeployed, d1.Description], ["DEPLOYED", false, "first"]);
  checks.truthy("CreateDeployment CreatedDate is a Date", d1.CreatedDate instanceof Date, d1.CreatedDate);
  const stage = await v2.send(new GetStageCommand({ ApiId: api.ApiId, StageName: "prod" }));
  checks.equal("stage points at the deployment", stage.DeploymentId, d1.DeploymentId);
  const deployedCall = await call(`${base}/c?x=1`);
  checks.equal("deployed route", [deployedCall.status, parseJson(deployedCall.text).event?.routeKey], [200, "GET /c"]);

  // A change is not live until the next deployment.
  const integ = await v2.send(new CreateIntegrationCommand({
    ApiId: api.ApiId, IntegrationType: "AWS_PROXY", IntegrationUri: fn.arn, PayloadFormatVersion: "1.0",
  }));
  const route = await v2.send(new CreateRouteCommand({
    ApiId: api.ApiId, RouteKey: "POST /v1/{proxy+}", Target: `integrations/${integ.IntegrationId}`,
  }));
  checks.equal("new route before deployment", (await call(`${base}/v1/x/y`, { method: "POST" })).status, 404);
  const d2 = await v2.send(new CreateDeploymentCommand({ ApiId: api.ApiId, StageName: "prod" }));
  const v1Event = parseJson((await call(`${base}/v1/x/y`, { method: "POST", body: "b" })).text).event ?? {};
  checks.equal("payload 1.0 event on an HTTP API", [v1Event.version, v1Event.resource, v1Event.path,
    v1Event.pathParameters, v1Event.httpMethod, v1Event.body], ["1.0", "/v1/{proxy+}", "/prod/v1/x/y", { proxy: "x/y" }, "POST", "b"]);
  const deployments = await v2.send(new GetDeploymentsCommand({ ApiId: api.ApiId }));
  checks.equal("GetDeployments", (deployments.Items ?? []).map((d) => d.DeploymentId).sort(),
    [d1.DeploymentId, d2.DeploymentId].sort());
  await v2.send(new UpdateStageCommand({ ApiId: api.ApiId, StageName: "prod", DeploymentId: d1.DeploymentId }));
  checks.equal("rolled back to the first deployment", (await call(`${base}/v1/x/y`, { method: "POST" })).status, 404);
  await checks.rejects("DeleteDeployment in use → BadRequestException",
    v2.send(new DeleteDeploymentCommand({ ApiId: api.ApiId, DeploymentId: d1.DeploymentId })), BadRequestException, 400);
  await v2.send(new UpdateStageCommand({ ApiId: api.ApiId, StageName: "prod", AutoDeploy: true }));

  // ---- route and integration updates, deletions ----
  const updatedRoute = await v2.send(new UpdateRouteCommand({
    ApiId: api.ApiId, RouteId: route.RouteId, RouteKey: "PUT /v2/{proxy+}",
  }));
  checks.equal("UpdateRoute", updatedRoute.RouteKey, "PUT /v2/{proxy+}");
  checks.equal("auto-deployed route update", (await call(`${base}/v2/z`, { method: "PUT" })).status, 200);
  const updatedInteg = await v2.send(new UpdateIntegrationCommand({
    ApiId: api.ApiId, IntegrationId: integ.IntegrationId, PayloadFormatVersion: "2.0",
  }));
  checks.equal("UpdateIntegration", updatedInteg.PayloadFormatVersion, "2.0");
  const v2Event = parseJson((await call(`${base}/v2/z`, { method: "PUT" })).text).event ?? {};
  checks.equal("payload switched to 2.0", v2Event.version, "2.0");
  await v2.send(new DeleteRouteCommand({ ApiId: api.ApiId, RouteId: route.RouteId }));
  await checks.rejects("GetRoute after DeleteRoute → NotFoundException",
    v2.send(new GetRouteCommand({ ApiId: api.ApiId, RouteId: route.RouteId })), NotFoundException, 404);
  checks.equal("deleted route no longer served", (await call(`${base}/v2/z`, { method: "PUT" })).status, 404);
  await v2.send(new DeleteIntegrationCommand({ ApiId: api.ApiId, IntegrationId: integ.IntegrationId }));

  // ---- Lambda REQUEST authorizer configuration ----
  const auth = await v2.send(new CreateAuthorizerCommand({
    ApiId: api.ApiId, Name: "lambda-auth", AuthorizerType: "REQUEST",
    AuthorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.arn}/invocations`,
    IdentitySource: ["$request.header.X-Token", "$request.querystring.token"],
    AuthorizerPayloadFormatVersion: "2.0", EnableSimpleResponses: true, AuthorizerResultTtlInSeconds: 0,
  }));
  checks.equal("CreateAuthorizer REQUEST", [auth.AuthorizerType, auth.AuthorizerPayloadFormatVersion,
    auth.EnableSimpleResponses, auth.AuthorizerResultTtlInSeconds, auth.IdentitySource],
  ["REQUEST", "2.0", true, 0, ["$request.header.X-Token", "$request.querystring.token"]]);
  const updatedAuth = await v2.send(new UpdateAuthorizerCommand({
    ApiId: api.ApiId, AuthorizerId: auth.AuthorizerId, AuthorizerResultTtlInSeconds: 30,
  }));
  checks.equal("UpdateAuthorizer", updatedAuth.AuthorizerResultTtlInSeconds, 30);
  checks.equal("GetAuthorizers", ((await v2.send(new GetAuthorizersCommand({ ApiId: api.ApiId }))).Items ?? [])
    .map((a) => a.Name), ["lambda-auth"]);
  await v2.send(new DeleteAuthorizerCommand({ ApiId: api.ApiId, AuthorizerId: auth.AuthorizerId }));

  // ---- API updates and typed errors ----
  const renamed = await v2.send(new UpdateApiCommand({ ApiId: api.ApiId, Name: `js-renamed-${suffix}`, Description: "d" }));
  checks.equal("UpdateApi", [renamed.Name, renamed.Description], [`js-renamed-${suffix}`, "d"]);
  await checks.rejects("ImportApi of a broken body → BadRequestException",
    v2.send(new ImportApiCommand({ Body: "{not json" })), BadRequestException, 400);
  await checks.rejects("CreateRoute duplicate key → ConflictException",
    v2.send(new CreateRouteCommand({ ApiId: api.ApiId, RouteKey: "GET /c" })), ConflictException, 409);
  await checks.rejects("GetDeployment unknown → NotFoundException",
    v2.send(new GetDeploymentCommand({ ApiId: api.ApiId, DeploymentId: "nope" })), NotFoundException, 404);
  await v2.send(new DeleteStageCommand({ ApiId: api.ApiId, StageName: "prod" }));
  await checks.rejects("GetStage after DeleteStage → NotFoundException",
    v2.send(new GetStageCommand({ ApiId: api.ApiId, StageName: "prod" })), NotFoundException, 404);

  checks.finish({ apiId: api.ApiId });
} catch (e) {
  checks.fail(e);
} finally {
  for (const id of created) await v2.send(new DeleteApiCommand({ ApiId: id })).catch(() => {});
  if (fn) await fn.remove().catch(() => {});
}
