#include "edge/protocol/rest_json_codec.h"

#include <algorithm>

#include "edge/protocol/encoding.h"
#include "edge/protocol/value_codec.h"

namespace nimbus::protocol {
namespace {

using rapidjson::Value;
using QueryList = std::vector<std::pair<std::string, std::string>>;

std::vector<std::string_view> SplitPath(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  while (!path.empty() && path.back() == '/') {
    path.remove_suffix(1);
  }
  size_t pos = 0;
  while (!path.empty() && pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) {
      slash = path.size();
    }
    out.push_back(path.substr(pos, slash - pos));
    pos = slash + 1;
  }
  return out;
}

std::optional<QueryList> ParseQuery(std::string_view query) {
  QueryList out;
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) {
      continue;
    }
    size_t eq = pair.find('=');
    auto k = PercentDecode(pair.substr(0, eq), false);
    auto v = eq == std::string_view::npos ? std::optional<std::string>("")
                                          : PercentDecode(pair.substr(eq + 1), false);
    if (!k || !v) {
      return std::nullopt;
    }
    out.emplace_back(std::move(*k), std::move(*v));
  }
  return out;
}

bool HasQueryKey(std::string_view query, std::string_view key) {
  auto parsed = ParseQuery(query);
  if (!parsed) {
    return false;
  }
  return std::any_of(parsed->begin(), parsed->end(), [&](const auto& kv) { return kv.first == key; });
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

AwsError BadValue(const ServiceSpec& spec, const std::string& member, std::string_view text) {
  return AwsError::Sender(spec.conventions.malformed_code,
                          "Invalid value '" + std::string(text) + "' for " + member);
}

}  // namespace

std::optional<RestMatch> MatchRestRoute(const ServiceSpec& spec, std::string_view method,
                                        std::string_view path, std::string_view query) {
  auto segments = SplitPath(path);
  std::optional<RestMatch> best;
  int best_score = -1;
  for (const auto& route : spec.rest_routes) {
    if (route.operation->http_method != method) {
      continue;
    }
    RestMatch match;
    match.route = &route;
    size_t i = 0;
    bool ok = true;
    for (size_t r = 0; r < route.segments.size() && ok; ++r) {
      const auto& seg = route.segments[r];
      if (seg.greedy) {
        if (i >= segments.size()) {
          ok = false;
          break;
        }
        std::string joined;
        for (; i < segments.size(); ++i) {
          if (!joined.empty()) {
            joined += '/';
          }
          joined += segments[i];
        }
        match.labels.emplace_back(seg.text, std::move(joined));
        continue;
      }
      if (i >= segments.size()) {
        ok = false;
        break;
      }
      if (seg.label) {
        if (segments[i].empty()) {
          ok = false;
        }
        match.labels.emplace_back(seg.text, std::string(segments[i]));
      } else if (seg.text != segments[i]) {
        ok = false;
      }
      ++i;
    }
    if (!ok || i != segments.size()) {
      continue;
    }
    int query_hits = 0;
    for (const auto& [k, v] : route.query_literals) {
      if (!HasQueryKey(query, k)) {
        ok = false;
        break;
      }
      ++query_hits;
    }
    if (!ok) {
      continue;
    }
    int score = route.literal_count * 100 + query_hits * 10 + static_cast<int>(route.segments.size());
    if (score > best_score) {
      best_score = score;
      best = std::move(match);
    }
  }
  return best;
}

