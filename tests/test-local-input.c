/* test-local-input.c — `windsock` against bad local files: config files
 * that cannot be read, are huge, binary, linked or repeat their sections
 * give one clear error (or the SDKs' merge) and never a crash or a hang;
 * and no command ever writes to ~/.aws/config or ~/.aws/credentials.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include "cli-fixture.h"
#include "ws-test-browser.h"

#define CONFIG \
  "[default]\n" \
  "region = eu-west-1\n" \
  CLI_SSO_PROFILE

#define CREDENTIALS \
  "[default]\n" \
  "aws_access_key_id = " CLI_ACCESS_KEY "\n" \
  "aws_secret_access_key = " CLI_SECRET_KEY "\n"

static void
set_up (CliFixture    *fixture,
        gconstpointer  data)
{
  cli_fixture_set_up (fixture);
  cli_fixture_write_aws (fixture, "config", CONFIG);
  cli_fixture_write_aws (fixture, "credentials", CREDENTIALS);
  ws_fake_aws_add_environment (fixture->fake, "eu-west-1", "analytics", "AVAILABLE", "2.10.3");
}

static void
tear_down (CliFixture    *fixture,
           gconstpointer  data)
{
  cli_fixture_tear_down (fixture);
}

static char *
aws_path (CliFixture *fixture,
          const char *name)
{
  return g_build_filename (fixture->home, ".aws", name, NULL);
}

/* `windsock list` fails with exit status 3 ("AWS configuration needs
 * fixing"), one message naming the file and saying @why, and asks AWS
 * nothing. */
static void
assert_list_refused (CliFixture *fixture,
                     const char *path,
                     const char *why)
{
  guint requests = ws_fake_aws_count_requests (fixture->fake, NULL, "/");
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "list", NULL);
  g_auto(GStrv) lines = g_strsplit (result->err, "\n", -1);

  g_test_message ("stderr: %s", result->err);
  g_assert_cmpint (result->status, ==, 3);
  g_assert_cmpstr (result->out, ==, "");
  g_assert_nonnull (strstr (result->err, path));
  g_assert_nonnull (strstr (result->err, why));
  /* One message: a line and the final newline. */
  g_assert_cmpuint (g_strv_length (lines), ==, 2);
  g_assert_null (strstr (result->err, CLI_SECRET_KEY));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, "/"), ==, requests);
}

static void
assert_list_works (CliFixture *fixture)
{
  g_autoptr(CliResult) result = cli_fixture_run (fixture, "list", NULL);

  g_assert_cmpstr (result->err, ==, "");
  g_assert_cmpint (result->status, ==, 0);
  g_assert_nonnull (strstr (result->out, "analytics"));
}

/* Root reads a mode 000 file anyway (CI runs as root): a directory in the
 * file's place cannot be read by anyone. */
static void
test_unreadable (CliFixture    *fixture,
                 gconstpointer  data)
{
  g_autofree char *credentials = aws_path (fixture, "credentials");

  g_assert_cmpint (g_unlink (credentials), ==, 0);
  g_assert_cmpint (g_mkdir (credentials, 0700), ==, 0);
  assert_list_refused (fixture, credentials, "Is a directory");
  g_assert_cmpint (g_rmdir (credentials), ==, 0);

  cli_fixture_write_aws (fixture, "credentials", CREDENTIALS);
  g_assert_cmpint (g_chmod (credentials, 0), ==, 0);
  if (geteuid () != 0)
    assert_list_refused (fixture, credentials, "Permission denied");
  else
    assert_list_works (fixture);
}

static void
test_huge (CliFixture    *fixture,
           gconstpointer  data)
{
  g_autofree char *config = aws_path (fixture, "config");

  /* 50 MB, sparse: only the first 10 MiB are ever read. */
  g_assert_cmpint (truncate (config, 50 * 1024 * 1024), ==, 0);
  assert_list_refused (fixture, config, "larger than 10 MiB");
}

static void
test_binary (CliFixture    *fixture,
             gconstpointer  data)
{
  g_autofree char *config = aws_path (fixture, "config");
  g_autofree char *expected = g_strdup_printf ("%s, line 3", config);
  static const char nul[] = "[default]\nregion = eu-west-1\0\n";

  g_assert_true (g_file_set_contents (config, nul, sizeof nul - 1, NULL));
  assert_list_refused (fixture, config, "binary data");

  cli_fixture_write_aws (fixture, "config", "[default]\nregion = eu-west-1\n[profile \xff\xfe]\n");
  assert_list_refused (fixture, expected, "not valid UTF-8");
}

/* Followed, as by the AWS CLI; a link to nothing is said so. */
static void
test_symlinked (CliFixture    *fixture,
                gconstpointer  data)
{
  g_autofree char *config = aws_path (fixture, "config");
  g_autofree char *target = g_build_filename (fixture->home, "dotfiles-config", NULL);

  g_assert_cmpint (g_rename (config, target), ==, 0);
  g_assert_cmpint (symlink (target, config), ==, 0);
  assert_list_works (fixture);

  g_assert_cmpint (g_unlink (target), ==, 0);
  assert_list_refused (fixture, config, "symbolic link to a file that does not exist");
}

/* A FIFO nobody writes to is no config, not a hang. */
static void
test_fifo (CliFixture    *fixture,
           gconstpointer  data)
{
  g_autofree char *config = aws_path (fixture, "config");

  g_assert_cmpint (g_unlink (config), ==, 0);
  g_assert_cmpint (mkfifo (config, 0600), ==, 0);
  cli_fixture_setenv (fixture, "AWS_REGION", "eu-west-1");
  assert_list_works (fixture);
}

