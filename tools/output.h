// Buffered writing of command output to a FILE* (standard output), so a large
// listing costs one write per 1 MiB rather than one per line. A failed write
// (closed pipe, full disk) becomes a Status.
#pragma once

#include <cstdio>
#include <string>

#include "common/status.h"

namespace authtrail::tools {

class OutputBuffer {
 public:
  explicit OutputBuffer(std::FILE* out) : out_(out) {}
  OutputBuffer(const OutputBuffer&) = delete;
  OutputBuffer& operator=(const OutputBuffer&) = delete;

  std::string* buffer() { return &buf_; }
  // Writes the buffer when it holds 1 MiB or more.
  Status MaybeFlush() { return buf_.size() >= (1u << 20) ? Flush() : Status::Ok(); }
  Status Flush();

 private:
  std::FILE* out_;
  std::string buf_;
};

}  // namespace authtrail::tools
