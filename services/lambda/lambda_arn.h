#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// Lambda names and ARNs (wire notes §2.4, §9.3): parsing the forms a FunctionName takes and
// building the ARNs the API hands out.
namespace nimbus::lambda {

// What a FunctionName names. Accepted forms (AWS's pattern):
//   my-function                 my-function:qualifier
//   123456789012:function:my-function[:qualifier]       (partial ARN)
//   arn:aws:lambda:us-east-1:123456789012:function:my-function[:qualifier]
struct FunctionRef {
  std::string region;   // empty = the caller's
  std::string account;  // empty = the caller's
  std::string name;
  std::optional<std::string> qualifier;
};

// nullopt when `text` matches none of the forms.
std::optional<FunctionRef> ParseFunctionName(std::string_view text);

// A function name proper: [a-zA-Z0-9-_]+, at most 64 characters.
bool ValidFunctionName(std::string_view name);
// A qualifier: $LATEST, a version number or an alias name ([a-zA-Z0-9-_]+, ≤128).
bool ValidQualifier(std::string_view qualifier);
// An alias name: [a-zA-Z0-9-_]+ (≤128) that is not all digits.
bool ValidAliasName(std::string_view name);
// A version number qualifier ("1", "42").
bool IsVersionNumber(std::string_view qualifier);

std::string FunctionArn(std::string_view region, std::string_view account, std::string_view name);
std::string QualifiedArn(std::string_view region, std::string_view account,
                         std::string_view name, std::string_view qualifier);

// Layers: arn:aws:lambda:<r>:<a>:layer:<name>[:<version>].
struct LayerRefParts {
  std::string region;
  std::string account;
  std::string name;
  std::optional<int64_t> version;
};
std::optional<LayerRefParts> ParseLayerArn(std::string_view arn);
bool ValidLayerName(std::string_view name);
std::string LayerArn(std::string_view region, std::string_view account, std::string_view name);
std::string LayerVersionArn(std::string_view region, std::string_view account,
                            std::string_view name, int64_t version);

// An IAM role ARN: arn:aws:iam::<12 digits>:role/<path and name>.
bool ValidRoleArn(std::string_view arn);

}  // namespace nimbus::lambda
