// A minimal blocking HTTP/1.1 client for the SQS JSON protocol, shared by longpoll.c and
// depthlat.c (header-only: each program is one translation unit). One request at a time per
// connection; responses are Content-Length framed; a "Connection: close" answer (moto) makes the
// next conn_ready() reconnect.
#pragma once
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  const char *host;
  int port;
  int fd;
  char buf[65536];
  size_t len;       // bytes in buf
  int close_after;  // the last response said Connection: close
} Conn;

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static void die(const char *msg) {
  fprintf(stderr, "sqs client: %s (%s)\n", msg, strerror(errno));
  exit(1);
}

static void conn_init(Conn *c, const char *host, int port) {
  c->host = host;
  c->port = port;
  c->fd = -1;
  c->len = 0;
  c->close_after = 0;
}

static void conn_ready(Conn *c) {
  if (c->fd >= 0 && !c->close_after) return;
  if (c->fd >= 0) close(c->fd);
  c->fd = socket(AF_INET, SOCK_STREAM, 0);
  if (c->fd < 0) die("socket");
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(c->port)};
  inet_pton(AF_INET, c->host, &a.sin_addr);
  if (connect(c->fd, (struct sockaddr *)&a, sizeof a) != 0) die("connect");
  c->close_after = 0;
}

// Writes one SQS JSON-protocol request (X-Amz-Target: AmazonSQS.<target>) with a SigV4-shaped
// Authorization header.
static void send_request(Conn *c, const char *target, const char *body) {
  char req[8192];
  int n = snprintf(req, sizeof req,
                   "POST / HTTP/1.1\r\nHost: %s:%d\r\n"
                   "Content-Type: application/x-amz-json-1.0\r\n"
                   "X-Amz-Target: AmazonSQS.%s\r\n"
                   "X-Amz-Date: 20260101T000000Z\r\n"
                   "Authorization: AWS4-HMAC-SHA256 "
                   "Credential=test/20260101/us-east-1/sqs/aws4_request, "
                   "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="
                   "0000000000000000000000000000000000000000000000000000000000000000\r\n"
                   "Content-Length: %zu\r\n\r\n%s",
                   c->host, c->port, target, strlen(body), body);
  if (n <= 0 || n >= (int)sizeof req) die("request too large");
  c->len = 0;
  for (int off = 0; off < n;) {
    ssize_t w = write(c->fd, req + off, n - off);
    if (w <= 0) die("write");
    off += (int)w;
  }
}

// If c->buf holds a whole response (Content-Length framed), returns its status and points *body
// at the body (NUL-terminated); else 0. One request at a time, so there are no leftover bytes.
static int parse_response(Conn *c, const char **body) {
  c->buf[c->len] = 0;
  char *end = strstr(c->buf, "\r\n\r\n");
  if (!end) return 0;
  size_t header_len = (size_t)(end + 4 - c->buf);
  size_t content_length = 0;
  c->close_after = 0;
  for (char *line = strstr(c->buf, "\r\n"); line && line < end; line = strstr(line + 2, "\r\n")) {
    if (strncasecmp(line + 2, "Content-Length:", 15) == 0) {
      content_length = strtoul(line + 17, NULL, 10);
    } else if (strncasecmp(line + 2, "Connection: close", 17) == 0) {
      c->close_after = 1;
    }
  }
  if (c->len < header_len + content_length) return 0;
  c->buf[header_len + content_length] = 0;
  *body = c->buf + header_len;
  return atoi(c->buf + 9);
}

static void read_some(Conn *c) {
  if (c->len + 1 >= sizeof c->buf) die("response too large");
  ssize_t r = read(c->fd, c->buf + c->len, sizeof c->buf - 1 - c->len);
  if (r <= 0) die("read");
  c->len += (size_t)r;
}

// Reads one whole response, blocking; returns the HTTP status.
static int read_response(Conn *c, const char **body) {
  int st;
  while (!(st = parse_response(c, body))) read_some(c);
  return st;
}

// Copies the ReceiptHandle of a ReceiveMessage answer into out; 0 if there is none.
static int receipt_handle(const char *body, char *out, size_t size) {
  const char *h = strstr(body, "\"ReceiptHandle\"");
  if (!h) return 0;
  h = strchr(h + 15, '"');
  if (!h) return 0;
  const char *e = strchr(h + 1, '"');
  if (!e || (size_t)(e - h - 1) >= size) return 0;
  memcpy(out, h + 1, e - h - 1);
  out[e - h - 1] = 0;
  return 1;
}

