/* test-catalog.c — WsCatalog and WsAwsContext against the fake AWS
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "ws-aws-error.h"
#include "ws-catalog.h"
#include "ws-fake-aws.h"
#include "ws-test-util.h"

#define SCHEMA_ID  "io.github.windsock.Windsock"
#define WAIT_LIMIT (30 * G_USEC_PER_SEC)

/* A GNetworkMonitor the test switches on and off */

#define TEST_TYPE_NETWORK_MONITOR (test_network_monitor_get_type ())
G_DECLARE_FINAL_TYPE (TestNetworkMonitor, test_network_monitor, TEST, NETWORK_MONITOR, GObject)

struct _TestNetworkMonitor
{
  GObject  parent_instance;
  gboolean available;
};

enum
{
  NM_PROP_0,
  NM_PROP_AVAILABLE,
  NM_PROP_METERED,
  NM_PROP_CONNECTIVITY,
};

static void test_network_monitor_iface_init (GNetworkMonitorInterface *iface);

static gboolean
test_network_monitor_initable_init (GInitable     *initable,
                                    GCancellable  *cancellable,
                                    GError       **error)
{
  return TRUE;
}

static void
test_network_monitor_initable_iface_init (GInitableIface *iface)
{
  iface->init = test_network_monitor_initable_init;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestNetworkMonitor, test_network_monitor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, test_network_monitor_initable_iface_init)
                               G_IMPLEMENT_INTERFACE (G_TYPE_NETWORK_MONITOR, test_network_monitor_iface_init))

static void
test_network_monitor_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  TestNetworkMonitor *self = TEST_NETWORK_MONITOR (object);

  switch (prop_id)
    {
    case NM_PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;
    case NM_PROP_METERED:
      g_value_set_boolean (value, FALSE);
      break;
    case NM_PROP_CONNECTIVITY:
      g_value_set_enum (value, self->available ? G_NETWORK_CONNECTIVITY_FULL : G_NETWORK_CONNECTIVITY_LOCAL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
test_network_monitor_class_init (TestNetworkMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = test_network_monitor_get_property;
  g_object_class_override_property (object_class, NM_PROP_AVAILABLE, "network-available");
  g_object_class_override_property (object_class, NM_PROP_METERED, "network-metered");
  g_object_class_override_property (object_class, NM_PROP_CONNECTIVITY, "connectivity");
}

static void
test_network_monitor_iface_init (GNetworkMonitorInterface *iface)
{
}

static void
test_network_monitor_init (TestNetworkMonitor *self)
{
}

static void
test_network_monitor_set_available (TestNetworkMonitor *self,
                                    gboolean            available)
{
  self->available = available;
  g_object_notify (G_OBJECT (self), "network-available");
  g_signal_emit_by_name (self, "network-changed", available);
}

/* Fixture */

typedef struct
{
  char          *home;
  char          *config_path;
  char          *credentials_path;
  char          *cache_path;
  char         **envp;
  WsFakeAws     *fake;
  WsAwsClient   *client;
  GSettings     *settings;
  WsAwsContext  *context;
  WsCatalog     *catalog;
  guint          mfa_prompts;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autofree char *aws_dir = NULL;

  fixture->home = ws_test_isolate ("test-catalog");
  aws_dir = g_build_filename (fixture->home, ".aws", NULL);
  g_assert_cmpint (g_mkdir (aws_dir, 0700), ==, 0);
  fixture->config_path = g_build_filename (aws_dir, "config", NULL);
  fixture->credentials_path = g_build_filename (aws_dir, "credentials", NULL);
  fixture->cache_path = g_build_filename (fixture->home, "cache", "windsock", "catalog.json", NULL);

  fixture->fake = ws_fake_aws_new ();
  fixture->client = ws_aws_client_new ();
  fixture->settings = g_settings_new_with_backend (SCHEMA_ID, backend);

  fixture->envp = g_environ_setenv (NULL, "HOME", fixture->home, TRUE);
  fixture->envp = g_environ_setenv (fixture->envp, "PATH", "/usr/bin:/bin", TRUE);
  fixture->envp = g_environ_setenv (fixture->envp, "AWS_ENDPOINT_URL", ws_fake_aws_get_url (fixture->fake), TRUE);
  fixture->envp = g_environ_setenv (fixture->envp, "AWS_DISABLE_HOST_PREFIX_INJECTION", "true", TRUE);
  fixture->envp = g_environ_setenv (fixture->envp, "AWS_CONFIG_FILE", fixture->config_path, TRUE);
  fixture->envp = g_environ_setenv (fixture->envp, "AWS_SHARED_CREDENTIALS_FILE", fixture->credentials_path, TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_object (&fixture->catalog);
  g_clear_object (&fixture->context);
  g_clear_object (&fixture->settings);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->fake);
  /* Lets cancelled requests, cache writes and closed connections end. */
  for (int i = 0; i < 50; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
  ws_test_remove_tree (fixture->home);
  g_clear_pointer (&fixture->envp, g_strfreev);
  g_free (fixture->home);
  g_free (fixture->config_path);
  g_free (fixture->credentials_path);
  g_free (fixture->cache_path);
}

static char *
profile_key (const char *profile)
{
  return g_strdup_printf ("AKID%s", profile);
}

/* A profile with static keys the fake knows, in its own account. */
static void
add_static_profile (Fixture    *fixture,
                    GString    *config,
                    GString    *credentials,
                    const char *profile,
                    const char *region,
                    const char *account)
{
  g_autofree char *key = profile_key (profile);
  g_autofree char *secret = g_strdup_printf ("secret-%s", profile);

  if (g_str_equal (profile, "default"))
    g_string_append (config, "[default]\n");
  else
    g_string_append_printf (config, "[profile %s]\n", profile);
  if (region != NULL)
    g_string_append_printf (config, "region = %s\n", region);
  g_string_append_printf (credentials, "[%s]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
                          profile, key, secret);
  ws_fake_aws_add_credentials (fixture->fake, key, secret, NULL);
  if (account != NULL)
    ws_fake_aws_set_account (fixture->fake, key, account);
}

static void
write_config (Fixture *fixture,
              GString *config,
              GString *credentials)
{
  ws_test_write_file (fixture->config_path, config->str, -1, 0600);
  ws_test_write_file (fixture->credentials_path, credentials->str, -1, 0600);
}

static void
make_catalog (Fixture *fixture)
{
  fixture->context = ws_aws_context_new (fixture->client, (const char * const *) fixture->envp);
  fixture->catalog = ws_catalog_new (fixture->context, fixture->settings, fixture->cache_path);
}

#define WAIT_FOR(cond) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + WAIT_LIMIT; \
    while (!(cond)) \
      { \
        g_assert_cmpint (g_get_monotonic_time (), <, deadline_); \
        g_main_context_iteration (NULL, TRUE); \
      } \
  } G_STMT_END

static void
refresh_and_wait (WsCatalog *catalog)
{
  ws_catalog_refresh (catalog);
  WAIT_FOR (!ws_catalog_get_refreshing (catalog));
}

static WsEnvironment *
item (WsCatalog *catalog,
      guint      position)
{
  /* The catalog keeps a reference: borrowed is fine for the test. */
  WsEnvironment *env = g_list_model_get_item (G_LIST_MODEL (catalog), position);

  g_object_unref (env);
  return env;
}

static char *
item_ref (WsCatalog *catalog,
          guint      position)
{
  return ws_environment_dup_ref (item (catalog, position));
}

static guint
n_items (WsCatalog *catalog)
{
  return g_list_model_get_n_items (G_LIST_MODEL (catalog));
}

static WsEnvironment *
lookup (WsCatalog  *catalog,
        const char *ref)
{
  g_autoptr(GError) error = NULL;
  WsEnvironment *env = ws_catalog_lookup (catalog, ref, &error);

  g_assert_no_error (error);
  g_object_unref (env);
  return env;
}

static gboolean
has_ref (WsCatalog  *catalog,
         const char *ref)
{
  for (guint i = 0; i < n_items (catalog); i++)
    {
      g_autofree char *r = item_ref (catalog, i);

      if (g_str_equal (r, ref))
        return TRUE;
    }
  return FALSE;
}

static const GError *
profile_error (WsCatalog  *catalog,
               const char *name)
{
  const WsCatalogProfile *profile = ws_catalog_get_profile (catalog, name);

  g_assert_nonnull (profile);
  return profile->error;
}

/* Two profiles, p1 and p2, each in its own account with two environments
 * in eu-west-1. */
static void
set_up_two_profiles (Fixture *fixture)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GString) credentials = g_string_new (NULL);

  add_static_profile (fixture, config, credentials, "p1", "eu-west-1", "111111111111");
  add_static_profile (fixture, config, credentials, "p2", "eu-west-1", "222222222222");
  write_config (fixture, config, credentials);
  ws_fake_aws_add_environment_in_account (fixture->fake, "111111111111", "eu-west-1", "alpha", "AVAILABLE", "2.10.3");
  ws_fake_aws_add_environment_in_account (fixture->fake, "111111111111", "eu-west-1", "beta", "UPDATING", "3.0.6");
  ws_fake_aws_add_environment_in_account (fixture->fake, "222222222222", "eu-west-1", "gamma", "AVAILABLE", "2.10.3");
  ws_fake_aws_add_environment_in_account (fixture->fake, "222222222222", "eu-west-1", "delta", "CREATING", "2.10.3");
}

