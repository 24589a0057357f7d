// SNS message signatures checked with node:crypto (never Nimbus code): AWS's string to sign is
// "Key\nvalue\n" for these keys, in this order, when present; v1 is SHA1withRSA, v2 SHA256withRSA,
// against the certificate served at SigningCertURL (SigningCertUrl in Lambda events).
import { verify, X509Certificate } from "node:crypto";

const SIGNED = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
  UnsubscribeConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

const certs = new Map();

export async function signatureValid(doc) {
  const url = doc.SigningCertURL ?? doc.SigningCertUrl;
  if (!certs.has(url)) certs.set(url, new X509Certificate(await (await fetch(url)).text()));
  const text = SIGNED[doc.Type].filter((k) => doc[k] !== undefined && doc[k] !== null)
    .map((k) => `${k}\n${doc[k]}\n`).join("");
  const algorithm = doc.SignatureVersion === "2" ? "sha256" : "sha1";
  return verify(algorithm, Buffer.from(text, "utf8"), certs.get(url).publicKey, Buffer.from(doc.Signature, "base64"));
}
