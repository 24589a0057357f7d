// Decodes requests that botocore's own serializer produced (tests/fixtures/requests, written by
// tests/tools/make_fixtures.py) and checks the params come back exactly.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "edge/protocol/codec.h"
#include "edge/protocol/encoding.h"
#include "edge/protocol/params_transport.h"

namespace nimbus::protocol {
namespace {

namespace fs = std::filesystem;

std::string Dump(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

// Deep equality with numbers compared by value (the wire turns 5 into 5.0 for doubles).
bool SameJson(const rapidjson::Value& a, const rapidjson::Value& b) {
  if (a.IsNumber() && b.IsNumber()) {
    return std::fabs(a.GetDouble() - b.GetDouble()) < 1e-6;
  }
  if (a.GetType() != b.GetType()) {
    return false;
  }
  if (a.IsObject()) {
    if (a.MemberCount() != b.MemberCount()) {
      return false;
    }
    for (auto it = a.MemberBegin(); it != a.MemberEnd(); ++it) {
      auto other = b.FindMember(it->name);
      if (other == b.MemberEnd() || !SameJson(it->value, other->value)) {
        return false;
      }
    }
    return true;
  }
  if (a.IsArray()) {
    if (a.Size() != b.Size()) {
      return false;
    }
    for (rapidjson::SizeType i = 0; i < a.Size(); ++i) {
      if (!SameJson(a[i], b[i])) {
        return false;
      }
    }
    return true;
  }
  return a == b;
}

Protocol ProtocolNamed(const std::string& p) {
  if (p == "query") {
    return Protocol::kQuery;
  }
  return p == "json" ? Protocol::kJson : Protocol::kRestJson;
}

class CodecFixtureTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CodecFixtureTest, DecodesBotocoreRequestToSameParams) {
  std::ifstream in(GetParam());
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document fixture;
  fixture.Parse(text.str().c_str());
  ASSERT_FALSE(fixture.HasParseError()) << GetParam();

  const auto& r = fixture["request"];
  HttpRequest req;
  req.method = r["method"].GetString();
  req.path = r["path"].GetString();
  req.query = r["query"].GetString();
  req.body = Base64Decode(r["body_b64"].GetString()).value();
  for (auto it = r["headers"].MemberBegin(); it != r["headers"].MemberEnd(); ++it) {
    std::string name = it->name.GetString();
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    req.headers.emplace_back(name, it->value.GetString());
  }

  const auto* spec = SpecRegistry::Instance().Find(fixture["service"].GetString());
  ASSERT_NE(spec, nullptr);
  auto call = CodecFor(ProtocolNamed(fixture["protocol"].GetString())).Decode(req, *spec);
  ASSERT_TRUE(call.has_value()) << call.error().code << ": " << call.error().message;
  EXPECT_EQ(call->operation->name, fixture["operation"].GetString());
  ConvertBlobs(*call->operation->input, call->params, call->params.GetAllocator(), true);
  EXPECT_TRUE(SameJson(call->params, fixture["params"]))
      << "decoded:  " << Dump(call->params) << "\nexpected: " << Dump(fixture["params"]);
}

std::vector<std::string> Fixtures() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(NIMBUS_FIXTURES_DIR "/requests")) {
    out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(Botocore, CodecFixtureTest, ::testing::ValuesIn(Fixtures()),
                         [](const auto& info) {
                           std::string name = fs::path(info.param).stem().string();
                           for (auto& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) {
                               c = '_';
                             }
                           }
                           return name;
                         });

}  // namespace
}  // namespace nimbus::protocol
