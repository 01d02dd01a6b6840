// Whether a directory is encrypted with fscrypt, and how (FS_IOC_GET_ENCRYPTION_POLICY_EX, Linux 5.4+).
#include <fcntl.h>
#include <linux/fscrypt.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <string>

#include "anonmap/error.hpp"
#include "anonmap/fs_facts.hpp"
#include "anonmap/unique_fd.hpp"

namespace anonmap {
namespace {

std::string mode_name(unsigned mode) {
  switch (mode) {
    case 1: return "AES-256-XTS";
    case 4: return "AES-256-CTS";
    case 5: return "AES-128-CBC";
    case 6: return "AES-128-CTS";
    case 7: return "SM4-XTS";
    case 8: return "SM4-CTS";
    case 9: return "Adiantum";
    case 10: return "AES-256-HCTR2";
    default: return "mode" + std::to_string(mode);
  }
}

}  // namespace

std::string fscrypt_policy_of(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return "unknown: " + errno_message("open", errno);
  fscrypt_get_policy_ex_arg request{};
  request.policy_size = sizeof request.policy;
  if (::ioctl(fd.get(), FS_IOC_GET_ENCRYPTION_POLICY_EX, &request) != 0) {
    switch (errno) {
      case ENODATA: return "off";
      case ENOTTY:
      case EOPNOTSUPP: return "unsupported";
      default: return "unknown: " + errno_message("FS_IOC_GET_ENCRYPTION_POLICY_EX", errno);
    }
  }
  if (request.policy.version == FSCRYPT_POLICY_V2)
    return "v2 " + mode_name(request.policy.v2.contents_encryption_mode) + "/" +
           mode_name(request.policy.v2.filenames_encryption_mode);
  return "v1 " + mode_name(request.policy.v1.contents_encryption_mode) + "/" +
         mode_name(request.policy.v1.filenames_encryption_mode);
}

}  // namespace anonmap
