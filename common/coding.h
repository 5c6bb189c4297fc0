// Big-endian fixed-width integer coding for RocksDB keys, so that byte order
// equals numeric order. Signed values are stored with the sign bit flipped.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace authtrail {

inline void PutBigEndian64(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}

inline void PutBigEndian32(std::string* dst, uint32_t v) {
  char buf[4];
  for (int i = 3; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 4);
}

inline void PutBigEndian16(std::string* dst, uint16_t v) {
  dst->push_back(static_cast<char>(v >> 8));
  dst->push_back(static_cast<char>(v & 0xff));
}

// REQUIRES: p points at >= 8 readable bytes.
inline uint64_t GetBigEndian64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | static_cast<uint8_t>(p[i]);
  return v;
}

inline uint32_t GetBigEndian32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = v << 8 | static_cast<uint8_t>(p[i]);
  return v;
}

inline uint16_t GetBigEndian16(const char* p) {
  return static_cast<uint16_t>(static_cast<uint8_t>(p[0]) << 8 | static_cast<uint8_t>(p[1]));
}

// Order-preserving encoding of a signed 64-bit value.
inline void PutOrderedInt64(std::string* dst, int64_t v) {
  PutBigEndian64(dst, static_cast<uint64_t>(v) ^ (uint64_t{1} << 63));
}
inline int64_t GetOrderedInt64(const char* p) {
  return static_cast<int64_t>(GetBigEndian64(p) ^ (uint64_t{1} << 63));
}

}  // namespace authtrail
