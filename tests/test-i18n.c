/* test-i18n.c — the windsock binary speaks German from the build tree's
 * po/de/LC_MESSAGES/windsock.mo
 *
 * LANGUAGE picks the translation; glibc honours it for any locale but
 * the one named exactly "C", so the C.UTF-8 every Debian system has is
 * enough. WINDSOCK_LOCALEDIR points the binary at the build tree's
 * catalogues (WS_TEST_LOCALEDIR).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "cli-fixture.h"

static void
set_up (CliFixture    *fixture,
        gconstpointer  data)
{
  const char *language = data;

  cli_fixture_set_up (fixture);
  cli_fixture_write_aws (fixture, "config", "[default]\nregion = eu-west-1\n");
  cli_fixture_write_aws (fixture, "credentials",
                         "[default]\n"
                         "aws_access_key_id = " CLI_ACCESS_KEY "\n"
                         "aws_secret_access_key = " CLI_SECRET_KEY "\n");
  cli_fixture_setenv (fixture, "WINDSOCK_LOCALEDIR", WS_TEST_LOCALEDIR);
  if (language != NULL)
    cli_fixture_setenv (fixture, "LANGUAGE", language);
}

static void
tear_down (CliFixture    *fixture,
           gconstpointer  data)
{
  cli_fixture_tear_down (fixture);
}

static void
assert_contains (const char *text,
                 const char *expected)
{
  if (strstr (text, expected) == NULL)
    g_error ("“%s” not found in:\n%s", expected, text);
}

static void
test_help (CliFixture    *fixture,
           gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "--help", NULL);

  g_assert_cmpint (result->status, ==, 0);
  assert_contains (result->out, "Aufruf:\n  windsock\n  windsock BEFEHL [OPTION …]");
  assert_contains (result->out, "Befehle:");
  assert_contains (result->out, "Die Airflow-Oberfläche von UMGEBUNG angemeldet im Webbrowser öffnen");
  assert_contains (result->out, "Rückgabewerte:");
  g_assert_null (strstr (result->out, "Usage:"));
}

/* GOption's own words come from GLib's translation, ours from windsock's. */
static void
test_command_help (CliFixture    *fixture,
                   gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "list", "--help", NULL);

  g_assert_cmpint (result->status, ==, 0);
  assert_contains (result->out, "Die MWAA-Umgebungen eines Profils und einer Region auflisten");
  assert_contains (result->out, "--region=REGION");
  assert_contains (result->out, "Diese AWS-Region verwenden");
  assert_contains (result->out, "JSON statt einer Tabelle ausgeben");
}

/* An error built in the AWS layer (libwsaws) reaches the terminal in German. */
static void
test_unknown_environment (CliFixture    *fixture,
                          gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "url", "missing", NULL);

  g_assert_cmpint (result->status, ==, 6);
  g_assert_cmpstr (result->out, ==, "");
  assert_contains (result->err, "Es gibt keine Umgebung missing in eu-west-1 für das Profil default.");
  assert_contains (result->err, "»windsock list«");
}

static void
test_unknown_command (CliFixture    *fixture,
                      gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "frobnicate", NULL);

  g_assert_cmpint (result->status, ==, 2);
  assert_contains (result->err, "windsock: Unbekannter Befehl »frobnicate«.");
}

/* Without LANGUAGE the same binary speaks English: the German above came
 * from the catalogue, not from the program. */
static void
test_english_without_language (CliFixture    *fixture,
                               gconstpointer  data)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "url", "missing", NULL);

  g_assert_cmpint (result->status, ==, 6);
  assert_contains (result->err, "There is no environment missing in eu-west-1 for profile default.");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, language, func) \
  g_test_add (path, CliFixture, language, set_up, func, tear_down)
  ADD ("/i18n/cli/help", "de", test_help);
  ADD ("/i18n/cli/command-help", "de", test_command_help);
  ADD ("/i18n/cli/unknown-environment", "de", test_unknown_environment);
  ADD ("/i18n/cli/unknown-command", "de", test_unknown_command);
  ADD ("/i18n/cli/english-without-language", NULL, test_english_without_language);
#undef ADD

  return g_test_run ();
}
