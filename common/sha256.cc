#include "common/sha256.h"

#include <cstdlib>

namespace authtrail {
namespace {
// libsodium must be initialised once before use; sodium_init is idempotent
// and thread-safe.
void EnsureSodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();  // no entropy source: nothing in authtrail can work
}
}  // namespace

Sha256::Sha256() {
  EnsureSodium();
  crypto_hash_sha256_init(&state_);
}

void Sha256::Update(std::string_view bytes) {
  crypto_hash_sha256_update(&state_, reinterpret_cast<const unsigned char*>(bytes.data()),
                            bytes.size());
}

Digest Sha256::Finish() {
  Digest d;
  crypto_hash_sha256_final(&state_, d.data());
  return d;
}

Digest Sha256Of(std::string_view bytes) {
  Sha256 h;
  h.Update(bytes);
  return h.Finish();
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string Hex(const Digest& d) {
  return Hex(std::string_view(reinterpret_cast<const char*>(d.data()), d.size()));
}

bool FromHex(std::string_view hex, std::string* out) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return false;
  std::string r;
  r.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    r += static_cast<char>(hi << 4 | lo);
  }
  *out = std::move(r);
  return true;
}

}  // namespace authtrail
