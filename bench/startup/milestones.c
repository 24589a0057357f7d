/*
 * milestones.so: an LD_PRELOAD shim that timestamps the phases of one server
 * start, for `startup_bench -T` (which passes its spawn time in
 * STARTUP_BENCH_T0_NS).  CLOCK_MONOTONIC is system-wide, so the times are
 * relative to the moment just before posix_spawn() in the harness.
 *
 *   cc -O2 -shared -fPIC -o /tmp/milestones.so bench/startup/milestones.c -ldl
 *   MILESTONES_OUT=/tmp/m.txt startup_bench -T -e LD_PRELOAD=/tmp/milestones.so ... -- build/nimbus
 *
 * Milestones (first occurrence each, ms after spawn):
 *   libc_start_main  _start reached __libc_start_main: kernel exec, dynamic
 *                    loader (mapping + relocation) and the shared libraries'
 *                    initialisers are done
 *   main             the program's own static constructors are done
 *   sqlite3_open     first sqlite3_open_v2() call (nimbus: the first service's
 *                    store; everything before it in main is configuration,
 *                    model parsing and service registration)
 *   socket/bind/listen   the first listening socket
 *   epoll_wait       the event loop polls for the first time
 *   accept           first accepted connection
 *   recv             first request bytes read
 *   send             first response written (sendmsg/send/write/writev on the
 *                    accepted socket)
 * One line per start is appended to $MILESTONES_OUT when the first response
 * is written.  Interposes only PLT calls: libc-internal calls (e.g. stdio's
 * write) are not seen, which is why "Ready." is timed by the harness instead.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

enum { M_START, M_MAIN, M_SQLITE, M_SOCKET, M_BIND, M_LISTEN, M_EPOLL, M_ACCEPT, M_RECV, M_SEND, M_N };
static const char *names[M_N] = {"libc_start_main", "main", "sqlite3_open", "socket", "bind",
                                 "listen", "epoll_wait", "accept", "recv", "send"};
static long long t[M_N];
static int accepted_fd = -1;
static int dumped;

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}
static void mark(int i) {
  if (!t[i]) t[i] = now_ns();
}

static void dump(void) {
  if (dumped) return;
  dumped = 1;
  const char *out = getenv("MILESTONES_OUT");
  const char *t0s = getenv("STARTUP_BENCH_T0_NS");
  if (!out || !t0s) return;
  long long t0 = atoll(t0s);
  char line[512];
  int n = 0;
  for (int i = 0; i < M_N; i++)
    n += snprintf(line + n, sizeof line - n, "%s%s=%.3f", i ? " " : "", names[i],
                  t[i] ? (t[i] - t0) / 1e6 : -1.0);
  n += snprintf(line + n, sizeof line - n, "\n");
  int fd = open(out, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd >= 0) {
    ssize_t w = syscall(SYS_write, fd, line, n);
    (void)w;
    close(fd);
  }
}

#define REAL(ret, name, ...)                                  \
  static ret (*real_##name)(__VA_ARGS__);                     \
  if (!real_##name) real_##name = dlsym(RTLD_NEXT, #name)

typedef int (*main_fn)(int, char **, char **);
static main_fn real_main;
static int wrap_main(int argc, char **argv, char **envp) {
  mark(M_MAIN);
  return real_main(argc, argv, envp);
}

int __libc_start_main(main_fn main, int argc, char **argv, void (*init)(void), void (*fini)(void),
                      void (*rtld_fini)(void), void *stack_end) {
  mark(M_START);
  REAL(int, __libc_start_main, main_fn, int, char **, void (*)(void), void (*)(void),
       void (*)(void), void *);
  real_main = main;
  return real___libc_start_main(wrap_main, argc, argv, init, fini, rtld_fini, stack_end);
}

int sqlite3_open_v2(const char *name, void **db, int flags, const char *vfs) {
  mark(M_SQLITE);
  REAL(int, sqlite3_open_v2, const char *, void **, int, const char *);
  return real_sqlite3_open_v2(name, db, flags, vfs);
}

int socket(int domain, int type, int protocol) {
  if (domain == AF_INET || domain == AF_INET6) mark(M_SOCKET);
  REAL(int, socket, int, int, int);
  return real_socket(domain, type, protocol);
}
int bind(int fd, const struct sockaddr *a, socklen_t l) {
  mark(M_BIND);
  REAL(int, bind, int, const struct sockaddr *, socklen_t);
  return real_bind(fd, a, l);
}
int listen(int fd, int backlog) {
  mark(M_LISTEN);
  REAL(int, listen, int, int);
  return real_listen(fd, backlog);
}
int epoll_wait(int epfd, struct epoll_event *ev, int max, int timeout) {
  mark(M_EPOLL);
  REAL(int, epoll_wait, int, struct epoll_event *, int, int);
  return real_epoll_wait(epfd, ev, max, timeout);
}
static void accepted(int fd) {
  if (fd >= 0 && accepted_fd < 0) {
    mark(M_ACCEPT);
    accepted_fd = fd;
  }
}
int accept(int fd, struct sockaddr *a, socklen_t *l) {
  REAL(int, accept, int, struct sockaddr *, socklen_t *);
  int r = real_accept(fd, a, l);
  accepted(r);
  return r;
}
int accept4(int fd, struct sockaddr *a, socklen_t *l, int flags) {
  REAL(int, accept4, int, struct sockaddr *, socklen_t *, int);
  int r = real_accept4(fd, a, l, flags);
  accepted(r);
  return r;
}
static void received(int fd, ssize_t r) {
  if (fd == accepted_fd && r > 0) mark(M_RECV);
}
ssize_t recvmsg(int fd, struct msghdr *m, int flags) {
  REAL(ssize_t, recvmsg, int, struct msghdr *, int);
  ssize_t r = real_recvmsg(fd, m, flags);
  received(fd, r);
  return r;
}
ssize_t recv(int fd, void *b, size_t n, int flags) {
  REAL(ssize_t, recv, int, void *, size_t, int);
  ssize_t r = real_recv(fd, b, n, flags);
  received(fd, r);
  return r;
}
ssize_t read(int fd, void *b, size_t n) {
  REAL(ssize_t, read, int, void *, size_t);
  ssize_t r = real_read(fd, b, n);
  received(fd, r);
  return r;
}
static void sending(int fd) {
  if (fd == accepted_fd && !t[M_SEND]) mark(M_SEND);
}
ssize_t sendmsg(int fd, const struct msghdr *m, int flags) {
  sending(fd);
  REAL(ssize_t, sendmsg, int, const struct msghdr *, int);
  ssize_t r = real_sendmsg(fd, m, flags);
  if (fd == accepted_fd) dump();
  return r;
}
ssize_t send(int fd, const void *b, size_t n, int flags) {
  sending(fd);
  REAL(ssize_t, send, int, const void *, size_t, int);
  ssize_t r = real_send(fd, b, n, flags);
  if (fd == accepted_fd) dump();
  return r;
}
ssize_t write(int fd, const void *b, size_t n) {
  sending(fd);
  REAL(ssize_t, write, int, const void *, size_t);
  ssize_t r = real_write(fd, b, n);
  if (fd == accepted_fd) dump();
  return r;
}
ssize_t writev(int fd, const struct iovec *v, int n) {
  sending(fd);
  REAL(ssize_t, writev, int, const struct iovec *, int);
  ssize_t r = real_writev(fd, v, n);
  if (fd == accepted_fd) dump();
  return r;
}
