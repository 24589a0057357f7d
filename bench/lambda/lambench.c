/*
 * lambench: the Lambda benchmark client (issue 4). HTTP/1.1 keep-alive to the Nimbus edge,
 * loopback only, every run bounded in time. Latencies are clock_gettime(CLOCK_MONOTONIC)
 * around one request written with a single write() and its response read in full
 * (Content-Length). Output: "RESULT key=value ..." lines (bench/lambda/summarize.py reads them).
 *
 *   cc -O2 -pthread -o /tmp/lambench bench/lambda/lambench.c
 *
 * Modes:
 *   lambench spawn -n N -- argv...
 *       posix_spawn(argv) + waitpid, N times (one warm-up not counted): the bare interpreter
 *       start (`python3 -c pass`, `node -e 0`). stdout is a pipe: also reports the time to
 *       the first byte the command prints (= to exit when it prints nothing).
 *   lambench rapi -n N [-x 'REFERENCE ARGV'] -- argv...
 *       A bootstrap alone, against a minimal Runtime API served by lambench itself
 *       (AWS_LAMBDA_RUNTIME_API is set; _HANDLER and LAMBDA_TASK_ROOT come from the caller's
 *       environment): N times (+1 warm-up), spawn argv, time spawn -> GET /invocation/next
 *       and /next answered -> POST /invocation/<id>/response, then SIGKILL it. With -x, the
 *       reference command (space-separated argv) is timed as in `spawn` right before each.
 *   lambench cold -p PORT -- FILE...
 *       One keep-alive connection. Each FILE: line 1 the function name, line 2 a reference
 *       command (argv separated by tabs; may be empty), then the CreateFunction JSON body with
 *       its zip. For each: the reference command is spawned and timed as in `spawn` (the bare
 *       interpreter start, measured right next to the cold start it is compared with), then
 *       t0, POST /2015-03-31/functions (201), t1, POST .../invocations with X-Amz-Log-Type:
 *       Tail (200), t2. Prints create = t1-t0, first invoke = t2-t1, the reference time and
 *       the base64 log tail (REPORT ... Init Duration).
 *   lambench warm -p PORT -f FLOOR_PORT -F FUNCTION [-n 1000] [-w 200] [-o SAMPLES]
 *       Two keep-alive connections: A to Nimbus, B to a trivial server (floor_server.c).
 *       -w warm-up invokes, then -n rounds of: invoke on A; GET /_nimbus/health on A;
 *       GET / on B. The three are interleaved so they share the machine's conditions.
 *   lambench load -p PORT -F FUNCTION -c CONNS [-d 5] [-W 2] [-M 20] [-P NIMBUS_PID]
 *       CONNS threads, one connection each, each invoking back to back: a warm-up (not
 *       counted) of at least -W s, and with -P until the number of Nimbus's child processes
 *       (= environments) has not changed for 1 s, i.e. the scale-out is over, at most -M s;
 *       then -d s measured (invokes completed in the window / d). With -P, also reports the
 *       environments at the start, after the warm-up and at the end, and the CPU time Nimbus
 *       and its children used in the measured window.
 * Option -e (any mode): whatever lambench spawns gets the environment Nimbus gives functions
 * (PATH, HOME, LANG, TZ, PYTHONUNBUFFERED + the Runtime API variables), not the caller's.
 * Exit status 1 on any error (connection, unexpected HTTP status, timeout of 30 s per request).
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
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void die(const char *msg) {
  fprintf(stderr, "lambench: %s (%s)\n", msg, strerror(errno));
  exit(1);
}

/* ---- HTTP/1.1 keep-alive connection ------------------------------------------------------- */
typedef struct {
  int fd;
  char *buf;
  size_t cap, len;
  int status;
  size_t body_off, body_len;  /* within buf, valid after http_read */
  size_t hdr_len;
} conn_t;

