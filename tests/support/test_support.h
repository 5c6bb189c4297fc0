// Shared test helpers: a temporary directory that removes itself, Status
// assertions, and running the real authtrail binary.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/status.h"

#define ASSERT_OK(expr)                          \
  do {                                           \
    ::authtrail::Status at_s_ = (expr);          \
    ASSERT_TRUE(at_s_.ok()) << at_s_.ToString(); \
  } while (0)
#define EXPECT_OK(expr)                          \
  do {                                           \
    ::authtrail::Status at_s_ = (expr);          \
    EXPECT_TRUE(at_s_.ok()) << at_s_.ToString(); \
  } while (0)

namespace authtrail::testing {

// A fresh directory under $TMPDIR, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

void WriteFile(const std::string& path, const std::string& content);
std::string ReadFile(const std::string& path);

struct RunResult {
  int exit_code = -1;
  std::string out;  // standard output
  std::string err;  // standard error
};

// Path of the authtrail binary under test ($AUTHTRAIL_BIN, set by CMake).
std::string AuthtrailBin();
// Root of the source tree ($AUTHTRAIL_SOURCE_DIR).
std::string SourceDir();

// Runs the binary with `args` (no shell), optional stdin content; captures
// both streams and the exit code.
RunResult RunAuthtrail(const std::vector<std::string>& args, const std::string& stdin_data = "");

}  // namespace authtrail::testing
