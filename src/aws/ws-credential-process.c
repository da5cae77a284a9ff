/* ws-credential-process.c — credential_process: its output format, and
 * running it with a timeout and bounded pipes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "ws-credential-process.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "ws-aws-error.h"
#include "ws-json.h"
#include "ws-sandbox.h"
#include "ws-secret.h"

#define PROCESS_STDOUT_MAX     (1024 * 1024)
#define PROCESS_STDERR_MAX     1024
#define PROCESS_STDERR_CHARS   500
#define PIPE_CHUNK             16384

/* Pure: the output */

static gboolean
json_version_is_1 (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "Version");

  return node != NULL &&
         json_node_get_value_type (node) == G_TYPE_INT64 &&
         json_node_get_int (node) == 1;
}

WsCredentials *
ws_credential_process_parse (const char  *json,
                             gsize        length,
                             const char  *profile,
                             GError     **error)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) expiration = NULL;
  g_autoptr(JsonObject) object = NULL;
  const char *access_key_id;
  const char *secret_access_key;
  const char *expiration_text;

  object = ws_json_parse_object (json, length, PROCESS_STDOUT_MAX);
  if (object == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS,
                   _("The credential_process of profile “%s” did not print a JSON object; check the command by running it."),
                   profile);
      return NULL;
    }

  if (!json_version_is_1 (object))
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS,
                   _("The credential_process of profile “%s” printed an unsupported Version; it must print \"Version\": 1."),
                   profile);
      return NULL;
    }

  access_key_id = ws_json_get_string (object, "AccessKeyId");
  secret_access_key = ws_json_get_string (object, "SecretAccessKey");
  if (access_key_id == NULL || secret_access_key == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS,
                   _("The credential_process of profile “%s” printed no AccessKeyId or SecretAccessKey; check the command."),
                   profile);
      return NULL;
    }

  expiration_text = ws_json_get_string (object, "Expiration");
  if (expiration_text != NULL &&
      (expiration = g_date_time_new_from_iso8601 (expiration_text, utc)) == NULL)
    {
      g_set_error (error, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS,
                   _("The credential_process of profile “%s” printed an Expiration that is not an ISO 8601 time."),
                   profile);
      return NULL;
    }

  return ws_credentials_new (access_key_id, secret_access_key,
                             ws_json_get_string (object, "SessionToken"),
                             expiration, "credential_process");
}

/* Running it */

/* Inside Flatpak only the sandbox's own programs can run, and the
 * commands people configure (aws-vault, 1Password, company SSO helpers)
 * live on the host. */
static gboolean
program_is_runnable (const char *program)
{
  g_autofree char *found = NULL;

  if (!ws_sandbox_is_flatpak ())
    return TRUE;
  if (strchr (program, '/') != NULL)
    return g_file_test (program, G_FILE_TEST_IS_EXECUTABLE);
  found = g_find_program_in_path (program);
  return found != NULL;
}

typedef struct
{
  GSubprocess  *process;
  pid_t         group;          /* the child's pid, its process group */
  GCancellable *reads;          /* stops the pipe reads on kill */
  GCancellable *caller;
  gulong        caller_id;
  GByteArray   *out;
  GByteArray   *err;
  char         *profile;
  guint         pending;        /* pipe reads + the wait */
  guint         timeout_id;
  guint         timeout_ms;
  gboolean      timed_out;
  gboolean      too_large;
} ProcessRun;

static void
process_run_free (ProcessRun *run)
{
  g_clear_handle_id (&run->timeout_id, g_source_remove);
  g_cancellable_disconnect (run->caller, run->caller_id);
  g_clear_object (&run->caller);
  g_clear_object (&run->process);
  g_clear_object (&run->reads);
  g_clear_pointer (&run->out, ws_secret_byte_array_unref);
  g_clear_pointer (&run->err, g_byte_array_unref);
  g_free (run->profile);
  g_free (run);
}

/* Runs in the child: its own process group, so a kill reaches whatever
 * the command started too. */
static void
process_child_setup (gpointer user_data)
{
  setpgid (0, 0);
}

