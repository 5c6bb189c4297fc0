#include "evidence/keys.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "common/sha256.h"
#include "tests/support/test_support.h"

namespace authtrail::evidence {
namespace {

using ::authtrail::testing::ReadFile;
using ::authtrail::testing::TempDir;
using ::authtrail::testing::WriteFile;

std::array<uint8_t, 32> Array32(const char* hex) {
  std::string bytes;
  EXPECT_TRUE(FromHex(hex, &bytes));
  std::array<uint8_t, 32> a{};
  std::copy_n(bytes.begin(), std::min<size_t>(32, bytes.size()), a.begin());
  return a;
}

// Runs `command` with /bin/sh; returns its exit status (-1 if it did not exit).
int Shell(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool HaveOpenssl() { return Shell("openssl version >/dev/null 2>&1") == 0; }

mode_t Mode(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

// RFC 8032 §7.1 TEST 1.
constexpr char kRfcSeed[] = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr char kRfcPublic[] = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
constexpr char kRfcSignature[] =
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b"
    "46bd25bf5f0595bbe24655141438e7a100b";

TEST(SigningKey, MatchesRfc8032TestVector) {
  SigningKey key = SigningKey::FromSeed(Array32(kRfcSeed));
  EXPECT_EQ(Hex(std::string_view(reinterpret_cast<const char*>(key.public_key().data()), 32)),
            kRfcPublic);
  EXPECT_EQ(Hex(key.Sign("")), kRfcSignature);
}

TEST(SigningKey, SignaturesVerifyOnlyForTheSameMessageAndKey) {
  auto key = SigningKey::Generate();
  ASSERT_OK(key.status());
  auto other = SigningKey::Generate();
  ASSERT_OK(other.status());
  std::string sig = key->Sign("message");
  EXPECT_TRUE(VerifySignature(key->public_key(), "message", sig));
  EXPECT_FALSE(VerifySignature(key->public_key(), "messagE", sig));
  EXPECT_FALSE(VerifySignature(other->public_key(), "message", sig));
  sig[10] ^= 1;
  EXPECT_FALSE(VerifySignature(key->public_key(), "message", sig));
  EXPECT_FALSE(VerifySignature(key->public_key(), "message", sig.substr(0, 63)));
}

TEST(KeyPem, PublicKeyIsRfc8410SubjectPublicKeyInfo) {
  PublicKey pk = Array32(kRfcPublic);
  EXPECT_EQ(Hex(PublicKeyDer(pk)), std::string("302a300506032b6570032100") + kRfcPublic);
  std::string pem = PublicKeyToPem(pk);
  EXPECT_EQ(pem,
            "-----BEGIN PUBLIC KEY-----\n"
            "MCowBQYDK2VwAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
            "-----END PUBLIC KEY-----\n");
  auto back = PublicKeyFromPem(pem);
  ASSERT_OK(back.status());
  EXPECT_EQ(*back, pk);
  EXPECT_EQ(KeyFingerprint(pk), Hex(Sha256Of(PublicKeyDer(pk))));
}

TEST(KeyPem, PrivateKeyRoundTripsThroughPkcs8) {
  SigningKey key = SigningKey::FromSeed(Array32(kRfcSeed));
  std::string pem = key.ToPem();
  EXPECT_EQ(pem.rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u);
  auto back = SigningKeyFromPem(pem);
  ASSERT_OK(back.status());
  EXPECT_EQ(back->public_key(), key.public_key());
  EXPECT_EQ(back->Sign("x"), key.Sign("x"));
}

TEST(KeyPem, RejectsWhatIsNotAnEd25519Key) {
  EXPECT_EQ(PublicKeyFromPem("hello").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(PublicKeyFromPem("-----BEGIN PUBLIC KEY-----\n!!!!\n-----END PUBLIC KEY-----\n")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  // X25519 (OID 1.3.101.110) has the same shape but is not a signing key.
  auto x25519 = PublicKeyFromPem(
      "-----BEGIN PUBLIC KEY-----\n"
      "MCowBQYDK2VuAyEA11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=\n"
      "-----END PUBLIC KEY-----\n");
  EXPECT_EQ(x25519.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(x25519.status().message().find("1.3.101.112"), std::string::npos);
  // A public key where a private key is expected.
  EXPECT_FALSE(SigningKeyFromPem(PublicKeyToPem(Array32(kRfcPublic))).ok());
}

TEST(KeyFiles, WriteCreatesPrivateFile0600AndNeverOverwrites) {
  TempDir dir;
  auto key = SigningKey::Generate();
  ASSERT_OK(key.status());
  std::string prefix = dir.Sub("signer");
  ASSERT_OK(WriteKeyPair(prefix, *key));
  EXPECT_EQ(Mode(prefix + ".key"), 0600u);
  auto read_back = ReadSigningKey(prefix + ".key");
  ASSERT_OK(read_back.status());
  EXPECT_EQ(read_back->public_key(), key->public_key());
  auto pub = ReadPublicKey(prefix + ".pub.pem");
  ASSERT_OK(pub.status());
  EXPECT_EQ(*pub, key->public_key());

  std::string before = ReadFile(prefix + ".key");
  auto another = SigningKey::Generate();
  ASSERT_OK(another.status());
  EXPECT_EQ(WriteKeyPair(prefix, *another).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(ReadFile(prefix + ".key"), before);
}

TEST(KeyFiles, ExistingPublicFileLeavesNoPrivateKeyBehind) {
  TempDir dir;
  std::string prefix = dir.Sub("k");
  WriteFile(prefix + ".pub.pem", "someone else's\n");
  auto key = SigningKey::Generate();
  ASSERT_OK(key.status());
  EXPECT_EQ(WriteKeyPair(prefix, *key).code(), StatusCode::kAlreadyExists);
  EXPECT_FALSE(std::filesystem::exists(prefix + ".key"));
  EXPECT_EQ(ReadFile(prefix + ".pub.pem"), "someone else's\n");
}

TEST(KeyFiles, RefusesPrivateKeyReadableByOthers) {
  TempDir dir;
  std::string path = dir.Sub("k.key");
  WriteFile(path, SigningKey::FromSeed(Array32(kRfcSeed)).ToPem());
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  auto key = ReadSigningKey(path);
  EXPECT_EQ(key.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(key.status().message().find("chmod 600"), std::string::npos);
  EXPECT_EQ(ReadSigningKey(dir.Sub("missing.key")).status().code(), StatusCode::kNotFound);
}

TEST(KeyFiles, OpensslReadsOurKeysAndWeReadOpensslKeys) {
  ASSERT_TRUE(HaveOpenssl()) << "the openssl command is required (.ci/install-deps installs it)";
  TempDir dir;
  SigningKey key = SigningKey::FromSeed(Array32(kRfcSeed));
  ASSERT_OK(WriteKeyPair(dir.Sub("ours"), key));
  ASSERT_EQ(Shell("openssl pkey -in " + dir.Sub("ours.key") + " -pubout -out " +
                  dir.Sub("derived.pem") + " 2>/dev/null"),
            0);
  EXPECT_EQ(ReadFile(dir.Sub("derived.pem")), ReadFile(dir.Sub("ours.pub.pem")));

  ASSERT_EQ(
      Shell("openssl genpkey -algorithm ed25519 -out " + dir.Sub("theirs.key") +
            " 2>/dev/null && chmod 600 " + dir.Sub("theirs.key") + " && openssl pkey -in " +
            dir.Sub("theirs.key") + " -pubout -out " + dir.Sub("theirs.pub.pem") + " 2>/dev/null"),
      0);
  auto theirs = ReadSigningKey(dir.Sub("theirs.key"));
  ASSERT_OK(theirs.status());
  EXPECT_EQ(PublicKeyToPem(theirs->public_key()), ReadFile(dir.Sub("theirs.pub.pem")));
}

}  // namespace
}  // namespace authtrail::evidence
