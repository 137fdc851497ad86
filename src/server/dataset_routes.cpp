// The datasets of the served job files (and of jobs created over HTTP), by
// name: their rows a page at a time, in the shape `hone data records --json`
// prints (data/records.hpp).
#include <optional>
#include <string>

#include "data/records.hpp"
#include "data/source.hpp"
#include "server/context.hpp"

namespace hone::server {

namespace {

std::optional<std::string> query_of(const Request& req, const std::string& name) {
    if (req.query.find(name) == req.query.end()) return std::nullopt;
    return req.query_value(name);
}

// ?offset=O&limit=L. The dataset is loaded whole for each request, as an
// evaluation loads it: the page is cut from the loaded table.
Response dataset_records(Context& ctx, const Request& req) {
    const std::string& name = req.param("name");
    data::Page page = data::parse_page(query_of(req, "offset"), query_of(req, "limit"));
    const lang::DatasetSpec& spec = ctx.dataset(name);
    data::Frame frame = data::load_dataset(spec, {ctx.options.run.threads, ctx.options.run.postgres_url});
    Response r;
    r.body = data::records_page(frame, spec.name, page);
    return r;
}

}  // namespace

std::vector<Route> dataset_routes(Context& ctx) {
    return {
        {"GET", "/api/training/datasets/{name}/records",
         "A page of a dataset's rows as records keyed by column (nulls as null); ?offset=O (default 0) and "
         "?limit=L (1 to 10000, default 100)",
         true, bound(ctx, dataset_records)},
    };
}

}  // namespace hone::server
