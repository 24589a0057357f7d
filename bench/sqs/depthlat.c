// Latency per SQS operation at two queue depths, measured interleaved: two servers (or two
// queues) are prepared beforehand, one at the low depth and one at the high depth, and this
// client alternates between them, one message cycle each:
//   SendMessage -> ReceiveMessage (MaxNumberOfMessages=1) -> DeleteMessage of that message,
// so each queue's depth stays where it was filled (+/- 1). Each request is timed from just before
// its write to its complete response (CLOCK_MONOTONIC). Because the two depths take turns every
// few hundred microseconds, a drift in the machine's speed (other VMs, frequency) hits both
// alike, and the ratio of their latencies is stable from run to run where separate runs are not.
//
//   cc -O2 -o /tmp/sqs_depthlat bench/sqs/depthlat.c
//   /tmp/sqs_depthlat SECONDS HOST PORT_LOW QUEUE_URL_LOW PORT_HIGH QUEUE_URL_HIGH
//
// Output: RESULT lines per depth and operation (n, mean, p50, p90, p99), then the high/low
// ratios of p50, p90 and p99.
#include "http_client.h"

enum { kSend, kReceive, kDelete, kOps };
static const char *kOpNames[kOps] = {"send", "receive", "delete"};

typedef struct {
  double *v;
  size_t n, cap;
} Samples;

static void add(Samples *s, double x) {
  if (s->n == s->cap) {
    s->cap = s->cap ? 2 * s->cap : 65536;
    s->v = realloc(s->v, s->cap * sizeof *s->v);
    if (!s->v) die("out of memory");
  }
  s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(const Samples *s, double p) {
  if (s->n == 0) return 0;
  size_t i = (size_t)(s->n * p / 100.0 + 0.999999);
  if (i > 0) i--;
  if (i >= s->n) i = s->n - 1;
  return s->v[i];
}

typedef struct {
  const char *label;
  const char *url;
  Conn conn;
  char send_body[1024], receive_body[1024];
  Samples lat[kOps];
  long empty;
} Target;

static double timed(Target *t, const char *op, const char *body, const char **res, int *status) {
  conn_ready(&t->conn);
  double t0 = now_us();
  send_request(&t->conn, op, body);
  *status = read_response(&t->conn, res);
  return now_us() - t0;
}

static void cycle(Target *t) {
  const char *res;
  int st;
  add(&t->lat[kSend], timed(t, "SendMessage", t->send_body, &res, &st));
  if (st != 200) {
    fprintf(stderr, "depthlat: %s SendMessage answered HTTP %d: %.300s\n", t->label, st, res);
    exit(1);
  }
  double dt = timed(t, "ReceiveMessage", t->receive_body, &res, &st);
  add(&t->lat[kReceive], dt);
  char handle[2048];
  if (st != 200) {
    fprintf(stderr, "depthlat: %s ReceiveMessage answered HTTP %d: %.300s\n", t->label, st, res);
    exit(1);
  }
  if (!receipt_handle(res, handle, sizeof handle)) {
    t->empty++;
    return;
  }
  char body[4096];
  snprintf(body, sizeof body, "{\"QueueUrl\":\"%s\",\"ReceiptHandle\":\"%s\"}", t->url, handle);
  add(&t->lat[kDelete], timed(t, "DeleteMessage", body, &res, &st));
  if (st != 200) {
    fprintf(stderr, "depthlat: %s DeleteMessage answered HTTP %d: %.300s\n", t->label, st, res);
    exit(1);
  }
}

static void setup(Target *t, const char *label, const char *host, int port, const char *url) {
  memset(t, 0, sizeof *t);
  t->label = label;
  t->url = url;
  conn_init(&t->conn, host, port);
  snprintf(t->send_body, sizeof t->send_body,
           "{\"QueueUrl\":\"%s\",\"MessageBody\":\"0123456789abcdef0123456789abcdef"
           "0123456789abcdef0123456789abcdef\"}",
           url);
  snprintf(t->receive_body, sizeof t->receive_body,
           "{\"QueueUrl\":\"%s\",\"MaxNumberOfMessages\":1,\"WaitTimeSeconds\":0}", url);
}

int main(int argc, char **argv) {
  if (argc != 7) {
    fprintf(stderr, "usage: %s SECONDS HOST PORT_LOW QUEUE_URL_LOW PORT_HIGH QUEUE_URL_HIGH\n",
            argv[0]);
    return 2;
  }
  double seconds = atof(argv[1]);
  Target t[2];
  setup(&t[0], "low", argv[2], atoi(argv[3]), argv[4]);
  setup(&t[1], "high", argv[2], atoi(argv[5]), argv[6]);
  // Warm-up: a few cycles each, not recorded.
  for (int i = 0; i < 200; i++) {
    cycle(&t[0]);
    cycle(&t[1]);
  }
  for (int k = 0; k < 2; k++) {
    for (int op = 0; op < kOps; op++) t[k].lat[op].n = 0;
    t[k].empty = 0;
  }
  double end = now_us() + seconds * 1e6;
  while (now_us() < end) {
    cycle(&t[0]);
    cycle(&t[1]);
  }
  for (int k = 0; k < 2; k++) {
    for (int op = 0; op < kOps; op++) {
      Samples *s = &t[k].lat[op];
      qsort(s->v, s->n, sizeof *s->v, cmp_double);
      double sum = 0;
      for (size_t i = 0; i < s->n; i++) sum += s->v[i];
      printf("RESULT depth=%s op=%s n=%zu mean_us=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f "
             "empty=%ld\n",
             t[k].label, kOpNames[op], s->n, s->n ? sum / s->n : 0, pct(s, 50), pct(s, 90),
             pct(s, 99), t[k].empty);
    }
  }
  for (int op = 0; op < kOps; op++) {
    Samples *lo = &t[0].lat[op], *hi = &t[1].lat[op];
    printf("RESULT ratio op=%s p50=%.3f p90=%.3f p99=%.3f\n", kOpNames[op],
           pct(hi, 50) / pct(lo, 50), pct(hi, 90) / pct(lo, 90), pct(hi, 99) / pct(lo, 99));
  }
  return 0;
}
