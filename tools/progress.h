// A one-line progress display on standard error, shown only when standard
// error is a terminal (cli.md: "nothing on a pipe"). Updates are rate-limited
// so calling Update() per record costs a clock read at most.
//
// Thread-safety: not thread-safe.
#pragma once

#include <chrono>
#include <string>

namespace authtrail::tools {

class Progress {
 public:
  Progress();  // enabled iff stderr is a terminal
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  bool enabled() const { return enabled_; }
  // True when at least 250 ms have passed since the last shown update; the
  // caller then builds its line and calls Show(). Keeps formatting off the hot path.
  bool Due();
  void Show(const std::string& line);
  // Erases the progress line (also done by the destructor).
  void Clear();

 private:
  bool enabled_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point last_;
  unsigned calls_ = 0;
};

}  // namespace authtrail::tools
