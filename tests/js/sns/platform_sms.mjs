// usage: node sns/platform_sms.mjs ENDPOINT
// Mobile push and SMS calls through @aws-sdk/client-sns (stored and answered in AWS's shapes,
// nothing is sent): platform applications and endpoints, Publish to an endpoint and to a phone
// number (checked in the captured messages at /_aws/sns/*-messages), SMS attributes, opt-outs,
// the SMS sandbox, data protection policies, and their typed errors.
import { randomUUID } from "node:crypto";
import * as sns_ from "@aws-sdk/client-sns";
import { clientOptions } from "../common.mjs";
import { run } from "./expect.mjs";

const endpoint = process.argv[2];
const sns = new sns_.SNSClient(clientOptions(endpoint));
const call = (op, input = {}) => sns.send(new sns_[`${op}Command`](input));
const id = randomUUID().slice(0, 8);

async function captured(group, query) {
  const res = await fetch(`${endpoint}/_aws/sns/${group}-messages?${new URLSearchParams(query)}`);
  return res.json();
}

await run(async (expect) => {
  // Platform application and endpoint.
  const appName = `js-app-${id}`;
  const app = (await call("CreatePlatformApplication", {
    Name: appName, Platform: "GCM", Attributes: { PlatformCredential: "secret-key" },
  })).PlatformApplicationArn;
  expect.true("application arn", new RegExp(`^arn:aws:sns:[a-z0-9-]+:\\d{12}:app/GCM/${appName}$`).test(app), app);
  let attrs = (await call("GetPlatformApplicationAttributes", { PlatformApplicationArn: app })).Attributes;
  expect.eq("application Enabled", attrs.Enabled, "true");
  expect.eq("credential not returned", attrs.PlatformCredential, undefined);
  await call("SetPlatformApplicationAttributes", { PlatformApplicationArn: app, Attributes: { SuccessFeedbackSampleRate: "50" } });
  attrs = (await call("GetPlatformApplicationAttributes", { PlatformApplicationArn: app })).Attributes;
  expect.eq("application attribute set", attrs.SuccessFeedbackSampleRate, "50");
  const apps = [];
  for await (const page of sns_.paginateListPlatformApplications({ client: sns }, {})) apps.push(...page.PlatformApplications);
  const listedApp = apps.find((a) => a.PlatformApplicationArn === app);
  expect.eq("listed application Enabled", listedApp?.Attributes?.Enabled, "true");

  const ep = (await call("CreatePlatformEndpoint", { PlatformApplicationArn: app, Token: "device-token-1", CustomUserData: "u1" })).EndpointArn;
  expect.true("endpoint arn", ep.startsWith(app.replace(":app/", ":endpoint/") + "/"), ep);
  expect.eq("endpoint idempotent", (await call("CreatePlatformEndpoint", {
    PlatformApplicationArn: app, Token: "device-token-1", CustomUserData: "u1",
  })).EndpointArn, ep);
  expect.eq("endpoint attributes", (await call("GetEndpointAttributes", { EndpointArn: ep })).Attributes,
    { Token: "device-token-1", Enabled: "true", CustomUserData: "u1" });
  const eps = [];
  for await (const page of sns_.paginateListEndpointsByPlatformApplication({ client: sns }, { PlatformApplicationArn: app })) eps.push(...page.Endpoints);
  expect.eq("listed endpoints", eps.map((e) => e.EndpointArn), [ep]);
  expect.eq("listed endpoint attributes", eps[0]?.Attributes?.Token, "device-token-1");

  const push = await call("Publish", {
    TargetArn: ep, MessageStructure: "json", Message: JSON.stringify({ default: "plain", GCM: '{"data":{"k":"v"}}' }),
  });
  expect.true("publish to endpoint MessageId", /^[0-9a-f-]{36}$/.test(push.MessageId), push);
  const pushes = await captured("platform-endpoint", { endpointArn: ep });
  const pushed = pushes.platform_endpoint_messages?.[ep] ?? [];
  expect.eq("captured push", pushed.map((m) => m.MessageId), [push.MessageId]);
  await call("SetEndpointAttributes", { EndpointArn: ep, Attributes: { Enabled: "false" } });
  await expect.throws("publish to disabled endpoint", call("Publish", { TargetArn: ep, Message: "x" }), "EndpointDisabledException", 400);
  await expect.throws("bad endpoint attribute",
    call("SetEndpointAttributes", { EndpointArn: ep, Attributes: { Colour: "red" } }), "InvalidParameterException", 400);
  await call("DeleteEndpoint", { EndpointArn: ep });
  await expect.throws("deleted endpoint", call("GetEndpointAttributes", { EndpointArn: ep }), "NotFoundException", 404);
  await call("DeletePlatformApplication", { PlatformApplicationArn: app });
  await expect.throws("deleted application",
    call("GetPlatformApplicationAttributes", { PlatformApplicationArn: app }), "NotFoundException", 404);
  await expect.throws("unsupported platform", call("CreatePlatformApplication", {
    Name: `js-bad-${id}`, Platform: "PIGEON", Attributes: { PlatformCredential: "x" },
  }), "InvalidParameterException", 400);

  // SMS: Publish to a phone number is captured; attributes, opt-out, sandbox.
  const phone = `+1555${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  const sms = await call("Publish", {
    PhoneNumber: phone, Message: "your code is 1234",
    MessageAttributes: { "AWS.SNS.SMS.SMSType": { DataType: "String", StringValue: "Transactional" } },
  });
  expect.true("sms MessageId", /^[0-9a-f-]{36}$/.test(sms.MessageId), sms);
  const texts = (await captured("sms", { phoneNumber: phone })).sms_messages?.[phone] ?? [];
  expect.eq("captured sms", texts.map((m) => [m.MessageId, m.Message]), [[sms.MessageId, "your code is 1234"]]);
  await expect.throws("publish to bad phone number",
    call("Publish", { PhoneNumber: "12ab", Message: "x" }), "InvalidParameterException", 400);

  await call("SetSMSAttributes", { attributes: { DefaultSMSType: "Transactional", DefaultSenderID: "Nimbus" } });
  expect.eq("GetSMSAttributes one", (await call("GetSMSAttributes", { attributes: ["DefaultSMSType"] })).attributes,
    { DefaultSMSType: "Transactional" });
  const allSms = (await call("GetSMSAttributes", {})).attributes;
  expect.eq("GetSMSAttributes all has sender", allSms?.DefaultSenderID, "Nimbus");
  await expect.throws("bad SMS type", call("SetSMSAttributes", { attributes: { DefaultSMSType: "Loud" } }),
    "InvalidParameterException", 400);
  expect.eq("not opted out", (await call("CheckIfPhoneNumberIsOptedOut", { phoneNumber: phone })).isOptedOut, false);
  await expect.throws("opt-out check of bad number",
    call("CheckIfPhoneNumberIsOptedOut", { phoneNumber: "555" }), "InvalidParameterException", 400);
  expect.eq("no opted-out numbers", (await call("ListPhoneNumbersOptedOut", {})).phoneNumbers, []);
  await call("OptInPhoneNumber", { phoneNumber: phone });

  expect.eq("sandbox status", (await call("GetSMSSandboxAccountStatus", {})).IsInSandbox, true);
  await call("CreateSMSSandboxPhoneNumber", { PhoneNumber: phone, LanguageCode: "en-US" });
  const pending = [];
  for await (const page of sns_.paginateListSMSSandboxPhoneNumbers({ client: sns }, {})) pending.push(...page.PhoneNumbers);
  expect.eq("sandbox number pending", pending.find((p) => p.PhoneNumber === phone), { PhoneNumber: phone, Status: "Pending" });
  await call("VerifySMSSandboxPhoneNumber", { PhoneNumber: phone, OneTimePassword: "123456" });
  const verified = (await call("ListSMSSandboxPhoneNumbers", {})).PhoneNumbers;
  expect.eq("sandbox number verified", verified.find((p) => p.PhoneNumber === phone)?.Status, "Verified");
  await call("DeleteSMSSandboxPhoneNumber", { PhoneNumber: phone });
  await expect.throws("delete missing sandbox number",
    call("DeleteSMSSandboxPhoneNumber", { PhoneNumber: phone }), "ResourceNotFoundException", 404);
  expect.eq("origination numbers", (await call("ListOriginationNumbers", {})).PhoneNumbers, []);

  // A topic's data protection policy round-trips.
  const topic = (await call("CreateTopic", { Name: `js-dp-${id}` })).TopicArn;
  const dp = JSON.stringify({
    Name: "policy", Description: "", Version: "2021-06-01",
    Statement: [{ Sid: "deny", DataDirection: "Inbound", Principal: ["*"],
      DataIdentifier: ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"], Operation: { Deny: {} } }],
  });
  await call("PutDataProtectionPolicy", { ResourceArn: topic, DataProtectionPolicy: dp });
  expect.eq("data protection policy", JSON.parse((await call("GetDataProtectionPolicy", { ResourceArn: topic })).DataProtectionPolicy ?? "{}"), JSON.parse(dp));
  await call("DeleteTopic", { TopicArn: topic });
});
