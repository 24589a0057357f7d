"""SAML 2.0 documents for the IAM SAML provider and STS AssumeRoleWithSAML tests: an IdP's
metadata (over IAM's 1000-character minimum) and unsigned Responses (Nimbus does not verify
SAML signatures)."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib

ISSUER = "https://idp.example.com/saml"
AUDIENCE = "https://signin.aws.amazon.com/saml"
# Any certificate body will do: IAM stores it, STS does not verify signatures with it.
_CERT = "MIIC" + "A" * 900 + "=="


def metadata(entity_id: str = ISSUER, valid_until: str | None = "2049-12-31T23:59:59Z") -> str:
    until = f' validUntil="{valid_until}"' if valid_until else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}"{until}>
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false"
      protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
        <ds:X509Data><ds:X509Certificate>{_CERT}</ds:X509Certificate></ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
        Location="https://idp.example.com/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
"""


def _iso(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def response(roles: list[str], session_name: str = "alice@example.com",
             subject: str = "alice-1234", issuer: str = ISSUER,
             duration: int | None = None, expires_in: int = 300,
             name_format: str = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent",
             extra_attributes: dict[str, list[str]] | None = None,
             source_identity: str | None = None) -> str:
    """A base64 SAMLResponse whose assertion expires `expires_in` seconds from now."""
    now = dt.datetime.now(dt.timezone.utc)
    attrs = {"https://aws.amazon.com/SAML/Attributes/Role": roles,
             "https://aws.amazon.com/SAML/Attributes/RoleSessionName": [session_name]}
    if duration is not None:
        attrs["https://aws.amazon.com/SAML/Attributes/SessionDuration"] = [str(duration)]
    if source_identity is not None:
        attrs["https://aws.amazon.com/SAML/Attributes/SourceIdentity"] = [source_identity]
    attrs.update(extra_attributes or {})
    attribute_xml = "".join(
        f'<saml2:Attribute Name="{name}">' + "".join(
            f'<saml2:AttributeValue xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            f'xsi:type="xs:string">{v}</saml2:AttributeValue>' for v in values)
        + "</saml2:Attribute>" for name, values in attrs.items())
    doc = f"""<?xml version="1.0" encoding="UTF-8"?>
<saml2p:Response xmlns:saml2p="urn:oasis:names:tc:SAML:2.0:protocol"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    Destination="{AUDIENCE}" ID="id1" IssueInstant="{_iso(now)}" Version="2.0">
  <saml2:Issuer xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion">{issuer}</saml2:Issuer>
  <saml2p:Status><saml2p:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></saml2p:Status>
  <saml2:Assertion xmlns:saml2="urn:oasis:names:tc:SAML:2.0:assertion" ID="id2"
      IssueInstant="{_iso(now)}" Version="2.0">
    <saml2:Issuer>{issuer}</saml2:Issuer>
    <saml2:Subject>
      <saml2:NameID Format="{name_format}">{subject}</saml2:NameID>
      <saml2:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">
        <saml2:SubjectConfirmationData NotOnOrAfter="{_iso(now + dt.timedelta(seconds=expires_in))}"
            Recipient="{AUDIENCE}"/>
      </saml2:SubjectConfirmation>
    </saml2:Subject>
    <saml2:Conditions NotBefore="{_iso(now - dt.timedelta(seconds=60))}"
        NotOnOrAfter="{_iso(now + dt.timedelta(seconds=expires_in))}">
      <saml2:AudienceRestriction><saml2:Audience>{AUDIENCE}</saml2:Audience></saml2:AudienceRestriction>
    </saml2:Conditions>
    <saml2:AuthnStatement AuthnInstant="{_iso(now)}" SessionIndex="id2">
      <saml2:AuthnContext><saml2:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml2:AuthnContextClassRef></saml2:AuthnContext>
    </saml2:AuthnStatement>
    <saml2:AttributeStatement>{attribute_xml}</saml2:AttributeStatement>
  </saml2:Assertion>
</saml2p:Response>"""
    return base64.b64encode(doc.encode()).decode()


def name_qualifier(issuer: str, account: str, provider_name: str) -> str:
    """AWS's NameQualifier: base64(SHA1(issuer + account + "/" + provider name))."""
    digest = hashlib.sha1((issuer + account + "/" + provider_name).encode()).digest()
    return base64.b64encode(digest).decode()
