#include "common/time.h"

#include <algorithm>
#include <string_view>

namespace authtrail {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kSecondsPerDay = 86'400;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly n digits at text[pos..]; false if any is not a digit.
bool ReadDigits(std::string_view text, size_t pos, size_t n, int* out) {
  if (pos + n > text.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = text[pos + i];
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = v;
  return true;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (m == 2 && IsLeapYear(y)) ? 29 : kDays[m - 1];
}

struct Civil {
  int64_t y;
  unsigned m, d;
};

Civil CivilFromDays(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2), m, d};
}

Status Bad(const char* why) { return Status::InvalidArgument(why); }

}  // namespace

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

Result<MicrosUtc> ParseRfc3339(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (s.size() < 20) return Bad("not an RFC 3339 timestamp (expected YYYY-MM-DDTHH:MM:SSZ)");
  if (!ReadDigits(s, 0, 4, &year) || s[4] != '-' || !ReadDigits(s, 5, 2, &month) || s[7] != '-' ||
      !ReadDigits(s, 8, 2, &day)) {
    return Bad("bad date (expected YYYY-MM-DD)");
  }
  if (s[10] != 'T' && s[10] != 't') return Bad("expected 'T' between date and time");
  if (!ReadDigits(s, 11, 2, &hour) || s[13] != ':' || !ReadDigits(s, 14, 2, &minute) ||
      s[16] != ':' || !ReadDigits(s, 17, 2, &second)) {
    return Bad("bad time (expected HH:MM:SS)");
  }
  if (month < 1 || month > 12) return Bad("month out of range");
  if (day < 1 || day > DaysInMonth(year, month)) return Bad("day out of range for the month");
  if (hour > 23) return Bad("hour out of range");
  if (minute > 59) return Bad("minute out of range");
  if (second == 60) return Bad("leap seconds are not supported");
  if (second > 59) return Bad("second out of range");

  size_t pos = 19;
  int64_t micros = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (++digits > 6) return Bad("fraction has more than 6 digits (microseconds)");
      micros = micros * 10 + (s[pos] - '0');
      ++pos;
    }
    if (digits == 0) return Bad("empty fraction after '.'");
    for (size_t i = digits; i < 6; ++i) micros *= 10;
  }
  if (pos >= s.size()) return Bad("missing time zone ('Z' or +HH:MM)");
  int64_t offset_seconds = 0;
  char z = s[pos];
  if (z == 'Z' || z == 'z') {
    ++pos;
  } else if (z == '+' || z == '-') {
    int oh, om;
    if (!ReadDigits(s, pos + 1, 2, &oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !ReadDigits(s, pos + 4, 2, &om)) {
      return Bad("bad time-zone offset (expected +HH:MM or -HH:MM)");
    }
    if (oh > 23 || om > 59) return Bad("time-zone offset out of range");
    offset_seconds = (oh * 3600 + om * 60) * (z == '+' ? 1 : -1);
    pos += 6;
  } else {
    return Bad("bad time zone (expected 'Z' or +HH:MM)");
  }
  if (pos != s.size()) return Bad("unexpected characters after the timestamp");

  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * kSecondsPerDay + hour * 3600 + minute * 60 + second - offset_seconds;
  // The canonical form must parse back: keep UTC within years 0000-9999.
  static const int64_t kMinSecs = DaysFromCivil(0, 1, 1) * kSecondsPerDay;
  static const int64_t kMaxSecs = DaysFromCivil(10000, 1, 1) * kSecondsPerDay;
  if (secs < kMinSecs || secs >= kMaxSecs) {
    return Bad("outside the years 0000-9999 once converted to UTC");
  }
  return secs * kMicrosPerSecond + micros;
}

namespace {

// Writes v as exactly `width` digits at p (no snprintf: this runs for every
// ingested event, through the canonical form).
char* PutDigits(char* p, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i, v /= 10) p[i] = static_cast<char>('0' + v % 10);
  return p + width;
}

// Writes t at p (room for 32 bytes) and returns the end.
char* FormatTo(MicrosUtc t, bool always_fraction, char* p) {
  int64_t secs = t / kMicrosPerSecond;
  int64_t frac = t % kMicrosPerSecond;
  if (frac < 0) {
    frac += kMicrosPerSecond;
    --secs;
  }
  int64_t days = secs / kSecondsPerDay;
  int64_t sod = secs % kSecondsPerDay;
  if (sod < 0) {
    sod += kSecondsPerDay;
    --days;
  }
  Civil c = CivilFromDays(days);
  if (c.y < 0 || c.y > 9999) {  // ParseRfc3339 never yields these
    constexpr std::string_view kOutOfRange = "out-of-range-time";
    return std::copy(kOutOfRange.begin(), kOutOfRange.end(), p);
  }
  p = PutDigits(p, c.y, 4);
  *p++ = '-';
  p = PutDigits(p, c.m, 2);
  *p++ = '-';
  p = PutDigits(p, c.d, 2);
  *p++ = 'T';
  p = PutDigits(p, sod / 3600, 2);
  *p++ = ':';
  p = PutDigits(p, sod / 60 % 60, 2);
  *p++ = ':';
  p = PutDigits(p, sod % 60, 2);
  if (always_fraction || frac != 0) {
    *p++ = '.';
    p = PutDigits(p, frac, 6);
  }
  *p++ = 'Z';
  return p;
}

std::string Format(MicrosUtc t, bool always_fraction) {
  char buf[32];
  return std::string(buf, FormatTo(t, always_fraction, buf));
}

}  // namespace

std::string FormatCanonical(MicrosUtc t) { return Format(t, true); }
std::string FormatOutput(MicrosUtc t) { return Format(t, false); }

void AppendOutput(MicrosUtc t, std::string* out) {
  char buf[32];
  out->append(buf, FormatTo(t, false, buf));
}

}  // namespace authtrail
