#include "edge/protocol/shape.h"

#include <mutex>
#include <stdexcept>

#include <rapidjson/document.h>

#include "edge/protocol/embedded_models.h"

namespace nimbus::protocol {
namespace {

using rapidjson::Value;

std::string Str(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsString()) {
    return {};
  }
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

bool Flag(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  return it != obj.MemberEnd() && it->value.IsBool() && it->value.GetBool();
}

ShapeType ParseType(const std::string& t) {
  static const std::unordered_map<std::string, ShapeType> kTypes = {
      {"structure", ShapeType::kStructure}, {"list", ShapeType::kList},
      {"map", ShapeType::kMap},             {"string", ShapeType::kString},
      {"integer", ShapeType::kInteger},     {"long", ShapeType::kLong},
      {"boolean", ShapeType::kBoolean},     {"float", ShapeType::kFloat},
      {"double", ShapeType::kDouble},       {"timestamp", ShapeType::kTimestamp},
      {"blob", ShapeType::kBlob},           {"bigdecimal", ShapeType::kDouble},
      {"biginteger", ShapeType::kLong},     {"byte", ShapeType::kInteger},
      {"short", ShapeType::kInteger},       {"character", ShapeType::kString},
      {"document", ShapeType::kDocument},
  };
  auto it = kTypes.find(t);
  if (it == kTypes.end()) {
    throw std::runtime_error("unknown shape type " + t);
  }
  return it->second;
}

Location ParseLocation(const std::string& loc) {
  if (loc == "uri") {
    return Location::kUri;
  }
  if (loc == "querystring") {
    return Location::kQueryString;
  }
  if (loc == "header") {
    return Location::kHeader;
  }
  if (loc == "headers") {
    return Location::kHeaders;
  }
  if (loc == "statusCode") {
    return Location::kStatusCode;
  }
  return Location::kBody;
}

std::optional<ErrorInfo> ParseError(const Value& obj, const char* key) {
  auto it = obj.FindMember(key);
  if (it == obj.MemberEnd() || !it->value.IsObject()) {
    return std::nullopt;
  }
  ErrorInfo info;
  info.code = Str(it->value, "code");
  auto st = it->value.FindMember("httpStatusCode");
  if (st != it->value.MemberEnd() && st->value.IsInt()) {
    info.http_status = static_cast<uint16_t>(st->value.GetInt());
  }
  auto sf = it->value.FindMember("senderFault");
  info.sender_fault = sf == it->value.MemberEnd() || !sf->value.IsBool() || sf->value.GetBool();
  return info;
}

ServiceConventions ConventionsFor(std::string_view service) {
  // AWS: each service's front end answers a missing required member and an unparseable body
  // with its own code; these are the codes the services document for those cases.
  ServiceConventions c;
  if (service == "sqs") {
    c.validation_code = "MissingParameter";
  } else if (service == "logs") {
    c.validation_code = "InvalidParameterException";
  } else if (service == "lambda") {
    c.validation_code = "ValidationException";
    c.malformed_code = "InvalidRequestContentException";
    c.lambda_error_type = true;
  } else if (service == "apigateway" || service == "apigatewayv2") {
    c.validation_code = "BadRequestException";
    c.malformed_code = "BadRequestException";
  }
  return c;
}

class SpecParser {
 public:
  SpecParser(ServiceSpec& spec, bool query_overlay) : spec_(spec), query_overlay_(query_overlay) {}

  void ParseShapes(const Value& shapes) {
    for (auto it = shapes.MemberBegin(); it != shapes.MemberEnd(); ++it) {
      auto shape = std::make_unique<Shape>();
      shape->name = it->name.GetString();
      spec_.shapes.emplace(shape->name, std::move(shape));
    }
    for (auto it = shapes.MemberBegin(); it != shapes.MemberEnd(); ++it) {
      FillShape(*spec_.shapes.at(it->name.GetString()), it->value);
    }
  }

  const Shape* Resolve(const std::string& name) const {
    auto it = spec_.shapes.find(name);
    if (it == spec_.shapes.end()) {
      throw std::runtime_error("model " + spec_.name + ": unknown shape " + name);
    }
    return it->second.get();
  }

 private:
  MemberRef ParseRef(const std::string& name, const Value& ref) const {
    MemberRef m;
    m.name = name;
    m.shape = Resolve(Str(ref, "shape"));
    m.location = ParseLocation(Str(ref, "location"));
    m.location_name = Str(ref, "locationName");
    m.query_name = query_overlay_ ? Str(ref, "queryName") : m.location_name;
    m.flattened = Flag(ref, "flattened");
    m.xml_attribute = Flag(ref, "xmlAttribute");
    m.json_value = Flag(ref, "jsonvalue");
    m.idempotency_token = Flag(ref, "idempotencyToken");
    m.timestamp_format = Str(ref, "timestampFormat");
    return m;
  }

