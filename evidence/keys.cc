#include "evidence/keys.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "common/sha256.h"
#include "evidence/internal/base64.h"

namespace authtrail::evidence {
namespace {

// RFC 8410 §4 and §7 DER headers; the key bytes follow.
constexpr uint8_t kSpkiPrefix[] = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03,
                                   0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};
constexpr uint8_t kPkcs8Prefix[] = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06,
                                    0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20};
constexpr std::string_view kPublicLabel = "PUBLIC KEY";
constexpr std::string_view kPrivateLabel = "PRIVATE KEY";

std::string_view Bytes(const uint8_t* p, size_t n) {
  return std::string_view(reinterpret_cast<const char*>(p), n);
}

bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string Pem(std::string_view label, std::string_view der) {
  std::string b64 = internal::Base64Encode(der);
  std::string out = "-----BEGIN " + std::string(label) + "-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) out += b64.substr(i, 64) + "\n";
  out += "-----END " + std::string(label) + "-----\n";
  sodium_memzero(b64.data(), b64.size());
  return out;
}

// The DER inside the first `label` PEM block of `pem`.
Result<std::string> PemDer(std::string_view pem, std::string_view label) {
  std::string begin = "-----BEGIN " + std::string(label) + "-----";
  std::string end = "-----END " + std::string(label) + "-----";
  size_t b = pem.find(begin);
  size_t e = b == std::string_view::npos ? b : pem.find(end, b);
  if (e == std::string_view::npos) {
    return Status::InvalidArgument("no '" + begin + "' ... '" + end + "' block");
  }
  std::string_view b64 = pem.substr(b + begin.size(), e - b - begin.size());
  std::string der;
  if (!internal::Base64Decode(b64, &der, " \t\r\n")) {
    return Status::InvalidArgument("bad base64 in the " + std::string(label) + " block");
  }
  return der;
}

// Splits DER into the key bytes after `prefix`, or says why it is not Ed25519.
Result<std::string> KeyAfter(std::string_view der, std::string_view prefix, size_t key_len,
                             std::string_view what) {
  if (der.size() != prefix.size() + key_len || der.substr(0, prefix.size()) != prefix) {
    return Status::InvalidArgument(std::string(what) +
                                   " is not an Ed25519 key in RFC 8410 form "
                                   "(OID 1.3.101.112, no optional fields)");
  }
  return std::string(der.substr(prefix.size()));
}

Result<std::string> ReadWhole(int fd, const std::string& path) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n == 0) break;
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IOError(path + ": " + std::strerror(errno));
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > (1 << 16)) return Status::InvalidArgument(path + ": too large for a key file");
  }
  return out;
}

Status OpenError(const std::string& path) {
  std::string m = path + ": " + std::strerror(errno);
  if (errno == ENOENT) return Status::NotFound(m);
  if (errno == EEXIST) return Status::AlreadyExists(m);
  return Status::IOError(m);
}

// Creates `path` (O_EXCL, `mode`) holding `content`, synced to disk.
Status WriteNewFile(const std::string& path, std::string_view content, mode_t mode) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return OpenError(path);
  size_t done = 0;
  while (done < content.size()) {
    ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    done += static_cast<size_t>(n);
  }
  bool ok = done == content.size() && fsync(fd) == 0;
  std::string err = std::strerror(errno);
  if (close(fd) != 0) ok = false;
  if (!ok) {
    unlink(path.c_str());
    return Status::IOError(path + ": " + err);
  }
  return Status::Ok();
}

Result<std::string> ReadKeyFile(const std::string& path, bool secret) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OpenError(path);
  struct stat st {};
  if (secret && fstat(fd, &st) != 0) {
    Status s = Status::IOError(path + ": " + std::strerror(errno));
    close(fd);
    return s;
  }
  if (secret && (st.st_mode & 077) != 0) {
    close(fd);
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::FailedPrecondition(path + ": private key is readable by group or others (mode " +
                                      mode + "); run: chmod 600 " + path);
  }
  auto text = ReadWhole(fd, path);
  close(fd);
  return text;
}

}  // namespace

