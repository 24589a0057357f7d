// Long-poll wake latency: how long after a SendMessage is written does a parked ReceiveMessage
// (WaitTimeSeconds=10) return the message?
//
// Per sample, on an empty queue: connection A writes ReceiveMessage(WaitTimeSeconds=10,
// MaxNumberOfMessages=1) and the client sleeps PARK_MS (default 50) so the server has surely
// parked it (a poll(0) checks that A has not answered yet); then t0 = CLOCK_MONOTONIC just before
// connection B writes SendMessage. Both answers are read as they arrive (poll on A and B):
//   wake = t0 -> A's complete response (the message), the number the target is about;
//   send = t0 -> B's complete response, shown beside it: the wake can hardly beat the send.
// Then B deletes the message with the receipt handle from A's answer, so the queue is empty again.
//
//   cc -O2 -o /tmp/sqs_longpoll bench/sqs/longpoll.c
//   /tmp/sqs_longpoll HOST PORT QUEUE_URL [SAMPLES=100] [PARK_MS=50] [WARMUP=3]
//
// Output: one "sample wake_us=... send_us=..." line per sample, then RESULT lines.
// Works with servers that close after every response (moto): it reconnects before the next use.
#include "http_client.h"

static const char *g_url;

static void delete_message(Conn *b, const char *handle) {
  char body[4096];
  const char *res;
  snprintf(body, sizeof body, "{\"QueueUrl\":\"%s\",\"ReceiptHandle\":\"%s\"}", g_url, handle);
  conn_ready(b);
  send_request(b, "DeleteMessage", body);
  int st = read_response(b, &res);
  if (st != 200) {
    fprintf(stderr, "longpoll: DeleteMessage answered HTTP %d: %.300s\n", st, res);
    exit(1);
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double pct(const double *sorted, int n, double p) {
  int i = (int)(n * p / 100.0 + 0.999999) - 1;
  if (i < 0) i = 0;
  if (i >= n) i = n - 1;
  return sorted[i];
}

static void report(const char *name, double *v, int n) {
  qsort(v, n, sizeof *v, cmp_double);
  double sum = 0;
  for (int i = 0; i < n; i++) sum += v[i];
  printf("RESULT what=%s n=%d min_us=%.1f p50_us=%.1f p90_us=%.1f p99_us=%.1f max_us=%.1f "
         "mean_us=%.1f\n",
         name, n, v[0], pct(v, n, 50), pct(v, n, 90), pct(v, n, 99), v[n - 1], sum / n);
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s HOST PORT QUEUE_URL [SAMPLES=100] [PARK_MS=50] [WARMUP=3]\n",
            argv[0]);
    return 2;
  }
  const char *host = argv[1];
  int port = atoi(argv[2]);
  g_url = argv[3];
  int samples = argc > 4 ? atoi(argv[4]) : 100;
  int park_ms = argc > 5 ? atoi(argv[5]) : 50;
  int warmup = argc > 6 ? atoi(argv[6]) : 3;
  if (samples < 1) return 2;

  char receive_body[1024], send_body[1024];
  snprintf(receive_body, sizeof receive_body,
           "{\"QueueUrl\":\"%s\",\"MaxNumberOfMessages\":1,\"WaitTimeSeconds\":10}", g_url);
  snprintf(send_body, sizeof send_body,
           "{\"QueueUrl\":\"%s\",\"MessageBody\":\"0123456789abcdef0123456789abcdef\"}", g_url);

  Conn *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
  conn_init(a, host, port);
  conn_init(b, host, port);
  double *wake = calloc(samples, sizeof *wake), *sendl = calloc(samples, sizeof *sendl);
  int early = 0;
  for (int i = -warmup; i < samples;) {
    conn_ready(a);
    conn_ready(b);
    send_request(a, "ReceiveMessage", receive_body);
    struct timespec park = {park_ms / 1000, (park_ms % 1000) * 1000000L};
    nanosleep(&park, NULL);
    struct pollfd pa = {.fd = a->fd, .events = POLLIN};
    const char *abody = NULL, *bbody = NULL;
    char handle[2048];
    if (poll(&pa, 1, 0) != 0) {
      // A answered before any send: the queue was not empty. Drain it and try again.
      int st = read_response(a, &abody);
      fprintf(stderr, "longpoll: the receive returned before the send (HTTP %d)\n", st);
      if (st != 200 || ++early > 10) return 1;
      if (receipt_handle(abody, handle, sizeof handle)) delete_message(b, handle);
      continue;
    }
    double t0 = now_us();
    send_request(b, "SendMessage", send_body);
    int st_a = 0, st_b = 0;
    double t1 = 0, t2 = 0;
    while (!st_a || !st_b) {
      struct pollfd p[2] = {{.fd = st_a ? -1 : a->fd, .events = POLLIN},
                            {.fd = st_b ? -1 : b->fd, .events = POLLIN}};
      if (poll(p, 2, 15000) <= 0) die("no answer within 15 s");
      if (p[0].revents) {
        read_some(a);
        if ((st_a = parse_response(a, &abody))) t1 = now_us();
      }
      if (p[1].revents) {
        read_some(b);
        if ((st_b = parse_response(b, &bbody))) t2 = now_us();
      }
    }
    if (st_b != 200) {
      fprintf(stderr, "longpoll: SendMessage answered HTTP %d: %.300s\n", st_b, bbody);
      return 1;
    }
    if (st_a != 200 || !receipt_handle(abody, handle, sizeof handle)) {
      fprintf(stderr, "longpoll: ReceiveMessage answered HTTP %d without a message: %.300s\n",
              st_a, abody);
      return 1;
    }
    delete_message(b, handle);
    if (i >= 0) {
      wake[i] = t1 - t0;
      sendl[i] = t2 - t0;
      printf("sample wake_us=%.1f send_us=%.1f\n", wake[i], sendl[i]);
    }
    i++;
  }
  report("wake", wake, samples);
  report("send", sendl, samples);
  return 0;
}
