// IAM OpenID Connect and SAML identity providers.
#include <algorithm>
#include <cctype>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "services/common/ids.h"
#include "services/iam/federation/providers.h"
#include "services/iam/federation/xml_lite.h"
#include "services/iam/iam_internal.h"
#include "services/iam/iam_service.h"

namespace nimbus::iam {
namespace {

constexpr size_t kMaxOidcProviders = 100;
constexpr size_t kMaxClientIds = 100;
constexpr size_t kMaxThumbprints = 5;
constexpr size_t kMaxSamlProviders = 100;
constexpr size_t kMaxSamlPrivateKeys = 2;

std::string OidcArn(const std::string& account, const std::string& id) {
  return "arn:aws:iam::" + account + ":oidc-provider/" + id;
}

// The stored OIDC provider an ARN names, or AWS's errors for a malformed or unknown ARN.
Result<std::pair<std::string, rapidjson::Document*>> RequireOidc(IamStore& s,
                                                                  const std::string& account,
                                                                  const std::string& arn) {
  auto id = OidcProviderIdFromArn(arn);
  if (!id) {
    return errors::InvalidInput("ARN " + arn + " is not valid.");
  }
  auto* doc = s.Find(ArnAccount(arn), Kind::kOidcProvider, *id);
  if (doc == nullptr || ArnAccount(arn) != account) {
    return errors::NoSuchEntity("OpenIDConnect Provider not found for arn " + arn);
  }
  return std::make_pair(*id, doc);
}

std::optional<AwsError> CheckThumbprints(const std::vector<std::string>& list) {
  if (list.size() > kMaxThumbprints) {
    return errors::InvalidInput("Thumbprint list must contain fewer than 5 entries.");
  }
  for (const auto& t : list) {
    if (t.size() != 40 || !std::all_of(t.begin(), t.end(), [](unsigned char c) {
          return std::isxdigit(c);
        })) {
      return errors::InvalidInput("Thumbprint " + t +
                                  " is invalid: a thumbprint is 40 hexadecimal characters.");
    }
  }
  return std::nullopt;
}

std::optional<AwsError> CheckClientId(const std::string& id) {
  if (id.empty() || id.size() > 255) {
    return errors::ValidationField(id, "clientIDList",
                                   "Member must have length less than or equal to 255");
  }
  return std::nullopt;
}

rapidjson::Value StringArray(const std::vector<std::string>& items, Alloc& a) {
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& s : items) {
    list.PushBack(Str(s, a), a);
  }
  return list;
}

std::string SamlArn(const std::string& account, const std::string& name) {
  return "arn:aws:iam::" + account + ":saml-provider/" + name;
}

Result<std::pair<std::string, rapidjson::Document*>> RequireSaml(IamStore& s,
                                                                  const std::string& account,
                                                                  const std::string& arn) {
  auto name = SamlProviderNameFromArn(arn);
  if (!name) {
    return errors::InvalidInput("ARN " + arn + " is not valid.");
  }
  auto* doc = ArnAccount(arn) == account ? s.Find(account, Kind::kSamlProvider, KeyOf(*name))
                                         : nullptr;
  if (doc == nullptr) {
    return errors::NoSuchEntity("Manifest not found for arn " + arn);
  }
  return std::make_pair(KeyOf(*name), doc);
}

// AWS: the metadata must be an IdP's SAML metadata document, an EntityDescriptor.
Result<SamlMetadata> CheckMetadata(const std::string& text) {
  auto md = ParseSamlMetadata(text);
  if (!md) {
    return errors::InvalidInput("Could not parse metadata");
  }
  return *md;
}

std::optional<AwsError> CheckPrivateKey(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) {
    return errors::InvalidInput("The private key is not a valid PEM-encoded private key.");
  }
  EVP_PKEY_free(key);
  return std::nullopt;
}

