#include "replay/readings.h"

#include <array>

namespace authtrail::replay {
namespace {

constexpr std::array<std::string_view, kReadingIdCount> kIdNames = {
    "A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "A11", "A14", "A16", "A17"};

// One boolean toggle: its name, which A# it belongs to, and where it lives.
struct Toggle {
  std::string_view name;
  ReadingId id;
  bool Readings::*field;
};

constexpr Toggle kToggles[] = {
    {"use_any_bypasses_uninstalled_when_pref_off", ReadingId::kA1,
     &Readings::use_any_bypasses_uninstalled_when_pref_off},
    {"approve_bypasses_aac_in_r3", ReadingId::kA2, &Readings::approve_bypasses_aac_in_r3},
    {"use_any_bypasses_block", ReadingId::kA3, &Readings::use_any_bypasses_block},
    {"device_block_honours_bypass_perms", ReadingId::kA4,
     &Readings::device_block_honours_bypass_perms},
    {"grandfather_cutoff_is_event_time", ReadingId::kA5,
     &Readings::grandfather_cutoff_is_event_time},
    {"username_password_creates_prior", ReadingId::kA5, &Readings::username_password_creates_prior},
    {"dec2025_refresh_is_new", ReadingId::kA6, &Readings::dec2025_refresh_is_new},
    {"developer_edition_enforces_2014", ReadingId::kA8, &Readings::developer_edition_enforces_2014},
    {"chatter_external_is_external", ReadingId::kA11, &Readings::chatter_external_is_external},
    {"aac_in_r1", ReadingId::kA14, &Readings::aac_in_r1},
    {"admin_approved_checked_on_calls", ReadingId::kA17,
     &Readings::admin_approved_checked_on_calls},
};

constexpr std::string_view kT3Names[] = {"indeterminate", "assume_start", "assume_end"};

Status BadName(std::string_view name) {
  std::string known;
  for (const Toggle& t : kToggles)
    known += std::string(known.empty() ? "" : ", ") + std::string(t.name);
  return Status::InvalidArgument("--reading: unknown reading '" + std::string(name) +
                                 "' (use an A# id or one of: " + known + ", t3_unknown)");
}

Status ApplyT3(std::string_view value, Readings* r) {
  for (size_t i = 0; i < std::size(kT3Names); ++i) {
    if (kT3Names[i] == value) {
      r->t3_unknown = static_cast<T3Unknown>(i);
      return Status::Ok();
    }
  }
  if (value == "default") {
    r->t3_unknown = T3Unknown::kIndeterminate;
    return Status::Ok();
  }
  return Status::InvalidArgument(
      "--reading A7: expected indeterminate, assume_start or assume_end");
}

Status ApplyToggle(const Toggle& t, std::string_view value, Readings* r) {
  const bool def = Readings{}.*t.field;
  if (value == "true")
    r->*t.field = true;
  else if (value == "false")
    r->*t.field = false;
  else if (value == "default")
    r->*t.field = def;
  else if (value == "alt")
    r->*t.field = !def;
  else
    return Status::InvalidArgument("--reading " + std::string(t.name) +
                                   ": expected true, false, default or alt");
  return Status::Ok();
}

}  // namespace

std::string_view ReadingIdName(ReadingId r) { return kIdNames[static_cast<size_t>(r)]; }

std::vector<ReadingFlip> Flips(const Readings& base) {
  std::vector<ReadingFlip> out;
  out.reserve(std::size(kToggles));  // one allocation: this runs per decision that read a reading
  for (const Toggle& t : kToggles) {
    Readings flipped = base;
    flipped.*t.field = !(base.*t.field);
    out.push_back({t.id, flipped});
  }
  return out;
}

Status ApplyReading(std::string_view assignment, Readings* r) {
  size_t eq = assignment.find('=');
  if (eq == std::string_view::npos) {
    return Status::InvalidArgument("--reading: expected NAME=VALUE, got '" +
                                   std::string(assignment) + "'");
  }
  std::string_view name = assignment.substr(0, eq), value = assignment.substr(eq + 1);
  if (name == "A7" || name == "t3_unknown") return ApplyT3(value, r);
  bool matched = false;
  for (const Toggle& t : kToggles) {
    if (t.name == name || ReadingIdName(t.id) == name) {
      AT_RETURN_IF_ERROR(ApplyToggle(t, value, r));
      matched = true;
    }
  }
  return matched ? Status::Ok() : BadName(name);
}

std::vector<std::string> DescribeReadings(const Readings& r) {
  std::vector<std::string> out;
  for (const Toggle& t : kToggles) {
    out.push_back(std::string(ReadingIdName(t.id)) + " " + std::string(t.name) + "=" +
                  (r.*t.field ? "true" : "false"));
  }
  out.push_back("A7 t3_unknown=" + std::string(kT3Names[static_cast<size_t>(r.t3_unknown)]));
  return out;
}

}  // namespace authtrail::replay
