// libzip, loaded on first use. Only Lambda code packages (a .zip to unpack) need it, and linking
// it loads libcrypto.so, libz and libbz2 into every start of the process, with ~1.6 MiB of their
// pages resident before the first request (start → ready and idle RSS are benchmark targets,
// bench/RESULTS.md). So the binary does not link libzip: these definitions of the libzip
// functions Nimbus calls dlopen libzip.so.4 the first time one of them runs and forward to it.
// If the library is missing they fail the way libzip reports failures (null handles, -1,
// ZIP_ER_INTERNAL), which callers already handle: the function's code is then refused.
#include <zip.h>

#include <cstring>

#include "services/common/lazy_library.h"

namespace {

void* Library() {
  static void* handle =
      nimbus::OpenLazyLibrary("libzip.so.4", "Lambda code packages (.zip) cannot be read");
  return handle;
}

template <typename Fn>
Fn Resolve(const char* name) {
  return nimbus::ResolveLazy<Fn>(Library(), name);
}

// One resolved pointer per function, looked up once (thread-safe static initialization).
#define NIMBUS_ZIP_FN(name) static const auto fn = Resolve<decltype(&::name)>(#name)

void SetUnavailable(zip_error_t* error) {
  if (error != nullptr) {
    error->zip_err = ZIP_ER_INTERNAL;
    error->sys_err = 0;
  }
}

}  // namespace

extern "C" {

void zip_error_init(zip_error_t* error) {
  NIMBUS_ZIP_FN(zip_error_init);
  if (fn) {
    fn(error);
  } else {
    std::memset(error, 0, sizeof(*error));
  }
}

void zip_error_fini(zip_error_t* error) {
  NIMBUS_ZIP_FN(zip_error_fini);
  if (fn) {
    fn(error);
  }
}

zip_source_t* zip_source_buffer_create(const void* data, zip_uint64_t len, int freep,
                                       zip_error_t* error) {
  NIMBUS_ZIP_FN(zip_source_buffer_create);
  if (!fn) {
    SetUnavailable(error);
    return nullptr;
  }
  return fn(data, len, freep, error);
}

zip_source_t* zip_source_buffer(zip_t* archive, const void* data, zip_uint64_t len, int freep) {
  NIMBUS_ZIP_FN(zip_source_buffer);
  return fn ? fn(archive, data, len, freep) : nullptr;
}

void zip_source_free(zip_source_t* source) {
  NIMBUS_ZIP_FN(zip_source_free);
  if (fn) {
    fn(source);
  }
}

zip_t* zip_open_from_source(zip_source_t* source, int flags, zip_error_t* error) {
  NIMBUS_ZIP_FN(zip_open_from_source);
  if (!fn) {
    SetUnavailable(error);
    return nullptr;
  }
  return fn(source, flags, error);
}

zip_t* zip_open(const char* path, int flags, int* error) {
  NIMBUS_ZIP_FN(zip_open);
  if (!fn) {
    if (error != nullptr) {
      *error = ZIP_ER_INTERNAL;
    }
    return nullptr;
  }
  return fn(path, flags, error);
}

int zip_close(zip_t* archive) {
  NIMBUS_ZIP_FN(zip_close);
  return fn ? fn(archive) : -1;
}

zip_int64_t zip_get_num_entries(zip_t* archive, zip_flags_t flags) {
  NIMBUS_ZIP_FN(zip_get_num_entries);
  return fn ? fn(archive, flags) : -1;
}

int zip_stat_index(zip_t* archive, zip_uint64_t index, zip_flags_t flags, zip_stat_t* stat) {
  NIMBUS_ZIP_FN(zip_stat_index);
  return fn ? fn(archive, index, flags, stat) : -1;
}

int zip_file_get_external_attributes(zip_t* archive, zip_uint64_t index, zip_flags_t flags,
                                     zip_uint8_t* opsys, zip_uint32_t* attributes) {
  NIMBUS_ZIP_FN(zip_file_get_external_attributes);
  return fn ? fn(archive, index, flags, opsys, attributes) : -1;
}

zip_file_t* zip_fopen_index(zip_t* archive, zip_uint64_t index, zip_flags_t flags) {
  NIMBUS_ZIP_FN(zip_fopen_index);
  return fn ? fn(archive, index, flags) : nullptr;
}

zip_int64_t zip_fread(zip_file_t* file, void* buffer, zip_uint64_t len) {
  NIMBUS_ZIP_FN(zip_fread);
  return fn ? fn(file, buffer, len) : -1;
}

int zip_fclose(zip_file_t* file) {
  NIMBUS_ZIP_FN(zip_fclose);
  return fn ? fn(file) : -1;
}

zip_int64_t zip_file_add(zip_t* archive, const char* name, zip_source_t* source,
                         zip_flags_t flags) {
  NIMBUS_ZIP_FN(zip_file_add);
  return fn ? fn(archive, name, source, flags) : -1;
}

}  // extern "C"
