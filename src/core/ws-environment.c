/* ws-environment.c — one MWAA environment as the catalog knows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-environment.h"

#include <string.h>

#include <glib/gi18n.h>

#include "ws-aws-error.h"
#include "ws-endpoint.h"
#include "ws-json.h"

struct _WsEnvironment
{
  GObject   parent_instance;

  char     *profile;
  char     *region;
  char     *name;
  char     *arn;
  char     *account_id;
  char     *status;
  char     *airflow_version;
  char     *webserver_hostname;
  char     *access_mode;
  char     *last_error;
  char     *problem;
  gboolean  pinned;
};

G_DEFINE_FINAL_TYPE (WsEnvironment, ws_environment, G_TYPE_OBJECT)

enum
{
  PROP_0,
  PROP_PROFILE,
  PROP_REGION,
  PROP_NAME,
  PROP_ARN,
  PROP_ACCOUNT_ID,
  PROP_STATUS,
  PROP_AIRFLOW_VERSION,
  PROP_WEBSERVER_HOSTNAME,
  PROP_ACCESS_MODE,
  PROP_LAST_ERROR,
  PROP_PINNED,
  PROP_PROBLEM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* MWAA's statuses (mwaa-api.md §5); @reason NULL means the UI opens. */
static const struct
{
  const char *status;
  const char *label;
  const char *reason;
} statuses[] = {
  { "AVAILABLE", N_("Available"), NULL },
  { "UPDATING", N_("Updating"), NULL },
  { "UPDATE_FAILED", N_("Update failed"), NULL },
  { "MAINTENANCE", N_("Maintenance"), NULL },
  { "ROLLING_BACK", N_("Rolling back"), NULL },
  { "CREATING_SNAPSHOT", N_("Creating snapshot"), NULL },
  { "CREATING", N_("Creating"), N_("The environment is still being created.") },
  { "CREATE_FAILED", N_("Creation failed"), N_("The environment could not be created.") },
  { "DELETING", N_("Deleting"), N_("The environment is being deleted.") },
  { "DELETED", N_("Deleted"), N_("The environment was deleted.") },
  { "UNAVAILABLE", N_("Unavailable"), N_("The environment is unavailable.") },
  { "PENDING", N_("Pending"), N_("The environment waits for its VPC endpoints to be created.") },
};

static int
find_status (const char *status)
{
  for (guint i = 0; status != NULL && i < G_N_ELEMENTS (statuses); i++)
    if (g_str_equal (statuses[i].status, status))
      return i;

  return -1;
}

gboolean
ws_environment_status_is_usable (const char  *status,
                                 char       **reason)
{
  int i = find_status (status);

  /* Unknown statuses are newer than us: let the user try. */
  if (i < 0 || statuses[i].reason == NULL)
    return TRUE;

  if (reason != NULL)
    *reason = g_strdup (_(statuses[i].reason));
  return FALSE;
}

const char *
ws_environment_status_to_label (const char *status)
{
  int i = find_status (status);

  if (status == NULL)
    return _("Unknown");
  return i >= 0 ? _(statuses[i].label) : status;
}

/* arn:PARTITION:airflow:REGION:ACCOUNT:environment/NAME */
static char *
account_from_arn (const char *arn)
{
  g_auto(GStrv) fields = NULL;

  if (arn == NULL)
    return NULL;
  fields = g_strsplit (arn, ":", 6);
  if (g_strv_length (fields) != 6 || fields[4][0] == '\0')
    return NULL;

  return g_strdup (fields[4]);
}

/* Replaces *@field with @value and notifies when it differs. */
static void
set_field (WsEnvironment *self,
           char         **field,
           const char    *value,
           guint          prop_id)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
set_arn (WsEnvironment *self,
         const char    *arn)
{
  g_autofree char *account_id = account_from_arn (arn);

  set_field (self, &self->arn, arn, PROP_ARN);
  set_field (self, &self->account_id, account_id, PROP_ACCOUNT_ID);
}

static void
ws_environment_finalize (GObject *object)
{
  WsEnvironment *self = WS_ENVIRONMENT (object);

  g_free (self->profile);
  g_free (self->region);
  g_free (self->name);
  g_free (self->arn);
  g_free (self->account_id);
  g_free (self->status);
  g_free (self->airflow_version);
  g_free (self->webserver_hostname);
  g_free (self->access_mode);
  g_free (self->last_error);
  g_free (self->problem);

  G_OBJECT_CLASS (ws_environment_parent_class)->finalize (object);
}

