// usage: node apigateway/rest_api_config.mjs ENDPOINT
// The rest of a REST API's configuration through @aws-sdk/client-api-gateway, each piece then
// observed through fetch(): models and request validators (a 400 for a missing parameter),
// API-key-required methods with a usage plan (403 without the key), gateway responses (a
// customised 403), a TOKEN authorizer's configuration, PATCH updates of APIs, methods and
// integrations, PutRestApi (a Uint8Array body, overwrite), list members in the query string
// (embed, includeValues, nameQuery, keyId), deletions, the account, and typed errors.
// Prints one JSON line: {ok, checks, mismatches}.
import { randomUUID } from "node:crypto";
import {
  APIGatewayClient, CreateRestApiCommand, GetResourcesCommand, CreateResourceCommand,
  PutMethodCommand, PutIntegrationCommand, PutMethodResponseCommand,
  PutIntegrationResponseCommand, CreateDeploymentCommand, GetDeploymentCommand,
  CreateModelCommand, GetModelsCommand, GetModelTemplateCommand, CreateRequestValidatorCommand,
  GetRequestValidatorsCommand, CreateAuthorizerCommand, GetAuthorizersCommand,
  UpdateAuthorizerCommand, PutGatewayResponseCommand, GetGatewayResponseCommand,
  GetGatewayResponsesCommand, GetMethodCommand, UpdateMethodCommand, UpdateIntegrationCommand,
  UpdateRestApiCommand, PutRestApiCommand, GetApiKeysCommand, CreateApiKeyCommand,
  CreateUsagePlanCommand, CreateUsagePlanKeyCommand, GetUsagePlansCommand,
  DeleteMethodCommand, DeleteResourceCommand, GetResourceCommand, GetAccountCommand,
  UpdateAccountCommand, FlushStageCacheCommand, DeleteRestApiCommand, DeleteUsagePlanCommand,
  DeleteApiKeyCommand, GetModelCommand, NotFoundException, ConflictException, BadRequestException,
} from "@aws-sdk/client-api-gateway";
import { clientOptions } from "../common.mjs";
import { Checks, call, invokeUrls, parseJson } from "./lib.mjs";

const endpoint = process.argv[2];
const apigw = new APIGatewayClient(clientOptions(endpoint));
const checks = new Checks();
const created = [];
let planId;
let keyId;

const mockIntegration = (restApiId, resourceId, httpMethod, template) => [
  new PutIntegrationCommand({
    restApiId, resourceId, httpMethod, type: "MOCK",
    requestTemplates: { "application/json": '{"statusCode": 200}' },
  }),
  new PutMethodResponseCommand({ restApiId, resourceId, httpMethod, statusCode: "200" }),
  new PutIntegrationResponseCommand({
    restApiId, resourceId, httpMethod, statusCode: "200",
    responseTemplates: { "application/json": template },
  }),
];

