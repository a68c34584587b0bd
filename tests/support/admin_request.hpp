#pragma once
// Requests with curl, to a member of a local_cluster's admin API or any URL: the status,
// headers and body of the final answer.

#include "support/local_cluster.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace eg::test {

struct http_answer {
    int status = 0;
    std::string body;
    std::string headers;
};

// One request with curl: METHOD url, the body sent as it is (written to `body_file` first),
// each of `headers` ("Name: value") added.
inline http_answer curl_request(const std::string& method, const std::string& url,
                                const std::string& body, const std::filesystem::path& body_file,
                                const std::vector<std::string>& headers = {}) {
    {
        std::ofstream out(body_file, std::ios::trunc | std::ios::binary);
        out << body;
    }
    std::vector<std::string> argv = {"curl", "-sS", "-D", "-", "-X", method, url};
    if (!body.empty()) argv.insert(argv.end(), {"--data-binary", "@" + body_file.string()});
    for (const auto& header : headers) argv.insert(argv.end(), {"-H", header});
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

// METHOD http://<member's api-addr>/apis/v2<path>, the body sent as it is.
inline http_answer admin_request(local_cluster& cluster, int member, const std::string& method,
                                 const std::string& path, const std::string& body = {}) {
    return curl_request(method, "http://" + cluster.member(member).api_addr() + "/apis/v2" + path,
                        body, cluster.dir.path() / "request-body");
}

}  // namespace eg::test
