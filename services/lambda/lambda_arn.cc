#include "services/lambda/lambda_arn.h"

#include <algorithm>
#include <cctype>
#include <vector>

namespace nimbus::lambda {
namespace {

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    if (pos == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, pos - start));
    start = pos + 1;
  }
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
}

bool AllNameChars(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), IsNameChar);
}

bool AllDigits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

// AWS region pattern: [a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}
bool IsRegion(std::string_view s) {
  auto parts = Split(s, '-');
  if (parts.size() < 3 || parts.front().size() != 2 || parts.back().size() != 1 ||
      !AllDigits(parts.back())) {
    return false;
  }
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (parts[i].empty() || !std::all_of(parts[i].begin(), parts[i].end(), [](char c) {
          return std::islower(static_cast<unsigned char>(c));
        })) {
      return false;
    }
  }
  return true;
}

bool IsAccount(std::string_view s) { return s.size() == 12 && AllDigits(s); }

}  // namespace

bool ValidFunctionName(std::string_view name) {
  return name.size() <= 64 && AllNameChars(name);
}

bool ValidQualifier(std::string_view q) {
  return q == "$LATEST" || (q.size() <= 128 && AllNameChars(q));
}

bool ValidAliasName(std::string_view name) {
  return name.size() <= 128 && AllNameChars(name) && !AllDigits(name);
}

bool IsVersionNumber(std::string_view q) { return q.size() <= 18 && AllDigits(q); }

std::optional<FunctionRef> ParseFunctionName(std::string_view text) {
  if (text.empty() || text.size() > 256) {
    return std::nullopt;
  }
  auto parts = Split(text, ':');
  FunctionRef ref;
  size_t i = 0;
  if (parts[0] == "arn") {
    // arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]
    if (parts.size() < 7 || parts.size() > 8 || parts[1].rfind("aws", 0) != 0 ||
        parts[2] != "lambda" || !IsRegion(parts[3]) || !IsAccount(parts[4]) ||
        parts[5] != "function") {
      return std::nullopt;
    }
    ref.region = std::string(parts[3]);
    ref.account = std::string(parts[4]);
    i = 6;
  } else {
    // Partial ARNs: [<region>:]<account>:function:<name>... or function:<name>...; anything
    // else is <name>[:<qualifier>].
    size_t j = 0;
    std::string region, account;
    if (parts.size() > j + 2 && IsRegion(parts[j])) {
      region = std::string(parts[j++]);
    }
    if (parts.size() > j + 2 && IsAccount(parts[j])) {
      account = std::string(parts[j++]);
    }
    if (parts.size() > j + 1 && parts[j] == "function" && (region.empty() || !account.empty())) {
      ref.region = std::move(region);
      ref.account = std::move(account);
      i = j + 1;
    }
  }
  if (i >= parts.size() || parts.size() - i > 2) {
    return std::nullopt;
  }
  if (!AllNameChars(parts[i]) || parts[i].size() > 140) {
    return std::nullopt;
  }
  ref.name = std::string(parts[i]);
  if (i + 1 < parts.size()) {
    if (!ValidQualifier(parts[i + 1])) {
      return std::nullopt;
    }
    ref.qualifier = std::string(parts[i + 1]);
  }
  return ref;
}

std::string FunctionArn(std::string_view region, std::string_view account,
                        std::string_view name) {
  return "arn:aws:lambda:" + std::string(region) + ":" + std::string(account) + ":function:" +
         std::string(name);
}

std::string QualifiedArn(std::string_view region, std::string_view account,
                         std::string_view name, std::string_view qualifier) {
  return FunctionArn(region, account, name) + ":" + std::string(qualifier);
}

bool ValidLayerName(std::string_view name) { return name.size() <= 140 && AllNameChars(name); }

std::optional<LayerRefParts> ParseLayerArn(std::string_view arn) {
  auto parts = Split(arn, ':');
  if (parts.size() < 7 || parts.size() > 8 || parts[0] != "arn" ||
      parts[1].rfind("aws", 0) != 0 || parts[2] != "lambda" || !IsRegion(parts[3]) ||
      !IsAccount(parts[4]) || parts[5] != "layer" || !ValidLayerName(parts[6])) {
    return std::nullopt;
  }
  LayerRefParts out{std::string(parts[3]), std::string(parts[4]), std::string(parts[6]),
                    std::nullopt};
  if (parts.size() == 8) {
    if (!IsVersionNumber(parts[7])) {
      return std::nullopt;
    }
    out.version = std::stoll(std::string(parts[7]));
  }
  return out;
}

std::string LayerArn(std::string_view region, std::string_view account, std::string_view name) {
  return "arn:aws:lambda:" + std::string(region) + ":" + std::string(account) + ":layer:" +
         std::string(name);
}

std::string LayerVersionArn(std::string_view region, std::string_view account,
                            std::string_view name, int64_t version) {
  return LayerArn(region, account, name) + ":" + std::to_string(version);
}

bool ValidRoleArn(std::string_view arn) {
  // arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+
  auto parts = Split(arn, ':');
  if (parts.size() != 6 || parts[0] != "arn" || parts[1].rfind("aws", 0) != 0 ||
      parts[2] != "iam" || !parts[3].empty() || !IsAccount(parts[4])) {
    return false;
  }
  std::string_view rest = parts[5];
  if (rest.rfind("role", 0) != 0) {
    return false;
  }
  rest.remove_prefix(4);
  if (!rest.empty() && rest.front() == '/') {
    rest.remove_prefix(1);
  }
  return !rest.empty() && std::all_of(rest.begin(), rest.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("+=,.@-_/").find(c) != std::string_view::npos;
  });
}

}  // namespace nimbus::lambda