// Adds a decryption key to a SAML provider ("_keys": [{KeyId, Timestamp}]).
std::optional<AwsError> AddSamlKey(rapidjson::Value& provider, const std::string& pem,
                                   double now, Alloc& a) {
  if (auto e = CheckPrivateKey(pem)) {
    return e;
  }
  auto& keys = Member(provider, "PrivateKeyList", rapidjson::kArrayType, a);
  if (keys.Size() >= kMaxSamlPrivateKeys) {
    return errors::LimitExceeded("Cannot exceed quota for PrivateKeysPerSamlProvider: 2");
  }
  rapidjson::Value k(rapidjson::kObjectType);
  k.AddMember("KeyId", Str(RandomUpperAlnum(26), a), a);
  k.AddMember("Timestamp", Str(NowIso(now), a), a);
  keys.PushBack(std::move(k), a);
  return std::nullopt;
}

void ApplyMetadata(rapidjson::Value& provider, const std::string& text, const SamlMetadata& md,
                   Alloc& a) {
  provider.RemoveMember("SAMLMetadataDocument");
  provider.AddMember("SAMLMetadataDocument", Str(text, a), a);
  provider.RemoveMember("_issuer");
  provider.AddMember("_issuer", Str(md.entity_id, a), a);
  provider.RemoveMember("ValidUntil");
  if (!md.valid_until.empty()) {
    provider.AddMember("ValidUntil", Str(md.valid_until, a), a);
  }
}

}  // namespace

Result<Output> IamService::CreateOpenIDConnectProvider(RequestContext& ctx, ParamReader& in) {
  std::string url = in.String("Url");
  auto client_ids = StringList(in.Value("ClientIDList"));
  auto thumbprints = StringList(in.Value("ThumbprintList"));
  if (in.error()) {
    return *in.error();
  }
  auto id = OidcProviderIdFromUrl(url);
  if (!id) {
    return errors::InvalidInput("Invalid Open ID Connect Provider URL");
  }
  if (auto e = CheckThumbprints(thumbprints)) {
    return *e;
  }
  std::vector<std::string> ids;
  for (const auto& c : client_ids) {
    if (auto e = CheckClientId(c)) {
      return *e;
    }
    if (std::find(ids.begin(), ids.end(), c) == ids.end()) {
      ids.push_back(c);
    }
  }
  if (ids.size() > kMaxClientIds) {
    return errors::LimitExceeded("Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100");
  }
  const std::string& account = ctx.scope.account_id;
  if (store().Find(account, Kind::kOidcProvider, *id) != nullptr) {
    return errors::EntityAlreadyExists("Provider with url " + url + " already exists.");
  }
  if (store().All(account, Kind::kOidcProvider).size() >= kMaxOidcProviders) {
    return errors::LimitExceeded("Cannot exceed quota for OpenIdConnectProvidersPerAccount: 100");
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("Url", Str(*id, a), a);
  d.AddMember("ClientIDList", StringArray(ids, a), a);
  d.AddMember("ThumbprintList", StringArray(thumbprints, a), a);
  d.AddMember("CreateDate", Str(NowIso(Now(ctx)), a), a);
  d.AddMember("_arn", Str(OidcArn(account, *id), a), a);
  if (auto e = MergeTags(d, in.Value("Tags"), a)) {
    return *e;
  }
  auto& stored = store().Put(account, Kind::kOidcProvider, *id, std::move(d));
  Output out(rapidjson::kObjectType);
  auto& oa = out.GetAllocator();
  out.AddMember("OpenIDConnectProviderArn", Str(OidcArn(account, *id), oa), oa);
  if (stored.HasMember("Tags")) {
    out.AddMember("Tags", PublicCopy(stored["Tags"], oa), oa);
  }
  return out;
}

Result<Output> IamService::GetOpenIDConnectProvider(RequestContext& ctx, ParamReader& in) {
  auto p = RequireOidc(store(), ctx.scope.account_id, in.String("OpenIDConnectProviderArn"));
  if (!p) {
    return p.error();
  }
  Output out(rapidjson::kObjectType);
  auto copy = PublicCopy(*p->second, out.GetAllocator());
  static_cast<rapidjson::Value&>(out).Swap(copy);
  return out;
}

Result<Output> IamService::ListOpenIDConnectProviders(RequestContext& ctx, ParamReader&) {
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& [id, doc] : store().All(ctx.scope.account_id, Kind::kOidcProvider)) {
    rapidjson::Value entry(rapidjson::kObjectType);
    entry.AddMember("Arn", Str(StringMember(doc, "_arn"), a), a);
    list.PushBack(std::move(entry), a);
  }
  out.AddMember("OpenIDConnectProviderList", std::move(list), a);
  return out;
}

