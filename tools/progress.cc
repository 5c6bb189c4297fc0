#include "tools/progress.h"

#include <unistd.h>

#include <cstdio>

namespace authtrail::tools {

Progress::Progress()
    : enabled_(isatty(STDERR_FILENO) == 1), last_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { Clear(); }

bool Progress::Due() {
  if (!enabled_) return false;
  if (++calls_ % 1024 != 0) return false;  // read the clock rarely
  auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(250)) return false;
  last_ = now;
  return true;
}

void Progress::Show(const std::string& line) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r%s\x1b[K", line.c_str());
  std::fflush(stderr);
  shown_ = true;
}

void Progress::Clear() {
  if (!shown_) return;
  std::fprintf(stderr, "\r\x1b[K");
  std::fflush(stderr);
  shown_ = false;
}

}  // namespace authtrail::tools