static int conn_open(conn_t *c, int port) {
  memset(c, 0, sizeof *c);
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0) return -1;
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval tv = {.tv_sec = 30};
  setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    close(c->fd);
    return -1;
  }
  c->cap = 1 << 16;
  c->buf = malloc(c->cap);
  return 0;
}

static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Case-insensitive search for a header's value inside [hdr, hdr+n). Returns its length or -1. */
static int header_value(const char *hdr, size_t n, const char *name, const char **val) {
  size_t nl = strlen(name);
  const char *p = hdr, *end = hdr + n;
  while (p < end) {
    const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);
    if (!eol) eol = end;
    if ((size_t)(eol - p) > nl && p[nl] == ':' && strncasecmp(p, name, nl) == 0) {
      const char *v = p + nl + 1;
      while (v < eol && *v == ' ') v++;
      *val = v;
      return (int)(eol - v);
    }
    p = eol + 2;
  }
  return -1;
}

/* Drops the previous response from the buffer, then reads one whole response. */
static int http_read(conn_t *c) {
  if (c->hdr_len + c->body_len > 0) {
    size_t used = c->hdr_len + c->body_len;
    memmove(c->buf, c->buf + used, c->len - used);
    c->len -= used;
    c->hdr_len = c->body_len = 0;
  }
  for (;;) {
    char *eoh = c->len >= 4 ? memmem(c->buf, c->len, "\r\n\r\n", 4) : NULL;
    if (eoh) {
      size_t hl = (size_t)(eoh - c->buf) + 4;
      const char *v;
      int vl = header_value(c->buf, hl, "content-length", &v);
      if (vl < 0) {
        errno = EPROTO;
        return -1;
      }
      size_t bl = strtoul(v, NULL, 10);
      if (hl + bl > c->cap) {
        c->cap = hl + bl + 4096;
        c->buf = realloc(c->buf, c->cap);
      }
      if (c->len >= hl + bl) {
        c->status = atoi(c->buf + 9);
        c->hdr_len = hl;
        c->body_off = hl;
        c->body_len = bl;
        return 0;
      }
    }
    if (c->len == c->cap) {
      c->cap *= 2;
      c->buf = realloc(c->buf, c->cap);
    }
    ssize_t r = read(c->fd, c->buf + c->len, c->cap - c->len);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) {
      if (r == 0) errno = ECONNRESET;
      return -1;
    }
    c->len += (size_t)r;
  }
}

/* One request/response; returns the HTTP status or -1. */
static int http_call(conn_t *c, const char *req, size_t n) {
  if (write_all(c->fd, req, n) != 0) return -1;
  if (http_read(c) != 0) return -1;
  return c->status;
}

#define AUTH                                                                                 \
  "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/lambda/aws4_request, " \
  "SignedHeaders=content-type;host;x-amz-date, "                                             \
  "Signature=0000000000000000000000000000000000000000000000000000000000000000\r\n"           \
  "X-Amz-Date: 20260101T000000Z\r\n"

static size_t invoke_request(char *out, size_t cap, int port, const char *fn, int tail) {
  return (size_t)snprintf(out, cap,
                          "POST /2015-03-31/functions/%s/invocations HTTP/1.1\r\n"
                          "Host: 127.0.0.1:%d\r\n" AUTH "%s"
                          "Content-Type: application/json\r\n"
                          "Content-Length: 2\r\n\r\n{}",
                          fn, port, tail ? "X-Amz-Log-Type: Tail\r\n" : "");
}

