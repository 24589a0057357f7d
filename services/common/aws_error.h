#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/assert/source_location.hpp>
#include <boost/system/result.hpp>

namespace nimbus {

// Whose fault an error is: query errors carry it as <Type>, SQS-JSON as x-amzn-query-error.
enum class Fault { kSender, kReceiver };

// The one error type on the request path. `code` is the AWS error code as the model names it
// (for SQS the shape name, e.g. "QueueDoesNotExist"; codecs map it to the legacy query code).
// Build these through each service's <svc>_errors.h factories, never inline in handlers.
struct AwsError {
  std::string code;
  std::string message;
  uint16_t http_status = 400;
  Fault fault = Fault::kSender;
  // Extra members of the modeled error shape (e.g. Lambda's "Reason"), written into JSON error
  // bodies as strings.
  std::vector<std::pair<std::string, std::string>> fields;

  static AwsError Sender(std::string code, std::string message, uint16_t status = 400) {
    return AwsError{std::move(code), std::move(message), status, Fault::kSender, {}};
  }
  static AwsError Receiver(std::string code, std::string message, uint16_t status = 500) {
    return AwsError{std::move(code), std::move(message), status, Fault::kReceiver, {}};
  }
};

// Generic errors shared by every service.
inline AwsError InternalFailure(std::string message) {
  return AwsError::Receiver("InternalFailure", std::move(message), 500);
}
inline AwsError NotImplemented(const std::string& service, const std::string& operation) {
  return AwsError::Receiver("InternalFailure",
                            "The operation " + operation + " of service " + service +
                                " is not yet implemented by Nimbus",
                            501);
}

template <class T>
using Result = boost::system::result<T, AwsError>;

// Needed by boost::system::result<T, AwsError>::value(); the request path tests has_value().
[[noreturn]] void throw_exception_from_error(const AwsError& e, const boost::source_location& loc);

}  // namespace nimbus