/* The group is killed even when the child itself has exited, since what
 * it left running may still hold the pipes open. */
static void
process_kill (ProcessRun *run)
{
  if (run->group > 0)
    kill (-run->group, SIGKILL);
  g_subprocess_force_exit (run->process);
  g_cancellable_cancel (run->reads);
}

static gboolean
process_on_timeout (gpointer user_data)
{
  ProcessRun *run = user_data;

  run->timeout_id = 0;
  run->timed_out = TRUE;
  process_kill (run);
  return G_SOURCE_REMOVE;
}

static void
process_on_caller_cancelled (GCancellable *cancellable,
                             ProcessRun   *run)
{
  process_kill (run);
}

static char *
process_stderr_text (ProcessRun *run)
{
  /* An empty GByteArray has no data at all. */
  g_autofree char *text = g_utf8_make_valid (run->err->len > 0 ? (const char *) run->err->data : "",
                                             run->err->len);

  g_strstrip (text);
  if (*text == '\0')
    return g_strdup (_("it printed nothing on stderr"));
  /* Invalid bytes grew into U+FFFD: bound the message again, by characters. */
  return g_utf8_substring (text, 0, MIN (g_utf8_strlen (text, -1), PROCESS_STDERR_CHARS));
}

static void
process_complete (GTask *task)
{
  ProcessRun *run = g_task_get_task_data (task);
  WsCredentials *credentials;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (run->timed_out)
    {
      guint seconds = MAX (run->timeout_ms / 1000, 1);

      g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS,
                               ngettext ("The credential_process of profile “%s” did not finish within %u second and was stopped; check the command, or allow it longer with WINDSOCK_CREDENTIAL_PROCESS_TIMEOUT.",
                                         "The credential_process of profile “%s” did not finish within %u seconds and was stopped; check the command, or allow it longer with WINDSOCK_CREDENTIAL_PROCESS_TIMEOUT.",
                                         seconds),
                               run->profile, seconds);
    }
  else if (run->too_large)
    g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS,
                             _("The credential_process of profile “%s” printed more than 1 MiB; check the command."),
                             run->profile);
  else if (!g_subprocess_get_successful (run->process))
    {
      g_autofree char *stderr_text = process_stderr_text (run);

      g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS,
                               _("The credential_process of profile “%s” failed: %s"),
                               run->profile, stderr_text);
    }
  else if ((credentials = ws_credential_process_parse ((const char *) run->out->data, run->out->len,
                                                       run->profile, &error)) != NULL)
    g_task_return_pointer (task, credentials, (GDestroyNotify) ws_credentials_unref);
  else
    g_task_return_error (task, error);
}

static void
process_op_done (GTask *task)
{
  ProcessRun *run = g_task_get_task_data (task);

  if (--run->pending == 0)
    {
      /* Done: what the command left running is no longer ours to kill. */
      g_clear_handle_id (&run->timeout_id, g_source_remove);
      g_cancellable_disconnect (run->caller, run->caller_id);
      run->caller_id = 0;
      process_complete (task);
    }
  g_object_unref (task);
}

static void process_on_read (GObject      *stream,
                             GAsyncResult *result,
                             gpointer      user_data);

static void
process_read_next (GTask        *task,
                   GInputStream *stream)
{
  ProcessRun *run = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (stream, PIPE_CHUNK, G_PRIORITY_DEFAULT,
                                   run->reads, process_on_read, task);
}

/* Appends a chunk; FALSE once the pipe should no longer be read. */
static gboolean
process_take_chunk (ProcessRun *run,
                    gboolean    is_stdout,
                    GBytes     *chunk)
{
  gsize size = g_bytes_get_size (chunk);

  if (!is_stdout)
    {
      /* Keep draining stderr so the child never blocks on it, but keep
       * only its beginning for the message. */
      if (run->err->len < PROCESS_STDERR_MAX)
        g_byte_array_append (run->err, g_bytes_get_data (chunk, NULL),
                             MIN (size, PROCESS_STDERR_MAX - run->err->len));
      return TRUE;
    }

  if (run->out->len + size > PROCESS_STDOUT_MAX)
    {
      run->too_large = TRUE;
      process_kill (run);
      return FALSE;
    }

  g_byte_array_append (run->out, g_bytes_get_data (chunk, NULL), size);
  return TRUE;
}