Result<OperationCall> RestJsonCodec::Decode(const HttpRequest& request,
                                            const ServiceSpec& spec) const {
  auto match = MatchRestRoute(spec, request.method, request.path, request.query);
  if (!match) {
    return AwsError::Sender("UnknownOperationException",
                            "No operation matches " + request.method + " " + request.path, 404);
  }
  const OperationSpec* op = match->route->operation;
  OperationCall call;
  call.operation = op;
  call.params.SetObject();
  auto& alloc = call.params.GetAllocator();
  if (op->input == nullptr) {
    return call;
  }
  const Shape& input = *op->input;
  auto query = ParseQuery(request.query);
  if (!query) {
    return AwsError::Sender(spec.conventions.malformed_code, "Malformed query string");
  }

  // Query-string keys bound to named members or fixed by the URI template (`?mode=import`); a
  // querystring map takes the rest.
  std::vector<std::string> bound_query;
  for (const auto& m : input.members) {
    if (m.location == Location::kQueryString && m.shape->type != ShapeType::kMap) {
      bound_query.emplace_back(m.WireName());
    }
  }
  for (const auto& [k, v] : match->route->query_literals) {
    bound_query.push_back(k);
  }

  for (const auto& m : input.members) {
    std::optional<Value> value;
    switch (m.location) {
      case Location::kUri: {
        for (const auto& [name, raw] : match->labels) {
          if (name != m.WireName()) {
            continue;
          }
          auto decoded = PercentDecode(raw, false);
          if (!decoded) {
            return BadValue(spec, m.name, raw);
          }
          value = ScalarFromText(m, *decoded, alloc);
          if (!value) {
            return BadValue(spec, m.name, *decoded);
          }
        }
        break;
      }
      case Location::kQueryString: {
        if (m.shape->type == ShapeType::kMap) {
          Value map(rapidjson::kObjectType);
          for (const auto& [k, v] : *query) {
            if (std::find(bound_query.begin(), bound_query.end(), k) != bound_query.end()) {
              continue;
            }
            Value key(k.c_str(), alloc);
            if (m.shape->value.shape->type == ShapeType::kList) {
              auto it = map.FindMember(key);
              if (it == map.MemberEnd()) {
                map.AddMember(key, Value(rapidjson::kArrayType), alloc);
                it = map.FindMember(Value(k.c_str(), alloc));
              }
              it->value.PushBack(Value(v.c_str(), alloc), alloc);
            } else if (!map.HasMember(key)) {
              map.AddMember(key, Value(v.c_str(), alloc), alloc);
            }
          }
          if (map.MemberCount() > 0) {
            value = std::move(map);
          }
        } else if (m.shape->type == ShapeType::kList) {
          Value list(rapidjson::kArrayType);
          for (const auto& [k, v] : *query) {
            if (k == m.WireName()) {
              auto item = ScalarFromText(m.shape->member, v, alloc);
              if (!item) {
                return BadValue(spec, m.name, v);
              }
              list.PushBack(std::move(*item), alloc);
            }
          }
          if (!list.Empty()) {
            value = std::move(list);
          }
        } else {
          for (const auto& [k, v] : *query) {
            if (k == m.WireName()) {
              value = ScalarFromText(m, v, alloc);
              if (!value) {
                return BadValue(spec, m.name, v);
              }
              break;
            }
          }
        }
        break;
      }
      case Location::kHeader: {
        std::string name = Lower(m.WireName());
        if (request.HasHeader(name)) {
          auto text = request.Header(name);
          if (m.shape->type == ShapeType::kList) {
            Value list(rapidjson::kArrayType);
            size_t pos = 0;
            while (pos <= text.size()) {
              size_t comma = text.find(',', pos);
              auto part = text.substr(pos, comma == std::string_view::npos ? text.npos : comma - pos);
              while (!part.empty() && part.front() == ' ') {
                part.remove_prefix(1);
              }
              auto item = ScalarFromText(m.shape->member, part, alloc);
              if (item) {
                list.PushBack(std::move(*item), alloc);
              }
              if (comma == std::string_view::npos) {
                break;
              }
              pos = comma + 1;
            }
            value = std::move(list);
          } else {
            value = ScalarFromText(m, text, alloc);
            if (!value) {
              return BadValue(spec, m.name, text);
            }
          }
        }
        break;
      }
      case Location::kHeaders: {
        std::string prefix = Lower(m.WireName());
        Value map(rapidjson::kObjectType);
        for (const auto& [k, v] : request.headers) {
          if (k.size() > prefix.size() && k.compare(0, prefix.size(), prefix) == 0) {
            map.AddMember(Value(k.substr(prefix.size()).c_str(), alloc), Value(v.c_str(), alloc),
                          alloc);
          }
        }
        if (map.MemberCount() > 0) {
          value = std::move(map);
        }
        break;
      }
      default:
        break;
    }
    if (value) {
      call.params.AddMember(Value(m.name.c_str(), alloc), std::move(*value), alloc);
    }
  }

  // The body: a raw payload member, a structure payload, or the remaining body members.
  const MemberRef* payload = input.payload.empty() ? nullptr : input.FindMember(input.payload);
  if (payload != nullptr &&
      (payload->shape->type == ShapeType::kBlob || payload->shape->type == ShapeType::kString)) {
    if (!request.body.empty()) {
      call.params.AddMember(
          Value(payload->name.c_str(), alloc),
          Value(request.body.data(), static_cast<rapidjson::SizeType>(request.body.size()), alloc),
          alloc);
    }
    return call;
  }
  std::string_view text = request.body;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return call;
  }
  rapidjson::Document body;
  body.Parse(text.data(), text.size());
  if (body.HasParseError() || !body.IsObject()) {
    return AwsError::Sender(spec.conventions.malformed_code,
                            "Could not parse request body into json: unexpected character or "
                            "end of input");
  }
  if (payload != nullptr) {
    auto v = FromWireJson(*payload, body, alloc, payload->name);
    if (!v.has_value()) {
      return AwsError::Sender(spec.conventions.malformed_code, v.error().message);
    }
    call.params.AddMember(Value(payload->name.c_str(), alloc), std::move(*v), alloc);
    return call;
  }
  for (const auto& m : input.members) {
    if (m.location != Location::kBody) {
      continue;
    }
    auto it = body.FindMember(rapidjson::StringRef(m.WireName().data(), m.WireName().size()));
    if (it == body.MemberEnd() || it->value.IsNull()) {
      continue;
    }
    auto v = FromWireJson(m, it->value, alloc, m.name);
    if (!v.has_value()) {
      return AwsError::Sender(spec.conventions.malformed_code, v.error().message);
    }
    call.params.AddMember(Value(m.name.c_str(), alloc), std::move(*v), alloc);
  }
  return call;
}

