// SSH public keys and service-specific credentials, and what DeleteUser and UpdateUser do about
// the credentials a user holds.
#include "services/common/base64.h"
#include "services/common/ids.h"
#include "services/iam/credentials/user_credentials.h"
#include "services/iam/credentials/x509.h"
#include "services/iam/iam_service.h"

namespace nimbus::iam {
namespace {

constexpr size_t kMaxSshKeys = 5;
constexpr size_t kMaxServiceCredentials = 2;  // per user and service

std::string RandomBase64(size_t bytes) {
  std::string hex = RandomHex(bytes * 2);
  std::string raw;
  for (size_t i = 0; i < bytes; ++i) {
    raw += static_cast<char>(std::stoi(hex.substr(i * 2, 2), nullptr, 16));
  }
  return Base64Encode(raw);
}

// AWS's services with service-specific credentials: CodeCommit and Keyspaces issue a user
// name and password, Bedrock an API key (alias and secret).
bool SupportedService(const std::string& s) {
  return s == "codecommit.amazonaws.com" || s == "cassandra.amazonaws.com" ||
         s == "bedrock.amazonaws.com";
}

void IssueServiceSecret(rapidjson::Value& cred, const std::string& account, Alloc& a) {
  std::string service = StringMember(cred, "ServiceName");
  std::string user = StringMember(cred, "UserName");
  cred.RemoveMember("_secret");
  if (service == "bedrock.amazonaws.com") {
    if (!cred.HasMember("ServiceCredentialAlias")) {
      cred.AddMember("ServiceCredentialAlias",
                     Str("BedrockAPIKey-" + RandomUpperAlnum(4) + "-at-" + account, a), a);
    }
    cred.AddMember("_secret", Str(RandomBase64(48), a), a);
  } else {
    if (!cred.HasMember("ServiceUserName")) {
      cred.AddMember("ServiceUserName", Str(user + "-at-" + account, a), a);
    }
    cred.AddMember("_secret", Str(RandomBase64(32), a), a);
  }
}

// The full credential, secret included (Create and Reset answer with it).
Output CredentialWithSecret(const rapidjson::Value& cred) {
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value c = PublicCopy(cred, a);
  c.AddMember(rapidjson::StringRef(StringMember(cred, "ServiceName") == "bedrock.amazonaws.com"
                                        ? "ServiceCredentialSecret"
                                        : "ServicePassword"),
              Str(StringMember(cred, "_secret"), a), a);
  out.AddMember("ServiceSpecificCredential", std::move(c), a);
  return out;
}


}  // namespace

std::optional<AwsError> UserCredentialsHeld(IamStore& s, const std::string& account,
                                            const std::string& user_name) {
  if (!OwnedBy(s, account, Kind::kSigningCertificate, user_name).empty()) {
    return errors::DeleteConflict("Cannot delete entity, must delete signing certificates first.");
  }
  if (!OwnedBy(s, account, Kind::kSshPublicKey, user_name).empty()) {
    return errors::DeleteConflict("Cannot delete entity, must delete SSH public keys first.");
  }
  if (!OwnedBy(s, account, Kind::kServiceCredential, user_name).empty()) {
    return errors::DeleteConflict(
        "Cannot delete entity, must delete service specific credentials first.");
  }
  return std::nullopt;
}

void RenameUserCredentials(IamStore& s, const std::string& account, const std::string& from,
                           const std::string& to) {
  auto rename = [&](rapidjson::Document& v, const char* member) {
    if (v.HasMember(member) && KeyOf(StringMember(v, member)) == KeyOf(from)) {
      v[member] = Str(to, v.GetAllocator());
      return true;
    }
    return false;
  };
  for (auto& [id, key] : s.All("", Kind::kAccessKey)) {
    if (StringMember(key, "_account") == account && rename(key, "UserName")) {
      s.Save("", Kind::kAccessKey, id);
    }
  }
  for (Kind kind : {Kind::kSigningCertificate, Kind::kSshPublicKey, Kind::kServiceCredential}) {
    for (auto& [id, doc] : s.All(account, kind)) {
      if (rename(doc, "UserName")) {
        if (kind == Kind::kServiceCredential && doc.HasMember("ServiceUserName")) {
          doc["ServiceUserName"] = Str(to + "-at-" + account, doc.GetAllocator());
        }
        s.Save(account, kind, id);
      }
    }
  }
  for (auto& [serial, dev] : s.All(account, Kind::kMfaDevice)) {
    if (rename(dev, "_user")) {
      s.Save(account, Kind::kMfaDevice, serial);
    }
  }
  if (auto* user = s.Find(account, Kind::kUser, KeyOf(to))) {
    auto& a = user->GetAllocator();
    if (user->HasMember("_login_profile")) {
      (*user)["_login_profile"]["UserName"] = Str(to, a);
    }
    if (user->HasMember("_mfa")) {
      for (auto& d : (*user)["_mfa"].GetArray()) {
        d["UserName"] = Str(to, a);
      }
    }
    s.Save(account, Kind::kUser, KeyOf(to));
  }
}

Result<Output> IamService::UploadSSHPublicKey(RequestContext& ctx, ParamReader& in) {
  std::string body = in.String("SSHPublicKeyBody");
  auto user = RequireUser(store(), ctx.scope.account_id, in.String("UserName"));
  if (!user) {
    return user.error();
  }
  std::string user_name = StringMember(**user, "UserName");
  const std::string& account = ctx.scope.account_id;
  SshKeyError why = SshKeyError::kNone;
  auto key = ParseSshPublicKey(body, why);
  if (!key) {
    if (why == SshKeyError::kUnrecognized) {
      return AwsError::Sender("UnrecognizedPublicKeyEncoding",
                              "The public key encoding format is unsupported or unrecognized.",
                              400);
    }
    return AwsError::Sender("InvalidPublicKey", "The public key is not valid: IAM accepts RSA "
                                                "keys of 2048 bits or more.",
                            400);
  }
  auto mine = OwnedBy(store(), account, Kind::kSshPublicKey, user_name);
  for (const auto& [id, k] : mine) {
    if (StringMember(*k, "Fingerprint") == key->fingerprint) {
      return AwsError::Sender("DuplicateSSHPublicKey",
                              "The SSH public key specified is already associated with the "
                              "user.",
                              400);
    }
  }
  if (mine.size() >= kMaxSshKeys) {
    return errors::LimitExceeded("Cannot exceed quota for SSHPublicKeysPerUser: 5");
  }
  std::string id = NewUniqueId("APKA").substr(0, 20);
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("UserName", Str(user_name, a), a);
  d.AddMember("SSHPublicKeyId", Str(id, a), a);
  d.AddMember("Fingerprint", Str(key->fingerprint, a), a);
  d.AddMember("SSHPublicKeyBody", Str(body, a), a);
  d.AddMember("Status", "Active", a);
  d.AddMember("UploadDate", Str(NowIso(Now(ctx)), a), a);
  d.AddMember("_ssh", Str(key->ssh, a), a);
  d.AddMember("_pem", Str(key->pem, a), a);
  auto& stored = store().Put(account, Kind::kSshPublicKey, id, std::move(d));
  Output out(rapidjson::kObjectType);
  out.AddMember("SSHPublicKey", PublicCopy(stored, out.GetAllocator()), out.GetAllocator());
  return out;
}

Result<Output> IamService::GetSSHPublicKey(RequestContext& ctx, ParamReader& in) {
  std::string user_name = in.String("UserName");
  std::string id = in.String("SSHPublicKeyId");
  std::string encoding = in.String("Encoding");
  if (encoding != "SSH" && encoding != "PEM") {
    return errors::ValidationField(encoding, "encoding",
                                   "Member must satisfy enum value set: [SSH, PEM]");
  }
  auto user = RequireUser(store(), ctx.scope.account_id, user_name);
  if (!user) {
    return user.error();
  }
  auto* key = Owned(store(), ctx.scope.account_id, Kind::kSshPublicKey, id, user_name);
  if (key == nullptr) {
    return errors::NoSuchEntity("The Public Key with id " + id + " cannot be found.");
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value k = PublicCopy(*key, a);
  k["SSHPublicKeyBody"] = Str(StringMember(*key, encoding == "SSH" ? "_ssh" : "_pem"), a);
  out.AddMember("SSHPublicKey", std::move(k), a);
  return out;
}

Result<Output> IamService::ListSSHPublicKeys(RequestContext& ctx, ParamReader& in) {
  if (ListsRootsOwn(ctx, in)) {
    return EmptyList("SSHPublicKeys");
  }
  auto user = UserOf(store(), ctx, in);
  if (!user) {
    return user.error();
  }
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  return PageOut(OwnedBy(store(), ctx.scope.account_id, Kind::kSshPublicKey,
                         StringMember(**user, "UserName")),
                 page, "SSHPublicKeys", [](const rapidjson::Value& k, Alloc& a) {
                   rapidjson::Value m(rapidjson::kObjectType);
                   for (const char* f : {"UserName", "SSHPublicKeyId", "Status", "UploadDate"}) {
                     m.AddMember(rapidjson::StringRef(f), Str(StringMember(k, f), a), a);
                   }
                   return m;
                 });
}

Result<Output> IamService::UpdateSSHPublicKey(RequestContext& ctx, ParamReader& in) {
  std::string user_name = in.String("UserName");
  std::string id = in.String("SSHPublicKeyId");
  std::string status = in.String("Status");
  if (auto e = CheckStatus(status)) {
    return *e;
  }
  auto user = RequireUser(store(), ctx.scope.account_id, user_name);
  if (!user) {
    return user.error();
  }
  auto* key = Owned(store(), ctx.scope.account_id, Kind::kSshPublicKey, id, user_name);
  if (key == nullptr) {
    return errors::NoSuchEntity("The Public Key with id " + id + " cannot be found.");
  }
  (*key)["Status"] = Str(status, key->GetAllocator());
  store().Save(ctx.scope.account_id, Kind::kSshPublicKey, id);
  return EmptyOutput();
}

Result<Output> IamService::DeleteSSHPublicKey(RequestContext& ctx, ParamReader& in) {
  std::string user_name = in.String("UserName");
  std::string id = in.String("SSHPublicKeyId");
  auto user = RequireUser(store(), ctx.scope.account_id, user_name);
  if (!user) {
    return user.error();
  }
  if (Owned(store(), ctx.scope.account_id, Kind::kSshPublicKey, id, user_name) == nullptr) {
    return errors::NoSuchEntity("The Public Key with id " + id + " cannot be found.");
  }
  store().Erase(ctx.scope.account_id, Kind::kSshPublicKey, id);
  return EmptyOutput();
}

Result<Output> IamService::CreateServiceSpecificCredential(RequestContext& ctx, ParamReader& in) {
  std::string service = in.String("ServiceName");
  auto age = in.OptInt("CredentialAgeDays");
  auto user = RequireUser(store(), ctx.scope.account_id, in.String("UserName"));
  if (!user) {
    return user.error();
  }
  if (!SupportedService(service)) {
    return AwsError::Sender("NotSupportedService",
                            "No such service " + service +
                                " is supported for Service-Specific Credentials",
                            404);
  }
  if (age && (*age < 1 || *age > 36600)) {
    return errors::ValidationField(std::to_string(*age), "credentialAgeDays",
                                   "Member must have value between 1 and 36600");
  }
  std::string user_name = StringMember(**user, "UserName");
  const std::string& account = ctx.scope.account_id;
  size_t count = 0;
  for (const auto& [id, c] : OwnedBy(store(), account, Kind::kServiceCredential, user_name)) {
    count += StringMember(*c, "ServiceName") == service ? 1 : 0;
  }
  if (count >= kMaxServiceCredentials) {
    return errors::LimitExceeded(
        "Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: 2");
  }
  std::string id = NewUniqueId("ACCA");
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("UserName", Str(user_name, a), a);
  d.AddMember("ServiceName", Str(service, a), a);
  d.AddMember("ServiceSpecificCredentialId", Str(id, a), a);
  d.AddMember("Status", "Active", a);
  d.AddMember("CreateDate", Str(NowIso(Now(ctx)), a), a);
  if (age) {
    d.AddMember("ExpirationDate", Str(NowIso(Now(ctx) + static_cast<double>(*age) * 86400), a),
                a);
  }
  IssueServiceSecret(d, account, a);
  auto& stored = store().Put(account, Kind::kServiceCredential, id, std::move(d));
  return CredentialWithSecret(stored);
}

Result<Output> IamService::ListServiceSpecificCredentials(RequestContext& ctx, ParamReader& in) {
  auto service = in.OptString("ServiceName");
  bool all_users = in.Bool("AllUsers");
  std::string user_name;
  if (!all_users && ListsRootsOwn(ctx, in)) {
    return EmptyList("ServiceSpecificCredentials");
  }
  if (!all_users) {
    auto user = UserOf(store(), ctx, in);
    if (!user) {
      return user.error();
    }
    user_name = StringMember(**user, "UserName");
  }
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  auto all = OwnedBy(store(), ctx.scope.account_id, Kind::kServiceCredential, user_name);
  if (service) {
    std::erase_if(all, [&](const auto& p) {
      return StringMember(*p.second, "ServiceName") != *service;
    });
  }
  return PageOut(all, page, "ServiceSpecificCredentials", PlainCopy);
}

Result<Output> IamService::ResetServiceSpecificCredential(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("ServiceSpecificCredentialId");
  auto user = UserOf(store(), ctx, in);
  if (!user) {
    return user.error();
  }
  auto* cred = Owned(store(), ctx.scope.account_id, Kind::kServiceCredential, id,
                     StringMember(**user, "UserName"));
  if (cred == nullptr) {
    return errors::NoSuchEntity("No such credential " + id + " exists");
  }
  IssueServiceSecret(*cred, ctx.scope.account_id, cred->GetAllocator());
  store().Save(ctx.scope.account_id, Kind::kServiceCredential, id);
  return CredentialWithSecret(*cred);
}

Result<Output> IamService::UpdateServiceSpecificCredential(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("ServiceSpecificCredentialId");
  std::string status = in.String("Status");
  if (auto e = CheckStatus(status)) {
    return *e;
  }
  auto user = UserOf(store(), ctx, in);
  if (!user) {
    return user.error();
  }
  auto* cred = Owned(store(), ctx.scope.account_id, Kind::kServiceCredential, id,
                     StringMember(**user, "UserName"));
  if (cred == nullptr) {
    return errors::NoSuchEntity("No such credential " + id + " exists");
  }
  (*cred)["Status"] = Str(status, cred->GetAllocator());
  store().Save(ctx.scope.account_id, Kind::kServiceCredential, id);
  return EmptyOutput();
}

Result<Output> IamService::DeleteServiceSpecificCredential(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("ServiceSpecificCredentialId");
  auto user = UserOf(store(), ctx, in);
  if (!user) {
    return user.error();
  }
  if (Owned(store(), ctx.scope.account_id, Kind::kServiceCredential, id,
            StringMember(**user, "UserName")) == nullptr) {
    return errors::NoSuchEntity("No such credential " + id + " exists");
  }
  store().Erase(ctx.scope.account_id, Kind::kServiceCredential, id);
  return EmptyOutput();
}

}  // namespace nimbus::iam
