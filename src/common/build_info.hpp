#pragma once
// What this hone was built from, recorded with every run and model so that a
// result can be traced to the code that made it. The definitions are generated
// at every build (cmake/build_info.cmake).
namespace hone {

const char* hone_version();   // the project's version, "0.1.0"
const char* hone_commit();    // git commit, 12 hex digits, "+dirty" with local changes; "unknown" outside git
const char* hone_compiler();  // "GNU 12.2.0"

}  // namespace hone
