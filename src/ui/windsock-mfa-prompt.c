/* windsock-mfa-prompt.c — MFA codes asked for in WindsockMfaWindows
 *
 * The provider calls the prompt once per code; its
 * WsCredentialsProvider::mfa-finished says when a device's turn is over,
 * which is when its window closes (or shows why there are no more tries).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "windsock-mfa-prompt.h"
#include "windsock-mfa-window.h"
#include "ws-secret.h"

#define REPLY_KEY "windsock-mfa-reply"

struct _WindsockMfaPrompt
{
  GObject     parent_instance;

  GtkWindow  *parent;    /* weak */
  GHashTable *windows;   /* mfa_serial → the WindsockMfaWindow asking for its code */
};

G_DEFINE_FINAL_TYPE (WindsockMfaPrompt, windsock_mfa_prompt, G_TYPE_OBJECT)

static void
on_submitted (WindsockMfaWindow *window,
              const char        *code)
{
  g_autoptr(GTask) reply = g_object_steal_data (G_OBJECT (window), REPLY_KEY);

  if (reply != NULL)
    g_task_return_pointer (reply, g_strdup (code), ws_secret_free);
}

/* A reply still waiting when its window goes (Cancel, Esc, closed with
 * its parent) is answered as cancelled. */
static void
reply_cancelled (gpointer data)
{
  g_autoptr(GTask) reply = data;

  g_task_return_new_error (reply, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("No MFA code was entered."));
}

static void
on_cancelled (WindsockMfaWindow *window)
{
  g_object_set_data (G_OBJECT (window), REPLY_KEY, NULL);
}

static void
on_window_destroyed (WindsockMfaWindow *window,
                     WindsockMfaPrompt *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->windows);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (value == window)
      g_hash_table_iter_remove (&iter);
}

static WindsockMfaWindow *
create_window (WindsockMfaPrompt *self,
               const char        *profile,
               const char        *mfa_serial)
{
  GtkApplication *application = self->parent != NULL ? gtk_window_get_application (self->parent) : NULL;
  WindsockMfaWindow *window = WINDSOCK_MFA_WINDOW (windsock_mfa_window_new (application, profile, mfa_serial));

  if (self->parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (window), self->parent);
      gtk_window_set_modal (GTK_WINDOW (window), TRUE);
      gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
    }
  g_signal_connect (window, "submitted", G_CALLBACK (on_submitted), NULL);
  g_signal_connect (window, "cancelled", G_CALLBACK (on_cancelled), NULL);
  g_signal_connect_object (window, "destroy", G_CALLBACK (on_window_destroyed), self, 0);
  g_hash_table_insert (self->windows, g_strdup (mfa_serial), window);
  return window;
}

static void
prompt (const char *profile,
        const char *mfa_serial,
        GTask      *reply,
        gpointer    user_data)
{
  WindsockMfaPrompt *self = user_data;
  WindsockMfaWindow *window = g_hash_table_lookup (self->windows, mfa_serial);
  const GError *previous = ws_mfa_prompt_get_previous_error (reply);

  if (window == NULL)
    window = create_window (self, profile, mfa_serial);
  else if (previous != NULL)
    windsock_mfa_window_show_error (window, previous->message);

  g_object_set_data_full (G_OBJECT (window), REPLY_KEY, g_object_ref (reply), reply_cancelled);
  gtk_window_present (GTK_WINDOW (window));
}

static void
on_mfa_finished (WsCredentialsProvider *provider,
                 const char            *mfa_serial,
                 const GError          *error,
                 WindsockMfaPrompt     *self)
{
  WindsockMfaWindow *window = g_hash_table_lookup (self->windows, mfa_serial);

  if (window == NULL)
    return;
  if (error == NULL)
    windsock_mfa_window_finish_ok (window);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    gtk_window_destroy (GTK_WINDOW (window));
  else
    windsock_mfa_window_show_failure (window, error->message);
}

/* Each reload of the AWS files brings a new provider. */
static void
watch_provider (WsAwsContext      *context,
                WindsockMfaPrompt *self)
{
  g_signal_connect_object (ws_aws_context_get_provider (context), "mfa-finished",
                           G_CALLBACK (on_mfa_finished), self, 0);
}

static void
windsock_mfa_prompt_finalize (GObject *object)
{
  WindsockMfaPrompt *self = WINDSOCK_MFA_PROMPT (object);

  g_clear_weak_pointer (&self->parent);
  g_hash_table_unref (self->windows);

  G_OBJECT_CLASS (windsock_mfa_prompt_parent_class)->finalize (object);
}

static void
windsock_mfa_prompt_class_init (WindsockMfaPromptClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = windsock_mfa_prompt_finalize;
}

static void
windsock_mfa_prompt_init (WindsockMfaPrompt *self)
{
  self->windows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
windsock_mfa_prompt_install (WsAwsContext *context,
                             GtkWindow    *parent)
{
  WindsockMfaPrompt *self;

  g_return_if_fail (WS_IS_AWS_CONTEXT (context));
  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));

  self = g_object_new (WINDSOCK_TYPE_MFA_PROMPT, NULL);
  g_set_weak_pointer (&self->parent, parent);
  watch_provider (context, self);
  g_signal_connect_object (context, "changed", G_CALLBACK (watch_provider), self, 0);
  /* The context owns the prompt: it is there for as long as it may be called. */
  ws_aws_context_set_mfa_prompt (context, prompt, self, g_object_unref);
}