/* ---- statistics ---------------------------------------------------------------------------- */
static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
/* nearest-rank percentile of a sorted array */
static double pct(const double *v, size_t n, double p) {
  if (n == 0) return 0;
  size_t k = (size_t)(p / 100.0 * n + 0.999999);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return v[k - 1];
}
static void print_stats(const char *what, double *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_double);
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += v[i];
  printf("RESULT %s n=%zu min_ms=%.4f p50_ms=%.4f p90_ms=%.4f p99_ms=%.4f max_ms=%.4f mean_ms=%.4f\n",
         what, n, n ? v[0] : 0, pct(v, n, 50), pct(v, n, 90), pct(v, n, 99), n ? v[n - 1] : 0,
         n ? sum / n : 0);
}
static void dump_samples(const char *path, const char *what, const double *v, size_t n) {
  if (!path) return;
  FILE *f = fopen(path, "a");
  if (!f) die("cannot open samples file");
  for (size_t i = 0; i < n; i++) fprintf(f, "%s %zu %.4f\n", what, i, v[i]);
  fclose(f);
}

/* ---- spawn ---------------------------------------------------------------------------------- */
/* posix_spawn(argv) with stdin and stderr on /dev/null and stdout on a pipe; waitpid. Returns
   the ms to exit; *ready_ms gets the ms to the first byte on stdout (or to EOF when the command
   prints nothing). Exits on failure. */
static double time_spawn(char **argv, double *ready_ms) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) != 0) die("pipe");
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&fa, p[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  int st;
  char buf[4096];
  double t0 = now_ms();
  int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
  close(p[1]);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    errno = rc;
    die("posix_spawn");
  }
  ssize_t r;
  while ((r = read(p[0], buf, sizeof buf)) < 0 && errno == EINTR) {
  }
  double t_ready = now_ms();
  while (r > 0) r = read(p[0], buf, sizeof buf);
  close(p[0]);
  if (waitpid(pid, &st, 0) < 0) die("waitpid");
  double t1 = now_ms();
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    fprintf(stderr, "lambench: %s exited with status %d\n", argv[0], st);
    exit(1);
  }
  if (ready_ms) *ready_ms = t_ready - t0;
  return t1 - t0;
}

static int mode_spawn(int n, char **argv) {
  double *v = calloc((size_t)n, sizeof *v);
  double *rd = calloc((size_t)n, sizeof *rd);
  time_spawn(argv, NULL); /* warm-up: page cache, not counted */
  for (int i = 0; i < n; i++) v[i] = time_spawn(argv, &rd[i]);
  print_stats("spawn", v, (size_t)n);
  print_stats("spawn_first_output", rd, (size_t)n);
  return 0;
}

/* ---- rapi: a bootstrap alone against a minimal Runtime API ---------------------------------- */
static int accept_timeout(int lfd, int ms) {
  struct pollfd pfd = {.fd = lfd, .events = POLLIN};
  if (poll(&pfd, 1, ms) != 1) return -1;
  return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
}
/* Reads one request (headers + Content-Length body) from fd into buf; 0 = ok, -1 = EOF/error. */
static int read_request(int fd, char *buf, size_t cap, size_t *len) {
  size_t have = 0;
  for (;;) {
    char *eoh = have >= 4 ? memmem(buf, have, "\r\n\r\n", 4) : NULL;
    if (eoh) {
      size_t hl = (size_t)(eoh - buf) + 4;
      const char *v;
      int vl = header_value(buf, hl, "content-length", &v);
      size_t bl = vl < 0 ? 0 : strtoul(v, NULL, 10);
      if (have >= hl + bl) {
        *len = have;
        return 0;
      }
    }
    if (have == cap) return -1;
    ssize_t r = read(fd, buf + have, cap - have);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return -1;
    have += (size_t)r;
  }
}

