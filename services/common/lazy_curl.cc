// libcurl, loaded on first use. Linking it pulls ~30 shared objects (Kerberos, LDAP, GnuTLS,
// ...) into every start of the process; most runs never make an outgoing HTTP call, and start →
// ready and idle RSS are benchmark targets (bench/RESULTS.md). So the binary does not link
// libcurl: these definitions of the libcurl functions Nimbus calls dlopen libcurl.so.4 the first
// time one of them runs and forward to it. If the library is missing, they fail the way libcurl
// reports failures (null handles, CURLE_FAILED_INIT), which callers already handle.
#define CURL_DISABLE_TYPECHECK  // the type-checking macros would rename the definitions below
#include <curl/curl.h>

#include <cstdarg>

#include "services/common/lazy_library.h"

namespace {

void* Library() {
  static void* handle = nimbus::OpenLazyLibrary("libcurl.so.4", "outgoing HTTP calls fail");
  return handle;
}

template <typename Fn>
Fn Resolve(const char* name) {
  return nimbus::ResolveLazy<Fn>(Library(), name);
}

// One resolved pointer per function, looked up once (thread-safe static initialization).
#define NIMBUS_CURL_FN(name) \
  static const auto fn = Resolve<decltype(&::name)>(#name)

}  // namespace

extern "C" {

CURLcode curl_global_init(long flags) {
  NIMBUS_CURL_FN(curl_global_init);
  return fn ? fn(flags) : CURLE_FAILED_INIT;
}

CURL* curl_easy_init(void) {
  NIMBUS_CURL_FN(curl_easy_init);
  return fn ? fn() : nullptr;
}

// Every option takes one argument whose type the option's number range names (curl.h:
// CURLOPTTYPE_*): long below 10000, a pointer (object, function or blob) from 10000 except
// curl_off_t at 30000-39999. libcurl reads it back the same way.
CURLcode curl_easy_setopt(CURL* curl, CURLoption option, ...) {
  NIMBUS_CURL_FN(curl_easy_setopt);
  if (!fn) {
    return CURLE_FAILED_INIT;
  }
  va_list args;
  va_start(args, option);
  CURLcode result;
  if (option < CURLOPTTYPE_OBJECTPOINT) {
    result = fn(curl, option, va_arg(args, long));
  } else if (option >= CURLOPTTYPE_OFF_T && option < CURLOPTTYPE_BLOB) {
    result = fn(curl, option, va_arg(args, curl_off_t));
  } else {
    result = fn(curl, option, va_arg(args, void*));
  }
  va_end(args);
  return result;
}

CURLcode curl_easy_perform(CURL* curl) {
  NIMBUS_CURL_FN(curl_easy_perform);
  return fn ? fn(curl) : CURLE_FAILED_INIT;
}

void curl_easy_cleanup(CURL* curl) {
  NIMBUS_CURL_FN(curl_easy_cleanup);
  if (fn) {
    fn(curl);
  }
}

// Every CURLINFO takes a pointer to where the value goes.
CURLcode curl_easy_getinfo(CURL* curl, CURLINFO info, ...) {
  NIMBUS_CURL_FN(curl_easy_getinfo);
  if (!fn) {
    return CURLE_FAILED_INIT;
  }
  va_list args;
  va_start(args, info);
  CURLcode result = fn(curl, info, va_arg(args, void*));
  va_end(args);
  return result;
}

const char* curl_easy_strerror(CURLcode code) {
  NIMBUS_CURL_FN(curl_easy_strerror);
  return fn ? fn(code) : "libcurl is not available";
}

curl_slist* curl_slist_append(curl_slist* list, const char* value) {
  NIMBUS_CURL_FN(curl_slist_append);
  return fn ? fn(list, value) : nullptr;
}

void curl_slist_free_all(curl_slist* list) {
  NIMBUS_CURL_FN(curl_slist_free_all);
  if (fn) {
    fn(list);
  }
}

CURLM* curl_multi_init(void) {
  NIMBUS_CURL_FN(curl_multi_init);
  return fn ? fn() : nullptr;
}

CURLMcode curl_multi_add_handle(CURLM* multi, CURL* easy) {
  NIMBUS_CURL_FN(curl_multi_add_handle);
  return fn ? fn(multi, easy) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_remove_handle(CURLM* multi, CURL* easy) {
  NIMBUS_CURL_FN(curl_multi_remove_handle);
  return fn ? fn(multi, easy) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_perform(CURLM* multi, int* running) {
  NIMBUS_CURL_FN(curl_multi_perform);
  return fn ? fn(multi, running) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_poll(CURLM* multi, curl_waitfd extra_fds[], unsigned int extra_nfds,
                          int timeout_ms, int* ret) {
  NIMBUS_CURL_FN(curl_multi_poll);
  return fn ? fn(multi, extra_fds, extra_nfds, timeout_ms, ret) : CURLM_INTERNAL_ERROR;
}

CURLMcode curl_multi_wakeup(CURLM* multi) {
  NIMBUS_CURL_FN(curl_multi_wakeup);
  return fn ? fn(multi) : CURLM_INTERNAL_ERROR;
}

CURLMsg* curl_multi_info_read(CURLM* multi, int* msgs_in_queue) {
  NIMBUS_CURL_FN(curl_multi_info_read);
  return fn ? fn(multi, msgs_in_queue) : nullptr;
}

CURLMcode curl_multi_cleanup(CURLM* multi) {
  NIMBUS_CURL_FN(curl_multi_cleanup);
  return fn ? fn(multi) : CURLM_INTERNAL_ERROR;
}

}  // extern "C"