static void
on_notify_status (GObject    *object,
                  GParamSpec *pspec,
                  guint      *count)
{
  (*count)++;
}

/* Discovery */

static void
test_discovery_parallel (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GString) credentials = g_string_new (NULL);
  const char *extra[] = { "us-east-1", "ap-southeast-2", NULL };
  const char *regions[] = { "ap-southeast-2", "eu-west-1", "us-east-1" };
  guint max_in_flight;

  /* The default profile is listed last in the file but scanned first. */
  for (guint p = 1; p <= 12; p++)
    {
      g_autofree char *name = g_strdup_printf ("p%02u", p);
      g_autofree char *account = g_strdup_printf ("1000000000%02u", p);

      add_static_profile (fixture, config, credentials, p == 12 ? "default" : name, "eu-west-1", account);
      for (guint r = 0; r < G_N_ELEMENTS (regions); r++)
        {
          g_autofree char *env = g_strdup_printf ("env-%02u", p);

          ws_fake_aws_add_environment_in_account (fixture->fake, account, regions[r], env, "AVAILABLE", "2.10.3");
        }
    }
  write_config (fixture, config, credentials);
  g_settings_set_strv (fixture->settings, "extra-regions", extra);
  ws_fake_aws_set_delay (fixture->fake, 20);

  make_catalog (fixture);
  ws_catalog_set_max_parallel (fixture->catalog, 4);
  g_assert_cmpuint (n_items (fixture->catalog), ==, 0);
  refresh_and_wait (fixture->catalog);

  g_assert_cmpuint (n_items (fixture->catalog), ==, 36);
  g_assert_cmpuint (ws_catalog_get_profiles (fixture->catalog)->len, ==, 12);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/environments"), ==, 36 * 2);
  max_in_flight = ws_fake_aws_get_max_in_flight (fixture->fake);
  g_assert_cmpuint (max_in_flight, <=, 4);
  g_assert_cmpuint (max_in_flight, >=, 2);

  /* Sorted: default first, then config order; region; name. */
  {
    g_autofree char *first = item_ref (fixture->catalog, 0);
    g_autofree char *third = item_ref (fixture->catalog, 2);
    g_autofree char *fourth = item_ref (fixture->catalog, 3);
    g_autofree char *last = item_ref (fixture->catalog, 35);

    g_assert_cmpstr (first, ==, "default/ap-southeast-2/env-12");
    g_assert_cmpstr (third, ==, "default/us-east-1/env-12");
    g_assert_cmpstr (fourth, ==, "p01/ap-southeast-2/env-01");
    g_assert_cmpstr (last, ==, "p11/us-east-1/env-11");
  }
  g_assert_cmpstr (((WsCatalogProfile *) g_ptr_array_index (ws_catalog_get_profiles (fixture->catalog), 0))->name,
                   ==, "default");
  g_assert_cmpint (ws_catalog_get_last_refresh (fixture->catalog), >, 0);
  g_assert_cmpstr (ws_environment_get_account_id (lookup (fixture->catalog, "p03/us-east-1/env-03")),
                   ==, "100000000003");
}

