#pragma once

#include <optional>
#include <string>
#include <vector>

#include "edge/protocol/codec.h"

namespace nimbus::edge {

// The credential scope of a SigV4-signed request (Authorization header or presigned query).
struct SigV4Credential {
  std::string access_key_id;
  std::string date;     // YYYYMMDD
  std::string region;
  std::string service;  // signing name
};

std::optional<SigV4Credential> ParseCredential(const protocol::HttpRequest& request);

// The account a request acts in: a 12-digit access key id is an account id (LocalStack's
// convention); anything else is the default account.
std::string AccountForAccessKey(const std::string& access_key_id);

// Everything a SigV4 signature covers, parsed from the Authorization header or the presigned
// query (X-Amz-Algorithm, X-Amz-Credential, ...).
struct SigV4Signature {
  bool presigned = false;
  SigV4Credential credential;
  std::string amz_date;  // YYYYMMDDTHHMMSSZ
  std::vector<std::string> signed_headers;  // lowercase, as listed
  std::string signature;                     // lowercase hex
  std::string security_token;
  int64_t expires = 0;  // presigned: X-Amz-Expires seconds
};

// Parses the signature fields. nullopt with `error` set when the request is signed but a part
// is missing or malformed (AWS: IncompleteSignature); nullopt with `error` empty when the
// request is not signed at all.
std::optional<SigV4Signature> ParseSignature(const protocol::HttpRequest& request,
                                             std::string& error);

// The canonical request (AWS's non-S3 rules: the path is normalized and encoded twice).
std::string CanonicalRequest(const protocol::HttpRequest& request, const SigV4Signature& sig,
                             const std::string& payload_hash);
std::string StringToSign(const SigV4Signature& sig, const std::string& canonical_request);
// hex(HMAC(signing key derived from `secret`, string to sign)).
std::string ComputeSignature(const std::string& secret, const SigV4Signature& sig,
                             const std::string& string_to_sign);

enum class SigV4Failure { kNone, kMismatch, kExpired, kDateMismatch };
// Checks a parsed signature against `secret` at time `now` (epoch seconds): header requests
// within 15 minutes of X-Amz-Date, presigned ones until X-Amz-Expires.
SigV4Failure VerifySignature(const protocol::HttpRequest& request, const SigV4Signature& sig,
                             const std::string& secret, double now);

std::string Sha256Hex(std::string_view data);

}  // namespace nimbus::edge
