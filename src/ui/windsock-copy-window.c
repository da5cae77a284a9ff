/* windsock-copy-window.c — "Sign-in link copied", with a countdown
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>

#include "windsock-copy-window.h"
#include "ws-secret.h"

struct _WindsockCopyWindow
{
  GtkApplicationWindow  parent_instance;

  GBytes               *url;
  GdkContentProvider   *content;   /* ours, while on the clipboard */
  guint                 lifetime;  /* seconds */
  gint64                deadline;  /* monotonic µs */
  guint                 tick_id;
  gboolean              claimed_on_focus;

  GtkLabel             *countdown_label;
  GtkLevelBar          *level_bar;
};

G_DEFINE_FINAL_TYPE (WindsockCopyWindow, windsock_copy_window, GTK_TYPE_APPLICATION_WINDOW)

/* Offers the URL straight from our buffer, so that the only copy is the
 * one wiped at the end (gdk_clipboard_set_text() would keep another). */
static GdkContentProvider *
secret_text_provider_new (GBytes *text)
{
  GdkContentProvider *providers[] = {
    gdk_content_provider_new_for_bytes ("text/plain;charset=utf-8", text),
    gdk_content_provider_new_for_bytes ("text/plain", text),
  };

  return gdk_content_provider_new_union (providers, G_N_ELEMENTS (providers));
}

static void
copy_url (WindsockCopyWindow *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));

  if (self->content == NULL)
    self->content = secret_text_provider_new (self->url);
  gdk_clipboard_set_content (clipboard, self->content);
}

/* Only if nobody copied anything else meanwhile. */
static void
clear_clipboard (WindsockCopyWindow *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));

  if (self->content == NULL)
    return;
  if (gdk_clipboard_is_local (clipboard) && gdk_clipboard_get_content (clipboard) == self->content)
    gdk_clipboard_set_content (clipboard, NULL);
  g_clear_object (&self->content);
}

static void
update_countdown (WindsockCopyWindow *self)
{
  gint64 left = MAX (self->deadline - g_get_monotonic_time (), 0);
  guint seconds = (guint) ((left + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  g_autofree char *text = NULL;

  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "The clipboard is cleared in %u second",
                                       "The clipboard is cleared in %u seconds", seconds),
                          seconds);
  gtk_label_set_label (self->countdown_label, text);
  gtk_level_bar_set_value (self->level_bar, (double) left / G_USEC_PER_SEC);
}

static gboolean
on_tick (gpointer user_data)
{
  WindsockCopyWindow *self = user_data;

  update_countdown (self);
  if (g_get_monotonic_time () < self->deadline)
    return G_SOURCE_CONTINUE;

  self->tick_id = 0;
  gtk_window_destroy (GTK_WINDOW (self));
  return G_SOURCE_REMOVE;
}

/* A compositor may refuse a claim made before the window had the focus;
 * claim once more when it gets it, unless the link is gone already. */
static void
on_active_changed (WindsockCopyWindow *self)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (self));

  if (!gtk_window_is_active (GTK_WINDOW (self)) || self->claimed_on_focus)
    return;
  self->claimed_on_focus = TRUE;
  if (!gdk_clipboard_is_local (clipboard))
    copy_url (self);
}

static void
windsock_copy_window_map (GtkWidget *widget)
{
  WindsockCopyWindow *self = WINDSOCK_COPY_WINDOW (widget);

  GTK_WIDGET_CLASS (windsock_copy_window_parent_class)->map (widget);

  if (self->tick_id != 0)
    return;
  copy_url (self);
  self->deadline = g_get_monotonic_time () + self->lifetime * G_USEC_PER_SEC;
  gtk_level_bar_set_max_value (self->level_bar, self->lifetime);
  update_countdown (self);
  /* Not a whole-second timer: that would drift from the label. */
  self->tick_id = g_timeout_add (250, on_tick, self);
}

static void
on_close_clicked (WindsockCopyWindow *self)
{
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
windsock_copy_window_dispose (GObject *object)
{
  WindsockCopyWindow *self = WINDSOCK_COPY_WINDOW (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  clear_clipboard (self);
  g_clear_pointer (&self->url, ws_secret_bytes_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), WINDSOCK_TYPE_COPY_WINDOW);

  G_OBJECT_CLASS (windsock_copy_window_parent_class)->dispose (object);
}

static void
windsock_copy_window_class_init (WindsockCopyWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = windsock_copy_window_dispose;
  widget_class->map = windsock_copy_window_map;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/windsock/Windsock/ui/windsock-copy-window.ui");
  gtk_widget_class_bind_template_child (widget_class, WindsockCopyWindow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, WindsockCopyWindow, level_bar);
  gtk_widget_class_bind_template_callback (widget_class, on_close_clicked);
  gtk_widget_class_bind_template_callback (widget_class, on_active_changed);
}

static void
windsock_copy_window_init (WindsockCopyWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
windsock_copy_window_new (GtkApplication *application,
                          GBytes         *url,
                          guint           lifetime_seconds)
{
  WindsockCopyWindow *self;

  g_return_val_if_fail (application == NULL || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (lifetime_seconds > 0, NULL);

  self = g_object_new (WINDSOCK_TYPE_COPY_WINDOW, "application", application, NULL);
  self->url = url;
  self->lifetime = lifetime_seconds;
  return GTK_WIDGET (self);
}
