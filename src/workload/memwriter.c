/* memwriter: the guest load of migbench.
 *
 *   memwriter SIZE_MIB RATE [UNIT [CHUNK_KIB [REPORT_MS]]]
 *
 * Allocates SIZE_MIB, touches every page, then rewrites every page of the buffer in a loop, chunk by chunk,
 * forever. RATE is in UNIT per second (UNIT "mib" (default) or "pages"); 0 writes as fast as it can.
 * Each page gets one byte written (never making it all-zero, which QEMU would send as a constant page), a new
 * value each pass, so RATE is a page-dirtying rate whether dirt is tracked (migration) or hashed (QEMU's
 * page-sampling dirty rate). After a completed chunk, if REPORT_MS (default 1) passed since the last line:
 *     chunk <monotonic ms> <bytes written since start>
 * so that a pause of the guest shows as a gap between two timestamps. Before that:
 *     start <monotonic ms> size_mib=<n> rate=<r> unit=<u> chunk_kib=<k> page=<bytes> pid=<pid>
 *     ready <monotonic ms> touch_ms=<ms>
 * and on SIGTERM or SIGINT, after the chunk in progress:
 *     stop <monotonic ms> <bytes>
 * Builds with any C99 compiler: cc -O2 -std=gnu99 -o memwriter memwriter.c (-lrt on glibc < 2.17).
 * One byte per page is written, so RATE is a page-dirtying rate; CPU cost stays low even under TCG. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stopping = 0;

static void on_signal(int sig) {
  (void)sig;
  stopping = 1;
}

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void sleep_until(double due_ms) {
  for (;;) {
    double left = due_ms - now_ms();
    if (left <= 0 || stopping) return;
    struct timespec t;
    t.tv_sec = (time_t)(left / 1e3);
    t.tv_nsec = (long)((left - t.tv_sec * 1e3) * 1e6);
    if (nanosleep(&t, NULL) == 0) return;
    if (errno != EINTR) return;
  }
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: memwriter SIZE_MIB RATE [mib|pages [CHUNK_KIB [REPORT_MS]]]\n");
    return 2;
  }
  long size_mib = strtol(argv[1], NULL, 10);
  double rate = strtod(argv[2], NULL);
  const char *unit = argc > 3 ? argv[3] : "mib";
  long chunk_kib = argc > 4 ? strtol(argv[4], NULL, 10) : 1024;
  double report_ms = argc > 5 ? strtod(argv[5], NULL) : 1;
  long page = sysconf(_SC_PAGESIZE);
  if (size_mib <= 0 || rate < 0 || chunk_kib <= 0 || report_ms < 0 || (strcmp(unit, "mib") != 0 && strcmp(unit, "pages") != 0)) {
    fprintf(stderr, "memwriter: bad arguments\n");
    return 2;
  }
  size_t size = (size_t)size_mib << 20;
  size_t chunk = (size_t)chunk_kib << 10;
  if (chunk > size) chunk = size;
  double bytes_per_ms = strcmp(unit, "pages") == 0 ? rate * page / 1e3 : rate * 1048576.0 / 1e3;

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  setvbuf(stdout, NULL, _IOLBF, 0);

  unsigned char *buf = malloc(size);
  if (!buf) {
    fprintf(stderr, "memwriter: cannot allocate %ld MiB\n", size_mib);
    return 1;
  }
  double t0 = now_ms();
  printf("start %.3f size_mib=%ld rate=%g unit=%s chunk_kib=%ld report_ms=%g page=%ld pid=%ld\n", t0, size_mib, rate, unit, chunk_kib, report_ms, page, (long)getpid());
  for (size_t i = 0; i < size; i += (size_t)page) buf[i] = 1;
  double ready = now_ms();
  printf("ready %.3f touch_ms=%.1f\n", ready, ready - t0);

  unsigned long long written = 0;
  unsigned char value = 2; /* the touch wrote 1: every pass, the first too, changes what every page holds */
  size_t off = 0;
  double last_report = -1e18;
  while (!stopping) {
    size_t end = off + chunk < size ? off + chunk : size;
    for (size_t i = off; i < end; i += (size_t)page) buf[i] = value;
    written += end - off;
    off = end;
    if (off >= size) {
      off = 0;
      value = (unsigned char)(value % 255 + 1);
    }
    double t = now_ms();
    if (t - last_report >= report_ms) {
      printf("chunk %.3f %llu\n", t, written);
      last_report = t;
    }
    if (bytes_per_ms > 0) sleep_until(ready + written / bytes_per_ms);
  }
  printf("stop %.3f %llu\n", now_ms(), written);
  return 0;
}