  void FillShape(Shape& s, const Value& v) {
    s.type = ParseType(Str(v, "type"));
    s.flattened = query_overlay_ ? Flag(v, "queryFlattened") || Flag(v, "flattened")
                                 : Flag(v, "flattened");
    s.payload = Str(v, "payload");
    s.timestamp_format = Str(v, "timestampFormat");
    s.exception = Flag(v, "exception");
    s.error = ParseError(v, "error");
    s.query_error = ParseError(v, "queryError");
    if (auto it = v.FindMember("members"); it != v.MemberEnd()) {
      for (auto m = it->value.MemberBegin(); m != it->value.MemberEnd(); ++m) {
        s.members.push_back(ParseRef(m->name.GetString(), m->value));
      }
    }
    if (auto it = v.FindMember("required"); it != v.MemberEnd()) {
      for (const auto& r : it->value.GetArray()) {
        for (auto& m : s.members) {
          if (m.name == r.GetString()) {
            m.required = true;
          }
        }
      }
    }
    if (auto it = v.FindMember("member"); it != v.MemberEnd()) {
      s.member = ParseRef("member", it->value);
    }
    if (auto it = v.FindMember("key"); it != v.MemberEnd()) {
      s.key = ParseRef("key", it->value);
    }
    if (auto it = v.FindMember("value"); it != v.MemberEnd()) {
      s.value = ParseRef("value", it->value);
    }
    if (auto it = v.FindMember("enum"); it != v.MemberEnd()) {
      for (const auto& e : it->value.GetArray()) {
        s.enum_values.emplace_back(e.GetString());
      }
    }
    if (auto it = v.FindMember("min"); it != v.MemberEnd() && it->value.IsNumber()) {
      s.min = it->value.GetDouble();
    }
    if (auto it = v.FindMember("max"); it != v.MemberEnd() && it->value.IsNumber()) {
      s.max = it->value.GetDouble();
    }
  }

  ServiceSpec& spec_;
  bool query_overlay_;
};

Protocol ParseProtocol(const std::string& p) {
  if (p == "json") {
    return Protocol::kJson;
  }
  if (p == "rest-json") {
    return Protocol::kRestJson;
  }
  return Protocol::kQuery;
}

RestRoute ParseRoute(const OperationSpec& op) {
  RestRoute route;
  route.operation = &op;
  std::string_view uri = op.request_uri;
  std::string_view query;
  if (auto q = uri.find('?'); q != std::string_view::npos) {
    query = uri.substr(q + 1);
    uri = uri.substr(0, q);
  }
  while (!uri.empty() && uri.front() == '/') {
    uri.remove_prefix(1);
  }
  while (!uri.empty() && uri.back() == '/') {
    uri.remove_suffix(1);
  }
  size_t pos = 0;
  while (!uri.empty() && pos <= uri.size()) {
    size_t slash = uri.find('/', pos);
    if (slash == std::string_view::npos) {
      slash = uri.size();
    }
    std::string_view seg = uri.substr(pos, slash - pos);
    RestRoute::Segment s;
    if (seg.size() >= 2 && seg.front() == '{' && seg.back() == '}') {
      s.label = true;
      s.text = std::string(seg.substr(1, seg.size() - 2));
      if (!s.text.empty() && s.text.back() == '+') {
        s.greedy = true;
        s.text.pop_back();
      }
    } else {
      s.text = std::string(seg);
      ++route.literal_count;
    }
    route.segments.push_back(std::move(s));
    pos = slash + 1;
  }
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    route.query_literals.emplace_back(std::string(pair.substr(0, eq)),
                                      eq == std::string_view::npos
                                          ? std::string()
                                          : std::string(pair.substr(eq + 1)));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return route;
}

}  // namespace

const MemberRef* Shape::FindMember(std::string_view member_name) const {
  for (const auto& m : members) {
    if (m.name == member_name) {
      return &m;
    }
  }
  return nullptr;
}

const OperationSpec* ServiceSpec::FindOperation(std::string_view op) const {
  auto it = operations.find(op);
  return it == operations.end() ? nullptr : &it->second;
}

const Shape* ServiceSpec::FindShape(std::string_view shape_name) const {
  auto it = shapes.find(std::string(shape_name));
  return it == shapes.end() ? nullptr : it->second.get();
}

std::unique_ptr<ServiceSpec> SpecRegistry::Parse(std::string_view name, std::string_view json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    throw std::runtime_error("embedded model " + std::string(name) + " does not parse");
  }
  auto spec = std::make_unique<ServiceSpec>();
  spec->name = std::string(name);
  const Value& meta = doc["metadata"];
  spec->protocol = ParseProtocol(Str(meta, "protocol"));
  spec->api_version = Str(meta, "apiVersion");
  spec->target_prefix = Str(meta, "targetPrefix");
  spec->json_version = Str(meta, "jsonVersion");
  spec->signing_name = Str(meta, "signingName");
  if (spec->signing_name.empty()) {
    spec->signing_name = Str(meta, "endpointPrefix");
  }
  spec->xml_namespace = Str(meta, "xmlNamespace");
  if (auto q = Str(meta, "queryXmlNamespace"); !q.empty()) {
    spec->query_compatible = true;
    spec->xml_namespace = q;
  }
  spec->conventions = ConventionsFor(name);

