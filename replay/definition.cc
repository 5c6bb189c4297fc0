#include "replay/definition.h"

#include "common/time.h"
#include "replay/column.h"
#include "replay/rules.h"

namespace authtrail::replay {
namespace {

std::string Header(std::string_view rule_set) {
  return "authtrail.ruleset.v1\nrules_version " + std::string(kRulesVersion) + "\nrule_set " +
         std::string(rule_set) + "\n";
}

}  // namespace

std::string RuleSetDefinitionText(RuleSet r) {
  std::string text = Header(RuleSetName(r));
  for (Clause c : ClauseOrder(r)) {
    text += "clause " + std::string(ClauseName(c)) + " " + std::string(ClauseSource(c)) + "\n";
  }
  return text;
}

std::string AsOfDefinitionText() {
  struct Instant {
    std::string_view name;
    MicrosUtc at;
  };
  constexpr Instant kInstants[] = {
      {"T2", kT2},
      {"boundary_day_start", kBoundaryDayStart},
      {"boundary_day_end", kBoundaryDayEnd},
      {"t3_window_start", kT3WindowStart},
      {"t3_window_end", kT3WindowEnd},
      {"new_org_cutover", kNewOrgCutover},
      {"cli_device_t3", kCliDeviceT3},
      {"t4_window_start", kT4WindowStart},
      {"t4_window_end", kT4WindowEnd},
  };
  std::string text = Header("as-of") + "order pre2014 api2014 sep2025 dec2025\n";
  for (const Instant& i : kInstants) {
    text += std::string(i.name) + " " + FormatCanonical(i.at) + "\n";
  }
  return text;
}

std::optional<Digest> DefinitionSha256(std::string_view column) {
  if (column == "as-of") return Sha256Of(AsOfDefinitionText());
  std::optional<RuleSet> r = RuleSetFromName(column);
  if (!r) return std::nullopt;
  return Sha256Of(RuleSetDefinitionText(*r));
}

}  // namespace authtrail::replay
