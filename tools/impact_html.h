// The impact report as one self-contained HTML file (docs/impact.md): inline
// CSS, an inline SVG timeline, no script, no link, no external resource, so it
// opens offline and can be mailed or attached to a case as is.
//
// Every value that comes from data (ids, usernames, app names, reasons, file
// names) goes through HtmlEscape: a username such as "<script>…" shows as text.
//
// Thread-safety: thread-safe (pure functions).
#pragma once

#include <string>
#include <string_view>

#include "tools/impact.h"

namespace authtrail::tools {

// Escapes & < > " ' for use in HTML text and quoted attribute values.
std::string HtmlEscape(std::string_view s);

// The whole document.
std::string RenderImpactHtml(const ImpactReport& report);

}  // namespace authtrail::tools
