// JSON lines of `replay` and the decision objects inside them (cli.md
// "replay --format jsonl").
//
// Every name a line can print (verdicts, reason codes, clauses, causes,
// flags, readings, kinds, rule sets) comes from a closed set, so its quoted
// and escaped JSON form is built once, by the same AppendJsonString, and a
// line only copies those bytes. callgrind on a 50k-event store had shown the
// per-record escaping of these names, and the std::string temporaries around
// it, as about a third of replay's instructions. Only the event's own strings
// (id, org, user, app) and the flow are escaped per line.
#include <algorithm>
#include <array>
#include <charconv>

#include "schemas/canonical.h"
#include "tools/replay_output.h"

namespace authtrail::tools {

using replay::Decision;
using replay::ReplayLine;
using replay::RuleSet;

namespace {

constexpr int kOutcomeCount = static_cast<int>(Outcome::MAX) + 1;

std::string Quoted(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

// `,"key":"value"` as AppendField writes it.
std::string Field(std::string_view key, std::string_view value) {
  return ",\"" + std::string(key) + "\":" + Quoted(value);
}

// One entry of a decision's "flags": a rule flag or FLAG_AMBIGUITY:<A#>.
struct FlagLiteral {
  uint32_t flag = 0;       // Decision::flags bit, or 0
  uint32_t ambiguity = 0;  // Decision::ambiguity bit, or 0
  std::string name;
  std::string quoted;
};

// The quoted literals, indexed by enum value. Built once; immutable after.
struct Literals {
  std::array<std::string, replay::kVerdictCount> decision_open;  // {"decision":"allow","reason":"
  std::array<std::string, replay::kReasonCount> reason_close;    // ALLOW_STANDARD"
  std::array<std::string, replay::kReasonCount> reason;          // "ALLOW_STANDARD"
  std::array<std::string, replay::kRevokeCauseCount> cause;      // ,"cause":"user"
  std::array<std::string, replay::kClauseCount> clause;          // ,"clause":"P1" ("" for kNone)
  std::array<std::string, replay::kReadingIdCount> reading;      // "A3"
  std::vector<FlagLiteral> flags;                                // sorted by name
  std::array<std::string, kKindCount> kind;                      // ,"kind":"api.call"
  std::array<std::string, kOutcomeCount> recorded;               // ,"recorded":"success"
  std::array<std::string, replay::kRuleSetCount> as_of;          // ,"as_of":"pre2014"
  std::string as_of_indeterminate;                               // ,"as_of":"indeterminate"
  std::array<std::string, 4> line_flags;                         // by LineFlag bits
};

// A decision's flags are printed sorted by name (rule flags and
// FLAG_AMBIGUITY:<A#> mixed), so the table is sorted the same way once.
std::vector<FlagLiteral> BuildFlags() {
  std::vector<FlagLiteral> out;
  for (int bit = 0; bit < 32; ++bit) {
    for (std::string_view name : replay::FlagNames(1u << bit)) {
      out.push_back({1u << bit, 0, std::string(name), Quoted(name)});
    }
  }
  for (int i = 0; i < replay::kReadingIdCount; ++i) {
    auto id = static_cast<replay::ReadingId>(i);
    std::string name = "FLAG_AMBIGUITY:" + std::string(replay::ReadingIdName(id));
    out.push_back({0, replay::Bit(id), name, Quoted(name)});
  }
  std::sort(out.begin(), out.end(),
            [](const FlagLiteral& a, const FlagLiteral& b) { return a.name < b.name; });
  return out;
}

void BuildDecisionLiterals(Literals* l) {
  for (int v = 0; v < replay::kVerdictCount; ++v) {
    l->decision_open[v] = "{\"decision\":\"" +
                          std::string(replay::VerdictName(static_cast<replay::Verdict>(v))) +
                          "\",\"reason\":\"";
  }
  for (int r = 0; r < replay::kReasonCount; ++r) {
    std::string_view name = replay::ReasonName(static_cast<replay::Reason>(r));
    l->reason_close[r] = std::string(name) + '"';
    l->reason[r] = Quoted(name);
  }
  for (int c = 0; c < replay::kRevokeCauseCount; ++c) {
    l->cause[c] = Field("cause", replay::RevokeCauseName(static_cast<replay::RevokeCauseEx>(c)));
  }
  for (int c = 1; c < replay::kClauseCount; ++c) {  // kNone prints no clause
    l->clause[c] = Field("clause", replay::ClauseName(static_cast<replay::Clause>(c)));
  }
  for (int i = 0; i < replay::kReadingIdCount; ++i) {
    l->reading[i] = Quoted(replay::ReadingIdName(static_cast<replay::ReadingId>(i)));
  }
  l->flags = BuildFlags();
}

void BuildLineLiterals(Literals* l) {
  for (int k = 0; k < kKindCount; ++k) l->kind[k] = Field("kind", KindName(static_cast<Kind>(k)));
  for (int o = 0; o < kOutcomeCount; ++o) {
    l->recorded[o] = Field("recorded", fb::EnumNameOutcome(static_cast<Outcome>(o)));
  }
  for (int i = 0; i < replay::kRuleSetCount; ++i) {
    std::string_view name = replay::RuleSetName(static_cast<RuleSet>(i));
    l->as_of[i] = Field("as_of", name);
  }
  l->as_of_indeterminate = Field("as_of", "indeterminate");
  for (uint32_t bits = 1; bits < l->line_flags.size(); ++bits) {
    std::string list;
    if (bits & replay::kRecordedAllowPredictedDeny) list += Quoted("RECORDED_ALLOW_PREDICTED_DENY");
    if (bits & replay::kRecordedDenyPredictedAllow) {
      list += list.empty() ? "" : ",";
      list += Quoted("RECORDED_DENY_PREDICTED_ALLOW");
    }
    l->line_flags[bits] = ",\"flags\":[" + list + ']';
  }
}

// Fetched once per line and handed down: the static's guard check is not free
// at a few dozen uses per line.
const Literals& L() {
  static const Literals kLiterals = [] {
    Literals l;
    BuildDecisionLiterals(&l);
    BuildLineLiterals(&l);
    return l;
  }();
  return kLiterals;
}

// `,"key":` then `value` quoted and escaped; `prefix` is `,"key":`.
void AppendField(std::string_view prefix, std::string_view value, std::string* out) {
  out->append(prefix);
  AppendJsonString(value, out);
}

// Writes `,"key":[a,b]` for the items added, nothing when none was (cli.md
// leaves empty lists out).
class ListWriter {
 public:
  ListWriter(std::string_view open, std::string* out) : open_(open), out_(out) {}
  void Add(std::string_view quoted) {
    out_->append(empty_ ? open_ : ",");
    out_->append(quoted);
    empty_ = false;
  }
  void Close() {
    if (!empty_) out_->push_back(']');
  }

 private:
  std::string_view open_;
  std::string* out_;
  bool empty_ = true;
};

void AppendAlsoDeniedBy(const Literals& l, const Decision& d, std::string* out) {
  ListWriter list(",\"also_denied_by\":[", out);
  for (replay::Reason r : d.also_denied_by) list.Add(l.reason[static_cast<size_t>(r)]);
  list.Close();
}

// Rule flags and FLAG_AMBIGUITY:<A#>, sorted by name.
void AppendFlags(const Literals& l, const Decision& d, std::string* out) {
  if (d.flags == 0 && d.ambiguity == 0) return;
  ListWriter list(",\"flags\":[", out);
  for (const FlagLiteral& f : l.flags) {
    if ((d.flags & f.flag) || (d.ambiguity & f.ambiguity)) list.Add(f.quoted);
  }
  list.Close();
}

void AppendReadings(const Literals& l, uint32_t bits, std::string* out) {
  if (bits == 0) return;
  ListWriter list(",\"readings\":[", out);
  for (int i = 0; i < replay::kReadingIdCount; ++i) {
    if (bits & replay::Bit(static_cast<replay::ReadingId>(i))) list.Add(l.reading[i]);
  }
  list.Close();
}

// The column's key: the one ParseRules quoted, else quoted here.
void AppendColumnKey(const ColumnSpec& c, std::string* out) {
  if (!c.json_key.empty()) {
    out->append(c.json_key);
    return;
  }
  AppendJsonString(c.name, out);
  out->push_back(':');
}

void AppendSeq(uint64_t seq, std::string* out) {
  char buf[24];
  auto end = std::to_chars(buf, buf + sizeof buf, seq).ptr;
  out->append("{\"seq\":");
  out->append(buf, end);
}

// The timestamp needs no escaping: AppendOutput writes digits, "-:.TZ" (or
// "out-of-range-time").
void AppendTs(MicrosUtc ts, std::string* out) {
  out->append(",\"ts\":\"");
  AppendOutput(ts, out);
  out->push_back('"');
}

void AppendKind(const Literals& l, Kind k, std::string* out) {
  if (static_cast<int>(k) < kKindCount) {
    out->append(l.kind[static_cast<size_t>(k)]);
  } else {
    AppendField(",\"kind\":", KindName(k), out);
  }
}

void AppendRecorded(const Literals& l, Outcome o, std::string* out) {
  if (static_cast<int>(o) < kOutcomeCount) {
    out->append(l.recorded[static_cast<size_t>(o)]);
  } else {  // only a corrupt record: printed as before
    AppendField(",\"recorded\":", fb::EnumNameOutcome(o), out);
  }
}

void AppendAsOf(const Literals& l, const ReplayLine& line, std::string* out) {
  auto rs = line.decisions.as_of_rule_set;
  out->append(rs ? l.as_of[static_cast<size_t>(*rs)] : l.as_of_indeterminate);
}

void AppendDecision(const Literals& l, const Decision& d, std::string* out) {
  out->append(l.decision_open[static_cast<size_t>(d.verdict)]);
  out->append(l.reason_close[static_cast<size_t>(d.reason)]);
  if (d.cause) out->append(l.cause[static_cast<size_t>(*d.cause)]);
  out->append(l.clause[static_cast<size_t>(d.clause)]);
  AppendAlsoDeniedBy(l, d, out);
  AppendFlags(l, d, out);
  AppendReadings(l, d.readings, out);
  if (d.ux_message != nullptr) AppendField(",\"ux_message\":", d.ux_message, out);
  if (d.if_enforced) {
    out->append(",\"if_enforced\":");
    AppendDecision(l, *d.if_enforced, out);
  }
  if (d.if_not_enforced) {
    out->append(",\"if_not_enforced\":");
    AppendDecision(l, *d.if_not_enforced, out);
  }
  out->push_back('}');
}

void AppendDecisions(const Literals& l, const ReplayLine& line,
                     const std::vector<ColumnSpec>& columns, std::string* out) {
  out->append(",\"decisions\":{");
  for (size_t i = 0; i < columns.size(); ++i) {
    if (i) out->push_back(',');
    AppendColumnKey(columns[i], out);
    AppendDecision(l, DecisionOf(line, columns[i]), out);
  }
  out->push_back('}');
}

}  // namespace

void AppendDecisionJson(const Decision& d, std::string* out) { AppendDecision(L(), d, out); }

void AppendReplayJson(const Event& e, const ReplayLine& line,
                      const std::vector<ColumnSpec>& columns, std::string* out) {
  const Literals& l = L();
  AppendSeq(line.seq, out);
  if (e.id) AppendField(",\"id\":", *e.id, out);
  AppendTs(e.ts, out);
  AppendField(",\"org\":", e.org, out);
  AppendKind(l, e.kind, out);
  if (e.user) AppendField(",\"user\":", *e.user, out);
  if (e.app) AppendField(",\"app\":", *e.app, out);
  if (line.flow) AppendField(",\"flow\":", *line.flow, out);
  if (e.outcome) AppendRecorded(l, *e.outcome, out);
  AppendAsOf(l, line, out);
  AppendDecisions(l, line, columns, out);
  out->append(l.line_flags[line.line_flags & 3u]);
  out->push_back('}');
}

}  // namespace authtrail::tools
