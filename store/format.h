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
// History: 1 = the first format (the merkle family, when present, holds every
// complete node); 2 = the merkle family holds only the complete nodes of
// levels >= meta "merkle_min_level", the lower ones are recomputed from the
// log (a version-1 reader would take the missing ones for a damaged tree).
// A binary of version 2 keeps a version-1 store at version 1, all levels.
//
// Thread-safety: constants only.
#pragma once

#include <cstdint>

namespace authtrail::store {

inline constexpr uint32_t kCurrentFormatVersion = 2;
inline constexpr uint32_t kOldestSupportedFormatVersion = 1;

// The merkle_min_level of a store created now (docs/format.md "merkle"):
// level-5 nodes cover 32 records, so the family gets one entry per 16
// records instead of two per record, and a proof recomputes at most 31
// leaves from the log (bench/README.md "evidence" has the measurements).
inline constexpr uint32_t kNewStoreMerkleMinLevel = 5;
// Larger values are refused as corruption: a node of level 16 covers 65,536
// records, more than a proof should re-read.
inline constexpr uint32_t kMaxMerkleMinLevel = 16;

}  // namespace authtrail::store
