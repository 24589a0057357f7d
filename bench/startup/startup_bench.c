/*
 * startup_bench: time from process start (just before posix_spawn) to the first
 * HTTP 200 on a health URL over 127.0.0.1, plus RSS right after that 200 and
 * again after an idle period.  Single file, no dependencies:
 *
 *   cc -O2 -o /tmp/startup_bench bench/startup/startup_bench.c
 *
 * Usage:
 *   startup_bench [options] -- PROGRAM [ARGS...]
 *     -n N        measured runs (default 50)
 *     -W N        warm-up runs, not counted (default 1)
 *     -p PORT     loopback port (default 0: pick a free one once, reuse it)
 *     -u PATH     health path (default /_nimbus/health)
 *     -e K=V      extra environment variable (repeatable); "{PORT}" is replaced
 *     -m TEXT     also time the first child output line containing TEXT
 *     -t MS       give up on a start after MS (default 10000)
 *     -i MS       idle time before the second RSS sample (default 1000)
 *     -k MS       SIGTERM grace before SIGKILL (default 5000)
 *     -r US       pause between connect attempts in microseconds (default 100)
 *     -o FILE     write one CSV row per measured run
 *     -L FILE     append the children's stdout/stderr to FILE (else discarded)
 *     -l LABEL    label for the summary table (default: PROGRAM)
 *     -q          no per-run lines
 *     -K          wrapper mode (PROGRAM is strace/perf/...): stop by sending
 *                 SIGTERM to PROGRAM's descendants (by PID) and waiting for
 *                 PROGRAM to exit; the measured RSS is then the wrapper's
 *     -S FILE     copy /proc/PID/smaps at the end of the idle period to FILE
 *                 (overwritten each run, so it holds the last run's)
 *     -R          run the harness and the server under SCHED_FIFO priority 1, so that
 *                 other work on a shared machine cannot keep them off a CPU (needs root;
 *                 the run-queue wait column shows whether it was needed)
 *     -T          pass the spawn time to the child as STARTUP_BENCH_T0_NS
 *                 (CLOCK_MONOTONIC ns; for the milestones.so LD_PRELOAD shim)
 *     -P          print a free loopback port and exit
 *   "{PORT}" in PROGRAM/ARGS is replaced by the port as well.
 *
 * Method, per run:
 *   t0 = CLOCK_MONOTONIC; posix_spawnp(); then, until the deadline:
 *   non-blocking socket + connect to 127.0.0.1:PORT; on refusal wait RETRY us
 *   (in ppoll on the child's output pipe, so output is drained/timestamped) and
 *   retry; once connected send "GET PATH HTTP/1.1" and read the full response
 *   (headers + Content-Length body, or to EOF).  A 200 stops the clock
 *   (t_200); anything else is retried.  Then /proc/PID/status (VmRSS, RssAnon,
 *   RssFile, VmHWM, Threads), /proc/PID/task/TID/schedstat (CPU time and run-queue
 *   wait, summed over threads) and
 *   /proc/PID/stat (minor faults) are read; after the idle period the memory
 *   is read again (plus Pss from smaps_rollup); then SIGTERM is sent to the
 *   PID and its exit awaited (SIGKILL to the PID after the grace period).
 *   Client sockets are closed with SO_LINGER 0 so no TIME_WAIT is left on
 *   the port between runs.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* ------------------------------------------------------------------ util */

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("startup_bench: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(2);
}

static char *subst_port(const char *s, int port) {
  const char *p = strstr(s, "{PORT}");
  if (!p) return strdup(s);
  char buf[16];
  snprintf(buf, sizeof buf, "%d", port);
  size_t n = strlen(s) - 6 + strlen(buf) + 1;
  char *out = malloc(n);
  memcpy(out, s, p - s);
  strcpy(out + (p - s), buf);
  strcat(out, p + 6);
  char *rest = subst_port(out, port); /* more occurrences */
  free(out);
  return rest;
}

/* ---------------------------------------------------------- child state */

static volatile pid_t g_child = -1;

