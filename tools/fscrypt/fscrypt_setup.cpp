// anonmap-fscrypt-setup: turn an empty directory into an fscrypt v2 encrypted directory, non-interactively.
//
//   anonmap-fscrypt-setup DIR           add a fresh random 64-byte key to DIR's filesystem
//                                       (FS_IOC_ADD_ENCRYPTION_KEY), set a v2 policy AES-256-XTS / AES-256-CTS on
//                                       the empty DIR (FS_IOC_SET_ENCRYPTION_POLICY), print the key identifier
//   anonmap-fscrypt-setup --remove DIR  remove the key DIR's policy names from the filesystem
//                                       (FS_IOC_REMOVE_ENCRYPTION_KEY); a key already gone is not an error
//   anonmap-fscrypt-setup --status DIR  print "off", or "v2 <contents>/<filenames> <identifier> key=<status>"
//
// The key lives only in the kernel (the filesystem's keyring): it is dropped when the filesystem is unmounted,
// and the encrypted directory's contents are unreadable after that. That is what a benchmark fixture wants.
// Exit codes: 0 done, 1 the kernel refused (with the reason), 2 usage.

#include <linux/fscrypt.h>

#include <sys/ioctl.h>
#include <sys/random.h>

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

namespace {

constexpr std::size_t key_size = FSCRYPT_MAX_KEY_SIZE;  // 64 bytes: AES-256-XTS needs a 512-bit master key

void usage(std::FILE* out) {
  std::fputs(
      "usage: anonmap-fscrypt-setup DIR\n"
      "       anonmap-fscrypt-setup --remove DIR\n"
      "       anonmap-fscrypt-setup --status DIR\n"
      "\n"
      "  DIR            add a fresh random 64-byte key to DIR's filesystem and make the empty DIR an\n"
      "                 fscrypt v2 encrypted directory (AES-256-XTS contents, AES-256-CTS names);\n"
      "                 prints the key identifier (32 hex digits)\n"
      "  --remove DIR   remove the key that DIR's policy uses from the filesystem (no error if already gone)\n"
      "  --status DIR   print 'off' or 'v2 <contents>/<filenames> <identifier> key=present|absent|...'\n"
      "  --help         this text\n"
      "\n"
      "Needs CAP_SYS_ADMIN for --remove of keys other users added; the filesystem must support encryption\n"
      "(ext4: mkfs.ext4 -O encrypt). Exit codes: 0 done, 1 the kernel refused, 2 usage.\n",
      out);
}

int fail(const char* what, const std::string& dir, int err) {
  std::fprintf(stderr, "anonmap-fscrypt-setup: %s on %s: %s", what, dir.c_str(), std::strerror(err));
  switch (err) {
    case EOPNOTSUPP:
      std::fputs(" (the filesystem does not support encryption; ext4 needs mkfs.ext4 -O encrypt)", stderr);
      break;
    case ENOTTY:
      std::fputs(" (this filesystem has no fscrypt support at all)", stderr);
      break;
    case ENOTEMPTY:
      std::fputs(" (the directory must be empty)", stderr);
      break;
    case EPERM:
    case EACCES:
      std::fputs(" (run as root)", stderr);
      break;
    default:
      break;
  }
  std::fputc('\n', stderr);
  return 1;
}

std::string hex(const std::uint8_t* bytes, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[bytes[i] >> 4]);
    out.push_back(digits[bytes[i] & 0xf]);
  }
  return out;
}

const char* mode_name(std::uint8_t mode) {
  switch (mode) {
    case FSCRYPT_MODE_AES_256_XTS: return "aes-256-xts";
    case FSCRYPT_MODE_AES_256_CTS: return "aes-256-cts";
    case FSCRYPT_MODE_AES_128_CBC: return "aes-128-cbc";
    case FSCRYPT_MODE_AES_128_CTS: return "aes-128-cts";
    case FSCRYPT_MODE_ADIANTUM: return "adiantum";
    case FSCRYPT_MODE_AES_256_HCTR2: return "aes-256-hctr2";
    default: return "unknown";
  }
}

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