static void
mfa_prompt_never (const char *profile,
                  const char *mfa_serial,
                  GTask      *reply,
                  gpointer    user_data)
{
  Fixture *fixture = user_data;

  fixture->mfa_prompts++;
  g_task_return_new_error (reply, G_IO_ERROR, G_IO_ERROR_CANCELLED, "no");
}

static void
test_partial_failures (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GString) credentials = g_string_new (NULL);
  g_autofree char *denied_key = profile_key ("denied");
  const GError *error;

  add_static_profile (fixture, config, credentials, "good", "eu-west-1", NULL);
  add_static_profile (fixture, config, credentials, "denied", "eu-west-1", NULL);
  g_string_append (config,
                   "[profile sso]\n"
                   "sso_session = corp\n"
                   "sso_account_id = 123456789012\n"
                   "sso_role_name = ReadOnly\n"
                   "region = eu-west-1\n"
                   "[sso-session corp]\n"
                   "sso_start_url = https://corp.awsapps.com/start\n"
                   "sso_region = us-east-1\n"
                   "[profile mfa]\n"
                   "role_arn = arn:aws:iam::123456789012:role/Admin\n"
                   "source_profile = good\n"
                   "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
                   "region = eu-west-1\n");
  write_config (fixture, config, credentials);
  ws_fake_aws_deny (fixture->fake, denied_key);
  ws_fake_aws_add_environment (fixture->fake, "eu-west-1", "shared", "AVAILABLE", "2.10.3");

  make_catalog (fixture);
  ws_aws_context_set_mfa_prompt (fixture->context, mfa_prompt_never, fixture, NULL);
  refresh_and_wait (fixture->catalog);

  g_assert_cmpuint (n_items (fixture->catalog), ==, 1);
  g_assert_true (has_ref (fixture->catalog, "good/eu-west-1/shared"));
  g_assert_null (profile_error (fixture->catalog, "good"));

  error = profile_error (fixture->catalog, "denied");
  g_assert_error ((GError *) error, WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED);
  error = profile_error (fixture->catalog, "sso");
  g_assert_error ((GError *) error, WS_AWS_ERROR, WS_AWS_ERROR_SSO_LOGIN_REQUIRED);
  g_assert_true (ws_catalog_get_profile (fixture->catalog, "sso")->uses_sso);
  g_assert_false (ws_catalog_get_profile (fixture->catalog, "good")->uses_sso);
  error = profile_error (fixture->catalog, "mfa");
  g_assert_error ((GError *) error, WS_AWS_ERROR, WS_AWS_ERROR_MFA_REQUIRED);

  /* Nobody was asked for a code, and no role was assumed. */
  g_assert_cmpuint (fixture->mfa_prompts, ==, 0);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "POST", "/"), ==, 0);
}

static void
test_failure_keeps_rows (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *p2_key = profile_key ("p2");
  WsEnvironment *gamma;

  set_up_two_profiles (fixture);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);
  g_assert_cmpuint (n_items (fixture->catalog), ==, 4);
  gamma = lookup (fixture->catalog, "p2/eu-west-1/gamma");
  g_assert_null (ws_environment_get_problem (gamma));

  ws_fake_aws_deny (fixture->fake, p2_key);
  refresh_and_wait (fixture->catalog);

  g_assert_cmpuint (n_items (fixture->catalog), ==, 4);
  g_assert_true (lookup (fixture->catalog, "p2/eu-west-1/gamma") == gamma);
  g_assert_cmpstr (ws_environment_get_problem (gamma), ==, "No permission to list environments");
  g_assert_false (ws_environment_is_usable (gamma, NULL));
  g_assert_null (ws_environment_get_problem (lookup (fixture->catalog, "p1/eu-west-1/alpha")));
  g_assert_error ((GError *) profile_error (fixture->catalog, "p2"), WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED);
}

