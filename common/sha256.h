// SHA-256 (libsodium) and hex encoding.
//
// Thread-safety: Sha256 is thread-compatible; free functions are thread-safe.
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace authtrail {

using Digest = std::array<uint8_t, 32>;

// Incremental SHA-256.
class Sha256 {
 public:
  Sha256();
  void Update(std::string_view bytes);
  void Update(const Digest& d) {
    Update(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
  }
  Digest Finish();  // the object must not be updated after Finish()

 private:
  crypto_hash_sha256_state state_;
};

Digest Sha256Of(std::string_view bytes);
std::string Hex(std::string_view bytes);
std::string Hex(const Digest& d);
// Decodes lowercase/uppercase hex; false on odd length or a non-hex character.
bool FromHex(std::string_view hex, std::string* out);

}  // namespace authtrail
