// usage: node apigateway/rest_api.mjs ENDPOINT
// A REST API (v1) built and invoked through @aws-sdk/client-api-gateway: resources, an
// AWS_PROXY method to the echo function (fixtures/echo.zip, created with @aws-sdk/client-lambda),
// a MOCK method with request and response templates, a deployment and a stage with variables,
// the OpenAPI export (a Uint8Array body) and an import (a Uint8Array body), API keys and a
// usage plan, paginateGetRestApis over more than one page, and the SDK's typed errors. Then
// fetch() calls the deployed stage on all three URL forms and checks the proxy event the
// function echoes. Prints one JSON line: {ok, checks, mismatches}.
import { randomUUID } from "node:crypto";
import {
  APIGatewayClient, CreateRestApiCommand, GetResourcesCommand, CreateResourceCommand,
  PutMethodCommand, PutIntegrationCommand, PutMethodResponseCommand,
  PutIntegrationResponseCommand, CreateDeploymentCommand, CreateStageCommand, GetStageCommand,
  GetExportCommand, ImportRestApiCommand, CreateApiKeyCommand, GetApiKeyCommand,
  CreateUsagePlanCommand, CreateUsagePlanKeyCommand, GetUsagePlanKeysCommand,
  GetRestApiCommand, DeleteRestApiCommand, DeleteUsagePlanCommand, DeleteApiKeyCommand,
  GetIntegrationCommand, UpdateStageCommand, GetStagesCommand, GetDeploymentsCommand,
  TagResourceCommand, UntagResourceCommand, GetTagsCommand, paginateGetRestApis,
  NotFoundException, ConflictException, BadRequestException,
} from "@aws-sdk/client-api-gateway";
import { clientOptions } from "../common.mjs";
import { Checks, echoFunction, lambdaUri, call, invokeUrls, parseJson } from "./lib.mjs";

const endpoint = process.argv[2];
const apigw = new APIGatewayClient(clientOptions(endpoint));
const checks = new Checks();
const created = [];
let fn;
let usagePlanId;
let apiKeyId;

