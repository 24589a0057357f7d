/*
 * floor_server: the smallest possible "server" for calibrating startup_bench.
 * Reads GATEWAY_LISTEN=host:port, binds, prints "Listening on ..." and
 * "Ready.", and answers every request on a connection with a fixed 200 JSON
 * body (one connection at a time, blocking).  Exits on SIGTERM.  Its startup
 * time is the floor any server can reach on this machine with this harness
 * (fork/exec + dynamic loader + socket/bind/listen + one request).
 *
 *   cc -O2 -o /tmp/floor_server bench/startup/floor_server.c
 */
#include <arpa/inet.h>
#include <signal.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void on_term(int sig) { (void)sig; _exit(0); }

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "--version")) {
    puts("floor_server 0");
    return 0;
  }
  signal(SIGTERM, on_term);
  const char *gl = getenv("GATEWAY_LISTEN");
  if (!gl) gl = "127.0.0.1:4566";
  char host[64];
  int port = 4566;
  const char *colon = strrchr(gl, ':');
  snprintf(host, sizeof host, "%.*s", colon ? (int)(colon - gl) : 0, gl);
  if (colon) port = atoi(colon + 1);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, host, &sa.sin_addr);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) || listen(fd, 128)) {
    perror("bind/listen");
    return 1;
  }
  socklen_t l = sizeof sa;
  getsockname(fd, (struct sockaddr *)&sa, &l);
  printf("Listening on %s:%d\nReady.\n", host, ntohs(sa.sin_port));
  fflush(stdout);
  static const char body[] = "{\"status\": \"ok\"}";
  char resp[256];
  int rl = snprintf(resp, sizeof resp,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    "Content-Length: %zu\r\n\r\n%s",
                    sizeof body - 1, body);
  for (;;) {
    int c = accept(fd, NULL, NULL);
    if (c < 0) continue;
    char buf[4096];
    size_t have = 0;
    ssize_t r;
    while ((r = read(c, buf + have, sizeof buf - 1 - have)) > 0) {
      have += r;
      buf[have] = 0;
      if (strstr(buf, "\r\n\r\n")) {
        if (write(c, resp, rl) != rl) break;
        have = 0;
      }
      if (have >= sizeof buf - 1) break;
    }
    close(c);
  }
}
