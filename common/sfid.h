// Salesforce record ids: 15-character case-sensitive ids and their
// 18-character case-safe form (15 + a 3-character checksum suffix).
//
// The suffix encodes, for each 5-character chunk, which characters are
// uppercase A-Z (bit i = char i), as one of "A..Z0..5".
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

#include "common/status.h"

namespace authtrail {

// True when `s` is 15 or 18 characters of [0-9A-Za-z].
bool LooksLikeSalesforceId(std::string_view s);

// The 3-character suffix of a 15-character id. REQUIRES: s.size() >= 15.
std::string SalesforceIdSuffix(std::string_view s);

// 15 -> 18; 18 -> itself when its suffix matches (case-sensitive), else
// kInvalidArgument "18-character id suffix does not match (expected XYZ)".
// Anything else -> kInvalidArgument.
Result<std::string> NormalizeSalesforceId(std::string_view s);

// For user/profile/permset/actor: ids are normalized as above; values that are
// not 15/18 alphanumerics (usernames, names) are returned unchanged.
Result<std::string> NormalizeIdOrName(std::string_view s);

}  // namespace authtrail
