// Instants as UTC microseconds since the Unix epoch, and their RFC 3339 text.
//
// Parsing accepts exactly RFC 3339 date-time: YYYY-MM-DD, 'T' or 't',
// HH:MM:SS, an optional fraction of 1..6 digits, then 'Z'/'z' or +HH:MM/-HH:MM.
// Leap seconds (SS=60), more than six fraction digits, out-of-range fields and
// anything trailing are rejected (rules.md §13.22: reject, never guess).
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/status.h"

namespace authtrail {

using MicrosUtc = int64_t;

// Parses RFC 3339. On error the Status is kInvalidArgument with a short reason
// ("month out of range", ...), without file/line context (callers add it).
Result<MicrosUtc> ParseRfc3339(std::string_view text);

// Canonical form: "YYYY-MM-DDTHH:MM:SS.ffffffZ", always six fraction digits.
std::string FormatCanonical(MicrosUtc t);

// Output form (cli.md): "YYYY-MM-DDTHH:MM:SSZ", with ".ffffff" only when the
// fraction is non-zero.
std::string FormatOutput(MicrosUtc t);
// The same, appended to *out (no temporary string: replay writes one per line).
void AppendOutput(MicrosUtc t, std::string* out);

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d);

}  // namespace authtrail
