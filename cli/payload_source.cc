#include "cli/payload_source.h"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include "cli/http_fetch.h"

namespace nimbus::cli {
namespace {

void CheckJson(const std::string& text, const std::string& where) {
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError()) {
    throw std::invalid_argument(where + ": invalid JSON (" +
                                rapidjson::GetParseError_En(doc.GetParseError()) +
                                " at offset " + std::to_string(doc.GetErrorOffset()) + ")");
  }
}

}  // namespace

std::vector<std::string> SplitNdjson(const std::string& text, const std::string& origin) {
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (line.find_first_not_of(" \t") == std::string::npos) {
      continue;
    }
    CheckJson(line, origin + " line " + std::to_string(number));
    out.push_back(std::move(line));
  }
  if (out.empty()) {
    throw std::invalid_argument(origin + ": no events (expected one JSON document per line)");
  }
  return out;
}

std::vector<std::string> LoadPayloads(const std::string& arg) {
  if (arg.empty()) {
    return {"{}"};
  }
  if (arg.rfind("file://", 0) == 0) {
    std::string path = arg.substr(7);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      throw std::runtime_error("cannot read payload file " + path);
    }
    std::stringstream text;
    text << in.rdbuf();
    return SplitNdjson(text.str(), path);
  }
  if (arg.rfind("http://", 0) == 0 || arg.rfind("https://", 0) == 0) {
    return SplitNdjson(HttpGet(arg), arg);
  }
  CheckJson(arg, "--payload");
  return {arg};
}

}  // namespace nimbus::cli
