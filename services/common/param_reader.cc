#include "services/common/param_reader.h"

namespace nimbus {

const rapidjson::Value* ParamReader::Value(std::string_view name) const {
  if (!params_.IsObject()) {
    return nullptr;
  }
  auto it = params_.FindMember(rapidjson::StringRef(name.data(), name.size()));
  if (it == params_.MemberEnd() || it->value.IsNull()) {
    return nullptr;
  }
  return &it->value;
}

bool ParamReader::Has(std::string_view name) const { return Value(name) != nullptr; }

void ParamReader::Fail(std::string_view name, std::string_view expected) {
  if (!error_) {
    error_ = AwsError::Sender("InvalidParameterValue", "Value for parameter " + std::string(name) +
                                                           " must be " + std::string(expected));
  }
}

std::optional<std::string> ParamReader::OptString(std::string_view name) {
  const auto* v = Value(name);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->IsString()) {
    Fail(name, "a string");
    return std::nullopt;
  }
  return std::string(v->GetString(), v->GetStringLength());
}

std::string ParamReader::String(std::string_view name, std::string_view fallback) {
  auto v = OptString(name);
  return v ? std::move(*v) : std::string(fallback);
}

std::optional<int64_t> ParamReader::OptInt(std::string_view name) {
  const auto* v = Value(name);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->IsInt64()) {
    Fail(name, "an integer");
    return std::nullopt;
  }
  return v->GetInt64();
}

int64_t ParamReader::Int(std::string_view name, int64_t fallback) {
  return OptInt(name).value_or(fallback);
}

bool ParamReader::Bool(std::string_view name, bool fallback) {
  const auto* v = Value(name);
  if (v == nullptr) {
    return fallback;
  }
  if (!v->IsBool()) {
    Fail(name, "a boolean");
    return fallback;
  }
  return v->GetBool();
}

double ParamReader::Double(std::string_view name, double fallback) {
  const auto* v = Value(name);
  if (v == nullptr) {
    return fallback;
  }
  if (!v->IsNumber()) {
    Fail(name, "a number");
    return fallback;
  }
  return v->GetDouble();
}

}  // namespace nimbus
