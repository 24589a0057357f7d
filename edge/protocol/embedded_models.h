#pragma once

#include <string_view>
#include <vector>

namespace nimbus::protocol {

// A trimmed botocore service model, embedded at build time (tests/tools/trim_models.py).
// "_index" is the routing index: per service its protocol, apiVersion, targetPrefix,
// signingName, queryCompatible and the first path segments of its rest-json URIs.
struct EmbeddedModel {
  std::string_view name;
  std::string_view json;
};

const std::vector<EmbeddedModel>& EmbeddedModels();

}  // namespace nimbus::protocol
