#include "cli/function_folder.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

namespace nimbus::cli {
namespace fs = std::filesystem;

namespace {

std::string OptString(const rapidjson::Value& doc, const char* key) {
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || it->value.IsNull()) {
    return "";
  }
  if (!it->value.IsString()) {
    throw std::invalid_argument(std::string("lambda.json: \"") + key + "\" must be a string");
  }
  return it->value.GetString();
}

int OptInt(const rapidjson::Value& doc, const char* key, int fallback) {
  auto it = doc.FindMember(key);
  if (it == doc.MemberEnd() || it->value.IsNull()) {
    return fallback;
  }
  if (!it->value.IsInt()) {
    throw std::invalid_argument(std::string("lambda.json: \"") + key + "\" must be an integer");
  }
  return it->value.GetInt();
}

}  // namespace

std::string InferRuntime(const std::string& dir_text, const std::string& handler) {
  fs::path dir(dir_text);
  std::string module = handler.substr(0, handler.rfind('.'));
  std::error_code ec;
  if (fs::exists(dir / (module + ".py"), ec) || fs::exists(dir / module / "__init__.py", ec)) {
    return "python3.12";
  }
  for (const char* ext : {".js", ".mjs", ".cjs"}) {
    if (fs::exists(dir / (module + ext), ec)) {
      return "nodejs20.x";
    }
  }
  if (fs::exists(dir / "bootstrap", ec)) {
    return "provided.al2023";
  }
  return "";
}

void CheckLimits(int timeout, int memory) {
  if (timeout < 1 || timeout > 900) {
    throw std::invalid_argument("timeout must be between 1 and 900 seconds, got " +
                                std::to_string(timeout));
  }
  if (memory < 128 || memory > 10240) {
    throw std::invalid_argument("memory must be between 128 and 10240 MB, got " +
                                std::to_string(memory));
  }
}

FunctionFolder LoadFunctionFolder(const std::string& dir_arg) {
  std::error_code ec;
  fs::path dir = fs::weakly_canonical(fs::absolute(dir_arg, ec), ec);
  if (ec || !fs::is_directory(dir)) {
    throw std::invalid_argument("not a folder: " + dir_arg);
  }
  fs::path manifest = dir / "lambda.json";
  std::ifstream in(manifest);
  if (!in) {
    throw std::invalid_argument("no lambda.json in " + dir.string());
  }
  std::stringstream text;
  text << in.rdbuf();
  rapidjson::Document doc;
  doc.Parse(text.str().c_str());
  if (doc.HasParseError()) {
    throw std::invalid_argument(std::string("lambda.json: ") +
                                rapidjson::GetParseError_En(doc.GetParseError()) + " at offset " +
                                std::to_string(doc.GetErrorOffset()));
  }
  if (!doc.IsObject()) {
    throw std::invalid_argument("lambda.json: expected a JSON object");
  }
  FunctionFolder f;
  f.dir = dir.string();
  f.name = OptString(doc, "name");
  if (f.name.empty()) {
    f.name = dir.filename().string();
  }
  f.description = OptString(doc, "description");
  f.region = OptString(doc, "region");
  f.handler = OptString(doc, "handler");
  f.role = OptString(doc, "role");
  f.runtime = OptString(doc, "runtime");
  f.timeout = OptInt(doc, "timeout", 3);
  f.memory = OptInt(doc, "memory", 128);
  if (f.handler.empty()) {
    throw std::invalid_argument("lambda.json: \"handler\" is required");
  }
  if (f.runtime.empty()) {
    f.runtime = InferRuntime(dir.string(), f.handler);
    if (f.runtime.empty()) {
      throw std::invalid_argument("lambda.json: no \"runtime\", and none can be inferred from "
                                  "handler \"" + f.handler + "\"");
    }
  }
  if (auto it = doc.FindMember("variables"); it != doc.MemberEnd() && !it->value.IsNull()) {
    if (!it->value.IsObject()) {
      throw std::invalid_argument("lambda.json: \"variables\" must be an object");
    }
    for (const auto& m : it->value.GetObject()) {
      if (m.value.IsString()) {
        f.variables[m.name.GetString()] = m.value.GetString();
      } else if (m.value.IsNumber() || m.value.IsBool()) {
        // lambda-uploader passes these through to AWS, which wants strings: stringify.
        f.variables[m.name.GetString()] =
            m.value.IsBool() ? (m.value.GetBool() ? "true" : "false")
            : m.value.IsInt64() ? std::to_string(m.value.GetInt64())
                                : std::to_string(m.value.GetDouble());
      } else {
        throw std::invalid_argument(std::string("lambda.json: variable \"") +
                                    m.name.GetString() + "\" must be a string");
      }
    }
  }
  CheckLimits(f.timeout, f.memory);
  return f;
}

}  // namespace nimbus::cli
