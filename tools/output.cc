#include "tools/output.h"

namespace authtrail::tools {

Status OutputBuffer::Flush() {
  if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), out_) != buf_.size()) {
    return Status::IOError("cannot write output");
  }
  buf_.clear();
  return std::fflush(out_) == 0 ? Status::Ok() : Status::IOError("cannot write output");
}

}  // namespace authtrail::tools