  SpecParser parser(*spec, spec->query_compatible);
  parser.ParseShapes(doc["shapes"]);
  const Value& ops = doc["operations"];
  for (auto it = ops.MemberBegin(); it != ops.MemberEnd(); ++it) {
    OperationSpec op;
    op.name = it->name.GetString();
    const Value& o = it->value;
    if (auto h = o.FindMember("http"); h != o.MemberEnd()) {
      op.http_method = Str(h->value, "method");
      op.request_uri = Str(h->value, "requestUri");
      if (auto rc = h->value.FindMember("responseCode"); rc != h->value.MemberEnd()) {
        op.response_code = static_cast<uint16_t>(rc->value.GetInt());
      }
    }
    if (auto in = o.FindMember("input"); in != o.MemberEnd()) {
      op.input = parser.Resolve(Str(in->value, "shape"));
    }
    if (auto out = o.FindMember("output"); out != o.MemberEnd()) {
      op.output = parser.Resolve(Str(out->value, "shape"));
      op.result_wrapper = Str(out->value, "resultWrapper");
    }
    if (auto errs = o.FindMember("errors"); errs != o.MemberEnd()) {
      for (const auto& e : errs->value.GetArray()) {
        op.errors.push_back(parser.Resolve(e.GetString()));
      }
    }
    op.no_auth = Str(o, "authtype") == "none";
    spec->operations.emplace(op.name, std::move(op));
  }
  if (spec->protocol == Protocol::kRestJson) {
    for (const auto& [name, op] : spec->operations) {
      spec->rest_routes.push_back(ParseRoute(op));
    }
  }
  return spec;
}

struct SpecRegistry::Slot {
  std::string_view name;
  std::string_view json;
  mutable std::once_flag once;
  mutable std::unique_ptr<ServiceSpec> spec;
};

SpecRegistry::SpecRegistry() {
  for (const auto& m : EmbeddedModels()) {
    if (m.name == "_index") {
      rapidjson::Document doc;
      doc.Parse(m.json.data(), m.json.size());
      for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
        ServiceIndexEntry e;
        e.name = it->name.GetString();
        e.signing_name = Str(it->value, "signingName");
        e.protocol = ParseProtocol(Str(it->value, "protocol"));
        e.api_version = Str(it->value, "apiVersion");
        e.target_prefix = Str(it->value, "targetPrefix");
        e.query_compatible = Flag(it->value, "queryCompatible");
        for (const auto& p : it->value["pathPrefixes"].GetArray()) {
          e.path_prefixes.emplace_back(p.GetString());
        }
        for (const auto& op : it->value["operations"].GetArray()) {
          e.operations.emplace_back(op.GetString());
        }
        index_.push_back(std::move(e));
      }
      continue;
    }
    auto slot = std::make_unique<Slot>();
    slot->name = m.name;
    slot->json = m.json;
    slots_.push_back(std::move(slot));
  }
}

const SpecRegistry& SpecRegistry::Instance() {
  static const SpecRegistry kRegistry;
  return kRegistry;
}

const ServiceIndexEntry* SpecRegistry::FindIndex(std::string_view service) const {
  for (const auto& e : index_) {
    if (e.name == service) {
      return &e;
    }
  }
  return nullptr;
}

const ServiceSpec* SpecRegistry::Find(std::string_view service) const {
  for (const auto& slot : slots_) {
    if (slot->name == service) {
      std::call_once(slot->once, [&] { slot->spec = Parse(slot->name, slot->json); });
      return slot->spec.get();
    }
  }
  return nullptr;
}

}  // namespace nimbus::protocol