try {
  fn = await echoFunction(endpoint);
  const suffix = randomUUID().slice(0, 6);

  // ---- resources, methods, integrations ----
  const api = await apigw.send(new CreateRestApiCommand({
    name: `js-rest-${suffix}`, description: "JS SDK scenario", endpointConfiguration: { types: ["REGIONAL"] },
  }));
  created.push(api.id);
  checks.equal("CreateRestApi name", api.name, `js-rest-${suffix}`);
  checks.truthy("CreateRestApi createdDate is a Date", api.createdDate instanceof Date, api.createdDate);
  checks.truthy("CreateRestApi rootResourceId", api.rootResourceId, api);
  const resources = await apigw.send(new GetResourcesCommand({ restApiId: api.id }));
  const root = resources.items.find((r) => r.path === "/");
  checks.equal("GetResources root id", root?.id, api.rootResourceId);

  const proxy = await apigw.send(new CreateResourceCommand({
    restApiId: api.id, parentId: root.id, pathPart: "{proxy+}",
  }));
  checks.equal("CreateResource path", proxy.path, "/{proxy+}");
  await apigw.send(new PutMethodCommand({
    restApiId: api.id, resourceId: proxy.id, httpMethod: "ANY", authorizationType: "NONE",
    requestParameters: { "method.request.path.proxy": true },
  }));
  const integ = await apigw.send(new PutIntegrationCommand({
    restApiId: api.id, resourceId: proxy.id, httpMethod: "ANY", type: "AWS_PROXY",
    integrationHttpMethod: "POST", uri: lambdaUri(fn.arn),
  }));
  checks.equal("PutIntegration type", integ.type, "AWS_PROXY");
  checks.equal("PutIntegration uri", integ.uri, lambdaUri(fn.arn));

  const mock = await apigw.send(new CreateResourceCommand({
    restApiId: api.id, parentId: root.id, pathPart: "mock",
  }));
  await apigw.send(new PutMethodCommand({
    restApiId: api.id, resourceId: mock.id, httpMethod: "GET", authorizationType: "NONE",
  }));
  await apigw.send(new PutIntegrationCommand({
    restApiId: api.id, resourceId: mock.id, httpMethod: "GET", type: "MOCK",
    requestTemplates: { "application/json": '{"statusCode": 200}' },
  }));
  const methodResponse = await apigw.send(new PutMethodResponseCommand({
    restApiId: api.id, resourceId: mock.id, httpMethod: "GET", statusCode: "200",
    responseParameters: { "method.response.header.X-Mock": false },
  }));
  checks.equal("PutMethodResponse statusCode", methodResponse.statusCode, "200");
  const integResponse = await apigw.send(new PutIntegrationResponseCommand({
    restApiId: api.id, resourceId: mock.id, httpMethod: "GET", statusCode: "200",
    responseParameters: { "method.response.header.X-Mock": "'yes'" },
    responseTemplates: {
      "application/json": '{"mocked": true, "stage": "$context.stage", "color": "$stageVariables.color"}',
    },
  }));
  checks.equal("PutIntegrationResponse template kept",
    Object.keys(integResponse.responseTemplates ?? {}), ["application/json"]);
  const gotInteg = await apigw.send(new GetIntegrationCommand({
    restApiId: api.id, resourceId: mock.id, httpMethod: "GET",
  }));
  checks.equal("GetIntegration integrationResponses",
    Object.keys(gotInteg.integrationResponses ?? {}), ["200"]);

  // ---- deployment and stage ----
  const deployment = await apigw.send(new CreateDeploymentCommand({
    restApiId: api.id, description: "first",
  }));
  checks.truthy("CreateDeployment id", deployment.id, deployment);
  const stage = await apigw.send(new CreateStageCommand({
    restApiId: api.id, stageName: "dev", deploymentId: deployment.id,
    variables: { color: "blue", size: "L" },
  }));
  checks.equal("CreateStage variables", stage.variables, { color: "blue", size: "L" });
  const gotStage = await apigw.send(new GetStageCommand({ restApiId: api.id, stageName: "dev" }));
  checks.equal("GetStage deploymentId", gotStage.deploymentId, deployment.id);
  checks.truthy("GetStage lastUpdatedDate is a Date", gotStage.lastUpdatedDate instanceof Date, gotStage.lastUpdatedDate);

  const patched = await apigw.send(new UpdateStageCommand({
    restApiId: api.id, stageName: "dev",
    patchOperations: [{ op: "replace", path: "/variables/size", value: "XL" },
                      { op: "replace", path: "/description", value: "development" }],
  }));
  checks.equal("UpdateStage variables", patched.variables, { color: "blue", size: "XL" });
  checks.equal("UpdateStage description", patched.description, "development");
  const settings = await apigw.send(new UpdateStageCommand({
    restApiId: api.id, stageName: "dev",
    patchOperations: [{ op: "replace", path: "/*/*/logging/loglevel", value: "INFO" },
                      { op: "replace", path: "/*/*/throttling/rateLimit", value: "100" },
                      { op: "replace", path: "/tracingEnabled", value: "true" }],
  }));
  checks.equal("UpdateStage methodSettings */*", [settings.methodSettings?.["*/*"]?.loggingLevel,
    settings.methodSettings?.["*/*"]?.throttlingRateLimit, settings.tracingEnabled], ["INFO", 100, true]);
  const stages = await apigw.send(new GetStagesCommand({ restApiId: api.id }));
  checks.equal("GetStages", (stages.item ?? []).map((s) => s.stageName), ["dev"]);
  const deployments = await apigw.send(new GetDeploymentsCommand({ restApiId: api.id }));
  checks.equal("GetDeployments", (deployments.items ?? []).map((d) => d.id), [deployment.id]);

  // ---- tags: the resource ARN travels in the URI path ----
  const apiArn = `arn:aws:apigateway:us-east-1::/restapis/${api.id}`;
  await apigw.send(new TagResourceCommand({ resourceArn: apiArn, tags: { team: "js", "k/with:odd chars": "v" } }));
  checks.equal("GetTags", (await apigw.send(new GetTagsCommand({ resourceArn: apiArn }))).tags,
    { team: "js", "k/with:odd chars": "v" });
  await apigw.send(new UntagResourceCommand({ resourceArn: apiArn, tagKeys: ["team"] }));
  checks.equal("UntagResource", (await apigw.send(new GetTagsCommand({ resourceArn: apiArn }))).tags,
    { "k/with:odd chars": "v" });
  const stageArn = `arn:aws:apigateway:us-east-1::/restapis/${api.id}/stages/dev`;
  await apigw.send(new TagResourceCommand({ resourceArn: stageArn, tags: { tier: "dev" } }));
  checks.equal("stage tags", (await apigw.send(new GetStageCommand({ restApiId: api.id, stageName: "dev" }))).tags,
    { tier: "dev" });

  // ---- export (Uint8Array body) and import (Uint8Array body) ----
  const exported = await apigw.send(new GetExportCommand({
    restApiId: api.id, stageName: "dev", exportType: "oas30", accepts: "application/json",
  }));
  checks.truthy("GetExport body is a Uint8Array", exported.body instanceof Uint8Array, typeof exported.body);
  checks.truthy("GetExport contentType json", (exported.contentType ?? "").includes("application/json"), exported.contentType);
  const oas = parseJson(new TextDecoder().decode(exported.body));
  checks.equal("GetExport openapi version", oas.openapi, "3.0.1");
  checks.equal("GetExport paths", Object.keys(oas.paths ?? {}).sort(), ["/mock", "/{proxy+}"]);

  const withExtensions = await apigw.send(new GetExportCommand({
    restApiId: api.id, stageName: "dev", exportType: "oas30", accepts: "application/json",
    parameters: { extensions: "integrations" },
  }));
  const extended = parseJson(new TextDecoder().decode(withExtensions.body));
  checks.equal("GetExport parameters map (query string) → integration extensions",
    extended.paths?.["/{proxy+}"]?.["x-amazon-apigateway-any-method"]?.["x-amazon-apigateway-integration"]?.type,
    "aws_proxy");
  checks.equal("GetExport without extensions has none",
    oas.paths?.["/{proxy+}"]?.["x-amazon-apigateway-any-method"]?.["x-amazon-apigateway-integration"], undefined);
  const yaml = await apigw.send(new GetExportCommand({
    restApiId: api.id, stageName: "dev", exportType: "swagger", accepts: "application/yaml",
  }));
  const yamlText = new TextDecoder().decode(yaml.body);
  checks.truthy("GetExport yaml", yamlText.includes("swagger:") && yamlText.includes("/mock:"), yamlText.slice(0, 200));
  checks.truthy("GetExport yaml contentType", (yaml.contentType ?? "").includes("yaml"), yaml.contentType);

  const definition = {
    openapi: "3.0.1",
    info: { title: `js-import-${suffix}`, version: "1.0" },
    paths: {
      "/pets": { get: { "x-amazon-apigateway-integration": {
        type: "mock", requestTemplates: { "application/json": '{"statusCode": 200}' },
        responses: { default: { statusCode: "200" } } }, responses: { 200: { description: "ok" } } } },
      "/pets/{petId}": { get: { parameters: [{ name: "petId", in: "path", required: true, schema: { type: "string" } }],
        "x-amazon-apigateway-integration": { type: "mock", requestTemplates: { "application/json": '{"statusCode": 200}' },
          responses: { default: { statusCode: "200" } } }, responses: { 200: { description: "ok" } } } },
    },
  };
  const imported = await apigw.send(new ImportRestApiCommand({
    body: new TextEncoder().encode(JSON.stringify(definition)), failOnWarnings: true,
  }));
  created.push(imported.id);
  checks.equal("ImportRestApi name", imported.name, `js-import-${suffix}`);
  const importedResources = await apigw.send(new GetResourcesCommand({ restApiId: imported.id }));
  checks.equal("ImportRestApi resources", importedResources.items.map((r) => r.path).sort(),
    ["/", "/pets", "/pets/{petId}"]);

  // ---- API keys and usage plans ----
  const key = await apigw.send(new CreateApiKeyCommand({
    name: `js-key-${suffix}`, enabled: true, value: `js-key-value-${suffix}-0123456789`,
  }));
  apiKeyId = key.id;
  checks.equal("CreateApiKey enabled", key.enabled, true);
  const gotKey = await apigw.send(new GetApiKeyCommand({ apiKey: key.id, includeValue: true }));
  checks.equal("GetApiKey value", gotKey.value, `js-key-value-${suffix}-0123456789`);
  const plan = await apigw.send(new CreateUsagePlanCommand({
    name: `js-plan-${suffix}`, apiStages: [{ apiId: api.id, stage: "dev" }],
    throttle: { burstLimit: 10, rateLimit: 5 }, quota: { limit: 1000, period: "DAY" },
  }));
  usagePlanId = plan.id;
  checks.equal("CreateUsagePlan apiStages", plan.apiStages, [{ apiId: api.id, stage: "dev" }]);
  checks.equal("CreateUsagePlan quota", plan.quota, { limit: 1000, offset: 0, period: "DAY" });
  const planKey = await apigw.send(new CreateUsagePlanKeyCommand({
    usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY",
  }));
  checks.equal("CreateUsagePlanKey", [planKey.id, planKey.type, planKey.name], [key.id, "API_KEY", `js-key-${suffix}`]);
  const planKeys = await apigw.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id }));
  checks.equal("GetUsagePlanKeys", (planKeys.items ?? []).map((k) => k.id), [key.id]);

  // ---- pagination: more than one page of 25 ----
  for (let i = 0; i < 26; i++) {
    const extra = await apigw.send(new CreateRestApiCommand({ name: `js-page-${suffix}-${i}` }));
    created.push(extra.id);
  }
  const seen = [];
  let pages = 0;
  for await (const page of paginateGetRestApis({ client: apigw }, {})) {
    pages += 1;
    seen.push(...(page.items ?? []).map((a) => a.id));
  }
  checks.truthy("paginateGetRestApis pages >= 2", pages >= 2, pages);
  checks.equal("paginateGetRestApis sees every API once",
    created.filter((id) => seen.filter((s) => s === id).length !== 1), []);
  let limited = 0;
  for await (const page of paginateGetRestApis({ client: apigw, pageSize: 10 }, {})) {
    limited += 1;
    checks.truthy(`pageSize 10 page ${limited} size`, (page.items ?? []).length <= 10, page.items?.length);
  }
  checks.truthy("pageSize 10 pages >= 3", limited >= 3, limited);

  // ---- typed errors ----
  await checks.rejects("GetRestApi unknown → NotFoundException",
    apigw.send(new GetRestApiCommand({ restApiId: "nosuchapi1" })), NotFoundException, 404);
  await checks.rejects("CreateStage twice → ConflictException",
    apigw.send(new CreateStageCommand({ restApiId: api.id, stageName: "dev", deploymentId: deployment.id })),
    ConflictException, 409);
  await checks.rejects("PutIntegration bad type → BadRequestException",
    apigw.send(new PutIntegrationCommand({ restApiId: api.id, resourceId: mock.id, httpMethod: "GET", type: "NOPE" })),
    BadRequestException, 400);
  await checks.rejects("CreateResource duplicate → ConflictException",
    apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: root.id, pathPart: "mock" })),
    ConflictException, 409);

  // ---- invoke on the three URL forms ----
  for (const [form, base] of Object.entries(invokeUrls(endpoint, api.id, "dev"))) {
    const res = await call(`${base}/items/42?q=1&q=2&single=x`, {
      method: "POST", headers: { "Content-Type": "application/json", "X-Custom": "abc" },
      body: JSON.stringify({ hello: "world" }),
    });
    checks.equal(`${form}: proxy status`, res.status, 200);
    checks.equal(`${form}: proxy response header`, res.headers.get("x-echo"), "1");
    const event = parseJson(res.text).event ?? {};
    checks.equal(`${form}: event.httpMethod`, event.httpMethod, "POST");
    checks.equal(`${form}: event.resource`, event.resource, "/{proxy+}");
    checks.equal(`${form}: event.path`, event.path, "/items/42");
    checks.equal(`${form}: event.pathParameters`, event.pathParameters, { proxy: "items/42" });
    checks.equal(`${form}: event.queryStringParameters`, event.queryStringParameters, { q: "2", single: "x" });
    checks.equal(`${form}: event.multiValueQueryStringParameters.q`, event.multiValueQueryStringParameters?.q, ["1", "2"]);
    checks.equal(`${form}: event.stageVariables`, event.stageVariables, { color: "blue", size: "XL" });
    checks.equal(`${form}: event.body`, event.body, JSON.stringify({ hello: "world" }));
    checks.equal(`${form}: event.isBase64Encoded`, event.isBase64Encoded, false);
    checks.equal(`${form}: event.headers X-Custom`, event.headers?.["X-Custom"] ?? event.headers?.["x-custom"], "abc");
    checks.equal(`${form}: requestContext.stage`, event.requestContext?.stage, "dev");
    checks.equal(`${form}: requestContext.apiId`, event.requestContext?.apiId, api.id);
    checks.equal(`${form}: requestContext.resourcePath`, event.requestContext?.resourcePath, "/{proxy+}");
    checks.equal(`${form}: requestContext.httpMethod`, event.requestContext?.httpMethod, "POST");
    checks.equal(`${form}: requestContext.path`, event.requestContext?.path, "/dev/items/42");

    const mocked = await call(`${base}/mock`);
    checks.equal(`${form}: MOCK status`, mocked.status, 200);
    checks.equal(`${form}: MOCK header`, mocked.headers.get("x-mock"), "yes");
    checks.equal(`${form}: MOCK body`, parseJson(mocked.text), { mocked: true, stage: "dev", color: "blue" });
  }

  checks.finish({ apiId: api.id });
} catch (e) {
  checks.fail(e);
} finally {
  for (const id of created) {
    await apigw.send(new DeleteRestApiCommand({ restApiId: id })).catch(() => {});
  }
  if (usagePlanId) await apigw.send(new DeleteUsagePlanCommand({ usagePlanId })).catch(() => {});
  if (apiKeyId) await apigw.send(new DeleteApiKeyCommand({ apiKey: apiKeyId })).catch(() => {});
  if (fn) await fn.remove().catch(() => {});
}