static void
test_mfa_rows_kept (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GString) credentials = g_string_new (NULL);

  g_autofree char *dir = g_path_get_dirname (fixture->cache_path);

  /* A cache from a time the profile was signed in. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  add_static_profile (fixture, config, credentials, "base", "eu-west-1", NULL);
  g_string_append (config,
                   "[profile mfa]\n"
                   "role_arn = arn:aws:iam::123456789012:role/Admin\n"
                   "source_profile = base\n"
                   "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
                   "region = eu-west-1\n");
  write_config (fixture, config, credentials);
  ws_test_write_file (fixture->cache_path,
                      "{\"version\":1,\"updated\":1000,\"environments\":["
                      "{\"profile\":\"mfa\",\"region\":\"eu-west-1\",\"name\":\"secure\",\"status\":\"AVAILABLE\"}],"
                      "\"profiles\":[{\"name\":\"mfa\",\"uses_sso\":false}]}", -1, 0600);

  make_catalog (fixture);
  g_assert_cmpuint (n_items (fixture->catalog), ==, 1);
  refresh_and_wait (fixture->catalog);

  g_assert_cmpuint (n_items (fixture->catalog), ==, 1);
  g_assert_cmpstr (ws_environment_get_problem (item (fixture->catalog, 0)), ==,
                   "MFA code needed — open an environment to enter it");
  g_assert_error ((GError *) profile_error (fixture->catalog, "mfa"), WS_AWS_ERROR, WS_AWS_ERROR_MFA_REQUIRED);
}

static void
test_no_region (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GString) credentials = g_string_new (NULL);

  add_static_profile (fixture, config, credentials, "nowhere", NULL, NULL);
  write_config (fixture, config, credentials);
  ws_fake_aws_add_environment (fixture->fake, "sa-east-1", "far", "AVAILABLE", "2.10.3");

  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);
  g_assert_cmpuint (n_items (fixture->catalog), ==, 0);
  g_assert_error ((GError *) profile_error (fixture->catalog, "nowhere"), WS_AWS_ERROR, WS_AWS_ERROR_NO_REGION);
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, NULL, NULL), ==, 0);

  /* The environment's region stands in for the profile's. */
  g_clear_object (&fixture->catalog);
  g_clear_object (&fixture->context);
  fixture->envp = g_environ_setenv (fixture->envp, "AWS_DEFAULT_REGION", "sa-east-1", TRUE);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);
  g_assert_true (has_ref (fixture->catalog, "nowhere/sa-east-1/far"));
  g_assert_null (profile_error (fixture->catalog, "nowhere"));
}

static void
test_settings_profiles (Fixture       *fixture,
                        gconstpointer  data)
{
  const char *chosen[] = { "p2", "p1", NULL };
  GPtrArray *profiles;

  set_up_two_profiles (fixture);
  g_settings_set_strv (fixture->settings, "profiles", chosen);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);

  profiles = ws_catalog_get_profiles (fixture->catalog);
  g_assert_cmpuint (profiles->len, ==, 2);
  g_assert_cmpstr (((WsCatalogProfile *) g_ptr_array_index (profiles, 0))->name, ==, "p2");
  {
    g_autofree char *first = item_ref (fixture->catalog, 0);

    g_assert_cmpstr (first, ==, "p2/eu-west-1/delta");
  }
}

static void
test_regions_union (Fixture       *fixture,
                    gconstpointer  data)
{
  const char *extra[] = { "eu-west-1", "us-west-2", "", NULL };

  set_up_two_profiles (fixture);
  g_settings_set_strv (fixture->settings, "extra-regions", extra);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);

  /* eu-west-1 once per profile, us-west-2 once per profile. */
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/environments"), ==, 4 + 4);
  g_assert_cmpuint (n_items (fixture->catalog), ==, 4);
}

static void
test_pinned (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *p2_key = profile_key ("p2");
  const char *pinned[] = { "p2/eu-west-1/hidden", "p1/eu-west-1/alpha", "bad ref", NULL };
  WsEnvironment *env;
  guint notes = 0;

  set_up_two_profiles (fixture);
  ws_fake_aws_deny (fixture->fake, p2_key);
  g_settings_set_strv (fixture->settings, "pinned-environments", pinned);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);

  /* alpha, beta of p1 and the pinned one of p2. */
  g_assert_cmpuint (n_items (fixture->catalog), ==, 3);
  env = lookup (fixture->catalog, "p2/eu-west-1/hidden");
  g_assert_true (ws_environment_get_pinned (env));
  g_assert_null (ws_environment_get_status (env));
  g_assert_null (ws_environment_get_problem (env));
  g_assert_true (ws_environment_is_usable (env, NULL));
  g_assert_true (ws_environment_get_pinned (lookup (fixture->catalog, "p1/eu-west-1/alpha")));
  g_assert_false (ws_environment_get_pinned (lookup (fixture->catalog, "p1/eu-west-1/beta")));

  /* Another discovery changes nothing: no notification, same object. */
  g_signal_connect (env, "notify", G_CALLBACK (on_notify_status), &notes);
  refresh_and_wait (fixture->catalog);
  g_assert_cmpuint (notes, ==, 0);
  g_assert_true (lookup (fixture->catalog, "p2/eu-west-1/hidden") == env);
}

static void
test_pinned_copies_status (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autofree char *p2_key = profile_key ("p2");
  const char *pinned[] = { "p2/eu-west-1/beta", NULL };
  WsEnvironment *env;

  set_up_two_profiles (fixture);
  ws_fake_aws_deny (fixture->fake, p2_key);
  g_settings_set_strv (fixture->settings, "pinned-environments", pinned);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);

  env = lookup (fixture->catalog, "p2/eu-west-1/beta");
  g_assert_cmpstr (ws_environment_get_status (env), ==, "UPDATING");
  g_assert_cmpstr (ws_environment_get_airflow_version (env), ==, "3.0.6");
}

static void
test_dedupe (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GString) credentials = g_string_new (NULL);

  /* first and second reach the same account; other is another account
   * with an environment of the same name. */
  add_static_profile (fixture, config, credentials, "first", "eu-west-1", "111111111111");
  add_static_profile (fixture, config, credentials, "second", "eu-west-1", "111111111111");
  add_static_profile (fixture, config, credentials, "other", "eu-west-1", "333333333333");
  write_config (fixture, config, credentials);
  ws_fake_aws_add_environment_in_account (fixture->fake, "111111111111", "eu-west-1", "prod", "AVAILABLE", "2.10.3");
  ws_fake_aws_add_environment_in_account (fixture->fake, "333333333333", "eu-west-1", "prod", "AVAILABLE", "2.10.3");

  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);

  g_assert_cmpuint (n_items (fixture->catalog), ==, 2);
  g_assert_true (has_ref (fixture->catalog, "first/eu-west-1/prod"));
  g_assert_true (has_ref (fixture->catalog, "other/eu-west-1/prod"));
  g_assert_false (has_ref (fixture->catalog, "second/eu-west-1/prod"));
}

/* Lookup */

