/* test-environment.c — WsEnvironment: statuses, the cache form, refs and
 * change notification
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-aws-error.h"
#include "ws-environment.h"

#define ARN "arn:aws:airflow:eu-west-1:123456789012:environment/prod"

static WsEnvironment *
new_full (void)
{
  WsMwaaEnvironment mwaa = {
    .name = "prod",
    .arn = ARN,
    .status = "AVAILABLE",
    .airflow_version = "2.10.3",
    .webserver_hostname = "abc.eu-west-1.airflow.amazonaws.com",
    .access_mode = "PUBLIC_ONLY",
    .last_error = "Worker failed",
  };

  return ws_environment_new_from_mwaa ("work", "eu-west-1", &mwaa);
}

static void
test_status_table (void)
{
  const char *usable[] = { "AVAILABLE", "UPDATING", "UPDATE_FAILED", "MAINTENANCE", "ROLLING_BACK",
                           "CREATING_SNAPSHOT", "SOMETHING_NEW", NULL };
  const char *unusable[] = { "CREATING", "CREATE_FAILED", "DELETING", "DELETED", "UNAVAILABLE", "PENDING" };

  for (guint i = 0; i < G_N_ELEMENTS (usable); i++)
    {
      g_autofree char *reason = NULL;

      g_assert_true (ws_environment_status_is_usable (usable[i], &reason));
      g_assert_null (reason);
    }

  for (guint i = 0; i < G_N_ELEMENTS (unusable); i++)
    {
      g_autofree char *reason = NULL;

      g_assert_false (ws_environment_status_is_usable (unusable[i], &reason));
      g_assert_nonnull (reason);
      g_assert_cmpstr (reason, !=, "");
      /* No reason wanted is fine too. */
      g_assert_false (ws_environment_status_is_usable (unusable[i], NULL));
    }
}

static void
test_status_labels (void)
{
  g_assert_cmpstr (ws_environment_status_to_label ("AVAILABLE"), ==, "Available");
  g_assert_cmpstr (ws_environment_status_to_label ("CREATE_FAILED"), ==, "Creation failed");
  g_assert_cmpstr (ws_environment_status_to_label ("SOMETHING_NEW"), ==, "SOMETHING_NEW");
  g_assert_cmpstr (ws_environment_status_to_label (NULL), ==, "Unknown");
}

static void
test_fields (void)
{
  g_autoptr(WsEnvironment) env = new_full ();
  g_autoptr(WsEnvironment) bare = ws_environment_new ("p", "us-east-1", "dev");
  g_autofree char *profile = NULL;

  g_assert_cmpstr (ws_environment_get_profile (env), ==, "work");
  g_assert_cmpstr (ws_environment_get_region (env), ==, "eu-west-1");
  g_assert_cmpstr (ws_environment_get_name (env), ==, "prod");
  g_assert_cmpstr (ws_environment_get_arn (env), ==, ARN);
  g_assert_cmpstr (ws_environment_get_account_id (env), ==, "123456789012");
  g_assert_cmpstr (ws_environment_get_status (env), ==, "AVAILABLE");
  g_assert_cmpstr (ws_environment_get_airflow_version (env), ==, "2.10.3");
  g_assert_cmpstr (ws_environment_get_webserver_hostname (env), ==, "abc.eu-west-1.airflow.amazonaws.com");
  g_assert_cmpstr (ws_environment_get_access_mode (env), ==, "PUBLIC_ONLY");
  g_assert_cmpstr (ws_environment_get_last_error (env), ==, "Worker failed");
  g_assert_false (ws_environment_get_pinned (env));
  g_assert_null (ws_environment_get_problem (env));

  g_object_get (env, "profile", &profile, NULL);
  g_assert_cmpstr (profile, ==, "work");

  g_assert_null (ws_environment_get_arn (bare));
  g_assert_null (ws_environment_get_account_id (bare));
  g_assert_null (ws_environment_get_status (bare));
  /* Unknown status: usable. */
  g_assert_true (ws_environment_is_usable (bare, NULL));
}

static void
test_ref (void)
{
  g_autoptr(WsEnvironment) env = new_full ();
  g_autofree char *ref = ws_environment_dup_ref (env);
  g_autofree char *profile = NULL, *region = NULL, *name = NULL;

  g_assert_cmpstr (ref, ==, "work/eu-west-1/prod");
  g_assert_true (ws_mwaa_parse_environment_ref (ref, &profile, &region, &name, NULL));
  g_assert_cmpstr (profile, ==, "work");
  g_assert_cmpstr (region, ==, "eu-west-1");
  g_assert_cmpstr (name, ==, "prod");
}

static void
test_json_round_trip (void)
{
  g_autoptr(WsEnvironment) env = new_full ();
  g_autoptr(WsEnvironment) copy = NULL;
  g_autoptr(JsonObject) object = NULL;
  g_autoptr(GError) error = NULL;

  ws_environment_set_pinned (env, TRUE);
  ws_environment_set_problem (env, "Not now");
  object = ws_environment_to_json (env);
  /* The problem is not persistent. */
  g_assert_false (json_object_has_member (object, "problem"));
  g_assert_cmpstr (json_object_get_string_member (object, "airflow_version"), ==, "2.10.3");

  copy = ws_environment_new_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_nonnull (copy);
  g_assert_cmpstr (ws_environment_get_profile (copy), ==, "work");
  g_assert_cmpstr (ws_environment_get_region (copy), ==, "eu-west-1");
  g_assert_cmpstr (ws_environment_get_name (copy), ==, "prod");
  g_assert_cmpstr (ws_environment_get_arn (copy), ==, ARN);
  g_assert_cmpstr (ws_environment_get_account_id (copy), ==, "123456789012");
  g_assert_cmpstr (ws_environment_get_status (copy), ==, "AVAILABLE");
  g_assert_cmpstr (ws_environment_get_webserver_hostname (copy), ==, "abc.eu-west-1.airflow.amazonaws.com");
  g_assert_cmpstr (ws_environment_get_access_mode (copy), ==, "PUBLIC_ONLY");
  g_assert_cmpstr (ws_environment_get_last_error (copy), ==, "Worker failed");
  g_assert_true (ws_environment_get_pinned (copy));
  g_assert_null (ws_environment_get_problem (copy));
}

