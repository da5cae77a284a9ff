/* ws-catalog.c — every MWAA environment the user can reach
 *
 * A discovery runs one job per (profile, region) — ListEnvironments and
 * GetEnvironment through WsMwaa — with a bounded number in flight. When
 * the last job ends the results are merged into the list: a failed job
 * keeps the rows it had before, marked with a problem, so one denied or
 * signed-out profile never hides what is known about it nor blocks the
 * others. Objects are kept across discoveries and updated in place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-catalog.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ws-aws-error.h"
#include "ws-json.h"
#include "ws-secret.h"

#define DEFAULT_MAX_PARALLEL 8
#define CACHE_VERSION        1
#define CACHE_MAX_SIZE       (16 * 1024 * 1024)

typedef struct _Discovery Discovery;

struct _WsCatalog
{
  GObject          parent_instance;

  WsAwsContext    *context;
  GSettings       *settings;
  GNetworkMonitor *network_monitor;
  gboolean         network_available;
  char            *cache_path;

  GPtrArray       *items;      /* WsEnvironment, sorted */
  GPtrArray       *profiles;   /* WsCatalogProfile, in scan order */
  gint64           last_refresh;
  guint            max_parallel;

  Discovery       *discovery;     /* the one running, or NULL */
  gboolean         refresh_pending;

  GBytes          *cache_pending;  /* the next contents to write */
  gboolean         cache_writing;
};

static void ws_catalog_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (WsCatalog, ws_catalog, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, ws_catalog_list_model_init))

enum
{
  PROP_0,
  PROP_REFRESHING,
  PROP_LAST_REFRESH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  SIGNAL_PROFILES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void discovery_start (WsCatalog *self);
static void cache_write     (WsCatalog *self,
                             GBytes    *contents);

/* Profiles */

static WsCatalogProfile *
catalog_profile_new (const char *name,
                     gboolean    uses_sso)
{
  WsCatalogProfile *profile = g_new0 (WsCatalogProfile, 1);

  profile->name = g_strdup (name);
  profile->uses_sso = uses_sso;
  return profile;
}

static void
catalog_profile_free (WsCatalogProfile *profile)
{
  g_free (profile->name);
  g_clear_error (&profile->error);
  g_free (profile);
}

static WsCatalogProfile *
find_profile (GPtrArray  *profiles,
              const char *name,
              guint      *index)
{
  for (guint i = 0; i < profiles->len; i++)
    {
      WsCatalogProfile *profile = g_ptr_array_index (profiles, i);

      if (g_str_equal (profile->name, name))
        {
          if (index != NULL)
            *index = i;
          return profile;
        }
    }

  return NULL;
}

/* The one-line problem a row shows while its profile cannot be listed. */
static char *
problem_for_error (const GError *error)
{
  if (error->domain == WS_AWS_ERROR)
    switch (error->code)
      {
      case WS_AWS_ERROR_SSO_LOGIN_REQUIRED:
        return g_strdup (_("Sign-in needed"));
      case WS_AWS_ERROR_MFA_REQUIRED:
        return g_strdup (_("MFA code needed — open an environment to enter it"));
      case WS_AWS_ERROR_ACCESS_DENIED:
        return g_strdup (_("No permission to list environments"));
      default:
        break;
      }

  return g_strdup (error->message);
}

/* Sorting: profile (scan order), region, name */

static guint
profile_rank (GPtrArray  *profiles,
              const char *name)
{
  guint index;

  return find_profile (profiles, name, &index) != NULL ? index : profiles->len;
}

static int
compare_environments (gconstpointer a,
                      gconstpointer b,
                      gpointer      user_data)
{
  WsEnvironment *ea = *(WsEnvironment **) a;
  WsEnvironment *eb = *(WsEnvironment **) b;
  GPtrArray *profiles = user_data;
  guint ra = profile_rank (profiles, ws_environment_get_profile (ea));
  guint rb = profile_rank (profiles, ws_environment_get_profile (eb));
  int ret;

  if (ra != rb)
    return ra < rb ? -1 : 1;
  /* Profiles outside the scan (pinned ones) by name. */
  if ((ret = strcmp (ws_environment_get_profile (ea), ws_environment_get_profile (eb))) != 0)
    return ret;
  if ((ret = strcmp (ws_environment_get_region (ea), ws_environment_get_region (eb))) != 0)
    return ret;
  return strcmp (ws_environment_get_name (ea), ws_environment_get_name (eb));
}

/* The list, changed with items-changed as small as can be */

/* Makes self->items equal @wanted (sorted as it will be). Kept objects
 * keep their positions relative to each other, so removing what went and
 * then inserting what came needs no more than one signal per run. */
static void
apply_items (WsCatalog *self,
             GPtrArray *wanted)
{
  g_autoptr(GHashTable) wanted_set = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) old_set = g_hash_table_new (NULL, NULL);
  guint i, kept = 0;