static void
test_lookup (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  WsEnvironment *env;

  set_up_two_profiles (fixture);
  ws_fake_aws_add_environment_in_account (fixture->fake, "222222222222", "eu-west-1", "alpha", "AVAILABLE", "2.10.3");
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);

  env = lookup (fixture->catalog, "p1/eu-west-1/beta");
  g_assert_cmpstr (ws_environment_get_name (env), ==, "beta");
  env = lookup (fixture->catalog, "arn:aws:airflow:eu-west-1:222222222222:environment/gamma");
  g_assert_cmpstr (ws_environment_get_profile (env), ==, "p2");
  /* The ARN's account picks between two of one name. */
  env = lookup (fixture->catalog, "arn:aws:airflow:eu-west-1:222222222222:environment/alpha");
  g_assert_cmpstr (ws_environment_get_profile (env), ==, "p2");
  env = lookup (fixture->catalog, "delta");
  g_assert_cmpstr (ws_environment_get_profile (env), ==, "p2");

  env = ws_catalog_lookup (fixture->catalog, "alpha", &error);
  g_assert_null (env);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "p1/eu-west-1/alpha"));
  g_assert_nonnull (strstr (error->message, "p2/eu-west-1/alpha"));
  g_clear_error (&error);

  env = ws_catalog_lookup (fixture->catalog, "p1/eu-west-1/gamma", &error);
  g_assert_null (env);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Refresh"));
  g_clear_error (&error);

  env = ws_catalog_lookup (fixture->catalog, "nothing", &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  env = ws_catalog_lookup (fixture->catalog, "arn:aws:airflow:us-east-1:111111111111:environment/alpha", &error);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  env = ws_catalog_lookup (fixture->catalog, "1-not a name", &error);
  g_assert_null (env);
  g_assert_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT);
}

/* The list model */

typedef struct
{
  guint position, removed, added;
} Change;

static void
on_items_changed (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GArray     *changes)
{
  Change change = { position, removed, added };

  g_array_append_val (changes, change);
}

static void
test_items_changed (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GArray) changes = g_array_new (FALSE, FALSE, sizeof (Change));
  const char *extra[] = { "us-east-1", NULL };
  const char *none[] = { NULL };
  WsEnvironment *alpha, *gamma;
  Change *change;
  guint status_notes = 0;

  set_up_two_profiles (fixture);
  make_catalog (fixture);
  g_signal_connect (fixture->catalog, "items-changed", G_CALLBACK (on_items_changed), changes);
  refresh_and_wait (fixture->catalog);
  g_assert_cmpuint (changes->len, ==, 1);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 0);
  g_assert_cmpuint (change->removed, ==, 0);
  g_assert_cmpuint (change->added, ==, 4);
  alpha = lookup (fixture->catalog, "p1/eu-west-1/alpha");
  gamma = lookup (fixture->catalog, "p2/eu-west-1/gamma");
  g_signal_connect (alpha, "notify::status", G_CALLBACK (on_notify_status), &status_notes);

  /* Nothing new: no signal, same objects. */
  g_array_set_size (changes, 0);
  refresh_and_wait (fixture->catalog);
  g_assert_cmpuint (changes->len, ==, 0);
  g_assert_true (lookup (fixture->catalog, "p1/eu-west-1/alpha") == alpha);
  g_assert_cmpuint (status_notes, ==, 0);

  /* One more environment: one insertion where it sorts. */
  ws_fake_aws_add_environment_in_account (fixture->fake, "111111111111", "eu-west-1", "aardvark", "AVAILABLE", "2.10.3");
  refresh_and_wait (fixture->catalog);
  g_assert_cmpuint (changes->len, ==, 1);
  change = &g_array_index (changes, Change, 0);
  g_assert_cmpuint (change->position, ==, 0);
  g_assert_cmpuint (change->removed, ==, 0);
  g_assert_cmpuint (change->added, ==, 1);
  g_assert_true (item (fixture->catalog, 1) == alpha);
  g_assert_true (lookup (fixture->catalog, "p2/eu-west-1/gamma") == gamma);

  /* A status change is a notify, not a list change. */
  g_array_set_size (changes, 0);
  ws_fake_aws_push_response (fixture->fake, "GET", "/environments/alpha", 200, NULL, "application/json",
                             "{\"Environment\":{\"Name\":\"alpha\",\"Status\":\"UPDATING\","
                             "\"Arn\":\"arn:aws:airflow:eu-west-1:111111111111:environment/alpha\"}}");
  refresh_and_wait (fixture->catalog);
  g_assert_cmpuint (changes->len, ==, 0);
  g_assert_cmpuint (status_notes, ==, 1);
  g_assert_cmpstr (ws_environment_get_status (alpha), ==, "UPDATING");

  /* A new region adds a run per profile; dropping it removes them. */
  ws_fake_aws_add_environment_in_account (fixture->fake, "111111111111", "us-east-1", "east", "AVAILABLE", "2.10.3");
  ws_fake_aws_add_environment_in_account (fixture->fake, "222222222222", "us-east-1", "east", "AVAILABLE", "2.10.3");
  g_settings_set_strv (fixture->settings, "extra-regions", extra);
  WAIT_FOR (n_items (fixture->catalog) == 7 && !ws_catalog_get_refreshing (fixture->catalog));
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 3);
  g_assert_cmpuint (g_array_index (changes, Change, 0).added, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 1).position, ==, 6);
  g_assert_cmpuint (g_array_index (changes, Change, 1).added, ==, 1);

  g_array_set_size (changes, 0);
  g_settings_set_strv (fixture->settings, "extra-regions", none);
  WAIT_FOR (n_items (fixture->catalog) == 5 && !ws_catalog_get_refreshing (fixture->catalog));
  g_assert_cmpuint (changes->len, ==, 2);
  g_assert_cmpuint (g_array_index (changes, Change, 0).position, ==, 3);
  g_assert_cmpuint (g_array_index (changes, Change, 0).removed, ==, 1);
  g_assert_cmpuint (g_array_index (changes, Change, 1).position, ==, 5);
  g_assert_cmpuint (g_array_index (changes, Change, 1).removed, ==, 1);
  g_assert_true (lookup (fixture->catalog, "p1/eu-west-1/alpha") == alpha);
}

