#pragma once
// The API described from the route table and the algorithm catalog: an OpenAPI
// 3.0.3 document for clients and generators, and a readable HTML page made from
// that document. Both are built from data the server already has, so they cannot
// drift from what it answers.
#include <string>
#include <vector>

#include "server/route.hpp"

namespace hone::server {

// OpenAPI 3.0.3 for `routes`, in their order:
//  - one path item per pattern, one operation per method; each {x} is a required
//    string path parameter "x" matching ^[A-Za-z0-9_.-]+$;
//  - operationId: the method and pattern in lower case, every run of other
//    characters one "_" ("GET /api/training/jobs/{name}" -> "get_api_training_jobs_name");
//    a clash gets "_2", "_3", ... in table order;
//  - tag: the segment after /api/training/ when some route goes deeper under it
//    (jobs, tuning, models, runs), else "meta" (health, the docs, metrics);
//  - security [{"bearer": []}] when the route needs the token, [] when not;
//  - responses "200" and "default" (the error shape, components/schemas/Error);
//    POST/PUT/PATCH take an optional JSON object body.
// components.schemas also holds "Algorithm" (every catalog name) and
// "Hyperparameters.<algorithm>" (each parameter's type, default, range, choices, doc).
Json openapi_document(const std::vector<Route>& routes, const std::string& version);

// One self-contained HTML page (no scripts, styles or fonts fetched) for an
// OpenAPI document from openapi_document: the operations grouped by tag, then the
// algorithms and their hyperparameters. Every text is HTML-escaped.
std::string docs_page(const Json& openapi);

}  // namespace hone::server
