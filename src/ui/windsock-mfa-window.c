/* windsock-mfa-window.c — "Enter the code from your MFA device"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <glib/gi18n.h>

#include "windsock-mfa-window.h"

#define CODE_LENGTH 6

typedef enum
{
  STATE_ASKING,
  STATE_CHECKING,  /* a code was submitted: waiting for AWS's answer */
  STATE_FAILED,    /* no more tries: only Close is left */
  STATE_DONE,      /* accepted or cancelled: nothing more is emitted */
} State;

struct _WindsockMfaWindow
{
  GtkApplicationWindow  parent_instance;

  State                 state;

  GtkLabel             *profile_label;
  GtkLabel             *serial_label;
  GtkEntry             *code_entry;
  GtkLabel             *error_label;
  GtkSpinner           *spinner;
  GtkButton            *cancel_button;
  GtkButton            *ok_button;
};

G_DEFINE_FINAL_TYPE (WindsockMfaWindow, windsock_mfa_window, GTK_TYPE_APPLICATION_WINDOW)

enum { SIGNAL_SUBMITTED, SIGNAL_CANCELLED, N_SIGNALS };
static guint signals[N_SIGNALS];

static gboolean
is_complete_code (const char *text)
{
  if (strlen (text) != CODE_LENGTH)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  return TRUE;
}

static void
set_state (WindsockMfaWindow *self,
           State              state)
{
  gboolean asking = state == STATE_ASKING;

  self->state = state;
  gtk_spinner_set_spinning (self->spinner, state == STATE_CHECKING);
  gtk_widget_set_sensitive (GTK_WIDGET (self->code_entry), asking);
  gtk_widget_set_sensitive (GTK_WIDGET (self->ok_button),
                            asking && is_complete_code (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));
  if (asking)
    gtk_widget_grab_focus (GTK_WIDGET (self->code_entry));
}

static void
on_code_changed (WindsockMfaWindow *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self->ok_button),
                            self->state == STATE_ASKING &&
                            is_complete_code (gtk_editable_get_text (GTK_EDITABLE (self->code_entry))));
}

/* Digits only: what is typed or pasted ("123 456") keeps its digits. */
static void
on_insert_text (GtkEditable *editable,
                const char  *text,
                int          length,
                int         *position,
                gpointer     user_data)
{
  g_autoptr(GString) digits = g_string_new (NULL);
  gsize n = length < 0 ? strlen (text) : (gsize) length;

  for (gsize i = 0; i < n; i++)
    if (g_ascii_isdigit (text[i]))
      g_string_append_c (digits, text[i]);
  if (digits->len == n)
    return;

  g_signal_handlers_block_by_func (editable, on_insert_text, user_data);
  gtk_editable_insert_text (editable, digits->str, digits->len, position);
  g_signal_handlers_unblock_by_func (editable, on_insert_text, user_data);
  g_signal_stop_emission_by_name (editable, "insert-text");
}

static void
on_submit (WindsockMfaWindow *self)
{
  g_autofree char *code = NULL;

  if (self->state != STATE_ASKING)
    return;
  code = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->code_entry)));
  if (!is_complete_code (code))
    return;

  /* A code is good once: the next try starts empty. */
  gtk_editable_set_text (GTK_EDITABLE (self->code_entry), "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_state (self, STATE_CHECKING);
  g_signal_emit (self, signals[SIGNAL_SUBMITTED], 0, code);
  memset (code, 0, CODE_LENGTH);
}

/* Cancel, Esc and the close button: the same. */
static void
cancel (WindsockMfaWindow *self)
{
  State state = self->state;

  self->state = STATE_DONE;
  if (state == STATE_ASKING || state == STATE_CHECKING)
    g_signal_emit (self, signals[SIGNAL_CANCELLED], 0);
}

static gboolean
on_close_request (WindsockMfaWindow *self)
{
  cancel (self);
  return FALSE;
}

static void
on_cancel_clicked (WindsockMfaWindow *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
windsock_mfa_window_class_init (WindsockMfaWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  signals[SIGNAL_SUBMITTED] =
    g_signal_new ("submitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
  signals[SIGNAL_CANCELLED] =
    g_signal_new ("cancelled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/windsock/Windsock/ui/windsock-mfa-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WindsockMfaWindow, profile_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockMfaWindow, serial_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockMfaWindow, code_entry);
  gtk_widget_class_bind_template_child (widget_class, WindsockMfaWindow, error_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockMfaWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, WindsockMfaWindow, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, WindsockMfaWindow, ok_button);
  gtk_widget_class_bind_template_callback (widget_class, on_code_changed);
  gtk_widget_class_bind_template_callback (widget_class, on_submit);
  gtk_widget_class_bind_template_callback (widget_class, on_cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_close_request);
}

static void
windsock_mfa_window_init (WindsockMfaWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (gtk_editable_get_delegate (GTK_EDITABLE (self->code_entry)), "insert-text",
                    G_CALLBACK (on_insert_text), self);
  set_state (self, STATE_ASKING);
}

GtkWidget *
windsock_mfa_window_new (GtkApplication *application,
                         const char     *profile,
                         const char     *mfa_serial)
{
  WindsockMfaWindow *self;
  g_autofree char *text = NULL;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (profile != NULL, NULL);
  g_return_val_if_fail (mfa_serial != NULL, NULL);

  self = g_object_new (WINDSOCK_TYPE_MFA_WINDOW, "application", application, NULL);
  text = g_strdup_printf (_("AWS asks for a one-time code to sign in with the profile “%s”."), profile);
  gtk_label_set_label (self->profile_label, text);
  gtk_label_set_label (self->serial_label, mfa_serial);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->serial_label), mfa_serial);
  return GTK_WIDGET (self);
}

static void
show_message (WindsockMfaWindow *self,
              const char        *message)
{
  gtk_label_set_label (self->error_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

void
windsock_mfa_window_show_error (WindsockMfaWindow *self,
                                const char        *message)
{
  g_return_if_fail (WINDSOCK_IS_MFA_WINDOW (self));
  g_return_if_fail (message != NULL);

  if (self->state == STATE_DONE || self->state == STATE_FAILED)
    return;
  show_message (self, message);
  set_state (self, STATE_ASKING);
}

void
windsock_mfa_window_show_failure (WindsockMfaWindow *self,
                                  const char        *message)
{
  g_return_if_fail (WINDSOCK_IS_MFA_WINDOW (self));
  g_return_if_fail (message != NULL);

  if (self->state == STATE_DONE)
    return;
  show_message (self, message);
  set_state (self, STATE_FAILED);
  gtk_button_set_label (self->cancel_button, _("_Close"));
  gtk_widget_set_visible (GTK_WIDGET (self->ok_button), FALSE);
  gtk_widget_grab_focus (GTK_WIDGET (self->cancel_button));
}

void
windsock_mfa_window_finish_ok (WindsockMfaWindow *self)
{
  g_return_if_fail (WINDSOCK_IS_MFA_WINDOW (self));

  self->state = STATE_DONE;
  gtk_window_destroy (GTK_WINDOW (self));
}