static int mode_rapi(int n, const char *ref_cmd, char **argv) {
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET};
  inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
  socklen_t sl = sizeof sa;
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) || listen(lfd, 16) ||
      getsockname(lfd, (struct sockaddr *)&sa, &sl))
    die("listen");
  char api[64];
  snprintf(api, sizeof api, "127.0.0.1:%d", ntohs(sa.sin_port));
  setenv("AWS_LAMBDA_RUNTIME_API", api, 1);
  char *ref[16];
  int nref = 0;
  char *refcopy = ref_cmd ? strdup(ref_cmd) : NULL;
  for (char *tok = refcopy ? strtok(refcopy, " ") : NULL; tok && nref < 15; tok = strtok(NULL, " "))
    ref[nref++] = tok;
  ref[nref] = NULL;
  double *vn = calloc((size_t)n, sizeof(double)), *vr = calloc((size_t)n, sizeof(double));
  double *vref = calloc((size_t)n, sizeof(double));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  static char buf[1 << 16];
  for (int i = -1; i < n; i++) { /* i = -1: warm-up */
    double ref_ms = nref ? time_spawn(ref, NULL) : 0;
    pid_t pid;
    double t0 = now_ms();
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    if (rc != 0) {
      errno = rc;
      die("posix_spawn");
    }
    int c = accept_timeout(lfd, 10000);
    size_t len;
    if (c < 0 || read_request(c, buf, sizeof buf, &len) != 0) die("no GET /next within 10 s");
    double t1 = now_ms();
    if (strncmp(buf, "GET /2018-06-01/runtime/invocation/next ", 40) != 0) die("not GET /next");
    char res[512];
    int rl = snprintf(res, sizeof res,
                      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      "Lambda-Runtime-Aws-Request-Id: req-%d\r\n"
                      "Lambda-Runtime-Deadline-Ms: 99999999999999\r\n"
                      "Lambda-Runtime-Invoked-Function-Arn: "
                      "arn:aws:lambda:us-east-1:000000000000:function:bench\r\n"
                      "Lambda-Runtime-Trace-Id: Root=1-0-0;Sampled=0\r\n"
                      "Content-Length: 2\r\n\r\n{}",
                      i + 1);
    if (write_all(c, res, (size_t)rl) != 0) die("write /next");
    if (read_request(c, buf, sizeof buf, &len) != 0) {
      close(c); /* the bootstrap opened a new connection */
      c = accept_timeout(lfd, 10000);
      if (c < 0 || read_request(c, buf, sizeof buf, &len) != 0) die("no POST /response");
    }
    double t2 = now_ms();
    if (strncmp(buf, "POST ", 5) != 0 || !strstr(buf, "/response ")) die("not POST /response");
    const char ok[] = "HTTP/1.1 202 Accepted\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}";
    write_all(c, ok, sizeof ok - 1);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(c);
    if (i >= 0) {
      vref[i] = ref_ms;
      vn[i] = t1 - t0;
      vr[i] = t2 - t1;
      printf("RAPI i=%d ref_ms=%.3f spawn_to_next_ms=%.3f next_to_response_ms=%.3f\n", i, ref_ms,
             vn[i], vr[i]);
    }
  }
  if (nref) print_stats("rapi_ref", vref, (size_t)n);
  print_stats("rapi_spawn_to_next", vn, (size_t)n);
  print_stats("rapi_next_to_response", vr, (size_t)n);
  return 0;
}

/* ---- cold ----------------------------------------------------------------------------------- */
static char *slurp(const char *path, size_t *n) {
  FILE *f = fopen(path, "rb");
  if (!f) die(path);
  fseek(f, 0, SEEK_END);
  long sz = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *p = malloc((size_t)sz + 1);
  if (fread(p, 1, (size_t)sz, f) != (size_t)sz) die("read");
  p[sz] = 0;
  fclose(f);
  *n = (size_t)sz;
  return p;
}

