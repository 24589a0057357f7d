// usage: node iam/credentials.mjs ENDPOINT
// Password policy, login profiles and ChangePassword, virtual MFA devices (TOTP computed here),
// server and signing certificates, SSH keys, service-specific credentials, the credential
// report and context keys, through @aws-sdk/client-iam.
import { createHash, createHmac, generateKeyPairSync } from "node:crypto";
import * as iam from "@aws-sdk/client-iam";
import { clientOptions } from "../common.mjs";
import { run, scenario, unique } from "./harness.mjs";
import { CERT, CERT_NOT_AFTER, KEY } from "./fixtures.mjs";

const endpoint = process.argv[2];
const client = new iam.IAMClient(clientOptions(endpoint));
const send = (name, input, c = client) => c.send(new iam[`${name}Command`](input));
const { check, rejects, finish } = scenario();
const ACCOUNT = "000000000000";

function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0; let value = 0; const out = [];
  for (const ch of text.replace(/=+$/, "")) {
    value = (value << 5) | alphabet.indexOf(ch);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}
function totp(key, step) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", key).update(msg).digest();
  const off = mac[mac.length - 1] & 0xf;
  return String((mac.readUInt32BE(off) & 0x7fffffff) % 1000000).padStart(6, "0");
}

await run(async () => {
  // Password policy and a user's own password change.
  await send("UpdateAccountPasswordPolicy", { MinimumPasswordLength: 10, RequireNumbers: true,
    PasswordReusePrevention: 2 });
  const policy = (await send("GetAccountPasswordPolicy", {})).PasswordPolicy;
  check("policy", [policy.MinimumPasswordLength, policy.RequireNumbers, policy.RequireSymbols,
    policy.ExpirePasswords, policy.PasswordReusePrevention], [10, true, false, false, 2]);
  const user = unique("jscred");
  await send("CreateUser", { UserName: user });
  await rejects("weak password", send("CreateLoginProfile", { UserName: user, Password: "short1" }),
    "PasswordPolicyViolation", 400);
  const profile = (await send("CreateLoginProfile", { UserName: user, Password: "first-pass-1",
    PasswordResetRequired: true })).LoginProfile;
  check("login profile", [profile.UserName, profile.PasswordResetRequired,
    profile.CreateDate instanceof Date], [user, true, true]);
  const key = (await send("CreateAccessKey", { UserName: user })).AccessKey;
  const me = new iam.IAMClient({ ...clientOptions(endpoint),
    credentials: { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey } });
  await send("ChangePassword", { OldPassword: "first-pass-1", NewPassword: "second-pass-2" }, me);
  await rejects("reused password", send("ChangePassword", { OldPassword: "second-pass-2",
    NewPassword: "first-pass-1" }, me), "PasswordPolicyViolation", 400);
  check("reset cleared", (await send("GetLoginProfile", { UserName: user })).LoginProfile
    .PasswordResetRequired, false);
  await send("DeleteAccountPasswordPolicy", {});
  await rejects("policy gone", send("GetAccountPasswordPolicy", {}), "NoSuchEntity", 404);

  // Virtual MFA.
  const dev = (await send("CreateVirtualMFADevice", { VirtualMFADeviceName: unique("jsmfa") }))
    .VirtualMFADevice;
  const seed = Buffer.from(dev.Base32StringSeed).toString();
  check("seed", /^[A-Z2-7]{64}$/.test(seed), true);
  const step = Math.floor(Date.now() / 30000);
  const k = base32Decode(seed);
  await rejects("bad codes", send("EnableMFADevice", { UserName: user, SerialNumber: dev.SerialNumber,
    AuthenticationCode1: "000000", AuthenticationCode2: "000000" }), "InvalidAuthenticationCode", 403);
  await send("EnableMFADevice", { UserName: user, SerialNumber: dev.SerialNumber,
    AuthenticationCode1: totp(k, step - 1), AuthenticationCode2: totp(k, step) });
  const mfa = (await send("ListMFADevices", { UserName: user })).MFADevices;
  check("mfa listed", mfa.map((d) => [d.SerialNumber, d.EnableDate instanceof Date]),
    [[dev.SerialNumber, true]]);
  const virt = (await send("ListVirtualMFADevices", { AssignmentStatus: "Assigned" }))
    .VirtualMFADevices.find((d) => d.SerialNumber === dev.SerialNumber);
  check("virtual assigned", [virt?.User?.UserName, virt?.EnableDate instanceof Date], [user, true]);
  await send("DeactivateMFADevice", { UserName: user, SerialNumber: dev.SerialNumber });
  await send("DeleteVirtualMFADevice", { SerialNumber: dev.SerialNumber });

  // Server certificate.
  const certName = unique("jscert");
  const up = (await send("UploadServerCertificate", { ServerCertificateName: certName,
    CertificateBody: CERT, PrivateKey: KEY })).ServerCertificateMetadata;
  check("cert expiration", up.Expiration.toISOString(), CERT_NOT_AFTER);
  check("cert arn", up.Arn, `arn:aws:iam::${ACCOUNT}:server-certificate/${certName}`);
  const sc = (await send("GetServerCertificate", { ServerCertificateName: certName }))
    .ServerCertificate;
  check("cert body", sc.CertificateBody, CERT);
  const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
    .export({ type: "pkcs8", format: "pem" });
  await rejects("key mismatch", send("UploadServerCertificate", { ServerCertificateName: unique("x"),
    CertificateBody: CERT, PrivateKey: other }), "KeyPairMismatch", 400);
  await send("DeleteServerCertificate", { ServerCertificateName: certName });

  // Signing certificate and SSH key.
  const signing = (await send("UploadSigningCertificate", { UserName: user, CertificateBody: CERT }))
    .Certificate;
  check("signing", [signing.Status, signing.UploadDate instanceof Date], ["Active", true]);
  const pub = generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey
    .export({ type: "spki", format: "pem" });
  const ssh = (await send("UploadSSHPublicKey", { UserName: user, SSHPublicKeyBody: pub }))
    .SSHPublicKey;
  const asSsh = (await send("GetSSHPublicKey", { UserName: user, SSHPublicKeyId: ssh.SSHPublicKeyId,
    Encoding: "SSH" })).SSHPublicKey.SSHPublicKeyBody;
  const md5 = createHash("md5").update(Buffer.from(asSsh.split(" ")[1], "base64")).digest("hex");
  check("ssh fingerprint", ssh.Fingerprint, md5.match(/../g).join(":"));

  // Service-specific credential.
  const svc = (await send("CreateServiceSpecificCredential", { UserName: user,
    ServiceName: "codecommit.amazonaws.com" })).ServiceSpecificCredential;
  check("service user", svc.ServiceUserName, `${user}-at-${ACCOUNT}`);
  check("service password", typeof svc.ServicePassword, "string");

  // Credential report and context keys.
  const gen = await send("GenerateCredentialReport", {});
  check("report started", ["STARTED", "COMPLETE"].includes(gen.State), true);
  const report = await send("GetCredentialReport", {});
  const csv = Buffer.from(report.Content).toString();
  const line = csv.split("\n").find((l) => l.startsWith(`${user},`));
  check("report line", line?.split(",").slice(3, 9),
    ["true", "no_information", line?.split(",")[5], "N/A", "false", "true"]);
  check("report format", [report.ReportFormat, report.GeneratedTime instanceof Date], ["text/csv", true]);
  const keys = (await send("GetContextKeysForCustomPolicy", { PolicyInputList: [JSON.stringify({
    Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*",
      Condition: { StringEquals: { "s3:prefix": "home/" } } }] })] })).ContextKeyNames;
  check("context keys", keys, ["s3:prefix"]);
  finish();
});