/* The cache */

static void
test_cache_round_trip (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autofree char *p2_key = profile_key ("p2");
  g_autofree char *cache_dir = g_path_get_dirname (fixture->cache_path);
  g_autoptr(WsCatalog) reader = NULL;
  GStatBuf st;

  set_up_two_profiles (fixture);
  ws_fake_aws_deny (fixture->fake, p2_key);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);
  WAIT_FOR (g_file_test (fixture->cache_path, G_FILE_TEST_EXISTS));

  g_assert_cmpint (g_stat (fixture->cache_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (cache_dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);

  reader = ws_catalog_new (NULL, NULL, fixture->cache_path);
  g_assert_cmpuint (n_items (reader), ==, n_items (fixture->catalog));
  for (guint i = 0; i < n_items (reader); i++)
    {
      WsEnvironment *a = item (fixture->catalog, i);
      WsEnvironment *b = item (reader, i);
      g_autofree char *ref_a = ws_environment_dup_ref (a);
      g_autofree char *ref_b = ws_environment_dup_ref (b);

      g_assert_cmpstr (ref_a, ==, ref_b);
      g_assert_cmpstr (ws_environment_get_arn (a), ==, ws_environment_get_arn (b));
      g_assert_cmpstr (ws_environment_get_status (a), ==, ws_environment_get_status (b));
      g_assert_cmpstr (ws_environment_get_webserver_hostname (a), ==, ws_environment_get_webserver_hostname (b));
    }
  g_assert_cmpint (ws_catalog_get_last_refresh (reader), ==, ws_catalog_get_last_refresh (fixture->catalog));
  g_assert_error ((GError *) profile_error (reader, "p2"), WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED);
  g_assert_null (profile_error (reader, "p1"));

  /* Read-only: refresh does nothing, and nothing is written. */
  g_assert_cmpint (g_unlink (fixture->cache_path), ==, 0);
  ws_catalog_refresh (reader);
  g_assert_false (ws_catalog_get_refreshing (reader));
  g_clear_object (&reader);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_false (g_file_test (fixture->cache_path, G_FILE_TEST_EXISTS));
}

static void
test_cache_missing (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(WsCatalog) reader = ws_catalog_new (NULL, NULL, fixture->cache_path);

  g_assert_cmpuint (n_items (reader), ==, 0);
  g_assert_cmpint (ws_catalog_get_last_refresh (reader), ==, 0);
  g_assert_cmpuint (ws_catalog_get_profiles (reader)->len, ==, 0);
}

static void
test_cache_malformed (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autofree char *dir = g_path_get_dirname (fixture->cache_path);
  const char *bad[] = {
    "",
    "not json",
    "[1, 2]",
    "{\"version\": 2, \"environments\": [{\"profile\":\"p\",\"region\":\"us-east-1\",\"name\":\"x\"}]}",
    "{\"version\": 1, \"environments\": 3, \"profiles\": {}}",
  };

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(WsCatalog) reader = NULL;

      ws_test_write_file (fixture->cache_path, bad[i], -1, 0600);
      reader = ws_catalog_new (NULL, NULL, fixture->cache_path);
      g_assert_cmpuint (n_items (reader), ==, 0);
    }

  /* Bad entries are dropped, good ones kept. */
  {
    g_autoptr(WsCatalog) reader = NULL;

    ws_test_write_file (fixture->cache_path,
                        "{\"version\":1,\"updated\":5,\"environments\":["
                        "{\"profile\":\"p\",\"region\":\"us-east-1\",\"name\":\"ok\"},"
                        "{\"profile\":\"p\",\"region\":\"us east\",\"name\":\"bad\"},"
                        "7, null,"
                        "{\"profile\":\"p\",\"region\":\"us-east-1\",\"name\":\"0bad\"}],"
                        "\"profiles\":[{\"name\":\"p\",\"error\":\"Denied\",\"error_code\":11}, 4]}", -1, 0600);
    reader = ws_catalog_new (NULL, NULL, fixture->cache_path);
    g_assert_cmpuint (n_items (reader), ==, 1);
    g_assert_cmpint (ws_catalog_get_last_refresh (reader), ==, 5);
    g_assert_error ((GError *) profile_error (reader, "p"), WS_AWS_ERROR, WS_AWS_ERROR_ACCESS_DENIED);
    /* The profile's error shows on its rows. */
    g_assert_cmpstr (ws_environment_get_problem (item (reader, 0)), ==, "No permission to list environments");
  }
}

/* Triggers */

static void
test_refresh_coalesced (Fixture       *fixture,
                        gconstpointer  data)
{
  guint per_discovery;

  set_up_two_profiles (fixture);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);
  per_discovery = ws_fake_aws_count_requests (fixture->fake, "GET", "/environments");
  ws_fake_aws_reset_counts (fixture->fake);

  ws_catalog_refresh (fixture->catalog);
  g_assert_true (ws_catalog_get_refreshing (fixture->catalog));
  ws_catalog_refresh (fixture->catalog);
  ws_catalog_refresh (fixture->catalog);
  WAIT_FOR (ws_fake_aws_count_requests (fixture->fake, "GET", "/environments") == 2 * per_discovery &&
            !ws_catalog_get_refreshing (fixture->catalog));
  /* Nothing more comes. */
  for (int i = 0; i < 20; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_false (ws_catalog_get_refreshing (fixture->catalog));
  g_assert_cmpuint (ws_fake_aws_count_requests (fixture->fake, "GET", "/environments"), ==, 2 * per_discovery);
}

