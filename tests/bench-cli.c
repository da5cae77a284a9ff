/* bench-cli.c — `windsock url` as a whole process against the local fake
 *
 * What a keyboard launcher pays per click: process start, config parsing,
 * credentials, one signed CreateWebLoginToken (and the GetEnvironment beside
 * it) over loopback, and exit. Prints the median of 20 runs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>

#include "cli-fixture.h"

#define RUNS 20

static int
compare_times (const void *a,
               const void *b)
{
  gint64 ta = *(const gint64 *) a, tb = *(const gint64 *) b;

  return (ta > tb) - (ta < tb);
}

int
main (int    argc,
      char **argv)
{
  CliFixture fixture = { 0 };
  gint64 times[RUNS];

  cli_fixture_set_up (&fixture);
  cli_fixture_write_aws (&fixture, "config", "[default]\nregion = eu-west-1\n");
  cli_fixture_write_aws (&fixture, "credentials",
                         "[default]\naws_access_key_id = " CLI_ACCESS_KEY "\n"
                         "aws_secret_access_key = " CLI_SECRET_KEY "\n");
  ws_fake_aws_add_environment (fixture.fake, "eu-west-1", "analytics", "AVAILABLE", "2.10.3");

  for (int i = 0; i < RUNS; i++)
    {
      gint64 start = g_get_monotonic_time ();
      g_autoptr(CliResult) result = cli_fixture_run (&fixture, "url", "analytics", NULL);

      times[i] = g_get_monotonic_time () - start;
      if (result->status != 0)
        {
          g_printerr ("windsock url failed (%d): %s", result->status, result->err);
          return 1;
        }
    }

  qsort (times, RUNS, sizeof times[0], compare_times);
  g_print ("windsock url (whole process, loopback fake): median %.1f ms, min %.1f ms, max %.1f ms over %d runs\n",
           (times[RUNS / 2 - 1] + times[RUNS / 2]) / 2000.0, times[0] / 1000.0,
           times[RUNS - 1] / 1000.0, RUNS);

  cli_fixture_tear_down (&fixture);
  return 0;
}
