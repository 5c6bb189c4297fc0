// Strict reading of the evidence JSON formats with simdjson's DOM API
// (internal to evidence/). Evidence files come from whoever hands them to an
// auditor, so every accessor checks the type and says which field is wrong,
// every object must name each key exactly once, and unknown keys are
// rejected (a field we would silently ignore is a field an attacker could
// use to mislead a reader of the file). Every error is kCorruption.
//
// Thread-safety: thread-compatible. Views and elements point into the
// simdjson parser that produced the element, which must outlive them.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "evidence/merkle.h"

namespace authtrail::evidence::internal {

namespace dom = simdjson::dom;

// Parses `text` as one JSON document into *parser. kCorruption with
// simdjson's reason if it is not valid JSON (UTF-8 checked).
Result<dom::element> ParseDocument(dom::parser* parser, std::string_view text,
                                   std::string_view what);

class ObjectReader {
 public:
  // kCorruption if `e` is not an object or names a key twice. `what` names
  // the object in messages ("checkpoint", "bundle.proofs[2]").
  static Result<ObjectReader> Make(dom::element e, std::string what);

  bool Has(std::string_view key) const;
  // Each accessor marks the key used; kCorruption if missing or mistyped.
  Result<dom::element> Get(std::string_view key);
  Result<std::string_view> String(std::string_view key);
  Result<uint64_t> Uint(std::string_view key);
  Result<Hash> HexHash(std::string_view key);  // 64 lowercase hex digits
  Result<dom::array> Array(std::string_view key);
  // kCorruption naming the first key no accessor asked for.
  Status Finish() const;

  const std::string& what() const { return what_; }
  // Every key, in document order (for objects that are maps, not records).
  std::vector<std::string_view> Keys() const;

 private:
  Status Error(std::string_view key, std::string_view problem) const;

  std::string what_;
  std::vector<std::pair<std::string_view, dom::element>> fields_;
  std::vector<bool> used_;
};

// 64 lowercase hex digits to a hash; false otherwise.
bool ParseHexHash(std::string_view hex, Hash* out);

}  // namespace authtrail::evidence::internal
