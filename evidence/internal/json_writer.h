// Writing the evidence JSON formats (internal to evidence/): string escaping
// and the canonical text of arbitrary JSON values kept inside a bundle.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

#include "evidence/internal/json_reader.h"

namespace authtrail::evidence::internal {

// Appends `s` as a JSON string literal, escaping as events.md's canonical
// form does: only `"`, `\` and control characters (\b \f \n \r \t, others as
// \u00xx); everything else, UTF-8 included, as is.
void AppendJsonString(std::string_view s, std::string* out);

// Deepest nesting CanonicalJson accepts (the value itself is depth 1).
inline constexpr int kMaxValueDepth = 32;

// The canonical text of `e`: document key order, no whitespace, strings as
// AppendJsonString, integers in decimal. kCorruption (prefixed with `what`)
// for a floating-point number or nesting beyond kMaxValueDepth.
Result<std::string> CanonicalJson(dom::element e, std::string_view what);

}  // namespace authtrail::evidence::internal