static int mode_cold(int port, int nfiles, char **files) {
  conn_t c;
  if (conn_open(&c, port) != 0) die("connect");
  /* one health request first: the connection is established and the edge has served */
  const char health[] = "GET /_nimbus/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  if (http_call(&c, health, sizeof health - 1) != 200) die("health");
  double *create = calloc((size_t)nfiles, sizeof(double));
  double *invoke = calloc((size_t)nfiles, sizeof(double));
  double *total = calloc((size_t)nfiles, sizeof(double));
  for (int i = 0; i < nfiles; i++) {
    size_t n;
    char *file = slurp(files[i], &n);
    char *nl = strchr(file, '\n');
    char *nl2 = nl ? strchr(nl + 1, '\n') : NULL;
    if (!nl2) die("bad body file");
    *nl = 0;
    *nl2 = 0;
    const char *name = file, *body = nl2 + 1;
    char *ref[32];
    int nref = 0;
    for (char *tok = strtok(nl + 1, "\t"); tok && nref < 31; tok = strtok(NULL, "\t"))
      ref[nref++] = tok;
    ref[nref] = NULL;
    double ref_ms = nref > 0 ? time_spawn(ref, NULL) : 0;
    size_t blen = n - (size_t)(body - file);
    size_t cap = blen + 1024;
    char *req = malloc(cap);
    int hl = snprintf(req, cap,
                      "POST /2015-03-31/functions HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" AUTH
                      "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                      port, blen);
    memcpy(req + hl, body, blen);
    char inv[1024];
    size_t il = invoke_request(inv, sizeof inv, port, name, 1);

    double t0 = now_ms();
    int s1 = http_call(&c, req, (size_t)hl + blen);
    double t1 = now_ms();
    if (s1 != 201) {
      fprintf(stderr, "lambench: create %s: HTTP %d: %.*s\n", name, s1, (int)c.body_len,
              c.buf + c.body_off);
      return 1;
    }
    int s2 = http_call(&c, inv, il);
    double t2 = now_ms();
    if (s2 != 200) {
      fprintf(stderr, "lambench: invoke %s: HTTP %d: %.*s\n", name, s2, (int)c.body_len,
              c.buf + c.body_off);
      return 1;
    }
    const char *fe;
    int fel = header_value(c.buf, c.hdr_len, "x-amz-function-error", &fe);
    if (fel >= 0) {
      fprintf(stderr, "lambench: invoke %s: function error: %.*s\n", name, (int)c.body_len,
              c.buf + c.body_off);
      return 1;
    }
    const char *lr = "";
    int lrl = header_value(c.buf, c.hdr_len, "x-amz-log-result", &lr);
    create[i] = t1 - t0;
    invoke[i] = t2 - t1;
    total[i] = t2 - t0;
    printf("COLD i=%d name=%s ref_ms=%.3f create_ms=%.3f first_invoke_ms=%.3f total_ms=%.3f "
           "log=%.*s\n",
           i, name, ref_ms, create[i], invoke[i], total[i], lrl < 0 ? 0 : lrl, lr);
    fflush(stdout);
    free(req);
    free(file);
  }
  print_stats("cold_create", create, (size_t)nfiles);
  print_stats("cold_first_invoke", invoke, (size_t)nfiles);
  print_stats("cold_total", total, (size_t)nfiles);
  return 0;
}

/* ---- warm ----------------------------------------------------------------------------------- */
static int mode_warm(int port, int floor_port, const char *fn, int n, int warmup,
                     const char *samples) {
  conn_t a, b;
  if (conn_open(&a, port) != 0) die("connect nimbus");
  if (conn_open(&b, floor_port) != 0) die("connect floor");
  char inv[1024];
  size_t il = invoke_request(inv, sizeof inv, port, fn, 0);
  char health[256];
  size_t hl = (size_t)snprintf(health, sizeof health,
                               "GET /_nimbus/health HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n", port);
  char flo[256];
  size_t fl = (size_t)snprintf(flo, sizeof flo, "GET / HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n",
                               floor_port);
  double *vi = calloc((size_t)n, sizeof(double));
  double *vh = calloc((size_t)n, sizeof(double));
  double *vf = calloc((size_t)n, sizeof(double));
  double *vd = calloc((size_t)n, sizeof(double));
  for (int i = 0; i < warmup; i++) {
    if (http_call(&a, inv, il) != 200) die("warm-up invoke");
    if (http_call(&a, health, hl) != 200) die("warm-up health");
    if (http_call(&b, flo, fl) != 200) die("warm-up floor");
  }
  double start = now_ms();
  for (int i = 0; i < n; i++) {
    double t0 = now_ms();
    int s = http_call(&a, inv, il);
    double t1 = now_ms();
    if (s != 200) {
      fprintf(stderr, "lambench: invoke %s: HTTP %d\n", fn, s);
      return 1;
    }
    if (header_value(a.buf, a.hdr_len, "x-amz-function-error", &(const char *){0}) >= 0) {
      fprintf(stderr, "lambench: invoke %s: function error\n", fn);
      return 1;
    }
    if (http_call(&a, health, hl) != 200) die("health");
    double t2 = now_ms();
    if (http_call(&b, flo, fl) != 200) die("floor");
    double t3 = now_ms();
    vi[i] = t1 - t0;
    vh[i] = t2 - t1;
    vf[i] = t3 - t2;
    vd[i] = vi[i] - vf[i];
  }
  double elapsed = now_ms() - start;
  dump_samples(samples, "invoke", vi, (size_t)n);
  dump_samples(samples, "health", vh, (size_t)n);
  dump_samples(samples, "floor", vf, (size_t)n);
  printf("RESULT warm_rounds n=%d elapsed_ms=%.1f\n", n, elapsed);
  print_stats("warm_invoke", vi, (size_t)n);
  print_stats("warm_health", vh, (size_t)n);
  print_stats("warm_floor", vf, (size_t)n);
  print_stats("warm_invoke_minus_floor", vd, (size_t)n);
  return 0;
}

/* ---- load ----------------------------------------------------------------------------------- */
/* Window bounds, set by the main thread once the warm-up is over (ms, CLOCK_MONOTONIC). */
static _Atomic double g_t_measure = 1e300, g_t_end = 1e300;

typedef struct {
  int port;
  const char *fn;
  double *lat;
  size_t nlat, cap;
  long ok_warmup, ok, throttled, other, errors;
  pthread_t th;
} worker_t;

static void *load_worker(void *arg) {
  worker_t *w = arg;
  conn_t c;
  if (conn_open(&c, w->port) != 0) {
    w->errors++;
    return NULL;
  }
  char inv[1024];
  size_t il = invoke_request(inv, sizeof inv, w->port, w->fn, 0);
  for (;;) {
    double t0 = now_ms();
    if (t0 >= g_t_end) break;
    int s = http_call(&c, inv, il);
    double t1 = now_ms();
    if (s < 0) {
      w->errors++;
      /* reconnect: the server may have closed after an error response */
      close(c.fd);
      free(c.buf);
      if (conn_open(&c, w->port) != 0) return NULL;
      continue;
    }
    if (t1 < g_t_measure) {
      if (s == 200) w->ok_warmup++;
      continue;
    }
    if (t1 > g_t_end) break; /* completed after the window: not counted */
    if (s == 200) {
      w->ok++;
      if (w->nlat < w->cap) w->lat[w->nlat++] = t1 - t0;
    } else if (s == 429) {
      w->throttled++;
    } else {
      w->other++;
    }
  }
  close(c.fd);
  free(c.buf);
  return NULL;
}

/* Nimbus's children (the environments), and CPU jiffies of Nimbus and of its live children. */
static int children_of(int pid, int *out, int max) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", pid);
  DIR *d = opendir(path);
  if (!d) return 0;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    char cp[300];
    snprintf(cp, sizeof cp, "/proc/%d/task/%s/children", pid, e->d_name);
    FILE *f = fopen(cp, "r");
    if (!f) continue;
    int c;
    while (fscanf(f, "%d", &c) == 1)
      if (n < max) out[n++] = c;
    fclose(f);
  }
  closedir(d);
  return n;
}
static long long proc_jiffies(int pid) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  FILE *f = fopen(path, "r");
  if (!f) return 0;
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = 0;
  char *p = strrchr(buf, ')');
  if (!p) return 0;
  unsigned long long ut = 0, st = 0;
  /* fields after ")": state(3) ... utime(14) stime(15) */
  sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &st);
  return (long long)(ut + st);
}
typedef struct {
  int nchildren;
  long long server_j, children_j, busy_j, total_j;
} snap_t;
static void snapshot(int pid, snap_t *s) {
  memset(s, 0, sizeof *s);
  FILE *f = fopen("/proc/stat", "r");
  if (f) {
    unsigned long long v[8] = {0};
    if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3],
               &v[4], &v[5], &v[6], &v[7]) == 8) {
      s->total_j = (long long)(v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7]);
      s->busy_j = s->total_j - (long long)(v[3] + v[4]);
    }
    fclose(f);
  }
  if (pid <= 0) return;
  int kids[4096];
  s->nchildren = children_of(pid, kids, 4096);
  s->server_j = proc_jiffies(pid);
  for (int i = 0; i < s->nchildren; i++) s->children_j += proc_jiffies(kids[i]);
}

