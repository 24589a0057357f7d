// Server certificates and signing certificates.
#include "services/common/ids.h"
#include "services/iam/credentials/user_credentials.h"
#include "services/iam/credentials/x509.h"
#include "services/iam/iam_service.h"

namespace nimbus::iam {
namespace {

constexpr size_t kMaxSigningCertificates = 2;

AwsError NoSuchServerCertificate(const std::string& name) {
  return errors::NoSuchEntity("The Server Certificate with name " + name + " cannot be found.");
}


rapidjson::Value ServerMetadata(const rapidjson::Value& cert, Alloc& a) {
  rapidjson::Value m(rapidjson::kObjectType);
  for (const char* k : {"Path", "ServerCertificateName", "ServerCertificateId", "Arn",
                        "UploadDate", "Expiration"}) {
    m.AddMember(rapidjson::StringRef(k), Str(StringMember(cert, k), a), a);
  }
  return m;
}

}  // namespace

Result<Output> IamService::UploadServerCertificate(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("ServerCertificateName");
  std::string path = in.String("Path", "/");
  std::string body = in.String("CertificateBody");
  std::string key = in.String("PrivateKey");
  auto chain = in.OptString("CertificateChain");
  if (in.error()) {
    return *in.error();
  }
  if (auto e = CheckName(name, "serverCertificateName", 128)) {
    return *e;
  }
  if (auto e = CheckPath(path, "path")) {
    return *e;
  }
  const std::string& account = ctx.scope.account_id;
  if (store().Find(account, Kind::kServerCertificate, KeyOf(name)) != nullptr) {
    return errors::EntityAlreadyExists("The Server Certificate with name " + name +
                                       " already exists.");
  }
  auto info = ParseCertificatePem(body);
  if (!info) {
    return AwsError::Sender("MalformedCertificate",
                            "Unable to parse certificate. Please ensure the certificate is in "
                            "PEM format.",
                            400);
  }
  if (!PrivateKeyParses(key)) {
    return AwsError::Sender("MalformedCertificate",
                            "Unable to parse private key. Please ensure the key is in PEM "
                            "format.",
                            400);
  }
  if (chain && !ParseCertificateChainPem(*chain)) {
    return AwsError::Sender("MalformedCertificate", "Unable to parse certificate chain.", 400);
  }
  if (!KeyMatchesCertificate(body, key)) {
    return AwsError::Sender("KeyPairMismatch",
                            "The private key did not match the public key provided. Please "
                            "verify the key material and try again.",
                            400);
  }
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("Path", Str(path, a), a);
  d.AddMember("ServerCertificateName", Str(name, a), a);
  d.AddMember("ServerCertificateId", Str(NewUniqueId("ASCA"), a), a);
  d.AddMember("Arn", Str("arn:aws:iam::" + account + ":server-certificate" + path + name, a), a);
  d.AddMember("UploadDate", Str(NowIso(Now(ctx)), a), a);
  d.AddMember("Expiration", Str(NowIso(info->not_after), a), a);
  d.AddMember("_body", Str(body, a), a);
  if (chain) {
    d.AddMember("_chain", Str(*chain, a), a);
  }
  // The private key is checked, not kept: IAM never hands it back.
  if (auto e = MergeTags(d, in.Value("Tags"), a)) {
    return *e;
  }
  auto& stored = store().Put(account, Kind::kServerCertificate, KeyOf(name), std::move(d));
  Output out(rapidjson::kObjectType);
  auto& oa = out.GetAllocator();
  out.AddMember("ServerCertificateMetadata", ServerMetadata(stored, oa), oa);
  if (stored.HasMember("Tags")) {
    out.AddMember("Tags", PublicCopy(stored["Tags"], oa), oa);
  }
  return out;
}

Result<Output> IamService::GetServerCertificate(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("ServerCertificateName");
  auto* cert = store().Find(ctx.scope.account_id, Kind::kServerCertificate, KeyOf(name));
  if (cert == nullptr) {
    return NoSuchServerCertificate(name);
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  rapidjson::Value c(rapidjson::kObjectType);
  c.AddMember("ServerCertificateMetadata", ServerMetadata(*cert, a), a);
  c.AddMember("CertificateBody", Str(StringMember(*cert, "_body"), a), a);
  if (cert->HasMember("_chain")) {
    c.AddMember("CertificateChain", Str(StringMember(*cert, "_chain"), a), a);
  }
  if (cert->HasMember("Tags")) {
    c.AddMember("Tags", PublicCopy((*cert)["Tags"], a), a);
  }
  out.AddMember("ServerCertificate", std::move(c), a);
  return out;
}

Result<Output> IamService::ListServerCertificates(RequestContext& ctx, ParamReader& in) {
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  auto all = Listing(store(), ctx.scope.account_id, Kind::kServerCertificate,
                     in.String("PathPrefix", "/"));
  return PageOut(all, page, "ServerCertificateMetadataList", ServerMetadata);
}

Result<Output> IamService::UpdateServerCertificate(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("ServerCertificateName");
  auto new_name = in.OptString("NewServerCertificateName");
  auto new_path = in.OptString("NewPath");
  const std::string& account = ctx.scope.account_id;
  auto* cert = store().Find(account, Kind::kServerCertificate, KeyOf(name));
  if (cert == nullptr) {
    return NoSuchServerCertificate(name);
  }
  if (new_name) {
    if (auto e = CheckName(*new_name, "newServerCertificateName", 128)) {
      return *e;
    }
    if (KeyOf(*new_name) != KeyOf(name) &&
        store().Find(account, Kind::kServerCertificate, KeyOf(*new_name)) != nullptr) {
      return errors::EntityAlreadyExists("The Server Certificate with name " + *new_name +
                                         " already exists.");
    }
  }
  if (new_path) {
    if (auto e = CheckPath(*new_path, "newPath")) {
      return *e;
    }
  }
  rapidjson::Document d;
  d.CopyFrom(*cert, d.GetAllocator());
  auto& a = d.GetAllocator();
  std::string final_name = new_name.value_or(StringMember(d, "ServerCertificateName"));
  std::string path = new_path.value_or(StringMember(d, "Path"));
  d["ServerCertificateName"] = Str(final_name, a);
  d["Path"] = Str(path, a);
  d["Arn"] = Str("arn:aws:iam::" + account + ":server-certificate" + path + final_name, a);
  store().Erase(account, Kind::kServerCertificate, KeyOf(name));
  store().Put(account, Kind::kServerCertificate, KeyOf(final_name), std::move(d));
  return EmptyOutput();
}

Result<Output> IamService::DeleteServerCertificate(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("ServerCertificateName");
  if (!store().Erase(ctx.scope.account_id, Kind::kServerCertificate, KeyOf(name))) {
    return NoSuchServerCertificate(name);
  }
  return EmptyOutput();
}

Result<Output> IamService::TagServerCertificate(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("ServerCertificateName");
  auto* cert = store().Find(ctx.scope.account_id, Kind::kServerCertificate, KeyOf(name));
  if (cert == nullptr) {
    return NoSuchServerCertificate(name);
  }
  return TagAndSave(store(), ctx.scope.account_id, Kind::kServerCertificate, KeyOf(name), *cert,
                    in);
}

Result<Output> IamService::UntagServerCertificate(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("ServerCertificateName");
  auto* cert = store().Find(ctx.scope.account_id, Kind::kServerCertificate, KeyOf(name));
  if (cert == nullptr) {
    return NoSuchServerCertificate(name);
  }
  return UntagAndSave(store(), ctx.scope.account_id, Kind::kServerCertificate, KeyOf(name),
                      *cert, in);
}

Result<Output> IamService::ListServerCertificateTags(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("ServerCertificateName");
  auto* cert = store().Find(ctx.scope.account_id, Kind::kServerCertificate, KeyOf(name));
  if (cert == nullptr) {
    return NoSuchServerCertificate(name);
  }
  return TagsOutput(*cert);
}

Result<Output> IamService::UploadSigningCertificate(RequestContext& ctx, ParamReader& in) {
  std::string body = in.String("CertificateBody");
  auto user = UserOf(store(), ctx, in);
  if (!user) {
    return user.error();
  }
  std::string user_name = StringMember(**user, "UserName");
  const std::string& account = ctx.scope.account_id;
  auto info = ParseCertificatePem(body);
  if (!info) {
    return AwsError::Sender("MalformedCertificate",
                            "Unable to parse certificate. Please ensure the certificate is in "
                            "PEM format.",
                            400);
  }
  if (info->not_after < Now(ctx)) {
    return AwsError::Sender("InvalidCertificate", "The certificate has expired.", 400);
  }
  auto mine = OwnedBy(store(), account, Kind::kSigningCertificate, user_name);
  for (const auto& [id, c] : mine) {
    if (StringMember(*c, "CertificateBody") == body) {
      return AwsError::Sender("DuplicateCertificate",
                              "The Certificate " + id + " already exists for this user.", 409);
    }
  }
  if (mine.size() >= kMaxSigningCertificates) {
    return errors::LimitExceeded("Cannot exceed quota for SigningCertificatesPerUser: 2");
  }
  std::string id = RandomUpperAlnum(28);
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("UserName", Str(user_name, a), a);
  d.AddMember("CertificateId", Str(id, a), a);
  d.AddMember("CertificateBody", Str(body, a), a);
  d.AddMember("Status", "Active", a);
  d.AddMember("UploadDate", Str(NowIso(Now(ctx)), a), a);
  d.AddMember("_created", Now(ctx), a);  // orders certificates uploaded within one second
  auto& stored = store().Put(account, Kind::kSigningCertificate, id, std::move(d));
  Output out(rapidjson::kObjectType);
  out.AddMember("Certificate", PublicCopy(stored, out.GetAllocator()), out.GetAllocator());
  return out;
}

Result<Output> IamService::ListSigningCertificates(RequestContext& ctx, ParamReader& in) {
  if (ListsRootsOwn(ctx, in)) {
    return EmptyList("Certificates");
  }
  auto user = UserOf(store(), ctx, in);
  if (!user) {
    return user.error();
  }
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  return PageOut(OwnedBy(store(), ctx.scope.account_id, Kind::kSigningCertificate,
                         StringMember(**user, "UserName")),
                 page, "Certificates", PlainCopy);
}

Result<Output> IamService::UpdateSigningCertificate(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("CertificateId");
  std::string status = in.String("Status");
  auto user = UserOf(store(), ctx, in);
  if (!user) {
    return user.error();
  }
  if (auto e = CheckStatus(status)) {
    return *e;
  }
  auto* cert = Owned(store(), ctx.scope.account_id, Kind::kSigningCertificate, id,
                     StringMember(**user, "UserName"));
  if (cert == nullptr) {
    return errors::NoSuchEntity("The Certificate with id " + id + " cannot be found.");
  }
  (*cert)["Status"] = Str(status, cert->GetAllocator());
  store().Save(ctx.scope.account_id, Kind::kSigningCertificate, id);
  return EmptyOutput();
}

Result<Output> IamService::DeleteSigningCertificate(RequestContext& ctx, ParamReader& in) {
  std::string id = in.String("CertificateId");
  auto user = UserOf(store(), ctx, in);
  if (!user) {
    return user.error();
  }
  if (Owned(store(), ctx.scope.account_id, Kind::kSigningCertificate, id,
            StringMember(**user, "UserName")) == nullptr) {
    return errors::NoSuchEntity("The Certificate with id " + id + " cannot be found.");
  }
  store().Erase(ctx.scope.account_id, Kind::kSigningCertificate, id);
  return EmptyOutput();
}

}  // namespace nimbus::iam
