// Virtual MFA devices: creation with a TOTP seed, assignment to users (EnableMFADevice checks
// two consecutive RFC 6238 codes), deactivation, resync, listing and tags.
#include "services/iam/credentials/qr_png.h"
#include "services/iam/credentials/totp.h"
#include "services/common/ids.h"
#include "services/iam/iam_internal.h"
#include "services/iam/iam_service.h"

namespace nimbus::iam {
namespace {

constexpr size_t kSeedBytes = 40;  // AWS's seeds are 64 base32 characters
constexpr size_t kMaxDevicesPerUser = 8;
// Clock skew EnableMFADevice tolerates (steps of 30 s either side), and ResyncMFADevice's wider
// search for a drifted device.
constexpr int kEnableWindow = 10;
constexpr int kResyncWindow = 240;

AwsError NoSuchDevice(const std::string& serial) {
  return errors::NoSuchEntity("VirtualMFADevice with serial number " + serial +
                              " doesn't exist.");
}

AwsError InvalidCode(const std::string& serial) {
  return AwsError::Sender("InvalidAuthenticationCode",
                          "Authentication code for device '" + serial + "' was incorrect.", 403);
}

// The user a call names, or the calling IAM user when it names none.
Result<std::string> UserOrCaller(const RequestContext& ctx, ParamReader& in) {
  if (auto name = in.OptString("UserName")) {
    return Result<std::string>(boost::system::in_place_value, *name);
  }
  if (ctx.principal.kind == Principal::Kind::kUser) {
    return Result<std::string>(boost::system::in_place_value, ctx.principal.name);
  }
  return errors::Validation("Must specify userName when calling with non-User credentials");
}

// The entry of `serial` in a user's "_mfa" list.
rapidjson::Value* UserDevice(rapidjson::Value& user, const std::string& serial) {
  if (!user.HasMember("_mfa")) {
    return nullptr;
  }
  for (auto& d : user["_mfa"].GetArray()) {
    if (StringMember(d, "SerialNumber") == serial) {
      return &d;
    }
  }
  return nullptr;
}

void RemoveUserDevice(rapidjson::Value& user, const std::string& serial) {
  if (!user.HasMember("_mfa")) {
    return;
  }
  auto& list = user["_mfa"];
  for (auto it = list.Begin(); it != list.End(); ++it) {
    if (StringMember(*it, "SerialNumber") == serial) {
      list.Erase(it);
      return;
    }
  }
}

// A device as ListVirtualMFADevices draws it: serial, tags and, when assigned, the user and
// the enable date (the seed is only ever shown by CreateVirtualMFADevice).
rapidjson::Value DeviceOut(IamStore& s, const std::string& account, const rapidjson::Value& dev,
                           Alloc& a) {
  rapidjson::Value out(rapidjson::kObjectType);
  out.AddMember("SerialNumber", Str(StringMember(dev, "SerialNumber"), a), a);
  std::string user = StringMember(dev, "_user");
  if (!user.empty()) {
    if (auto* u = s.Find(account, Kind::kUser, KeyOf(user))) {
      out.AddMember("User", PublicCopy(*u, a), a);
    }
    out.AddMember("EnableDate", Str(StringMember(dev, "EnableDate"), a), a);
  }
  if (dev.HasMember("Tags")) {
    out.AddMember("Tags", PublicCopy(dev["Tags"], a), a);
  }
  return out;
}

}  // namespace

Result<Output> IamService::CreateVirtualMFADevice(RequestContext& ctx, ParamReader& in) {
  std::string name = in.String("VirtualMFADeviceName");
  std::string path = in.String("Path", "/");
  if (in.error()) {
    return *in.error();
  }
  if (auto e = CheckName(name, "virtualMFADeviceName", 226)) {
    return *e;
  }
  if (auto e = CheckPath(path, "path")) {
    return *e;
  }
  const std::string& account = ctx.scope.account_id;
  std::string serial = "arn:aws:iam::" + account + ":mfa" + path + name;
  if (store().Find(account, Kind::kMfaDevice, serial) != nullptr) {
    return errors::EntityAlreadyExists("MFADevice entity at the same path and name already "
                                       "exists.");
  }
  std::string raw;
  std::string hex = RandomHex(kSeedBytes * 2);
  for (size_t i = 0; i < kSeedBytes; ++i) {
    raw += static_cast<char>(std::stoi(hex.substr(i * 2, 2), nullptr, 16));
  }
  std::string seed = Base32Encode(raw);
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("SerialNumber", Str(serial, a), a);
  d.AddMember("_seed", Str(seed, a), a);
  d.AddMember("_created", Now(ctx), a);
  if (auto e = MergeTags(d, in.Value("Tags"), a)) {
    return *e;
  }
  auto& stored = store().Put(account, Kind::kMfaDevice, serial, std::move(d));
  Output out(rapidjson::kObjectType);
  auto& oa = out.GetAllocator();
  rapidjson::Value dev(rapidjson::kObjectType);
  dev.AddMember("SerialNumber", Str(serial, oa), oa);
  // A blob member: the codec base64-encodes these bytes, which are the base32 text.
  dev.AddMember("Base32StringSeed", Str(seed, oa), oa);
  // What authenticator apps scan: the otpauth URI AWS encodes (issuer, device@account, seed).
  std::string uri = "otpauth://totp/Amazon%20Web%20Services:" + name + "@" + account +
                    "?secret=" + seed + "&issuer=Amazon%20Web%20Services";
  dev.AddMember("QRCodePNG", Str(QrCodePng(uri), oa), oa);
  if (stored.HasMember("Tags")) {
    dev.AddMember("Tags", PublicCopy(stored["Tags"], oa), oa);
  }
  out.AddMember("VirtualMFADevice", std::move(dev), oa);
  return out;
}

Result<Output> IamService::EnableMFADevice(RequestContext& ctx, ParamReader& in) {
  std::string user_name = in.String("UserName");
  std::string serial = in.String("SerialNumber");
  std::string code1 = in.String("AuthenticationCode1");
  std::string code2 = in.String("AuthenticationCode2");
  if (in.error()) {
    return *in.error();
  }
  const std::string& account = ctx.scope.account_id;
  auto user = RequireUser(store(), account, user_name);
  if (!user) {
    return user.error();
  }
  auto* dev = store().Find(account, Kind::kMfaDevice, serial);
  if (dev == nullptr) {
    return NoSuchDevice(serial);
  }
  if (!StringMember(*dev, "_user").empty()) {
    return errors::EntityAlreadyExists("MFA Device is already in use.");
  }
  auto& u = **user;
  if (u.HasMember("_mfa") && u["_mfa"].Size() >= kMaxDevicesPerUser) {
    return errors::LimitExceeded("Cannot exceed quota for MFADevicesPerUser: 8");
  }
  auto key = Base32Decode(StringMember(*dev, "_seed"));
  if (!key || !FindConsecutiveCodes(*key, code1, code2, Now(ctx), kEnableWindow)) {
    return InvalidCode(serial);
  }
  std::string canonical = StringMember(u, "UserName");
  std::string now = NowIso(Now(ctx));
  auto& da = dev->GetAllocator();
  dev->RemoveMember("_user");
  dev->AddMember("_user", Str(canonical, da), da);
  dev->RemoveMember("EnableDate");
  dev->AddMember("EnableDate", Str(now, da), da);
  auto& ua = u.GetAllocator();
  rapidjson::Value entry(rapidjson::kObjectType);
  entry.AddMember("UserName", Str(canonical, ua), ua);
  entry.AddMember("SerialNumber", Str(serial, ua), ua);
  entry.AddMember("EnableDate", Str(now, ua), ua);
  Member(u, "_mfa", rapidjson::kArrayType, ua).PushBack(std::move(entry), ua);
  store().Save(account, Kind::kMfaDevice, serial);
  store().Save(account, Kind::kUser, KeyOf(canonical));
  return EmptyOutput();
}

Result<Output> IamService::DeactivateMFADevice(RequestContext& ctx, ParamReader& in) {
  std::string serial = in.String("SerialNumber");
  auto user_name = UserOrCaller(ctx, in);
  if (!user_name) {
    return user_name.error();
  }
  const std::string& account = ctx.scope.account_id;
  auto user = RequireUser(store(), account, *user_name);
  if (!user) {
    return user.error();
  }
  if (UserDevice(**user, serial) == nullptr) {
    return errors::NoSuchEntity("MFA Device with serial number " + serial +
                                " does not exist for user " + *user_name + ".");
  }
  RemoveUserDevice(**user, serial);
  store().Save(account, Kind::kUser, KeyOf(*user_name));
  if (auto* dev = store().Find(account, Kind::kMfaDevice, serial)) {
    dev->RemoveMember("_user");
    dev->RemoveMember("EnableDate");
    store().Save(account, Kind::kMfaDevice, serial);
  }
  return EmptyOutput();
}

Result<Output> IamService::ResyncMFADevice(RequestContext& ctx, ParamReader& in) {
  std::string user_name = in.String("UserName");
  std::string serial = in.String("SerialNumber");
  std::string code1 = in.String("AuthenticationCode1");
  std::string code2 = in.String("AuthenticationCode2");
  const std::string& account = ctx.scope.account_id;
  auto user = RequireUser(store(), account, user_name);
  if (!user) {
    return user.error();
  }
  auto* dev = store().Find(account, Kind::kMfaDevice, serial);
  if (UserDevice(**user, serial) == nullptr || dev == nullptr) {
    return errors::NoSuchEntity("MFA Device with serial number " + serial +
                                " does not exist for user " + user_name + ".");
  }
  auto key = Base32Decode(StringMember(*dev, "_seed"));
  if (!key || !FindConsecutiveCodes(*key, code1, code2, Now(ctx), kResyncWindow)) {
    return InvalidCode(serial);
  }
  return EmptyOutput();
}

Result<Output> IamService::DeleteVirtualMFADevice(RequestContext& ctx, ParamReader& in) {
  std::string serial = in.String("SerialNumber");
  const std::string& account = ctx.scope.account_id;
  auto* dev = store().Find(account, Kind::kMfaDevice, serial);
  if (dev == nullptr) {
    return NoSuchDevice(serial);
  }
  if (!StringMember(*dev, "_user").empty()) {
    return errors::DeleteConflict("MFA Device is still in use.");
  }
  store().Erase(account, Kind::kMfaDevice, serial);
  return EmptyOutput();
}

Result<Output> IamService::ListMFADevices(RequestContext& ctx, ParamReader& in) {
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  std::vector<std::pair<std::string, const rapidjson::Value*>> all;
  auto name = in.OptString("UserName");
  if (!name && ctx.principal.kind == Principal::Kind::kUser) {
    name = ctx.principal.name;
  }
  if (name) {
    auto user = RequireUser(store(), ctx.scope.account_id, *name);
    if (!user) {
      return user.error();
    }
    if ((*user)->HasMember("_mfa")) {
      for (const auto& d : (**user)["_mfa"].GetArray()) {
        all.emplace_back(StringMember(d, "SerialNumber"), &d);
      }
    }
  }
  return PageOut(all, page, "MFADevices", PlainCopy);
}

Result<Output> IamService::ListVirtualMFADevices(RequestContext& ctx, ParamReader& in) {
  std::string status = in.String("AssignmentStatus", "Any");
  if (status != "Any" && status != "Assigned" && status != "Unassigned") {
    return errors::ValidationField(status, "assignmentStatus",
                                   "Member must satisfy enum value set: [Assigned, Unassigned, "
                                   "Any]");
  }
  PageRequest page;
  if (auto e = ReadPage(in, page)) {
    return *e;
  }
  const std::string& account = ctx.scope.account_id;
  std::vector<std::pair<std::string, const rapidjson::Value*>> all;
  for (const auto& [serial, dev] : store().All(account, Kind::kMfaDevice)) {
    bool assigned = !StringMember(dev, "_user").empty();
    if (status == "Any" || (status == "Assigned") == assigned) {
      all.emplace_back(serial, &dev);
    }
  }
  return PageOut(all, page, "VirtualMFADevices", [&](const rapidjson::Value& dev, Alloc& a) {
    return DeviceOut(store(), account, dev, a);
  });
}

Result<Output> IamService::GetMFADevice(RequestContext& ctx, ParamReader& in) {
  std::string serial = in.String("SerialNumber");
  const std::string& account = ctx.scope.account_id;
  auto* dev = store().Find(account, Kind::kMfaDevice, serial);
  auto name = in.OptString("UserName");
  if (dev == nullptr || StringMember(*dev, "_user").empty() ||
      (name && KeyOf(*name) != KeyOf(StringMember(*dev, "_user")))) {
    return errors::NoSuchEntity("MFA Device with serial number " + serial + " does not exist.");
  }
  Output out(rapidjson::kObjectType);
  auto& a = out.GetAllocator();
  out.AddMember("UserName", Str(StringMember(*dev, "_user"), a), a);
  out.AddMember("SerialNumber", Str(serial, a), a);
  out.AddMember("EnableDate", Str(StringMember(*dev, "EnableDate"), a), a);
  return out;
}

Result<Output> IamService::TagMFADevice(RequestContext& ctx, ParamReader& in) {
  std::string serial = in.String("SerialNumber");
  auto* dev = store().Find(ctx.scope.account_id, Kind::kMfaDevice, serial);
  if (dev == nullptr) {
    return NoSuchDevice(serial);
  }
  return TagAndSave(store(), ctx.scope.account_id, Kind::kMfaDevice, serial, *dev, in);
}

Result<Output> IamService::UntagMFADevice(RequestContext& ctx, ParamReader& in) {
  std::string serial = in.String("SerialNumber");
  auto* dev = store().Find(ctx.scope.account_id, Kind::kMfaDevice, serial);
  if (dev == nullptr) {
    return NoSuchDevice(serial);
  }
  return UntagAndSave(store(), ctx.scope.account_id, Kind::kMfaDevice, serial, *dev, in);
}

Result<Output> IamService::ListMFADeviceTags(RequestContext& ctx, ParamReader& in) {
  std::string serial = in.String("SerialNumber");
  auto* dev = store().Find(ctx.scope.account_id, Kind::kMfaDevice, serial);
  if (dev == nullptr) {
    return NoSuchDevice(serial);
  }
  return TagsOutput(*dev);
}

}  // namespace nimbus::iam
