#pragma once

#include <string>

namespace nimbus::sns {

// Whether a topic's access policy lets `account` perform `action` ("SNS:Publish") on the
// topic: an explicit Deny wins, else an Allow whose principal names the account (or "*") and
// whose AWS:SourceOwner / AWS:SourceAccount condition, if any, holds. Other condition keys are
// not evaluated (treated as met). Used for calls from another account than the topic's owner.
bool PolicyAllows(const std::string& policy_json, const std::string& account,
                  const std::string& action);

}  // namespace nimbus::sns