try {
  const suffix = randomUUID().slice(0, 6);
  const api = await apigw.send(new CreateRestApiCommand({ name: `js-config-${suffix}` }));
  created.push(api.id);
  const root = api.rootResourceId;

  // ---- models and validators ----
  const schema = JSON.stringify({ type: "object", required: ["name"], properties: { name: { type: "string" } } });
  const model = await apigw.send(new CreateModelCommand({
    restApiId: api.id, name: "Pet", contentType: "application/json", schema,
  }));
  checks.equal("CreateModel schema round-trips", parseJson(model.schema), parseJson(schema));
  const models = await apigw.send(new GetModelsCommand({ restApiId: api.id }));
  checks.truthy("GetModels has Pet", (models.items ?? []).some((m) => m.name === "Pet"), models.items);
  const template = await apigw.send(new GetModelTemplateCommand({ restApiId: api.id, modelName: "Pet" }));
  checks.truthy("GetModelTemplate value", typeof template.value === "string" && template.value.includes("name"), template.value);
  const validator = await apigw.send(new CreateRequestValidatorCommand({
    restApiId: api.id, name: "params-and-body", validateRequestParameters: true, validateRequestBody: true,
  }));
  const validators = await apigw.send(new GetRequestValidatorsCommand({ restApiId: api.id }));
  checks.equal("GetRequestValidators", (validators.items ?? []).map((v) => [v.name, v.validateRequestBody]),
    [["params-and-body", true]]);

  const pets = await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: root, pathPart: "pets" }));
  await apigw.send(new PutMethodCommand({
    restApiId: api.id, resourceId: pets.id, httpMethod: "POST", authorizationType: "NONE",
    requestValidatorId: validator.id, requestParameters: { "method.request.querystring.owner": true },
    requestModels: { "application/json": "Pet" },
  }));
  for (const c of mockIntegration(api.id, pets.id, "POST", '{"created": "$input.params(\'owner\')"}')) await apigw.send(c);

  // ---- API key required, usage plan ----
  const secret = await apigw.send(new CreateResourceCommand({ restApiId: api.id, parentId: root, pathPart: "secret" }));
  await apigw.send(new PutMethodCommand({
    restApiId: api.id, resourceId: secret.id, httpMethod: "GET", authorizationType: "NONE",
  }));
  for (const c of mockIntegration(api.id, secret.id, "GET", '{"secret": true}')) await apigw.send(c);
  const method = await apigw.send(new UpdateMethodCommand({
    restApiId: api.id, resourceId: secret.id, httpMethod: "GET",
    patchOperations: [{ op: "replace", path: "/apiKeyRequired", value: "true" }],
  }));
  checks.equal("UpdateMethod apiKeyRequired", method.apiKeyRequired, true);
  const integ = await apigw.send(new UpdateIntegrationCommand({
    restApiId: api.id, resourceId: secret.id, httpMethod: "GET",
    patchOperations: [{ op: "replace", path: "/timeoutInMillis", value: "5000" }],
  }));
  checks.equal("UpdateIntegration timeoutInMillis is a number", integ.timeoutInMillis, 5000);
  const gotMethod = await apigw.send(new GetMethodCommand({ restApiId: api.id, resourceId: secret.id, httpMethod: "GET" }));
  checks.equal("GetMethod embeds the integration", [gotMethod.methodIntegration?.type,
    gotMethod.methodIntegration?.timeoutInMillis], ["MOCK", 5000]);
  checks.equal("GetMethod methodResponses", Object.keys(gotMethod.methodResponses ?? {}), ["200"]);

  // ---- gateway responses ----
  await apigw.send(new PutGatewayResponseCommand({
    restApiId: api.id, responseType: "API_CONFIGURATION_ERROR", statusCode: "500",
    responseTemplates: { "application/json": '{"oops": "$context.error.messageString"}' },
  }));
  const forbidden = await apigw.send(new PutGatewayResponseCommand({
    restApiId: api.id, responseType: "INVALID_API_KEY", statusCode: "401",
    responseParameters: { "gatewayresponse.header.X-Why": "'no key'" },
    responseTemplates: { "application/json": '{"denied": "$context.error.responseType"}' },
  }));
  checks.equal("PutGatewayResponse", [forbidden.responseType, forbidden.statusCode, forbidden.defaultResponse],
    ["INVALID_API_KEY", "401", false]);
  const gotResponse = await apigw.send(new GetGatewayResponseCommand({ restApiId: api.id, responseType: "INVALID_API_KEY" }));
  checks.equal("GetGatewayResponse parameters", gotResponse.responseParameters, { "gatewayresponse.header.X-Why": "'no key'" });
  const responses = await apigw.send(new GetGatewayResponsesCommand({ restApiId: api.id }));
  checks.truthy("GetGatewayResponses lists defaults too",
    (responses.items ?? []).some((r) => r.responseType === "DEFAULT_4XX" && r.defaultResponse === true),
    (responses.items ?? []).map((r) => r.responseType));
  checks.equal("GetGatewayResponses own entry", (responses.items ?? []).find((r) => r.responseType === "INVALID_API_KEY")
    ?.defaultResponse, false);
  const throttled = await apigw.send(new GetGatewayResponseCommand({ restApiId: api.id, responseType: "THROTTLED" }));
  checks.equal("GetGatewayResponse default", [throttled.statusCode, throttled.defaultResponse,
    throttled.responseTemplates], ["429", true, { "application/json": '{"message":$context.error.messageString}' }]);

  // ---- TOKEN authorizer configuration ----
  const authorizer = await apigw.send(new CreateAuthorizerCommand({
    restApiId: api.id, name: "token", type: "TOKEN", identitySource: "method.request.header.Authorization",
    authorizerUri: "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:000000000000:function:auth/invocations",
    authorizerResultTtlInSeconds: 60,
  }));
  const updatedAuthorizer = await apigw.send(new UpdateAuthorizerCommand({
    restApiId: api.id, authorizerId: authorizer.id,
    patchOperations: [{ op: "replace", path: "/authorizerResultTtlInSeconds", value: "0" }],
  }));
  checks.equal("UpdateAuthorizer ttl", updatedAuthorizer.authorizerResultTtlInSeconds, 0);
  const authorizers = await apigw.send(new GetAuthorizersCommand({ restApiId: api.id }));
  checks.equal("GetAuthorizers", (authorizers.items ?? []).map((a) => [a.name, a.type, a.identitySource]),
    [["token", "TOKEN", "method.request.header.Authorization"]]);

  // ---- API-level PATCH ----
  const patched = await apigw.send(new UpdateRestApiCommand({
    restApiId: api.id, patchOperations: [
      { op: "add", path: "/binaryMediaTypes/image~1png" },
      { op: "replace", path: "/description", value: "patched" },
    ],
  }));
  checks.equal("UpdateRestApi binaryMediaTypes", patched.binaryMediaTypes, ["image/png"]);
  checks.equal("UpdateRestApi description", patched.description, "patched");

  // ---- deploy with a stage in one call, then invoke ----
  const deployment = await apigw.send(new CreateDeploymentCommand({
    restApiId: api.id, stageName: "v1", variables: { tier: "gold" }, description: "with stage",
  }));
  const gotDeployment = await apigw.send(new GetDeploymentCommand({
    restApiId: api.id, deploymentId: deployment.id, embed: ["apisummary"],
  }));
  checks.truthy("GetDeployment createdDate is a Date", gotDeployment.createdDate instanceof Date, gotDeployment.createdDate);
  checks.truthy("GetDeployment apiSummary", gotDeployment.apiSummary?.["/pets"]?.POST, gotDeployment.apiSummary);
  const flushed = await apigw.send(new FlushStageCacheCommand({ restApiId: api.id, stageName: "v1" }));
  checks.equal("FlushStageCache status", flushed.$metadata.httpStatusCode, 202);

  const key = await apigw.send(new CreateApiKeyCommand({ name: `js-cfg-key-${suffix}`, enabled: true }));
  keyId = key.id;
  checks.truthy("CreateApiKey generated a value", (key.value ?? "").length >= 20, key.value);
  const plan = await apigw.send(new CreateUsagePlanCommand({
    name: `js-cfg-plan-${suffix}`, apiStages: [{ apiId: api.id, stage: "v1" }],
  }));
  planId = plan.id;
  await apigw.send(new CreateUsagePlanKeyCommand({ usagePlanId: plan.id, keyId: key.id, keyType: "API_KEY" }));
  const keys = await apigw.send(new GetApiKeysCommand({ includeValues: true, nameQuery: `js-cfg-key-${suffix}` }));
  checks.equal("GetApiKeys nameQuery + includeValues", (keys.items ?? []).map((k) => [k.id, k.value]), [[key.id, key.value]]);
  const plans = await apigw.send(new GetUsagePlansCommand({ keyId: key.id }));
  checks.equal("GetUsagePlans keyId", (plans.items ?? []).map((p) => p.id), [plan.id]);

  const base = invokeUrls(endpoint, api.id, "v1").host;
  const noKey = await call(`${base}/secret`);
  checks.equal("API key required: refused without a key (customised status)", noKey.status, 401);
  checks.equal("customised INVALID_API_KEY response", [parseJson(noKey.text), noKey.headers.get("x-why")],
    [{ denied: "INVALID_API_KEY" }, "no key"]);
  const withKey = await call(`${base}/secret`, { headers: { "x-api-key": key.value } });
  checks.equal("API key required: 200 with the key", [withKey.status, parseJson(withKey.text)], [200, { secret: true }]);
  const missingParam = await call(`${base}/pets`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: '{"name": "rex"}',
  });
  checks.equal("validator: missing query parameter", [missingParam.status, parseJson(missingParam.text)],
    [400, { message: "Missing required request parameters: [owner]" }]);
  const badBody = await call(`${base}/pets?owner=ann`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: '{"nick": "rex"}',
  });
  checks.equal("validator: body against the model", [badBody.status, parseJson(badBody.text).message],
    [400, "Invalid request body"]);
  const good = await call(`${base}/pets?owner=ann`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: '{"name": "rex"}',
  });
  checks.equal("validator: valid request", [good.status, parseJson(good.text)], [200, { created: "ann" }]);

  // ---- list members in the query string ----
  const embedded = await apigw.send(new GetResourcesCommand({ restApiId: api.id, embed: ["methods"] }));
  const petsEmbedded = (embedded.items ?? []).find((r) => r.path === "/pets");
  checks.equal("GetResources embed=methods", petsEmbedded?.resourceMethods?.POST?.methodIntegration?.type, "MOCK");
  const plain = await apigw.send(new GetResourcesCommand({ restApiId: api.id }));
  checks.equal("GetResources without embed: methods are {}",
    (plain.items ?? []).find((r) => r.path === "/pets")?.resourceMethods, { POST: {} });

  // ---- deletions ----
  await apigw.send(new DeleteMethodCommand({ restApiId: api.id, resourceId: secret.id, httpMethod: "GET" }));
  const afterMethodDelete = await apigw.send(new GetResourceCommand({ restApiId: api.id, resourceId: secret.id }));
  checks.equal("DeleteMethod", afterMethodDelete.resourceMethods?.GET, undefined);
  await apigw.send(new DeleteResourceCommand({ restApiId: api.id, resourceId: secret.id }));
  await checks.rejects("GetResource after DeleteResource → NotFoundException",
    apigw.send(new GetResourceCommand({ restApiId: api.id, resourceId: secret.id })), NotFoundException, 404);

  // ---- PutRestApi: overwrite from a Uint8Array body ----
  const definition = {
    swagger: "2.0", info: { title: `js-config-${suffix}`, version: "2" },
    paths: { "/only": { get: { responses: { 200: { description: "ok" } },
      "x-amazon-apigateway-integration": { type: "mock", requestTemplates: { "application/json": '{"statusCode": 200}' },
        responses: { default: { statusCode: "200" } } } } } },
  };
  const put = await apigw.send(new PutRestApiCommand({
    restApiId: api.id, mode: "overwrite", body: new TextEncoder().encode(JSON.stringify(definition)),
  }));
  checks.equal("PutRestApi keeps the id", put.id, api.id);
  const afterPut = await apigw.send(new GetResourcesCommand({ restApiId: api.id }));
  checks.equal("PutRestApi overwrite resources", (afterPut.items ?? []).map((r) => r.path).sort(), ["/", "/only"]);

  // ---- account ----
  const account = await apigw.send(new UpdateAccountCommand({
    patchOperations: [{ op: "replace", path: "/cloudwatchRoleArn", value: "arn:aws:iam::000000000000:role/apigw-logs" }],
  }));
  checks.equal("UpdateAccount cloudwatchRoleArn", account.cloudwatchRoleArn, "arn:aws:iam::000000000000:role/apigw-logs");
  const gotAccount = await apigw.send(new GetAccountCommand({}));
  checks.equal("GetAccount", gotAccount.cloudwatchRoleArn, "arn:aws:iam::000000000000:role/apigw-logs");

  // ---- typed errors ----
  await checks.rejects("GetModel unknown → NotFoundException",
    apigw.send(new GetModelCommand({ restApiId: api.id, modelName: "Nope" })), NotFoundException, 404);
  await checks.rejects("CreateModel twice → ConflictException",
    apigw.send(new CreateModelCommand({ restApiId: api.id, name: "Pet", contentType: "application/json", schema })),
    ConflictException, 409);
  await checks.rejects("UpdateRestApi bad path → BadRequestException",
    apigw.send(new UpdateRestApiCommand({ restApiId: api.id, patchOperations: [{ op: "replace", path: "/nope", value: "x" }] })),
    BadRequestException, 400);

  checks.finish({ apiId: api.id });
} catch (e) {
  checks.fail(e);
} finally {
  if (planId) await apigw.send(new DeleteUsagePlanCommand({ usagePlanId: planId })).catch(() => {});
  if (keyId) await apigw.send(new DeleteApiKeyCommand({ apiKey: keyId })).catch(() => {});
  for (const id of created) await apigw.send(new DeleteRestApiCommand({ restApiId: id })).catch(() => {});
}