Result<Output> IamService::DeleteOpenIDConnectProvider(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("OpenIDConnectProviderArn");
  auto id = OidcProviderIdFromArn(arn);
  if (!id) {
    return errors::InvalidInput("ARN " + arn + " is not valid.");
  }
  // AWS: deleting a provider that does not exist succeeds.
  if (ArnAccount(arn) == ctx.scope.account_id) {
    store().Erase(ctx.scope.account_id, Kind::kOidcProvider, *id);
  }
  return EmptyOutput();
}

Result<Output> IamService::AddClientIDToOpenIDConnectProvider(RequestContext& ctx,
                                                              ParamReader& in) {
  std::string client_id = in.String("ClientID");
  auto p = RequireOidc(store(), ctx.scope.account_id, in.String("OpenIDConnectProviderArn"));
  if (!p) {
    return p.error();
  }
  if (auto e = CheckClientId(client_id)) {
    return *e;
  }
  auto& doc = *p->second;
  auto& ids = Member(doc, "ClientIDList", rapidjson::kArrayType, doc.GetAllocator());
  if (!ArrayHas(ids, client_id)) {  // AWS: adding a client id twice is not an error
    if (ids.Size() >= kMaxClientIds) {
      return errors::LimitExceeded(
          "Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: 100");
    }
    ids.PushBack(Str(client_id, doc.GetAllocator()), doc.GetAllocator());
    store().Save(ctx.scope.account_id, Kind::kOidcProvider, p->first);
  }
  return EmptyOutput();
}

Result<Output> IamService::RemoveClientIDFromOpenIDConnectProvider(RequestContext& ctx,
                                                                   ParamReader& in) {
  std::string client_id = in.String("ClientID");
  auto p = RequireOidc(store(), ctx.scope.account_id, in.String("OpenIDConnectProviderArn"));
  if (!p) {
    return p.error();
  }
  auto& doc = *p->second;
  ArrayRemove(Member(doc, "ClientIDList", rapidjson::kArrayType, doc.GetAllocator()), client_id);
  store().Save(ctx.scope.account_id, Kind::kOidcProvider, p->first);
  return EmptyOutput();
}

Result<Output> IamService::UpdateOpenIDConnectProviderThumbprint(RequestContext& ctx,
                                                                 ParamReader& in) {
  auto thumbprints = StringList(in.Value("ThumbprintList"));
  auto p = RequireOidc(store(), ctx.scope.account_id, in.String("OpenIDConnectProviderArn"));
  if (!p) {
    return p.error();
  }
  if (auto e = CheckThumbprints(thumbprints)) {
    return *e;
  }
  auto& doc = *p->second;
  doc["ThumbprintList"] = StringArray(thumbprints, doc.GetAllocator());
  store().Save(ctx.scope.account_id, Kind::kOidcProvider, p->first);
  return EmptyOutput();
}

Result<Output> IamService::TagOpenIDConnectProvider(RequestContext& ctx, ParamReader& in) {
  auto p = RequireOidc(store(), ctx.scope.account_id, in.String("OpenIDConnectProviderArn"));
  if (!p) {
    return p.error();
  }
  return TagAndSave(store(), ctx.scope.account_id, Kind::kOidcProvider, p->first, *p->second, in);
}

Result<Output> IamService::UntagOpenIDConnectProvider(RequestContext& ctx, ParamReader& in) {
  auto p = RequireOidc(store(), ctx.scope.account_id, in.String("OpenIDConnectProviderArn"));
  if (!p) {
    return p.error();
  }
  return UntagAndSave(store(), ctx.scope.account_id, Kind::kOidcProvider, p->first, *p->second,
                      in);
}