static void on_signal(int sig) {
  pid_t c = g_child;
  if (c > 0) {
    kill(c, SIGKILL);
    waitpid(c, NULL, 0);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

/* ------------------------------------------------------------ /proc io */

typedef struct {
  long rss_kb, anon_kb, file_kb, shmem_kb, hwm_kb, vmsize_kb, threads, pss_kb;
  double cpu_ms;   /* schedstat: time on CPU, all threads */
  double wait_ms;  /* schedstat: time runnable but waiting for a CPU, all threads */
  long minflt;     /* minor faults, all threads */
} procmem_t;

static long status_field(const char *buf, const char *key) {
  const char *p = strstr(buf, key);
  if (!p) return -1;
  p += strlen(key);
  while (*p == ' ' || *p == '\t' || *p == ':') p++;
  return strtol(p, NULL, 10);
}

static int read_file(const char *path, char *buf, size_t cap) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t n = 0;
  ssize_t r;
  while (n + 1 < cap && (r = read(fd, buf + n, cap - 1 - n)) > 0) n += r;
  close(fd);
  buf[n] = 0;
  return (int)n;
}

static void read_procmem(pid_t pid, procmem_t *m, int want_pss) {
  char path[64], buf[8192];
  memset(m, 0, sizeof *m);
  m->pss_kb = -1;
  snprintf(path, sizeof path, "/proc/%d/status", pid);
  if (read_file(path, buf, sizeof buf) > 0) {
    m->rss_kb = status_field(buf, "\nVmRSS:");
    m->anon_kb = status_field(buf, "\nRssAnon:");
    m->file_kb = status_field(buf, "\nRssFile:");
    m->shmem_kb = status_field(buf, "\nRssShmem:");
    m->hwm_kb = status_field(buf, "\nVmHWM:");
    m->vmsize_kb = status_field(buf, "\nVmSize:");
    m->threads = status_field(buf, "\nThreads:");
  }
  /* schedstat of the thread-group leader covers only the main thread; sum
   * all tasks for the process total. */
  snprintf(path, sizeof path, "/proc/%d/task", pid);
  char tpath[320];
  double cpu_ns = 0, wait_ns = 0;
  long flt = 0;
  {
    DIR *d = opendir(path);
    if (d) {
      struct dirent *de;
      while ((de = readdir(d))) {
        if (!isdigit((unsigned char)de->d_name[0])) continue;
        snprintf(tpath, sizeof tpath, "/proc/%d/task/%s/schedstat", pid, de->d_name);
        if (read_file(tpath, buf, sizeof buf) > 0) {
          char *e;
          cpu_ns += strtod(buf, &e);
          wait_ns += strtod(e, NULL);
        }
        snprintf(tpath, sizeof tpath, "/proc/%d/task/%s/stat", pid, de->d_name);
        if (read_file(tpath, buf, sizeof buf) > 0) {
          char *p = strrchr(buf, ')');
          /* fields after comm: state(3) ppid pgrp session tty tpgid flags(9) minflt(10) */
          if (p) {
            int f = 2;
            for (p++; *p && f < 10; p++)
              if (*p == ' ') f++;
            flt += strtol(p, NULL, 10);
          }
        }
      }
      closedir(d);
    }
  }
  m->cpu_ms = cpu_ns / 1e6;
  m->wait_ms = wait_ns / 1e6;
  m->minflt = flt;
  if (want_pss) {
    snprintf(path, sizeof path, "/proc/%d/smaps_rollup", pid);
    if (read_file(path, buf, sizeof buf) > 0) m->pss_kb = status_field(buf, "\nPss:");
  }
}

/* Descendants of root (children, grandchildren, ...) from the /proc ppid
 * links; returns how many were stored in out[]. */
static int list_descendants(pid_t root, pid_t *out, int max) {
  static pid_t pids[8192], ppids[8192];
  int n = 0;
  DIR *d = opendir("/proc");
  if (!d) return 0;
  struct dirent *de;
  char path[300], buf[1024];
  while ((de = readdir(d)) && n < 8192) {
    if (!isdigit((unsigned char)de->d_name[0])) continue;
    snprintf(path, sizeof path, "/proc/%s/stat", de->d_name);
    if (read_file(path, buf, sizeof buf) <= 0) continue;
    char *p = strrchr(buf, ')');
    if (!p) continue;
    pids[n] = atoi(de->d_name);
    ppids[n] = (pid_t)strtol(p + 4, NULL, 10); /* ") S ppid" */
    n++;
  }
  closedir(d);
  int cnt = 0, head = 0;
  pid_t cur = root;
  for (;;) { /* breadth-first: out[] doubles as the queue */
    for (int i = 0; i < n && cnt < max; i++)
      if (ppids[i] == cur) out[cnt++] = pids[i];
    if (head >= cnt) break;
    cur = out[head++];
  }
  return cnt;
}

/* Sum VmRSS over the descendants of pid (0 if none). */
static long descendants_rss(pid_t root, int *count) {
  pid_t kids[256];
  char path[64], buf[4096];
  long total = 0;
  *count = list_descendants(root, kids, 256);
  for (int i = 0; i < *count; i++) {
    snprintf(path, sizeof path, "/proc/%d/status", kids[i]);
    if (read_file(path, buf, sizeof buf) > 0) {
      long r = status_field(buf, "\nVmRSS:");
      if (r > 0) total += r;
    }
  }
  return total;
}

static void copy_smaps(pid_t pid, const char *dst) {
  char path[64], buf[65536];
  snprintf(path, sizeof path, "/proc/%d/smaps", pid);
  int in = open(path, O_RDONLY | O_CLOEXEC);
  if (in < 0) return;
  int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out >= 0) {
    ssize_t n;
    while ((n = read(in, buf, sizeof buf)) > 0)
      if (write(out, buf, n) != n) break;
    close(out);
  }
  close(in);
}