static int mode_load(int port, const char *fn, int conns, double dur_s, double warm_s,
                     double warm_max_s, int pid) {
  worker_t *w = calloc((size_t)conns, sizeof *w);
  double t_start = now_ms();
  snap_t s0, s1, s2;
  snapshot(pid, &s0);
  for (int i = 0; i < conns; i++) {
    w[i].port = port;
    w[i].fn = fn;
    w[i].cap = 1 << 20;
    w[i].lat = malloc(w[i].cap * sizeof(double));
    if (pthread_create(&w[i].th, NULL, load_worker, &w[i]) != 0) die("pthread_create");
  }
  /* Warm-up: at least warm_s; with -P, until the number of environments has not changed for
     1 s (the scale-out is over), at most warm_max_s. */
  double now, stable_since = t_start;
  int last = s0.nchildren;
  for (;;) {
    usleep(100000);
    now = now_ms();
    if (pid > 0) {
      int kids[4096];
      int n = children_of(pid, kids, 4096);
      if (n != last) {
        last = n;
        stable_since = now;
      }
    }
    if (now - t_start >= warm_max_s * 1e3) break;
    if (now - t_start >= warm_s * 1e3 && (pid <= 0 || now - stable_since >= 1000)) break;
  }
  double t_measure = now_ms(), t_end = t_measure + dur_s * 1e3;
  g_t_end = t_end;
  g_t_measure = t_measure;
  double warm_used = (t_measure - t_start) / 1e3;
  snapshot(pid, &s1);
  while ((now = now_ms()) < t_end) usleep((useconds_t)((t_end - now) * 1e3));
  snapshot(pid, &s2);
  long ok = 0, okw = 0, thr = 0, oth = 0, err = 0;
  size_t nl = 0;
  for (int i = 0; i < conns; i++) {
    pthread_join(w[i].th, NULL);
    ok += w[i].ok;
    okw += w[i].ok_warmup;
    thr += w[i].throttled;
    oth += w[i].other;
    err += w[i].errors;
    nl += w[i].nlat;
  }
  double *all = malloc((nl + 1) * sizeof(double));
  size_t k = 0;
  for (int i = 0; i < conns; i++) {
    memcpy(all + k, w[i].lat, w[i].nlat * sizeof(double));
    k += w[i].nlat;
  }
  long hz = sysconf(_SC_CLK_TCK);
  double win = dur_s;
  printf("RESULT load conns=%d duration_s=%.1f warmup_s=%.2f ok=%ld rps=%.1f warmup_ok=%ld "
         "throttled=%ld other_status=%ld errors=%ld env_before=%d env_after_warmup=%d env_end=%d "
         "server_cpu_pct=%.0f envs_cpu_pct=%.0f machine_busy_pct=%.0f\n",
         conns, dur_s, warm_used, ok, ok / win, okw, thr, oth, err, s0.nchildren, s1.nchildren,
         s2.nchildren, 100.0 * (s2.server_j - s1.server_j) / hz / win,
         100.0 * (s2.children_j - s1.children_j) / hz / win,
         s2.total_j > s1.total_j ? 100.0 * (s2.busy_j - s1.busy_j) / (s2.total_j - s1.total_j) : 0);
  char what[64];
  snprintf(what, sizeof what, "load_latency conns=%d", conns);
  print_stats(what, all, nl);
  return err > 0 || oth > 0;
}

