// Standard base64 with padding (RFC 4648 §4) through libsodium, internal to
// evidence/: PEM bodies and signatures in evidence files.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <sodium.h>

#include <string>
#include <string_view>

namespace authtrail::evidence::internal {

inline std::string Base64Encode(std::string_view bin) {
  std::string out(sodium_base64_ENCODED_LEN(bin.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bin.data()),
                    bin.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

// Decodes `b64`, skipping the characters in `ignore` (nullptr: none). False
// on any other character, bad padding, or non-zero padding bits.
inline bool Base64Decode(std::string_view b64, std::string* out, const char* ignore = nullptr) {
  std::string bin(b64.size() / 4 * 3 + 3, '\0');
  size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(bin.data()), bin.size(), b64.data(),
                        b64.size(), ignore, &len, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != b64.data() + b64.size()) {
    return false;
  }
  bin.resize(len);
  *out = std::move(bin);
  return true;
}

}  // namespace authtrail::evidence::internal