Result<Output> IamService::ListOpenIDConnectProviderTags(RequestContext& ctx, ParamReader& in) {
  auto p = RequireOidc(store(), ctx.scope.account_id, in.String("OpenIDConnectProviderArn"));
  if (!p) {
    return p.error();
  }
  return TagsOutput(*p->second);
}

Result<Output> IamService::CreateSAMLProvider(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("Name");
  std::string metadata = in.String("SAMLMetadataDocument");
  auto mode = in.OptString("AssertionEncryptionMode");
  auto private_key = in.OptString("AddPrivateKey");
  if (in.error()) {
    return *in.error();
  }
  if (name.empty() || name.size() > 128 ||
      !std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '.' || c == '-';
      })) {
    return errors::ValidationField(name, "name",
                                   "Member must satisfy regular expression pattern: [\\w._-]+");
  }
  if (mode && *mode != "Required" && *mode != "Allowed") {
    return errors::ValidationField(*mode, "assertionEncryptionMode",
                                   "Member must satisfy enum value set: [Required, Allowed]");
  }
  auto md = CheckMetadata(metadata);
  if (!md) {
    return md.error();
  }
  const std::string& account = ctx.scope.account_id;
  if (store().Find(account, Kind::kSamlProvider, KeyOf(name)) != nullptr) {
    return errors::EntityAlreadyExists("SAMLProvider " + name + " already exists");
  }
  if (store().All(account, Kind::kSamlProvider).size() >= kMaxSamlProviders) {
    return errors::LimitExceeded("Cannot exceed quota for SamlProvidersPerAccount: 100");
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("SAMLProviderUUID", Str(NewUuid(), a), a);
  d.AddMember("CreateDate", Str(NowIso(Now(ctx)), a), a);
  d.AddMember("AssertionEncryptionMode", Str(mode.value_or("Allowed"), a), a);
  d.AddMember("_name", Str(name, a), a);
  d.AddMember("_arn", Str(SamlArn(account, name), a), a);
  ApplyMetadata(d, metadata, *md, a);
  if (private_key) {
    if (auto e = AddSamlKey(d, *private_key, Now(ctx), a)) {
      return *e;
    }
  }
  if (auto e = MergeTags(d, in.Value("Tags"), a)) {
    return *e;
  }
  auto& stored = store().Put(account, Kind::kSamlProvider, KeyOf(name), std::move(d));
  Output out(rapidjson::kObjectType);
  auto& oa = out.GetAllocator();
  out.AddMember("SAMLProviderArn", Str(SamlArn(account, name), oa), oa);
  if (stored.HasMember("Tags")) {
    out.AddMember("Tags", PublicCopy(stored["Tags"], oa), oa);
  }
  return out;
}

Result<Output> IamService::GetSAMLProvider(RequestContext& ctx, ParamReader& in) {
  auto p = RequireSaml(store(), ctx.scope.account_id, in.String("SAMLProviderArn"));
  if (!p) {
    return p.error();
  }
  Output out(rapidjson::kObjectType);
  auto copy = PublicCopy(*p->second, out.GetAllocator());
  static_cast<rapidjson::Value&>(out).Swap(copy);
  return out;
}

Result<Output> IamService::ListSAMLProviders(RequestContext& ctx, ParamReader&) {
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const auto& [key, doc] : store().All(ctx.scope.account_id, Kind::kSamlProvider)) {
    rapidjson::Value entry(rapidjson::kObjectType);
    entry.AddMember("Arn", Str(StringMember(doc, "_arn"), a), a);
    if (doc.HasMember("ValidUntil")) {
      entry.AddMember("ValidUntil", Str(StringMember(doc, "ValidUntil"), a), a);
    }
    entry.AddMember("CreateDate", Str(StringMember(doc, "CreateDate"), a), a);
    list.PushBack(std::move(entry), a);
  }
  out.AddMember("SAMLProviderList", std::move(list), a);
  return out;
}

