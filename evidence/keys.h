// Ed25519 keys for signing checkpoints (libsodium), in the PEM formats that
// OpenSSL and every other X.509 toolkit read, so an auditor needs none of our
// code to check a signature:
//   public key:  "PUBLIC KEY" PEM, SubjectPublicKeyInfo (RFC 8410), DER
//                30 2a 30 05 06 03 2b 65 70 03 21 00 || 32-byte key
//                (OID 1.3.101.112 = id-Ed25519)
//   private key: "PRIVATE KEY" PEM, PKCS#8 v1 OneAsymmetricKey (RFC 8410), DER
//                30 2e 02 01 00 30 05 06 03 2b 65 70 04 22 04 20 || 32-byte seed
// These are the bytes `openssl genpkey -algorithm ed25519` and `openssl pkey
// -pubout` write, and the only encodings accepted on read (no other
// algorithm, no optional attributes): a key file is evidence input, so
// anything unexpected is refused rather than guessed at.
//
// A key pair on disk is PREFIX.key (private, created with mode 0600 and
// O_EXCL: never overwritten, never readable by others) and PREFIX.pub.pem.
//
// Thread-safety: all functions are thread-safe; SigningKey is
// thread-compatible and move-only (it wipes its secret on destruction).
#pragma once

#include <sodium.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace authtrail::evidence {

using PublicKey = std::array<uint8_t, crypto_sign_PUBLICKEYBYTES>;
inline constexpr size_t kSignatureBytes = crypto_sign_BYTES;  // 64

class SigningKey {
 public:
  // A fresh key from libsodium's CSPRNG. kUnsupported if libsodium fails to initialise.
  static Result<SigningKey> Generate();
  // The key whose RFC 8032 seed (the "private key" of RFC 8410) is `seed`.
  static SigningKey FromSeed(const std::array<uint8_t, crypto_sign_SEEDBYTES>& seed);

  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  ~SigningKey();

  PublicKey public_key() const;
  // The 64-byte Ed25519 signature of `message` (deterministic, RFC 8032).
  std::string Sign(std::string_view message) const;
  // "PRIVATE KEY" PEM (PKCS#8). The caller should wipe the string after use.
  std::string ToPem() const;

 private:
  SigningKey() = default;
  std::array<uint8_t, crypto_sign_SECRETKEYBYTES> secret_{};  // seed || public key
};

// True iff `signature` is a valid Ed25519 signature of `message` under `key`.
[[nodiscard]] bool VerifySignature(const PublicKey& key, std::string_view message,
                                   std::string_view signature);

// "PUBLIC KEY" PEM of `key` (64-column base64 lines, trailing newline).
std::string PublicKeyToPem(const PublicKey& key);
// The SubjectPublicKeyInfo DER bytes (44 bytes) that PublicKeyToPem wraps.
std::string PublicKeyDer(const PublicKey& key);
// SHA-256 of PublicKeyDer as 64 hex digits: names a key in checkpoint files;
// `openssl pkey -pubin -in K.pub.pem -outform DER | sha256sum` prints the same.
std::string KeyFingerprint(const PublicKey& key);

// Parse PEM text. kInvalidArgument naming what is wrong (no PEM block, bad
// base64, not Ed25519, wrong length).
Result<PublicKey> PublicKeyFromPem(std::string_view pem);
Result<SigningKey> SigningKeyFromPem(std::string_view pem);

// Writes PREFIX.pub.pem (mode 0644) then PREFIX.key (mode 0600), each created
// with O_EXCL. kAlreadyExists if either exists (nothing is written or the
// public file just created is removed again); kIOError on other failures.
Status WriteKeyPair(const std::string& prefix, const SigningKey& key);

// Reads a private key file. kFailedPrecondition if group or others may read
// it (as ssh does: a leaked signing key forges evidence); kNotFound,
// kIOError, or PEM errors as above.
Result<SigningKey> ReadSigningKey(const std::string& path);
Result<PublicKey> ReadPublicKey(const std::string& path);

}  // namespace authtrail::evidence