static void
ws_environment_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  WsEnvironment *self = WS_ENVIRONMENT (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_string (value, self->profile);
      break;
    case PROP_REGION:
      g_value_set_string (value, self->region);
      break;
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;
    case PROP_ARN:
      g_value_set_string (value, self->arn);
      break;
    case PROP_ACCOUNT_ID:
      g_value_set_string (value, self->account_id);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_AIRFLOW_VERSION:
      g_value_set_string (value, self->airflow_version);
      break;
    case PROP_WEBSERVER_HOSTNAME:
      g_value_set_string (value, self->webserver_hostname);
      break;
    case PROP_ACCESS_MODE:
      g_value_set_string (value, self->access_mode);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    case PROP_PINNED:
      g_value_set_boolean (value, self->pinned);
      break;
    case PROP_PROBLEM:
      g_value_set_string (value, self->problem);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ws_environment_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  WsEnvironment *self = WS_ENVIRONMENT (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      self->profile = g_value_dup_string (value);
      break;
    case PROP_REGION:
      self->region = g_value_dup_string (value);
      break;
    case PROP_NAME:
      self->name = g_value_dup_string (value);
      break;
    case PROP_PINNED:
      ws_environment_set_pinned (self, g_value_get_boolean (value));
      break;
    case PROP_PROBLEM:
      ws_environment_set_problem (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static GParamSpec *
string_property (const char  *name,
                 GParamFlags  flags)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              flags | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
}

static void
ws_environment_class_init (WsEnvironmentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ws_environment_finalize;
  object_class->get_property = ws_environment_get_property;
  object_class->set_property = ws_environment_set_property;

  properties[PROP_PROFILE] = string_property ("profile", G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY);
  properties[PROP_REGION] = string_property ("region", G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY);
  properties[PROP_NAME] = string_property ("name", G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY);
  properties[PROP_ARN] = string_property ("arn", G_PARAM_READABLE);
  properties[PROP_ACCOUNT_ID] = string_property ("account-id", G_PARAM_READABLE);
  properties[PROP_STATUS] = string_property ("status", G_PARAM_READABLE);
  properties[PROP_AIRFLOW_VERSION] = string_property ("airflow-version", G_PARAM_READABLE);
  properties[PROP_WEBSERVER_HOSTNAME] = string_property ("webserver-hostname", G_PARAM_READABLE);
  properties[PROP_ACCESS_MODE] = string_property ("access-mode", G_PARAM_READABLE);
  properties[PROP_LAST_ERROR] = string_property ("last-error", G_PARAM_READABLE);
  properties[PROP_PROBLEM] = string_property ("problem", G_PARAM_READWRITE);
  properties[PROP_PINNED] = g_param_spec_boolean ("pinned", NULL, NULL, FALSE,
                                                  G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
                                                  G_PARAM_EXPLICIT_NOTIFY);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ws_environment_init (WsEnvironment *self)
{
}

WsEnvironment *
ws_environment_new (const char *profile,
                    const char *region,
                    const char *name)
{
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (region != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_object_new (WS_TYPE_ENVIRONMENT,
                       "profile", profile,
                       "region", region,
                       "name", name,
                       NULL);
}

WsEnvironment *
ws_environment_new_from_mwaa (const char              *profile,
                              const char              *region,
                              const WsMwaaEnvironment *mwaa)
{
  WsEnvironment *self;

  g_return_val_if_fail (mwaa != NULL && mwaa->name != NULL, NULL);

  self = ws_environment_new (profile, region, mwaa->name);
  ws_environment_update_from_mwaa (self, mwaa);
  return self;
}

const char *
ws_environment_get_profile (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->profile;
}

const char *
ws_environment_get_region (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->region;
}

const char *
ws_environment_get_name (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->name;
}

const char *
ws_environment_get_arn (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->arn;
}

const char *
ws_environment_get_account_id (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->account_id;
}

const char *
ws_environment_get_status (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->status;
}

const char *
ws_environment_get_airflow_version (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->airflow_version;
}

const char *
ws_environment_get_webserver_hostname (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->webserver_hostname;
}

const char *
ws_environment_get_access_mode (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->access_mode;
}

const char *
ws_environment_get_last_error (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->last_error;
}

gboolean
ws_environment_get_pinned (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), FALSE);
  return self->pinned;
}

void
ws_environment_set_pinned (WsEnvironment *self,
                           gboolean       pinned)
{
  g_return_if_fail (WS_IS_ENVIRONMENT (self));

  pinned = !!pinned;
  if (self->pinned == pinned)
    return;
  self->pinned = pinned;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
}

const char *
ws_environment_get_problem (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);
  return self->problem;
}

void
ws_environment_set_problem (WsEnvironment *self,
                            const char    *problem)
{
  g_return_if_fail (WS_IS_ENVIRONMENT (self));

  set_field (self, &self->problem, problem, PROP_PROBLEM);
}

void
ws_environment_update_from_mwaa (WsEnvironment           *self,
                                 const WsMwaaEnvironment *mwaa)
{
  g_return_if_fail (WS_IS_ENVIRONMENT (self));
  g_return_if_fail (mwaa != NULL);

  g_object_freeze_notify (G_OBJECT (self));
  /* The ARN is the identity: a failed GetEnvironment does not forget it. */
  if (mwaa->arn != NULL)
    set_arn (self, mwaa->arn);
  set_field (self, &self->status, mwaa->status, PROP_STATUS);
  set_field (self, &self->airflow_version, mwaa->airflow_version, PROP_AIRFLOW_VERSION);
  set_field (self, &self->webserver_hostname, mwaa->webserver_hostname, PROP_WEBSERVER_HOSTNAME);
  set_field (self, &self->access_mode, mwaa->access_mode, PROP_ACCESS_MODE);
  set_field (self, &self->last_error, mwaa->last_error, PROP_LAST_ERROR);
  g_object_thaw_notify (G_OBJECT (self));
}

char *
ws_environment_dup_ref (WsEnvironment *self)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);

  return ws_environment_format_ref (self->profile, self->region, self->name);
}

