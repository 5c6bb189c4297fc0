// The canonical form of an event (events.md "Canonical form and idempotency").
//
// Its known fields after normalization as one JSON object: keys in byte order,
// no whitespace, strings escaping only `"`, `\` and control characters
// (\b \f \n \r \t, others as \u00xx), non-ASCII as UTF-8; ts/at/grant_ts/
// expires_at as YYYY-MM-DDTHH:MM:SS.ffffffZ. The integrity chain,
// de-duplication and the fold-order tie-break all use these bytes.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <string>

#include "schemas/event.h"

namespace authtrail {

// Appends the canonical JSON of `e` to *out (does not clear it).
void AppendCanonical(const Event& e, std::string* out);
std::string Canonical(const Event& e);

// Appends `s` as a JSON string literal with the canonical escaping rules.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace authtrail