/* Thousands of repeated sections merge as the SDKs define. */
static void
test_duplicate_sections (CliFixture    *fixture,
                         gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(CliResult) result = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (text, "[default]\nregion = us-east-%u\n[profile default]\nregion = eu-west-1\n", i);
  cli_fixture_write_aws (fixture, "config", text->str);
  result = cli_fixture_run (fixture, "list", "--json", NULL);

  g_assert_cmpstr (result->err, ==, "");
  g_assert_cmpint (result->status, ==, 0);
  g_assert_nonnull (strstr (result->out, "\"Region\" : \"eu-west-1\""));
}

typedef struct
{
  char    *contents;
  GStatBuf st;
} Snapshot;

static void
snapshot (const char *path,
          Snapshot   *snap)
{
  g_assert_true (g_file_get_contents (path, &snap->contents, NULL, NULL));
  g_assert_cmpint (g_stat (path, &snap->st), ==, 0);
}

static void
assert_unchanged (const char *path,
                  Snapshot   *before)
{
  Snapshot after;

  snapshot (path, &after);
  g_assert_cmpstr (after.contents, ==, before->contents);
  /* Not rewritten in place nor replaced by a copy. */
  g_assert_cmpint (after.st.st_mtim.tv_sec, ==, before->st.st_mtim.tv_sec);
  g_assert_cmpint (after.st.st_mtim.tv_nsec, ==, before->st.st_mtim.tv_nsec);
  g_assert_cmpuint (after.st.st_ino, ==, before->st.st_ino);
  g_assert_cmpuint (after.st.st_mode, ==, before->st.st_mode);
  g_free (after.contents);
  g_free (before->contents);
}

static void
push_device_login (CliFixture *fixture)
{
  ws_fake_aws_push_response (fixture->fake, "POST", "/client/register", 200, NULL, "application/json",
                             "{\"clientId\":\"cid\",\"clientSecret\":\"csecret\","
                             "\"clientIdIssuedAt\":1700000000,\"clientSecretExpiresAt\":4102444800}");
  ws_fake_aws_push_response (fixture->fake, "POST", "/device_authorization", 200, NULL, "application/json",
                             "{\"deviceCode\":\"dc\",\"userCode\":\"ABCD-EFGH\","
                             "\"verificationUri\":\"https://device.sso.us-east-1.amazonaws.com/\","
                             "\"verificationUriComplete\":\"https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH\","
                             "\"expiresIn\":600,\"interval\":1}");
  ws_fake_aws_push_response (fixture->fake, "POST", "/token", 200, NULL, "application/json",
                             "{\"accessToken\":\"sso-access-token\",\"tokenType\":\"Bearer\","
                             "\"expiresIn\":28800,\"refreshToken\":\"sso-refresh-token\"}");
  ws_fake_aws_push_response (fixture->fake, "GET", "/federation/credentials", 200, NULL, "application/json",
                             "{\"roleCredentials\":{\"accessKeyId\":\"ASIASSOROLE\","
                             "\"secretAccessKey\":\"sso/role/secret\",\"sessionToken\":\"sso-session-token\","
                             "\"expiration\":4102444800000}}");
}

/* Every command, the SSO sign-in included, leaves both files alone. */
static void
test_never_writes (CliFixture    *fixture,
                   gconstpointer  data)
{
  static const char * const commands[][4] = {
    { "list", NULL },
    { "list", "--json", NULL },
    { "url", "analytics", NULL },
    { "open", "analytics", NULL },
    { "login", "--use-device-code", "--no-browser", "sso-dev" },
    { "url", "--profile", "sso-dev", "analytics" },
    { "autostart", "on", NULL },
    { "autostart", "status", NULL },
    { "autostart", "off", NULL },
  };
  g_autofree char *config = aws_path (fixture, "config");
  g_autofree char *credentials = aws_path (fixture, "credentials");
  g_autofree char *record = ws_test_install_recording_browser (fixture->home, "recorder");
  g_autofree char *opened = NULL;
  Snapshot config_before, credentials_before;

  ws_fake_aws_add_credentials (fixture->fake, "ASIASSOROLE", "sso/role/secret", "sso-session-token");
  push_device_login (fixture);
  /* Old enough that a rewrite within the same clock tick would show. */
  g_assert_cmpint (g_utime (config, &(struct utimbuf) { 1000000000, 1000000000 }), ==, 0);
  g_assert_cmpint (g_utime (credentials, &(struct utimbuf) { 1000000000, 1000000000 }), ==, 0);
  snapshot (config, &config_before);
  snapshot (credentials, &credentials_before);

  for (gsize i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(CliResult) result = cli_fixture_run (fixture, commands[i][0], commands[i][1],
                                                     commands[i][2], commands[i][3], NULL);

      g_test_message ("windsock %s %s: %d %s", commands[i][0],
                      commands[i][1] != NULL ? commands[i][1] : "", result->status, result->err);
      g_assert_cmpint (result->status, ==, 0);
    }
  opened = ws_test_wait_for_file (record);
  g_assert_nonnull (opened);

  assert_unchanged (config, &config_before);
  assert_unchanged (credentials, &credentials_before);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/local-input/" path, CliFixture, NULL, set_up, func, tear_down)
  ADD ("unreadable", test_unreadable);
  ADD ("huge", test_huge);
  ADD ("binary", test_binary);
  ADD ("symlinked", test_symlinked);
  ADD ("fifo", test_fifo);
  ADD ("duplicate-sections", test_duplicate_sections);
  ADD ("never-writes", test_never_writes);
#undef ADD

  return g_test_run ();
}
