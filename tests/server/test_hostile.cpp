// Data-driven cases of hostile and malformed requests: every file under
// tests/cases/http is one request, sent as raw bytes over a real socket to a
// real server, and its answer ("STATUS code" and the message, hint and
// location of the error shape) compared with the .expected file beside it.
// The server must answer every case and stay up. Set HONE_UPDATE_EXPECTED=1 to
// rewrite the .expected files (then review the diff).
//
// A case file: comment lines starting with '#', the request line
// ("POST /api/training/jobs"), header lines, a blank line, the body. The body
// (and the path) may use:
//   {{model_key}}       the key of a model the suite trained once
//   {{repeat N TEXT}}   TEXT N times (deep or large inputs in a small file)
// In the answer, the suite's temporary data root reads {{data_root}}, the
// trained model's key {{model_key}} (its version differs run to run), and the
// size of a stored document over its limit reads {{bytes}} (a model's metadata
// holds the commit hone was built from, so its size varies by build).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "server/server.hpp"
#include "../support/files.hpp"
#include "../train/churn_workspace.hpp"

namespace fs = std::filesystem;
using namespace hone;
using Json = nlohmann::ordered_json;

namespace {

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<fs::path> case_files() { return test_support::case_files("http", {".http"}); }

// Expands {{model_key}} and {{repeat N TEXT}}.
std::string expand(std::string text, const std::string& model_key) {
    for (std::size_t at; (at = text.find("{{")) != std::string::npos;) {
        std::size_t end = text.find("}}", at);
        if (end == std::string::npos) break;
        std::string inner = text.substr(at + 2, end - at - 2);
        std::string with;
        if (inner == "model_key") {
            with = model_key;
        } else if (inner.rfind("repeat ", 0) == 0) {
            std::istringstream in(inner.substr(7));
            long n = 0;
            in >> n;
            std::string unit;
            std::getline(in >> std::ws, unit);
            for (long i = 0; i < n; ++i) with += unit;
        } else {
            ADD_FAILURE() << "unknown placeholder {{" << inner << "}}";
        }
        text.replace(at, end - at + 2, with);
    }
    return text;
}

struct Case {
    std::string request_line;
    std::vector<std::string> headers;
    std::string body;
};

Case parse_case(const std::string& text, const std::string& model_key) {
    Case c;
    std::istringstream in(text);
    std::string line;
    bool in_headers = false;
    while (std::getline(in, line)) {
        if (!in_headers && (line.empty() || line[0] == '#')) continue;
        if (!in_headers) {
            c.request_line = expand(line, model_key);
            in_headers = true;
            continue;
        }
        if (line.empty()) break;
        c.headers.push_back(line);
    }
    std::string rest((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (!rest.empty() && rest.back() == '\n') rest.pop_back();
    c.body = expand(rest, model_key);
    return c;
}

// Sends `raw` and reads the answer to the end (the request asks to close).
std::string send_and_read(int port, const std::string& raw) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{30, 0};  // a case that gets no answer in 30 s has hung the server
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return "";
    }
    for (std::size_t sent = 0; sent < raw.size();) {
        ssize_t n = ::send(fd, raw.data() + sent, raw.size() - sent, MSG_NOSIGNAL);
        if (n <= 0) break;  // the server may answer and close before reading it all
        sent += static_cast<std::size_t>(n);
    }
    std::string answer;
    char buf[65536];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) answer.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    return answer;
}

// "STATUS code\nmessage: ...\nhint: ...\nlocation: ..." for an error; "STATUS" otherwise.
std::string render(const std::string& answer) {
    if (answer.rfind("HTTP/1.1 ", 0) != 0) return "no answer: '" + answer.substr(0, 200) + "'";
    std::string status = answer.substr(9, 3);
    auto body_at = answer.find("\r\n\r\n");
    std::string body = body_at == std::string::npos ? "" : answer.substr(body_at + 4);
    Json j = Json::parse(body, nullptr, false);
    if (status[0] == '2' || !j.is_object()) return status + "\n";
    std::string out = status + " " + j.value("error", std::string("?")) + "\nmessage: " + j.value("message", std::string()) + "\n";
    if (j.contains("hint")) out += "hint: " + j["hint"].get<std::string>() + "\n";
    if (j.contains("details"))
        for (const auto& d : j["details"])
            if (d.is_object() && d.contains("location")) out += "location: " + d["location"].get<std::string>() + "\n";
    return out;
}

// The answer to one case file, rendered.
std::string answer_to(int port, const fs::path& path, const std::string& model_key) {
    Case c = parse_case(read_text(path), model_key);
    std::string raw = c.request_line + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    bool has_length = false;
    for (const auto& h : c.headers) {
        raw += h + "\r\n";
        std::string lower = h.substr(0, h.find(':'));
        for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        has_length = has_length || lower == "content-length" || lower == "transfer-encoding";
    }
    if (!has_length) raw += "Content-Length: " + std::to_string(c.body.size()) + "\r\n";
    raw += "\r\n" + c.body;
    return render(send_and_read(port, raw));
}

// One server (and one trained model) for every case: the cases are many and
// each is one request.
TEST(HostileRequests, EachCaseAnswersAsExpectedAndTheServerStaysUp) {
    test_support::Workspace ws;
    lang::JobFile file = ws.job("", "tuning \"optimized\":\n    training_job: baseline_churn_model\n"
                                    "    max_trials: 2\n    search_space:\n        n_estimators:\n"
                                    "            type: int\n            min: 10\n            max: 20\n");
    train::TrainOptions train_options = ws.options();
    auto result = train::run_training_job(file, "baseline_churn_model", *ws.store, train_options);
    std::string model_key = result["registry_key"].get<std::string>();
    server::ServerOptions options;
    options.port = 0;
    options.run.model_root = (ws.dir / "models").string();
    options.data_root = ws.dir.string();
    server::Server server({file}, *ws.store, options);
    server.start();

    auto cases = case_files();
    ASSERT_GE(cases.size(), 40u);
    bool update = std::getenv("HONE_UPDATE_EXPECTED") != nullptr;
    for (const auto& path : cases) {
        SCOPED_TRACE(path.filename().string());
        std::string got = answer_to(server.port(), path, model_key);
        for (std::size_t at; (at = got.find(options.data_root)) != std::string::npos;)
            got.replace(at, options.data_root.size(), "{{data_root}}");
        for (std::size_t at; (at = got.find(model_key)) != std::string::npos;)
            got.replace(at, model_key.size(), "{{model_key}}");
        got = std::regex_replace(got, std::regex("is [0-9]+ bytes of JSON"), "is {{bytes}} bytes of JSON");
        fs::path expected_path = path;
        expected_path += ".expected";
        if (update) {
            std::ofstream(expected_path, std::ios::binary) << got;
        } else if (!fs::exists(expected_path)) {
            ADD_FAILURE() << "missing " << expected_path << "; got:\n" << got;
        } else {
            EXPECT_EQ(got, read_text(expected_path));
        }
        ASSERT_EQ(render(send_and_read(server.port(), "GET /api/training/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
                  "200\n")
            << "the server must stay up after " << path.filename();
    }
    server.stop();
}

}  // namespace
