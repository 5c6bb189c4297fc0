// The readings of rules.md §10: where the sources do not settle a behaviour,
// the spec picks a default and names the alternative. A Readings value says
// which alternative to use for each; FLAG_AMBIGUITY:<A#> (§13.5) is raised
// when flipping one of them changes a decision.
//
// Command-line form (--reading, repeatable): NAME=VALUE, where NAME is the
// toggle's name or its A# id and VALUE is true/false (or default/alt); A7
// takes indeterminate/assume_start/assume_end. Examples:
//   --reading use_any_bypasses_block=true   --reading A3=alt   --reading A7=assume_end
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace authtrail::replay {

// Bit positions for Decision::ambiguity / Decision::readings.
enum class ReadingId : uint8_t { kA1, kA2, kA3, kA4, kA5, kA6, kA7, kA8, kA11, kA14, kA16, kA17 };
inline constexpr int kReadingIdCount = 12;
std::string_view ReadingIdName(ReadingId r);  // "A1", ...
inline uint32_t Bit(ReadingId r) { return 1u << static_cast<uint32_t>(r); }

enum class T3Unknown : uint8_t { kIndeterminate, kAssumeStart, kAssumeEnd };

struct Readings {
  // A1: with pref_internal off, Use Any never bypassed the uninstalled-app restriction.
  bool use_any_bypasses_uninstalled_when_pref_off = false;
  // A2: Approve Uninstalled also passes clause 10 (10′) in R3 and R4.
  bool approve_bypasses_aac_in_r3 = true;
  // A3: a block wins over Use Any API Client.
  bool use_any_bypasses_block = false;
  // A4: no permission exempts a user from the device-flow ban (9a).
  bool device_block_honours_bypass_perms = false;
  // A5: GF3 tests approvals granted before T3 (alt: before the event).
  bool grandfather_cutoff_is_event_time = false;
  // A5: the username-password flow leaves no approval.
  bool username_password_creates_prior = false;
  // A6: refresh and JWT are continued use in R4 (alt: new requests).
  bool dec2025_refresh_is_new = false;
  // A7: an unknown T3/T4 inside its window makes the as-of decision indeterminate.
  T3Unknown t3_unknown = T3Unknown::kIndeterminate;
  // A8: Developer Edition enforces the 2014 change.
  bool developer_edition_enforces_2014 = true;
  // A11: Chatter External users count as customers/partners (EXT).
  bool chatter_external_is_external = true;
  // A14: API Access Control inputs are honoured in R1 (flagged anachronism).
  bool aac_in_r1 = true;
  // A17: clause 12 is not enforced on calls with already-issued tokens.
  bool admin_approved_checked_on_calls = false;

  bool operator==(const Readings&) const = default;
};

// The readings that can be flipped for FLAG_AMBIGUITY (§13.5), each with the
// Readings value that flips it relative to `base`. A5 flips two toggles, so it
// appears twice.
struct ReadingFlip {
  ReadingId id;
  Readings flipped;
};
std::vector<ReadingFlip> Flips(const Readings& base);

// Applies one "NAME=VALUE" to *r. kInvalidArgument naming the known names.
Status ApplyReading(std::string_view assignment, Readings* r);

// "A3 use_any_bypasses_block=false" style lines, one per toggle (for --help and reports).
std::vector<std::string> DescribeReadings(const Readings& r);

}  // namespace authtrail::replay
