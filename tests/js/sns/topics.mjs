// usage: node sns/topics.mjs ENDPOINT
// Topics through @aws-sdk/client-sns: standard and FIFO create (idempotent), attributes, ListTopics
// pagination over more than 100 topics (paginateListTopics), tags, delete, and the typed errors
// (NotFoundException, InvalidParameterException) with their HTTP statuses.
import { randomUUID } from "node:crypto";
import {
  SNSClient, CreateTopicCommand, GetTopicAttributesCommand, SetTopicAttributesCommand,
  ListTopicsCommand, paginateListTopics, TagResourceCommand, UntagResourceCommand,
  ListTagsForResourceCommand, DeleteTopicCommand, SubscribeCommand, PublishCommand,
} from "@aws-sdk/client-sns";
import { clientOptions } from "../common.mjs";
import { run } from "./expect.mjs";

const sns = new SNSClient(clientOptions(process.argv[2]));
const send = (cmd) => sns.send(cmd);
const run_id = randomUUID().slice(0, 8);

await run(async (expect) => {
  // Standard topic, created twice with the same attributes and tags: same ARN.
  const name = `js-topic-${run_id}`;
  const attrs = { DisplayName: "JS topic" };
  const tags = [{ Key: "team", Value: "nimbus" }];
  const created = await send(new CreateTopicCommand({ Name: name, Attributes: attrs, Tags: tags }));
  const arn = created.TopicArn;
  expect.true("standard arn", /^arn:aws:sns:[a-z0-9-]+:\d{12}:js-topic-/.test(arn), arn);
  expect.eq("arn ends with name", arn.split(":").pop(), name);
  expect.true("CreateTopic requestId", typeof created.$metadata.requestId === "string" &&
    created.$metadata.requestId.length > 0, created.$metadata);
  const again = await send(new CreateTopicCommand({ Name: name, Attributes: attrs, Tags: tags }));
  expect.eq("idempotent create", again.TopicArn, arn);
  await expect.throws("create with other attributes",
    send(new CreateTopicCommand({ Name: name, Attributes: { DisplayName: "other" } })),
    "InvalidParameterException", 400);

  let got = (await send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes;
  expect.eq("TopicArn attribute", got.TopicArn, arn);
  expect.eq("DisplayName attribute", got.DisplayName, "JS topic");
  expect.eq("SubscriptionsConfirmed", got.SubscriptionsConfirmed, "0");
  expect.true("Owner attribute", /^\d{12}$/.test(got.Owner ?? ""), got.Owner);
  expect.true("Policy attribute is JSON", (() => { try { return !!JSON.parse(got.Policy).Statement; } catch { return false; } })(), got.Policy);
  expect.true("EffectiveDeliveryPolicy", typeof got.EffectiveDeliveryPolicy === "string", got);

  await send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "DisplayName", AttributeValue: "renamed ✓" }));
  const policy = { healthyRetryPolicy: { numRetries: 5, minDelayTarget: 1, maxDelayTarget: 2 } };
  await send(new SetTopicAttributesCommand({
    TopicArn: arn, AttributeName: "DeliveryPolicy", AttributeValue: JSON.stringify({ http: policy }),
  }));
  got = (await send(new GetTopicAttributesCommand({ TopicArn: arn }))).Attributes;
  expect.eq("DisplayName after set", got.DisplayName, "renamed ✓");
  expect.eq("DeliveryPolicy after set", JSON.parse(got.DeliveryPolicy ?? "{}").http?.healthyRetryPolicy?.numRetries, 5);
  await expect.throws("set unknown attribute",
    send(new SetTopicAttributesCommand({ TopicArn: arn, AttributeName: "NoSuchAttribute", AttributeValue: "x" })),
    "InvalidParameterException", 400);

  // FIFO topic.
  const fifoName = `js-fifo-${run_id}.fifo`;
  const fifoAttrs = { FifoTopic: "true", ContentBasedDeduplication: "true" };
  const fifoArn = (await send(new CreateTopicCommand({ Name: fifoName, Attributes: fifoAttrs }))).TopicArn;
  expect.eq("fifo arn ends with name", fifoArn.split(":").pop(), fifoName);
  expect.eq("fifo idempotent create",
    (await send(new CreateTopicCommand({ Name: fifoName, Attributes: fifoAttrs }))).TopicArn, fifoArn);
  got = (await send(new GetTopicAttributesCommand({ TopicArn: fifoArn }))).Attributes;
  expect.eq("FifoTopic attribute", got.FifoTopic, "true");
  expect.eq("ContentBasedDeduplication attribute", got.ContentBasedDeduplication, "true");
  await expect.throws(".fifo name without FifoTopic",
    send(new CreateTopicCommand({ Name: `js-nofifo-${run_id}.fifo` })), "InvalidParameterException", 400);
  await expect.throws("FifoTopic without .fifo name",
    send(new CreateTopicCommand({ Name: `js-bad-${run_id}`, Attributes: { FifoTopic: "true" } })),
    "InvalidParameterException", 400);
  for (const [protocol, endpointValue] of [["lambda", "arn:aws:lambda:us-east-1:000000000000:function:f"], ["https", "https://example.com/"]]) {
    const e = await expect.throws(`fifo topic refuses ${protocol}`,
      send(new SubscribeCommand({ TopicArn: fifoArn, Protocol: protocol, Endpoint: endpointValue })), "InvalidParameterException", 400);
    expect.eq(`fifo topic refuses ${protocol}: message`, e?.message, `Invalid parameter: Invalid protocol type: ${protocol}`);
  }
  await expect.throws("publish to fifo without group id",
    send(new PublishCommand({ TopicArn: fifoArn, Message: "m" })), "InvalidParameterException", 400);

  // Bad names.
  await expect.throws("invalid topic name",
    send(new CreateTopicCommand({ Name: "bad name!" })), "InvalidParameterException", 400);
  await expect.throws("topic name too long",
    send(new CreateTopicCommand({ Name: "x".repeat(257) })), "InvalidParameterException", 400);

  // Tags.
  let tagList = (await send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags;
  expect.eq("tags from create", tagList, tags);
  await send(new TagResourceCommand({ ResourceArn: arn, Tags: [{ Key: "env", Value: "test" }, { Key: "team", Value: "core" }] }));
  tagList = (await send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags;
  const byKey = (list) => Object.fromEntries((list ?? []).map((t) => [t.Key, t.Value]));
  expect.eq("tags after TagResource", byKey(tagList), { env: "test", team: "core" });
  await send(new UntagResourceCommand({ ResourceArn: arn, TagKeys: ["team"] }));
  tagList = (await send(new ListTagsForResourceCommand({ ResourceArn: arn }))).Tags;
  expect.eq("tags after UntagResource", byKey(tagList), { env: "test" });
  const missingArn = arn.replace(/[^:]+$/, `js-missing-${run_id}`);
  await expect.throws("tags of missing topic",
    send(new ListTagsForResourceCommand({ ResourceArn: missingArn })), "ResourceNotFoundException", 404);

  // More than one page of topics: paginateListTopics follows NextToken.
  const extra = [];
  for (let i = 0; i < 105; i += 15) {
    const batch = await Promise.all(Array.from({ length: Math.min(15, 105 - i) }, (_, j) =>
      send(new CreateTopicCommand({ Name: `js-page-${run_id}-${String(i + j).padStart(3, "0")}` }))));
    extra.push(...batch.map((b) => b.TopicArn));
  }
  const first = await send(new ListTopicsCommand({}));
  expect.eq("first page size", first.Topics.length, 100);
  expect.true("first page NextToken", typeof first.NextToken === "string" && first.NextToken.length > 0, first.NextToken);
  const listed = [];
  let pages = 0;
  for await (const page of paginateListTopics({ client: sns }, {})) {
    pages++;
    listed.push(...(page.Topics ?? []).map((t) => t.TopicArn));
  }
  expect.true("pages", pages >= 2, pages);
  expect.eq("no duplicates", new Set(listed).size, listed.length);
  for (const want of [arn, fifoArn, ...extra]) {
    if (!listed.includes(want)) expect.true(`listed ${want}`, false);
  }
  expect.true("all listed", [arn, fifoArn, ...extra].every((a) => listed.includes(a)));
  await expect.throws("bad NextToken",
    send(new ListTopicsCommand({ NextToken: "not-a-token" })), "InvalidParameterException", 400);

  // Delete: idempotent; the topic is gone afterwards.
  await Promise.all(extra.map((a) => send(new DeleteTopicCommand({ TopicArn: a }))));
  await send(new DeleteTopicCommand({ TopicArn: arn }));
  await send(new DeleteTopicCommand({ TopicArn: arn }));
  await send(new DeleteTopicCommand({ TopicArn: fifoArn }));
  const e = await expect.throws("attributes of deleted topic",
    send(new GetTopicAttributesCommand({ TopicArn: arn })), "NotFoundException", 404);
  expect.true("NotFound message", /does not exist/i.test(e?.message ?? ""), e?.message);
  expect.true("NotFound requestId", !!e?.$metadata?.requestId, e?.$metadata);
  await expect.throws("subscribe to deleted topic",
    send(new SubscribeCommand({ TopicArn: arn, Protocol: "sqs", Endpoint: "arn:aws:sqs:us-east-1:000000000000:q" })),
    "NotFoundException", 404);
  await expect.throws("publish to deleted topic",
    send(new PublishCommand({ TopicArn: arn, Message: "m" })), "NotFoundException", 404);
  await expect.throws("malformed topic arn",
    send(new GetTopicAttributesCommand({ TopicArn: "not-an-arn" })), "InvalidParameterException", 400);
  const after = [];
  for await (const page of paginateListTopics({ client: sns }, {})) after.push(...page.Topics.map((t) => t.TopicArn));
  expect.true("deleted topics not listed", ![arn, fifoArn, ...extra].some((a) => after.includes(a)));
  return { topicArn: arn };
});