static void
test_refresh_if_stale (Fixture       *fixture,
                       gconstpointer  data)
{
  set_up_two_profiles (fixture);
  make_catalog (fixture);

  /* Never refreshed: stale. */
  ws_catalog_refresh_if_stale (fixture->catalog, 3600);
  g_assert_true (ws_catalog_get_refreshing (fixture->catalog));
  WAIT_FOR (!ws_catalog_get_refreshing (fixture->catalog));

  ws_catalog_refresh_if_stale (fixture->catalog, 3600);
  g_assert_false (ws_catalog_get_refreshing (fixture->catalog));
  ws_catalog_refresh_if_stale (fixture->catalog, 0);
  g_assert_true (ws_catalog_get_refreshing (fixture->catalog));
  WAIT_FOR (!ws_catalog_get_refreshing (fixture->catalog));
}

static void
test_config_change (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GString) credentials = g_string_new (NULL);
  g_autofree char *tmp = g_strconcat (fixture->config_path, ".new", NULL);

  add_static_profile (fixture, config, credentials, "p1", "eu-west-1", "111111111111");
  write_config (fixture, config, credentials);
  ws_fake_aws_add_environment_in_account (fixture->fake, "111111111111", "eu-west-1", "alpha", "AVAILABLE", "2.10.3");
  ws_fake_aws_add_environment_in_account (fixture->fake, "222222222222", "eu-west-1", "gamma", "AVAILABLE", "2.10.3");
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);
  g_assert_cmpuint (n_items (fixture->catalog), ==, 1);

  /* An editor's save: a new file renamed over the old one. */
  add_static_profile (fixture, config, credentials, "p2", "eu-west-1", "222222222222");
  ws_test_write_file (fixture->credentials_path, credentials->str, -1, 0600);
  ws_test_write_file (tmp, config->str, -1, 0600);
  g_assert_cmpint (g_rename (tmp, fixture->config_path), ==, 0);

  WAIT_FOR (n_items (fixture->catalog) == 2 && !ws_catalog_get_refreshing (fixture->catalog));
  g_assert_true (has_ref (fixture->catalog, "p2/eu-west-1/gamma"));
  g_assert_true (ws_aws_config_has_profile (ws_aws_context_get_config (fixture->context), "p2"));
}

static void
on_changed_count (WsAwsContext *context,
                  guint        *count)
{
  (*count)++;
}

static void
test_context_file_created_later (Fixture       *fixture,
                                 gconstpointer  data)
{
  guint changes = 0;

  /* No files at all yet. */
  fixture->context = ws_aws_context_new (fixture->client, (const char * const *) fixture->envp);
  g_assert_null (ws_aws_context_get_config_error (fixture->context));
  g_signal_connect (fixture->context, "changed", G_CALLBACK (on_changed_count), &changes);

  ws_test_write_file (fixture->credentials_path, "[late]\naws_access_key_id = A\naws_secret_access_key = B\n", -1, 0600);
  WAIT_FOR (changes > 0);
  g_assert_true (ws_aws_config_has_profile (ws_aws_context_get_config (fixture->context), "late"));
}

static void
test_malformed_config (Fixture       *fixture,
                       gconstpointer  data)
{
  WsEnvironment *alpha;
  const GError *error;

  set_up_two_profiles (fixture);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);
  alpha = lookup (fixture->catalog, "p1/eu-west-1/alpha");

  ws_test_write_file (fixture->config_path, "[profile p1\nthis is not = [valid\n", -1, 0600);
  ws_aws_context_reload (fixture->context);
  g_assert_nonnull (ws_aws_context_get_config_error (fixture->context));
  g_assert_nonnull (ws_aws_context_get_config (fixture->context));
  WAIT_FOR (!ws_catalog_get_refreshing (fixture->catalog));

  /* The rows stay, marked; the profiles carry the config error. */
  g_assert_cmpuint (n_items (fixture->catalog), ==, 4);
  g_assert_true (lookup (fixture->catalog, "p1/eu-west-1/alpha") == alpha);
  g_assert_nonnull (ws_environment_get_problem (alpha));
  error = profile_error (fixture->catalog, "p1");
  g_assert_error ((GError *) error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG);

  /* A broken config from the start: no crash, no rows, usable. */
  g_clear_object (&fixture->catalog);
  g_clear_object (&fixture->context);
  g_assert_cmpint (g_unlink (fixture->cache_path), ==, 0);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);
  g_assert_cmpuint (n_items (fixture->catalog), ==, 0);
}

static void
test_network_back (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(TestNetworkMonitor) monitor = g_object_new (TEST_TYPE_NETWORK_MONITOR, NULL);

  set_up_two_profiles (fixture);
  make_catalog (fixture);
  ws_catalog_set_network_monitor (fixture->catalog, G_NETWORK_MONITOR (monitor));

  /* Still offline, or online again while online: nothing. */
  test_network_monitor_set_available (monitor, FALSE);
  g_assert_false (ws_catalog_get_refreshing (fixture->catalog));

  test_network_monitor_set_available (monitor, TRUE);
  g_assert_true (ws_catalog_get_refreshing (fixture->catalog));
  WAIT_FOR (!ws_catalog_get_refreshing (fixture->catalog));
  g_assert_cmpuint (n_items (fixture->catalog), ==, 4);

  test_network_monitor_set_available (monitor, TRUE);
  g_assert_false (ws_catalog_get_refreshing (fixture->catalog));
}

