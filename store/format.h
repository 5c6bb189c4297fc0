// Format version of an authtrail store (docs/format.md "Versioning").
//
// The version is written once, at creation, under the meta key
// "format_version". A binary opens stores whose version lies in
// [kOldestSupportedFormatVersion, kCurrentFormatVersion] and refuses newer
// ones with kUnsupported ("upgrade authtrail"). Bump kCurrentFormatVersion
// whenever a reader of the old version could misread something the new one
// writes (a new column family that must stay consistent, a key layout change,
// a record field an old reader would silently drop); never reuse a number.
//
// Thread-safety: constants only.
#pragma once

#include <cstdint>

namespace authtrail::store {

inline constexpr uint32_t kCurrentFormatVersion = 1;
inline constexpr uint32_t kOldestSupportedFormatVersion = 1;

}  // namespace authtrail::store