Result<Output> IamService::UpdateSAMLProvider(RequestContext& ctx, ParamReader& in) {
  std::string arn = in.String("SAMLProviderArn");
  auto metadata = in.OptString("SAMLMetadataDocument");
  auto mode = in.OptString("AssertionEncryptionMode");
  auto add_key = in.OptString("AddPrivateKey");
  auto remove_key = in.OptString("RemovePrivateKey");
  auto p = RequireSaml(store(), ctx.scope.account_id, arn);
  if (!p) {
    return p.error();
  }
  if (!metadata && !mode && !add_key && !remove_key) {
    return errors::InvalidInput(
        "Specify at least one of SAMLMetadataDocument, AssertionEncryptionMode, AddPrivateKey "
        "or RemovePrivateKey.");
  }
  if (mode && *mode != "Required" && *mode != "Allowed") {
    return errors::ValidationField(*mode, "assertionEncryptionMode",
                                   "Member must satisfy enum value set: [Required, Allowed]");
  }
  // Work on a copy: a failure half-way must not leave a half-updated provider.
  rapidjson::Document d;
  d.CopyFrom(*p->second, d.GetAllocator());
  auto& a = d.GetAllocator();
  if (metadata) {
    auto md = CheckMetadata(*metadata);
    if (!md) {
      return md.error();
    }
    ApplyMetadata(d, *metadata, *md, a);
  }
  if (mode) {
    d["AssertionEncryptionMode"] = Str(*mode, a);
  }
  if (remove_key) {
    auto& keys = Member(d, "PrivateKeyList", rapidjson::kArrayType, a);
    auto it = std::find_if(keys.Begin(), keys.End(), [&](const rapidjson::Value& k) {
      return StringMember(k, "KeyId") == *remove_key;
    });
    if (it == keys.End()) {
      return errors::InvalidInput("The private key " + *remove_key + " does not exist.");
    }
    keys.Erase(it);
  }
  if (add_key) {
    if (auto e = AddSamlKey(d, *add_key, Now(ctx), a)) {
      return *e;
    }
  }
  if (StringMember(d, "AssertionEncryptionMode") == "Required" &&
      (!d.HasMember("PrivateKeyList") || d["PrivateKeyList"].Empty())) {
    return errors::InvalidInput(
        "AssertionEncryptionMode Required needs at least one private key.");
  }
  store().Put(ctx.scope.account_id, Kind::kSamlProvider, p->first, std::move(d));
  Output out(rapidjson::kObjectType);
  out.AddMember("SAMLProviderArn", Str(arn, out.GetAllocator()), out.GetAllocator());
  return out;
}

Result<Output> IamService::DeleteSAMLProvider(RequestContext& ctx, ParamReader& in) {
  auto p = RequireSaml(store(), ctx.scope.account_id, in.String("SAMLProviderArn"));
  if (!p) {
    return p.error();
  }
  store().Erase(ctx.scope.account_id, Kind::kSamlProvider, p->first);
  return EmptyOutput();
}

Result<Output> IamService::TagSAMLProvider(RequestContext& ctx, ParamReader& in) {
  auto p = RequireSaml(store(), ctx.scope.account_id, in.String("SAMLProviderArn"));
  if (!p) {
    return p.error();
  }
  return TagAndSave(store(), ctx.scope.account_id, Kind::kSamlProvider, p->first, *p->second, in);
}

Result<Output> IamService::UntagSAMLProvider(RequestContext& ctx, ParamReader& in) {
  auto p = RequireSaml(store(), ctx.scope.account_id, in.String("SAMLProviderArn"));
  if (!p) {
    return p.error();
  }
  return UntagAndSave(store(), ctx.scope.account_id, Kind::kSamlProvider, p->first, *p->second,
                      in);
}

Result<Output> IamService::ListSAMLProviderTags(RequestContext& ctx, ParamReader& in) {
  auto p = RequireSaml(store(), ctx.scope.account_id, in.String("SAMLProviderArn"));
  if (!p) {
    return p.error();
  }
  return TagsOutput(*p->second);
}

}  // namespace nimbus::iam
