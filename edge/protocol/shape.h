#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace nimbus::protocol {

enum class Protocol { kQuery, kJson, kRestJson };

enum class ShapeType {
  kStructure,
  kList,
  kMap,
  kString,
  kInteger,
  kLong,
  kBoolean,
  kFloat,
  kDouble,
  kTimestamp,
  kBlob,
  kDocument,
};

enum class Location { kBody, kUri, kQueryString, kHeader, kHeaders, kStatusCode };

struct Shape;

// A reference to a shape from a structure member, list member or map key/value, with the
// serialization traits botocore keeps on the reference.
struct MemberRef {
  std::string name;           // member name as the SDKs expose it (params keys)
  const Shape* shape = nullptr;
  Location location = Location::kBody;
  std::string location_name;  // wire name for json/rest-json/header/uri; empty = name
  std::string query_name;     // wire name for the query protocol and XML; empty = name
  bool flattened = false;     // member-level `flattened` (query/XML)
  bool xml_attribute = false;
  bool json_value = false;    // header carrying base64 JSON
  bool idempotency_token = false;
  bool required = false;      // in the enclosing structure's `required` list
  std::string timestamp_format;

  std::string_view WireName() const { return location_name.empty() ? name : location_name; }
  std::string_view QueryName() const { return query_name.empty() ? name : query_name; }
};

struct ErrorInfo {
  std::string code;  // empty = the shape name
  uint16_t http_status = 400;
  bool sender_fault = true;
};

struct Shape {
  std::string name;
  ShapeType type = ShapeType::kString;
  std::vector<MemberRef> members;  // structures, in model order
  MemberRef member;                // lists
  MemberRef key, value;            // maps
  bool flattened = false;          // as the query/XML codec must treat it
  std::string payload;             // structures: the member that is the HTTP payload
  std::string timestamp_format;
  bool exception = false;
  std::optional<ErrorInfo> error;        // model `error` trait
  std::optional<ErrorInfo> query_error;  // SQS: the legacy query error code
  std::vector<std::string> enum_values;
  std::optional<double> min, max;

  const MemberRef* FindMember(std::string_view member_name) const;
};

struct OperationSpec {
  std::string name;
  std::string http_method = "POST";
  std::string request_uri = "/";
  uint16_t response_code = 200;
  const Shape* input = nullptr;
  const Shape* output = nullptr;
  std::string result_wrapper;  // query responses: <OpResult>; empty = none
  std::vector<const Shape*> errors;
  bool no_auth = false;
};

// A rest-json operation's URI template, split for matching (built when the model loads).
struct RestRoute {
  struct Segment {
    std::string text;     // literal text, or the label name
    bool label = false;
    bool greedy = false;  // {Name+}: matches the rest of the path
  };
  const OperationSpec* operation = nullptr;
  std::vector<Segment> segments;
  std::vector<std::pair<std::string, std::string>> query_literals;  // "?versions", "?a=b"
  int literal_count = 0;
};

// Per-service wire conventions not written in the model: which code a missing required
// member or an unparseable body gets (AWS's front ends differ per service).
struct ServiceConventions {
  std::string validation_code = "ValidationError";
  std::string malformed_code = "SerializationException";
  bool lambda_error_type = false;  // rest-json error bodies carry "Type": "User"|"Service"
};

// One botocore service model, parsed. Immutable once loaded; shared across threads.
struct ServiceSpec {
  std::string name;          // model name: "sqs", "apigatewayv2"
  std::string signing_name;  // SigV4 service: "sqs", "apigateway"
  Protocol protocol = Protocol::kQuery;
  std::string api_version;
  std::string target_prefix;  // json: X-Amz-Target prefix
  std::string json_version;   // json: "1.0" | "1.1"
  std::string xml_namespace;  // query responses
  bool query_compatible = false;  // SQS: json model that also speaks query
  ServiceConventions conventions;
  std::map<std::string, OperationSpec, std::less<>> operations;
  std::unordered_map<std::string, std::unique_ptr<Shape>> shapes;
  std::vector<RestRoute> rest_routes;  // rest-json only

  const OperationSpec* FindOperation(std::string_view op) const;
  const Shape* FindShape(std::string_view shape_name) const;
};

// What the router needs about every served service, without parsing full models.
struct ServiceIndexEntry {
  std::string name;
  std::string signing_name;
  Protocol protocol = Protocol::kQuery;
  std::string api_version;
  std::string target_prefix;
  bool query_compatible = false;
  std::vector<std::string> path_prefixes;
  std::vector<std::string> operations;  // sorted operation names
};

// The embedded models. The index is parsed on first use; each full model on its first use
// (thread-safe), so startup parses nothing.
class SpecRegistry {
 public:
  static const SpecRegistry& Instance();

  const std::vector<ServiceIndexEntry>& Index() const { return index_; }
  const ServiceIndexEntry* FindIndex(std::string_view service) const;
  // nullptr if the service is not one we embed.
  const ServiceSpec* Find(std::string_view service) const;

  // Parses one model document (exposed for tests and tools).
  static std::unique_ptr<ServiceSpec> Parse(std::string_view name, std::string_view json);

 private:
  SpecRegistry();
  struct Slot;
  std::vector<ServiceIndexEntry> index_;
  std::vector<std::unique_ptr<Slot>> slots_;
};

}  // namespace nimbus::protocol