HttpResponse RestJsonCodec::Encode(const ServiceSpec&, const OperationSpec& op,
                                   const Value& output, const ResponseContext&) const {
  HttpResponse res;
  res.status = op.response_code;
  if (op.output == nullptr) {
    return res;
  }
  const Shape& shape = *op.output;
  bool has_body_members = false;
  for (const auto& m : shape.members) {
    auto it = output.IsObject()
                  ? output.FindMember(rapidjson::StringRef(m.name.data(), m.name.size()))
                  : output.MemberEnd();
    bool present = output.IsObject() && it != output.MemberEnd() && !it->value.IsNull();
    switch (m.location) {
      case Location::kStatusCode:
        if (present && it->value.IsInt()) {
          res.status = static_cast<unsigned>(it->value.GetInt());
        }
        break;
      case Location::kHeader:
        if (present) {
          if (m.shape->type == ShapeType::kList && it->value.IsArray()) {
            std::string joined;
            for (const auto& item : it->value.GetArray()) {
              if (!joined.empty()) {
                joined += ", ";
              }
              joined += ScalarToText(m.shape->member, item, "rfc822");
            }
            res.SetHeader(std::string(m.WireName()), joined);
          } else {
            res.SetHeader(std::string(m.WireName()), ScalarToText(m, it->value, "rfc822"));
          }
        }
        break;
      case Location::kHeaders:
        if (present && it->value.IsObject()) {
          for (auto h = it->value.MemberBegin(); h != it->value.MemberEnd(); ++h) {
            res.SetHeader(std::string(m.WireName()) + h->name.GetString(),
                          h->value.IsString() ? h->value.GetString() : "");
          }
        }
        break;
      case Location::kBody:
        has_body_members = true;
        break;
      default:
        break;
    }
  }
  const MemberRef* payload = shape.payload.empty() ? nullptr : shape.FindMember(shape.payload);
  if (payload != nullptr) {
    auto it = output.IsObject() ? output.FindMember(rapidjson::StringRef(payload->name.c_str()))
                                : output.MemberEnd();
    bool present = output.IsObject() && it != output.MemberEnd() && !it->value.IsNull();
    if (payload->shape->type == ShapeType::kBlob || payload->shape->type == ShapeType::kString) {
      if (present && it->value.IsString()) {
        res.body.assign(it->value.GetString(), it->value.GetStringLength());
      }
      bool has_type = std::any_of(res.headers.begin(), res.headers.end(), [](const auto& h) {
        return Lower(h.first) == "content-type";
      });
      if (!has_type) {
        res.SetHeader("Content-Type", payload->shape->type == ShapeType::kBlob
                                          ? "application/octet-stream"
                                          : "text/plain");
      }
      return res;
    }
    res.SetHeader("Content-Type", "application/json");
    if (present) {
      rapidjson::StringBuffer sb;
      JsonWriter w(sb);
      WriteWireJson(*payload, it->value, w);
      res.body.assign(sb.GetString(), sb.GetSize());
    }
    return res;
  }
  if (has_body_members) {
    res.SetHeader("Content-Type", "application/json");
    rapidjson::StringBuffer sb;
    JsonWriter w(sb);
    WriteWireJsonStructure(shape, output, w, true);
    res.body.assign(sb.GetString(), sb.GetSize());
  }
  return res;
}

HttpResponse RestJsonCodec::EncodeError(const ServiceSpec& spec, const AwsError& error,
                                        const ResponseContext&) const {
  HttpResponse res;
  res.status = error.http_status;
  res.SetHeader("Content-Type", "application/json");
  res.SetHeader("x-amzn-ErrorType", error.code);
  rapidjson::StringBuffer sb;
  JsonWriter w(sb);
  w.StartObject();
  if (spec.conventions.lambda_error_type) {
    w.Key("Type");
    w.String(error.fault == Fault::kSender ? "User" : "Service");
  }
  w.Key("message");
  w.String(error.message.c_str(), static_cast<rapidjson::SizeType>(error.message.size()));
  for (const auto& [key, value] : error.fields) {
    w.Key(key.c_str());
    w.String(value.c_str());
  }
  w.EndObject();
  res.body.assign(sb.GetString(), sb.GetSize());
  return res;
}

}  // namespace nimbus::protocol