char *
ws_environment_format_ref (const char *profile,
                           const char *region,
                           const char *name)
{
  return g_strdup_printf ("%s/%s/%s", profile, region, name);
}

gboolean
ws_environment_is_usable (WsEnvironment  *self,
                          char          **reason)
{
  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), FALSE);

  if (self->problem != NULL)
    {
      if (reason != NULL)
        *reason = g_strdup (self->problem);
      return FALSE;
    }

  return ws_environment_status_is_usable (self->status, reason);
}

/* Cache form */

static void
set_optional_string (JsonObject *object,
                     const char *member,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
}

JsonObject *
ws_environment_to_json (WsEnvironment *self)
{
  JsonObject *object;

  g_return_val_if_fail (WS_IS_ENVIRONMENT (self), NULL);

  object = json_object_new ();
  json_object_set_string_member (object, "profile", self->profile);
  json_object_set_string_member (object, "region", self->region);
  json_object_set_string_member (object, "name", self->name);
  set_optional_string (object, "arn", self->arn);
  set_optional_string (object, "status", self->status);
  set_optional_string (object, "airflow_version", self->airflow_version);
  set_optional_string (object, "webserver_hostname", self->webserver_hostname);
  set_optional_string (object, "access_mode", self->access_mode);
  set_optional_string (object, "last_error", self->last_error);
  json_object_set_boolean_member (object, "pinned", self->pinned);

  return object;
}

/* A profile is a config section name; "/" would make the ref ambiguous. */
static gboolean
validate_profile (const char  *profile,
                  GError     **error)
{
  if (profile != NULL && profile[0] != '\0' && strchr (profile, '/') == NULL)
    return TRUE;

  g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
               _("The cached environment has no valid profile."));
  return FALSE;
}

WsEnvironment *
ws_environment_new_from_json (JsonObject  *object,
                              GError     **error)
{
  const char *profile = ws_json_get_string (object, "profile");
  const char *region = ws_json_get_string (object, "region");
  const char *name = ws_json_get_string (object, "name");
  const char *host = ws_json_get_string (object, "webserver_hostname");
  WsMwaaEnvironment mwaa = { 0 };
  WsEnvironment *self;

  g_return_val_if_fail (object != NULL, NULL);

  if (!validate_profile (profile, error) ||
      !ws_endpoint_validate_region (region != NULL ? region : "", error) ||
      !ws_mwaa_validate_environment_name (name != NULL ? name : "", error))
    return NULL;

  /* The launcher builds a URL from it: only a bare host will do. */
  if (host != NULL && !ws_endpoint_is_valid_hostname (host))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_ARGUMENT,
                   _("The cached environment “%s” has an invalid web server host name."), name);
      return NULL;
    }

  mwaa.name = (char *) name;
  mwaa.arn = (char *) ws_json_get_string (object, "arn");
  mwaa.status = (char *) ws_json_get_string (object, "status");
  mwaa.airflow_version = (char *) ws_json_get_string (object, "airflow_version");
  mwaa.webserver_hostname = (char *) host;
  mwaa.access_mode = (char *) ws_json_get_string (object, "access_mode");
  mwaa.last_error = (char *) ws_json_get_string (object, "last_error");

  self = ws_environment_new_from_mwaa (profile, region, &mwaa);
  self->pinned = json_object_get_boolean_member_with_default (object, "pinned", FALSE);
  return self;
}
