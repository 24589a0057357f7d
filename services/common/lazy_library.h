#pragma once

#include <dlfcn.h>

#include <cstdio>

namespace nimbus {

// Shared libraries opened the first time one of their functions is called, for libraries most
// runs never use: every object linked in costs time at exec and resident pages, and start →
// ready and idle RSS are benchmark targets (bench/RESULTS.md). lazy_curl.cc and lazy_zip.cc
// define the library's functions themselves and forward to the real ones.

// Opens `soname` (RTLD_LOCAL: its symbols don't leak into later lookups; never closed), or
// reports once on stderr what fails without it and returns null. Call it from a function-local
// static so that it runs once, thread-safely.
inline void* OpenLazyLibrary(const char* soname, const char* without) {
  void* handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::fprintf(stderr, "nimbus: cannot load %s (%s): %s\n", soname, dlerror(), without);
  }
  return handle;
}

// The function `name` of an opened library, or null when the library or the name is missing.
template <typename Fn>
Fn ResolveLazy(void* library, const char* name) {
  return library == nullptr ? nullptr : reinterpret_cast<Fn>(dlsym(library, name));
}

}  // namespace nimbus
