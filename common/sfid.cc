#include "common/sfid.h"

namespace authtrail {
namespace {
bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
}  // namespace

bool LooksLikeSalesforceId(std::string_view s) {
  if (s.size() != 15 && s.size() != 18) return false;
  for (char c : s) {
    if (!IsAlnum(c)) return false;
  }
  return true;
}

std::string SalesforceIdSuffix(std::string_view s) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";
  std::string suffix;
  for (int chunk = 0; chunk < 3; ++chunk) {
    int bits = 0;
    for (int i = 0; i < 5; ++i) {
      char c = s[static_cast<size_t>(chunk * 5 + i)];
      if (c >= 'A' && c <= 'Z') bits |= 1 << i;
    }
    suffix += kAlphabet[bits];
  }
  return suffix;
}

Result<std::string> NormalizeSalesforceId(std::string_view s) {
  if (!LooksLikeSalesforceId(s)) {
    return Status::InvalidArgument("not a Salesforce id (expected 15 or 18 letters and digits)");
  }
  std::string expected = SalesforceIdSuffix(s);
  if (s.size() == 15) return std::string(s) + expected;
  if (s.substr(15) != expected) {
    return Status::InvalidArgument("18-character id suffix does not match (expected " +
                                   std::string(s.substr(0, 15)) + expected + ")");
  }
  return std::string(s);
}

Result<std::string> NormalizeIdOrName(std::string_view s) {
  if (!LooksLikeSalesforceId(s)) return std::string(s);
  return NormalizeSalesforceId(s);
}

}  // namespace authtrail
