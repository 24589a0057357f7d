// usage: node iam/crud.mjs ENDPOINT
// Users, groups, roles, managed/inline policies, access keys, instance profiles and tags through
// @aws-sdk/client-iam (its strict XML parser is where codec bugs show): every documented member
// comes back with the right type (Date, boolean, number), policy documents URL-encoded as AWS
// sends them, and pagination markers round-trip.
import * as iam from "@aws-sdk/client-iam";
import { clientOptions } from "../common.mjs";
import { run, scenario, unique } from "./harness.mjs";

const client = new iam.IAMClient(clientOptions(process.argv[2]));
const send = (name, input) => client.send(new iam[`${name}Command`](input));
const { check, rejects, finish } = scenario();
const ACCOUNT = "000000000000";

await run(async () => {
  const user = unique("jsuser");
  const created = (await send("CreateUser", {
    UserName: user, Path: "/js/", Tags: [{ Key: "team", Value: "sdk" }],
  })).User;
  check("user arn", created.Arn, `arn:aws:iam::${ACCOUNT}:user/js/${user}`);
  check("user create date", created.CreateDate instanceof Date, true);
  check("user id", /^AIDA[A-Z0-9]{17}$/.test(created.UserId), true);
  check("user tags", (await send("GetUser", { UserName: user })).User.Tags,
    [{ Key: "team", Value: "sdk" }]);
  await rejects("duplicate user", send("CreateUser", { UserName: user }), "EntityAlreadyExists", 409);
  await rejects("missing user", send("GetUser", { UserName: unique("nobody") }), "NoSuchEntity", 404);

  const group = unique("jsgroup");
  await send("CreateGroup", { GroupName: group });
  await send("AddUserToGroup", { GroupName: group, UserName: user });
  const got = await send("GetGroup", { GroupName: group });
  check("group members", got.Users.map((u) => u.UserName), [user]);
  check("group not truncated", got.IsTruncated, false);

  const doc = JSON.stringify({ Version: "2012-10-17", Statement: [{
    Effect: "Allow", Action: ["sqs:SendMessage", "sqs:ReceiveMessage"],
    Resource: `arn:aws:sqs:us-east-1:${ACCOUNT}:q-*`,
    Condition: { StringEquals: { "aws:RequestedRegion": "us-east-1" } } }] });
  const policy = (await send("CreatePolicy", {
    PolicyName: unique("jspolicy"), PolicyDocument: doc, Description: "from js",
  })).Policy;
  check("policy default version", policy.DefaultVersionId, "v1");
  check("policy attachable", policy.IsAttachable, true);
  check("policy attachment count", policy.AttachmentCount, 0);
  const version = (await send("GetPolicyVersion", { PolicyArn: policy.Arn, VersionId: "v1" }))
    .PolicyVersion;
  check("policy document (url-encoded on the wire)", JSON.parse(decodeURIComponent(version.Document)),
    JSON.parse(doc));
  check("policy version is default", version.IsDefaultVersion, true);
  await send("AttachUserPolicy", { UserName: user, PolicyArn: policy.Arn });
  check("attached", (await send("ListAttachedUserPolicies", { UserName: user })).AttachedPolicies,
    [{ PolicyName: policy.PolicyName, PolicyArn: policy.Arn }]);
  await send("PutUserPolicy", { UserName: user, PolicyName: "inline", PolicyDocument: doc });
  const inline = await send("GetUserPolicy", { UserName: user, PolicyName: "inline" });
  check("inline document", JSON.parse(decodeURIComponent(inline.PolicyDocument)), JSON.parse(doc));

  const key = (await send("CreateAccessKey", { UserName: user })).AccessKey;
  check("access key id", /^AKIA[A-Z2-7]{16}$/.test(key.AccessKeyId), true);
  check("secret length", key.SecretAccessKey.length, 40);
  const keys = (await send("ListAccessKeys", { UserName: user })).AccessKeyMetadata;
  check("listed key", keys.map((k) => [k.AccessKeyId, k.Status, k.CreateDate instanceof Date]),
    [[key.AccessKeyId, "Active", true]]);
  const lastUsed = await send("GetAccessKeyLastUsed", { AccessKeyId: key.AccessKeyId });
  check("last used", lastUsed.AccessKeyLastUsed.ServiceName, "N/A");

  const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{
    Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] });
  const role = (await send("CreateRole", {
    RoleName: unique("jsrole"), AssumeRolePolicyDocument: trust, MaxSessionDuration: 7200,
    Description: "js role", Tags: [{ Key: "a", Value: "b" }],
  })).Role;
  check("role max session", role.MaxSessionDuration, 7200);
  const gotRole = (await send("GetRole", { RoleName: role.RoleName })).Role;
  check("trust policy", JSON.parse(decodeURIComponent(gotRole.AssumeRolePolicyDocument)),
    JSON.parse(trust));
  check("role last used is a structure", typeof gotRole.RoleLastUsed, "object");
  await send("AttachRolePolicy", { RoleName: role.RoleName,
    PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" });
  const profile = (await send("CreateInstanceProfile", { InstanceProfileName: unique("jsip") }))
    .InstanceProfile;
  await send("AddRoleToInstanceProfile", { InstanceProfileName: profile.InstanceProfileName,
    RoleName: role.RoleName });
  const ip = (await send("GetInstanceProfile", { InstanceProfileName: profile.InstanceProfileName }))
    .InstanceProfile;
  check("instance profile roles", ip.Roles.map((r) => r.RoleName), [role.RoleName]);

  // Pagination: three users under a private path, two per page.
  const path = `/${unique("page")}/`;
  for (let i = 0; i < 3; i += 1) await send("CreateUser", { UserName: unique("p"), Path: path });
  const first = await send("ListUsers", { PathPrefix: path, MaxItems: 2 });
  check("page 1", [first.Users.length, first.IsTruncated, typeof first.Marker], [2, true, "string"]);
  const second = await send("ListUsers", { PathPrefix: path, MaxItems: 2, Marker: first.Marker });
  check("page 2", [second.Users.length, second.IsTruncated], [1, false]);

  // Versions, boundaries and the account-wide listings (the biggest XML documents).
  const doc2 = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow",
    Action: "sqs:SendMessage", Resource: "*" }] });
  const v2 = (await send("CreatePolicyVersion", { PolicyArn: policy.Arn, PolicyDocument: doc2,
    SetAsDefault: true })).PolicyVersion;
  check("new version", [v2.VersionId, v2.IsDefaultVersion], ["v2", true]);
  const versions = (await send("ListPolicyVersions", { PolicyArn: policy.Arn })).Versions;
  check("versions", versions.map((v) => [v.VersionId, v.IsDefaultVersion]).sort(),
    [["v1", false], ["v2", true]]);
  await send("PutRolePermissionsBoundary", { RoleName: role.RoleName, PermissionsBoundary: policy.Arn });
  check("boundary", (await send("GetRole", { RoleName: role.RoleName })).Role.PermissionsBoundary,
    { PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: policy.Arn });
  await send("UpdateAssumeRolePolicy", { RoleName: role.RoleName, PolicyDocument: trust });
  check("role tags", (await send("ListRoleTags", { RoleName: role.RoleName })).Tags,
    [{ Key: "a", Value: "b" }]);
  const entities = await send("ListEntitiesForPolicy", { PolicyArn: policy.Arn });
  check("entities", entities.PolicyUsers.map((u) => u.UserName), [user]);
  const local = (await send("ListPolicies", { Scope: "Local", MaxItems: 1000 })).Policies;
  check("local policies", local.some((p) => p.Arn === policy.Arn && p.AttachmentCount === 1), true);
  const details = await send("GetAccountAuthorizationDetails", { Filter: ["User", "Role",
    "LocalManagedPolicy"] });
  const du = details.UserDetailList.find((u) => u.UserName === user);
  check("details user", [du?.UserPolicyList?.[0]?.PolicyName, du?.GroupList,
    du?.AttachedManagedPolicies?.[0]?.PolicyArn], ["inline", [group], policy.Arn]);
  const dr = details.RoleDetailList.find((r) => r.RoleName === role.RoleName);
  check("details role", [dr?.InstanceProfileList?.[0]?.InstanceProfileName,
    dr?.PermissionsBoundary?.PermissionsBoundaryArn], [profile.InstanceProfileName, policy.Arn]);
  const dp = details.Policies.find((p) => p.Arn === policy.Arn);
  check("details policy versions", dp?.PolicyVersionList?.length, 2);
  await send("DeleteRolePermissionsBoundary", { RoleName: role.RoleName });

  const summary = (await send("GetAccountSummary", {})).SummaryMap;
  check("summary users is a number", typeof summary.Users, "number");

  const sim = await send("SimulatePrincipalPolicy", {
    PolicySourceArn: created.Arn, ActionNames: ["sqs:SendMessage", "sqs:DeleteQueue"],
    ResourceArns: [`arn:aws:sqs:us-east-1:${ACCOUNT}:q-1`],
    ContextEntries: [{ ContextKeyName: "aws:RequestedRegion", ContextKeyValues: ["us-east-1"],
      ContextKeyType: "string" }],
  });
  check("simulation", sim.EvaluationResults.map((r) => [r.EvalActionName, r.EvalDecision]),
    [["sqs:SendMessage", "allowed"], ["sqs:DeleteQueue", "implicitDeny"]]);

  // Clean up in AWS's required order.
  await rejects("delete user with policies", send("DeleteUser", { UserName: user }),
    "DeleteConflict", 409);
  await send("DeleteAccessKey", { UserName: user, AccessKeyId: key.AccessKeyId });
  await send("DeleteUserPolicy", { UserName: user, PolicyName: "inline" });
  await send("DetachUserPolicy", { UserName: user, PolicyArn: policy.Arn });
  await send("RemoveUserFromGroup", { GroupName: group, UserName: user });
  await send("DeleteUser", { UserName: user });
  await send("DeleteGroup", { GroupName: group });
  await rejects("delete policy with versions", send("DeletePolicy", { PolicyArn: policy.Arn }),
    "DeleteConflict", 409);
  await send("DeletePolicyVersion", { PolicyArn: policy.Arn, VersionId: "v1" });
  await send("DeletePolicy", { PolicyArn: policy.Arn });
  await send("RemoveRoleFromInstanceProfile", { InstanceProfileName: profile.InstanceProfileName,
    RoleName: role.RoleName });
  await send("DeleteInstanceProfile", { InstanceProfileName: profile.InstanceProfileName });
  await send("DetachRolePolicy", { RoleName: role.RoleName,
    PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" });
  await send("DeleteRole", { RoleName: role.RoleName });
  finish();
});
