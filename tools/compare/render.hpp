// Renderers: a Report to text for the terminal, Markdown for a merge-request
// comment, CSV (one line per cell) and versioned JSON for machines.
#pragma once

#include "report.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace anonmap::compare {

enum class Format { text, markdown, csv, json };

std::optional<Format> parse_format(std::string_view name);

std::string render_text(const Report& r);
std::string render_markdown(const Report& r);
std::string render_csv(const Report& r);
std::string render_json(const Report& r);

std::string render(const Report& r, Format f);

}  // namespace anonmap::compare
