#include "evidence/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>

#include "evidence/internal/base64.h"
#include "tests/support/test_support.h"

namespace authtrail::evidence {
namespace {

using ::authtrail::testing::TempDir;
using ::authtrail::testing::WriteFile;

SigningKey TestKey(uint8_t fill = 7) {
  std::array<uint8_t, 32> seed;
  seed.fill(fill);
  return SigningKey::FromSeed(seed);
}

Checkpoint Sample() {
  Checkpoint c;
  c.store_id = "00112233445566778899aabbccddeeff";
  c.tree_size = 1234567;
  c.root = Sha256Of("root");
  c.time = *ParseRfc3339("2026-11-23T18:00:00.5Z");
  return c;
}

SignedCheckpoint SignedSample(const SigningKey& key) {
  auto s = SignCheckpoint(Sample(), key);
  EXPECT_OK(s.status());
  return *s;
}

// Replaces the first `from` in `text` by `to`.
std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(Checkpoint, SignedBytesAreTheDocumentedText) {
  Checkpoint c = Sample();
  EXPECT_EQ(CheckpointSignedBytes(c),
            "authtrail.checkpoint.v1\n"
            "store_id 00112233445566778899aabbccddeeff\n"
            "tree_size 1234567\n"
            "root " +
                Hex(Sha256Of("root")) +
                "\n"
                "time 2026-11-23T18:00:00.500000Z\n");
}

TEST(Checkpoint, SignRejectsMalformedStoreId) {
  Checkpoint c = Sample();
  c.store_id = "00112233445566778899AABBCCDDEEFF";
  EXPECT_EQ(SignCheckpoint(c, TestKey()).status().code(), StatusCode::kInvalidArgument);
}

TEST(CheckpointFile, RoundTripsAndVerifiesWithThePublicKey) {
  SigningKey key = TestKey();
  std::string file = FormatCheckpointFile(SignedSample(key));
  EXPECT_EQ(file.back(), '\n');
  EXPECT_EQ(file.find('\n'), file.size() - 1);
  auto parsed = ParseCheckpointFile(file);
  ASSERT_OK(parsed.status());
  EXPECT_EQ(parsed->checkpoint, Sample());
  EXPECT_EQ(parsed->key_sha256, KeyFingerprint(key.public_key()));
  auto verified = VerifyCheckpointFile(file, PublicKeyToPem(key.public_key()));
  ASSERT_OK(verified.status());
  EXPECT_EQ(*verified, Sample());
}

TEST(CheckpointFile, AnyChangedFieldFailsVerification) {
  SigningKey key = TestKey();
  std::string pem = PublicKeyToPem(key.public_key());
  std::string file = FormatCheckpointFile(SignedSample(key));
  const std::pair<std::string, std::string> edits[] = {
      {"\"tree_size\":1234567", "\"tree_size\":1234568"},
      {"\"tree_size\":1234567", "\"tree_size\":1234566"},
      {"00112233445566778899aabbccddeeff", "00112233445566778899aabbccddeefe"},
      {"18:00:00.500000Z", "18:00:00.500001Z"},
      {"\"root\":\"" + Hex(Sha256Of("root")), "\"root\":\"" + Hex(Sha256Of("rooT"))},
  };
  for (const auto& [from, to] : edits) {
    auto r = VerifyCheckpointFile(Replace(file, from, to), pem);
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << to;
  }
  auto wrong_key = VerifyCheckpointFile(file, PublicKeyToPem(TestKey(8).public_key()));
  EXPECT_EQ(wrong_key.status().code(), StatusCode::kCorruption);
  EXPECT_EQ(VerifyCheckpointFile(file, "not a key").status().code(), StatusCode::kInvalidArgument);
}

TEST(CheckpointFile, ForgedFingerprintStillNeedsTheSignature) {
  SigningKey key = TestKey(), attacker = TestKey(9);
  SignedCheckpoint forged = SignedSample(attacker);
  forged.key_sha256 = KeyFingerprint(key.public_key());
  EXPECT_EQ(VerifyCheckpoint(forged, key.public_key()).code(), StatusCode::kCorruption);
}

TEST(CheckpointFile, ParserRejectsEveryMalformedShape) {
  std::string good = CheckpointToJson(SignedSample(TestKey()));
  const std::pair<std::string, std::string> edits[] = {
      {"\"format\":\"authtrail.checkpoint.v1\"", "\"format\":\"authtrail.checkpoint.v2\""},
      {"{\"format\"", "{\"extra\":1,\"format\""},
      {"{\"format\"", "{\"tree_size\":1,\"format\""},  // repeated key
      {"\"tree_size\":1234567", "\"tree_size\":\"1234567\""},
      {"\"tree_size\":1234567", "\"tree_size\":-1"},
      {"\"tree_size\":1234567", "\"tree_size\":1.5"},
      {"\"tree_size\":1234567", "\"tree_size\":18446744073709551616"},
      {"18:00:00.500000Z", "18:00:00.5Z"},  // valid RFC 3339, not canonical
      {"\"store_id\":\"0011", "\"store_id\":\"0X11"},
      {"\"signature\":\"", "\"signature\":\"AAAA"},
      {"\"key_sha256\":\"", "\"key_sha256\":\"0"},
      {"\"root\":\"", "\"root\":\"\\u0030"},  // one digit too many
  };
  for (const auto& [from, to] : edits) {
    auto r = ParseCheckpointFile(Replace(good, from, to));
    EXPECT_EQ(r.status().code(), StatusCode::kCorruption) << to;
  }
  EXPECT_EQ(ParseCheckpointFile("").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseCheckpointFile("[]").status().code(), StatusCode::kCorruption);
  EXPECT_EQ(ParseCheckpointFile("{}").status().code(), StatusCode::kCorruption);
}

TEST(CheckpointFile, EveryTruncationIsACleanError) {
  std::string good = CheckpointToJson(SignedSample(TestKey()));
  for (size_t len = 0; len < good.size(); ++len) {
    EXPECT_EQ(ParseCheckpointFile(good.substr(0, len)).status().code(), StatusCode::kCorruption)
        << len;
  }
}

int Shell(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// What docs/evidence.md tells an auditor: rebuild the signed text from the
// file's fields, base64-decode the signature, and let OpenSSL (not our code)
// check it against the public key.
TEST(CheckpointFile, OpensslAloneVerifiesTheSignature) {
  ASSERT_EQ(Shell("openssl version >/dev/null 2>&1"), 0)
      << "the openssl command is required (.ci/install-deps installs it)";
  TempDir dir;
  SigningKey key = TestKey();
  SignedCheckpoint s = SignedSample(key);
  const Checkpoint& c = s.checkpoint;
  // Built by hand from the fields, not with CheckpointSignedBytes.
  std::string msg = "authtrail.checkpoint.v1\nstore_id " + c.store_id + "\ntree_size " +
                    std::to_string(c.tree_size) + "\nroot " + Hex(c.root) +
                    "\ntime 2026-11-23T18:00:00.500000Z\n";
  WriteFile(dir.Sub("pub.pem"), PublicKeyToPem(key.public_key()));
  WriteFile(dir.Sub("msg"), msg);
  WriteFile(dir.Sub("sig.b64"), internal::Base64Encode(s.signature) + "\n");
  ASSERT_EQ(Shell("base64 -d " + dir.Sub("sig.b64") + " > " + dir.Sub("sig")), 0);
  std::string verify = "openssl pkeyutl -verify -pubin -inkey " + dir.Sub("pub.pem") +
                       " -rawin -in " + dir.Sub("msg") + " -sigfile " + dir.Sub("sig") +
                       " >/dev/null 2>&1";
  EXPECT_EQ(Shell(verify), 0);
  WriteFile(dir.Sub("msg"), Replace(msg, "tree_size 1234567", "tree_size 1234568"));
  EXPECT_NE(Shell(verify), 0);
}

}  // namespace
}  // namespace authtrail::evidence
