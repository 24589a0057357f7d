#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nimbus::iam {

// "https://token.actions.githubusercontent.com/" → "token.actions.githubusercontent.com" (the
// provider's id, the tail of its ARN); nullopt when the URL is not an https URL with a host.
std::optional<std::string> OidcProviderIdFromUrl(const std::string& url);
// "arn:aws:iam::<a>:oidc-provider/<id>" → id.
std::optional<std::string> OidcProviderIdFromArn(const std::string& arn);
// "arn:aws:iam::<a>:saml-provider/<name>" → name.
std::optional<std::string> SamlProviderNameFromArn(const std::string& arn);

// "2030-01-02T03:04:05(.123)Z" (or an offset) → epoch seconds.
std::optional<double> ParseIsoTime(const std::string& text);

// What IAM keeps from an IdP's SAML metadata.
struct SamlMetadata {
  std::string entity_id;    // the IdP's issuer
  std::string valid_until;  // ISO 8601, "" when the document does not say
};
// nullopt unless the text is XML whose root is an md:EntityDescriptor.
std::optional<SamlMetadata> ParseSamlMetadata(const std::string& text);

// The parts of a SAML 2.0 Response that STS reads. Signatures are not verified (Nimbus has no
// trust anchor for the IdP; the metadata's certificates are kept but not checked).
struct SamlAssertion {
  std::string issuer;
  std::string name_id;
  std::string name_id_format;
  std::string audience;
  std::string recipient;  // SubjectConfirmationData/@Recipient
  double not_on_or_after = 0;          // Conditions/@NotOnOrAfter, 0 = none
  double session_not_on_or_after = 0;  // AuthnStatement/@SessionNotOnOrAfter
  std::map<std::string, std::vector<std::string>> attributes;  // by Name
};
// Decodes the base64 SAMLResponse; the error is the reason it is unusable.
std::optional<SamlAssertion> ParseSamlResponse(const std::string& base64, std::string& error);

}  // namespace nimbus::iam