static void
process_on_read (GObject      *stream,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;
  ProcessRun *run = g_task_get_task_data (task);
  GBytes *chunk;
  gboolean is_stdout = stream == (GObject *) g_subprocess_get_stdout_pipe (run->process);
  gboolean more;

  /* A read error (the pipe cancelled after a kill) ends the stream like EOF. */
  chunk = g_input_stream_read_bytes_finish (G_INPUT_STREAM (stream), result, NULL);
  more = chunk != NULL && g_bytes_get_size (chunk) > 0 &&
         process_take_chunk (run, is_stdout, chunk);
  ws_secret_bytes_unref (chunk);

  if (more)
    process_read_next (task, G_INPUT_STREAM (stream));
  else
    process_op_done (task);
}

static void
process_on_wait (GObject      *process,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GTask *task = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (process), result, NULL);
  process_op_done (task);
}

void
ws_credential_process_run_async (const char          *command,
                                 const char          *profile,
                                 const char * const  *envp,
                                 guint                timeout_ms,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  const char *identifier;
  ProcessRun *run;

  g_return_if_fail (command != NULL);
  g_return_if_fail (profile != NULL);
  g_return_if_fail (timeout_ms > 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ws_credential_process_run_async);

  /* Split like a shell, but run no shell (as botocore). */
  if (!g_shell_parse_argv (command, NULL, &argv, &error))
    {
      g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_INVALID_CONFIG,
                               _("The credential_process of profile “%s” is not a valid command line (%s); fix it in the config file."),
                               profile, error->message);
      return;
    }
  if (!program_is_runnable (argv[0]))
    {
      g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS,
                               _("The credential_process of profile “%s” runs %s, a program outside the "
                                 "sandbox: Windsock installed as a Flatpak cannot start programs of your "
                                 "computer. Use a profile with IAM Identity Center (SSO), a role or access "
                                 "keys, or install Windsock from your distribution’s packages."),
                               profile, argv[0]);
      return;
    }

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (envp != NULL)
    g_subprocess_launcher_set_environ (launcher, (char **) envp);
  g_subprocess_launcher_set_child_setup (launcher, process_child_setup, NULL, NULL);

  run = g_new0 (ProcessRun, 1);
  run->profile = g_strdup (profile);
  run->timeout_ms = timeout_ms;
  /* Sized so that the usual output never moves, leaving no unwiped copy. */
  run->out = g_byte_array_sized_new (PIPE_CHUNK);
  run->err = g_byte_array_new ();
  run->reads = g_cancellable_new ();
  g_task_set_task_data (task, run, (GDestroyNotify) process_run_free);

  run->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  if (run->process == NULL)
    {
      g_task_return_new_error (task, WS_AWS_ERROR, WS_AWS_ERROR_CREDENTIAL_PROCESS,
                               _("Could not run the credential_process of profile “%s”: %s"),
                               profile, error->message);
      return;
    }

  /* NULL when the child has already exited and been reaped (GLib does so
   * in its worker thread); then no group is left that we could name. */
  identifier = g_subprocess_get_identifier (run->process);
  run->group = identifier != NULL ? g_ascii_strtoll (identifier, NULL, 10) : 0;
  run->pending = 3;
  process_read_next (g_object_ref (task), g_subprocess_get_stdout_pipe (run->process));
  process_read_next (g_object_ref (task), g_subprocess_get_stderr_pipe (run->process));
  g_subprocess_wait_async (run->process, NULL, process_on_wait, g_object_ref (task));
  run->timeout_id = g_timeout_add (run->timeout_ms, process_on_timeout, run);
  if (cancellable != NULL)
    {
      run->caller = g_object_ref (cancellable);
      run->caller_id = g_cancellable_connect (cancellable, G_CALLBACK (process_on_caller_cancelled),
                                              run, NULL);
    }
}

WsCredentials *
ws_credential_process_run_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ws_credential_process_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
