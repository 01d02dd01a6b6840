#include "render.hpp"

namespace anonmap::compare {

std::optional<Format> parse_format(std::string_view name)
{
    if (name == "text") return Format::text;
    if (name == "markdown" || name == "md") return Format::markdown;
    if (name == "csv") return Format::csv;
    if (name == "json") return Format::json;
    return std::nullopt;
}

std::string render(const Report& r, Format f)
{
    switch (f) {
    case Format::text: return render_text(r);
    case Format::markdown: return render_markdown(r);
    case Format::csv: return render_csv(r);
    case Format::json: return render_json(r);
    }
    return {};
}

}  // namespace anonmap::compare
