/* ws-peak-rss.c — runs a command and writes its peak RSS (KiB) to a file
 *
 * Linux counts a child's peak RSS from before its exec too, so a command
 * the benchmark's Python spawned directly would never seem smaller than
 * Python itself. Spawned from this small process, it is measured from a
 * footprint of about a megabyte.
 *
 * Usage: ws-peak-rss OUTPUT COMMAND [ARG…]; exits with the command's
 * status.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main (int    argc,
      char **argv)
{
  struct rusage usage;
  FILE *output;
  pid_t pid;
  int status;

  if (argc < 3)
    {
      fprintf (stderr, "usage: ws-peak-rss OUTPUT COMMAND [ARG…]\n");
      return 2;
    }

  pid = fork ();
  if (pid < 0)
    {
      perror ("ws-peak-rss: fork");
      return 2;
    }
  if (pid == 0)
    {
      execvp (argv[2], argv + 2);
      perror ("ws-peak-rss: exec");
      _exit (127);
    }

  if (wait4 (pid, &status, 0, &usage) != pid)
    {
      perror ("ws-peak-rss: wait4");
      return 2;
    }
  output = fopen (argv[1], "w");
  if (output == NULL || fprintf (output, "%ld\n", usage.ru_maxrss) < 0 || fclose (output) != 0)
    {
      perror ("ws-peak-rss: cannot write the output");
      return 2;
    }

  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}