static void
test_settings_change (Fixture       *fixture,
                      gconstpointer  data)
{
  const char *only_p1[] = { "p1", NULL };

  set_up_two_profiles (fixture);
  make_catalog (fixture);
  refresh_and_wait (fixture->catalog);
  g_assert_cmpuint (n_items (fixture->catalog), ==, 4);

  g_settings_set_strv (fixture->settings, "profiles", only_p1);
  g_assert_true (ws_catalog_get_refreshing (fixture->catalog));
  WAIT_FOR (!ws_catalog_get_refreshing (fixture->catalog));
  /* Rows of profiles no longer scanned go. */
  g_assert_cmpuint (n_items (fixture->catalog), ==, 2);
  g_assert_null (ws_catalog_get_profile (fixture->catalog, "p2"));

  /* Keys the catalog does not use do not refresh it. */
  g_settings_set_uint (fixture->settings, "menu-limit", 20);
  g_assert_false (ws_catalog_get_refreshing (fixture->catalog));
}

static void
on_items_changed_fail (GListModel *model,
                       guint       position,
                       guint       removed,
                       guint       added,
                       gpointer    user_data)
{
  g_assert_not_reached ();
}

static void
test_dispose_during_discovery (Fixture       *fixture,
                               gconstpointer  data)
{
  set_up_two_profiles (fixture);
  ws_fake_aws_set_delay (fixture->fake, 50);
  make_catalog (fixture);
  g_signal_connect (fixture->catalog, "items-changed", G_CALLBACK (on_items_changed_fail), NULL);
  ws_catalog_refresh (fixture->catalog);
  WAIT_FOR (ws_fake_aws_count_requests (fixture->fake, "GET", "/environments") > 0);
  g_clear_object (&fixture->catalog);

  /* The requests end (cancelled) without touching the catalog. */
  for (int i = 0; i < 30; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (5000);
    }
  g_assert_false (g_file_test (fixture->cache_path, G_FILE_TEST_EXISTS));
}

/* The provider's silent check */

static void
test_can_resolve_silently (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GString) credentials = g_string_new (NULL);
  WsCredentialsProvider *provider;

  add_static_profile (fixture, config, credentials, "base", "eu-west-1", NULL);
  g_string_append (config,
                   "[profile role]\n"
                   "role_arn = arn:aws:iam::123456789012:role/Admin\n"
                   "source_profile = base\n"
                   "[profile mfa]\n"
                   "role_arn = arn:aws:iam::123456789012:role/Admin\n"
                   "source_profile = base\n"
                   "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
                   "[profile mfa-inner]\n"
                   "role_arn = arn:aws:iam::123456789012:role/Other\n"
                   "source_profile = mfa\n");
  write_config (fixture, config, credentials);
  fixture->context = ws_aws_context_new (fixture->client, (const char * const *) fixture->envp);
  provider = ws_aws_context_get_provider (fixture->context);

  g_assert_true (ws_credentials_provider_can_resolve_silently (provider, "base"));
  g_assert_true (ws_credentials_provider_can_resolve_silently (provider, "role"));
  g_assert_false (ws_credentials_provider_can_resolve_silently (provider, "mfa"));
  g_assert_false (ws_credentials_provider_can_resolve_silently (provider, "mfa-inner"));
  /* A broken chain fails on its own, without a prompt. */
  g_assert_true (ws_credentials_provider_can_resolve_silently (provider, "missing"));
}

static void
on_credentials (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;
  WsCredentials *credentials;

  credentials = ws_credentials_provider_get_finish (WS_CREDENTIALS_PROVIDER (source), result, error);
  g_assert_null (credentials);
  g_assert_nonnull (*error);
}

/* The prompt outlives a reload: the new provider asks through it. */
static void
test_context_mfa_prompt_kept (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GString) config = g_string_new (NULL);
  g_autoptr(GString) credentials = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  WsCredentialsProvider *before;

  add_static_profile (fixture, config, credentials, "base", "eu-west-1", NULL);
  g_string_append (config,
                   "[profile mfa]\n"
                   "role_arn = arn:aws:iam::123456789012:role/Admin\n"
                   "source_profile = base\n"
                   "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n");
  write_config (fixture, config, credentials);
  fixture->context = ws_aws_context_new (fixture->client, (const char * const *) fixture->envp);
  ws_aws_context_set_mfa_prompt (fixture->context, mfa_prompt_never, fixture, NULL);
  before = ws_aws_context_get_provider (fixture->context);

  ws_aws_context_reload (fixture->context);
  g_assert_true (ws_aws_context_get_provider (fixture->context) != before);
  ws_credentials_provider_get_async (ws_aws_context_get_provider (fixture->context), "mfa", NULL,
                                     on_credentials, &error);
  WAIT_FOR (error != NULL);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (fixture->mfa_prompts, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LANGUAGE", "C", TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/catalog/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("discovery-parallel", test_discovery_parallel);
  ADD ("partial-failures", test_partial_failures);
  ADD ("failure-keeps-rows", test_failure_keeps_rows);
  ADD ("mfa-rows-kept", test_mfa_rows_kept);
  ADD ("no-region", test_no_region);
  ADD ("settings-profiles", test_settings_profiles);
  ADD ("regions-union", test_regions_union);
  ADD ("pinned", test_pinned);
  ADD ("pinned-copies-status", test_pinned_copies_status);
  ADD ("dedupe", test_dedupe);
  ADD ("lookup", test_lookup);
  ADD ("items-changed", test_items_changed);
  ADD ("cache-round-trip", test_cache_round_trip);
  ADD ("cache-missing", test_cache_missing);
  ADD ("cache-malformed", test_cache_malformed);
  ADD ("refresh-coalesced", test_refresh_coalesced);
  ADD ("refresh-if-stale", test_refresh_if_stale);
  ADD ("config-change", test_config_change);
  ADD ("context-file-created-later", test_context_file_created_later);
  ADD ("malformed-config", test_malformed_config);
  ADD ("network-back", test_network_back);
  ADD ("settings-change", test_settings_change);
  ADD ("dispose-during-discovery", test_dispose_during_discovery);
  ADD ("can-resolve-silently", test_can_resolve_silently);
  ADD ("context-mfa-prompt-kept", test_context_mfa_prompt_kept);

  return g_test_run ();
}
