#include "evidence/internal/json_reader.h"

#include <algorithm>

namespace authtrail::evidence::internal {
namespace {

bool IsLowerHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

}  // namespace

Result<dom::element> ParseDocument(dom::parser* parser, std::string_view text,
                                   std::string_view what) {
  dom::element doc;
  auto error = parser->parse(text.data(), text.size(), /*realloc_if_needed=*/true).get(doc);
  if (error) {
    return Status::Corruption(std::string(what) + ": not valid JSON (" +
                              simdjson::error_message(error) + ")");
  }
  return doc;
}

bool ParseHexHash(std::string_view hex, Hash* out) {
  if (hex.size() != 64 || !IsLowerHex(hex)) return false;
  std::string bytes;
  if (!FromHex(hex, &bytes)) return false;
  std::copy(bytes.begin(), bytes.end(), out->begin());
  return true;
}

Result<ObjectReader> ObjectReader::Make(dom::element e, std::string what) {
  dom::object obj;
  if (e.get_object().get(obj)) return Status::Corruption(what + ": expected a JSON object");
  ObjectReader r;
  r.what_ = std::move(what);
  for (dom::key_value_pair kv : obj) {
    if (r.Has(kv.key)) return r.Error(kv.key, "appears more than once");
    r.fields_.emplace_back(kv.key, kv.value);
  }
  r.used_.assign(r.fields_.size(), false);
  return r;
}

Status ObjectReader::Error(std::string_view key, std::string_view problem) const {
  return Status::Corruption(what_ + "." + std::string(key) + ": " + std::string(problem));
}

bool ObjectReader::Has(std::string_view key) const {
  return std::any_of(fields_.begin(), fields_.end(), [&](const auto& f) { return f.first == key; });
}

Result<dom::element> ObjectReader::Get(std::string_view key) {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].first != key) continue;
    used_[i] = true;
    return fields_[i].second;
  }
  return Error(key, "missing");
}

Result<std::string_view> ObjectReader::String(std::string_view key) {
  AT_ASSIGN_OR_RETURN(dom::element e, Get(key));
  std::string_view s;
  if (e.get_string().get(s)) return Error(key, "expected a string");
  return s;
}

Result<uint64_t> ObjectReader::Uint(std::string_view key) {
  AT_ASSIGN_OR_RETURN(dom::element e, Get(key));
  uint64_t v;
  if (e.get_uint64().get(v)) return Error(key, "expected a non-negative integer");
  return v;
}

Result<Hash> ObjectReader::HexHash(std::string_view key) {
  AT_ASSIGN_OR_RETURN(std::string_view s, String(key));
  Hash h;
  if (!ParseHexHash(s, &h)) return Error(key, "expected 64 lowercase hex digits");
  return h;
}

Result<dom::array> ObjectReader::Array(std::string_view key) {
  AT_ASSIGN_OR_RETURN(dom::element e, Get(key));
  dom::array a;
  if (e.get_array().get(a)) return Error(key, "expected an array");
  return a;
}

std::vector<std::string_view> ObjectReader::Keys() const {
  std::vector<std::string_view> keys;
  for (const auto& f : fields_) keys.push_back(f.first);
  return keys;
}

Status ObjectReader::Finish() const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (!used_[i]) return Error(fields_[i].first, "unknown field");
  }
  return Status::Ok();
}

}  // namespace authtrail::evidence::internal
