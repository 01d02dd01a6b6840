#include "atomic_write.hpp"

#include "error.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fmt/format.h>

namespace anonmap::compare {

namespace {

[[noreturn]] void fail(const std::string& path, const char* what, int err)
{
    throw InputError(path, fmt::format("{}: {}", what, std::strerror(err)));
}

}  // namespace

void write_file_atomically(const std::string& path, std::string_view data)
{
    const std::filesystem::path target(path);
    std::string tmpl = (target.has_parent_path() ? target.parent_path() / "" : std::filesystem::path())
                           .string() + "." + target.filename().string() + ".XXXXXX";
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');

    const int fd = mkstemp(name.data());
    if (fd < 0)
        fail(path, "cannot create a temporary file", errno);
    const std::string tmp(name.data());
    auto abandon = [&](const char* what) {
        const int err = errno;
        close(fd);
        unlink(tmp.c_str());
        fail(path, what, err);
    };

    // mkstemp makes the file 0600; give it the mode a new file would get.
    const mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0)
        abandon("cannot set the mode of the temporary file");
    for (std::size_t done = 0; done < data.size();) {
        const ssize_t n = write(fd, data.data() + done, data.size() - done);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            abandon("cannot write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (fsync(fd) != 0)
        abandon("cannot flush to disk");
    if (close(fd) != 0) {
        const int err = errno;
        unlink(tmp.c_str());
        fail(path, "cannot write", err);
    }
    if (rename(tmp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        unlink(tmp.c_str());
        fail(path, "cannot rename the temporary file over it", err);
    }
}

}  // namespace anonmap::compare