  for (i = 0; i < wanted->len; i++)
    g_hash_table_add (wanted_set, g_ptr_array_index (wanted, i));
  for (i = 0; i < self->items->len; i++)
    g_hash_table_add (old_set, g_ptr_array_index (self->items, i));

  for (i = 0; i < self->items->len;)
    {
      guint end = i;

      while (end < self->items->len && !g_hash_table_contains (wanted_set, g_ptr_array_index (self->items, end)))
        end++;
      if (end == i)
        {
          i++;
          continue;
        }
      g_ptr_array_remove_range (self->items, i, end - i);
      g_list_model_items_changed (G_LIST_MODEL (self), i, end - i, 0);
    }

  /* A new profile order moves kept rows: then replace everything. */
  for (i = 0; i < wanted->len; i++)
    if (g_hash_table_contains (old_set, g_ptr_array_index (wanted, i)) &&
        g_ptr_array_index (wanted, i) != g_ptr_array_index (self->items, kept++))
      {
        guint removed = self->items->len;

        g_ptr_array_set_size (self->items, 0);
        for (guint j = 0; j < wanted->len; j++)
          g_ptr_array_add (self->items, g_object_ref (g_ptr_array_index (wanted, j)));
        g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, wanted->len);
        return;
      }

  for (i = 0; i < wanted->len;)
    {
      guint end = i;

      while (end < wanted->len && !g_hash_table_contains (old_set, g_ptr_array_index (wanted, end)))
        {
          g_ptr_array_insert (self->items, end, g_object_ref (g_ptr_array_index (wanted, end)));
          end++;
        }
      if (end == i)
        {
          i++;
          continue;
        }
      g_list_model_items_changed (G_LIST_MODEL (self), i, 0, end - i);
      i = end;
    }
}

/* The cache */

static void
on_cache_written (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  WsCatalog *self = WS_CATALOG (source);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    g_warning ("Could not write %s: %s", self->cache_path, error->message);

  self->cache_writing = FALSE;
  if (self->cache_pending != NULL)
    {
      g_autoptr(GBytes) contents = g_steal_pointer (&self->cache_pending);

      cache_write (self, contents);
    }
}

static void
cache_write_thread (GTask        *task,
                    gpointer      source,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  WsCatalog *self = source;
  GBytes *contents = task_data;
  GError *error = NULL;

  if (!ws_secret_write_file (self->cache_path, g_bytes_get_data (contents, NULL),
                             g_bytes_get_size (contents), &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
cache_write (WsCatalog *self,
             GBytes    *contents)
{
  g_autoptr(GTask) task = NULL;

  /* One write at a time, the newest contents last. */
  if (self->cache_writing)
    {
      g_clear_pointer (&self->cache_pending, g_bytes_unref);
      self->cache_pending = g_bytes_ref (contents);
      return;
    }

  self->cache_writing = TRUE;
  task = g_task_new (self, NULL, on_cache_written, NULL);
  g_task_set_source_tag (task, cache_write);
  g_task_set_task_data (task, g_bytes_ref (contents), (GDestroyNotify) g_bytes_unref);
  g_task_run_in_thread (task, cache_write_thread);
}

static JsonNode *
profiles_to_json (GPtrArray *profiles)
{
  JsonArray *array = json_array_sized_new (profiles->len);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);

  for (guint i = 0; i < profiles->len; i++)
    {
      WsCatalogProfile *profile = g_ptr_array_index (profiles, i);
      JsonObject *object = json_object_new ();

      json_object_set_string_member (object, "name", profile->name);
      json_object_set_boolean_member (object, "uses_sso", profile->uses_sso);
      if (profile->error != NULL)
        {
          json_object_set_string_member (object, "error", profile->error->message);
          if (profile->error->domain == WS_AWS_ERROR)
            json_object_set_int_member (object, "error_code", profile->error->code);
        }
      json_array_add_object_element (array, object);
    }

  json_node_take_array (node, array);
  return node;
}

static GBytes *
cache_serialize (WsCatalog *self)
{
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  JsonObject *object = json_object_new ();
  JsonArray *environments = json_array_sized_new (self->items->len);
  gsize length;
  char *data;

  json_object_set_int_member (object, "version", CACHE_VERSION);
  json_object_set_int_member (object, "updated", self->last_refresh);
  for (guint i = 0; i < self->items->len; i++)
    json_array_add_object_element (environments, ws_environment_to_json (g_ptr_array_index (self->items, i)));
  json_object_set_array_member (object, "environments", environments);
  json_object_set_member (object, "profiles", profiles_to_json (self->profiles));
  json_node_take_object (root, object);

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  return g_bytes_new_take (data, length);
}

/* The cache is outside input: anything may stand where objects should. */
static JsonObject *
array_get_object (JsonArray *array,
                  guint      index)
{
  JsonNode *node = json_array_get_element (array, index);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
cache_load_profiles (WsCatalog *self,
                     JsonArray *array)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = array_get_object (array, i);
      const char *name = object != NULL ? ws_json_get_string (object, "name") : NULL;
      const char *message = ws_json_get_string (object, "error");
      WsCatalogProfile *profile;

      if (name == NULL || find_profile (self->profiles, name, NULL) != NULL)
        continue;

      profile = catalog_profile_new (name, json_object_get_boolean_member_with_default (object, "uses_sso", FALSE));
      if (message != NULL)
        profile->error = g_error_new_literal (WS_AWS_ERROR,
                                              json_object_get_int_member_with_default (object, "error_code",
                                                                                       WS_AWS_ERROR_FAILED),
                                              message);
      g_ptr_array_add (self->profiles, profile);
    }
}

static void
cache_load_environments (WsCatalog *self,
                         JsonArray *array)
{
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonObject *object = array_get_object (array, i);
      g_autoptr(GError) error = NULL;
      WsEnvironment *environment;
      WsCatalogProfile *profile;

      environment = object != NULL ? ws_environment_new_from_json (object, &error) : NULL;
      if (environment == NULL)
        {
          g_debug ("Skipping a cached environment: %s", error != NULL ? error->message : "not an object");
          continue;
        }

      profile = find_profile (self->profiles, ws_environment_get_profile (environment), NULL);
      if (profile != NULL && profile->error != NULL && !ws_environment_get_pinned (environment))
        {
          g_autofree char *problem = problem_for_error (profile->error);

          ws_environment_set_problem (environment, problem);
        }
      g_ptr_array_add (self->items, environment);
    }

  g_ptr_array_sort_with_data (self->items, compare_environments, self->profiles);
}

