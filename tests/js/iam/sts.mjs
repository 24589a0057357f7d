// usage: node iam/sts.mjs ENDPOINT
// STS through @aws-sdk/client-sts: GetCallerIdentity, AssumeRole, GetSessionToken,
// GetFederationToken and AssumeRoleWithSAML / AssumeRoleWithWebIdentity, and who each set of
// temporary credentials says it is.
import * as iam from "@aws-sdk/client-iam";
import * as sts from "@aws-sdk/client-sts";
import { clientOptions } from "../common.mjs";
import { run, scenario, unique } from "./harness.mjs";
import { AUDIENCE, ISSUER, metadata, nameQualifier, response } from "./saml.mjs";

const endpoint = process.argv[2];
const iamClient = new iam.IAMClient(clientOptions(endpoint));
const stsClient = new sts.STSClient(clientOptions(endpoint));
const IAM = (name, input) => iamClient.send(new iam[`${name}Command`](input));
const STS = (name, input, c = stsClient) => c.send(new sts[`${name}Command`](input));
const as = (creds) => new sts.STSClient({ ...clientOptions(endpoint), credentials: {
  accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey,
  sessionToken: creds.SessionToken } });
const { check, rejects, finish } = scenario();
const ACCOUNT = "000000000000";
const jwtPart = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");

await run(async () => {
  const root = await STS("GetCallerIdentity", {});
  check("root identity", [root.Account, root.Arn], [ACCOUNT, `arn:aws:iam::${ACCOUNT}:root`]);

  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }] });
  const role = (await IAM("CreateRole", { RoleName: unique("jssts"), AssumeRolePolicyDocument: trust }))
    .Role;
  const assumed = await STS("AssumeRole", { RoleArn: role.Arn, RoleSessionName: "js-session",
    DurationSeconds: 900, Policy: JSON.stringify({ Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] }) });
  check("assumed arn", assumed.AssumedRoleUser.Arn,
    `arn:aws:sts::${ACCOUNT}:assumed-role/${role.RoleName}/js-session`);
  check("expiration is a date", assumed.Credentials.Expiration instanceof Date, true);
  check("packed policy size", typeof assumed.PackedPolicySize, "number");
  const who = await STS("GetCallerIdentity", {}, as(assumed.Credentials));
  check("assumed identity", [who.Arn, who.UserId],
    [assumed.AssumedRoleUser.Arn, assumed.AssumedRoleUser.AssumedRoleId]);
  await rejects("assume missing role", STS("AssumeRole", {
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/${unique("none")}`, RoleSessionName: "x1" }),
  "AccessDenied", 403);

  const session = await STS("GetSessionToken", { DurationSeconds: 900 });
  check("session token", session.Credentials.AccessKeyId.startsWith("ASIA"), true);

  const fed = await STS("GetFederationToken", { Name: "jsfed", DurationSeconds: 900,
    Policy: JSON.stringify({ Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "sqs:*", Resource: "*" }] }) });
  check("federated user", fed.FederatedUser, {
    Arn: `arn:aws:sts::${ACCOUNT}:federated-user/jsfed`, FederatedUserId: `${ACCOUNT}:jsfed` });
  const fedWho = await STS("GetCallerIdentity", {}, as(fed.Credentials));
  check("federated identity", [fedWho.Arn, fedWho.UserId],
    [fed.FederatedUser.Arn, `${ACCOUNT}:jsfed`]);
  await rejects("federation from a session", STS("GetFederationToken", { Name: "again" },
    as(fed.Credentials)), "AccessDenied", 403);
  await rejects("federation bad duration", STS("GetFederationToken", { Name: "long",
    DurationSeconds: 200000 }), "ValidationError", 400);

  // SAML: a provider, a role that trusts it, and an assertion offering the role.
  const providerName = unique("jsidp");
  const provider = (await IAM("CreateSAMLProvider", { Name: providerName,
    SAMLMetadataDocument: metadata() })).SAMLProviderArn;
  const samlRole = (await IAM("CreateRole", { RoleName: unique("jssaml"),
    AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{
      Effect: "Allow", Principal: { Federated: provider }, Action: "sts:AssumeRoleWithSAML",
      Condition: { StringEquals: { "SAML:aud": AUDIENCE } } }] }) })).Role;
  const saml = await STS("AssumeRoleWithSAML", { RoleArn: samlRole.Arn, PrincipalArn: provider,
    SAMLAssertion: response({ roles: [`${samlRole.Arn},${provider}`], duration: 1200 }) });
  check("saml subject", [saml.Subject, saml.SubjectType, saml.Issuer, saml.Audience],
    ["js-subject", "transient", ISSUER, AUDIENCE]);
  check("saml name qualifier", saml.NameQualifier, nameQualifier(ISSUER, ACCOUNT, providerName));
  const left = (saml.Credentials.Expiration.getTime() - Date.now()) / 1000;
  check("saml duration", left > 1100 && left <= 1201, true);
  check("saml arn", saml.AssumedRoleUser.Arn,
    `arn:aws:sts::${ACCOUNT}:assumed-role/${samlRole.RoleName}/js-user`);
  await rejects("saml wrong role", STS("AssumeRoleWithSAML", { RoleArn: role.Arn,
    PrincipalArn: provider, SAMLAssertion: response({ roles: [`${samlRole.Arn},${provider}`] }) }),
  "AccessDenied", 403);
  await rejects("saml garbage", STS("AssumeRoleWithSAML", { RoleArn: samlRole.Arn,
    PrincipalArn: provider, SAMLAssertion: "bm90IHhtbA==" }), "InvalidIdentityToken", 400);

  // Web identity against a registered OIDC provider.
  const host = `${unique("jsoidc")}.example.com`;
  const oidc = (await IAM("CreateOpenIDConnectProvider", { Url: `https://${host}`,
    ClientIDList: ["js-app"] })).OpenIDConnectProviderArn;
  const webRole = (await IAM("CreateRole", { RoleName: unique("jsweb"),
    AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{
      Effect: "Allow", Principal: { Federated: oidc },
      Action: "sts:AssumeRoleWithWebIdentity" }] }) })).Role;
  const token = (aud) => [jwtPart({ alg: "RS256" }), jwtPart({ iss: `https://${host}`,
    sub: "repo:js", aud, exp: Math.floor(Date.now() / 1000) + 600 }), "sig"].join(".");
  const web = await STS("AssumeRoleWithWebIdentity", { RoleArn: webRole.Arn,
    RoleSessionName: "web", WebIdentityToken: token("js-app") });
  check("web identity", [web.SubjectFromWebIdentityToken, web.Audience], ["repo:js", "js-app"]);
  await rejects("web identity wrong audience", STS("AssumeRoleWithWebIdentity", {
    RoleArn: webRole.Arn, RoleSessionName: "web", WebIdentityToken: token("other") }),
  "InvalidIdentityToken", 400);
  finish();
});
