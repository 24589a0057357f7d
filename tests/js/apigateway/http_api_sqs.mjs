// usage: node apigateway/http_api_sqs.mjs ENDPOINT
// An HTTP API whose routes are first-class SQS integrations (AWS_PROXY + IntegrationSubtype
// SQS-SendMessage / -ReceiveMessage / -DeleteMessage / -PurgeQueue), built with
// @aws-sdk/client-apigatewayv2; request parameters are mapped from the body, headers, query
// string, path, context and stage variables, and static values. fetch() invokes each route and
// @aws-sdk/client-sqs checks what reached the queues. Also the control plane's typed
// BadRequestException for a subtype's missing parameter. Prints one JSON line.
import { createHash, randomUUID } from "node:crypto";
import {
  ApiGatewayV2Client, CreateApiCommand, CreateIntegrationCommand, CreateRouteCommand,
  CreateStageCommand, GetIntegrationCommand, UpdateIntegrationCommand, DeleteApiCommand,
  CreateAuthorizerCommand,
  BadRequestException,
} from "@aws-sdk/client-apigatewayv2";
import {
  SQSClient, CreateQueueCommand, ReceiveMessageCommand, SendMessageCommand, DeleteQueueCommand,
  GetQueueAttributesCommand, DeleteMessageCommand,
} from "@aws-sdk/client-sqs";
import { clientOptions } from "../common.mjs";
import { Checks, call, parseJson, unsignedJwt } from "./lib.mjs";

const endpoint = process.argv[2];
const v2 = new ApiGatewayV2Client(clientOptions(endpoint));
const sqs = new SQSClient(clientOptions(endpoint));
const checks = new Checks();
const ROLE = "arn:aws:iam::000000000000:role/apigw-sqs";
let apiId;
const queues = [];