/* Anything wrong with the file means an empty catalog: it is only a cache. */
static void
cache_load (WsCatalog *self)
{
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  JsonNode *node;
  gsize length;

  if (!g_file_get_contents (self->cache_path, &data, &length, &error))
    {
      g_debug ("No catalog cache: %s", error->message);
      return;
    }

  root = ws_json_parse_object (data, length, CACHE_MAX_SIZE);
  if (root == NULL || json_object_get_int_member_with_default (root, "version", 0) != CACHE_VERSION)
    {
      g_debug ("Ignoring the malformed catalog cache %s", self->cache_path);
      return;
    }

  self->last_refresh = MAX (0, json_object_get_int_member_with_default (root, "updated", 0));
  if ((node = json_object_get_member (root, "profiles")) != NULL && JSON_NODE_HOLDS_ARRAY (node))
    cache_load_profiles (self, json_node_get_array (node));
  if ((node = json_object_get_member (root, "environments")) != NULL && JSON_NODE_HOLDS_ARRAY (node))
    cache_load_environments (self, json_node_get_array (node));
}

/* Discovery */

typedef struct
{
  Discovery  *discovery;
  char       *profile;
  const char *request_profile; /* @profile, or NULL for the default one */
  char       *region;
  GPtrArray *environments;  /* WsMwaaEnvironment, or NULL */
  GError    *error;
} Job;

struct _Discovery
{
  WsCatalog    *catalog;       /* NULL once the catalog went away */
  GCancellable *cancellable;
  WsMwaa       *mwaa;
  GPtrArray    *profiles;      /* WsCatalogProfile, in scan order */
  GHashTable   *keep_rows;     /* profiles skipped whose rows stay */
  GPtrArray    *jobs;          /* Job, grouped by profile */
  guint         next_job;
  guint         n_running;
};

static void
job_free (Job *job)
{
  g_free (job->profile);
  g_free (job->region);
  g_clear_pointer (&job->environments, g_ptr_array_unref);
  g_clear_error (&job->error);
  g_free (job);
}

static void
discovery_free (Discovery *discovery)
{
  g_clear_object (&discovery->cancellable);
  g_clear_object (&discovery->mwaa);
  g_clear_pointer (&discovery->profiles, g_ptr_array_unref);
  g_clear_pointer (&discovery->keep_rows, g_hash_table_unref);
  g_clear_pointer (&discovery->jobs, g_ptr_array_unref);
  g_free (discovery);
}