// Reads DIR's policy. Returns 0 and fills `arg`, or an errno (ENODATA: not encrypted).
int get_policy(int fd, fscrypt_get_policy_ex_arg& arg) {
  arg = {};
  arg.policy_size = sizeof(arg.policy);
  if (::ioctl(fd, FS_IOC_GET_ENCRYPTION_POLICY_EX, &arg) != 0) return errno;
  return 0;
}

int remove_key_by_id(int fd, const std::uint8_t* identifier, const std::string& dir, bool quiet_if_absent) {
  fscrypt_remove_key_arg arg{};
  arg.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
  std::memcpy(arg.key_spec.u.identifier, identifier, FSCRYPT_KEY_IDENTIFIER_SIZE);
  if (::ioctl(fd, FS_IOC_REMOVE_ENCRYPTION_KEY, &arg) != 0) {
    if (errno == ENOKEY) {
      if (!quiet_if_absent) std::printf("key %s already removed\n", hex(identifier, FSCRYPT_KEY_IDENTIFIER_SIZE).c_str());
      return 0;
    }
    return fail("FS_IOC_REMOVE_ENCRYPTION_KEY", dir, errno);
  }
  if ((arg.removal_status_flags & FSCRYPT_KEY_REMOVAL_STATUS_FLAG_FILES_BUSY) != 0)
    std::fprintf(stderr, "anonmap-fscrypt-setup: key removed, but files in %s are still open; "
                         "they stay readable until closed or the filesystem is unmounted\n", dir.c_str());
  if ((arg.removal_status_flags & FSCRYPT_KEY_REMOVAL_STATUS_FLAG_OTHER_USERS) != 0)
    std::fprintf(stderr, "anonmap-fscrypt-setup: only this user's claim was removed; other users still hold the key\n");
  if (!quiet_if_absent) std::printf("key %s removed\n", hex(identifier, FSCRYPT_KEY_IDENTIFIER_SIZE).c_str());
  return 0;
}

int setup(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return fail("open", dir, errno);

  // The key: 64 random bytes, handed to the kernel and then wiped; it is never written anywhere.
  alignas(fscrypt_add_key_arg) std::array<unsigned char, sizeof(fscrypt_add_key_arg) + key_size> buffer{};
  auto* add = reinterpret_cast<fscrypt_add_key_arg*>(buffer.data());
  std::size_t filled = 0;
  while (filled < key_size) {
    const ssize_t n = ::getrandom(add->raw + filled, key_size - filled, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("getrandom", dir, errno);
    }
    filled += static_cast<std::size_t>(n);
  }
  add->key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
  add->raw_size = static_cast<std::uint32_t>(key_size);
  const int added = ::ioctl(fd.get(), FS_IOC_ADD_ENCRYPTION_KEY, add);
  const int add_errno = errno;
  std::array<std::uint8_t, FSCRYPT_KEY_IDENTIFIER_SIZE> identifier{};
  std::memcpy(identifier.data(), add->key_spec.u.identifier, identifier.size());
  explicit_bzero(buffer.data(), buffer.size());
  if (added != 0) return fail("FS_IOC_ADD_ENCRYPTION_KEY", dir, add_errno);

  fscrypt_policy_v2 policy{};
  policy.version = FSCRYPT_POLICY_V2;
  policy.contents_encryption_mode = FSCRYPT_MODE_AES_256_XTS;
  policy.filenames_encryption_mode = FSCRYPT_MODE_AES_256_CTS;
  policy.flags = FSCRYPT_POLICY_FLAGS_PAD_32;
  std::memcpy(policy.master_key_identifier, identifier.data(), identifier.size());
  if (::ioctl(fd.get(), FS_IOC_SET_ENCRYPTION_POLICY, &policy) != 0) {
    const int err = errno;
    remove_key_by_id(fd.get(), identifier.data(), dir, true);  // leave nothing behind
    return fail("FS_IOC_SET_ENCRYPTION_POLICY", dir, err);
  }
  std::printf("%s\n", hex(identifier.data(), identifier.size()).c_str());
  return 0;
}