static void
test_json_minimal (void)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autoptr(WsEnvironment) env = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_string_member (object, "profile", "p");
  json_object_set_string_member (object, "region", "us-east-1");
  json_object_set_string_member (object, "name", "dev");
  /* Wrong types are read as absent. */
  json_object_set_int_member (object, "status", 3);
  json_object_set_string_member (object, "pinned", "yes");

  env = ws_environment_new_from_json (object, &error);
  g_assert_no_error (error);
  g_assert_null (ws_environment_get_status (env));
  g_assert_false (ws_environment_get_pinned (env));
}

static void
test_json_rejects (void)
{
  const struct { const char *profile, *region, *name, *host; } cases[] = {
    { NULL, "us-east-1", "dev", NULL },
    { "", "us-east-1", "dev", NULL },
    { "a/b", "us-east-1", "dev", NULL },
    { "p", NULL, "dev", NULL },
    { "p", "us east 1", "dev", NULL },
    { "p", "us-east-1", NULL, NULL },
    { "p", "us-east-1", "1dev", NULL },
    { "p", "us-east-1", "dev/../x", NULL },
    { "p", "us-east-1", "dev", "evil.example/path?x" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) object = json_object_new ();
      g_autoptr(GError) error = NULL;
      WsEnvironment *env;

      if (cases[i].profile != NULL)
        json_object_set_string_member (object, "profile", cases[i].profile);
      if (cases[i].region != NULL)
        json_object_set_string_member (object, "region", cases[i].region);
      if (cases[i].name != NULL)
        json_object_set_string_member (object, "name", cases[i].name);
      if (cases[i].host != NULL)
        json_object_set_string_member (object, "webserver_hostname", cases[i].host);

      env = ws_environment_new_from_json (object, &error);
      g_assert_null (env);
      g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
    }
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              GPtrArray  *names)
{
  g_ptr_array_add (names, g_strdup (pspec->name));
}

static void
test_update_notify (void)
{
  g_autoptr(WsEnvironment) env = new_full ();
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  WsMwaaEnvironment same = {
    .name = "prod", .arn = ARN, .status = "AVAILABLE", .airflow_version = "2.10.3",
    .webserver_hostname = "abc.eu-west-1.airflow.amazonaws.com", .access_mode = "PUBLIC_ONLY",
    .last_error = "Worker failed",
  };
  WsMwaaEnvironment updating = same;

  g_signal_connect (env, "notify", G_CALLBACK (count_notify), names);

  ws_environment_update_from_mwaa (env, &same);
  g_assert_cmpuint (names->len, ==, 0);

  updating.status = "UPDATING";
  updating.last_error = NULL;
  ws_environment_update_from_mwaa (env, &updating);
  g_assert_cmpuint (names->len, ==, 2);
  g_assert_true (g_ptr_array_find_with_equal_func (names, "status", g_str_equal, NULL));
  g_assert_true (g_ptr_array_find_with_equal_func (names, "last-error", g_str_equal, NULL));
  g_assert_cmpstr (ws_environment_get_status (env), ==, "UPDATING");

  /* A failed GetEnvironment keeps the ARN. */
  g_ptr_array_set_size (names, 0);
  updating.arn = NULL;
  ws_environment_update_from_mwaa (env, &updating);
  g_assert_cmpuint (names->len, ==, 0);
  g_assert_cmpstr (ws_environment_get_arn (env), ==, ARN);

  ws_environment_set_problem (env, "MFA code needed");
  ws_environment_set_problem (env, "MFA code needed");
  ws_environment_set_pinned (env, TRUE);
  ws_environment_set_pinned (env, TRUE);
  g_assert_cmpuint (names->len, ==, 2);
}

static void
test_usable_with_problem (void)
{
  g_autoptr(WsEnvironment) env = new_full ();
  g_autofree char *reason = NULL;
  WsMwaaEnvironment deleting = { .name = "prod", .status = "DELETING" };

  g_assert_true (ws_environment_is_usable (env, NULL));
  ws_environment_set_problem (env, "No permission to list environments");
  g_assert_false (ws_environment_is_usable (env, &reason));
  g_assert_cmpstr (reason, ==, "No permission to list environments");

  ws_environment_set_problem (env, NULL);
  ws_environment_update_from_mwaa (env, &deleting);
  g_assert_false (ws_environment_is_usable (env, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/environment/status-table", test_status_table);
  g_test_add_func ("/environment/status-labels", test_status_labels);
  g_test_add_func ("/environment/fields", test_fields);
  g_test_add_func ("/environment/ref", test_ref);
  g_test_add_func ("/environment/json-round-trip", test_json_round_trip);
  g_test_add_func ("/environment/json-minimal", test_json_minimal);
  g_test_add_func ("/environment/json-rejects", test_json_rejects);
  g_test_add_func ("/environment/update-notify", test_update_notify);
  g_test_add_func ("/environment/usable-with-problem", test_usable_with_problem);

  return g_test_run ();
}
