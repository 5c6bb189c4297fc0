// A generator of realistic org histories in native JSONL (events.md), for the
// demo, tests and benchmarks. Deterministic: the same options give the same
// bytes. Streams: memory does not grow with the number of events.
//
// Each org gets: an edition (Enterprise, Unlimited, Professional, Contact
// Manager, Developer, Group, Essentials), profiles and permission sets (API
// Enabled, Use Any API Client, Approve Uninstalled Connected Apps), users of
// every user type, apps (allowlisted mobile and Outlook apps, an installed
// admin-approved Dataloader.io pre-authorized through a permission set with
// time-limited assignments, uninstalled third-party apps, the default
// Salesforce CLI, an org-managed integration app), API Access Control switched
// on over time, and years of logins, authorizations, token refreshes and API
// calls from 2013 to 2026. Org 0 also has a vishing incident (a fake "Data
// Loader" approved by device flow and by web flow in Sept 2025) and an
// integration user relying on Use Any API Client across the Dec 2025 change.
// About 1 % of recorded outcomes disagree with what the rules say.
#pragma once

#include <cstdint>
#include <ostream>

namespace authtrail::tools {

struct GenOptions {
  uint32_t orgs = 3;        // number of orgs (org 0 is the largest)
  uint32_t users = 300;     // users in total, spread over the orgs
  uint64_t events = 30000;  // access events in total (state events come on top)
  uint64_t seed = 1;
};

// Writes the history to `out`; returns the number of lines written.
uint64_t Generate(const GenOptions& options, std::ostream& out);

}  // namespace authtrail::tools
