/* bench-stamp-browser.c — the browser of bench-click: writes the moment it
 * started (CLOCK_MONOTONIC, µs, as g_get_monotonic_time()) to ARGV0.stamp,
 * atomically, and nothing else; plain libc, so that it starts fast
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <time.h>

int
main (int    argc,
      char **argv)
{
  struct timespec now;
  char path[4096], part[4096 + 5];
  FILE *file;

  clock_gettime (CLOCK_MONOTONIC, &now);
  if (snprintf (path, sizeof path, "%s.stamp", argv[0]) >= (int) sizeof path)
    return 1;
  snprintf (part, sizeof part, "%s.part", path);
  if ((file = fopen (part, "w")) == NULL)
    return 1;
  fprintf (file, "%lld\n", (long long) now.tv_sec * 1000000 + now.tv_nsec / 1000);
  if (fclose (file) != 0 || rename (part, path) != 0)
    return 1;
  return 0;
}
