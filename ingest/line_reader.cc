// LineReader: lines of a file or standard input through one reused buffer.
//
// Buffer layout:  [0, begin_) consumed | [begin_, end_) unread bytes | free.
// Next() looks for '\n' in the unread bytes (resuming where the last search
// stopped, so a long line is scanned once); when there is none it moves the
// unread bytes to the front and reads more. The buffer doubles only when one
// line fills it, and goes back to kBufferSize once such a line is consumed, so
// memory stays constant whatever the input size.
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>

#include "ingest/jsonl.h"

namespace authtrail::ingest {
namespace {

constexpr size_t kBufferSize = size_t{1} << 20;  // 1 MiB: many lines per read(2)

std::string ErrnoText(int err) { return std::strerror(err); }

}  // namespace

struct LineReader::Impl {
  std::string path;
  int fd = -1;
  bool owns_fd = false;
  std::unique_ptr<char[]> buf;
  size_t capacity = 0;
  size_t begin = 0;  // first unread byte
  size_t scan = 0;   // bytes before this (from begin) hold no '\n'
  size_t end = 0;    // one past the last byte read
  bool eof = false;
  uint64_t line_no = 0;
  uint64_t bytes_read = 0;
  Sha256 hash;
  Status status;

  ~Impl() {
    if (owns_fd) ::close(fd);
  }

  void Allocate(size_t size);
  void Compact();
  bool Fill();
  bool Next(std::string_view* line);
};

void LineReader::Impl::Allocate(size_t size) {
  auto fresh = std::make_unique_for_overwrite<char[]>(size);
  if (end > begin) std::memcpy(fresh.get(), buf.get() + begin, end - begin);
  buf = std::move(fresh);
  capacity = size;
}

// Moves the unread bytes to the front, growing the buffer when they fill it
// (one line longer than the buffer) and shrinking it back when they fit again.
void LineReader::Impl::Compact() {
  size_t unread = end - begin;
  if (unread == capacity) {
    Allocate(capacity * 2);
  } else if (capacity > kBufferSize && unread < kBufferSize) {
    Allocate(kBufferSize);
  } else if (begin > 0) {
    std::memmove(buf.get(), buf.get() + begin, unread);
  }
  scan -= begin;
  end = unread;
  begin = 0;
}

// Reads more bytes after end. False at end of input or on error (status set).
bool LineReader::Impl::Fill() {
  Compact();
  for (;;) {
    ssize_t n = ::read(fd, buf.get() + end, capacity - end);
    if (n > 0) {
      hash.Update(std::string_view(buf.get() + end, static_cast<size_t>(n)));
      bytes_read += static_cast<uint64_t>(n);
      end += static_cast<size_t>(n);
      return true;
    }
    if (n == 0) {
      eof = true;
      return false;
    }
    if (errno == EINTR) continue;
    status = Status::IOError("cannot read " + path + ": " + ErrnoText(errno));
    return false;
  }
}

bool LineReader::Impl::Next(std::string_view* line) {
  for (;;) {
    const char* base = buf.get();
    const void* nl = std::memchr(base + scan, '\n', end - scan);
    if (nl != nullptr) {
      size_t stop = static_cast<size_t>(static_cast<const char*>(nl) - base);
      size_t len = stop - begin;
      if (len > 0 && base[stop - 1] == '\r') --len;  // "\r\n"
      *line = std::string_view(base + begin, len);
      begin = scan = stop + 1;
      return true;
    }
    scan = end;
    if (!eof && Fill()) continue;
    if (!status.ok()) return false;  // never pass off a torn line as the last one
    eof = true;
    if (begin == end) return false;
    // The last line has no line end. (Fill() may have moved the buffer.)
    *line = std::string_view(buf.get() + begin, end - begin);
    begin = scan = end;
    return true;
  }
}

Result<std::unique_ptr<LineReader>> LineReader::Open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->path = path;
  if (path == "-") {
    impl->fd = STDIN_FILENO;
  } else {
    impl->fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (impl->fd < 0) {
      int err = errno;
      std::string message = "cannot open " + path + ": " + ErrnoText(err);
      if (err == ENOENT) return Status::NotFound(std::move(message));
      return Status::IOError(std::move(message));
    }
    impl->owns_fd = true;
  }
  impl->Allocate(kBufferSize);
  return std::unique_ptr<LineReader>(new LineReader(std::move(impl)));
}

LineReader::LineReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LineReader::~LineReader() = default;

bool LineReader::Next(std::string_view* line, uint64_t* line_no) {
  if (!impl_->status.ok() || !impl_->Next(line)) return false;
  *line_no = ++impl_->line_no;
  return true;
}

Status LineReader::status() const { return impl_->status; }
uint64_t LineReader::bytes_read() const { return impl_->bytes_read; }
const std::string& LineReader::path() const { return impl_->path; }

Digest LineReader::sha256() {
  Sha256 copy = impl_->hash;  // Finish() ends a hash; the reader may go on reading
  return copy.Finish();
}

}  // namespace authtrail::ingest
