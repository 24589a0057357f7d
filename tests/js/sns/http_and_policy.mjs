// usage: node sns/http_and_policy.mjs ENDPOINT
// More of SNS's wire through @aws-sdk/client-sns: an HTTP subscription run by this script (the
// SubscriptionConfirmation arrives, ConfirmSubscription through the SDK confirms it, then a
// Notification with its x-amz-sns-* headers), AddPermission/RemovePermission (list members),
// attribute values that need XML escaping (CR, tabs, "]]>", emoji) coming back unchanged, the
// 256 KB message limit, and Publish to a topic by TargetArn. Signatures (v1 SHA1withRSA and v2
// SHA256withRSA) are verified here with node:crypto against the certificate at SigningCertURL.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import * as S from "@aws-sdk/client-sns";
import { clientOptions } from "../common.mjs";
import { poll, run } from "./expect.mjs";
import { signatureValid } from "./signature.mjs";

const sns = new S.SNSClient(clientOptions(process.argv[2]));
const call = (op, input = {}) => sns.send(new S[`${op}Command`](input));
const id = randomUUID().slice(0, 8);

const posts = [];
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    posts.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.end("ok");
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const sinkUrl = `http://127.0.0.1:${server.address().port}/sns`;

await run(async (expect) => {
  const topic = (await call("CreateTopic", { Name: `js-http-${id}` })).TopicArn;

  // HTTP subscription: pending until confirmed with the token it was sent.
  const pending = await call("Subscribe", { TopicArn: topic, Protocol: "http", Endpoint: sinkUrl });
  expect.eq("pending subscription", pending.SubscriptionArn, "pending confirmation");
  const confirmation = await poll(() => posts.find((p) => p.headers["x-amz-sns-message-type"] === "SubscriptionConfirmation"), 10000);
  const conf = JSON.parse(confirmation?.body ?? "{}");
  expect.eq("confirmation Type", conf.Type, "SubscriptionConfirmation");
  expect.eq("confirmation TopicArn", conf.TopicArn, topic);
  expect.true("confirmation Token", typeof conf.Token === "string" && conf.Token.length > 0, conf);
  expect.true("confirmation SubscribeURL", (conf.SubscribeURL ?? "").includes("Action=ConfirmSubscription"), conf.SubscribeURL);
  expect.eq("confirmation topic header", confirmation?.headers["x-amz-sns-topic-arn"], topic);
  expect.true("confirmation signature verifies", await signatureValid(conf), conf);
  const byTopic = (await call("ListSubscriptionsByTopic", { TopicArn: topic })).Subscriptions;
  expect.eq("listed as pending", byTopic.map((s) => s.SubscriptionArn), ["PendingConfirmation"]);
  await expect.throws("bad token", call("ConfirmSubscription", { TopicArn: topic, Token: "nope" }), "InvalidParameterException", 400);
  const confirmed = await call("ConfirmSubscription", { TopicArn: topic, Token: conf.Token, AuthenticateOnUnsubscribe: "true" });
  expect.true("confirmed arn", confirmed.SubscriptionArn?.startsWith(`${topic}:`), confirmed);
  const attrs = (await call("GetSubscriptionAttributes", { SubscriptionArn: confirmed.SubscriptionArn })).Attributes;
  expect.eq("confirmed attributes", [attrs.PendingConfirmation, attrs.ConfirmationWasAuthenticated, attrs.Protocol, attrs.Endpoint],
    ["false", "true", "http", sinkUrl]);

  const pub = await call("Publish", { TopicArn: topic, Message: "over http ✓", Subject: "Hi" });
  const note = await poll(() => posts.find((p) => p.headers["x-amz-sns-message-id"] === pub.MessageId), 10000);
  expect.eq("notification headers", [note?.headers["x-amz-sns-message-type"], note?.headers["x-amz-sns-subscription-arn"],
    note?.headers["x-amz-sns-topic-arn"]], ["Notification", confirmed.SubscriptionArn, topic]);
  expect.true("notification content-type", (note?.headers["content-type"] ?? "").startsWith("text/plain"), note?.headers);
  const doc = JSON.parse(note?.body ?? "{}");
  expect.eq("notification body", doc.Message, "over http ✓");
  expect.eq("SignatureVersion 1", doc.SignatureVersion, "1");
  expect.true("v1 signature verifies", await signatureValid(doc), doc);
  expect.true("tampered message fails", !(await signatureValid({ ...doc, Message: "over http ✗" })));

  // SignatureVersion 2 (SHA256withRSA), set on the topic.
  await call("SetTopicAttributes", { TopicArn: topic, AttributeName: "SignatureVersion", AttributeValue: "2" });
  const pub2 = await call("Publish", { TopicArn: topic, Message: "signed v2 ✓ \u{1F600}" });
  const note2 = await poll(() => posts.find((p) => p.headers["x-amz-sns-message-id"] === pub2.MessageId), 10000);
  const doc2 = JSON.parse(note2?.body ?? "{}");
  expect.eq("SignatureVersion 2", doc2.SignatureVersion, "2");
  expect.eq("no Subject when none given", "Subject" in doc2 ? doc2.Subject : undefined, undefined);
  expect.true("v2 signature verifies", await signatureValid(doc2), doc2);

  // Publish by TargetArn reaches the same subscribers.
  const byTarget = await call("Publish", { TargetArn: topic, Message: "by target arn" });
  const targeted = await poll(() => posts.find((p) => p.headers["x-amz-sns-message-id"] === byTarget.MessageId), 10000);
  expect.eq("TargetArn publish delivered", JSON.parse(targeted?.body ?? "{}").Message, "by target arn");

  // Topic policy statements through list-valued parameters.
  await call("AddPermission", { TopicArn: topic, Label: "share", AWSAccountId: ["111122223333", "444455556666"], ActionName: ["Publish", "Subscribe"] });
  let policy = JSON.parse((await call("GetTopicAttributes", { TopicArn: topic })).Attributes.Policy);
  const share = policy.Statement.find((s) => s.Sid === "share");
  expect.eq("AddPermission principals", [share?.Principal?.AWS].flat().sort(),
    ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]);
  expect.eq("AddPermission actions", [share?.Action].flat().sort(), ["SNS:Publish", "SNS:Subscribe"]);
  await expect.throws("duplicate label", call("AddPermission", { TopicArn: topic, Label: "share", AWSAccountId: ["111122223333"], ActionName: ["Publish"] }),
    "InvalidParameterException", 400);
  await call("RemovePermission", { TopicArn: topic, Label: "share" });
  policy = JSON.parse((await call("GetTopicAttributes", { TopicArn: topic })).Attributes.Policy);
  expect.eq("RemovePermission", policy.Statement.some((s) => s.Sid === "share"), false);

  // Values that need escaping in the XML answers come back byte for byte.
  const tricky = "line1\r\nline2\ttab ]]> <&> \"q\" 'a' ✓ \u{1F600}";
  await call("SetTopicAttributes", { TopicArn: topic, AttributeName: "DisplayName", AttributeValue: tricky });
  expect.eq("DisplayName with CR/LF, tab, ]]>", (await call("GetTopicAttributes", { TopicArn: topic })).Attributes.DisplayName, tricky);
  await call("TagResource", { ResourceArn: topic, Tags: [{ Key: "k ✓", Value: "v <&> \r\n" }] });
  expect.eq("tag with CR/LF", (await call("ListTagsForResource", { ResourceArn: topic })).Tags, [{ Key: "k ✓", Value: "v <&> \r\n" }]);

  // 256 KB: the limit itself is fine, one byte more is not.
  const limit = 256 * 1024;
  const ok = await call("Publish", { TopicArn: topic, Message: "x".repeat(limit) });
  expect.true("256 KB message", !!ok.MessageId, ok);
  await expect.throws("message over 256 KB", call("Publish", { TopicArn: topic, Message: "x".repeat(limit + 1) }),
    "InvalidParameterException", 400);
  await expect.throws("multi-byte message over 256 KB", call("Publish", { TopicArn: topic, Message: "✓".repeat(limit / 3 + 1) }),
    "InvalidParameterException", 400);

  await call("Unsubscribe", { SubscriptionArn: confirmed.SubscriptionArn });
  await call("DeleteTopic", { TopicArn: topic });
});
server.close();
