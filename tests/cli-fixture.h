/* cli-fixture.h — runs the windsock binary against the in-process AWS fake
 *
 * Shared by the end-to-end tests and the whole-process benchmark: a
 * temporary HOME with AWS config files, the fake reached through
 * AWS_ENDPOINT_URL, and the binary run as a real subprocess while this
 * process's main loop serves the fake.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "ws-fake-aws.h"

G_BEGIN_DECLS

#define CLI_ACCESS_KEY "AKIDWINDSOCKTEST"
#define CLI_SECRET_KEY "windsock/secret+key/DO-NOT-LEAK"
/* An IAM Identity Center profile "sso-dev" (account 111122223333, role
 * Admin) on the sso-session "corp", for config files. */
#define CLI_SSO_PROFILE \
  "[profile sso-dev]\n" \
  "sso_session = corp\n" \
  "sso_account_id = 111122223333\n" \
  "sso_role_name = Admin\n" \
  "region = eu-west-1\n" \
  "[sso-session corp]\n" \
  "sso_start_url = https://corp.awsapps.com/start\n" \
  "sso_region = us-east-1\n"

typedef struct
{
  WsFakeAws *fake;
  char      *home;
  GStrv      environ;
} CliFixture;

typedef struct
{
  int       status;
  char     *out;
  char     *err;
  gboolean  done;
} CliResult;

void       cli_fixture_set_up       (CliFixture *fixture);
void       cli_fixture_tear_down    (CliFixture *fixture);
/* Writes HOME/.aws/NAME ("config" or "credentials"). */
void       cli_fixture_write_aws    (CliFixture *fixture,
                                     const char *name,
                                     const char *contents);
void       cli_fixture_setenv       (CliFixture *fixture,
                                     const char *variable,
                                     const char *value);
void       cli_fixture_unsetenv     (CliFixture *fixture,
                                     const char *variable);
/* Runs windsock with the NULL-terminated arguments. */
CliResult *cli_fixture_run          (CliFixture *fixture,
                                     const char *first_arg,
                                     ...) G_GNUC_NULL_TERMINATED;
void       cli_result_free          (CliResult  *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CliResult, cli_result_free)

G_END_DECLS