/* ------------------------------------------------------------ one probe */

enum { PROBE_REFUSED, PROBE_BAD, PROBE_OK, PROBE_TIMEOUT };

static void close_rst(int fd) {
  struct linger lg = {1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  close(fd);
}

/* Called while probe() waits, when the child's output pipe is readable. */
static int g_pipe = -1;
static void (*g_on_output)(void);

/* poll() on fd plus the child's output pipe (drained via g_on_output). */
static int poll_fd(int fd, short ev, int timeout_ms) {
  struct pollfd pf[2] = {{fd, ev, 0}, {g_pipe, POLLIN, 0}};
  double end = now_ms() + timeout_ms;
  for (;;) {
    int left = (int)(end - now_ms() + 0.999);
    if (left < 0) left = 0;
    int r = poll(pf, g_pipe >= 0 ? 2 : 1, left);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return r;
    if (pf[1].revents & POLLIN) {
      if (g_on_output) g_on_output();
    } else if (pf[1].revents) {
      pf[1].fd = -1; /* pipe closed: stop watching it */
    }
    if (pf[0].revents) return 1;
    if (left == 0) return 0;
  }
}

/* Returns PROBE_*; *connected set when the TCP connect succeeded (at
 * *t_conn); *status receives the HTTP status (0 if none). */
static int probe(const struct sockaddr_in *sa, const char *req, size_t reqlen,
                 double deadline, int *connected, double *t_conn, int *status) {
  *connected = 0;
  *status = 0;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket: %s", strerror(errno));
  if (connect(fd, (const struct sockaddr *)sa, sizeof *sa) < 0) {
    if (errno != EINPROGRESS) {
      close(fd);
      return PROBE_REFUSED;
    }
    int left = (int)(deadline - now_ms());
    if (left < 1) left = 1;
    if (poll_fd(fd, POLLOUT, left) <= 0) {
      close(fd);
      return PROBE_TIMEOUT;
    }
    int err = 0;
    socklen_t el = sizeof err;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
    if (err) {
      close(fd);
      return PROBE_REFUSED;
    }
  }
  *connected = 1;
  *t_conn = now_ms();
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (send(fd, req, reqlen, MSG_NOSIGNAL) != (ssize_t)reqlen) {
    close_rst(fd);
    return PROBE_BAD;
  }
  static char buf[1 << 16];
  size_t have = 0;
  long clen = -1;
  size_t hdr_end = 0;
  for (;;) {
    if (hdr_end && clen >= 0 && have >= hdr_end + (size_t)clen) break;
    int left = (int)(deadline - now_ms());
    if (left <= 0) {
      close_rst(fd);
      return PROBE_TIMEOUT;
    }
    if (poll_fd(fd, POLLIN, left) <= 0) continue;
    ssize_t r = recv(fd, buf + have, sizeof buf - 1 - have, 0);
    if (r < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (r <= 0) break; /* EOF or reset */
    have += r;
    buf[have] = 0;
    if (!hdr_end) {
      char *e = strstr(buf, "\r\n\r\n");
      if (e) {
        hdr_end = (e - buf) + 4;
        if (sscanf(buf, "HTTP/%*d.%*d %d", status) != 1) *status = 0;
        char *cl = strcasestr(buf, "\r\ncontent-length:");
        if (cl && cl < e) clen = strtol(cl + 17, NULL, 10);
        else if (strcasestr(buf, "\r\ntransfer-encoding:")) clen = -1;
        else clen = -2; /* to EOF */
      }
    }
    if (hdr_end && clen == -1 && have >= 5 && memcmp(buf + have - 5, "0\r\n\r\n", 5) == 0)
      break; /* end of chunked body */
    if (have + 1 >= sizeof buf) {
      if (hdr_end) break; /* body larger than buffer: good enough */
      close_rst(fd);
      return PROBE_BAD;
    }
  }
  close_rst(fd);
  if (!hdr_end) return PROBE_BAD;
  if (clen >= 0 && have < hdr_end + (size_t)clen) return PROBE_BAD;
  return *status == 200 ? PROBE_OK : PROBE_BAD;
}

/* ------------------------------------------------------------- one run */

typedef struct {
  int ok;               /* got a 200 */
  double t_listen;      /* first successful TCP connect, ms after t0 */
  double t_marker;      /* marker line seen, ms after t0 (-1: not seen) */
  double t_200;         /* first complete HTTP 200, ms after t0 */
  double t_exit;        /* SIGTERM -> reaped, ms */
  int attempts;         /* connect attempts */
  int non200;           /* responses that were not 200 */
  int exit_code;        /* exit status, 128+sig if signalled, -1 if SIGKILLed by us */
  int kids;             /* descendant processes at idle */
  long kids_rss_kb;
  procmem_t m200, midle;
  char fail[128];
} run_t;

typedef struct {
  char **argv;
  char **envp;
  struct sockaddr_in sa;
  char req[512];
  size_t reqlen;
  const char *marker;
  int log_fd;
  double timeout_ms, idle_ms, term_ms, retry_us;
  int term_kids;
  const char *smaps_out;
  int realtime;
  char *t0_env; /* "STARTUP_BENCH_T0_NS=..." slot in envp, or NULL */
} cfg_t;

/* Drain the child's output pipe; timestamps the marker. */
static void drain(int pfd, const cfg_t *c, double t0, run_t *r, char *line, size_t *ll) {
  char buf[4096];
  for (;;) {
    ssize_t n = read(pfd, buf, sizeof buf);
    if (n <= 0) return;
    double t = now_ms();
    if (c->log_fd >= 0) {
      ssize_t w = write(c->log_fd, buf, n);
      (void)w;
    }
    if (c->marker && r->t_marker < 0) {
      for (ssize_t i = 0; i < n; i++) {
        if (buf[i] == '\n' || *ll >= 1023) {
          line[*ll] = 0;
          if (strstr(line, c->marker)) {
            r->t_marker = t - t0;
            break;
          }
          *ll = 0;
        } else {
          line[(*ll)++] = buf[i];
        }
      }
      if (r->t_marker < 0) { /* partial line may already hold the marker */
        line[*ll] = 0;
        if (strstr(line, c->marker)) r->t_marker = t - t0;
      }
    }
  }
}

static struct {
  int pfd;
  const cfg_t *c;
  double t0;
  run_t *r;
  char *line;
  size_t *ll;
} g_ctx;
static void drain_cb(void) { drain(g_ctx.pfd, g_ctx.c, g_ctx.t0, g_ctx.r, g_ctx.line, g_ctx.ll); }

static void wait_us(int pfd, double us) {
  struct pollfd pf = {pfd, POLLIN, 0};
  struct timespec ts = {0, (long)(us * 1000)};
  ppoll(&pf, pfd >= 0 ? 1 : 0, &ts, NULL);
}

static void run_once(const cfg_t *c, run_t *r) {
  memset(r, 0, sizeof *r);
  r->t_marker = -1;
  r->exit_code = -2;

  /* The port must be free: nothing may answer before we start the child. */
  {
    double until = now_ms() + 3000;
    for (;;) {
      int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      int busy = connect(fd, (const struct sockaddr *)&c->sa, sizeof c->sa) == 0;
      close_rst(fd);
      if (!busy) break;
      if (now_ms() > until) die("port %d is in use by another process", ntohs(c->sa.sin_port));
      usleep(10000);
    }
  }

  int pp[2];
  if (pipe2(pp, O_CLOEXEC) < 0) die("pipe: %s", strerror(errno));
  fcntl(pp[0], F_SETFL, O_NONBLOCK);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, pp[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pp[1], 2);
  posix_spawnattr_t at;
  posix_spawnattr_init(&at);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&at, &none);
  sigset_t dfl;
  sigemptyset(&dfl);
  sigaddset(&dfl, SIGTERM);
  sigaddset(&dfl, SIGINT);
  sigaddset(&dfl, SIGPIPE);
  posix_spawnattr_setsigdefault(&at, &dfl);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (c->realtime) {
    /* The child inherits SCHED_FIFO from us; reset-on-fork is not set, so
     * nothing to do but make sure it is not dropped. */
  }
  posix_spawnattr_setflags(&at, flags);

  pid_t pid;
  sigset_t old;
  sigprocmask(SIG_BLOCK, &all, &old); /* no interrupt between spawn and g_child */
  double t0 = now_ms();
  if (c->t0_env)
    snprintf(c->t0_env, 64, "STARTUP_BENCH_T0_NS=%lld", (long long)(t0 * 1e6 + 0.5));
  int e = posix_spawnp(&pid, c->argv[0], &fa, &at, c->argv, c->envp);
  if (e == 0) g_child = pid;
  sigprocmask(SIG_SETMASK, &old, NULL);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&at);
  close(pp[1]);
  if (e) die("spawn %s: %s", c->argv[0], strerror(e));

  char line[1024];
  size_t ll = 0;
  g_ctx.pfd = pp[0]; g_ctx.c = c; g_ctx.t0 = t0; g_ctx.r = r; g_ctx.line = line; g_ctx.ll = &ll;
  g_pipe = pp[0];
  g_on_output = drain_cb;
  double deadline = t0 + c->timeout_ms;
  int exited = 0, wst = 0;
  for (;;) {
    if (now_ms() >= deadline) {
      snprintf(r->fail, sizeof r->fail, "no 200 within %.0f ms", c->timeout_ms);
      break;
    }
    int connected, status;
    double t_conn = 0;
    int pr = probe(&c->sa, c->req, c->reqlen, deadline, &connected, &t_conn, &status);
    r->attempts++;
    if (connected && r->t_listen == 0) r->t_listen = t_conn - t0;
    if (pr == PROBE_OK) {
      r->t_200 = now_ms() - t0;
      r->ok = 1;
      break;
    }
    if (status && status != 200) r->non200++;
    drain(pp[0], c, t0, r, line, &ll);
    if (waitpid(pid, &wst, WNOHANG) == pid) {
      exited = 1;
      snprintf(r->fail, sizeof r->fail, "exited before 200 (status 0x%x)", wst);
      break;
    }
    if (pr != PROBE_TIMEOUT) wait_us(pp[0], c->retry_us);
  }

  if (r->ok) {
    read_procmem(pid, &r->m200, 0);
    double idle_end = now_ms() + c->idle_ms;
    while (now_ms() < idle_end) {
      struct pollfd pf = {pp[0], POLLIN, 0};
      int left = (int)(idle_end - now_ms()) + 1;
      if (poll(&pf, 1, left) > 0) drain(pp[0], c, t0, r, line, &ll);
      if (pf.revents & (POLLHUP | POLLERR)) {
        if (waitpid(pid, &wst, WNOHANG) == pid) { exited = 1; break; }
        usleep(1000);
      }
    }
    if (!exited) {
      read_procmem(pid, &r->midle, 1);
      r->kids_rss_kb = descendants_rss(pid, &r->kids);
      if (c->smaps_out) copy_smaps(pid, c->smaps_out);
    } else {
      r->ok = 0;
      snprintf(r->fail, sizeof r->fail, "exited during idle (status 0x%x)", wst);
    }
  }
  drain(pp[0], c, t0, r, line, &ll);

  if (!exited) {
    double ts = now_ms();
    pid_t kids[256];
    int nk = 0;
    if (c->term_kids) {
      /* wrapper mode (strace/perf/valgrind ...): SIGTERM the wrapped
       * descendants, let the wrapper exit by itself */
      nk = list_descendants(pid, kids, 256);
      for (int i = 0; i < nk; i++) kill(kids[i], SIGTERM);
      if (!nk) kill(pid, SIGTERM);
    } else {
      kill(pid, SIGTERM);
    }
    int sent_child = !c->term_kids || !nk;
    for (;;) {
      pid_t w = waitpid(pid, &wst, WNOHANG);
      if (w == pid) break;
      double el = now_ms() - ts;
      if (!sent_child && el > c->term_ms / 2) {
        kill(pid, SIGTERM);
        sent_child = 1;
      }
      if (el > c->term_ms) {
        for (int i = 0; i < nk; i++) kill(kids[i], SIGKILL);
        kill(pid, SIGKILL);
        waitpid(pid, &wst, 0);
        r->exit_code = -1;
        break;
      }
      struct pollfd pf = {pp[0], POLLIN, 0};
      poll(&pf, 1, 1);
      drain(pp[0], c, t0, r, line, &ll);
    }
    r->t_exit = now_ms() - ts;
  }
  if (r->exit_code != -1)
    r->exit_code = WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst);
  g_child = -1;
  g_pipe = -1;
  g_on_output = NULL;
  close(pp[0]);
}