static void
discovery_add_job (Discovery  *discovery,
                   const char *profile,
                   const char *region)
{
  Job *job = g_new0 (Job, 1);

  job->discovery = discovery;
  job->profile = g_strdup (profile);
  job->request_profile = ws_aws_config_request_profile (ws_aws_context_get_environ (discovery->catalog->context),
                                                        job->profile);
  job->region = g_strdup (region);
  g_ptr_array_add (discovery->jobs, job);
}

/* The profile's own region (or the environment's for one without), then
 * the extra ones. */
static GPtrArray *
profile_regions (WsAwsConfig        *config,
                 const char * const *envp,
                 const char         *profile,
                 const char * const *extra_regions)
{
  GPtrArray *regions = g_ptr_array_new ();
  const char *region = ws_aws_config_get_profile_setting (config, profile, "region");

  if (region == NULL)
    region = ws_aws_config_getenv (envp, "AWS_REGION");
  if (region == NULL)
    region = ws_aws_config_getenv (envp, "AWS_DEFAULT_REGION");
  if (region != NULL)
    g_ptr_array_add (regions, (char *) region);

  for (guint i = 0; extra_regions != NULL && extra_regions[i] != NULL; i++)
    if (extra_regions[i][0] != '\0' &&
        !g_ptr_array_find_with_equal_func (regions, extra_regions[i], g_str_equal, NULL))
      g_ptr_array_add (regions, (char *) extra_regions[i]);

  return regions;
}

/* Settings' profiles, else the config's with the default one first; with
 * a broken config, the ones known before (their rows stay). */
static GStrv
scan_profile_names (WsCatalog *self)
{
  WsAwsConfig *config = ws_aws_context_get_config (self->context);
  const char * const *envp = ws_aws_context_get_environ (self->context);
  const char *default_name = ws_aws_config_get_default_profile_name (envp);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) chosen = self->settings != NULL ? g_settings_get_strv (self->settings, "profiles") : NULL;
  g_auto(GStrv) names = NULL;

  if (chosen != NULL && chosen[0] != NULL)
    return g_steal_pointer (&chosen);

  if (ws_aws_context_get_config_error (self->context) != NULL)
    {
      for (guint i = 0; i < self->profiles->len; i++)
        g_strv_builder_add (builder, ((WsCatalogProfile *) g_ptr_array_index (self->profiles, i))->name);
      return g_strv_builder_end (builder);
    }

  names = ws_aws_config_get_profile_names (config);
  if (ws_aws_config_has_profile (config, default_name))
    g_strv_builder_add (builder, default_name);
  for (guint i = 0; names[i] != NULL; i++)
    if (!g_str_equal (names[i], default_name))
      g_strv_builder_add (builder, names[i]);

  return g_strv_builder_end (builder);
}

/* Decides what to do for one profile: jobs, or an error up front. */
static void
discovery_plan_profile (Discovery          *discovery,
                        WsCatalog          *self,
                        const char         *name,
                        const char * const *extra_regions)
{
  WsAwsConfig *config = ws_aws_context_get_config (self->context);
  const GError *config_error = ws_aws_context_get_config_error (self->context);
  const char * const *envp = ws_aws_context_get_environ (self->context);
  g_autoptr(GPtrArray) regions = NULL;
  WsCatalogProfile *profile;

  profile = catalog_profile_new (name,
                                 ws_aws_config_get_profile_setting (config, name, "sso_session") != NULL ||
                                 ws_aws_config_get_profile_setting (config, name, "sso_start_url") != NULL);
  g_ptr_array_add (discovery->profiles, profile);

  if (config_error != NULL)
    {
      profile->error = g_error_copy (config_error);
      g_hash_table_add (discovery->keep_rows, profile->name);
      return;
    }

  if (!ws_aws_config_has_profile (config, name))
    {
      profile->error = g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_UNKNOWN_PROFILE,
                                    _("The profile “%s” is not in the AWS config files."), name);
      return;
    }

  regions = profile_regions (config, envp, name, extra_regions);
  if (regions->len == 0)
    {
      profile->error = g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_NO_REGION,
                                    _("The profile “%s” has no region: set one in the AWS config or add extra regions in the preferences."),
                                    name);
      return;
    }

  /* Discovery runs unattended: never ask for a code. */
  if (!ws_credentials_provider_can_resolve_silently (ws_aws_context_get_provider (self->context), name))
    {
      profile->error = g_error_new (WS_AWS_ERROR, WS_AWS_ERROR_MFA_REQUIRED,
                                    _("The profile “%s” needs an MFA code."), name);
      g_hash_table_add (discovery->keep_rows, profile->name);
      return;
    }

  for (guint i = 0; i < regions->len; i++)
    discovery_add_job (discovery, name, g_ptr_array_index (regions, i));
}