/* -e: everything lambench spawns gets the environment Nimbus gives a function's runtime, not
   the caller's (which may hold e.g. NODE_EXTRA_CA_CERTS: node then parses extra certificates at
   every start). Kept: PATH, HOME, _HANDLER, LAMBDA_TASK_ROOT, AWS_LAMBDA_RUNTIME_API; set as
   Nimbus sets them: LANG, TZ, PYTHONUNBUFFERED. */
static void function_environment(void) {
  static const char *keep[] = {"PATH", "HOME", "_HANDLER", "LAMBDA_TASK_ROOT",
                               "AWS_LAMBDA_RUNTIME_API"};
  char *saved[5] = {0};
  for (int i = 0; i < 5; i++) {
    const char *v = getenv(keep[i]);
    saved[i] = v ? strdup(v) : NULL;
  }
  clearenv();
  for (int i = 0; i < 5; i++)
    if (saved[i]) setenv(keep[i], saved[i], 1);
  setenv("LANG", "en_US.UTF-8", 1);
  setenv("TZ", ":UTC", 1);
  setenv("PYTHONUNBUFFERED", "1", 1);
}

/* ---- main ----------------------------------------------------------------------------------- */
int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: lambench spawn|cold|warm|load [options] (see the source)\n");
    return 2;
  }
  const char *mode = argv[1];
  int port = 0, floor_port = 0, n = 1000, warmup = 200, conns = 10, pid = 0;
  double dur = 5, warm_s = 2, warm_max_s = 20;
  const char *fn = NULL, *samples = NULL, *ref_cmd = NULL;
  int opt;
  optind = 2;
  while ((opt = getopt(argc, argv, "+p:f:F:n:w:o:c:d:W:M:P:x:e")) != -1) {
    switch (opt) {
      case 'p': port = atoi(optarg); break;
      case 'f': floor_port = atoi(optarg); break;
      case 'F': fn = optarg; break;
      case 'n': n = atoi(optarg); break;
      case 'w': warmup = atoi(optarg); break;
      case 'o': samples = optarg; break;
      case 'c': conns = atoi(optarg); break;
      case 'd': dur = atof(optarg); break;
      case 'W': warm_s = atof(optarg); break;
      case 'M': warm_max_s = atof(optarg); break;
      case 'P': pid = atoi(optarg); break;
      case 'x': ref_cmd = optarg; break;
      case 'e': function_environment(); break;
      default: return 2;
    }
  }
  signal(SIGPIPE, SIG_IGN);
  if (!strcmp(mode, "spawn")) {
    if (optind >= argc) return 2;
    return mode_spawn(n, argv + optind);
  }
  if (!strcmp(mode, "rapi")) {
    if (optind >= argc) return 2;
    return mode_rapi(n, ref_cmd, argv + optind);
  }
  if (!strcmp(mode, "cold")) return mode_cold(port, argc - optind, argv + optind);
  if (!strcmp(mode, "warm")) return mode_warm(port, floor_port, fn, n, warmup, samples);
  if (!strcmp(mode, "load")) return mode_load(port, fn, conns, dur, warm_s, warm_max_s, pid);
  fprintf(stderr, "lambench: unknown mode %s\n", mode);
  return 2;
}