Result<SigningKey> SigningKey::Generate() {
  if (!SodiumReady()) return Status::Unsupported("libsodium failed to initialise");
  std::array<uint8_t, crypto_sign_SEEDBYTES> seed;
  randombytes_buf(seed.data(), seed.size());
  SigningKey key = FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

SigningKey SigningKey::FromSeed(const std::array<uint8_t, crypto_sign_SEEDBYTES>& seed) {
  (void)SodiumReady();  // picks implementations; seeding itself needs no randomness
  SigningKey key;
  PublicKey pk;
  crypto_sign_seed_keypair(pk.data(), key.secret_.data(), seed.data());
  return key;
}

SigningKey::SigningKey(SigningKey&& other) noexcept : secret_(other.secret_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this == &other) return *this;
  secret_ = other.secret_;
  sodium_memzero(other.secret_.data(), other.secret_.size());
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

PublicKey SigningKey::public_key() const {
  PublicKey pk;
  crypto_sign_ed25519_sk_to_pk(pk.data(), secret_.data());
  return pk;
}

std::string SigningKey::Sign(std::string_view message) const {
  std::string sig(kSignatureBytes, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                       secret_.data());
  return sig;
}

std::string SigningKey::ToPem() const {
  std::string der = std::string(Bytes(kPkcs8Prefix, sizeof kPkcs8Prefix)) +
                    std::string(Bytes(secret_.data(), crypto_sign_SEEDBYTES));
  std::string pem = Pem(kPrivateLabel, der);
  sodium_memzero(der.data(), der.size());
  return pem;
}

bool VerifySignature(const PublicKey& key, std::string_view message, std::string_view signature) {
  if (signature.size() != kSignatureBytes || !SodiumReady()) return false;
  return crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature.data()),
                                     reinterpret_cast<const unsigned char*>(message.data()),
                                     message.size(), key.data()) == 0;
}

std::string PublicKeyDer(const PublicKey& key) {
  return std::string(Bytes(kSpkiPrefix, sizeof kSpkiPrefix)) +
         std::string(Bytes(key.data(), key.size()));
}

std::string PublicKeyToPem(const PublicKey& key) { return Pem(kPublicLabel, PublicKeyDer(key)); }

std::string KeyFingerprint(const PublicKey& key) { return Hex(Sha256Of(PublicKeyDer(key))); }

Result<PublicKey> PublicKeyFromPem(std::string_view pem) {
  AT_ASSIGN_OR_RETURN(std::string der, PemDer(pem, kPublicLabel));
  AT_ASSIGN_OR_RETURN(std::string raw, KeyAfter(der, Bytes(kSpkiPrefix, sizeof kSpkiPrefix),
                                                crypto_sign_PUBLICKEYBYTES, "public key"));
  PublicKey key;
  std::copy(raw.begin(), raw.end(), key.begin());
  return key;
}

Result<SigningKey> SigningKeyFromPem(std::string_view pem) {
  AT_ASSIGN_OR_RETURN(std::string der, PemDer(pem, kPrivateLabel));
  auto raw =
      KeyAfter(der, Bytes(kPkcs8Prefix, sizeof kPkcs8Prefix), crypto_sign_SEEDBYTES, "private key");
  sodium_memzero(der.data(), der.size());
  if (!raw.ok()) return raw.status();
  std::array<uint8_t, crypto_sign_SEEDBYTES> seed;
  std::copy(raw->begin(), raw->end(), seed.begin());
  sodium_memzero(raw->data(), raw->size());
  SigningKey key = SigningKey::FromSeed(seed);
  sodium_memzero(seed.data(), seed.size());
  return key;
}

Status WriteKeyPair(const std::string& prefix, const SigningKey& key) {
  const std::string pub_path = prefix + ".pub.pem", key_path = prefix + ".key";
  // Refuse before writing anything when the private file is already there.
  if (access(key_path.c_str(), F_OK) == 0) return Status::AlreadyExists(key_path + ": exists");
  AT_RETURN_IF_ERROR(WriteNewFile(pub_path, PublicKeyToPem(key.public_key()), 0644));
  std::string pem = key.ToPem();
  Status s = WriteNewFile(key_path, pem, 0600);
  sodium_memzero(pem.data(), pem.size());
  if (!s.ok()) unlink(pub_path.c_str());
  return s;
}

Result<SigningKey> ReadSigningKey(const std::string& path) {
  AT_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path, /*secret=*/true));
  auto key = SigningKeyFromPem(pem);
  sodium_memzero(pem.data(), pem.size());
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

Result<PublicKey> ReadPublicKey(const std::string& path) {
  AT_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path, /*secret=*/false));
  auto key = PublicKeyFromPem(pem);
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

}  // namespace authtrail::evidence