static void discovery_pump (Discovery *discovery);

static void
job_on_listed (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Job *job = user_data;
  Discovery *discovery = job->discovery;

  job->environments = ws_mwaa_list_environments_finish (WS_MWAA (source), result, &job->error);
  discovery->n_running--;

  if (discovery->catalog == NULL)
    {
      if (discovery->n_running == 0)
        discovery_free (discovery);
      return;
    }

  if (job->error != NULL)
    g_debug ("Listing %s in %s failed: %s", job->profile, job->region, job->error->message);
  discovery_pump (discovery);
}

/* An object for (profile, region, name): the one listed before, if any. */
static WsEnvironment *
reuse_environment (GHashTable *old_items,
                   const char *profile,
                   const char *region,
                   const char *name)
{
  g_autofree char *ref = ws_environment_format_ref (profile, region, name);
  WsEnvironment *environment = g_hash_table_lookup (old_items, ref);

  return environment != NULL ? g_object_ref (environment) : ws_environment_new (profile, region, name);
}

/* Adds @environment unless the same one (same ARN) was added before. */
static void
add_candidate (GPtrArray     *candidates,
               GHashTable    *arns,
               WsEnvironment *environment)
{
  const char *arn = ws_environment_get_arn (environment);

  if (arn != NULL && !g_hash_table_add (arns, g_strdup (arn)))
    {
      g_object_unref (environment);
      return;
    }

  g_ptr_array_add (candidates, environment);
}

/* The rows @profile had (in @region, or all when NULL), kept with the
 * problem @error causes. */
static void
keep_old_rows (WsCatalog    *self,
               GPtrArray    *candidates,
               GHashTable   *arns,
               const char   *profile,
               const char   *region,
               const GError *error)
{
  g_autofree char *problem = problem_for_error (error);

  for (guint i = 0; i < self->items->len; i++)
    {
      WsEnvironment *environment = g_ptr_array_index (self->items, i);

      /* Pinned rows are not discovered ones: the pinned pass redoes them. */
      if (!ws_environment_get_pinned (environment) &&
          g_str_equal (ws_environment_get_profile (environment), profile) &&
          (region == NULL || g_str_equal (ws_environment_get_region (environment), region)))
        {
          ws_environment_set_problem (environment, problem);
          add_candidate (candidates, arns, g_object_ref (environment));
        }
    }
}

static void
add_job_rows (WsCatalog  *self,
              Job        *job,
              GHashTable *old_items,
              GPtrArray  *candidates,
              GHashTable *arns)
{
  WsCatalogProfile *profile = find_profile (job->discovery->profiles, job->profile, NULL);

  if (job->error != NULL)
    {
      if (profile->error == NULL)
        profile->error = g_error_copy (job->error);
      keep_old_rows (self, candidates, arns, job->profile, job->region, job->error);
      return;
    }

  for (guint i = 0; i < job->environments->len; i++)
    {
      WsMwaaEnvironment *mwaa = g_ptr_array_index (job->environments, i);
      WsEnvironment *environment = reuse_environment (old_items, job->profile, job->region, mwaa->name);

      ws_environment_update_from_mwaa (environment, mwaa);
      ws_environment_set_problem (environment, NULL);
      add_candidate (candidates, arns, environment);
    }
}

static WsEnvironment *
find_environment (GPtrArray  *environments,
                  const char *profile,
                  const char *region,
                  const char *name)
{
  for (guint i = 0; i < environments->len; i++)
    {
      WsEnvironment *environment = g_ptr_array_index (environments, i);

      if ((profile == NULL || g_str_equal (ws_environment_get_profile (environment), profile)) &&
          (region == NULL || g_str_equal (ws_environment_get_region (environment), region)) &&
          g_str_equal (ws_environment_get_name (environment), name))
        return environment;
    }

  return NULL;
}

/* Pinned environments are listed even when listing is denied, with what
 * discovery learnt about the same environment through another profile.
 * Returns: (transfer full): their refs. */
