// SHA-256 and hex encoding.
//
// SHA-256 comes from OpenSSL's libcrypto, which uses the CPU's SHA extensions
// (SHA-NI) when present: ~300 ns for a 250-byte record against ~1,450 ns with
// libsodium's portable code (measured on this machine) — the integrity chain
// hashes every record. The low-level SHA256_* calls are deprecated in OpenSSL
// 3 in favour of EVP, whose per-call context allocation would cost more than
// the hash itself here; sha256.cc suppresses the deprecation.
//
// Thread-safety: Sha256 is thread-compatible (and copyable: a copy continues
// independently); free functions are thread-safe.
#pragma once

#include <openssl/sha.h>

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
  SHA256_CTX state_;
};

Digest Sha256Of(std::string_view bytes);
std::string Hex(std::string_view bytes);
std::string Hex(const Digest& d);
// Decodes lowercase/uppercase hex; false on odd length or a non-hex character.
bool FromHex(std::string_view hex, std::string* out);

}  // namespace authtrail
