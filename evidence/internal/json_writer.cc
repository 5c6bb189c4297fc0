#include "evidence/internal/json_writer.h"

#include <cstdio>

namespace authtrail::evidence::internal {
namespace {

Status AppendValue(dom::element e, int depth, std::string_view what, std::string* out);

Status AppendArray(dom::array a, int depth, std::string_view what, std::string* out) {
  out->push_back('[');
  bool first = true;
  for (dom::element v : a) {
    if (!first) out->push_back(',');
    first = false;
    AT_RETURN_IF_ERROR(AppendValue(v, depth + 1, what, out));
  }
  out->push_back(']');
  return Status::Ok();
}

Status AppendObject(dom::object o, int depth, std::string_view what, std::string* out) {
  out->push_back('{');
  bool first = true;
  for (dom::key_value_pair kv : o) {
    if (!first) out->push_back(',');
    first = false;
    AppendJsonString(kv.key, out);
    out->push_back(':');
    AT_RETURN_IF_ERROR(AppendValue(kv.value, depth + 1, what, out));
  }
  out->push_back('}');
  return Status::Ok();
}

Status AppendValue(dom::element e, int depth, std::string_view what, std::string* out) {
  if (depth > kMaxValueDepth) {
    return Status::Corruption(std::string(what) + ": nested deeper than " +
                              std::to_string(kMaxValueDepth));
  }
  switch (e.type()) {
    case dom::element_type::ARRAY:
      return AppendArray(dom::array(e), depth, what, out);
    case dom::element_type::OBJECT:
      return AppendObject(dom::object(e), depth, what, out);
    case dom::element_type::INT64:
      *out += std::to_string(int64_t(e));
      return Status::Ok();
    case dom::element_type::UINT64:
      *out += std::to_string(uint64_t(e));
      return Status::Ok();
    case dom::element_type::STRING:
      AppendJsonString(std::string_view(e), out);
      return Status::Ok();
    case dom::element_type::BOOL:
      *out += bool(e) ? "true" : "false";
      return Status::Ok();
    case dom::element_type::NULL_VALUE:
      *out += "null";
      return Status::Ok();
    case dom::element_type::DOUBLE:
      break;
  }
  return Status::Corruption(std::string(what) + ": floating-point numbers are not allowed");
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    switch (c) {
      case '"':
        *out += "\\\"";
        break;
      case '\\':
        *out += "\\\\";
        break;
      case '\b':
        *out += "\\b";
        break;
      case '\f':
        *out += "\\f";
        break;
      case '\n':
        *out += "\\n";
        break;
      case '\r':
        *out += "\\r";
        break;
      case '\t':
        *out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
          *out += buf;
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

Result<std::string> CanonicalJson(dom::element e, std::string_view what) {
  std::string out;
  AT_RETURN_IF_ERROR(AppendValue(e, 1, what, &out));
  return out;
}

}  // namespace authtrail::evidence::internal
