// End-to-end: `authtrail keygen` writes a key pair OpenSSL accepts, keeps the
// private key to mode 0600 and off the terminal, and never overwrites a key.
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>

#include "tests/e2e/e2e_util.h"

namespace authtrail::testing {
namespace {

// The base64 body of a PEM file, without the BEGIN/END lines.
std::string PemBody(const std::string& pem) {
  std::string body;
  for (const std::string& line : SplitLines(pem)) {
    if (line.rfind("-----", 0) != 0) body += line;
  }
  return body;
}

int Shell(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(KeygenE2E, WritesPrivateKey0600AndPublicPemWithoutPrintingTheSecret) {
  TempDir dir;
  std::string prefix = dir.Sub("audit");
  RunResult r = RunAuthtrail({"keygen", "--out", prefix});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  struct stat st {};
  ASSERT_EQ(stat((prefix + ".key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::string secret = PemBody(ReadFile(prefix + ".key"));
  ASSERT_FALSE(secret.empty());
  EXPECT_EQ(r.out.find(secret.substr(24)), std::string::npos);  // the seed's base64 tail
  EXPECT_EQ(r.err.find(secret.substr(24)), std::string::npos);
  EXPECT_EQ(ReadFile(prefix + ".pub.pem").rfind("-----BEGIN PUBLIC KEY-----\n", 0), 0u);
  EXPECT_NE(r.out.find("key_sha256:  "), std::string::npos) << r.out;
}

TEST(KeygenE2E, FingerprintIsWhatOpensslComputes) {
  ASSERT_EQ(Shell("openssl version >/dev/null 2>&1"), 0)
      << "the openssl command is required (.ci/install-deps installs it)";
  TempDir dir;
  std::string prefix = dir.Sub("k");
  RunResult r = RunAuthtrail({"keygen", "--out", prefix});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(Shell("openssl pkey -pubin -in " + prefix + ".pub.pem -outform DER 2>/dev/null" +
                  " | sha256sum | cut -c1-64 > " + dir.Sub("fp")),
            0);
  std::string fp = ReadFile(dir.Sub("fp"));
  ASSERT_EQ(fp.size(), 65u) << fp;
  EXPECT_NE(r.out.find("key_sha256:  " + fp), std::string::npos) << r.out << fp;
}

TEST(KeygenE2E, RefusesToOverwriteAnExistingKey) {
  TempDir dir;
  std::string prefix = dir.Sub("k");
  ASSERT_EQ(RunAuthtrail({"keygen", "--out", prefix}).exit_code, 0);
  std::string before = ReadFile(prefix + ".key");
  RunResult again = RunAuthtrail({"keygen", "--out", prefix});
  EXPECT_EQ(again.exit_code, 5);
  EXPECT_NE(again.err.find("exists"), std::string::npos) << again.err;
  EXPECT_EQ(ReadFile(prefix + ".key"), before);
}

TEST(KeygenE2E, NeedsOutAndExplainsItselfInHelp) {
  RunResult missing = RunAuthtrail({"keygen"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("--out"), std::string::npos) << missing.err;
  RunResult help = RunAuthtrail({"keygen", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("0600"), std::string::npos);
  EXPECT_NE(help.out.find("openssl pkeyutl -verify"), std::string::npos);
  EXPECT_NE(RunAuthtrail({"--help"}).out.find("keygen"), std::string::npos);
}

}  // namespace
}  // namespace authtrail::testing
