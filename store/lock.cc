#include "store/lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

namespace authtrail::store::store_internal {
namespace {

constexpr size_t kMaxCommandSize = 200;

Status Errno(std::string_view what, const std::string& path) {
  return Status::IOError(std::string(what) + " " + path + ": " + std::strerror(errno));
}

// This process's command line, one line of printable text.
std::string CommandLine() {
  std::ifstream f("/proc/self/cmdline", std::ios::binary);
  std::string cmd((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  while (!cmd.empty() && cmd.back() == '\0') cmd.pop_back();
  if (cmd.size() > kMaxCommandSize) cmd.resize(kMaxCommandSize);
  for (char& c : cmd) {
    if (c == '\0') c = ' ';
    if (static_cast<unsigned char>(c) < 0x20) c = '?';
  }
  return cmd.empty() ? "authtrail" : cmd;
}

// "pid N: COMMAND" from the holder's "pid N COMMAND\n".
std::string DescribeHolder(int fd) {
  char buf[512];
  const ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  std::string text(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!text.empty() && (text.back() == '\n' || text.back() == '\0')) text.pop_back();
  if (text.rfind("pid ", 0) != 0) return "pid unknown";
  const size_t space = text.find(' ', 4);
  if (space == std::string::npos) return text;
  return text.substr(0, space) + ":" + text.substr(space);
}

Status WriteHolder(int fd, const std::string& path) {
  const std::string line = "pid " + std::to_string(getpid()) + " " + CommandLine() + "\n";
  if (ftruncate(fd, 0) != 0) return Errno("cannot truncate", path);
  if (pwrite(fd, line.data(), line.size(), 0) != static_cast<ssize_t>(line.size())) {
    return Errno("cannot write", path);
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<WriterLock>> WriterLock::Acquire(const std::string& dir) {
  const std::string path = dir + "/" + kLockFileName;
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Errno("cannot open lock file", path);
  std::unique_ptr<WriterLock> lock(new WriterLock(fd));  // closes fd on every path
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return Errno("cannot lock", path);
    return Status::Busy("store " + dir + " is locked by another writer (" + DescribeHolder(fd) +
                        ")");
  }
  lock->held_ = true;
  AT_RETURN_IF_ERROR(WriteHolder(fd, path));
  return lock;
}

WriterLock::~WriterLock() {
  // The content only matters while the lock is held, so a failed truncate
  // is harmless; closing the descriptor releases the lock.
  if (held_ && ftruncate(fd_, 0) != 0) {
  }
  close(fd_);
}

}  // namespace authtrail::store::store_internal
