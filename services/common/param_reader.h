#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "services/common/aws_error.h"

namespace nimbus {

// Reads an operation's params (a JSON object shaped like the model's input, whatever the wire
// protocol). Type errors are latched: the first one is kept, later reads return defaults, and
// the handler checks `error()` once at the end (Dragonfly CmdArgParser). Required members are
// checked by the dispatcher before a handler runs, so readers only see well-typed shapes.
class ParamReader {
 public:
  explicit ParamReader(const rapidjson::Value& params) : params_(params) {}

  bool Has(std::string_view name) const;
  std::string String(std::string_view name, std::string_view fallback = {});
  std::optional<std::string> OptString(std::string_view name);
  int64_t Int(std::string_view name, int64_t fallback = 0);
  std::optional<int64_t> OptInt(std::string_view name);
  bool Bool(std::string_view name, bool fallback = false);
  double Double(std::string_view name, double fallback = 0);
  // The member as a JSON value (object, array, ...) or nullptr when absent.
  const rapidjson::Value* Value(std::string_view name) const;

  const rapidjson::Value& params() const { return params_; }
  const std::optional<AwsError>& error() const { return error_; }

 private:
  void Fail(std::string_view name, std::string_view expected);

  const rapidjson::Value& params_;
  std::optional<AwsError> error_;
};

}  // namespace nimbus