/* ---------------------------------------------------------- statistics */

static int cmpd(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct { double min, med, p90, max, mean; int n; } stat_t;

static stat_t stats(double *v, int n) {
  stat_t s = {0};
  s.n = n;
  if (!n) return s;
  qsort(v, n, sizeof *v, cmpd);
  s.min = v[0];
  s.max = v[n - 1];
  s.med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  int k = (int)(0.9 * n + 0.999999); /* nearest rank */
  if (k < 1) k = 1;
  s.p90 = v[k - 1];
  double sum = 0;
  for (int i = 0; i < n; i++) sum += v[i];
  s.mean = sum / n;
  return s;
}

/* --------------------------------------------------------------- main */

static int pick_port(void) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind: %s", strerror(errno));
  socklen_t l = sizeof sa;
  getsockname(fd, (struct sockaddr *)&sa, &l);
  close(fd);
  return ntohs(sa.sin_port);
}

int main(int argc, char **argv) {
  int n = 50, warm = 1, port = 0, quiet = 0, pass_t0 = 0;
  const char *path = "/_nimbus/health", *csv = NULL, *logf = NULL, *label = NULL;
  cfg_t c = {0};
  c.timeout_ms = 10000;
  c.idle_ms = 1000;
  c.term_ms = 5000;
  c.retry_us = 100;
  c.log_fd = -1;
  char *extra[64];
  int nextra = 0;
  int opt;
  while ((opt = getopt(argc, argv, "+n:W:p:u:e:m:t:i:k:r:o:L:l:qKS:RTP")) != -1) {
    switch (opt) {
      case 'n': n = atoi(optarg); break;
      case 'W': warm = atoi(optarg); break;
      case 'p': port = atoi(optarg); break;
      case 'u': path = optarg; break;
      case 'e': if (nextra < 64) extra[nextra++] = optarg; break;
      case 'm': c.marker = optarg; break;
      case 't': c.timeout_ms = atof(optarg); break;
      case 'i': c.idle_ms = atof(optarg); break;
      case 'k': c.term_ms = atof(optarg); break;
      case 'r': c.retry_us = atof(optarg); break;
      case 'o': csv = optarg; break;
      case 'L': logf = optarg; break;
      case 'l': label = optarg; break;
      case 'q': quiet = 1; break;
      case 'K': c.term_kids = 1; break;
      case 'S': c.smaps_out = optarg; break;
      case 'R': c.realtime = 1; break;
      case 'T': pass_t0 = 1; break;
      case 'P': printf("%d\n", pick_port()); return 0;
      default: die("bad option (see the header of startup_bench.c)");
    }
  }
  if (optind >= argc) die("usage: startup_bench [options] -- PROGRAM [ARGS...]");
  if (n < 1) die("-n must be >= 1");
  if (port == 0) port = pick_port();

  int ac = argc - optind;
  c.argv = calloc(ac + 1, sizeof *c.argv);
  for (int i = 0; i < ac; i++) c.argv[i] = subst_port(argv[optind + i], port);
  if (!label) label = c.argv[0];

  /* environment: ours, with -e entries overriding */
  int ne = 0;
  while (environ[ne]) ne++;
  c.envp = calloc(ne + nextra + 2, sizeof *c.envp);
  int k = 0;
  for (int i = 0; i < ne; i++) {
    int overridden = 0;
    for (int j = 0; j < nextra; j++) {
      const char *eq = strchr(extra[j], '=');
      size_t kl = eq ? (size_t)(eq - extra[j]) : strlen(extra[j]);
      if (!strncmp(environ[i], extra[j], kl) && environ[i][kl] == '=') overridden = 1;
    }
    if (!overridden) c.envp[k++] = environ[i];
  }
  for (int j = 0; j < nextra; j++) c.envp[k++] = subst_port(extra[j], port);
  if (pass_t0) {
    c.t0_env = calloc(64, 1);
    strcpy(c.t0_env, "STARTUP_BENCH_T0_NS=0");
    c.envp[k] = c.t0_env; /* after the -e entries, not counted in k */
  }

  c.sa.sin_family = AF_INET;
  c.sa.sin_port = htons(port);
  c.sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  c.reqlen = snprintf(c.req, sizeof c.req,
                      "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: startup_bench\r\n"
                      "Accept: */*\r\n\r\n",
                      path, port);
  if (logf) {
    c.log_fd = open(logf, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (c.log_fd < 0) die("%s: %s", logf, strerror(errno));
  }
  FILE *cf = NULL;
  if (csv) {
    cf = fopen(csv, "w");
    if (!cf) die("%s: %s", csv, strerror(errno));
    fprintf(cf, "run,ok,t_listen_ms,t_marker_ms,t_200_ms,attempts,non200,cpu_ms_at_200,rq_wait_ms_at_200,"
                "minflt_at_200,rss_kb_at_200,anon_kb_at_200,file_kb_at_200,hwm_kb_at_200,"
                "threads_at_200,rss_kb_idle,anon_kb_idle,file_kb_idle,shmem_kb_idle,pss_kb_idle,"
                "hwm_kb_idle,vmsize_kb_idle,threads_idle,cpu_ms_idle,descendants,descendants_rss_kb,"
                "term_to_exit_ms,exit_code,fail\n");
  }

  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0); /* precise ~100 us retry sleeps */
  if (c.realtime) {
    struct sched_param sp = {.sched_priority = 1};
    if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
      die("-R: sched_setscheduler(SCHED_FIFO): %s", strerror(errno));
  }
  signal(SIGINT, on_signal);
  signal(SIGTERM, on_signal);
  signal(SIGHUP, on_signal);
  signal(SIGPIPE, SIG_IGN);

  fprintf(stderr, "# %s: port %d, path %s, %d warm-up + %d runs, timeout %.0f ms, idle %.0f ms, retry %.0f us%s\n#",
          label, port, path, warm, n, c.timeout_ms, c.idle_ms, c.retry_us,
          c.realtime ? ", SCHED_FIFO" : "");
  for (int j = 0; j < nextra; j++) fprintf(stderr, " %s", c.envp[k - nextra + j]);
  for (int i = 0; c.argv[i]; i++) fprintf(stderr, " %s", c.argv[i]);
  fputc('\n', stderr);

  run_t *runs = calloc(n, sizeof *runs);
  int failures = 0;
  for (int i = -warm; i < n; i++) {
    run_t tmp, *r = i >= 0 ? &runs[i] : &tmp;
    run_once(&c, r);
    if (!r->ok) failures += i >= 0;
    if (!quiet)
      fprintf(stderr,
              "%s%3d  listen %7.2f  marker %7.2f  200 %8.2f ms  tries %4d  cpu %7.2f  rq-wait %6.2f ms  "
              "rss %6ld -> %6ld KiB (anon %ld file %ld pss %ld)  thr %ld  exit %d in %.1f ms%s%s\n",
              i < 0 ? "warm" : "run ", i < 0 ? -i : i + 1, r->t_listen, r->t_marker, r->t_200,
              r->attempts, r->m200.cpu_ms, r->m200.wait_ms, r->m200.rss_kb, r->midle.rss_kb, r->midle.anon_kb,
              r->midle.file_kb, r->midle.pss_kb, r->midle.threads, r->exit_code, r->t_exit,
              r->ok ? "" : "  FAIL: ", r->ok ? "" : r->fail);
    if (cf && i >= 0)
      fprintf(cf,
              "%d,%d,%.3f,%.3f,%.3f,%d,%d,%.3f,%.3f,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,%ld,"
              "%ld,%ld,%.3f,%d,%ld,%.3f,%d,\"%s\"\n",
              i + 1, r->ok, r->t_listen, r->t_marker, r->t_200, r->attempts, r->non200,
              r->m200.cpu_ms, r->m200.wait_ms, r->m200.minflt, r->m200.rss_kb, r->m200.anon_kb, r->m200.file_kb,
              r->m200.hwm_kb, r->m200.threads, r->midle.rss_kb, r->midle.anon_kb,
              r->midle.file_kb, r->midle.shmem_kb, r->midle.pss_kb, r->midle.hwm_kb,
              r->midle.vmsize_kb, r->midle.threads, r->midle.cpu_ms, r->kids, r->kids_rss_kb,
              r->t_exit, r->exit_code, r->fail);
  }
  if (cf) fclose(cf);

  /* summary over successful runs */
  double *v = calloc(n, sizeof *v);
  int m;
#define COLLECT(expr, cond)                               \
  do {                                                    \
    m = 0;                                                \
    for (int i = 0; i < n; i++)                           \
      if (runs[i].ok && (cond)) v[m++] = (double)(expr);  \
  } while (0)
  struct { const char *name; stat_t s; const char *unit; } rows[24];
  int nr = 0;
#define ROW(NM, UNIT, EXPR, COND) \
  do {                            \
    COLLECT(EXPR, COND);          \
    rows[nr].name = NM;           \
    rows[nr].unit = UNIT;         \
    rows[nr].s = stats(v, m);     \
    nr++;                         \
  } while (0)
  ROW("start -> first HTTP 200", "ms", runs[i].t_200, 1);
  ROW("  same, runs never kept off a CPU (run-queue wait < 0.1 ms)", "ms", runs[i].t_200,
      runs[i].m200.wait_ms < 0.1);
  ROW("start -> TCP connect accepted", "ms", runs[i].t_listen, 1);
  if (c.marker) ROW("start -> marker line", "ms", runs[i].t_marker, runs[i].t_marker >= 0);
  ROW("CPU time used by first 200", "ms", runs[i].m200.cpu_ms, 1);
  ROW("run-queue wait by first 200 (CPU contention)", "ms", runs[i].m200.wait_ms, 1);
  ROW("minor page faults by first 200", "", runs[i].m200.minflt, 1);
  ROW("VmRSS after first 200", "MiB", runs[i].m200.rss_kb / 1024.0, 1);
  ROW("VmRSS after idle", "MiB", runs[i].midle.rss_kb / 1024.0, 1);
  ROW("  RssAnon after idle", "MiB", runs[i].midle.anon_kb / 1024.0, 1);
  ROW("  RssFile after idle", "MiB", runs[i].midle.file_kb / 1024.0, 1);
  ROW("Pss after idle", "MiB", runs[i].midle.pss_kb / 1024.0, runs[i].midle.pss_kb >= 0);
  ROW("VmHWM (peak RSS) after idle", "MiB", runs[i].midle.hwm_kb / 1024.0, 1);
  ROW("threads after idle", "", runs[i].midle.threads, 1);
  ROW("SIGTERM -> exit", "ms", runs[i].t_exit, 1);

  int kids = 0, badexit = 0;
  for (int i = 0; i < n; i++) {
    if (runs[i].kids > kids) kids = runs[i].kids;
    if (runs[i].ok && runs[i].exit_code != 0) badexit++;
  }
  printf("\n### %s (%d runs, %d failed%s)\n\n", label, n, failures,
         c.realtime ? ", harness and server under SCHED_FIFO" : "");
  printf("| metric | min | median | p90 | max | mean |\n|---|---:|---:|---:|---:|---:|\n");
  for (int i = 0; i < nr; i++) {
    stat_t s = rows[i].s;
    if (!s.n) continue;
    const char *f = (!strcmp(rows[i].unit, "") ? "%.0f" : "%.2f");
    printf("| %s%s%s%s", rows[i].name, *rows[i].unit ? " (" : "", rows[i].unit,
           *rows[i].unit ? ")" : "");
    if (s.n != n) printf(" [%d runs]", s.n);
    printf(" | ");
    printf(f, s.min); printf(" | ");
    printf(f, s.med); printf(" | ");
    printf(f, s.p90); printf(" | ");
    printf(f, s.max); printf(" | ");
    printf(f, s.mean); printf(" |\n");
  }
  if (kids) printf("\nNote: up to %d descendant process(es) were running at idle.\n", kids);
  if (badexit) printf("\nNote: %d run(s) did not exit with status 0 after SIGTERM.\n", badexit);
  fflush(stdout);
  return failures ? 1 : 0;
}