static GHashTable *
add_pinned_rows (WsCatalog  *self,
                 GHashTable *old_items,
                 GPtrArray  *candidates)
{
  g_auto(GStrv) pinned = self->settings != NULL ? g_settings_get_strv (self->settings, "pinned-environments") : NULL;
  GHashTable *refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; pinned != NULL && pinned[i] != NULL; i++)
    {
      g_autofree char *profile = NULL;
      g_autofree char *region = NULL;
      g_autofree char *name = NULL;
      WsEnvironment *environment, *same;

      if (!ws_mwaa_parse_environment_ref (pinned[i], &profile, &region, &name, NULL) ||
          profile == NULL || region == NULL)
        {
          g_debug ("Ignoring the pinned environment “%s”", pinned[i]);
          continue;
        }

      g_hash_table_add (refs, ws_environment_format_ref (profile, region, name));
      if (find_environment (candidates, profile, region, name) != NULL)
        continue;

      environment = reuse_environment (old_items, profile, region, name);
      same = find_environment (candidates, NULL, region, name);
      if (same != NULL)
        {
          WsMwaaEnvironment mwaa = {
            .name = name,
            .arn = (char *) ws_environment_get_arn (same),
            .status = (char *) ws_environment_get_status (same),
            .airflow_version = (char *) ws_environment_get_airflow_version (same),
            .webserver_hostname = (char *) ws_environment_get_webserver_hostname (same),
            .access_mode = (char *) ws_environment_get_access_mode (same),
            .last_error = (char *) ws_environment_get_last_error (same),
          };

          ws_environment_update_from_mwaa (environment, &mwaa);
        }
      ws_environment_set_problem (environment, NULL);
      g_ptr_array_add (candidates, environment);
    }

  return refs;
}

static void
mark_pinned (GPtrArray  *candidates,
             GHashTable *pinned_refs)
{
  for (guint i = 0; i < candidates->len; i++)
    {
      WsEnvironment *environment = g_ptr_array_index (candidates, i);
      g_autofree char *ref = ws_environment_dup_ref (environment);

      ws_environment_set_pinned (environment, g_hash_table_contains (pinned_refs, ref));
    }
}

static void
discovery_finish (Discovery *discovery)
{
  WsCatalog *self = discovery->catalog;
  g_autoptr(GHashTable) old_items = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) arns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GHashTable) pinned_refs = NULL;
  g_autoptr(GBytes) contents = NULL;

  for (guint i = 0; i < self->items->len; i++)
    {
      WsEnvironment *environment = g_ptr_array_index (self->items, i);

      g_hash_table_insert (old_items, ws_environment_dup_ref (environment), environment);
    }

  /* In scan order, so that a duplicate stays under the first profile. */
  for (guint p = 0; p < discovery->profiles->len; p++)
    {
      WsCatalogProfile *profile = g_ptr_array_index (discovery->profiles, p);

      if (g_hash_table_contains (discovery->keep_rows, profile->name))
        keep_old_rows (self, candidates, arns, profile->name, NULL, profile->error);
      for (guint j = 0; j < discovery->jobs->len; j++)
        {
          Job *job = g_ptr_array_index (discovery->jobs, j);

          if (g_str_equal (job->profile, profile->name))
            add_job_rows (self, job, old_items, candidates, arns);
        }
    }
  pinned_refs = add_pinned_rows (self, old_items, candidates);
  mark_pinned (candidates, pinned_refs);
  g_ptr_array_sort_with_data (candidates, compare_environments, discovery->profiles);

  self->discovery = NULL;
  g_ptr_array_unref (self->profiles);
  self->profiles = g_steal_pointer (&discovery->profiles);
  self->last_refresh = g_get_real_time ();
  discovery_free (discovery);

  apply_items (self, candidates);
  contents = cache_serialize (self);
  cache_write (self, contents);

  g_signal_emit (self, signals[SIGNAL_PROFILES_CHANGED], 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_REFRESH]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);

  if (self->refresh_pending)
    {
      self->refresh_pending = FALSE;
      discovery_start (self);
    }
}

static void
discovery_pump (Discovery *discovery)
{
  guint max_parallel = discovery->catalog->max_parallel;

  while (discovery->next_job < discovery->jobs->len && discovery->n_running < max_parallel)
    {
      Job *job = g_ptr_array_index (discovery->jobs, discovery->next_job++);

      discovery->n_running++;
      ws_mwaa_list_environments_async (discovery->mwaa, job->request_profile, job->region,
                                       discovery->cancellable, job_on_listed, job);
    }

  if (discovery->n_running == 0)
    discovery_finish (discovery);
}

static void
discovery_start (WsCatalog *self)
{
  Discovery *discovery = g_new0 (Discovery, 1);
  g_auto(GStrv) names = scan_profile_names (self);
  g_auto(GStrv) extra_regions = self->settings != NULL ? g_settings_get_strv (self->settings, "extra-regions") : NULL;

  discovery->catalog = self;
  discovery->cancellable = g_cancellable_new ();
  discovery->mwaa = g_object_ref (ws_aws_context_get_mwaa (self->context));
  discovery->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) catalog_profile_free);
  discovery->keep_rows = g_hash_table_new (g_str_hash, g_str_equal);
  discovery->jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) job_free);

  for (guint i = 0; names[i] != NULL; i++)
    if (find_profile (discovery->profiles, names[i], NULL) == NULL)
      discovery_plan_profile (discovery, self, names[i], (const char * const *) extra_regions);

  self->discovery = discovery;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFRESHING]);
  discovery_pump (discovery);
}

