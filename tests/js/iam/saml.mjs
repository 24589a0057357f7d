// SAML 2.0 documents for the scenarios: an IdP's metadata (over IAM's 1000-character minimum)
// and an unsigned Response (Nimbus does not verify SAML signatures).
import { createHash } from "node:crypto";

export const ISSUER = "https://idp.example.com/saml";
export const AUDIENCE = "https://signin.aws.amazon.com/saml";

export function metadata(validUntil = "2049-12-31T23:59:59Z") {
  const cert = `MIIC${"A".repeat(900)}==`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${ISSUER}" validUntil="${validUntil}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
      <ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data>
    </ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
}

export function response({ roles, sessionName = "js-user", subject = "js-subject",
  duration } = {}) {
  const now = new Date();
  const iso = (d) => d.toISOString().replace(/\.\d+Z$/, "Z");
  const later = iso(new Date(now.getTime() + 300_000));
  const attrs = {
    "https://aws.amazon.com/SAML/Attributes/Role": roles,
    "https://aws.amazon.com/SAML/Attributes/RoleSessionName": [sessionName],
  };
  if (duration) attrs["https://aws.amazon.com/SAML/Attributes/SessionDuration"] = [String(duration)];
  const attrXml = Object.entries(attrs).map(([name, values]) =>
    `<saml2:Attribute Name="${name}">${values.map((v) =>
      `<saml2:AttributeValue>${v}</saml2:AttributeValue>`).join("")}</saml2:Attribute>`).join("");
  const xml = `<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol" Version="2.0">
<saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">${ISSUER}</saml2:Issuer>
<saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" Version="2.0">
<saml2:Issuer>${ISSUER}</saml2:Issuer>
<saml2:Subject><saml2:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">${subject}</saml2:NameID>
<saml2:SubjectConfirmation><saml2:SubjectConfirmationData NotOnOrAfter="${later}" Recipient="${AUDIENCE}"/></saml2:SubjectConfirmation></saml2:Subject>
<saml2:Conditions NotOnOrAfter="${later}"><saml2:AudienceRestriction><saml2:Audience>${AUDIENCE}</saml2:Audience></saml2:AudienceRestriction></saml2:Conditions>
<saml2:AttributeStatement>${attrXml}</saml2:AttributeStatement>
</saml2:Assertion></saml2p:Response>`;
  return Buffer.from(xml).toString("base64");
}

export const nameQualifier = (issuer, account, provider) =>
  createHash("sha1").update(issuer + account + "/" + provider).digest("base64");
