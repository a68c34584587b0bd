#pragma once
// One request to a member of a local_cluster's admin API, with curl: the status, headers and
// body of the final answer.

#include "support/local_cluster.hpp"

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

namespace eg::test {

struct http_answer {
    int status = 0;
    std::string body;
    std::string headers;
};

// METHOD http://<member's api-addr>/apis/v2<path>, the body sent as it is.
inline http_answer admin_request(local_cluster& cluster, int member, const std::string& method,
                                 const std::string& path, const std::string& body = {}) {
    const auto body_file = cluster.dir.path() / "request-body";
    {
        std::ofstream out(body_file, std::ios::trunc | std::ios::binary);
        out << body;
    }
    std::vector<std::string> argv = {
        "curl",
        "-sS",
        "-D",
        "-",
        "-X",
        method,
        "http://" + cluster.member(member).api_addr() + "/apis/v2" + path};
    if (!body.empty()) argv.insert(argv.end(), {"--data-binary", "@" + body_file.string()});
    run_options options;
    options.timeout = std::chrono::seconds(30);
    const auto r = run_to_end(argv, options);
    http_answer answer;
    std::string rest = r.out;
    // Skip interim answers ("HTTP/1.1 100 Continue") before the final one.
    while (rest.rfind("HTTP/1.1 100", 0) == 0) {
        const auto end = rest.find("\r\n\r\n");
        if (end == std::string::npos) break;
        rest = rest.substr(end + 4);
    }
    const auto split = rest.find("\r\n\r\n");
    answer.headers = rest.substr(0, split);
    answer.body = split == std::string::npos ? "" : rest.substr(split + 4);
    if (answer.headers.size() > 12) answer.status = std::stoi(answer.headers.substr(9, 3));
    return answer;
}

}  // namespace eg::test