/* Triggers */

static void
on_context_changed (WsAwsContext *context,
                    WsCatalog    *self)
{
  ws_catalog_refresh (self);
}

static void
on_settings_changed (GSettings  *settings,
                     const char *key,
                     WsCatalog  *self)
{
  if (g_str_equal (key, "profiles") || g_str_equal (key, "extra-regions") ||
      g_str_equal (key, "pinned-environments"))
    ws_catalog_refresh (self);
}

/* Back online after being offline: what failed may work now. */
static void
on_network_changed (GNetworkMonitor *monitor,
                    gboolean         available,
                    WsCatalog       *self)
{
  gboolean was_available = self->network_available;

  self->network_available = available;
  if (available && !was_available)
    ws_catalog_refresh (self);
}

/* GListModel */

static GType
ws_catalog_get_item_type (GListModel *model)
{
  return WS_TYPE_ENVIRONMENT;
}

static guint
ws_catalog_get_n_items (GListModel *model)
{
  return WS_CATALOG (model)->items->len;
}

static gpointer
ws_catalog_get_item (GListModel *model,
                     guint       position)
{
  WsCatalog *self = WS_CATALOG (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
ws_catalog_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ws_catalog_get_item_type;
  iface->get_n_items = ws_catalog_get_n_items;
  iface->get_item = ws_catalog_get_item;
}

/* GObject */

static void
ws_catalog_dispose (GObject *object)
{
  WsCatalog *self = WS_CATALOG (object);

  /* Jobs still running end on their own, without us. */
  if (self->discovery != NULL)
    {
      self->discovery->catalog = NULL;
      g_cancellable_cancel (self->discovery->cancellable);
      self->discovery = NULL;
    }

  ws_catalog_set_network_monitor (self, NULL);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (self->context, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (ws_catalog_parent_class)->dispose (object);
}

static void
ws_catalog_finalize (GObject *object)
{
  WsCatalog *self = WS_CATALOG (object);

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->profiles, g_ptr_array_unref);
  g_clear_pointer (&self->cache_pending, g_bytes_unref);
  g_free (self->cache_path);

  G_OBJECT_CLASS (ws_catalog_parent_class)->finalize (object);
}

static void
ws_catalog_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  WsCatalog *self = WS_CATALOG (object);

  switch (prop_id)
    {
    case PROP_REFRESHING:
      g_value_set_boolean (value, ws_catalog_get_refreshing (self));
      break;
    case PROP_LAST_REFRESH:
      g_value_set_int64 (value, self->last_refresh);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ws_catalog_class_init (WsCatalogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ws_catalog_dispose;
  object_class->finalize = ws_catalog_finalize;
  object_class->get_property = ws_catalog_get_property;

  properties[PROP_REFRESHING] =
    g_param_spec_boolean ("refreshing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LAST_REFRESH] =
    g_param_spec_int64 ("last-refresh", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_PROFILES_CHANGED] = g_signal_new ("profiles-changed", G_TYPE_FROM_CLASS (klass),
                                                   G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                   G_TYPE_NONE, 0);
}

static void
ws_catalog_init (WsCatalog *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify) catalog_profile_free);
  self->max_parallel = DEFAULT_MAX_PARALLEL;
}

WsCatalog *
ws_catalog_new (WsAwsContext *context,
                GSettings    *settings,
                const char   *cache_path)
{
  WsCatalog *self;

  g_return_val_if_fail (context == NULL || WS_IS_AWS_CONTEXT (context), NULL);
  g_return_val_if_fail (settings == NULL || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (WS_TYPE_CATALOG, NULL);
  self->cache_path = cache_path != NULL
                     ? g_strdup (cache_path)
                     : g_build_filename (g_get_user_cache_dir (), "windsock", "catalog.json", NULL);
  cache_load (self);

  /* A read-only catalog is the cache and nothing more. */
  if (context == NULL)
    return self;

  self->context = g_object_ref (context);
  g_signal_connect (context, "changed", G_CALLBACK (on_context_changed), self);
  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      g_signal_connect (settings, "changed", G_CALLBACK (on_settings_changed), self);
    }
  ws_catalog_set_network_monitor (self, g_network_monitor_get_default ());

  return self;
}

void
ws_catalog_refresh (WsCatalog *self)
{
  g_return_if_fail (WS_IS_CATALOG (self));

  if (self->context == NULL)
    return;

  /* Coalesced: whatever asked during a discovery gets one more after it. */
  if (self->discovery != NULL)
    {
      self->refresh_pending = TRUE;
      return;
    }

  discovery_start (self);
}

void
ws_catalog_refresh_if_stale (WsCatalog *self,
                             guint      max_age_seconds)
{
  g_return_if_fail (WS_IS_CATALOG (self));

  if (self->last_refresh == 0 ||
      g_get_real_time () - self->last_refresh >= (gint64) max_age_seconds * G_USEC_PER_SEC)
    ws_catalog_refresh (self);
}

gboolean
ws_catalog_get_refreshing (WsCatalog *self)
{
  g_return_val_if_fail (WS_IS_CATALOG (self), FALSE);

  return self->discovery != NULL;
}

gint64
ws_catalog_get_last_refresh (WsCatalog *self)
{
  g_return_val_if_fail (WS_IS_CATALOG (self), 0);

  return self->last_refresh;
}

GPtrArray *
ws_catalog_get_profiles (WsCatalog *self)
{
  g_return_val_if_fail (WS_IS_CATALOG (self), NULL);

  return self->profiles;
}

const WsCatalogProfile *
ws_catalog_get_profile (WsCatalog  *self,
                        const char *name)
{
  g_return_val_if_fail (WS_IS_CATALOG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return find_profile (self->profiles, name, NULL);
}

static WsEnvironment *
find_by_arn (GPtrArray  *environments,
             const char *arn)
{
  for (guint i = 0; i < environments->len; i++)
    {
      WsEnvironment *environment = g_ptr_array_index (environments, i);

      if (g_strcmp0 (ws_environment_get_arn (environment), arn) == 0)
        return environment;
    }

  return NULL;
}

static WsEnvironment *
lookup_bare_name (WsCatalog   *self,
                  const char  *name,
                  GError     **error)
{
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *list = NULL;
  WsEnvironment *found = NULL;

  for (guint i = 0; i < self->items->len; i++)
    {
      WsEnvironment *environment = g_ptr_array_index (self->items, i);

      if (g_str_equal (ws_environment_get_name (environment), name))
        {
          found = environment;
          g_ptr_array_add (refs, ws_environment_dup_ref (environment));
        }
    }

  if (refs->len <= 1)
    return found;

  g_ptr_array_add (refs, NULL);
  list = g_strjoinv (", ", (char **) refs->pdata);
  g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
               _("Several environments are named “%s”: %s. Use one of these references."), name, list);
  return NULL;
}

WsEnvironment *
ws_catalog_lookup (WsCatalog   *self,
                   const char  *ref,
                   GError     **error)
{
  g_autofree char *profile = NULL;
  g_autofree char *region = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) local_error = NULL;
  WsEnvironment *found;

  g_return_val_if_fail (WS_IS_CATALOG (self), NULL);
  g_return_val_if_fail (ref != NULL, NULL);

  if (!ws_mwaa_parse_environment_ref (ref, &profile, &region, &name, error))
    return NULL;

  if (g_str_has_prefix (ref, "arn:") && (found = find_by_arn (self->items, ref)) != NULL)
    ;
  else if (region != NULL)
    found = find_environment (self->items, profile, region, name);
  else if ((found = lookup_bare_name (self, name, &local_error)) == NULL && local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (found == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_NOT_FOUND,
                   _("No known environment matches “%s”. Refresh the list, or check the name."), ref);
      return NULL;
    }

  return g_object_ref (found);
}

void
ws_catalog_set_max_parallel (WsCatalog *self,
                             guint      max_parallel)
{
  g_return_if_fail (WS_IS_CATALOG (self));
  g_return_if_fail (max_parallel > 0);

  self->max_parallel = max_parallel;
}

void
ws_catalog_set_network_monitor (WsCatalog       *self,
                                GNetworkMonitor *monitor)
{
  g_return_if_fail (WS_IS_CATALOG (self));
  g_return_if_fail (monitor == NULL || G_IS_NETWORK_MONITOR (monitor));

  if (self->network_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->network_monitor, self);
  g_clear_object (&self->network_monitor);

  /* A read-only catalog never refreshes: nothing to watch. */
  if (monitor == NULL || self->context == NULL)
    return;

  self->network_monitor = g_object_ref (monitor);
  self->network_available = g_network_monitor_get_network_available (monitor);
  g_signal_connect (monitor, "network-changed", G_CALLBACK (on_network_changed), self);
}

const char *
ws_catalog_get_cache_path (WsCatalog *self)
{
  g_return_val_if_fail (WS_IS_CATALOG (self), NULL);

  return self->cache_path;
}