int remove_key(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return fail("open", dir, errno);
  fscrypt_get_policy_ex_arg arg{};
  if (const int err = get_policy(fd.get(), arg); err != 0) {
    if (err == ENODATA) {
      std::printf("%s is not encrypted: no key to remove\n", dir.c_str());
      return 0;
    }
    return fail("FS_IOC_GET_ENCRYPTION_POLICY_EX", dir, err);
  }
  if (arg.policy.version != FSCRYPT_POLICY_V2) {
    std::fprintf(stderr, "anonmap-fscrypt-setup: %s has a v1 policy; only v2 keys are handled here\n", dir.c_str());
    return 1;
  }
  // Ask through the parent directory: an fd on DIR itself would keep an inode that uses the key busy, and the
  // kernel would then only half-remove the key ("files still open").
  std::array<std::uint8_t, FSCRYPT_KEY_IDENTIFIER_SIZE> identifier{};
  std::memcpy(identifier.data(), arg.policy.v2.master_key_identifier, identifier.size());
  Fd parent(::openat(fd.get(), "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (parent.get() < 0) return fail("open ..", dir, errno);
  fd.reset();
  return remove_key_by_id(parent.get(), identifier.data(), dir, false);
}

int show_status(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return fail("open", dir, errno);
  fscrypt_get_policy_ex_arg arg{};
  if (const int err = get_policy(fd.get(), arg); err != 0) {
    if (err == ENODATA || err == EOPNOTSUPP || err == ENOTTY) {
      std::printf("off\n");
      return 0;
    }
    return fail("FS_IOC_GET_ENCRYPTION_POLICY_EX", dir, err);
  }
  if (arg.policy.version != FSCRYPT_POLICY_V2) {
    std::printf("v1 %s/%s\n", mode_name(arg.policy.v1.contents_encryption_mode),
                mode_name(arg.policy.v1.filenames_encryption_mode));
    return 0;
  }
  fscrypt_get_key_status_arg key{};
  key.key_spec.type = FSCRYPT_KEY_SPEC_TYPE_IDENTIFIER;
  std::memcpy(key.key_spec.u.identifier, arg.policy.v2.master_key_identifier, FSCRYPT_KEY_IDENTIFIER_SIZE);
  const char* key_status = "unknown";
  if (::ioctl(fd.get(), FS_IOC_GET_ENCRYPTION_KEY_STATUS, &key) == 0) {
    switch (key.status) {
      case FSCRYPT_KEY_STATUS_ABSENT: key_status = "absent"; break;
      case FSCRYPT_KEY_STATUS_PRESENT: key_status = "present"; break;
      case FSCRYPT_KEY_STATUS_INCOMPLETELY_REMOVED: key_status = "incompletely-removed"; break;
      default: break;
    }
  }
  std::printf("v2 %s/%s %s key=%s\n", mode_name(arg.policy.v2.contents_encryption_mode),
              mode_name(arg.policy.v2.filenames_encryption_mode),
              hex(arg.policy.v2.master_key_identifier, FSCRYPT_KEY_IDENTIFIER_SIZE).c_str(), key_status);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && (std::string_view(argv[1]) == "--help" || std::string_view(argv[1]) == "-h")) {
    usage(stdout);
    return 0;
  }
  if (argc == 2 && argv[1][0] != '-') return setup(argv[1]);
  if (argc == 3 && std::string_view(argv[1]) == "--remove") return remove_key(argv[2]);
  if (argc == 3 && std::string_view(argv[1]) == "--status") return show_status(argv[2]);
  usage(stderr);
  return 2;
}