try {
  const suffix = randomUUID().slice(0, 8);
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `fc-${suffix}` }))).QueueUrl;
  const fifoUrl = (await sqs.send(new CreateQueueCommand({
    QueueName: `fc-${suffix}.fifo`, Attributes: { FifoQueue: "true" },
  }))).QueueUrl;
  queues.push(queueUrl, fifoUrl);

  apiId = (await v2.send(new CreateApiCommand({ Name: `js-sqs-${suffix}`, ProtocolType: "HTTP" }))).ApiId;
  const integration = async (subtype, params) => (await v2.send(new CreateIntegrationCommand({
    ApiId: apiId, IntegrationType: "AWS_PROXY", IntegrationSubtype: subtype, CredentialsArn: ROLE,
    PayloadFormatVersion: "1.0", RequestParameters: params,
  })));
  const route = async (key, integ) => v2.send(new CreateRouteCommand({
    ApiId: apiId, RouteKey: key, Target: `integrations/${integ.IntegrationId}`,
  }));

  const send = await integration("SQS-SendMessage", {
    QueueUrl: "$stageVariables.queueUrl", MessageBody: "$request.body.message",
    MessageAttributes: "$request.body.attributes", DelaySeconds: "$request.querystring.delay",
  });
  checks.equal("CreateIntegration subtype", [send.IntegrationType, send.IntegrationSubtype,
    send.PayloadFormatVersion, send.CredentialsArn], ["AWS_PROXY", "SQS-SendMessage", "1.0", ROLE]);
  const got = await v2.send(new GetIntegrationCommand({ ApiId: apiId, IntegrationId: send.IntegrationId }));
  checks.equal("GetIntegration RequestParameters", got.RequestParameters, {
    QueueUrl: "$stageVariables.queueUrl", MessageBody: "$request.body.message",
    MessageAttributes: "$request.body.attributes", DelaySeconds: "$request.querystring.delay",
  });
  await route("POST /send", send);
  await route("POST /fifo/{group}", await integration("SQS-SendMessage", {
    QueueUrl: fifoUrl, MessageBody: "$request.header.x-message",
    MessageGroupId: "$request.path.group", MessageDeduplicationId: "$context.requestId",
  }));
  await route("GET /receive", await integration("SQS-ReceiveMessage", {
    QueueUrl: "$stageVariables.queueUrl", MaxNumberOfMessages: "$request.querystring.max",
    MessageAttributeNames: "$request.querystring.attrs", AttributeNames: "All", VisibilityTimeout: "0",
  }));
  await route("POST /delete", await integration("SQS-DeleteMessage", {
    QueueUrl: "$stageVariables.queueUrl", ReceiptHandle: "$request.body.handle",
  }));
  await route("POST /purge", await integration("SQS-PurgeQueue", { QueueUrl: "$stageVariables.queueUrl" }));
  await route("POST /nowhere", await integration("SQS-SendMessage", {
    QueueUrl: `${endpoint}/000000000000/no-such-queue-${suffix}`, MessageBody: "$request.body",
  }));
  // A JWT-authorized route whose message body is a claim of the caller's token.
  const jwt = await v2.send(new CreateAuthorizerCommand({
    ApiId: apiId, Name: "jwt", AuthorizerType: "JWT", IdentitySource: ["$request.header.Authorization"],
    JwtConfiguration: { Audience: ["sqs-app"], Issuer: "https://issuer.example.com" },
  }));
  const whoami = await integration("SQS-SendMessage", {
    QueueUrl: "$stageVariables.queueUrl", MessageBody: "$context.authorizer.claims.sub",
  });
  await v2.send(new CreateRouteCommand({
    ApiId: apiId, RouteKey: "POST /whoami", Target: `integrations/${whoami.IntegrationId}`,
    AuthorizationType: "JWT", AuthorizerId: jwt.AuthorizerId,
  }));
  await v2.send(new CreateStageCommand({
    ApiId: apiId, StageName: "$default", AutoDeploy: true, StageVariables: { queueUrl },
  }));
  const base = `http://${apiId}.execute-api.localhost.localstack.cloud:${new URL(endpoint).port}`;

  // ---- SendMessage: body, JSON attributes, query string, stage variable ----
  const attrs = { source: { DataType: "String", StringValue: "js" } };
  const sent = await call(`${base}/send?delay=0`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ message: "hello from the API", attributes: attrs }),
  });
  checks.equal("send status", sent.status, 200);
  checks.equal("send content-type", sent.headers.get("content-type"), "application/json");
  const sentBody = parseJson(sent.text);
  const messageId = sentBody.SendMessageResponse?.SendMessageResult?.MessageId;
  checks.truthy("send answers SQS's MessageId", messageId, sentBody);
  checks.equal("send MD5OfMessageBody", sentBody.SendMessageResponse?.SendMessageResult?.MD5OfMessageBody,
    createHash("md5").update("hello from the API").digest("hex"));
  const inQueue = await sqs.send(new ReceiveMessageCommand({
    QueueUrl: queueUrl, MessageAttributeNames: ["All"], WaitTimeSeconds: 1, VisibilityTimeout: 0,
  }));
  const m = inQueue.Messages?.[0];
  checks.equal("message arrived", [m?.MessageId, m?.Body], [messageId, "hello from the API"]);
  checks.equal("message attributes arrived", m?.MessageAttributes?.source?.StringValue, "js");

  // ---- FIFO: header, path parameter, context variable ----
  const fifo = await call(`${base}/fifo/group-7`, { method: "POST", headers: { "X-Message": "fifo body" } });
  checks.equal("fifo status", fifo.status, 200);
  const fifoResult = parseJson(fifo.text).SendMessageResponse?.SendMessageResult ?? {};
  checks.truthy("fifo SequenceNumber", fifoResult.SequenceNumber, fifoResult);
  const requestId = fifo.headers.get("apigw-requestid");
  const fifoMsg = (await sqs.send(new ReceiveMessageCommand({
    QueueUrl: fifoUrl, MessageSystemAttributeNames: ["All"], WaitTimeSeconds: 1,
  }))).Messages?.[0];
  checks.equal("fifo body from header", fifoMsg?.Body, "fifo body");
  checks.equal("fifo MessageGroupId from path", fifoMsg?.Attributes?.MessageGroupId, "group-7");
  checks.equal("fifo MessageDeduplicationId from $context.requestId",
    fifoMsg?.Attributes?.MessageDeduplicationId, requestId);

  // ---- ReceiveMessage then DeleteMessage through the API ----
  const received = await call(`${base}/receive?max=5&attrs=All`);
  checks.equal("receive status", received.status, 200);
  const receivedMessages = parseJson(received.text).ReceiveMessageResponse?.ReceiveMessageResult?.Messages ?? [];
  checks.equal("receive returns the message", receivedMessages.map((x) => [x.MessageId, x.Body]),
    [[messageId, "hello from the API"]]);
  checks.equal("receive MessageAttributeNames from the query string",
    receivedMessages[0]?.MessageAttributes?.source?.StringValue, "js");
  checks.truthy("receive AttributeNames=All (static)", receivedMessages[0]?.Attributes?.SentTimestamp,
    receivedMessages[0]?.Attributes);
  const deleted = await call(`${base}/delete`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ handle: receivedMessages[0]?.ReceiptHandle }),
  });
  checks.equal("delete status", deleted.status, 200);
  checks.truthy("delete answers DeleteMessageResponse",
    parseJson(deleted.text).DeleteMessageResponse?.ResponseMetadata?.RequestId, deleted.text);
  const afterDelete = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
  }));
  checks.equal("queue empty after delete", [afterDelete.Attributes?.ApproximateNumberOfMessages,
    afterDelete.Attributes?.ApproximateNumberOfMessagesNotVisible], ["0", "0"]);

  // ---- PurgeQueue ----
  await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: "to purge" }));
  const purged = await call(`${base}/purge`, { method: "POST" });
  checks.equal("purge status", purged.status, 200);
  const afterPurge = await sqs.send(new GetQueueAttributesCommand({
    QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"],
  }));
  checks.equal("queue empty after purge", afterPurge.Attributes?.ApproximateNumberOfMessages, "0");

  // ---- a JWT claim as the message ----
  checks.equal("JWT route refuses a call without a token", (await call(`${base}/whoami`, { method: "POST" })).status, 401);
  const token = unsignedJwt({ iss: "https://issuer.example.com", aud: "sqs-app", sub: "caller-9",
    exp: Math.floor(Date.now() / 1000) + 600 });
  const who = await call(`${base}/whoami`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  checks.equal("JWT route status", who.status, 200);
  const whoMsg = (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }))).Messages?.[0];
  checks.equal("$context.authorizer.claims.sub became the body", whoMsg?.Body, "caller-9");
  if (whoMsg) await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: whoMsg.ReceiptHandle }));

  // ---- SQS errors keep SQS's status ----
  const missingBody = await call(`${base}/send`, {
    method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
  });
  checks.equal("unmapped MessageBody → SQS MissingParameter", [missingBody.status,
    parseJson(missingBody.text).ErrorResponse?.Error?.Code], [400, "MissingParameter"]);
  const noQueue = await call(`${base}/nowhere`, { method: "POST", body: "x" });
  checks.equal("unknown queue → SQS's error", [noQueue.status,
    parseJson(noQueue.text).ErrorResponse?.Error?.Code], [400, "AWS.SimpleQueueService.NonExistentQueue"]);

  // ---- control plane: typed errors ----
  const missing = await checks.rejects("SendMessage without MessageBody → BadRequestException",
    v2.send(new CreateIntegrationCommand({
      ApiId: apiId, IntegrationType: "AWS_PROXY", IntegrationSubtype: "SQS-SendMessage",
      PayloadFormatVersion: "1.0", RequestParameters: { QueueUrl: queueUrl },
    })), BadRequestException, 400);
  checks.truthy("missing parameter named in the message", missing?.message?.includes("MessageBody"), missing?.message);
  await checks.rejects("payload 2.0 → BadRequestException",
    v2.send(new UpdateIntegrationCommand({ ApiId: apiId, IntegrationId: send.IntegrationId, PayloadFormatVersion: "2.0" })),
    BadRequestException, 400);
  const still = await v2.send(new GetIntegrationCommand({ ApiId: apiId, IntegrationId: send.IntegrationId }));
  checks.equal("rejected update left the integration alone", still.PayloadFormatVersion, "1.0");

  checks.finish({ apiId });
} catch (e) {
  checks.fail(e);
} finally {
  if (apiId) await v2.send(new DeleteApiCommand({ ApiId: apiId })).catch(() => {});
  for (const q of queues) await sqs.send(new DeleteQueueCommand({ QueueUrl: q })).catch(() => {});
}
