// Status and Result<T>: errors as values across every module boundary.
//
// A Status is either OK or carries a code from a closed set and a message that
// names what failed (file, line, field, seq...). Result<T> holds a T or a
// non-OK Status. Both are [[nodiscard]]: an ignored error is a compile warning
// (and -Werror makes it an error on our targets).
//
// The API shape follows abseil's Status/StatusOr so a later move to
// std::expected is mechanical. Foreign errors (rocksdb::Status, FlatBuffers
// verifier failures, Boost.Program_options exceptions) are converted to
// Status at the module that meets them. Codes map to CLI exit codes in exactly
// one place: tools/exit_codes.h.
//
// Thread-safety: thread-compatible (plain values).
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace authtrail {

// Values are not persisted; order is free to change.
enum class StatusCode {
  kOk,
  kInvalidArgument,     // bad input or usage (ingest rejects, bad options)
  kNotFound,            // a looked-up record or file does not exist
  kCorruption,          // our own store or an evidence file fails verification
  kIOError,             // the OS or RocksDB failed to read/write
  kFailedPrecondition,  // the operation is not allowed in this state
  kUnsupported,         // e.g. a store written by a newer format version
  kBusy,                // the store is locked by another writer
  kAlreadyExists,       // e.g. a record id already stored with other content
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status Unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status Busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "Corruption: <message>", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>" (same code).
  Status WithContext(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}        // NOLINT: implicit by design, like StatusOr
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result needs a value or a non-OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // REQUIRES: nothing. OK status when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(v_); }

  // REQUIRES: ok().
  T& value() & {
    assert(ok());
    return std::get<T>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<T>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace authtrail

#define AT_CONCAT_INNER_(a, b) a##b
#define AT_CONCAT_(a, b) AT_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function when `expr` is not OK.
#define AT_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::authtrail::Status at_status_ = (expr); \
    if (!at_status_.ok()) return at_status_; \
  } while (0)

// `lhs = value of expr` or return its Status. lhs may declare: AT_ASSIGN_OR_RETURN(auto x, F());
#define AT_ASSIGN_OR_RETURN(lhs, expr) \
  AT_ASSIGN_OR_RETURN_IMPL_(AT_CONCAT_(at_result_, __LINE__), lhs, expr)
#define AT_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()
