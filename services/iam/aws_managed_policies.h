#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace nimbus::iam {

// The AWS managed policies Nimbus knows (arn:aws:iam::aws:policy/<path><name>): the ones
// templates and tutorials attach to Lambda roles and test users.
struct AwsManagedPolicy {
  std::string_view name;
  std::string_view path;
  std::string_view description;
  std::string_view document;
};

const std::vector<AwsManagedPolicy>& AwsManagedPolicies();
const AwsManagedPolicy* FindAwsManagedPolicy(std::string_view arn);
std::string AwsManagedPolicyArn(const AwsManagedPolicy& p);

}  // namespace nimbus::iam
